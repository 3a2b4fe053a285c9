"""Reported and computed metric values -> formatted `MetricFact`s, with targets."""

from __future__ import annotations

from dsreport.analyse import format as F
from dsreport.analyse.evaluation import Computed
from dsreport.analyse.facts import IntervalFact, MetricFact, Num
from dsreport.bundle.evaluation import Metric
from dsreport.bundle.spec import BundleSpec
from dsreport.vocabulary import LOWER_IS_BETTER, labels


def num(metric: str, value: float | None) -> Num | None:
    if value is None:
        return None
    text, text_pm = F.fmt_both(metric, value)
    return Num(value=value, text=text, text_pm=text_pm)


def interval_fact(metric: str, low: float, high: float, level: float, method: str) -> IntervalFact:
    text, text_pm = F.fmt_interval_both(metric, low, high)
    return IntervalFact(low=low, high=high, level=level, text=text, text_pm=text_pm, method=method)


def direction(name: str) -> str:
    return "lower_is_better" if name in LOWER_IS_BETTER else "higher_is_better"


def met(value: float, target: float | None, how: str) -> bool | None:
    if target is None:
        return None
    return value >= target if how == "higher_is_better" else value <= target


def targets(spec: BundleSpec) -> dict[str, tuple[float, str]]:
    """Target and direction per metric name: reported overall targets, then the success metric."""
    out: dict[str, tuple[float, str]] = {}
    for metric in spec.interrogation.metrics:
        if metric.target is not None and metric.slice is None and metric.name not in out:
            out[metric.name] = (metric.target, metric.direction)
    success = spec.operator_view.success_metric
    if success.metric not in out:
        how = "higher_is_better" if success.optimal >= success.worst_case else "lower_is_better"
        out[success.metric] = (success.acceptable, how)
    return out


def from_reported(spec: BundleSpec, metric: Metric) -> MetricFact:
    label, label_pm = labels(metric.name)
    interval = None
    if metric.interval is not None:
        interval = interval_fact(
            metric.name,
            metric.interval.low,
            metric.interval.high,
            metric.interval.level,
            "reported",
        )
    value = num(metric.name, metric.value)
    assert value is not None
    return MetricFact(
        name=metric.name,
        label=label,
        label_pm=label_pm,
        value=value,
        interval=interval,
        direction=metric.direction,
        target=num(metric.name, metric.target),
        target_met=met(metric.value, metric.target, metric.direction),
        split=metric.split,
        slice_key=metric.slice.key if metric.slice else None,
        slice_value=metric.slice.value if metric.slice else None,
        rung=metric.rung or spec.ladder.chosen,
        threshold=metric.threshold,
        n=metric.n,
        source="reported",
    )


def from_computed(computed: Computed, goal: tuple[float, str] | None) -> MetricFact:
    label, label_pm = labels(computed.name)
    how = goal[1] if goal else direction(computed.name)
    target = goal[0] if goal else None
    interval = None
    if computed.interval is not None:
        interval = interval_fact(computed.name, *computed.interval, 0.95, computed.method or "")
    value = num(computed.name, computed.value)
    assert value is not None
    return MetricFact(
        name=computed.name,
        label=label,
        label_pm=label_pm,
        value=value,
        interval=interval,
        direction=how,
        target=num(computed.name, target),
        target_met=met(computed.value, target, how),
        split=computed.split,
        slice_key=computed.slice_key,
        slice_value=computed.slice_value,
        rung=computed.rung,
        threshold=computed.threshold,
        n=computed.n,
        source="computed",
    )


def same_place(reported: MetricFact, computed: MetricFact) -> bool:
    """Same metric, rung, split and slice, and not pinned to another threshold."""
    if (
        reported.threshold is not None
        and computed.threshold is not None
        and abs(reported.threshold - computed.threshold) > 1e-9
    ):
        return False
    return (
        reported.name,
        reported.rung,
        reported.split,
        reported.slice_key,
        reported.slice_value,
    ) == (computed.name, computed.rung, computed.split, computed.slice_key, computed.slice_value)
