"""Regression from sums: every metric is a function of a few per-row sums.

Bootstraps resample groups of rows: the rows themselves while there are at most `GROUPS`,
else `GROUPS` groups, a row's group given by a hash of its position in the table and the
seed (`reduce.values.position_hash`), so a stream of batches deals rows exactly as one
pass over them does, and the cost does not grow with the row count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.reduce.values import position_hash
from dsreport.load.regression_statistics import GROUPS as GROUPS

Array = NDArray[np.float64]
SUMS = ("n", "abs", "sq", "ape", "ape_n", "sape", "y", "y2")


@dataclass
class RegressionStats:
    sums: Array
    """groups x len(SUMS) partial sums."""

    @property
    def n(self) -> int:
        return int(self.sums[:, 0].sum())

    def total(self) -> dict[str, float]:
        return dict(zip(SUMS, self.sums.sum(axis=0).tolist(), strict=True))

    def resampled(self, rng: np.random.Generator, size: int) -> list[RegressionStats]:
        weights = rng.poisson(1.0, size=(size, len(self.sums))).astype(np.float64)
        totals = weights @ self.sums
        return [RegressionStats(totals[i : i + 1]) for i in range(size)]


def row_sums(y: Array, yhat: Array, shift: float | None = None) -> Array:
    """Each row's contribution to every sum in SUMS (rows x len(SUMS)); y and y² about
    `shift` (by default the first target)."""
    err = yhat - y
    nonzero = y != 0
    ape = np.where(nonzero, np.abs(err) / np.where(nonzero, np.abs(y), 1.0), 0.0)
    denom = np.abs(y) + np.abs(yhat)
    sape = np.where(denom > 0, 2 * np.abs(err) / np.where(denom > 0, denom, 1.0), 0.0)
    # y and y² are kept about a shift (the first target), so the total sum of squares does
    # not cancel catastrophically for targets far from zero; R² does not depend on it.
    if shift is None:
        shift = float(y[0]) if len(y) else 0.0
    shifted = y - shift
    return np.column_stack(
        [
            np.ones_like(y),
            np.abs(err),
            err**2,
            ape,
            nonzero.astype(float),
            sape,
            shifted,
            shifted**2,
        ]
    )


def group_sums(rows: Array, positions: NDArray[np.int64], seed: int) -> Array:
    """Rows' sums dealt into `GROUPS` groups by the hash of their positions."""
    group = position_hash(positions, seed) % GROUPS
    sums = np.zeros((GROUPS, len(SUMS)))
    for j in range(len(SUMS)):
        sums[:, j] = np.bincount(group, weights=rows[:, j], minlength=GROUPS)
    return sums


def build_stats(y: Array, yhat: Array, seed: int) -> RegressionStats:
    """Rows in table order (positions 0, 1, ...), in one batch."""
    rows = row_sums(y, yhat)
    if len(y) <= GROUPS:
        return RegressionStats(rows)
    return RegressionStats(group_sums(rows, np.arange(len(y), dtype=np.int64), seed))


def all_metrics(stats: RegressionStats) -> dict[str, float]:
    t = stats.total()
    n = t["n"]
    if n == 0:
        return {}
    ss_tot = t["y2"] - t["y"] ** 2 / n
    constant = ss_tot <= 1e-12 * t["y2"] or ss_tot <= 0  # relative: no variation to explain
    out = {
        "mae": t["abs"] / n,
        "rmse": float(np.sqrt(t["sq"] / n)),
        "smape": t["sape"] / n,
        "r2": float("nan") if constant else 1 - t["sq"] / ss_tot,
    }
    if t["ape_n"] == n:  # MAPE only when no target is zero
        out["mape"] = t["ape"] / n
    return out
