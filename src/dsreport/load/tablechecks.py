"""Checks on the predictions and reviewed-examples tables, located by file and line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsreport.analyse import multiproba
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load import probachecks
from dsreport.load.checks import Collector, did_you_mean
from dsreport.load.columns import blank, factor, outside
from dsreport.load.synonyms import column_hint
from dsreport.load.tables import Table
from dsreport.load.yamlsrc import Loc, YamlDoc
from dsreport.vocabulary import (
    ERROR_VERDICTS,
    JUDGED_VERDICTS,
    REVIEW_COLUMNS,
    SEVERITIES,
    VERDICTS,
)

MAX_PER_CHECK = 5


def duplicated(series: pd.Series) -> pd.Series:
    """Rows whose value came earlier; counts distinct values first, so the common case (all
    unique) never builds a per-row table of Python strings."""
    if series.nunique(dropna=False) == len(series):
        return pd.Series(np.zeros(len(series), dtype=bool), index=series.index)
    return series.duplicated()


def _rows(
    table: Table,
    mask: pd.Series,
    message: str,
    column: str,
    hint: str | None = None,
    warning: bool = False,
    values: pd.Series | None = None,
) -> list[Problem]:
    """One problem per offending row (the first few), then a count of the rest. The row's
    value is its cell in `column`, or in `values` when given (`column` is then only the key)."""
    rows = np.flatnonzero(mask.to_numpy())
    problems = []
    for row in rows[:MAX_PER_CHECK]:
        cell = (table.frame[column] if values is None else values).iloc[row]
        shown = cell.item() if hasattr(cell, "item") else cell
        text = f"'{shown}'" if len(str(shown)) <= 60 else f"'{str(shown)[:57]}...'"
        where = "" if table.row_lines is not None else f" (row {int(row) + 1:,})"
        problems.append(
            Problem(
                message.format(value=text) + where,
                file=table.file,
                line=table.line(int(row)),
                key=column,
                hint=hint,
                severity="warning" if warning else "error",
            )
        )
    if len(rows) > MAX_PER_CHECK:
        problems.append(
            Problem(
                f"{len(rows) - MAX_PER_CHECK:,} more rows like this",
                file=table.file,
                line=table.line(int(rows[MAX_PER_CHECK])),
                key=column,
                severity="warning" if warning else "error",
            )
        )
    return problems


def check_tables(
    spec: BundleSpec, doc: YamlDoc, predictions: Table | None, reviewed: Table | None
) -> list[Problem]:
    out = Collector(doc)
    if predictions is not None:
        out.problems += _check_predictions(spec, predictions, out)
    if reviewed is not None:
        out.problems += _check_reviewed(spec, reviewed)
    return out.problems


def _need(table: Table, column: str, loc: Loc, out: Collector) -> bool:
    if column in table.frame.columns:
        return True
    columns = [str(c) for c in table.frame.columns]
    hint = column_hint(column, columns, str(loc[-1]))
    out.add(loc, f"column '{column}' is not in {table.file}", hint)
    return False


def _check_predictions(spec: BundleSpec, table: Table, out: Collector) -> list[Problem]:
    """Every problem in one pass: a missing column never hides bad cells in the others."""
    section = spec.interrogation.predictions
    assert section is not None
    base: Loc = ("interrogation", "predictions")
    if len(table.frame) == 0:
        out.add((*base, "path"), f"{table.file} has a header but no rows")
        return []
    problems: list[Problem] = []
    if _need(table, section.id_column, (*base, "id_column"), out):
        problems += _rows(
            table,
            duplicated(table.frame[section.id_column]),
            "id {value} appears more than once",
            section.id_column,
            "ids must be unique",
            warning=True,
        )
    task = spec.project.task
    classes = spec.interrogation.classes
    if _need(table, section.label_column, (*base, "label_column"), out):
        label = table.frame[section.label_column]
        problems += _rows(table, blank(label), "the label is missing", section.label_column)
        if task in ("binary", "multiclass") and classes:
            problems += _rows(
                table,
                outside(label, classes),
                "label {value} is not one of the declared classes",
                section.label_column,
                "add it to interrogation.classes or fix the row",
            )
        if task == "regression":
            problems += _numeric(table, section.label_column, None)
    if section.split_column and _need(table, section.split_column, (*base, "split_column"), out):
        problems += _splits(spec, table, section.split_column, (*base, "split_column"), out)
    for index, name in enumerate(section.slice_columns):
        _need(table, name, (*base, "slice_columns", index), out)
    for index, rung in enumerate(spec.ladder.rungs):
        column = rung.score_column or ""
        if not column or not _need(table, column, ("ladder", "rungs", index, "score_column"), out):
            continue
        if task == "binary":
            problems += _numeric(table, column, (0.0, 1.0))
        elif task == "regression":
            problems += _numeric(table, column, None)
        elif classes:
            problems += _rows(
                table,
                outside(table.frame[column], classes),
                "prediction {value} is not one of the classes",
                column,
            )
    if task == "multiclass" and classes:
        cells = [
            p
            for column in probachecks.columns(spec, table)
            for p in _numeric(table, column, (0.0, 1.0), probachecks.CELL_HINT)
        ]
        problems += cells
        for prefix, total in probachecks.row_sums(spec, table, out, cells):
            problems += _rows(
                table,
                (total - 1.0).abs() > multiproba.SUM_TOLERANCE,
                "row sum {value} of " + prefix + "<class> is not 1",
                f"{prefix}*",
                probachecks.SUM_HINT,
                values=total.map("{:.4g}".format),
            )
    return problems


def _splits(spec: BundleSpec, table: Table, column: str, loc: Loc, out: Collector) -> list[Problem]:
    """Split values the bundle does not declare, once per value; and no test rows at all.

    Only rows whose split is `test` are the test split, so a misspelt or undeclared split
    would quietly leave its rows out of every headline number."""
    codes, texts = factor(table.frame[column])
    declared = [s.name for s in spec.system_design.data.splits]
    found = ", ".join(texts[:MAX_PER_CHECK]) + (", ..." if len(texts) > MAX_PER_CHECK else "")
    problems: list[Problem] = []
    if "test" not in texts:
        out.add(
            loc,
            f"no row of {table.file} has the split 'test', so nothing is evaluated as the test "
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
    undeclared = [(code, text) for code, text in enumerate(texts) if text not in declared]
    if len(undeclared) > MAX_PER_CHECK:
        out.add(
            loc,
            f"{len(undeclared) - MAX_PER_CHECK:,} more split values are not declared",
            "is this the split column?",
        )
    for code, text in undeclared[:MAX_PER_CHECK]:
        rows = np.flatnonzero(codes == code)
        close = did_you_mean(text, declared)
        problems.append(
            Problem(
                f"split '{text}' ({len(rows):,} row{'s' if len(rows) != 1 else ''}) is not "
                "declared in system_design.data.splits",
                file=table.file,
                line=table.line(int(rows[0])),
                key=column,
                hint=f"{close} (declared: {listed})"
                if close
                else f"fix the rows, or declare the split (declared: {listed})",
            )
        )
    return problems


def _numeric(
    table: Table,
    column: str,
    bounds: tuple[float, float] | None,
    hint: str = "scores must be probabilities of the positive class",
) -> list[Problem]:
    raw = table.frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    empty = blank(raw)
    problems = _rows(table, values.isna() & ~empty, "{value} is not a number", column)
    problems += _rows(table, empty, "the value is missing", column)
    finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
    problems += _rows(
        table,
        values.notna() & ~pd.Series(finite, index=values.index),
        "{value} is not a finite number",
        column,
    )
    if bounds is not None:
        low, high = bounds
        beyond = (
            values.notna()
            & pd.Series(finite, index=values.index)
            & ((values < low) | (values > high))
        )
        problems += _rows(
            table,
            beyond,
            f"score {{value}} is outside [{low:g}, {high:g}]",
            column,
            hint,
        )
    return problems


def _check_reviewed(spec: BundleSpec, table: Table) -> list[Problem]:
    """Missing columns and bad cells in the columns that are there, in one pass."""
    columns = [str(c) for c in table.frame.columns]
    missing = [c for c in REVIEW_COLUMNS if c not in columns]
    problems = []
    if missing:
        problems.append(
            Problem(
                f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                file=table.file,
                line=1,
                hint="the columns are: " + ", ".join(REVIEW_COLUMNS),
            )
        )
    if len(table.frame) == 0:
        if not missing:
            problems.append(
                Problem(
                    "no reviewed examples: the error analysis will be empty",
                    file=table.file,
                    line=1,
                    severity="warning",
                )
            )
        return problems

    def text(column: str) -> pd.Series:
        if column not in columns:
            return pd.Series("", index=table.frame.index, dtype="string")
        return table.frame[column].astype("string").fillna("").str.strip()

    section = spec.interrogation.reviewed_examples
    assert section is not None
    words = section.verdicts()
    verdict = text("verdict").str.lower()
    counted = verdict.map(lambda word: words.get(word, ""))
    if "verdict" in columns:
        own = [w for w in words if w not in VERDICTS]
        unknown = counted == ""
        problems += _rows(
            table,
            unknown,
            "verdict {value} is not one of: " + ", ".join([*VERDICTS, *own]),
            "verdict",
            "map your own words onto these with interrogation.reviewed_examples.verdict_map",
        )
        if not unknown.any() and not counted.isin(JUDGED_VERDICTS).any():
            problems.append(
                Problem(
                    "no reviewed example is judged correct, partial or incorrect: there is no "
                    "error rate",
                    file=table.file,
                    line=1,
                    key="verdict",
                    severity="warning",
                )
            )
    if "severity" in columns:
        severity = text("severity").str.lower()
        problems += _rows(
            table,
            ~(severity.isin(SEVERITIES) | (severity == "")),
            "severity {value} is not one of: " + ", ".join(SEVERITIES),
            "severity",
        )
    if "verdict" in columns:
        problems += _rows(
            table,
            counted.isin(ERROR_VERDICTS) & (text("error_category") == ""),
            "an incorrect example has no error_category",
            "error_category",
            "name the kind of error, so errors can be counted by category",
            warning=True,
        )
    if "id" in columns:
        problems += _rows(
            table,
            duplicated(table.frame["id"]),
            "id {value} appears more than once",
            "id",
            warning=True,
        )
    return problems
