"""Metrics computed from the predictions table, for every rung, split and slice.

Produces raw numbers only (`Computed`); `engine` formats them into facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from dsreport.analyse import binstats, multiclass, multiproba, regression
from dsreport.analyse.intervals import bootstrap, contain, percentile_intervals, wilson
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec
from dsreport.load.columns import factor
from dsreport.load.streamed import StreamedTable
from dsreport.load.tables import Table

_FACTORS: dict[tuple[int, str], tuple[pd.DataFrame, tuple[Any, list[str]]]] = {}


def _column(part: pd.DataFrame, column: str) -> tuple[Any, list[str]]:
    """Factorise each column once per evaluation: slices and labels are read several times.

    The cache holds the frame itself, so its id cannot be reused while the entry lives.
    """
    key = (id(part), column)
    if key not in _FACTORS:
        _FACTORS[key] = (part, factor(part[column]))
    return _FACTORS[key][1]


BOOT_BINS = 512
SLICE_RESAMPLE_BINS = 128
SLICE_RESAMPLES = 200
CHUNK = 100


@dataclass
class Computed:
    name: str
    value: float
    rung: str
    split: str
    n: int
    interval: tuple[float, float] | None = None
    method: str | None = None
    slice_key: str | None = None
    slice_value: str | None = None
    threshold: float | None = None


@dataclass
class Evaluation:
    metrics: list[Computed] = field(default_factory=list)
    curves: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Test split, by rung: {"roc", "pr", "calibration", "operating"} (binary) or
    {"top_label_calibration"} (multiclass with probabilities)."""
    confusion: dict[str, Any] | None = None
    per_class: list[dict[str, Any]] = field(default_factory=list)
    residuals: dict[str, Any] | None = None
    class_counts: dict[str, int] = field(default_factory=dict)
    test_n: int = 0
    slice_sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    """Per-row arrays of the test split, for paired comparisons: truth and each rung's output
    (binary "scores"; multiclass "predicted", and "confidence" with probabilities)."""
    split_class_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Classification: class counts of every split (the trivial baselines, prior shift)."""
    split_label_stats: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Regression: (mean, median) of the true values of every split."""


def _counts(part: pd.DataFrame, column: str) -> dict[str, int]:
    codes, texts = _column(part, column)
    counts = np.bincount(codes, minlength=len(texts))
    return {t: int(c) for t, c in sorted(zip(texts, counts, strict=True)) if c}


def _floats(series: pd.Series) -> np.ndarray[Any, np.dtype[np.float64]]:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def evaluate(spec: BundleSpec, table: Table | StreamedTable, checks: CheckThresholds) -> Evaluation:
    section = spec.interrogation.predictions
    assert section is not None
    frame = table.frame if isinstance(table, Table) else pd.concat(table.batches(table.columns))
    split = (
        frame[section.split_column]
        if section.split_column
        else pd.Series("test", index=frame.index, dtype="string")
    )
    _FACTORS.clear()
    try:
        return _evaluate(spec, frame, section, split, checks)
    finally:
        _FACTORS.clear()


def _evaluate(
    spec: BundleSpec, frame: pd.DataFrame, section: Any, split: pd.Series, checks: CheckThresholds
) -> Evaluation:
    ev = Evaluation()
    rungs = [r for r in spec.ladder.rungs if r.score_column]
    task = spec.project.task
    rng_seed = spec.interrogation.seed
    resamples = int(checks.bootstrap_resamples)
    split_codes, split_names = factor(split)
    for code, split_name in enumerate(split_names):
        mask = split_codes == code
        part = frame if bool(mask.all()) else frame[mask]  # no copy when every row is test
        is_test = split_name == "test" or not section.split_column
        for rung in rungs:
            chosen = rung.id == spec.ladder.chosen
            slices = section.slice_columns if (is_test and chosen) else []
            rng = np.random.default_rng(rng_seed)
            if task == "binary":
                _binary(
                    spec,
                    part,
                    rung.id,
                    rung.score_column or "",
                    split_name,
                    slices,
                    rng,
                    resamples,
                    ev,
                    is_test,
                )
            elif task == "multiclass":
                _multiclass(
                    spec,
                    part,
                    rung.id,
                    rung.score_column or "",
                    rung.proba_prefix,
                    split_name,
                    slices,
                    rng,
                    resamples,
                    ev,
                    is_test,
                    chosen,
                )
            else:
                _regression(
                    spec,
                    part,
                    rung.id,
                    rung.score_column or "",
                    split_name,
                    slices,
                    rng,
                    resamples,
                    ev,
                    is_test,
                    chosen,
                )
        if task == "regression":
            values = _floats(part[section.label_column])
            values = values[np.isfinite(values)]
            if values.size:
                ev.split_label_stats[split_name] = (float(values.mean()), float(np.median(values)))
        else:
            ev.split_class_counts[split_name] = _counts(part, section.label_column)
        if is_test:
            ev.test_n = int(mask.sum())
            ev.class_counts = _counts(part, section.label_column)
            for column in section.slice_columns:
                ev.slice_sizes[column] = _counts(part, column)
    return ev


