"""Equal-count score bins: the calibration curve, ECE and quantiles of a histogram, and
the ROC and precision-recall curves, for one histogram or a batch of resamples.
"""

from __future__ import annotations

import numpy as np

from dsreport.analyse.binstats.histogram import Array, BinaryStats, as_batch, ratio
from dsreport.analyse.intervals import wilson

CALIBRATION_BINS = 10
"""Equal-count bins for the calibration curve and ECE (binary scores, multiclass top label)."""


def _quantile_edges(values: Array, counts: Array, bins: int) -> Array:
    """Edges (batch x bins + 1) of equal-count bins of the scores a histogram holds: the
    edges scikit-learn's `calibration_curve(strategy="quantile")` uses (numpy percentiles)."""
    return quantiles(values, counts, np.linspace(0, 1, bins + 1) * 100 / 100)


def quantiles(values: Array, counts: Array, q: Array) -> Array:
    """numpy's linear quantiles `q` (batch x len(q)) of the rows a (batch x bins) histogram
    holds, computed from the counts without expanding them: `np.quantile(rows, q)` exactly
    when each bin is one distinct value."""
    counts = as_batch(counts)
    n = counts.sum(axis=1)
    virtual = (n[:, None] - 1) * q[None, :]
    previous = np.floor(virtual)
    last = virtual >= n[:, None] - 1
    cum = np.cumsum(counts, axis=1)
    # Whole counts (a histogram of rows, or its Poisson draws): every row's running counts
    # shifted past the row before's, so one search serves the whole batch, exactly (whole
    # numbers below 2**52 add without rounding).
    span = float(cum[:, -1].max()) + 2 if cum.size else 0.0
    shift = np.arange(len(cum), dtype=np.float64)[:, None] * span
    whole = bool(np.all((counts >= 0) & (counts == np.floor(counts))) and len(cum) * span < 2.0**52)
    flat = (cum + shift).ravel() if whole else cum

    def order(j: Array) -> Array:  # the j-th smallest score (0-based) of each resample
        if whole:  # j is a whole number from -1 to n: it stays within its own row
            found = np.searchsorted(flat, j + shift, side="right")
            index = found - np.arange(len(cum))[:, None] * cum.shape[1]
        else:
            index = np.empty(j.shape, dtype=np.intp)
            for r, row in enumerate(cum):  # counts >= 0: each row ascends
                index[r] = np.searchsorted(row, j[r], side="right")
        return np.asarray(values[np.minimum(index, len(values) - 1)], dtype=np.float64)

    low = np.where(last, order(n[:, None] - 1 + 0 * q), order(previous))
    high = np.where(last, low, order(previous + 1))
    gamma = virtual - np.where(last, -1.0, previous)
    diff = high - low
    return np.asarray(
        np.where(gamma >= 0.5, high - diff * (1 - gamma), low + diff * gamma), dtype=np.float64
    )


def _calibration_bins(stats: BinaryStats, bins: int) -> tuple[Array, Array, Array, Array]:
    """Per resample and equal-count bin: edges, count, positives and score sum."""
    pos, neg = as_batch(stats.pos), as_batch(stats.neg)
    counts = pos + neg
    edges = _quantile_edges(stats.values, counts, bins)
    # a score on an inner edge falls in the lower bin (numpy.searchsorted, side "left")
    inner = edges[:, 1:-1]
    if not np.all(inner[:, 1:] >= inner[:, :-1]):  # edges out of order (no rows): one by one
        which = (stats.values[None, :, None] > inner[:, None, :]).sum(axis=2)
    elif np.all(stats.values[1:] >= stats.values[:-1]):
        # the scores ascend: score k is above an edge from the first score past it on, so
        # marking those firsts and adding them up counts each score's edges below it
        first = np.searchsorted(stats.values, inner, side="right")
        width = counts.shape[1] + 1
        marks = np.bincount(
            (first + (np.arange(len(counts)) * width)[:, None]).ravel(),
            minlength=len(counts) * width,
        )
        which = np.cumsum(marks.reshape(len(counts), width), axis=1)[:, :-1]
    else:
        which = np.empty(counts.shape, dtype=np.intp)
        for r, row in enumerate(inner):
            which[r] = np.searchsorted(row, stats.values, side="left")
    size = len(counts) * bins
    cell = (which + (np.arange(len(counts)) * bins)[:, None]).ravel()

    def sums(weights: Array) -> Array:
        """Per resample and bin, `weights` added in score order (as a loop over scores)."""
        flat = np.broadcast_to(weights, counts.shape).ravel()
        found = np.bincount(cell, weights=flat, minlength=size)
        return np.asarray(found, dtype=np.float64).reshape(len(counts), bins)

    return edges, sums(counts), sums(pos), sums(counts * stats.values)


def ece_batch(stats: BinaryStats, bins: int = CALIBRATION_BINS) -> Array:
    """Expected calibration error of each resample over `bins` equal-count score bins."""
    _, total, positive, scored = _calibration_bins(stats, bins)
    return ratio(np.abs(positive - scored).sum(axis=1), total.sum(axis=1))


def calibration(
    stats: BinaryStats, bins: int = CALIBRATION_BINS
) -> list[tuple[float, float, float, int, float, float]]:
    """(bin low edge, mean score, observed positive rate, count, and the rate's 95% Wilson
    interval) per non-empty equal-count bin: scikit-learn's
    `calibration_curve(strategy="quantile")`, with each bin's lower edge, count and interval."""
    edges, total, positive, scored = _calibration_bins(stats, bins)
    out = []
    for b in range(bins):
        if total[0, b] > 0:
            low, high = wilson(float(positive[0, b]), float(total[0, b]))
            out.append(
                (
                    float(edges[0, b]),
                    float(scored[0, b] / total[0, b]),
                    float(positive[0, b] / total[0, b]),
                    round(float(total[0, b])),
                    low,
                    high,
                )
            )
    return out


def roc_curve(stats: BinaryStats, max_points: int = 200) -> list[tuple[float, float]]:
    """(false positive rate, true positive rate) from the highest threshold down."""
    p, q = stats.pos.sum(), stats.neg.sum()
    if p == 0 or q == 0:
        return []
    tpr = np.concatenate([[0.0], np.cumsum(stats.pos[::-1]) / p])
    fpr = np.concatenate([[0.0], np.cumsum(stats.neg[::-1]) / q])
    return _thin(fpr, tpr, max_points)


def pr_curve(stats: BinaryStats, max_points: int = 200) -> list[tuple[float, float]]:
    """(recall, precision) from the highest threshold down."""
    p = stats.pos.sum()
    tp = np.cumsum(stats.pos[::-1])
    fp = np.cumsum(stats.neg[::-1])
    keep = (tp + fp) > 0
    if p == 0 or not keep.any():
        return []
    recall, precision = tp[keep] / p, tp[keep] / (tp[keep] + fp[keep])
    return _thin(recall, precision, max_points)


def _thin(x: Array, y: Array, max_points: int) -> list[tuple[float, float]]:
    """The points (x, y), at most `max_points` of them evenly spread (picked before any is
    made a Python pair: a grid histogram has 10,001)."""
    if len(x) > max_points:
        keep = np.unique(np.linspace(0, len(x) - 1, max_points).astype(int))
        x, y = x[keep], y[keep]
    return list(zip(x.tolist(), y.tolist(), strict=True))
