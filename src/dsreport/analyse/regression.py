"""Regression from sums: every metric is a function of a few per-row sums.

Rows are dealt into at most `GROUPS` groups after one pass; bootstraps resample
groups (rows themselves when there are fewer), so their cost does not grow
with the row count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
GROUPS = 2000
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


def row_sums(y: Array, yhat: Array) -> Array:
    """Each row's contribution to every sum in SUMS (rows x len(SUMS))."""
    err = yhat - y
    nonzero = y != 0
    ape = np.where(nonzero, np.abs(err) / np.where(nonzero, np.abs(y), 1.0), 0.0)
    denom = np.abs(y) + np.abs(yhat)
    sape = np.where(denom > 0, 2 * np.abs(err) / np.where(denom > 0, denom, 1.0), 0.0)
    # y and y² are kept about a shift (the first target), so the total sum of squares does
    # not cancel catastrophically for targets far from zero; R² does not depend on it.
    shifted = y - (y[0] if len(y) else 0.0)
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


def build_stats(y: Array, yhat: Array, seed: int) -> RegressionStats:
    rows = row_sums(y, yhat)
    if len(y) <= GROUPS:
        return RegressionStats(rows)
    group = np.random.default_rng(seed).permutation(len(y)) % GROUPS
    sums = np.zeros((GROUPS, len(SUMS)))
    for j in range(len(SUMS)):
        sums[:, j] = np.bincount(group, weights=rows[:, j], minlength=GROUPS)
    return RegressionStats(sums)


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


def residual_summary(y: Array, yhat: Array, seed: int, points: int = 400) -> dict[str, object]:
    residual = yhat - y
    qs = (0.05, 0.25, 0.5, 0.75, 0.95)
    quantiles = (
        dict(zip([f"p{int(q * 100)}" for q in qs], np.quantile(residual, qs).tolist(), strict=True))
        if len(y)
        else {}
    )
    take = np.arange(len(y))
    if len(y) > points:
        take = np.sort(np.random.default_rng(seed).choice(len(y), size=points, replace=False))
    return {
        "quantiles": quantiles,
        "zero_targets": int((y == 0).sum()),
        "points": [[float(a), float(b)] for a, b in zip(y[take], yhat[take], strict=True)],
    }
