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

from dsreport.analyse.intervals import replicate_intervals
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

    def resampled(self, rng: np.random.Generator, size: int) -> Array:
        """The sums of `size` Poisson-bootstrap resamples of the groups (size x len(SUMS))."""
        weights = rng.poisson(1.0, size=(size, len(self.sums))).astype(np.float64)
        return np.asarray(weights @ self.sums, dtype=np.float64)


def row_sums(y: Array, yhat: Array, shift: float | None = None) -> Array:
    """Each row's contribution to every sum in SUMS (rows x len(SUMS)); y and y² about
    `shift` (by default the first target)."""
    return np.column_stack(row_columns(y, yhat, shift))


def row_columns(y: Array, yhat: Array, shift: float | None = None) -> list[Array]:
    """`row_sums` as one array per sum: what a bincount reads without a strided copy."""
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
    return [
        np.ones_like(y),
        np.abs(err),
        err**2,
        ape,
        nonzero.astype(float),
        sape,
        shifted,
        shifted**2,
    ]


def group_sums(rows: Array, positions: NDArray[np.int64], seed: int) -> Array:
    """Rows' sums dealt into `GROUPS` groups by the hash of their positions."""
    return group_columns([rows[:, j] for j in range(len(SUMS))], positions, seed)


def group_columns(columns: list[Array], positions: NDArray[np.int64], seed: int) -> Array:
    """`group_sums` of the rows given as `row_columns`."""
    group = position_hash(positions, seed) % GROUPS
    sums = np.zeros((GROUPS, len(SUMS)))
    for j, column in enumerate(columns):
        sums[:, j] = np.bincount(group, weights=column, minlength=GROUPS)
    return sums


def build_stats(y: Array, yhat: Array, seed: int) -> RegressionStats:
    """Rows in table order (positions 0, 1, ...), in one batch."""
    if len(y) <= GROUPS:
        return RegressionStats(row_sums(y, yhat))
    columns = row_columns(y, yhat)
    return RegressionStats(group_columns(columns, np.arange(len(y), dtype=np.int64), seed))


def all_metrics(stats: RegressionStats) -> dict[str, float]:
    values, defined = batch_metrics(stats.sums.sum(axis=0)[None, :])
    return {name: float(v[0]) for name, v in values.items() if defined[name][0]}


def batch_metrics(totals: Array) -> tuple[dict[str, Array], dict[str, NDArray[np.bool_]]]:
    """Every metric of each row of `totals` (rows x len(SUMS)), NaN where it is not
    defined, and where it is: no metric without rows, MAPE only when no target is zero."""
    n, err, sq, ape, ape_n, sape, y, y2 = totals.T
    # y ** 2 as Python writes it (C pow), which is not always numpy's y * y
    y_squared = np.array([v**2 for v in y.tolist()], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ss_tot = y2 - y_squared / n
        constant = (ss_tot <= 1e-12 * y2) | (ss_tot <= 0)  # relative: no variation to explain
        values = {
            "mae": err / n,
            "rmse": np.sqrt(sq / n),
            "smape": sape / n,
            "r2": np.where(constant, np.nan, 1 - sq / ss_tot),
            "mape": ape / n,
        }
    some = n != 0
    defined = dict.fromkeys(values, some) | {"mape": some & (ape_n == n)}
    for name, v in values.items():
        v[~defined[name]] = np.nan
    return values, defined


def bootstrap_intervals(totals: Array) -> dict[str, tuple[float, float]]:
    """Percentile intervals over resamples' totals: those of `all_metrics` of each (a
    metric over the resamples where it is defined), at a fraction of the cost."""
    values, defined = batch_metrics(totals)
    return replicate_intervals({name: v[defined[name]] for name, v in values.items()})
