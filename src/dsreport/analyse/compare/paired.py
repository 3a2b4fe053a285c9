"""Two rungs judged on the same test rows: every metric of the pair at once.

Rows are first reduced to sufficient statistics of the pair, so the bootstrap costs the
same for a thousand rows as for ten million:

- binary: a joint histogram over (label, bin of rung A, bin of rung B) on a grid whose
  edges include the operating threshold (`reduce.pairs`; exact for threshold metrics;
  ranking metrics use the grid only for the spread, which is added to the exact
  difference), read from the predictions' statistics or built from two digests' rows;
- multiclass: the joint confusion cube (truth, prediction A, prediction B);
- regression: both rungs' sums on the same groups (rows, or 2,000 groups by the hash of a
  row's position), read from the predictions' statistics or built from two digests' rows.

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
from dsreport.analyse.reduce import PairStats, PredictionStats, pair_from_rows
from dsreport.analyse.reduce.multiclass import MultiStats
from dsreport.analyse.reduce.regression import RegressionSummary

CHUNK = 100
CUBE_CELLS = 1 << 20
"""Most cells of the multiclass cubes drawn at once (100 resamples of 10 classes; one of
100 classes)."""
Spread = tuple[dict[str, float], dict[str, Any]]
"""Coarse point differences and bootstrap replicates of the differences, by metric."""
Discordant = dict[str, tuple[int, int, int]]
"""Per proportion with an exact test: (rows it counts, only a right, only b right)."""


def _binary_spread(
    pair: PairStats, threshold: float, rng: np.random.Generator, resamples: int, names: list[str]
) -> Spread:
    """Bootstrap of the pair's joint histogram: each cell's count ~ Poisson, sums scale;
    the metrics in `names` (and the threshold ones).

    Only the cells with rows are drawn (`poisson` draws no others) and summed: rung a's
    sums over b add each (truth, a) row of cells as one numpy sum of the whole row, rung
    b's over a add the cells in order of a (the order numpy's sum over that axis of the
    whole joint histogram takes), so the replicates are those of the whole histogram."""
    k = len(pair.values)
    counts = pair.counts.reshape(-1)
    cells = np.flatnonzero(counts)
    lam = counts[cells]
    truth, a, b = np.unravel_index(cells, pair.counts.shape)
    rows, row_of = np.unique(truth * k + a, return_inverse=True)  # rung a's (truth, bin)
    spot = row_of * k + b

    def by_a(x: Any) -> Any:
        block = np.zeros((len(x), len(rows) * k))
        block[:, spot] = x
        out = np.zeros((len(x), 2 * k))
        out[:, rows] = block.reshape(len(x), len(rows), k).sum(axis=2)
        return out.reshape(-1, 2, k)

    def by_b(x: Any) -> Any:
        at = (np.arange(len(x))[:, None] * (2 * k) + truth * k + b).ravel()
        return np.bincount(at, weights=x.ravel(), minlength=len(x) * 2 * k).reshape(-1, 2, k)

    def per_row(total: Any) -> Any:  # each cell's mean over its rows
        return total.reshape(-1)[cells] / lam

    sides = [
        (by_a, per_row(pair.loss_a), per_row(pair.sq_a)),
        (by_b, per_row(pair.loss_b), per_row(pair.sq_b)),
    ]

    def differences(w: Any) -> dict[str, Any]:
        out = []
        for add, loss, sq in sides:
            hist = add(w)
            # the loss sums are read only for the metrics named
            loss_sums = add(w * loss) if "log_loss" in names else hist
            sq_sums = add(w * sq) if "brier" in names else hist
            stats = binstats.BinaryStats(
                pair.values,
                hist[:, 1],
                hist[:, 0],
                loss_sums[:, 1],
                loss_sums[:, 0],
                sq_sums[:, 1],
                sq_sums[:, 0],
            )
            out.append(binstats.batch_metrics(stats, threshold, names))
        return {m: out[0][m] - out[1][m] for m in out[0]}

    point = {m: float(v[0]) for m, v in differences(lam[None, :]).items()}
    batches = [
        differences(binstats.poisson(rng, lam, min(CHUNK, resamples - start)))
        for start in range(0, resamples, CHUNK)
    ]
    return point, {m: np.concatenate([d[m] for d in batches]) for m in point}


def _binary_discordant(pair: PairStats, threshold: float) -> Discordant:
    """McNemar's counts from the joint histogram: the threshold is one of its edges."""
    acted = pair.values >= threshold
    truth = np.array([False, True])
    right_a = acted[None, :, None] == truth[:, None, None]
    right_b = acted[None, None, :] == truth[:, None, None]
    out = {}
    for metric, rows in (("accuracy", [True, True]), ("recall", [False, True])):
        rows_in = np.array(rows)[:, None, None]
        out[metric] = _discordant(pair.counts, rows_in, right_a, right_b)
    out["specificity"] = _discordant(pair.counts, ~truth[:, None, None], right_a, right_b)
    return out


