"""Metrics computed from the predictions table, for every rung, split and slice.

Produces raw numbers only (`Computed`); `engine` formats them into facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from dsreport.analyse import regression
from dsreport.analyse.evaluation import Evaluation, add, budget
from dsreport.analyse.intervals import bootstrap
from dsreport.analyse.reduce import ROWS_KEPT, PredictionStats, from_statistics, reduce_rows
from dsreport.analyse.reduce.evaluate import evaluate_binary
from dsreport.analyse.reduce.multiclass import multiclass_stats
from dsreport.analyse.reduce.multieval import evaluate_multiclass
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


def _counts(part: pd.DataFrame, column: str) -> dict[str, int]:
    codes, texts = _column(part, column)
    counts = np.bincount(codes, minlength=len(texts))
    return {t: int(c) for t, c in sorted(zip(texts, counts, strict=True)) if c}


def _floats(series: pd.Series) -> np.ndarray[Any, np.dtype[np.float64]]:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def evaluate(spec: BundleSpec, table: Table | StreamedTable, checks: CheckThresholds) -> Evaluation:
    """Binary and multiclass: reduce the rows (or read the statistics table) first, then
    evaluate from the statistics alone; regression: from the rows in memory."""
    section = spec.interrogation.predictions
    assert section is not None
    if spec.project.task == "binary":
        return evaluate_binary(spec, prediction_stats(spec, table), checks)
    if spec.project.task == "multiclass":
        return evaluate_multiclass(spec, multiclass_stats(spec, table), checks)
    assert isinstance(table, Table)  # a regression task's rows are not streamed
    frame = table.frame
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


def prediction_stats(spec: BundleSpec, table: Table | StreamedTable) -> PredictionStats:
    """The binary statistics of a predictions table: given (`format: statistics`), or
    reduced from its rows, batch by batch when the table streams them."""
    section = spec.interrogation.predictions
    assert section is not None
    if section.format == "statistics":
        assert isinstance(table, Table)  # a statistics table is never streamed
        return from_statistics(spec, table.frame)
    rungs = [r.score_column for r in spec.ladder.rungs if r.score_column]
    wanted = [
        section.id_column,
        section.label_column,
        section.split_column,
        *section.slice_columns,
        *rungs,
    ]
    if not section.split_column and table.rows > ROWS_KEPT:
        wanted.remove(section.id_column)  # every row is a test row: too many to keep
    columns = list(dict.fromkeys(c for c in wanted if c))
    return reduce_rows(spec, table.batches(columns))


def _evaluate(
    spec: BundleSpec, frame: pd.DataFrame, section: Any, split: pd.Series, checks: CheckThresholds
) -> Evaluation:
    ev = Evaluation()
    rungs = [r for r in spec.ladder.rungs if r.score_column]
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
        values = _floats(part[section.label_column])
        values = values[np.isfinite(values)]
        if values.size:
            ev.split_label_stats[split_name] = (float(values.mean()), float(np.median(values)))
        if is_test:
            ev.test_n = int(mask.sum())
            ev.class_counts = _counts(part, section.label_column)
            for column in section.slice_columns:
                ev.slice_sizes[column] = _counts(part, column)
    return ev


def _slice_codes(part: pd.DataFrame, column: str) -> tuple[np.ndarray[Any, Any], list[str]]:
    return _column(part, column)


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
    return bootstrap(stats.resampled(rng, budget(key, resamples)[0]), metrics)


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
        add(ev, point, stats.n, rung, split, intervals, {}, None, key, name)
    if is_test:
        ev.rows.setdefault("predicted", {})[rung] = yhat
        ev.rows["truth"] = y
        if chosen:
            ev.residuals = regression.residual_summary(y, yhat, seed)
