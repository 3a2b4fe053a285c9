"""Binary classification from sufficient statistics.

One pass over the rows reduces them to per-class score histograms (with the
log-loss and squared-error sums of each bin) for every group (overall, each
slice value). Every metric, curve and bootstrap interval is then computed from
the histograms alone, so the cost after the pass does not depend on the row
count. With at most `EXACT_LIMIT` distinct scores each distinct score is its
own bin and the results equal scikit-learn's; above it scores are binned on a
grid of 1/10,000, exact for thresholds on that grid and within 1e-4 for the
ranking metrics. The pass is a group-by-bin count and could run as SQL
(`GROUP BY slice, label, floor(score * 10000)`) for tables that do not fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

EXACT_LIMIT = 50_000
GRID = 10_000
EPS = float(np.finfo(np.float64).eps)
Array = NDArray[np.float64]


@dataclass
class BinaryStats:
    """Histograms over score bins, ascending. `values` is each bin's score (its lower edge)."""

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

    def resampled(self, rng: np.random.Generator, size: int) -> list[BinaryStats]:
        """Poisson bootstrap: each bin's count ~ Poisson(count); sums scale with it."""
        out = []
        pos_draw = rng.poisson(self.pos, size=(size, len(self.pos))).astype(np.float64)
        neg_draw = rng.poisson(self.neg, size=(size, len(self.neg))).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            lp = np.where(self.pos > 0, self.loss_pos / self.pos, 0.0)
            ln = np.where(self.neg > 0, self.loss_neg / self.neg, 0.0)
            sp = np.where(self.pos > 0, self.sq_pos / self.pos, 0.0)
            sn = np.where(self.neg > 0, self.sq_neg / self.neg, 0.0)
        for i in range(size):
            p, q = pos_draw[i], neg_draw[i]
            out.append(BinaryStats(self.values, p, q, p * lp, q * ln, p * sp, q * sn))
        return out

    def coarsened(self, max_bins: int) -> BinaryStats:
        """Merge adjacent bins to at most `max_bins` (for cheap bootstraps of small slices)."""
        if len(self.values) <= max_bins:
            return self
        edges = np.linspace(0, len(self.values), max_bins + 1).astype(int)

        def merge(a: Array) -> Array:
            return np.add.reduceat(a, edges[:-1])

        return BinaryStats(
            self.values[edges[:-1]],
            merge(self.pos),
            merge(self.neg),
            merge(self.loss_pos),
            merge(self.loss_neg),
            merge(self.sq_pos),
            merge(self.sq_neg),
        )


def score_bins(scores: Array) -> tuple[NDArray[np.int64], Array]:
    """Bin index of every row, and each bin's score value (ascending)."""
    unique = np.unique(scores)
    if len(unique) <= EXACT_LIMIT:
        return np.searchsorted(unique, scores).astype(np.int64), unique.astype(np.float64)
    index = np.minimum(np.floor(scores * GRID), GRID).astype(np.int64)
    return index, np.arange(GRID + 1, dtype=np.float64) / GRID


def grouped_stats(
    y: NDArray[np.bool_],
    scores: Array,
    bins: NDArray[np.int64],
    values: Array,
    codes: NDArray[np.int64],
    groups: int,
) -> list[BinaryStats]:
    """One BinaryStats per group code in [0, groups), from a single vectorised pass."""
    clipped = np.clip(scores, EPS, 1 - EPS)
    loss = np.where(y, -np.log(clipped), -np.log1p(-clipped))
    sq = (scores - y) ** 2
    size = len(values)
    cells = groups * size
    flat = codes * size + bins
    out: list[dict[str, Array]] = [{} for _ in range(groups)]
    for name, weights in (
        ("pos", y.astype(np.float64)),
        ("neg", (~y).astype(np.float64)),
        ("loss_pos", loss * y),
        ("loss_neg", loss * ~y),
        ("sq_pos", sq * y),
        ("sq_neg", sq * ~y),
    ):
        total = np.bincount(flat, weights=weights, minlength=cells).reshape(groups, size)
        for g in range(groups):
            out[g][name] = total[g]
    return [BinaryStats(values=values, **parts) for parts in out]


def confusion(stats: BinaryStats, threshold: float) -> tuple[float, float, float, float]:
    """(tp, fp, fn, tn) with 'positive' meaning score >= threshold."""
    above = stats.values >= threshold - 1e-12
    tp = float(stats.pos[above].sum())
    fp = float(stats.neg[above].sum())
    return tp, fp, float(stats.pos.sum()) - tp, float(stats.neg.sum()) - fp


