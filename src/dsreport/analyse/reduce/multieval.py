"""The multiclass analysis, from `MultiStats` alone: every metric with its interval for
every split, rung and slice, the chosen rung's confusion matrix and per-class rows, and
each rung's top-label calibration."""

from __future__ import annotations

import numpy as np

from dsreport.analyse import multiclass, multiproba
from dsreport.analyse.evaluation import Evaluation, add, budget
from dsreport.analyse.reduce.multiclass import Group, MultiStats
from dsreport.analyse.reduce.multiproba import point_and_intervals
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec


def evaluate_multiclass(spec: BundleSpec, stats: MultiStats, checks: CheckThresholds) -> Evaluation:
    """Splits in order, then rungs in ladder order, each with a fresh generator from the
    seed; within one, the overall value first, then every slice value (the row-based
    analysis's draw order)."""
    section = spec.interrogation.predictions
    assert section is not None
    ev = Evaluation(multi=stats)
    resamples = int(checks.bootstrap_resamples)
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    for split, group in stats.splits.items():
        is_test = split == "test" or not section.split_column
        for rung in rungs:
            rng = np.random.default_rng(spec.interrogation.seed)
            chosen = rung == spec.ladder.chosen
            parts: list[tuple[str | None, str | None, Group]] = [(None, None, group)]
            if is_test and chosen:
                for column in section.slice_columns:
                    parts += [(column, v, g) for v, g in stats.slices[column].items()]
            for key, name, part in parts:
                _metrics(ev, stats, rung, split, key, name, part, rng, resamples, is_test, chosen)
        ev.split_class_counts[split] = dict(sorted(stats.split_counts[split].items()))
        if is_test:
            ev.test_n = int(group.sample.seen)
            ev.class_counts = ev.split_class_counts[split]
            for column in section.slice_columns:
                ev.slice_sizes[column] = dict(sorted(stats.slice_counts[column].items()))
    return ev


def _metrics(
    ev: Evaluation,
    source: MultiStats,
    rung: str,
    split: str,
    key: str | None,
    name: str | None,
    part: Group,
    rng: np.random.Generator,
    resamples: int,
    is_test: bool,
    chosen: bool,
) -> None:
    if rung not in part.matrix:
        return
    hits = part.hits.get(rung) if source.top_k.get(rung) else None
    stats = multiclass.MulticlassStats(source.classes, part.matrix[rung], hits)
    if stats.n == 0:
        return
    point = multiclass.all_metrics(stats)
    size, limit = budget(key, resamples)
    samples = stats.resampled(rng, size)
    intervals = multiclass.bootstrap_intervals(samples)
    curve = None
    if rung in source.proba:
        truth, proba = part.sample.rows()
        if part.sample.exact:
            probabilities = multiproba.build(truth, proba[rung], limit)
            point |= multiproba.point_metrics(probabilities)
            intervals |= multiproba.intervals(probabilities, rng, size, limit)
            curve = multiproba.reliability(probabilities) if key is None and is_test else None
        else:
            found, spread, curve = point_and_intervals(
                part.sums[rung], truth, proba[rung], rng, size, limit
            )
            point |= found
            intervals |= spread
    correct = float(np.trace(stats.matrix))
    counts: dict[str, tuple[float, float]] = {
        "accuracy": (correct, stats.n),
        "micro_f1": (correct, stats.n),
    }
    if stats.top_k_hits is not None:
        counts["top_k_accuracy"] = (stats.top_k_hits, stats.n)
    add(ev, point, stats.n, rung, split, intervals, counts, None, key, name)
    if key is None and is_test:
        if curve is not None:
            ev.curves[rung] = {"top_label_calibration": curve}
        if chosen:
            ev.confusion = {"labels": source.classes, "matrix": stats.matrix.tolist()}
            ev.per_class = multiclass.per_class_rows(stats, samples)
