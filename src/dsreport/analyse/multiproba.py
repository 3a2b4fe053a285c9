"""Multiclass metrics from per-class probabilities: macro one-vs-rest ROC AUC, log loss,
the multiclass Brier score and top-label calibration.

Point values are exact (scikit-learn's). For the bootstrap each metric is reduced once
to a small table, so a resample costs the same for a thousand rows as for ten million:

- log loss and Brier score are means of per-row losses. The losses are sorted and cut
  into at most `groups` runs of equal count (count and sum of each); the bootstrap draws
  each run's count (Poisson) and keeps its mean loss. With no more rows than `groups`
  each row is its own run and this is the Poisson bootstrap of the rows.
- macro ROC AUC is the mean of per-row pseudo-values: a row's part in every class's AUC
  (DeLong's placement values, as a positive of its own class and a negative of the
  others), so the mean is the AUC exactly and its variance DeLong's. One row's parts in
  all the classes' AUCs move together, which resampling each class's histogram on its own
  would not do. The pseudo-values are reduced to runs as the losses are.
- top-label calibration is a binary question (is the most probable class the true one?)
  asked of the top probability, so it uses the binary histograms of `binstats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse import binstats
from dsreport.analyse.intervals import percentile_intervals

Array = NDArray[np.float64]
SUM_TOLERANCE = 0.01
"""A row of probabilities may sum to 1 ± this (rounding in a CSV); it is renormalised."""
EXACT_TOLERANCE = 1e-6
"""A row within this of 1 is floating-point error and is taken as it is: dividing it by its
sum would break ties between rows and move the AUC."""


def normalised(scores: Array) -> Array:
    """Rows that sum to 1 ± SUM_TOLERANCE but not within EXACT_TOLERANCE divided by their sum
    (validation refuses rows further off)."""
    total = scores.sum(axis=1, keepdims=True)
    exact = (np.abs(total - 1.0) <= EXACT_TOLERANCE) | (total <= 0)
    if exact.all():
        return scores  # no copy: a table of ten million rows holds several of these
    return np.asarray(scores / np.where(exact, 1.0, total), dtype=np.float64)


@dataclass
class RowMeans:
    """Means of per-row values, each as runs of adjacent sorted values. Every metric's runs
    have the same counts (equal-count runs of the same rows), so one Poisson draw of the
    counts serves them all: each metric's replicates are a bootstrap of its own."""

    counts: Array
    sums: dict[str, Array]

    def means(self) -> dict[str, float]:
        total = self.counts.sum()
        return {name: float(s.sum() / total) for name, s in self.sums.items()}

    def replicates(self, rng: np.random.Generator, size: int) -> dict[str, Array]:
        draws = binstats.poisson(rng, self.counts, size)
        drawn = draws.sum(axis=1)  # a resample without rows has no mean (NaN, left out)
        with np.errstate(invalid="ignore", divide="ignore"):
            return {name: (draws @ (s / self.counts)) / drawn for name, s in self.sums.items()}


def row_means(values: dict[str, Array], groups: int) -> RowMeans:
    n = len(next(iter(values.values())))
    starts = np.unique(np.linspace(0, n, groups + 1).astype(np.int64)[:-1])
    counts = np.diff(np.append(starts, n)).astype(np.float64)
    sums = {name: np.add.reduceat(np.sort(v), starts) for name, v in values.items()}
    return RowMeans(counts, sums)


def auc_pseudo_values(truth: NDArray[np.int64], proba: Array) -> Array | None:
    """Per-row pseudo-values whose mean is the macro one-vs-rest ROC AUC over the classes
    with both positive and negative rows; None when no class has both."""
    n, k = proba.shape
    total = np.zeros(n)
    used = 0
    for c in range(k):
        y = truth == c
        m = int(y.sum())
        if m in (0, n):
            continue
        bins, _ = binstats.score_bins(proba[:, c])
        size = int(bins.max()) + 1
        pos = np.bincount(bins[y], minlength=size).astype(np.float64)
        neg = np.bincount(bins[~y], minlength=size).astype(np.float64)
        # per score bin: the share of negatives a positive there outranks (ties half),
        # and the share of positives that outrank a negative there
        v10 = (np.cumsum(neg) - neg + 0.5 * neg) / (n - m)
        v01 = (m - np.cumsum(pos) + 0.5 * pos) / m
        auc = float(pos @ v10 / m)
        own = np.where(y, n / m * (v10[bins] - auc), n / (n - m) * (v01[bins] - auc))
        total += auc + own
        used += 1
    return total / used if used else None


@dataclass
class ProbaStats:
    top: binstats.BinaryStats
    """Top-label histogram: the top probability as score, 'top class is true' as positive."""
    rows: RowMeans
    """log_loss, brier and (when defined) macro_roc_auc as means of per-row values."""


def build(truth: NDArray[np.int64], proba: Array, groups: int) -> ProbaStats:
    """One pass over the rows of one group; `proba` rows sum to 1."""
    n = len(truth)
    rows = np.arange(n)
    p_true = proba[rows, truth]
    miss = proba.copy()
    miss[rows, truth] -= 1.0
    values = {
        # clipped as scikit-learn's log_loss clips each probability
        "log_loss": -np.log(np.clip(p_true, binstats.EPS, 1 - binstats.EPS)),
        "brier": (miss * miss).sum(axis=1),
    }
    auc = auc_pseudo_values(truth, proba)
    if auc is not None:
        values["macro_roc_auc"] = auc
    top = proba.argmax(axis=1)
    confidence = proba[rows, top]
    bins, scores = binstats.score_bins(confidence)
    zeros = np.zeros(n)
    (stats,) = binstats.grouped_stats(
        top == truth, confidence, bins, scores, np.zeros(n, np.int64), 1, (zeros, zeros)
    )
    return ProbaStats(stats, row_means(values, groups))


def point_metrics(stats: ProbaStats) -> dict[str, float]:
    out = stats.rows.means()
    out["ece"] = float(binstats.ece_batch(stats.top)[0])
    return out


def intervals(
    stats: ProbaStats, rng: np.random.Generator, size: int, max_bins: int
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals of every metric `point_metrics` gives."""
    draws = stats.rows.replicates(rng, size)
    draws |= binstats.replicates(
        stats.top, rng, size, max_bins, lambda batch: {"ece": binstats.ece_batch(batch)}
    )
    out = percentile_intervals(draws)
    if "macro_roc_auc" in out:  # pseudo-values are not bounded; the AUC is
        low, high = out["macro_roc_auc"]
        out["macro_roc_auc"] = (max(low, 0.0), min(high, 1.0))
    return out


def reliability(stats: ProbaStats) -> list[list[float]]:
    """[bin low edge, mean top probability, share where the top class is true, count, and the
    share's 95% Wilson interval] per equal-count bin of the top probability."""
    return [list(row) for row in binstats.calibration(stats.top)]
