"""What the analysis computes from the predictions, before formatting: `Computed` metrics
and the `Evaluation` that holds them with the curves and counts the facts need."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dsreport.analyse.intervals import contain, wilson

if TYPE_CHECKING:
    from dsreport.analyse.reduce import PredictionStats
    from dsreport.analyse.reduce.multiclass import MultiStats
    from dsreport.analyse.reduce.regression import RegressionSummary

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
    """Per-row arrays of the test split, for an evaluation without a task's reducer: truth
    and each rung's "predicted"."""
    split_class_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Classification: class counts of every split (the trivial baselines, prior shift)."""
    split_label_stats: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Regression: (mean, median) of the true values of every split."""
    stats: PredictionStats | None = None
    """Binary: the predictions' sufficient statistics, which every binary fact reads."""
    regression: RegressionSummary | None = None
    """Regression: the predictions' statistics, which every regression fact reads."""
    multi: MultiStats | None = None
    """Multiclass: the predictions' statistics, which every multiclass fact reads."""


def add(
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


def budget(key: str | None, resamples: int) -> tuple[int, int]:
    """Resamples and bootstrap bins: a slice gets fewer of both than the overall value."""
    if key is None:
        return resamples, BOOT_BINS
    return min(resamples, SLICE_RESAMPLES), SLICE_RESAMPLE_BINS
