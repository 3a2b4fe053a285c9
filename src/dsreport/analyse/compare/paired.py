"""Two rungs judged on the same test rows: every metric of the pair at once.

Rows are first reduced to sufficient statistics of the pair, so the bootstrap costs the
same for a thousand rows as for ten million:

- binary: a joint histogram over (label, bin of rung A, bin of rung B) on a grid whose
  edges include the operating threshold (exact for threshold metrics; ranking metrics use
  the grid only for the spread, which is added to the exact difference);
- multiclass: the joint confusion cube (truth, prediction A, prediction B);
- regression: per-row sums of both rungs dealt into at most 2,000 groups.

Proportions at the threshold (accuracy, recall, specificity) get McNemar's exact test
and the matching exact interval instead of the bootstrap (`exact.py`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dsreport.analyse import binstats, multiclass, regression
from dsreport.analyse.compare.exact import mcnemar, paired_difference
from dsreport.analyse.compare.model import Comparison
from dsreport.analyse.intervals import percentile_intervals

PAIR_GRID = 40
CHUNK = 100
Spread = tuple[dict[str, float], dict[str, Any]]
"""Coarse point differences and bootstrap replicates of the differences, by metric."""


def _full_binary(truth: Any, scores: Any) -> binstats.BinaryStats:
    bins, values = binstats.score_bins(scores)
    (stats,) = binstats.grouped_stats(
        truth, scores, bins, values, np.zeros(len(truth), dtype=np.int64), 1
    )
    return stats


def _binary_spread(
    truth: Any, a: Any, b: Any, threshold: float, rng: np.random.Generator, resamples: int
) -> Spread:
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

    def differences(w: Any) -> dict[str, Any]:
        out = []
        for name, axis in (("a", 3), ("b", 2)):
            mean_loss, mean_sq = parts[name]
            hist = w.reshape(-1, 2, k, k).sum(axis=axis)
            loss = (w * mean_loss).reshape(-1, 2, k, k).sum(axis=axis)
            sq = (w * mean_sq).reshape(-1, 2, k, k).sum(axis=axis)
            stats = binstats.BinaryStats(
                edges, hist[:, 1], hist[:, 0], loss[:, 1], loss[:, 0], sq[:, 1], sq[:, 0]
            )
            out.append(binstats.batch_metrics(stats, threshold))
        return {m: out[0][m] - out[1][m] for m in out[0]}

    point = {m: float(v[0]) for m, v in differences(counts[None, :]).items()}
    batches = [
        differences(binstats.poisson(rng, counts, min(CHUNK, resamples - start)))
        for start in range(0, resamples, CHUNK)
    ]
    return point, {m: np.concatenate([d[m] for d in batches]) for m in point}


def _multiclass_spread(
    truth: Any, a: Any, b: Any, k: int, rng: np.random.Generator, resamples: int
) -> Spread:
    cube = np.bincount((truth * k + a) * k + b, minlength=k**3).astype(np.float64)
    names = [str(i) for i in range(k)]

    def differences(w: Any) -> dict[str, float]:
        c = w.reshape(k, k, k)
        ma = multiclass.all_metrics(multiclass.MulticlassStats(names, c.sum(axis=2)))
        mb = multiclass.all_metrics(multiclass.MulticlassStats(names, c.sum(axis=1)))
        return {m: ma[m] - mb.get(m, math.nan) for m in ma}

    point = differences(cube)
    reps = [differences(rng.poisson(cube).astype(np.float64)) for _ in range(resamples)]
    return point, {m: np.array([r.get(m, math.nan) for r in reps]) for m in point}


def _regression_spread(
    truth: Any, a: Any, b: Any, rng: np.random.Generator, resamples: int, seed: int
) -> Spread:
    sa = regression.build_stats(truth, a, seed).sums
    sb = regression.build_stats(truth, b, seed).sums
    weights = rng.poisson(1.0, size=(resamples, len(sa))).astype(np.float64)
    ta, tb = weights @ sa, weights @ sb

    def metrics(sums: Any) -> dict[str, float]:
        return regression.all_metrics(regression.RegressionStats(sums))

    reps = [(metrics(ta[i : i + 1]), metrics(tb[i : i + 1])) for i in range(resamples)]
    pa, pb = metrics(sa), metrics(sb)
    point = {m: pa[m] - pb.get(m, math.nan) for m in pa}
    return point, {
        m: np.array([x.get(m, math.nan) - y.get(m, math.nan) for x, y in reps]) for m in point
    }


def _exact_sets(task: str, truth: Any, a: Any, b: Any, threshold: float) -> dict[str, Any]:
    """For each proportion with an exact test: (rows it counts, chosen right, other right)."""
    if task == "binary":
        right_a = (a >= threshold) == truth
        right_b = (b >= threshold) == truth
        every = np.ones(len(truth), dtype=bool)
        return {
            "accuracy": (every, right_a, right_b),
            "recall": (truth, right_a, right_b),
            "specificity": (~truth, right_a, right_b),
        }
    if task == "multiclass":
        every = np.ones(len(truth), dtype=bool)
        return {
            "accuracy": (every, a == truth, b == truth),
            "micro_f1": (every, a == truth, b == truth),
        }
    return {}


def paired(
    task: str,
    metrics: list[str],
    chosen: str,
    other: str,
    rows: dict[str, Any],
    threshold: float,
    k: int,
    seed: int,
    resamples: int,
) -> dict[str, Comparison]:
    """Compare two rungs on the test rows on each of `metrics` the task computes; empty
    when either rung lacks predictions."""
    truth = rows.get("truth")
    key = "scores" if task == "binary" else "predicted"
    outputs = rows.get(key, {})
    if truth is None or chosen not in outputs or other not in outputs:
        return {}
    a, b = outputs[chosen], outputs[other]
    rng = np.random.default_rng(seed)
    if task == "binary":
        va = binstats.all_metrics(_full_binary(truth, a), threshold)
        vb = binstats.all_metrics(_full_binary(truth, b), threshold)
        coarse, reps = _binary_spread(truth, a, b, threshold, rng, resamples)
    elif task == "multiclass":
        names = [str(i) for i in range(k)]
        va = multiclass.all_metrics(multiclass.build_stats(names, truth, a, None))
        vb = multiclass.all_metrics(multiclass.build_stats(names, truth, b, None))
        coarse, reps = _multiclass_spread(truth, a, b, k, rng, resamples)
    else:
        va = regression.all_metrics(regression.build_stats(truth, a, seed))
        vb = regression.all_metrics(regression.build_stats(truth, b, seed))
        coarse, reps = _regression_spread(truth, a, b, rng, resamples, seed)
    exact = _exact_sets(task, truth, a, b, threshold)
    out: dict[str, Comparison] = {}
    for metric in metrics:
        x, y = va.get(metric), vb.get(metric)
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
            continue
        delta = x - y
        if metric in exact:
            rows_in, right_a, right_b = exact[metric]
            n = int(rows_in.sum())
            only_a = int((rows_in & right_a & ~right_b).sum())
            only_b = int((rows_in & ~right_a & right_b).sum())
            out[metric] = Comparison(
                chosen,
                other,
                metric,
                x,
                y,
                delta,
                paired_difference(only_a, only_b, n),
                n,
                f"exact McNemar test on {n:,} paired rows ({only_a:,} vs {only_b:,} discordant)",
                mcnemar(only_a, only_b),
                "paired",
                [only_a, only_b],
            )
            continue
        if metric not in reps:
            continue
        interval = None
        found = percentile_intervals({metric: reps[metric] - coarse[metric] + delta}).get(metric)
        if found is not None:
            interval = (min(found[0], delta), max(found[1], delta))
        method = f"paired bootstrap, {resamples:,} resamples, {len(truth):,} rows"
        out[metric] = Comparison(chosen, other, metric, x, y, delta, interval, len(truth), method)
    return out
