"""Checks on a multiclass rung's per-class probability columns (`proba_prefix`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsreport.analyse.multiproba import SUM_TOLERANCE
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector, suggest
from dsreport.load.tables import Table

MAX_PER_CHECK = 5
CELL_HINT = "per-class probabilities lie in [0, 1]"
SUM_HINT = (
    f"a row's probabilities must sum to 1 (within ±{SUM_TOLERANCE:g}, which is renormalised): "
    "export predict_proba, or apply a softmax to raw scores"
)


def check_probabilities(
    spec: BundleSpec, table: Table, out: Collector, cells: list[Problem]
) -> list[Problem]:
    """Every declared class has a column, every cell is a probability, every row sums to 1.

    `cells` holds the problems of the cell checks the caller ran on `columns(spec)`;
    rows are summed only when those are clean.
    """
    classes = spec.interrogation.classes
    problems: list[Problem] = []
    for index, rung in enumerate(spec.ladder.rungs):
        if not rung.proba_prefix:
            continue
        wanted = [f"{rung.proba_prefix}{c}" for c in classes]
        missing = [c for c in wanted if c not in table.frame.columns]
        if missing:
            shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
            first = str(classes[0])
            prefixes = [
                str(c)[: -len(first)] for c in table.frame.columns if str(c).endswith(first)
            ]
            out.add(
                ("ladder", "rungs", index, "proba_prefix"),
                f"{len(missing)} of the {len(wanted)} probability columns "
                f"'{rung.proba_prefix}<class>' are not in {table.file}: {shown}",
                (len(missing) == len(wanted) and suggest(rung.proba_prefix, prefixes))
                or f"each declared class needs its column, {rung.proba_prefix}<class>",
            )
            continue
        if any(p.key in wanted for p in cells):
            continue
        total = sum(pd.to_numeric(table.frame[c]).to_numpy(np.float64) for c in wanted)
        problems += _sums(table, rung.proba_prefix, np.asarray(total, dtype=np.float64))
    return problems


def columns(spec: BundleSpec, table: Table) -> list[str]:
    """The probability columns present in the table, to check cell by cell."""
    return [
        f"{rung.proba_prefix}{c}"
        for rung in spec.ladder.rungs
        if rung.proba_prefix
        for c in spec.interrogation.classes
        if f"{rung.proba_prefix}{c}" in table.frame.columns
    ]


def _sums(
    table: Table, prefix: str, total: np.ndarray[tuple[int], np.dtype[np.float64]]
) -> list[Problem]:
    rows = np.flatnonzero(np.abs(total - 1.0) > SUM_TOLERANCE)
    problems = []
    for row in rows[:MAX_PER_CHECK]:
        where = "" if table.row_lines is not None else f" (row {int(row) + 1:,})"
        problems.append(
            Problem(
                f"the probabilities {prefix}<class> sum to {total[row]:.4g}, not 1{where}",
                file=table.file,
                line=table.line(int(row)),
                key=f"{prefix}*",
                hint=SUM_HINT,
            )
        )
    if len(rows) > MAX_PER_CHECK:
        problems.append(
            Problem(
                f"{len(rows) - MAX_PER_CHECK:,} more rows like this",
                file=table.file,
                line=table.line(int(rows[MAX_PER_CHECK])),
                key=f"{prefix}*",
            )
        )
    return problems
