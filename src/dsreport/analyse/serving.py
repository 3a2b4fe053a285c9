"""What the engineers need to operate the model: settings at nearby values, per-field
references for drift and data quality, and how the golden set covers the settings.

All from the chosen rung's test outputs (binary: its score histogram, `Evaluation.stats`;
multiclass: its rows by top probability, `Evaluation.multi`; otherwise `Evaluation.rows`)
and the prediction columns named after request fields; the handoff package prints and
ships these facts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from dsreport.analyse.binstats import BinaryStats, confusion
from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.facts import (
    FeatureFact,
    GoldenFact,
    GoldenSideFact,
    Num,
    SettingFact,
    SettingRowFact,
)
from dsreport.analyse.metricfacts import num
from dsreport.analyse.operations import band, deciles
from dsreport.analyse.reduce.scorebins import ScoreBins
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.serving import Setting
from dsreport.bundle.spec import BundleSpec
from dsreport.load.golden import GoldenRow, coverage
from dsreport.load.tables import Table

STEPS_EACH_SIDE = 3
PROBABILITY_STEP = 0.05


def _share(value: float) -> Num:
    out = num("share", value)
    assert out is not None
    return out


def _ratio(name: str, hits: int, total: int) -> Num:
    out = num(name, hits / total if total else math.nan)
    assert out is not None
    return out


def nice_step(spread: float) -> float:
    """A 1-2-5 step near a fifth of `spread`."""
    if not math.isfinite(spread) or spread <= 0:
        return 1.0
    raw = spread / 5
    power = 10 ** math.floor(math.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


def _grid(default: float, step: float, bounded: bool) -> list[float]:
    values = [round(default + k * step, 10) for k in range(-STEPS_EACH_SIDE, STEPS_EACH_SIDE + 1)]
    return [v for v in values if not bounded or 0 < v < 1 or v == default]


def _score_row(value: float, default: float, hist: BinaryStats) -> SettingRowFact:
    """A binary setting's row, from the chosen rung's test histogram."""
    tp, fp, fn, tn = (round(c) for c in confusion(hist, value))
    n = tp + fp + fn + tn
    return SettingRowFact(
        value=value,
        text=f"{value:g}",
        default=value == default,
        flagged=_share((tp + fp) / n if n else math.nan),
        metrics={
            "recall": _ratio("recall", tp, tp + fn),
            "precision": _ratio("precision", tp, tp + fp),
            "specificity": _ratio("specificity", tn, tn + fp),
        },
        counts={"tp": tp, "fp": fp, "fn": fn, "tn": tn},
    )


def setting_facts(spec: BundleSpec, ev: Evaluation | None) -> list[SettingFact]:
    if ev is None:
        return []
    task = spec.project.task
    if task == "binary":
        return _score_settings(spec, ev)
    if task == "regression":
        return _prediction_settings(spec, ev)
    return _confidence_settings(spec, ev)


def _confidence_row(value: float, default: float, bins: ScoreBins) -> SettingRowFact:
    """A multiclass setting's row, from the chosen rung's test rows by top probability."""
    auto, correct = bins.at_or_above(value)
    n = bins.n
    return SettingRowFact(
        value=value,
        text=f"{value:g}",
        default=value == default,
        flagged=_share(auto / n if n else math.nan),
        metrics={
            "accuracy": _ratio("accuracy", correct, auto),
            "error_rate": _ratio("error_rate", auto - correct, n),
        },
        counts={"at_or_above": auto, "correct_at_or_above": correct, "n": n},
    )


def _confidence_settings(spec: BundleSpec, ev: Evaluation) -> list[SettingFact]:
    bins = ev.multi.confidence.get(spec.ladder.chosen) if ev.multi is not None else None
    if bins is None:
        return []
    return _probability_settings(
        spec, "confidence", lambda v, default: _confidence_row(v, default, bins)
    )


def _score_settings(spec: BundleSpec, ev: Evaluation) -> list[SettingFact]:
    chosen = spec.ladder.chosen
    if ev.stats is None or not ev.stats.has("test", chosen):
        return []
    hist = ev.stats.histogram("test", chosen)
    return _probability_settings(spec, "score", lambda v, default: _score_row(v, default, hist))


def _probability_settings(
    spec: BundleSpec,
    quantity: Literal["score", "confidence"],
    row: Callable[[float, float], SettingRowFact],
) -> list[SettingFact]:
    """Every setting's rows at probabilities a step apart around its default."""
    out = []
    for setting in _compared_with_output(spec):
        values = _grid(setting.default, PROBABILITY_STEP, bounded=True)
        out.append(
            SettingFact(
                name=setting.name,
                default=setting.default,
                quantity=quantity,
                step=PROBABILITY_STEP,
                rows=[row(v, setting.default) for v in values],
            )
        )
    return out


