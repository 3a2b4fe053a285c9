"""Binary classification from sufficient statistics.

One pass over the rows reduces them to per-class score histograms (with the
log-loss and squared-error sums of each bin) for every group (overall, each
slice value). Every metric, curve and bootstrap interval is then computed from
the histograms alone, so the cost after the pass does not depend on the row
count. With at most `EXACT_LIMIT` distinct scores each distinct score is its
own bin and the results equal scikit-learn's; above it scores are binned on a
grid of 1/10,000, exact for thresholds on that grid and within 1e-4 for the
ranking metrics. The pass is a group-by-bin count (`analyse.reduce`, streamed), and runs
as SQL too (docs/analysis.md, "The statistics table") for tables that never leave a
warehouse.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.intervals import wilson
from dsreport.load.bins import GRID, grid_index

EXACT_LIMIT = 50_000
CALIBRATION_BINS = 10
"""Equal-count bins for the calibration curve and ECE (binary scores, multiclass top label)."""
EPS = float(np.finfo(np.float64).eps)
Array = NDArray[np.float64]


NORMAL_FROM = 30.0
BATCH_CELLS = 1 << 16
"""Resamples x bins of one batch of bootstrap metrics: small chunks of resamples go
together (fewer calls), large ones alone (temporaries stay small)."""
POINT_CELLS = 1 << 18
"""Groups x bins of one batch of point metrics (26 grid histograms of 10,001 bins)."""


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


def replicates(
    stats: BinaryStats,
    rng: np.random.Generator,
    size: int,
    max_bins: int,
    metrics: Callable[[BinaryStats], dict[str, Array]],
    threshold: float | None = None,
    chunk: int = 100,
) -> dict[str, Array]:
    """`size` bootstrap replicates of every metric `metrics` returns, drawn in chunks of
    resamples (the order of the draws); a few small chunks share one call of `metrics`
    (up to BATCH_CELLS cells), each replicate still a row of its own.

    The histogram is first coarsened to about 30 cases a bin (at most `max_bins`): the
    normal approximation of the Poisson draws then covers most bins.
    """
    boot = stats.coarsened(min(max_bins, max(32, stats.n // 30)), threshold)
    draws = [boot.resampled(rng, min(chunk, size - i)) for i in range(0, size, chunk)]
    together = max(1, BATCH_CELLS // (chunk * len(boot.values)))
    batches = [metrics(_stacked(draws[i : i + together])) for i in range(0, len(draws), together)]
    return {name: np.concatenate([b[name] for b in batches]) for name in batches[0]}


def _stacked(draws: list[BinaryStats]) -> BinaryStats:
    """One batch of the rows of histograms on the same bins (1-D: a row each)."""
    if len(draws) == 1:
        return draws[0]
    fields = ("pos", "neg", "loss_pos", "loss_neg", "sq_pos", "sq_neg")
    return BinaryStats(
        draws[0].values, *(np.vstack([getattr(d, f) for d in draws]) for f in fields)
    )


def point_metrics(groups: list[BinaryStats], threshold: float) -> list[dict[str, float]]:
    """`all_metrics` of each histogram; those on the same bins (a split's rung and its
    slices) a batch at a time (each row's metrics are its own, to the bit)."""
    out: list[dict[str, float]] = []
    at = 0
    while at < len(groups):
        first = groups[at].values
        together = max(1, POINT_CELLS // max(1, len(first)))
        end = at + 1
        while end < min(len(groups), at + together) and np.array_equal(groups[end].values, first):
            end += 1
        batch = batch_metrics(_stacked(groups[at:end]), threshold)
        out += [{k: float(v[i]) for k, v in batch.items()} for i in range(end - at)]
        at = end
    return out


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


def _batch(a: Array) -> Array:
    return a if a.ndim == 2 else a[None, :]


def confusion(stats: BinaryStats, threshold: float) -> tuple[float, float, float, float]:
    """(tp, fp, fn, tn) with 'positive' meaning score >= threshold (a single histogram)."""
    tp, fp, fn, tn = _confusion(stats, threshold)
    return float(tp[0]), float(fp[0]), float(fn[0]), float(tn[0])


def _confusion(stats: BinaryStats, threshold: float) -> tuple[Array, Array, Array, Array]:
    above = stats.values >= threshold
    pos, neg = _batch(stats.pos), _batch(stats.neg)
    tp, fp = pos[:, above].sum(axis=1), neg[:, above].sum(axis=1)
    return tp, fp, pos.sum(axis=1) - tp, neg.sum(axis=1) - fp


def _div(a: Array, b: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


BEYOND_THRESHOLD = ("roc_auc", "average_precision", "log_loss", "brier", "ece")
"""The metrics `batch_metrics` computes only when asked (or when no names are given)."""


def batch_metrics(
    stats: BinaryStats, threshold: float, names: Collection[str] | None = None
) -> dict[str, Array]:
    """Every binary metric for each row of a (resamples x bins) batch; with `names`, the
    threshold metrics and only those of the others it names (each computed as it would
    be with all of them)."""
    pos, neg = _batch(stats.pos), _batch(stats.neg)
    tp, fp, fn, tn = _confusion(stats, threshold)
    p, q = pos.sum(axis=1), neg.sum(axis=1)
    n = p + q
    recall, specificity = _div(tp, tp + fn), _div(tn, tn + fp)
    out = {
        "precision": _div(tp, tp + fp),
        "recall": recall,
        "f1": _div(2 * tp, 2 * tp + fp + fn),
        "accuracy": _div(tp + tn, n),
        "specificity": specificity,
        "balanced_accuracy": (recall + specificity) / 2,
    }
    wanted = set(BEYOND_THRESHOLD if names is None else names)
    if wanted & {"roc_auc", "average_precision"}:
        tp_cum = np.cumsum(pos[:, ::-1], axis=1)
        above = tp_cum[:, ::-1] - pos  # positives strictly above a bin
        out["roc_auc"] = _div((neg * (above + 0.5 * pos)).sum(axis=1), p * q)
        fp_cum = np.cumsum(neg[:, ::-1], axis=1)
        precision_at = _div(tp_cum, tp_cum + fp_cum)
        # a bin with positives has a precision (no empty denominator); the others add 0
        steps = np.where(pos[:, ::-1] > 0, pos[:, ::-1] * precision_at, 0.0)
        out["average_precision"] = _div(steps.sum(axis=1), p)
    if "log_loss" in wanted:
        loss_pos, loss_neg = _batch(stats.loss_pos), _batch(stats.loss_neg)
        out["log_loss"] = _div(loss_pos.sum(axis=1) + loss_neg.sum(1), n)
    if "brier" in wanted:
        out["brier"] = _div(_batch(stats.sq_pos).sum(axis=1) + _batch(stats.sq_neg).sum(axis=1), n)
    if "ece" in wanted:
        out["ece"] = ece_batch(stats)
    return out


def _quantile_edges(values: Array, counts: Array, bins: int) -> Array:
    """Edges (batch x bins + 1) of equal-count bins of the scores a histogram holds: the
    edges scikit-learn's `calibration_curve(strategy="quantile")` uses (numpy percentiles)."""
    return quantiles(values, counts, np.linspace(0, 1, bins + 1) * 100 / 100)


def quantiles(values: Array, counts: Array, q: Array) -> Array:
    """numpy's linear quantiles `q` (batch x len(q)) of the rows a (batch x bins) histogram
    holds, computed from the counts without expanding them: `np.quantile(rows, q)` exactly
    when each bin is one distinct value."""
    counts = _batch(counts)
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
    pos, neg = _batch(stats.pos), _batch(stats.neg)
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
    return _div(np.abs(positive - scored).sum(axis=1), total.sum(axis=1))


def all_metrics(
    stats: BinaryStats, threshold: float, names: Collection[str] | None = None
) -> dict[str, float]:
    return {k: float(v[0]) for k, v in batch_metrics(stats, threshold, names).items()}


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
