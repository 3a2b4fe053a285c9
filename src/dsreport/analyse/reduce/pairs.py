"""Two rungs on the same test rows, reduced: the joint histogram a paired comparison needs.

The grid is coarse (`PAIR_GRID` bins of width 1/40) with the operating threshold as one
more edge, so every count at the threshold (McNemar's discordant pairs, the outcome's
acted/not acted) is exact. A row's bin is the largest edge at or below its score, computed
as `floor(score * 40) / 40`, or the threshold when that lies between: arithmetic any SQL
engine repeats bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse import binstats
from dsreport.load.bins import PAIR_GRID, pair_values

Array = NDArray[np.float64]


def pair_bin(scores: Array, threshold: float, values: Array) -> NDArray[np.int64]:
    """Index into `values` of each score's bin (a table lookup, no search per row)."""
    low = np.minimum(np.floor(scores * PAIR_GRID), PAIR_GRID).astype(np.int64)
    grid = np.arange(PAIR_GRID + 1, dtype=np.float64) / PAIR_GRID
    position = np.searchsorted(values, grid)
    above = (scores >= threshold) & (grid[low] < threshold)
    return np.where(above, int(np.searchsorted(values, threshold)), position[low])


@dataclass
class PairStats:
    """Joint counts over (truth, bin of a, bin of b) and each side's loss and squared-error
    sums per cell, plus each side's full test histogram (for the exact point values)."""

    values: Array
    counts: Array
    """(2, k, k): negatives, positives."""
    loss_a: Array
    sq_a: Array
    loss_b: Array
    sq_b: Array
    full_a: binstats.BinaryStats
    full_b: binstats.BinaryStats

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def swapped(self) -> PairStats:
        t = (0, 2, 1)
        return PairStats(
            self.values,
            self.counts.transpose(t),
            self.loss_b.transpose(t),
            self.sq_b.transpose(t),
            self.loss_a.transpose(t),
            self.sq_a.transpose(t),
            self.full_b,
            self.full_a,
        )


def pair_from_rows(truth: Any, a: Any, b: Any, threshold: float) -> PairStats:
    """The pair's statistics from per-row arrays (a digest of two builds, say)."""
    truth = np.asarray(truth, dtype=bool)
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    values = pair_values(threshold)
    k = len(values)
    cell = (truth.astype(np.int64) * k + pair_bin(a, threshold, values)) * k + pair_bin(
        b, threshold, values
    )
    size = 2 * k * k

    def sums(weights: Any) -> Array:
        out = np.bincount(cell, weights=weights, minlength=size).astype(np.float64)
        return out.reshape(2, k, k)

    loss_a, sq_a = binstats.row_losses(truth, a)
    loss_b, sq_b = binstats.row_losses(truth, b)
    return PairStats(
        values,
        sums(None),
        sums(loss_a),
        sums(sq_a),
        sums(loss_b),
        sums(sq_b),
        _full(truth, a),
        _full(truth, b),
    )


def _full(truth: NDArray[np.bool_], scores: Array) -> binstats.BinaryStats:
    bins, values = binstats.score_bins(scores)
    (stats,) = binstats.grouped_stats(
        truth, scores, bins, values, np.zeros(len(truth), dtype=np.int64), 1
    )
    return stats
