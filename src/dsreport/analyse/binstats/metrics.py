"""Binary metrics of histograms in batches: a split's rung and its slices at once, or a
chunk of bootstrap resamples, each row's metrics its own to the bit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np

from dsreport.analyse.binstats.curves import ece_batch
from dsreport.analyse.binstats.histogram import Array, BinaryStats, as_batch, ratio

BATCH_CELLS = 1 << 16
"""Resamples x bins of one batch of bootstrap metrics: small chunks of resamples go
together (fewer calls), large ones alone (temporaries stay small)."""
POINT_CELLS = 1 << 18
"""Groups x bins of one batch of point metrics (26 grid histograms of 10,001 bins)."""


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


def confusion(stats: BinaryStats, threshold: float) -> tuple[float, float, float, float]:
    """(tp, fp, fn, tn) with 'positive' meaning score >= threshold (a single histogram)."""
    tp, fp, fn, tn = _confusion(stats, threshold)
    return float(tp[0]), float(fp[0]), float(fn[0]), float(tn[0])


def _confusion(stats: BinaryStats, threshold: float) -> tuple[Array, Array, Array, Array]:
    above = stats.values >= threshold
    pos, neg = as_batch(stats.pos), as_batch(stats.neg)
    tp, fp = pos[:, above].sum(axis=1), neg[:, above].sum(axis=1)
    return tp, fp, pos.sum(axis=1) - tp, neg.sum(axis=1) - fp


BEYOND_THRESHOLD = ("roc_auc", "average_precision", "log_loss", "brier", "ece")
"""The metrics `batch_metrics` computes only when asked (or when no names are given)."""


def batch_metrics(
    stats: BinaryStats, threshold: float, names: Collection[str] | None = None
) -> dict[str, Array]:
    """Every binary metric for each row of a (resamples x bins) batch; with `names`, the
    threshold metrics and only those of the others it names (each computed as it would
    be with all of them)."""
    pos, neg = as_batch(stats.pos), as_batch(stats.neg)
    tp, fp, fn, tn = _confusion(stats, threshold)
    p, q = pos.sum(axis=1), neg.sum(axis=1)
    n = p + q
    recall, specificity = ratio(tp, tp + fn), ratio(tn, tn + fp)
    out = {
        "precision": ratio(tp, tp + fp),
        "recall": recall,
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
        "accuracy": ratio(tp + tn, n),
        "specificity": specificity,
        "balanced_accuracy": (recall + specificity) / 2,
    }
    wanted = set(BEYOND_THRESHOLD if names is None else names)
    if wanted & {"roc_auc", "average_precision"}:
        tp_cum = np.cumsum(pos[:, ::-1], axis=1)
        above = tp_cum[:, ::-1] - pos  # positives strictly above a bin
        out["roc_auc"] = ratio((neg * (above + 0.5 * pos)).sum(axis=1), p * q)
        fp_cum = np.cumsum(neg[:, ::-1], axis=1)
        precision_at = ratio(tp_cum, tp_cum + fp_cum)
        # a bin with positives has a precision (no empty denominator); the others add 0
        steps = np.where(pos[:, ::-1] > 0, pos[:, ::-1] * precision_at, 0.0)
        out["average_precision"] = ratio(steps.sum(axis=1), p)
    if "log_loss" in wanted:
        loss_pos, loss_neg = as_batch(stats.loss_pos), as_batch(stats.loss_neg)
        out["log_loss"] = ratio(loss_pos.sum(axis=1) + loss_neg.sum(1), n)
    if "brier" in wanted:
        squares = as_batch(stats.sq_pos).sum(axis=1) + as_batch(stats.sq_neg).sum(axis=1)
        out["brier"] = ratio(squares, n)
    if "ece" in wanted:
        out["ece"] = ece_batch(stats)
    return out


def all_metrics(
    stats: BinaryStats, threshold: float, names: Collection[str] | None = None
) -> dict[str, float]:
    return {k: float(v[0]) for k, v in batch_metrics(stats, threshold, names).items()}