def _prediction_settings(spec: BundleSpec, ev: Evaluation) -> list[SettingFact]:
    """Regression, from the chosen rung's test predictions (values and counts): all of
    them, and those whose target reaches each setting's default."""
    summary = ev.regression
    output = summary.values.get(("prediction", "test")) if summary else None
    if summary is None or output is None or not output.n:
        return []
    q25, q75 = output.quantiles([0.25, 0.75])
    step = nice_step(float(q75 - q25))
    out = []
    for setting in _compared_with_output(spec):
        high = summary.values.get((f"prediction:{setting.name}", "test"))
        rows = []
        for value in _grid(setting.default, step, bounded=False):
            flagged, truly = output.at_least(value), high.n if high else 0
            both = high.at_least(value) if high else 0
            rows.append(
                SettingRowFact(
                    value=value,
                    text=f"{value:g}",
                    default=value == setting.default,
                    flagged=_share(flagged / output.n),
                    metrics={
                        "recall": _ratio("recall", both, truly),
                        "precision": _ratio("precision", both, flagged),
                    },
                    counts={"flagged": flagged, "truly_at_default": truly, "both": both},
                )
            )
        out.append(
            SettingFact(
                name=setting.name,
                default=setting.default,
                quantity="prediction",
                step=step,
                rows=rows,
            )
        )
    return out


def _compared_with_output(spec: BundleSpec) -> list[Setting]:
    """The settings that compare the model's main output: for binary the first (the
    operating threshold, checked at load), else every setting."""
    settings = spec.system_design.settings
    return settings[:1] if spec.project.task == "binary" else settings


def _test_rows(spec: BundleSpec, table: Table) -> pd.DataFrame:
    section = spec.interrogation.predictions
    frame = table.frame
    if section is None or not section.split_column or section.split_column not in frame:
        return frame
    return frame[frame[section.split_column].astype("string") == "test"]


def feature_facts(
    spec: BundleSpec, table: Table | None, checks: CheckThresholds
) -> list[FeatureFact]:
    if table is None:
        return []
    frame = _test_rows(spec, table)
    n = len(frame)
    if n == 0:
        return []
    psi = num("psi", checks.drift_psi)
    assert psi is not None
    out = []
    for f in spec.system_design.inputs:
        if f.name not in frame.columns or f.type == "array":
            continue
        column = frame[f.name]
        present = column.notna()
        missing = band(f.name, int(n - present.sum()), n)
        if f.type in ("number", "integer"):
            values = pd.to_numeric(column[present], errors="coerce").to_numpy(dtype=np.float64)
            values = values[np.isfinite(values)]
            if values.size == 0:
                continue
            quantiles, edges, shares = deciles(values)
            out.append(
                FeatureFact(
                    field=f.name,
                    kind="numeric",
                    n=int(values.size),
                    quantiles=quantiles,
                    edges=edges,
                    shares=shares,
                    psi_alert=psi,
                    missing=missing,
                )
            )
        else:
            texts = column[present].astype("string")
            seen = sorted(set(texts.tolist()))
            categories = list(f.constraints.allowed or []) + [
                v for v in seen if v not in (f.constraints.allowed or [])
            ]
            if not categories or len(categories) > 50:
                continue  # free text or identifiers: no distribution to compare
            counts_by = texts.value_counts()
            total = int(present.sum())
            out.append(
                FeatureFact(
                    field=f.name,
                    kind="category",
                    n=total,
                    categories=categories,
                    shares=[float(counts_by.get(c, 0)) / total for c in categories],
                    psi_alert=psi,
                    missing=missing,
                )
            )
    return out


def golden_fact(spec: BundleSpec, rows: list[GoldenRow]) -> GoldenFact | None:
    if not rows:
        return None
    cover = coverage(spec, rows)
    return GoldenFact(
        n=len(rows),
        settings=[
            GoldenSideFact(
                name=c.name,
                default=c.default,
                below=len(c.below),
                above=len(c.above),
                nearest_below=max(c.below) if c.below else None,
                nearest_above=min(c.above) if c.above else None,
            )
            for c in cover.settings
        ],
        classes=cover.classes,
    )
