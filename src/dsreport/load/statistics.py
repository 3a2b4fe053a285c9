"""The statistics table: a binary task's predictions reduced to sufficient statistics by
an SQL engine (docs/analysis.md, "The statistics table"), checked cell by cell.

One row per (part, split, rung, slice, label, score bin):
- `count`: rows of each label in each split (slice empty), and in each slice value of
  the test split;
- `score`: a rung's histogram: rows, log-loss and squared-error sums of each
  (split, label, score) cell; with a slice, the chosen rung's test split per slice value;
- `pair`: two rungs on the test split, per (label, bin of rung, bin of other rung) on the
  pair grid, with both sides' sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.bins import GRID, pair_values
from dsreport.load.columns import label_text
from dsreport.load.tablechecks import _rows as located
from dsreport.load.tables import Table

PARTS = ("count", "score", "pair")
TEXT_COLUMNS = ("part", "split", "rung", "other_rung", "slice_column", "slice_value", "label")
NUMBER_COLUMNS = (
    "score",
    "other_score",
    "n",
    "log_loss_sum",
    "sq_sum",
    "other_log_loss_sum",
    "other_sq_sum",
)
COLUMNS = (*TEXT_COLUMNS, "binning", *NUMBER_COLUMNS)
DICTIONARY = (*TEXT_COLUMNS, "binning")
"""The text columns, read dictionary-encoded (a few distinct values in a million rows)."""
BINNINGS = ("exact", "grid")
NEEDED = {
    "count": ("split", "label", "n"),
    "score": ("split", "rung", "label", "score", "binning", "n", "log_loss_sum", "sq_sum"),
    "pair": ("split", "rung", "other_rung", "label", *NUMBER_COLUMNS),
}
"""The cells each part must fill; the others stay empty (NULL)."""
Mask = NDArray[np.bool_]
Array = NDArray[np.float64]
SQL_HINT = "see docs/analysis.md, 'The statistics table', for the query that writes it"


@dataclass(frozen=True)
class Text:
    """A text column as codes into its distinct cells, each stripped to text once (integers
    as "1", not "1.0"); -1 is a missing cell. Checks compare codes, never a million strings.
    A column read dictionary-encoded (pandas Categorical) has its codes already: they are
    kept as they are (a byte a cell) unless two cells strip to the same text."""

    codes: NDArray[np.integer[Any]]
    names: list[str]

    @classmethod
    def of(cls, series: pd.Series) -> Text:
        codes: NDArray[np.integer[Any]]
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
        else:
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
        merged: dict[str, int] = {}
        remap = [merged.setdefault(label_text(u), len(merged)) for u in uniques]
        if remap != list(range(len(remap))):
            codes = np.array([*remap, -1], dtype=codes.dtype)[codes]
        return cls(codes, list(merged))

    def missing(self) -> Mask:
        return self.codes < 0

    def present(self) -> Mask:
        return self.codes >= 0

    def isin(self, values: Iterable[str]) -> Mask:
        wanted = set(values)
        hit = np.array([n in wanted for n in self.names] + [False])
        # one name: one comparison of codes, not a lookup of each cell
        found: Mask = self.codes == int(np.argmax(hit)) if hit.sum() == 1 else hit[self.codes]
        return found

    def eq(self, value: str) -> Mask:
        return self.isin((value,))

    def found(self, rows: Mask | NDArray[np.intp]) -> set[str]:
        """The texts of the non-missing cells of `rows`."""
        seen = np.zeros(len(self.names) + 1, dtype=bool)
        seen[self.codes[rows]] = True
        return {n for n, s in zip(self.names, seen, strict=False) if s}


def numbers(series: pd.Series) -> Array:
    """The column as float64, a cell that is no number NaN (a float64 column: no copy)."""
    if series.dtype == np.float64 or series.dtype == np.int64:
        return np.asarray(series.to_numpy(dtype=np.float64), dtype=np.float64)
    found = pd.to_numeric(series, errors="coerce")
    if found.dtype != np.float64:
        found = found.astype("float64")
    return np.asarray(found.to_numpy(), dtype=np.float64)


def cells(frame: pd.DataFrame) -> dict[str, Text]:
    return {c: Text.of(frame[c]) for c in DICTIONARY}


@dataclass(frozen=True)
class Layout:
    """One task's statistics table: its columns, those read as text, and the cells each
    part must fill (the others stay empty)."""

    columns: tuple[str, ...]
    text: tuple[str, ...]
    numbers: tuple[str, ...]
    needed: dict[str, tuple[str, ...]]

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.needed)


LAYOUT = Layout(COLUMNS, DICTIONARY, NUMBER_COLUMNS, NEEDED)


def read_cells(
    table: Table, layout: Layout
) -> tuple[dict[str, Text], dict[str, Array], list[Problem]] | list[Problem]:
    """The table's text and number cells, with the problems every task's table can have (a
    part it does not know, a cell its part needs left empty); a table without its columns
    or rows: that problem alone."""
    frame, file = table.frame, table.file
    missing = [c for c in layout.columns if c not in frame.columns]
    if missing:
        return [
            Problem(
                f"the statistics table has no column{'s' if len(missing) > 1 else ''} "
                + ", ".join(missing),
                file=file,
                line=1,
                hint=f"the columns are: {', '.join(layout.columns)}; {SQL_HINT}",
            )
        ]
    if len(frame) == 0:
        return [Problem("the statistics table has no rows", file=file, line=1, hint=SQL_HINT)]
    text = {c: Text.of(frame[c]) for c in layout.text}
    values = {c: numbers(frame[c]) for c in layout.numbers}
    part, parts = text["part"], layout.parts
    problems = _rows(
        table,
        ~part.isin(parts),
        "part {value} is not one of: " + ", ".join(parts),
        "part",
        f"each row is a {', '.join(parts[:-1])} or {parts[-1]} row",
    )
    for name, needed in layout.needed.items():
        rows = part.eq(name)
        for column in needed:
            empty = text[column].missing() if column in text else np.isnan(values[column])
            problems += _rows(
                table, rows & empty, f"a {name} row needs a value here", column, SQL_HINT
            )
    return text, values, problems


def is_statistics(spec: BundleSpec) -> bool:
    section = spec.interrogation.predictions
    return section is not None and section.format == "statistics"


def statistics_problems(spec: BundleSpec, table: Table) -> list[Problem]:
    """Every problem with a statistics table, each with its row and column."""
    if spec.project.task == "regression":
        from dsreport.load.regression_statistics import regression_problems

        return regression_problems(spec, table)
    if spec.project.task == "multiclass":
        from dsreport.load.multiclass_statistics import multiclass_problems

        return multiclass_problems(spec, table)
    found = read_cells(table, LAYOUT)
    if isinstance(found, list):
        return found
    text, values, problems = found
    problems += _numbers(table, values)
    problems += _names(spec, table, text)
    problems += _bins(spec, table, text, values)
    return problems


def _rows(
    table: Table, mask: Mask, message: str, column: str, hint: str | None = None
) -> list[Problem]:
    """The located problems of the rows `mask` selects (`tablechecks._rows`)."""
    if not mask.any():
        return []
    return located(table, pd.Series(mask, copy=False), message, column, hint)


def _numbers(table: Table, values: dict[str, Array]) -> list[Problem]:
    n = values["n"]
    with np.errstate(invalid="ignore"):
        problems = _rows(
            table,
            (n < 0) | (n > np.floor(n)),  # an empty cell (NaN) is neither
            "n {value} is not a count (a whole number, 0 or more)",
            "n",
            "n is the cell's COUNT(*)",
        )
        for column in ("log_loss_sum", "sq_sum", "other_log_loss_sum", "other_sq_sum"):
            v = values[column]
            problems += _rows(
                table,
                (v < 0) | (v == np.inf),
                "{value} is not a sum of losses (finite, 0 or more)",
                column,
                "scores must be probabilities in [0, 1]; " + SQL_HINT,
            )
        for column in ("score", "other_score"):
            v = values[column]
            problems += _rows(
                table,
                (v < 0) | (v > 1),
                "score {value} is outside [0, 1]",
                column,
                "scores must be probabilities of the positive class",
            )
    return problems


def count_problems(table: Table, values: dict[str, Array], columns: Iterable[str]) -> list[Problem]:
    """Rows whose count in one of `columns` is not a whole number, 0 or more (empty: none)."""
    problems = []
    with np.errstate(invalid="ignore"):
        for column in columns:
            v = values[column]
            problems += _rows(
                table,
                (v < 0) | (v > np.floor(v)) | (v == np.inf),
                column + " {value} is not a count (a whole number, 0 or more)",
                column,
                SQL_HINT,
            )
    return problems


def flag_problems(table: Table, values: dict[str, Array], columns: Iterable[str]) -> list[Problem]:
    """Rows whose flag in one of `columns` is not 0 or 1 (empty: none)."""
    problems = []
    for column in columns:
        v = values[column]
        problems += _rows(
            table,
            ~np.isnan(v) & ~np.isin(v, (0.0, 1.0)),
            column + " {value} is not 0 or 1",
            column,
            SQL_HINT,
        )
    return problems


def rung_problems(spec: BundleSpec, table: Table, text: dict[str, Text]) -> list[Problem]:
    """Rows of any task's table whose rung or other rung is no rung with a score column."""
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    problems = []
    for column in ("rung", "other_rung"):
        problems += _rows(
            table,
            text[column].present() & ~text[column].isin(rungs),
            "rung {value} is not a rung of the ladder with a score_column ("
            + (", ".join(rungs) or "none")
            + ")",
            column,
            "name each rung by its id in ladder.rungs, and give it a score_column",
        )
    return problems