def _div(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


def threshold_metrics(stats: BinaryStats, threshold: float) -> dict[str, float]:
    tp, fp, fn, tn = confusion(stats, threshold)
    precision, recall = _div(tp, tp + fp), _div(tp, tp + fn)
    specificity = _div(tn, tn + fp)
    f1 = _div(2 * tp, 2 * tp + fp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": _div(tp + tn, tp + fp + fn + tn),
        "specificity": specificity,
        "balanced_accuracy": (recall + specificity) / 2,
    }


def roc_auc(stats: BinaryStats) -> float:
    p, q = stats.pos.sum(), stats.neg.sum()
    if p == 0 or q == 0:
        return float("nan")
    above = np.cumsum(stats.pos[::-1])[::-1] - stats.pos  # positives strictly above each bin
    return float((stats.neg * (above + 0.5 * stats.pos)).sum() / (p * q))


def average_precision(stats: BinaryStats) -> float:
    """Step-wise AP as scikit-learn computes it: sum over thresholds of delta-recall x precision."""
    p = stats.pos.sum()
    if p == 0:
        return float("nan")
    tp = np.cumsum(stats.pos[::-1])
    fp = np.cumsum(stats.neg[::-1])
    keep = (stats.pos[::-1] + stats.neg[::-1]) > 0
    tp, fp = tp[keep], fp[keep]
    precision = tp / (tp + fp)
    recall = tp / p
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))


def calibration(stats: BinaryStats, bins: int = 10) -> list[tuple[float, float, float, int]]:
    """(bin low, mean score, observed positive rate, count) per equal-width score bin."""
    which = np.minimum((stats.values * bins).astype(int), bins - 1)
    counts = stats.pos + stats.neg
    out = []
    for b in range(bins):
        mask = which == b
        n = float(counts[mask].sum())
        if n == 0:
            continue
        mean_score = float((stats.values[mask] * counts[mask]).sum() / n)
        rate = float(stats.pos[mask].sum() / n)
        out.append((b / bins, mean_score, rate, round(n)))
    return out


def ece(stats: BinaryStats, bins: int = 10) -> float:
    n = stats.pos.sum() + stats.neg.sum()
    if n == 0:
        return float("nan")
    return float(sum(c * abs(rate - mean) for _, mean, rate, c in calibration(stats, bins)) / n)


def all_metrics(stats: BinaryStats, threshold: float) -> dict[str, float]:
    n = stats.pos.sum() + stats.neg.sum()
    out = threshold_metrics(stats, threshold)
    out["roc_auc"] = roc_auc(stats)
    out["average_precision"] = average_precision(stats)
    out["log_loss"] = _div(float(stats.loss_pos.sum() + stats.loss_neg.sum()), float(n))
    out["brier"] = _div(float(stats.sq_pos.sum() + stats.sq_neg.sum()), float(n))
    out["ece"] = ece(stats)
    return out


def roc_curve(stats: BinaryStats, max_points: int = 200) -> list[tuple[float, float]]:
    """(false positive rate, true positive rate) from the highest threshold down."""
    p, q = stats.pos.sum(), stats.neg.sum()
    if p == 0 or q == 0:
        return []
    tpr = np.concatenate([[0.0], np.cumsum(stats.pos[::-1]) / p])
    fpr = np.concatenate([[0.0], np.cumsum(stats.neg[::-1]) / q])
    return _thin(list(zip(fpr.tolist(), tpr.tolist(), strict=True)), max_points)


def pr_curve(stats: BinaryStats, max_points: int = 200) -> list[tuple[float, float]]:
    """(recall, precision) from the highest threshold down."""
    p = stats.pos.sum()
    tp = np.cumsum(stats.pos[::-1])
    fp = np.cumsum(stats.neg[::-1])
    keep = (tp + fp) > 0
    if p == 0 or not keep.any():
        return []
    recall, precision = tp[keep] / p, tp[keep] / (tp[keep] + fp[keep])
    return _thin(list(zip(recall.tolist(), precision.tolist(), strict=True)), max_points)


def _thin(points: list[tuple[float, float]], max_points: int) -> list[tuple[float, float]]:
    if len(points) <= max_points:
        return points
    keep = np.unique(np.linspace(0, len(points) - 1, max_points).astype(int))
    return [points[i] for i in keep]
