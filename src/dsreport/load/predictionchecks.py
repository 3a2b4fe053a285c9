"""Checks on the predictions table: its columns from the header or schema at load, its
cells batch by batch (the in-memory table is one batch; a streamed table is checked while
the analysis reads it), every problem located by file and line or row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dsreport.analyse import multiproba
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load import probachecks
from dsreport.load.aligned import Segment
from dsreport.load.checks import Collector, did_you_mean
from dsreport.load.columns import blank, factor, outside
from dsreport.load.rowchecks import (
    DEDUPE_ROWS,
    MAX_PER_CHECK,
    Findings,
    IdTally,
    Locate,
    SplitTally,
    id_hashes,
)
from dsreport.load.streamed import StreamedTable
from dsreport.load.synonyms import column_hint
from dsreport.load.tablechecks import LONG_CELL, LONG_HINT, _numeric, _rows, duplicated, long_cells
from dsreport.load.tables import Table
from dsreport.load.yamlsrc import Loc, YamlDoc

SCORE_HINT = "scores must be probabilities of the positive class"
DUPLICATE = "id {value} appears more than once"
DUPLICATE_HINT = "ids must be unique"
MISSING_ID = "the id is missing"
MISSING_ID_HINT = "give every row an id: a row without one is never matched or checked for repeats"


def _need(table: Table | StreamedTable, column: str, loc: Loc, out: Collector) -> bool:
    if column in table.columns:
        return True
    hint = column_hint(column, table.columns, str(loc[-1]))
    out.add(loc, f"column '{column}' is not in {table.file}", hint)
    return False


def check_predictions(
    spec: BundleSpec, table: Table | StreamedTable, out: Collector
) -> list[Problem]:
    """Every problem in one pass: a missing column never hides bad cells in the others.

    A streamed table's cells are left to its first pass (`ValueChecks` set on it)."""
    section = spec.interrogation.predictions
    assert section is not None
    base: Loc = ("interrogation", "predictions")
    if table.rows == 0:
        out.add((*base, "path"), f"{table.file} has a header but no rows")
        return []
    present = set()
    for column, loc in [
        (section.id_column, (*base, "id_column")),
        (section.label_column, (*base, "label_column")),
        *([(section.split_column, (*base, "split_column"))] if section.split_column else []),
        *[(name, (*base, "slice_columns", i)) for i, name in enumerate(section.slice_columns)],
        *[
            (rung.score_column, ("ladder", "rungs", i, "score_column"))
            for i, rung in enumerate(spec.ladder.rungs)
            if rung.score_column
        ],
    ]:
        if column not in present and _need(table, column, loc, out):
            present.add(column)
    if isinstance(table, StreamedTable) and spec.project.task == "multiclass":
        for _, wanted in probachecks.complete(spec, table.columns, table.file, out):
            present.update(wanted)  # checked batch by batch with the other cells
    streamed = isinstance(table, StreamedTable)
    checks = ValueChecks(spec, out.doc, present, streamed, table.rows if streamed else 0)
    if isinstance(table, Table) and spec.project.task != "multiclass":
        numbers = checks.scores + (
            [section.label_column] if spec.project.task == "regression" else []
        )
        table.numeric = tuple(c for c in numbers if c in present)
    if isinstance(table, StreamedTable):
        table.checks = checks
        table.plain = [section.id_column]
        return []
    checks.batch(table.frame, table.file, 0, table.where)
    problems = checks.finish(table)
    if spec.project.task == "multiclass" and spec.interrogation.classes:
        problems += _probabilities(spec, table, out)
    return problems


