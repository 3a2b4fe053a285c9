"""The binary analysis, from `PredictionStats` alone: every metric with its interval for
every split, rung and slice, and the test split's curves and confusion matrix."""

from __future__ import annotations

from functools import partial

import numpy as np

from dsreport.analyse import binstats
from dsreport.analyse.evaluation import CHUNK, Evaluation, add, budget
from dsreport.analyse.intervals import percentile_intervals
from dsreport.analyse.reduce.model import PredictionStats
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec


def evaluate_binary(
    spec: BundleSpec, stats: PredictionStats, checks: CheckThresholds
) -> Evaluation:
    """Splits in order, then rungs in ladder order, each with a fresh generator from the
    seed; within one, the overall value first, then every slice value: the draw order of
    the row-based analysis, so intervals do not depend on where the statistics came from."""
    section = spec.interrogation.predictions
    assert section is not None
    ev = Evaluation(stats=stats)
    rungs = [r.id for r in spec.ladder.rungs if r.score_column and r.id in stats.hist]
    resamples = int(checks.bootstrap_resamples)
    for split in stats.splits:
        is_test = split == "test" or not section.split_column
        for rung in rungs:
            rng = np.random.default_rng(spec.interrogation.seed)
            slices = section.slice_columns if (is_test and rung == spec.ladder.chosen) else []
            _binary(spec, stats, rung, split, slices, rng, resamples, ev, is_test)
        ev.split_class_counts[split] = stats.class_counts(split)
        if is_test:
            ev.test_n = stats.rows(split)
            ev.class_counts = stats.class_counts(split)
            for column in section.slice_columns:
                ev.slice_sizes[column] = stats.slice_sizes(column)
    return ev


def _binary(
    spec: BundleSpec,
    source: PredictionStats,
    rung: str,
    split: str,
    slices: list[str],
    rng: np.random.Generator,
    resamples: int,
    ev: Evaluation,
    is_test: bool,
) -> None:
    threshold = spec.interrogation.operating_threshold
    groups: list[tuple[str | None, str | None, binstats.BinaryStats]] = [
        (None, None, source.histogram(split, rung))
    ]
    for column in slices:
        groups += [(column, name, stats) for name, stats in source.slice_histograms(column)]
    groups = [(key, name, stats) for key, name, stats in groups if stats.n > 0]
    points = binstats.point_metrics([stats for *_, stats in groups], threshold)
    for (key, name, stats), point in zip(groups, points, strict=True):
        size, limit = budget(key, resamples)
        metrics = partial(binstats.batch_metrics, threshold=threshold)
        draws = binstats.replicates(stats, rng, size, limit, metrics, threshold, CHUNK)
        intervals = percentile_intervals(draws)
        tp, fp, fn, tn = binstats.confusion(stats, threshold)
        counts = {
            "precision": (tp, tp + fp),
            "recall": (tp, tp + fn),
            "specificity": (tn, tn + fp),
            "accuracy": (tp + tn, stats.n),
        }
        add(ev, point, stats.n, rung, split, intervals, counts, threshold, key, name)
        if key is None and is_test:
            ev.curves[rung] = {
                "roc": binstats.roc_curve(stats),
                "pr": binstats.pr_curve(stats),
                "calibration": [list(c) for c in binstats.calibration(stats)],
                "operating": _operating_point(threshold, tp, fp, fn, tn),
            }
            if rung == spec.ladder.chosen:
                ev.confusion = {
                    "labels": ["positive", "negative"],
                    "matrix": [[tp, fn], [fp, tn]],
                    "threshold": threshold,
                }


def _operating_point(
    threshold: float, tp: float, fp: float, fn: float, tn: float
) -> dict[str, float]:
    """Where the rung sits on its ROC and precision-recall curves at the operating threshold."""
    point = {"threshold": threshold}
    if fp + tn:
        point["fpr"] = fp / (fp + tn)
    if tp + fn:
        point["tpr"] = tp / (tp + fn)
    if tp + fp:
        point["precision"] = tp / (tp + fp)
    return point