def _add(
    ev: Evaluation,
    values: dict[str, float],
    n: int,
    rung: str,
    split: str,
    intervals: dict[str, tuple[float, float]],
    wilson_counts: dict[str, tuple[float, float]],
    threshold: float | None = None,
    slice_key: str | None = None,
    slice_value: str | None = None,
) -> None:
    for name, value in values.items():
        if value != value:  # NaN: undefined here (one class only, say)
            continue
        interval, method, size = None, None, n
        if name in wilson_counts:  # n is the proportion's denominator: positives for recall
            interval, method = wilson(*wilson_counts[name]), "wilson"
            size = int(wilson_counts[name][1])
        elif name in intervals:
            interval, method = contain(value, intervals[name]), "bootstrap"
        ev.metrics.append(
            Computed(
                name,
                float(value),
                rung,
                split,
                size,
                interval,
                method,
                slice_key,
                slice_value,
                threshold,
            )
        )


def _slice_codes(part: pd.DataFrame, column: str) -> tuple[np.ndarray[Any, Any], list[str]]:
    return _column(part, column)


def _class_index(part: pd.DataFrame, column: str, classes: list[str]) -> Any:
    """Index into `classes` of every row (-1 for a value outside them)."""
    codes, texts = _column(part, column)
    lookup = {c: i for i, c in enumerate(classes)}
    return np.array([lookup.get(t, -1) for t in texts], dtype=np.int64)[codes]


def _selections(part: pd.DataFrame, key: str | None) -> list[tuple[str | None, Any]]:
    """(slice value, row mask) for each value of `key`; one all-rows entry for None."""
    if key is None:
        return [(None, np.ones(len(part), dtype=bool))]
    codes, names = _slice_codes(part, key)
    return [(name, codes == i) for i, name in enumerate(names)]


def _groups(part: pd.DataFrame, slices: list[str]) -> Iterator[tuple[str | None, str | None, Any]]:
    """(slice key, slice value, row mask): all rows first, then every value of every slice."""
    for key in [None, *slices]:
        for name, sel in _selections(part, key):
            yield key, name, sel


def _bootstrapped(
    stats: Any,
    key: str | None,
    rng: np.random.Generator,
    resamples: int,
    metrics: Callable[[Any], dict[str, float]],
) -> dict[str, tuple[float, float]]:
    """Percentile intervals of `metrics`; slices get fewer resamples than the overall value."""
    return bootstrap(stats.resampled(rng, _budget(key, resamples)[0]), metrics)


def _budget(key: str | None, resamples: int) -> tuple[int, int]:
    """Resamples and bootstrap bins: a slice gets fewer of both than the overall value."""
    if key is None:
        return resamples, BOOT_BINS
    return min(resamples, SLICE_RESAMPLES), SLICE_RESAMPLE_BINS


