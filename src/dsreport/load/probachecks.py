"""Checks on a multiclass rung's per-class probability columns (`proba_prefix`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.analyse import multiproba
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector, suggest
from dsreport.load.tables import Table

CELL_HINT = "per-class probabilities lie in [0, 1]"
SUM_HINT = (
    f"a row's probabilities must sum to 1 (within ±{multiproba.SUM_TOLERANCE:g}, which is "
    "renormalised): export predict_proba, or apply a softmax to raw scores"
)


def sum_texts(total: pd.Series, off: pd.Series | NDArray[np.bool_]) -> pd.Series:
    """The sums a problem shows (`{:.4g}`), written for the rows that are off only: a
    clean table of millions of rows formats none."""
    flagged = np.asarray(off, dtype=bool)
    texts = pd.Series("", index=total.index, dtype=object)
    if flagged.any():
        texts[flagged] = total[flagged].map("{:.4g}".format)
    return texts


def row_sums(
    spec: BundleSpec, table: Table, out: Collector, cells: list[Problem]
) -> list[tuple[str, pd.Series]]:
    """(prefix, each row's sum) of every rung whose probability columns are all there and
    clean; a rung missing some of its columns is reported to `out` instead.

    `cells` holds the problems of the cell checks the caller ran on `columns(spec, table)`.
    """
    sums = []
    for prefix, wanted in complete(spec, list(table.frame.columns), table.file, out):
        if not any(p.key in wanted for p in cells):
            total = sum(pd.to_numeric(table.frame[c]) for c in wanted)
            sums.append((prefix, pd.Series(total, index=table.frame.index)))
    return sums


def complete(
    spec: BundleSpec, present: list[str], file: str, out: Collector
) -> list[tuple[str, list[str]]]:
    """(prefix, columns) of every rung whose probability columns are all in `present`; a
    rung missing some of them is reported to `out` instead."""
    classes = spec.interrogation.classes
    found = []
    for index, rung in enumerate(spec.ladder.rungs):
        if not rung.proba_prefix:
            continue
        wanted = [f"{rung.proba_prefix}{c}" for c in classes]
        missing = [c for c in wanted if c not in present]
        if not missing:
            found.append((rung.proba_prefix, wanted))
            continue
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        first = str(classes[0])
        prefixes = [str(c)[: -len(first)] for c in present if str(c).endswith(first)]
        out.add(
            ("ladder", "rungs", index, "proba_prefix"),
            f"{len(missing)} of the {len(wanted)} probability columns "
            f"'{rung.proba_prefix}<class>' are not in {file}: {shown}",
            (len(missing) == len(wanted) and suggest(rung.proba_prefix, prefixes))
            or f"each declared class needs its column, {rung.proba_prefix}<class>",
        )
    return found


def columns(spec: BundleSpec, table: Table) -> list[str]:
    """The probability columns present in the table, to check cell by cell."""
    return [
        f"{rung.proba_prefix}{c}"
        for rung in spec.ladder.rungs
        if rung.proba_prefix
        for c in spec.interrogation.classes
        if f"{rung.proba_prefix}{c}" in table.frame.columns
    ]
