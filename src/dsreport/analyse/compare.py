"""Is the chosen rung better than a simpler one, beyond the noise?

Paired: both rungs are judged on the same rows and the same bootstrap
resamples (Poisson weights), so row-to-row difficulty cancels out. Tables
larger than `MAX_ROWS` are subsampled (seeded) for the bootstrap, which makes
the interval wider, never narrower. Accuracy also gets McNemar's exact test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsreport.analyse import binstats, multiclass, regression
from dsreport.vocabulary import LOWER_IS_BETTER

MAX_ROWS = 50_000
RowMetric = Callable[[np.ndarray[Any, Any]], float]


@dataclass
class Comparison:
    chosen: str
    other: str
    metric: str
    chosen_value: float
    other_value: float
    delta: float
    interval: tuple[float, float] | None
    n: int
    method: str
    p_value: float | None = None

    @property
    def better(self) -> bool:
        return self.delta < 0 if self.metric in LOWER_IS_BETTER else self.delta > 0

    @property
    def significant(self) -> bool | None:
        """True when the interval of the difference excludes zero."""
        if self.interval is None:
            return None
        low, high = self.interval
        return low > 0 or high < 0


def mcnemar(b: int, c: int) -> float:
    """Exact two-sided McNemar p-value from the discordant counts."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = float(sum(math.comb(n, i) for i in range(k + 1)) / 2**n)
    return min(1.0, 2.0 * tail)


def _binary_fn(
    truth: np.ndarray[Any, Any], scores: np.ndarray[Any, Any], threshold: float, metric: str
) -> RowMetric:
    bins, values = binstats.score_bins(scores)
    clipped = np.clip(scores, binstats.EPS, 1 - binstats.EPS)
    loss = np.where(truth, -np.log(clipped), -np.log1p(-clipped))
    sq = (scores - truth) ** 2
    size = len(values)

    def fn(w: np.ndarray[Any, Any]) -> float:
        def b(weights: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            return np.bincount(bins, weights=weights, minlength=size)

        stats = binstats.BinaryStats(
            values,
            b(w * truth),
            b(w * ~truth),
            b(w * loss * truth),
            b(w * loss * ~truth),
            b(w * sq * truth),
            b(w * sq * ~truth),
        )
        return float(binstats.all_metrics(stats, threshold).get(metric, float("nan")))

    return fn


def _multiclass_fn(
    truth: np.ndarray[Any, Any], predicted: np.ndarray[Any, Any], k: int, metric: str
) -> RowMetric:
    flat = truth * k + predicted

    def fn(w: np.ndarray[Any, Any]) -> float:
        matrix = np.bincount(flat, weights=w, minlength=k * k).reshape(k, k).astype(np.float64)
        stats = multiclass.MulticlassStats([str(i) for i in range(k)], matrix)
        return multiclass.all_metrics(stats).get(metric, float("nan"))

    return fn


def _regression_fn(
    truth: np.ndarray[Any, Any], predicted: np.ndarray[Any, Any], metric: str
) -> RowMetric:
    per_row = regression.row_sums(truth, predicted)

    def fn(w: np.ndarray[Any, Any]) -> float:
        return regression.all_metrics(regression.RegressionStats((w @ per_row)[None, :])).get(
            metric, float("nan")
        )

    return fn


def paired(
    task: str,
    metric: str,
    chosen: str,
    other: str,
    rows: dict[str, Any],
    threshold: float,
    k: int,
    seed: int,
    resamples: int,
) -> Comparison | None:
    truth = rows.get("truth")
    if truth is None:
        return None
    n_all = len(truth)
    rng = np.random.default_rng(seed)
    take = np.arange(n_all)
    if n_all > MAX_ROWS:
        take = np.sort(rng.choice(n_all, size=MAX_ROWS, replace=False))
    fns: list[RowMetric] = []
    full: list[RowMetric] = []
    for rung in (chosen, other):
        if task == "binary":
            scores = rows.get("scores", {}).get(rung)
            if scores is None:
                return None
            fns.append(_binary_fn(truth[take], scores[take], threshold, metric))
            full.append(_binary_fn(truth, scores, threshold, metric))
        elif task == "multiclass":
            predicted = rows.get("predicted", {}).get(rung)
            if predicted is None:
                return None
            fns.append(_multiclass_fn(truth[take], predicted[take], k, metric))
            full.append(_multiclass_fn(truth, predicted, k, metric))
        else:
            predicted = rows.get("predicted", {}).get(rung)
            if predicted is None:
                return None
            fns.append(_regression_fn(truth[take], predicted[take], metric))
            full.append(_regression_fn(truth, predicted, metric))
    ones = np.ones(n_all)
    a, b = full[0](ones), full[1](ones)
    if not (math.isfinite(a) and math.isfinite(b)):
        return None
    diffs = []
    for _ in range(resamples):
        w = rng.poisson(1.0, size=len(take)).astype(np.float64)
        diffs.append(fns[0](w) - fns[1](w))
    arr = np.asarray(diffs)
    arr = arr[np.isfinite(arr)]
    interval = None
    if len(arr) >= 20:
        low, high = np.percentile(arr, [2.5, 97.5])
        interval = (min(float(low), a - b), max(float(high), a - b))
    p_value = None
    if metric == "accuracy" and task != "regression":
        right_a, right_b = rows.get(chosen), rows.get(other)
        if right_a is not None and right_b is not None:
            if task == "binary":
                right_a, right_b = right_a == truth, right_b == truth
            p_value = mcnemar(int((right_a & ~right_b).sum()), int((~right_a & right_b).sum()))
    method = f"paired bootstrap, {resamples:,} resamples of {len(take):,} rows"
    return Comparison(chosen, other, metric, a, b, a - b, interval, n_all, method, p_value)


def unpaired(
    metric: str,
    chosen: str,
    other: str,
    chosen_value: float,
    other_value: float,
    chosen_interval: tuple[float, float] | None,
) -> Comparison:
    """Without predictions: only the chosen rung's reported interval can speak to the noise."""
    delta = chosen_value - other_value
    interval = None
    if chosen_interval is not None:
        low, high = chosen_interval
        interval = (low - other_value, high - other_value)
    return Comparison(
        chosen,
        other,
        metric,
        chosen_value,
        other_value,
        delta,
        interval,
        0,
        "reported values; interval of the chosen rung shifted by the other's value",
    )
