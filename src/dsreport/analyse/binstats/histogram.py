"""Per-class score histograms, the form every binary metric is computed from.

`BinaryStats` holds them; one vectorised pass (`grouped_stats`) makes them from rows, and
the Poisson bootstrap resamples them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dsreport.load.bins import GRID, grid_index

EXACT_LIMIT = 50_000
EPS = float(np.finfo(np.float64).eps)
Array = NDArray[np.float64]


NORMAL_FROM = 30.0


def poisson(rng: np.random.Generator, lam: Array, size: int) -> Array:
    """`size` draws of Poisson(lam) per cell; the normal approximation above NORMAL_FROM.

    Large counts dominate the draws of big tables; the approximation is accurate there
    and an order of magnitude cheaper than exact Poisson sampling.
    """
    large = lam >= NORMAL_FROM
    if large.all():  # every cell drawn at once, in place (the same draws, the same sums)
        out = rng.standard_normal((size, len(lam)))
        out *= np.sqrt(lam)
        out += lam
        return np.maximum(0.0, np.rint(out, out=out), out=out)
    out = np.zeros((size, len(lam)))
    small = (lam > 0) & (lam < NORMAL_FROM)
    if small.any():
        out[:, small] = rng.poisson(lam[small], size=(size, int(small.sum())))
    if large.any():
        big = lam[large]
        noise = rng.standard_normal((size, len(big)))
        out[:, large] = np.maximum(0.0, np.rint(big + np.sqrt(big) * noise))
    return out


@dataclass
class BinaryStats:
    """Histograms over score bins, ascending. `values` is each bin's score (its lower edge).

    Count and sum arrays may be 2-D (resamples x bins): every metric function below works
    on a batch of resamples at once.
    """

    values: Array
    pos: Array
    neg: Array
    loss_pos: Array
    loss_neg: Array
    sq_pos: Array
    sq_neg: Array

    @property
    def n(self) -> int:
        return int(self.pos.sum() + self.neg.sum())

    def resampled(self, rng: np.random.Generator, size: int) -> BinaryStats:
        """Poisson bootstrap as one batch: each bin's count ~ Poisson(count); sums scale."""
        pos = poisson(rng, self.pos, size)
        neg = poisson(rng, self.neg, size)

        def per(total: Array, count: Array) -> Array:
            return np.divide(total, count, out=np.zeros_like(total), where=count > 0)

        return BinaryStats(
            self.values,
            pos,
            neg,
            pos * per(self.loss_pos, self.pos),
            neg * per(self.loss_neg, self.neg),
            pos * per(self.sq_pos, self.pos),
            neg * per(self.sq_neg, self.neg),
        )

    def coarsened(self, max_bins: int, threshold: float | None = None) -> BinaryStats:
        """Drop empty bins and merge neighbours down to at most `max_bins`, for cheap bootstraps.

        The operating threshold stays a bin edge, so threshold metrics are unchanged; a
        merged bin keeps the count-weighted mean score, so calibration stays faithful.
        """
        keep = (self.pos + self.neg) > 0
        parts = [
            a[keep]
            for a in (self.pos, self.neg, self.loss_pos, self.loss_neg, self.sq_pos, self.sq_neg)
        ]
        values = self.values[keep]
        if len(values) <= max_bins:
            return BinaryStats(values, *parts)
        edges = np.linspace(0, len(values), max_bins + 1).astype(int)[:-1]
        if threshold is not None:
            edges = np.union1d(edges, [int(np.searchsorted(values, threshold))])
            edges = edges[edges < len(values)]
        counts = parts[0] + parts[1]
        merged = [np.add.reduceat(a, edges) for a in parts]
        mean = np.add.reduceat(values * counts, edges) / np.add.reduceat(counts, edges)
        return BinaryStats(mean, *merged)


def score_bins(scores: Array) -> tuple[NDArray[np.int64], Array]:
    """Bin index of every row, and each bin's score value (ascending)."""
    if len(scores) > 4 * EXACT_LIMIT:  # a sample tells cheaply when a full sort is pointless
        sample = scores[:: max(1, len(scores) // (4 * EXACT_LIMIT))]
        if len(np.unique(sample)) > EXACT_LIMIT // 2:
            return _grid(scores)
    unique = np.unique(scores)
    if len(unique) <= EXACT_LIMIT:
        return np.searchsorted(unique, scores).astype(np.int64), unique.astype(np.float64)
    return _grid(scores)


def _grid(scores: Array) -> tuple[NDArray[np.int64], Array]:
    return grid_index(scores), np.arange(GRID + 1, dtype=np.float64) / GRID


def row_losses(y: NDArray[np.bool_], scores: Array) -> tuple[Array, Array]:
    """Each row's log loss and squared error; computed once per rung, shared by all groups."""
    clipped = np.clip(scores, EPS, 1 - EPS)
    loss = np.where(y, -np.log(clipped), -np.log1p(-clipped))
    return loss, (scores - y) ** 2


def grouped_stats(
    y: NDArray[np.bool_],
    scores: Array,
    bins: NDArray[np.int64],
    values: Array,
    codes: NDArray[np.int64],
    groups: int,
    losses: tuple[Array, Array] | None = None,
) -> list[BinaryStats]:
    """One BinaryStats per group code in [0, groups), from one vectorised pass.

    Three bincounts over (group, bin, class) cells give every count and sum at once.
    """
    loss, sq = losses if losses is not None else row_losses(y, scores)
    loss = loss.astype(np.float64)
    sq = sq.astype(np.float64)
    size = len(values)
    cells = groups * size * 2
    flat = (codes.astype(np.int64) * size + bins) * 2 + y
    counts = np.bincount(flat, minlength=cells).astype(np.float64).reshape(groups, size, 2)
    loss_sums = np.bincount(flat, weights=loss, minlength=cells).astype(np.float64)
    loss_sums = loss_sums.reshape(groups, size, 2)
    sq_sums = np.bincount(flat, weights=sq, minlength=cells).astype(np.float64)
    sq_sums = sq_sums.reshape(groups, size, 2)
    return [
        BinaryStats(
            values,
            counts[g, :, 1],
            counts[g, :, 0],
            loss_sums[g, :, 1],
            loss_sums[g, :, 0],
            sq_sums[g, :, 1],
            sq_sums[g, :, 0],
        )
        for g in range(groups)
    ]


def as_batch(a: Array) -> Array:
    """One histogram's counts as a batch of one, so every metric has one code path."""
    return a if a.ndim == 2 else a[None, :]


def ratio(a: Array, b: Array) -> Array:
    """a / b, NaN where b is 0: a metric without cases is undefined, not 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)