def split_problems(spec: BundleSpec, table: Table, split: Text) -> list[Problem]:
    """Rows whose split is not one of the bundle's (only 'test' when it declares none)."""
    section = spec.interrogation.predictions
    assert section is not None
    declared = section.split_column or spec.system_design.data.splits
    splits = [s.name for s in spec.system_design.data.splits] if declared else []
    splits = splits or ["test"]
    return _rows(
        table,
        split.present() & ~split.isin(splits),
        "split {value} is not one of the splits (" + ", ".join(splits) + ")",
        "split",
    )


def slice_problems(spec: BundleSpec, table: Table, text: dict[str, Text]) -> list[Problem]:
    """Rows of a slice column the bundle does not list, or without their slice value."""
    section = spec.interrogation.predictions
    assert section is not None
    sliced = text["slice_column"].present()
    problems = _rows(
        table,
        sliced & ~text["slice_column"].isin(section.slice_columns),
        "slice column {value} is not one of interrogation.predictions.slice_columns ("
        + (", ".join(section.slice_columns) or "none")
        + ")",
        "slice_column",
        "list it in interrogation.predictions.slice_columns, or leave its rows out",
    )
    return problems + _rows(
        table,
        sliced & text["slice_value"].missing(),
        "a slice row needs its slice_value",
        "slice_value",
    )