class ValueChecks:
    """The predictions' cell checks, fed one batch at a time, reported by `finish`."""

    def __init__(
        self, spec: BundleSpec, doc: YamlDoc, present: set[str], streamed: bool, rows: int = 0
    ):
        section = spec.interrogation.predictions
        assert section is not None
        self.spec, self.doc, self.section, self.streamed = spec, doc, section, streamed
        self.found = Findings()
        self.splits = SplitTally()
        self.ids = IdTally(expected=rows)
        self.columns = sorted(present)
        self.scores = [
            r.score_column
            for r in spec.ladder.rungs
            if r.score_column and r.score_column in present
        ]

    def batch(
        self, frame: pd.DataFrame, file: str, offset: int, locate: Locate | None = None
    ) -> None:
        where: Locate = locate or (lambda row: (file, None, offset + row))
        section, task, add = self.section, self.spec.project.task, self.found.add
        classes = self.spec.interrogation.classes
        shown = [section.label_column, section.split_column or "", *section.slice_columns]
        for column in dict.fromkeys(c for c in shown if c in frame.columns):
            mask = long_cells(frame[column])
            if mask is not None:
                add(mask, frame[column], where, LONG_CELL, column, LONG_HINT)
        if section.id_column in frame.columns:
            ids = frame[section.id_column]
            missing = missing_ids(ids)
            add(missing, ids, where, MISSING_ID, section.id_column, MISSING_ID_HINT, True)
            if self.streamed:
                self.ids.update(ids)
            else:
                repeated = duplicated(ids).to_numpy() & ~missing
                add(repeated, ids, where, DUPLICATE, section.id_column, DUPLICATE_HINT, True)
        if section.label_column in frame.columns:
            label = frame[section.label_column]
            add(blank(label), label, where, "the label is missing", section.label_column)
            if task in ("binary", "multiclass") and classes:
                add(
                    outside(label, classes),
                    label,
                    where,
                    "label {value} is not one of the declared classes",
                    section.label_column,
                    "add it to interrogation.classes or fix the row",
                )
            if task == "regression":
                _cells(add, frame, section.label_column, None, where)
        if section.split_column and section.split_column in frame.columns:
            codes, texts = factor(frame[section.split_column])
            self.splits.update(codes, texts, where)
        for column in self.scores:
            if column not in frame.columns:
                continue
            if task == "binary":
                _cells(add, frame, column, (0.0, 1.0), where)
            elif task == "regression":
                _cells(add, frame, column, None, where)
            elif classes:
                add(
                    outside(frame[column], classes),
                    frame[column],
                    where,
                    "prediction {value} is not one of the classes",
                    column,
                )

        if self.streamed and task == "multiclass":
            self._probabilities(frame, where)

    def _probabilities(self, frame: pd.DataFrame, where: Locate) -> None:
        """A streamed table's probability columns: cells in [0, 1], and the sum of each row
        whose cells are all numbers within 1 (± `multiproba.SUM_TOLERANCE`)."""
        add = self.found.add
        for rung in self.spec.ladder.rungs:
            wanted = [f"{rung.proba_prefix}{c}" for c in self.spec.interrogation.classes]
            if not rung.proba_prefix or any(c not in frame.columns for c in wanted):
                continue
            for column in wanted:
                _cells(add, frame, column, (0.0, 1.0), where, probachecks.CELL_HINT)
            cells = np.column_stack(
                [pd.to_numeric(frame[c], errors="coerce").to_numpy(np.float64) for c in wanted]
            )
            total = cells.sum(axis=1)
            with np.errstate(invalid="ignore"):
                clean = ((cells >= 0) & (cells <= 1)).all(axis=1)
            off = clean & (np.abs(total - 1.0) > multiproba.SUM_TOLERANCE)
            add(
                off,
                probachecks.sum_texts(pd.Series(total), off),
                where,
                "row sum {value} of " + rung.proba_prefix + "<class> is not 1",
                f"{rung.proba_prefix}*",
                probachecks.SUM_HINT,
            )

    def fresh(self) -> ValueChecks:
        return ValueChecks(self.spec, self.doc, set(self.columns), self.streamed, self.ids.expected)

    def finish(self, table: Table | StreamedTable) -> list[Problem]:
        """The problems of every batch seen, with those only the whole table shows."""
        out = Collector(self.doc)
        problems = self.found.problems()
        if self.section.split_column and self.section.split_column in self.columns:
            problems += _splits(self.spec, table.file, self.splits, out)
        if self.streamed and isinstance(table, StreamedTable):
            problems += _repeated_ids(table, self.section.id_column, self.ids)
        return problems + out.problems


