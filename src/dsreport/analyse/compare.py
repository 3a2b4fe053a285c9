"""Is the chosen rung better than a simpler one, beyond the noise?

Paired: both rungs are judged on the same rows and the same resamples, so
row-to-row difficulty cancels out. As for single metrics, rows are first
reduced to sufficient statistics of the pair, so the bootstrap costs the same
for a thousand rows as for ten million:

- binary: a joint histogram over (label, bin of rung A, bin of rung B) on a
  grid whose edges include the operating threshold (exact for threshold
  metrics; ranking metrics use the grid only for the spread, which is added
  to the exact difference);
- multiclass: the joint confusion cube (truth, prediction A, prediction B);
- regression: per-row sums of both rungs dealt into at most 2,000 groups.

Accuracy also gets McNemar's exact test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsreport.analyse import binstats, multiclass, regression
from dsreport.analyse.intervals import percentile_intervals
from dsreport.vocabulary import LOWER_IS_BETTER

PAIR_GRID = 40
CHUNK = 100


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
    """Exact two-sided McNemar p-value from the discordant counts (binomial, p = 1/2).

    Summed in log space, so a million discordant pairs cost milliseconds.
    """
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    steps = np.arange(k, dtype=np.float64)
    log_pmf = np.concatenate([[0.0], np.cumsum(np.log(n - steps) - np.log(steps + 1))])
    log_pmf -= n * math.log(2.0)
    top = float(log_pmf.max())
    tail = math.exp(top) * float(np.exp(log_pmf - top).sum())
    return min(1.0, 2.0 * tail)


def _full_binary(truth: Any, scores: Any, threshold: float) -> binstats.BinaryStats:
    bins, values = binstats.score_bins(scores)
    (stats,) = binstats.grouped_stats(
        truth, scores, bins, values, np.zeros(len(truth), dtype=np.int64), 1
    )
    return stats


def _binary_spread(
    truth: Any,
    a: Any,
    b: Any,
    threshold: float,
    metric: str,
    rng: np.random.Generator,
    resamples: int,
) -> tuple[float, Any]:
    """Coarse point difference and bootstrap replicates of the difference."""
    edges = np.unique(np.concatenate([np.linspace(0, 1, PAIR_GRID + 1), [threshold]]))
    k = len(edges)
    ia = np.clip(np.searchsorted(edges, a, side="right") - 1, 0, k - 1)
    ib = np.clip(np.searchsorted(edges, b, side="right") - 1, 0, k - 1)
    cell = (truth.astype(np.int64) * k + ia) * k + ib
    size = 2 * k * k

    def sums(weights: Any) -> Any:
        return np.bincount(cell, weights=weights, minlength=size)

    counts = sums(None).astype(np.float64)
    parts = {}
    for name, scores in (("a", a), ("b", b)):
        loss, sq = binstats.row_losses(truth, scores)
        parts[name] = (
            np.divide(sums(loss), counts, out=np.zeros(size), where=counts > 0),
            np.divide(sums(sq), counts, out=np.zeros(size), where=counts > 0),
        )

    def metric_of(w: Any) -> Any:
        out = []
        for name, axis in (("a", 3), ("b", 2)):
            mean_loss, mean_sq = parts[name]
            hist = w.reshape(-1, 2, k, k).sum(axis=axis)
            loss = (w * mean_loss).reshape(-1, 2, k, k).sum(axis=axis)
            sq = (w * mean_sq).reshape(-1, 2, k, k).sum(axis=axis)
            stats = binstats.BinaryStats(
                edges, hist[:, 1], hist[:, 0], loss[:, 1], loss[:, 0], sq[:, 1], sq[:, 0]
            )
            out.append(binstats.batch_metrics(stats, threshold)[metric])
        return out[0] - out[1]

    point = float(metric_of(counts[None, :])[0])
    reps = [
        metric_of(binstats.poisson(rng, counts, min(CHUNK, resamples - start)))
        for start in range(0, resamples, CHUNK)
    ]
    return point, np.concatenate(reps)


def _multiclass_spread(
    truth: Any, a: Any, b: Any, k: int, metric: str, rng: np.random.Generator, resamples: int
) -> tuple[float, Any]:
    cube = np.bincount((truth * k + a) * k + b, minlength=k**3).astype(np.float64)

    def diff(w: Any) -> float:
        c = w.reshape(k, k, k)
        names = [str(i) for i in range(k)]
        ma = multiclass.all_metrics(multiclass.MulticlassStats(names, c.sum(axis=2)))
        mb = multiclass.all_metrics(multiclass.MulticlassStats(names, c.sum(axis=1)))
        return ma.get(metric, math.nan) - mb.get(metric, math.nan)

    reps = np.array([diff(rng.poisson(cube).astype(np.float64)) for _ in range(resamples)])
    return diff(cube), reps


def _regression_spread(
    truth: Any, a: Any, b: Any, metric: str, rng: np.random.Generator, resamples: int, seed: int
) -> tuple[float, Any]:
    sa = regression.build_stats(truth, a, seed).sums
    sb = regression.build_stats(truth, b, seed).sums
    weights = rng.poisson(1.0, size=(resamples, len(sa))).astype(np.float64)
    ta, tb = weights @ sa, weights @ sb
    reps = np.array(
        [
            regression.all_metrics(regression.RegressionStats(ta[i : i + 1])).get(metric, math.nan)
            - regression.all_metrics(regression.RegressionStats(tb[i : i + 1])).get(
                metric, math.nan
            )
            for i in range(resamples)
        ]
    )
    point = regression.all_metrics(regression.RegressionStats(sa)).get(
        metric, math.nan
    ) - regression.all_metrics(regression.RegressionStats(sb)).get(metric, math.nan)
    return point, reps


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
    """Compare two rungs on the test rows; None when either lacks predictions."""
    truth = rows.get("truth")
    key = "scores" if task == "binary" else "predicted"
    outputs = rows.get(key, {})
    if truth is None or chosen not in outputs or other not in outputs:
        return None
    a, b = outputs[chosen], outputs[other]
    rng = np.random.default_rng(seed)
    if task == "binary":
        va = binstats.all_metrics(_full_binary(truth, a, threshold), threshold).get(metric)
        vb = binstats.all_metrics(_full_binary(truth, b, threshold), threshold).get(metric)
        coarse, reps = _binary_spread(truth, a, b, threshold, metric, rng, resamples)
    elif task == "multiclass":
        names = [str(i) for i in range(k)]
        va = multiclass.all_metrics(multiclass.build_stats(names, truth, a, None)).get(metric)
        vb = multiclass.all_metrics(multiclass.build_stats(names, truth, b, None)).get(metric)
        coarse, reps = _multiclass_spread(truth, a, b, k, metric, rng, resamples)
    else:
        va = regression.all_metrics(regression.build_stats(truth, a, seed)).get(metric)
        vb = regression.all_metrics(regression.build_stats(truth, b, seed)).get(metric)
        coarse, reps = _regression_spread(truth, a, b, metric, rng, resamples, seed)
    if va is None or vb is None or not (math.isfinite(va) and math.isfinite(vb)):
        return None
    delta = va - vb
    interval = None
    found = percentile_intervals({metric: reps - coarse + delta}).get(metric)
    if found is not None:
        interval = (min(found[0], delta), max(found[1], delta))
    p_value = None
    if metric == "accuracy":
        right_a = (a >= threshold) == truth if task == "binary" else a == truth
        right_b = (b >= threshold) == truth if task == "binary" else b == truth
        p_value = mcnemar(int((right_a & ~right_b).sum()), int((~right_a & right_b).sum()))
    method = f"paired bootstrap, {resamples:,} resamples, {len(truth):,} rows"
    return Comparison(chosen, other, metric, va, vb, delta, interval, len(truth), method, p_value)


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