def _discordant(counts: Any, rows_in: Any, right_a: Any, right_b: Any) -> tuple[int, int, int]:
    inside = np.broadcast_to(rows_in, counts.shape)
    return (
        round(float(counts[inside].sum())),
        round(float(counts[inside & right_a & ~right_b].sum())),
        round(float(counts[inside & ~right_a & right_b].sum())),
    )


def cube_of(truth: Any, a: Any, b: Any, k: int) -> Any:
    """Rows by (truth, prediction of a, prediction of b)."""
    return np.bincount((truth * k + a) * k + b, minlength=k**3).astype(np.float64)


def _multiclass_spread(cube: Any, k: int, rng: np.random.Generator, resamples: int) -> Spread:
    """Each cell of the cube ~ Poisson, drawn in chunks of resamples (the draws one at a
    time would give); both rungs' matrices from each draw, their metrics as one batch."""

    def differences(w: Any) -> dict[str, Any]:
        c = w.reshape(-1, k, k, k)
        ma, mb = multiclass.batch_metrics(c.sum(axis=3)), multiclass.batch_metrics(c.sum(axis=2))
        return {m: ma[m] - mb[m] for m in ma}

    point = {m: float(v[0]) for m, v in differences(cube[None, :]).items()}
    chunk = max(1, min(CHUNK, CUBE_CELLS // len(cube)))
    batches = [
        differences(rng.poisson(cube, (min(chunk, resamples - start), len(cube))).astype(float))
        for start in range(0, resamples, chunk)
    ]
    return point, {m: np.concatenate([d[m] for d in batches]) for m in point}


def _regression_spread(sa: Any, sb: Any, rng: np.random.Generator, resamples: int) -> Spread:
    """Both rungs' sums on the same groups, each resample one Poisson weight per group."""
    weights = rng.poisson(1.0, size=(resamples, len(sa))).astype(np.float64)
    (ta, _), (tb, _) = (regression.batch_metrics(weights @ s) for s in (sa, sb))
    pa, pb = (regression.all_metrics(regression.RegressionStats(s)) for s in (sa, sb))
    point = {m: pa[m] - pb.get(m, math.nan) for m in pa}
    return point, {m: ta[m] - tb[m] for m in point}


def _regression_pair(source: Any, chosen: str, other: str, seed: int) -> tuple[Any, Any] | None:
    """The two rungs' group sums on the test rows: from the predictions' statistics, or
    from test rows (truth and each rung's output, a digest of two builds say)."""
    if isinstance(source, RegressionSummary):
        a, b = (
            source.cells.get(("test", chosen, None, None)),
            source.cells.get(("test", other, None, None)),
        )
        return None if a is None or b is None else (a.sums, b.sums)
    rows = source if isinstance(source, dict) else {}
    truth, outputs = rows.get("truth"), rows.get("predicted", {})
    if truth is None or chosen not in outputs or other not in outputs:
        return None
    a, b = outputs[chosen], outputs[other]
    return regression.build_stats(truth, a, seed).sums, regression.build_stats(truth, b, seed).sums


def _multiclass_discordant(cube: Any, k: int) -> Discordant:
    c = cube.reshape(k, k, k)
    truth, a, b = np.indices(c.shape)
    right_a, right_b = a == truth, b == truth
    n = round(float(c.sum()))
    only = (round(float(c[right_a & ~right_b].sum())), round(float(c[~right_a & right_b].sum())))
    return {"accuracy": (n, *only), "micro_f1": (n, *only)}


def paired(
    task: str,
    metrics: list[str],
    chosen: str,
    other: str,
    source: dict[str, Any] | PredictionStats | RegressionSummary | MultiStats | None,
    threshold: float,
    k: int,
    seed: int,
    resamples: int,
) -> dict[str, Comparison]:
    """Compare two rungs on the test rows on each of `metrics` the task computes; empty
    when either rung lacks predictions. `source` is the binary, multiclass or regression task's
    statistics, or the test rows (truth and each rung's output) for any task."""
    rng = np.random.default_rng(seed)
    if task == "binary":
        pair = _binary_pair(source, chosen, other, threshold)
        if pair is None:
            return {}
        va = binstats.all_metrics(pair.full_a, threshold, metrics)
        vb = binstats.all_metrics(pair.full_b, threshold, metrics)
        exact, n_rows = _binary_discordant(pair, threshold), pair.n
        spread = [m for m in metrics if m not in exact]
        coarse, reps = (
            _binary_spread(pair, threshold, rng, resamples, spread) if spread else ({}, {})
        )
    elif task == "regression":
        sums = _regression_pair(source, chosen, other, seed)
        if sums is None:
            return {}
        va, vb = (regression.all_metrics(regression.RegressionStats(s)) for s in sums)
        coarse, reps = _regression_spread(*sums, rng, resamples)
        exact, n_rows = {}, round(float(sums[0][:, 0].sum()))
    elif task == "multiclass":
        cube = _multiclass_cube(source, chosen, other, k)
        if cube is None:
            return {}
        names = [str(i) for i in range(k)]
        c = cube.reshape(k, k, k)
        va = multiclass.all_metrics(multiclass.MulticlassStats(names, c.sum(axis=2)))
        vb = multiclass.all_metrics(multiclass.MulticlassStats(names, c.sum(axis=1)))
        coarse, reps = _multiclass_spread(cube, k, rng, resamples)
        exact, n_rows = _multiclass_discordant(cube, k), round(float(cube.sum()))
    else:
        return {}
    out: dict[str, Comparison] = {}
    for metric in metrics:
        x, y = va.get(metric), vb.get(metric)
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
            continue
        delta = x - y
        if metric in exact:
            n, only_a, only_b = exact[metric]
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
        method = f"paired bootstrap, {resamples:,} resamples, {n_rows:,} rows"
        out[metric] = Comparison(chosen, other, metric, x, y, delta, interval, n_rows, method)
    return out


def _multiclass_cube(
    source: dict[str, Any] | PredictionStats | RegressionSummary | MultiStats | None,
    chosen: str,
    other: str,
    k: int,
) -> Any:
    """The (truth, chosen, other) cube of the test rows: from the statistics (chosen
    against every other rung) or from two reviews' rows."""
    if isinstance(source, MultiStats):
        if chosen == source.chosen and other in source.cubes:
            return source.cubes[other]
        if other == source.chosen and chosen in source.cubes:
            return source.cubes[chosen].reshape(k, k, k).transpose(0, 2, 1).reshape(-1)
        return None
    rows = source if isinstance(source, dict) else {}
    truth, outputs = rows.get("truth"), rows.get("predicted", {})
    if truth is None or chosen not in outputs or other not in outputs:
        return None
    return cube_of(truth, outputs[chosen], outputs[other], k)


def _binary_pair(
    source: dict[str, Any] | PredictionStats | RegressionSummary | MultiStats | None,
    chosen: str,
    other: str,
    threshold: float,
) -> PairStats | None:
    if isinstance(source, PredictionStats):
        return source.pair(chosen, other)
    rows = source if isinstance(source, dict) else {}
    truth, scores = rows.get("truth"), rows.get("scores", {})
    if truth is None or chosen not in scores or other not in scores:
        return None
    return pair_from_rows(truth, scores[chosen], scores[other], threshold)
