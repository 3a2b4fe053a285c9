"""What every task's statistics table shares: text columns as codes, number columns as
floats, the first checks of any table (its columns, parts and needed cells), and the
checks of rungs, splits, slices, counts, flags and binnings, each problem with its row and
column, and of the test split's rows the table must hold.

Each task's table (`statistics`, `regression_statistics`, `multiclass_statistics`) is a
`Layout` over these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.columns import label_text
from dsreport.load.tablechecks import _rows as located
from dsreport.load.tables import Table

Mask = NDArray[np.bool_]
Array = NDArray[np.float64]
SQL_HINT = "see docs/analysis.md, 'The statistics table', for the query that writes it"
BINNINGS = ("exact", "grid")
"""How a score or confidence row bins its probability: exactly, or on the 1/10,000 grid."""


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
    problems = row_problems(
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
            problems += row_problems(
                table, rows & empty, f"a {name} row needs a value here", column, SQL_HINT
            )
    return text, values, problems


def row_problems(
    table: Table, mask: Mask, message: str, column: str, hint: str | None = None
) -> list[Problem]:
    """The located problems of the rows `mask` selects (`tablechecks._rows`)."""
    if not mask.any():
        return []
    return located(table, pd.Series(mask, copy=False), message, column, hint)


def count_problems(table: Table, values: dict[str, Array], columns: Iterable[str]) -> list[Problem]:
    """Rows whose count in one of `columns` is not a whole number, 0 or more (empty: none)."""
    problems = []
    with np.errstate(invalid="ignore"):
        for column in columns:
            v = values[column]
            problems += row_problems(
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
        problems += row_problems(
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
        problems += row_problems(
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
    return row_problems(
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
    problems = row_problems(
        table,
        sliced & ~text["slice_column"].isin(section.slice_columns),
        "slice column {value} is not one of interrogation.predictions.slice_columns ("
        + (", ".join(section.slice_columns) or "none")
        + ")",
        "slice_column",
        "list it in interrogation.predictions.slice_columns, or leave its rows out",
    )
    return problems + row_problems(
        table,
        sliced & text["slice_value"].missing(),
        "a slice row needs its slice_value",
        "slice_value",
    )


def binning_problems(table: Table, rows: Mask, binning: Text) -> list[Problem]:
    """Rows of `rows` whose binning is neither exact nor grid (empty: none)."""
    return row_problems(
        table,
        rows & binning.present() & ~binning.isin(BINNINGS),
        "binning {value} is not exact or grid",
        "binning",
    )


def missing_test_rows(table: Table, rows: Mask, split: Text, part: str) -> list[Problem]:
    """The table's problem when none of `rows` (its `part` rows) is of the split 'test': the
    reports show the test split, so a table without it has nothing to show."""
    if (rows & split.eq("test")).any():
        return []
    return [
        Problem(
            f"the statistics table has no {part} row of the split 'test'",
            file=table.file,
            hint=SQL_HINT,
        )
    ]
