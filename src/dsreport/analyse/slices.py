"""Slices on the decision metric and every metric with a target, with the noise named.

A slice is judged when it has at least `slice_min_n` rows. Below its target with the whole
interval on the wrong side is a real shortfall; below with the interval still including
the target is too few to judge. For each metric the summary says how many judged slices
would fall below the target by chance alone if every slice truly had the overall value:
the sum over slices of Φ(−|overall − target| / se), with se from the slice's interval.
"""

from __future__ import annotations

from statistics import NormalDist

from dsreport.analyse import format as F
from dsreport.analyse.facts import MetricFact, SliceFact, SliceSummaryFact
from dsreport.analyse.thresholds import CheckThresholds

Z = NormalDist().inv_cdf(0.975)


def _worse(value: float, than: float, higher: bool) -> bool:
    return value < than if higher else value > than


def slice_facts(
    metrics: list[MetricFact],
    overall: dict[str, MetricFact],
    names: list[str],
    rung: str,
    decision: str | None,
    checks: CheckThresholds,
) -> list[SliceFact]:
    """`overall`: the rung's test-split overall facts by metric name; `names` in order."""
    out = []
    seen: set[tuple[str, str, str | None]] = set()
    computed_first = sorted(metrics, key=lambda m: m.source != "computed")
    for name in names:
        whole = overall.get(name)
        for m in computed_first:
            if m.name != name or m.rung != rung or m.slice_key is None or m.split != "test":
                continue
            if (name, m.slice_key, m.slice_value) in seen:  # a report at another threshold
                continue
            seen.add((name, m.slice_key, m.slice_value))
            n = m.n or 0
            higher = m.direction == "higher_is_better"
            below_overall = clearly = False
            if m.interval is not None and whole is not None and whole.value.value is not None:
                far = m.interval.high if higher else m.interval.low
                below_overall = _worse(far, whole.value.value, higher)
            if m.interval is not None and m.target is not None and m.target.value is not None:
                far = m.interval.high if higher else m.interval.low
                clearly = _worse(far, m.target.value, higher)
            out.append(
                SliceFact(
                    key=m.slice_key,
                    value=m.slice_value or "",
                    n=n,
                    metric=m,
                    below_target=m.target_met is False,
                    below_overall=below_overall,
                    judged=n >= checks.slice_min_n,
                    below_target_clearly=clearly,
                    decision_metric=name == decision,
                )
            )
    return out


def _chance(s: SliceFact, overall: float, target: float) -> float:
    m = s.metric
    if m.interval is None or m.interval.high <= m.interval.low:
        return 0.0
    se = (m.interval.high - m.interval.low) / (2 * Z)
    gap = overall - target if m.direction == "higher_is_better" else target - overall
    return NormalDist().cdf(-gap / se)


def summaries(slices: list[SliceFact], overall: dict[str, MetricFact]) -> list[SliceSummaryFact]:
    out = []
    for name in dict.fromkeys(s.metric.name for s in slices):
        judged = [s for s in slices if s.metric.name == name and s.judged]
        whole = overall.get(name)
        first = next(s for s in slices if s.metric.name == name)
        target = first.metric.target
        if not judged or target is None or target.value is None:
            continue
        below = [s for s in judged if s.below_target]
        clearly = [s for s in below if s.below_target_clearly]
        chance = 0.0
        if whole is not None and whole.value.value is not None:
            chance = sum(_chance(s, whole.value.value, target.value) for s in judged)
        label = first.metric.label
        side = "below" if first.metric.direction == "higher_is_better" else "above"
        if not below:
            text = f"All {len(judged)} judged slices meet the {target.text} target on {label}."
        else:
            state = (
                "none clearly (every interval includes the target)"
                if not clearly
                else f"{len(clearly)} clearly (the whole interval {side} it)"
            )
            text = (
                f"{len(below)} of {len(judged)} judged slices are {side} the {target.text} "
                f"target on {label}, {state}; about {F.sig(chance, 2)} would be by chance "
                "alone."
            )
        out.append(
            SliceSummaryFact(
                metric=name,
                label=label,
                judged=len(judged),
                below_target=len(below),
                below_target_clearly=len(clearly),
                expected_by_chance=chance,
                text=text,
            )
        )
    return out
