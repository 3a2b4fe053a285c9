"""The regression analysis, from `RegressionSummary` alone: every metric with its interval
for every split, rung and slice, the targets' mean and median by split, and the chosen
rung's residuals."""

from __future__ import annotations

import numpy as np

from dsreport.analyse import regression
from dsreport.analyse.evaluation import Evaluation, add, budget
from dsreport.analyse.reduce.regression import RegressionCell, RegressionSummary
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec

RESIDUAL_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def evaluate_regression(
    spec: BundleSpec, summary: RegressionSummary, checks: CheckThresholds
) -> Evaluation:
    """Splits in order, then rungs in ladder order, each with a fresh generator from the
    seed; within one, the overall value first, then every slice value (the draw order the
    intervals have always had)."""
    section = spec.interrogation.predictions
    assert section is not None
    ev = Evaluation(regression=summary)
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    chosen = spec.ladder.chosen
    resamples = int(checks.bootstrap_resamples)
    for split in summary.splits:
        is_test = split == "test" or not section.split_column
        for rung in rungs:
            rng = np.random.default_rng(spec.interrogation.seed)
            groups: list[tuple[str | None, str | None, RegressionCell | None]] = [
                (None, None, summary.cells.get((split, rung, None, None)))
            ]
            if is_test and rung == chosen:
                groups += [
                    (column, value, summary.cells.get((split, rung, column, value)))
                    for column in section.slice_columns
                    for value in summary.slice_values.get(column, [])
                ]
            for key, name, cell in groups:
                if cell is None or cell.stats.n == 0:
                    continue
                stats = cell.stats
                point = regression.all_metrics(stats)
                draws = stats.resampled(rng, budget(key, resamples)[0])
                intervals = regression.bootstrap_intervals(draws)
                add(ev, point, stats.n, rung, split, intervals, {}, None, key, name)
        labels = summary.values.get(("label", split))
        if labels is not None and labels.n:
            median = labels.quantiles([0.5])[0]
            ev.split_label_stats[split] = (labels.total() / labels.n, median)
        if is_test:
            ev.test_n = summary.rows_by_split.get(split, 0)
            for column in section.slice_columns:
                sizes = {
                    value: cell.stats.n
                    for value in summary.slice_values.get(column, [])
                    if (cell := summary.cells.get((split, chosen, column, value))) is not None
                }
                ev.slice_sizes[column] = dict(sorted(sizes.items()))
            ev.residuals = residuals(summary, split)
    return ev


def residuals(summary: RegressionSummary, split: str) -> dict[str, object] | None:
    """Residual quantiles, targets at zero and the scatter sample of the chosen rung."""
    found = summary.values.get(("residual", split))
    if found is None:
        return None
    labels = summary.values.get(("label", split))
    zero = 0 if labels is None else round(float(labels.counts[labels.values == 0].sum()))
    qs = found.quantiles(list(RESIDUAL_QUANTILES))
    names = [f"p{int(q * 100)}" for q in RESIDUAL_QUANTILES]
    return {
        "quantiles": dict(zip(names, qs, strict=True)) if qs else {},
        "zero_targets": zero,
        "points": [[float(a), float(b)] for _, a, b in summary.points.tolist()],
    }