def _cells(
    add: Any,
    frame: pd.DataFrame,
    column: str,
    bounds: tuple[float, float] | None,
    where: Locate,
    hint: str = SCORE_HINT,
) -> None:
    """Cells that are not numbers, missing, not finite or (with bounds) out of range."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    empty = blank(raw)
    add(values.isna() & ~empty, raw, where, "{value} is not a number", column)
    add(empty, raw, where, "the value is missing", column)
    number = values.to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(number)
    add(values.notna().to_numpy() & ~finite, raw, where, "{value} is not a finite number", column)
    if bounds is not None:
        low, high = bounds
        with np.errstate(invalid="ignore"):
            beyond = finite & ((number < low) | (number > high))
        add(beyond, raw, where, f"score {{value}} is outside [{low:g}, {high:g}]", column, hint)


def _splits(spec: BundleSpec, file: str, tally: SplitTally, out: Collector) -> list[Problem]:
    """Split values the bundle does not declare, once per value; and no test rows at all.

    Only rows whose split is `test` are the test split, so a misspelt or undeclared split
    would quietly leave its rows out of every headline number."""
    section = spec.interrogation.predictions
    assert section is not None and section.split_column
    column = section.split_column
    loc: Loc = ("interrogation", "predictions", "split_column")
    texts = tally.texts()
    declared = [s.name for s in spec.system_design.data.splits]
    found = ", ".join(texts[:MAX_PER_CHECK]) + (", ..." if len(texts) > MAX_PER_CHECK else "")
    problems: list[Problem] = []
    if "test" not in texts:
        out.add(
            loc,
            f"no row of {file} has the split 'test', so nothing is evaluated as the test "
            f"split (splits found: {found})",
            "name the held-out rows' split `test`",
        )
    listed = ", ".join(declared)
    if not declared:
        out.add(
            loc,
            f"the predictions' splits ({found}) are not declared in system_design.data.splits",
            "declare them (name and rows), so a misspelt split is caught",
            warning=True,
        )
        return problems
    undeclared = [text for text in texts if text not in declared]
    if len(undeclared) > MAX_PER_CHECK:
        out.add(
            loc,
            f"{len(undeclared) - MAX_PER_CHECK:,} more split values are not declared",
            "is this the split column?",
        )
    for text in undeclared[:MAX_PER_CHECK]:
        count, (where, line, _) = tally.found[text]
        close = did_you_mean(text, declared)
        problems.append(
            Problem(
                f"split '{text}' ({count:,} row{'s' if count != 1 else ''}) is not "
                "declared in system_design.data.splits",
                file=where,
                line=line,
                key=column,
                hint=f"{close} (declared: {listed})"
                if close
                else f"fix the rows, or declare the split (declared: {listed})",
            )
        )
    return problems


def _repeated_ids(table: StreamedTable, column: str, tally: IdTally) -> list[Problem]:
    """Ids that occur more than once (a warning), found from their hashes; only when some
    hash repeats is the id column read again, to name the rows."""
    if tally.rows > DEDUPE_ROWS:
        return [
            Problem(
                f"ids are not checked for repeats: the table has {tally.rows:,} rows, over "
                f"{DEDUPE_ROWS:,}",
                file=table.file,
                key=column,
                hint="check them where the table is made",
                severity="warning",
            )
        ]
    repeats = tally.repeated()
    if not len(repeats):
        return []
    found = Findings()
    seen: set[Any] = set()
    # the batches the checks hashed: an id's text follows its batch's type (integer ids
    # that pandas did not write as nullable read as floats in a batch with a missing id)
    for frame, segments in table.aligned([column], table.rows_read):
        ids = frame[column]
        earlier = np.zeros(len(ids), dtype=bool)
        for row in np.flatnonzero(np.isin(id_hashes(ids), repeats) & ~missing_ids(ids)):
            value = ids.iloc[row]
            earlier[row] = value in seen
            seen.add(value)
        starts = np.array([s.start for s in segments])

        def where(
            row: int, segments: list[Segment] = segments, starts: Any = starts
        ) -> tuple[str, None, int]:
            part = segments[int(np.searchsorted(starts, row, side="right")) - 1]
            return part.file, None, part.offset + row - part.start

        found.add(earlier, ids, where, DUPLICATE, column, DUPLICATE_HINT, warning=True)
    return found.problems()


def _probabilities(spec: BundleSpec, table: Table, out: Collector) -> list[Problem]:
    """A multiclass rung's per-class probability columns: cells in [0, 1], rows sum to 1."""
    cells = [
        p
        for column in probachecks.columns(spec, table)
        for p in _numeric(table, column, (0.0, 1.0), probachecks.CELL_HINT)
    ]
    problems = list(cells)
    for prefix, total in probachecks.row_sums(spec, table, out, cells):
        off = (total - 1.0).abs() > multiproba.SUM_TOLERANCE
        problems += _rows(
            table,
            off,
            "row sum {value} of " + prefix + "<class> is not 1",
            f"{prefix}*",
            probachecks.SUM_HINT,
            values=probachecks.sum_texts(total, off),
        )
    return problems


def missing_ids(ids: pd.Series) -> np.ndarray[Any, Any]:
    """Rows without an id (missing, or empty text): reported as such, never as repeats."""
    return blank(ids, strip=False).to_numpy(dtype=bool)