def _binary(
    spec: BundleSpec,
    part: pd.DataFrame,
    rung: str,
    column: str,
    split: str,
    slices: list[str],
    rng: np.random.Generator,
    resamples: int,
    ev: Evaluation,
    is_test: bool,
) -> None:
    section = spec.interrogation.predictions
    assert section is not None
    threshold = spec.interrogation.operating_threshold
    codes, texts = _column(part, section.label_column)
    positive = spec.interrogation.positive_label
    y = codes == texts.index(positive) if positive in texts else np.zeros(len(codes), bool)
    scores = _floats(part[column])
    bins, values = binstats.score_bins(scores)
    losses = binstats.row_losses(y, scores)
    groups: list[tuple[str | None, list[str | None], Any]] = [
        (None, [None], np.zeros(len(y), dtype=np.int64))
    ]
    for slice_key in slices:
        slice_codes, slice_names = _slice_codes(part, slice_key)
        groups.append((slice_key, [*slice_names], slice_codes))
    for key, names, codes in groups:
        stats_list = binstats.grouped_stats(y, scores, bins, values, codes, len(names), losses)
        for name, stats in zip(names, stats_list, strict=True):
            if stats.n == 0:
                continue
            point = binstats.all_metrics(stats, threshold)
            size, limit = _budget(key, resamples)
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
            _add(ev, point, stats.n, rung, split, intervals, counts, threshold, key, name)
            if key is None and is_test:
                ev.curves[rung] = {
                    "roc": binstats.roc_curve(stats),
                    "pr": binstats.pr_curve(stats),
                    "calibration": [list(c) for c in binstats.calibration(stats)],
                    "operating": _operating_point(threshold, tp, fp, fn, tn),
                }
                ev.rows.setdefault("scores", {})[rung] = scores
                ev.rows["truth"] = y
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


def _multiclass(
    spec: BundleSpec,
    part: pd.DataFrame,
    rung: str,
    column: str,
    prefix: str | None,
    split: str,
    slices: list[str],
    rng: np.random.Generator,
    resamples: int,
    ev: Evaluation,
    is_test: bool,
    chosen: bool,
) -> None:
    section = spec.interrogation.predictions
    assert section is not None
    classes = list(spec.interrogation.classes)
    truth: Any = _class_index(part, section.label_column, classes)
    predicted: Any = _class_index(part, column, classes)
    scores = proba = None
    if prefix and all(f"{prefix}{c}" in part.columns for c in classes):
        scores = np.column_stack([_floats(part[f"{prefix}{c}"]) for c in classes])
        proba = multiproba.normalised(scores)
    for key, name, sel in _groups(part, slices):
        stats = multiclass.build_stats(
            classes,
            truth[sel],
            predicted[sel],
            scores[sel] if scores is not None else None,
            spec.interrogation.top_k,
        )
        if stats.n == 0:
            continue
        point = multiclass.all_metrics(stats)
        size, limit = _budget(key, resamples)
        samples = stats.resampled(rng, size)
        intervals = bootstrap(samples, multiclass.all_metrics)
        probabilities = None
        if proba is not None:
            probabilities = multiproba.build(truth[sel], proba[sel], limit)
            point |= multiproba.point_metrics(probabilities)
            intervals |= multiproba.intervals(probabilities, rng, size, limit)
        correct = float(np.trace(stats.matrix))
        counts: dict[str, tuple[float, float]] = {
            "accuracy": (correct, stats.n),
            "micro_f1": (correct, stats.n),
        }
        if stats.top_k_hits is not None:
            counts["top_k_accuracy"] = (stats.top_k_hits, stats.n)
        _add(ev, point, stats.n, rung, split, intervals, counts, None, key, name)
        if key is None and is_test:
            ev.rows.setdefault("predicted", {})[rung] = predicted
            ev.rows["truth"] = truth
            if proba is not None and probabilities is not None:
                ev.rows.setdefault("confidence", {})[rung] = proba.max(axis=1)
                ev.curves[rung] = {"top_label_calibration": multiproba.reliability(probabilities)}
            if chosen:
                ev.confusion = {"labels": classes, "matrix": stats.matrix.tolist()}
                ev.per_class = multiclass.per_class_rows(stats, samples)


def _regression(
    spec: BundleSpec,
    part: pd.DataFrame,
    rung: str,
    column: str,
    split: str,
    slices: list[str],
    rng: np.random.Generator,
    resamples: int,
    ev: Evaluation,
    is_test: bool,
    chosen: bool,
) -> None:
    section = spec.interrogation.predictions
    assert section is not None
    y = _floats(part[section.label_column])
    yhat = _floats(part[column])
    seed = spec.interrogation.seed
    for key, name, sel in _groups(part, slices):
        stats = regression.build_stats(y[sel], yhat[sel], seed)
        if stats.n == 0:
            continue
        point = regression.all_metrics(stats)
        intervals = _bootstrapped(stats, key, rng, resamples, regression.all_metrics)
        _add(ev, point, stats.n, rung, split, intervals, {}, None, key, name)
    if is_test:
        ev.rows.setdefault("predicted", {})[rung] = yhat
        ev.rows["truth"] = y
        if chosen:
            ev.residuals = regression.residual_summary(y, yhat, seed)
