"""Checks on the predictions and reviewed-examples tables, located by file and line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.columns import blank
from dsreport.load.rowchecks import Findings, id_hashes
from dsreport.load.tables import Table
from dsreport.vocabulary import (
    ERROR_VERDICTS,
    JUDGED_VERDICTS,
    REVIEW_COLUMNS,
    SEVERITIES,
    VERDICTS,
)

MAX_CELL = 5_000
"""Longest text cell the report lays out (reviewed examples, labels, splits, slices): the
PDF's table layout takes time that grows faster than a cell's length."""


def long_cells(values: pd.Series) -> np.ndarray | None:
    """Which text cells are longer than MAX_CELL characters; None for a column of numbers.
    A Categorical's distinct values are measured once each."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if not (categories.dtype == object or pd.api.types.is_string_dtype(categories.dtype)):
            return None
        long = np.array([len(str(c)) > MAX_CELL for c in categories], dtype=bool)
        codes = values.cat.codes.to_numpy()
        if not long.any():
            return np.zeros(len(values), dtype=bool)
        return np.where(codes >= 0, long[np.maximum(codes, 0)], False)
    if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
        return None
    lengths = values.astype("string").str.len().fillna(0)
    return (lengths > MAX_CELL).to_numpy(dtype=bool)


LONG_CELL = f"the cell has more than {MAX_CELL:,} characters, the most a report lays out"
LONG_HINT = "shorten it (the reviewer's gist is enough), or leave the long text out"


def _long_cells(table: Table, columns: list[str]) -> list[Problem]:
    """A problem for each text cell of `columns` longer than MAX_CELL characters."""
    problems = []
    for column in columns:
        values = table.frame[column] if column in table.frame.columns else None
        mask = None if values is None else long_cells(values)
        if mask is not None:
            problems += _rows(table, mask, LONG_CELL, column, LONG_HINT)
    return problems


def duplicated(series: pd.Series) -> pd.Series:
    """Rows whose value came earlier. The common case (all unique) is settled first without
    a per-row table of Python strings: text by 64-bit hashes of its bytes (no two equal
    means no repeat; 1 s for 10 million ids where counting distinct strings took 3.5),
    numbers by counting distinct values."""
    if pd.api.types.is_numeric_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype):
        unique = series.nunique(dropna=False) == len(series)
    else:
        hashes = id_hashes(series)
        hashes.sort()  # in place: 8 bytes a row, not 16
        unique = not bool((hashes[1:] == hashes[:-1]).any())
    if unique:
        return pd.Series(np.zeros(len(series), dtype=bool), index=series.index)
    return series.duplicated()


def _rows(
    table: Table,
    mask: pd.Series | np.ndarray,
    message: str,
    column: str,
    hint: str | None = None,
    warning: bool = False,
    values: pd.Series | None = None,
) -> list[Problem]:
    """One problem per offending row (the first few), then a count of the rest. The row's
    value is its cell in `column`, or in `values` when given (`column` is then only the key)."""
    found = Findings()
    cells = table.frame[column] if values is None else values
    found.add(mask, cells, table.where, message, column, hint, warning)
    return found.problems()


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


def check_reviewed(spec: BundleSpec, table: Table) -> list[Problem]:
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

    problems += _long_cells(table, list(REVIEW_COLUMNS))

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
