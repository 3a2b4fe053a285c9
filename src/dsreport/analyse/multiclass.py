"""Multiclass classification from a confusion matrix (its sufficient statistic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.intervals import contain, percentile_intervals, wilson

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

    def resampled(self, rng: np.random.Generator, size: int) -> list[MulticlassStats]:
        draws = rng.poisson(self.matrix, size=(size, *self.matrix.shape)).astype(np.float64)
        return [MulticlassStats(self.classes, draws[i]) for i in range(size)]


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
    parts = per_class(stats)
    n = stats.matrix.sum()
    support = parts["support"]
    present = (support > 0) | (stats.matrix.sum(axis=0) > 0)
    weights = support / n if n > 0 else support
    nan = float("nan")
    accuracy = float(np.trace(stats.matrix) / n) if n > 0 else nan
    recall_present = parts["recall"][support > 0]  # scikit-learn skips classes absent from truth
    out = {
        "accuracy": accuracy,
        "balanced_accuracy": float(recall_present.mean()) if len(recall_present) else nan,
        "macro_precision": float(parts["precision"][present].mean()) if present.any() else 0.0,
        "macro_recall": float(parts["recall"][present].mean()) if present.any() else 0.0,
        "macro_f1": float(parts["f1"][present].mean()) if present.any() else 0.0,
        "weighted_f1": float((parts["f1"] * weights).sum()),
        "micro_f1": accuracy,
    }
    if stats.top_k_hits is not None and n > 0:
        out["top_k_accuracy"] = stats.top_k_hits / float(n)
    return out


def per_class_rows(stats: MulticlassStats, samples: list[MulticlassStats]) -> list[dict[str, Any]]:
    """Per class: precision, recall, F1 and support with 95% intervals, [low, high]: Wilson
    for precision (of the rows predicted as the class) and recall (of the class's rows),
    the bootstrap `samples` for F1; None where the metric is undefined (no such rows)."""
    parts = per_class(stats)
    tp = np.diag(stats.matrix)
    predicted = stats.matrix.sum(axis=0)
    support = parts["support"]
    f1 = np.array([per_class(s)["f1"] for s in samples]).reshape(len(samples), len(tp))
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