def _names(spec: BundleSpec, table: Table, text: dict[str, Text]) -> list[Problem]:
    section = spec.interrogation.predictions
    assert section is not None
    part, split = text["part"], text["split"]
    problems = rung_problems(spec, table, text)
    splits = [s.name for s in spec.system_design.data.splits] or ["test"]
    if section.split_column or spec.system_design.data.splits:
        problems += _rows(
            table,
            split.present() & ~split.isin(splits),
            "split {value} is not declared in system_design.data.splits",
            "split",
            f"declared: {', '.join(splits)}",
        )
    else:
        problems += _rows(
            table,
            split.present() & ~split.eq("test"),
            "split {value} is not 'test' (the predictions have no split_column)",
            "split",
        )
    problems += slice_problems(spec, table, text)
    sliced = text["slice_column"].present()
    paired, scored, counted = part.eq("pair"), part.eq("score"), part.eq("count")
    problems += _rows(
        table,
        (sliced | paired) & split.present() & ~split.eq("test"),
        "slice and pair rows are of the test split, not {value}",
        "split",
    )
    rung = text["rung"]
    problems += _rows(
        table,
        sliced & scored & rung.present() & ~rung.eq(spec.ladder.chosen),
        "slice rows are of the chosen rung (" + spec.ladder.chosen + "), not {value}",
        "rung",
    )
    problems += _rows(table, sliced & paired, "pair rows have no slice", "slice_column")
    classes = spec.interrogation.classes
    if classes:
        problems += _rows(
            table,
            text["label"].present() & ~text["label"].isin(classes),
            "label {value} is not one of the declared classes (" + ", ".join(classes) + ")",
            "label",
            "add it to interrogation.classes, or fix the query's label text",
        )
    counted_splits = split.found(counted & ~sliced)
    problems += _rows(
        table,
        (scored | paired) & split.present() & ~split.isin(counted_splits),
        "split {value} has no count rows",
        "split",
        "the count query writes a row for every split and label",
    )
    if not counted.any():
        problems.append(
            Problem("the statistics table has no count rows", file=table.file, hint=SQL_HINT)
        )
    elif not (counted & split.eq("test")).any():
        problems.append(
            Problem(
                "the statistics table has no count row of the split 'test'",
                file=table.file,
                hint=SQL_HINT,
            )
        )
    return problems


def _bins(
    spec: BundleSpec, table: Table, text: dict[str, Text], values: dict[str, Array]
) -> list[Problem]:
    binning, part = text["binning"], text["part"]
    scored = part.eq("score")
    problems = _rows(
        table,
        scored & binning.present() & ~binning.isin(BINNINGS),
        "binning {value} is not exact or grid",
        "binning",
    )
    grid_rows = scored & binning.eq("grid")
    if grid_rows.any() and (scored & binning.eq("exact")).any():
        first = int(np.flatnonzero(grid_rows)[0])
        problems.append(
            Problem(
                f"score rows mix exact and grid binning (first grid row: {first + 1:,})",
                file=table.file,
                line=table.line(first),
                key="binning",
                hint="run one query, the exact or the grid one, for every rung",
            )
        )
    scaled = values["score"] * GRID
    with np.errstate(invalid="ignore"):  # an empty score (NaN) is never off the grid
        off = grid_rows & (np.abs(scaled - np.rint(scaled)) > 1e-6)
    problems += _rows(
        table,
        off,
        f"score {{value}} is not on the grid of 1/{GRID:,} (binning grid)",
        "score",
        "the grid query writes LEAST(FLOOR(score * 10000 + 1e-9), 10000) / 10000",
    )
    grid = pair_values(spec.interrogation.operating_threshold)
    paired = part.eq("pair")
    pair_rows = np.flatnonzero(paired)
    for column in ("score", "other_score"):
        v = values[column][pair_rows]
        wrong = np.zeros(len(paired), dtype=bool)
        wrong[pair_rows[~np.isnan(v) & ~np.isin(v, grid)]] = True
        problems += _rows(
            table,
            wrong,
            "pair score {value} is not an edge of the pair grid (multiples of 1/40 and the "
            "operating threshold)",
            column,
            SQL_HINT,
        )
    return problems
