"""Multiclass classification from a confusion matrix (its sufficient statistic)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

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
    accuracy = float(np.trace(stats.matrix) / n) if n > 0 else float("nan")
    out = {
        "accuracy": accuracy,
        "macro_precision": float(parts["precision"][present].mean()) if present.any() else 0.0,
        "macro_recall": float(parts["recall"][present].mean()) if present.any() else 0.0,
        "macro_f1": float(parts["f1"][present].mean()) if present.any() else 0.0,
        "weighted_f1": float((parts["f1"] * weights).sum()),
        "micro_f1": accuracy,
    }
    if stats.top_k_hits is not None and n > 0:
        out["top_k_accuracy"] = stats.top_k_hits / float(n)
    return out
