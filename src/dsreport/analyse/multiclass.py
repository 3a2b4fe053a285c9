"""Multiclass classification from a confusion matrix (its sufficient statistic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.intervals import contain, percentile_intervals, replicate_intervals, wilson

Array = NDArray[np.float64]
TOP_K = 3


@dataclass
class MulticlassStats:
    classes: list[str]
    matrix: Array
    """matrix[i, j]: rows whose true class is i and predicted class is j."""
    top_k_hits: float | None = None
    """Rows whose true class is among the `top_k` highest scores (when scores are given)."""

    @property
    def n(self) -> int:
        return int(self.matrix.sum())

    def resampled(self, rng: np.random.Generator, size: int) -> Array:
        """`size` Poisson-bootstrap confusion matrices (size x k x k) as one array: the
        draws one resample at a time would give, in the same order."""
        return rng.poisson(self.matrix, size=(size, *self.matrix.shape)).astype(np.float64)


def build_stats(
    classes: list[str],
    truth: NDArray[np.int64],
    predicted: NDArray[np.int64],
    scores: Array | None,
    top_k: int = TOP_K,
) -> MulticlassStats:
    k = len(classes)
    matrix = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k).astype(np.float64)
    hits = None
    if scores is not None and k > top_k:
        true_score = scores[np.arange(len(truth)), truth]
        above = scores > true_score[:, None]
        # ties as scikit-learn: a stable sort reversed puts the higher class index first
        tied = (scores == true_score[:, None]) & (np.arange(k)[None, :] > truth[:, None])
        rank = (above | tied).sum(axis=1)
        hits = float((rank < top_k).sum())
    return MulticlassStats(classes, matrix, hits)


def _safe(a: Array, b: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)


def per_class(stats: MulticlassStats) -> dict[str, Array]:
    """Precision, recall, F1 and support per class (0 where undefined, as scikit-learn)."""
    m = stats.matrix
    tp = np.diag(m)
    predicted = m.sum(axis=0)
    support = m.sum(axis=1)
    precision = _safe(tp, predicted)
    recall = _safe(tp, support)
    f1 = _safe(2 * tp, predicted + support)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def all_metrics(stats: MulticlassStats) -> dict[str, float]:
    out = {name: float(v[0]) for name, v in batch_metrics(stats.matrix[None]).items()}
    n = stats.matrix.sum()
    if stats.top_k_hits is not None and n > 0:
        out["top_k_accuracy"] = stats.top_k_hits / float(n)
    return out


def batch_metrics(matrices: Array) -> dict[str, Array]:
    """`all_metrics` of every confusion matrix of a (resamples x k x k) batch, without
    top-k: the same floats, one array per metric. Classes absent from a resample are
    skipped in its macro means as `all_metrics` skips them (those resamples one by one)."""
    tp = np.diagonal(matrices, axis1=1, axis2=2)
    predicted, support = matrices.sum(axis=1), matrices.sum(axis=2)
    k = tp.shape[1]
    n = matrices.reshape(len(matrices), k * k).sum(axis=1)
    precision, recall = _safe(tp, predicted), _safe(tp, support)
    f1 = _safe(2 * tp, predicted + support)
    true, present = support > 0, (support > 0) | (predicted > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(n > 0, tp.sum(axis=1) / n, np.nan)
        weights = np.where(n[:, None] > 0, support / n[:, None], support)
    # a row's mean over all k classes is its sum / k (numpy's mean); rows missing a class
    # take the mean over the classes present, one by one
    out = {
        "accuracy": accuracy,
        "balanced_accuracy": recall.sum(axis=1) / k,
        "macro_precision": precision.sum(axis=1) / k,
        "macro_recall": recall.sum(axis=1) / k,
        "macro_f1": f1.sum(axis=1) / k,
        "weighted_f1": (f1 * weights).sum(axis=1),
        "micro_f1": accuracy,
    }
    for i in np.flatnonzero(~true.all(axis=1)):
        out["balanced_accuracy"][i] = recall[i][true[i]].mean() if true[i].any() else np.nan
    for i in np.flatnonzero(~present.all(axis=1)):
        parts = (("macro_precision", precision), ("macro_recall", recall), ("macro_f1", f1))
        for name, part in parts:
            out[name][i] = part[i][present[i]].mean() if present[i].any() else 0.0
    return out


def bootstrap_intervals(matrices: Array) -> dict[str, tuple[float, float]]:
    """Percentile intervals of every metric over a batch of resampled confusion matrices:
    those of `all_metrics` of each, at a fraction of the cost."""
    return replicate_intervals(batch_metrics(matrices))


def per_class_rows(stats: MulticlassStats, samples: Array) -> list[dict[str, Any]]:
    """Per class: precision, recall, F1 and support with 95% intervals, [low, high]: Wilson
    for precision (of the rows predicted as the class) and recall (of the class's rows),
    the bootstrap `samples` (resamples x k x k) for F1; None where the metric is undefined
    (no such rows)."""
    parts = per_class(stats)
    tp = np.diag(stats.matrix)
    predicted = stats.matrix.sum(axis=0)
    support = parts["support"]
    drawn = np.diagonal(samples, axis1=1, axis2=2)
    f1 = _safe(2 * drawn, samples.sum(axis=1) + samples.sum(axis=2))
    rows = []
    for i, name in enumerate(stats.classes):
        rows.append(
            {
                "class": name,
                **{key: float(parts[key][i]) for key in parts},
                "precision_interval": list(wilson(tp[i], predicted[i])) if predicted[i] else None,
                "recall_interval": list(wilson(tp[i], support[i])) if support[i] else None,
                "f1_interval": _f1_interval(
                    float(parts["f1"][i]), f1[:, i], tp[i], predicted[i] + support[i] - tp[i]
                ),
            }
        )
    return rows


def _f1_interval(point: float, draws: Array, tp: float, relevant: float) -> list[float] | None:
    """Percentile bootstrap; where every resample gives the same F1 (a class without errors)
    the Wilson interval of J = tp / (tp + fp + fn), mapped to F1 = 2J / (1 + J)."""
    if relevant <= 0:
        return None
    found = percentile_intervals({"f1": draws}).get("f1")
    if found is not None and found[1] > found[0]:
        return list(contain(point, found))
    low, high = wilson(tp, relevant)
    return [2 * low / (1 + low), 2 * high / (1 + high)]
