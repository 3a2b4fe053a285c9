"""Slices left behind, on every metric with a target, with the noise named."""

from __future__ import annotations

from dsreport.analyse import conditions
from dsreport.analyse import format as F
from dsreport.analyse.checks.context import Context, finding
from dsreport.analyse.facts import ConditionFact, FindingFact, MetricFact
from dsreport.analyse.holdback import hold_back_cost


def _hold_back(c: Context, m: MetricFact, n: int) -> ConditionFact:
    """The group of `m` to the fallback, with what that costs the overall targets."""
    group = {
        g.name: g
        for g in c.metrics
        if (g.rung, g.split, g.slice_key, g.slice_value)
        == (c.chosen, "test", m.slice_key, m.slice_value)
    }
    cost = hold_back_cost(c.chosen_overall, group, n, c.test_cases, c.outcome)
    return conditions.hold_back(m, n, c.test_cases, cost)


def slices_behind(c: Context) -> list[FindingFact]:
    """A group whose whole interval misses a target goes to the fallback; that condition
    also answers the group's other shortfalls, so it is not asked to decide twice."""
    behind = [
        s
        for s in c.slices
        if s.judged and (s.below_target_clearly or (s.below_overall and s.decision_metric))
    ]
    own = {
        id(s): _hold_back(c, s.metric, s.n)
        for s in behind
        if s.below_target_clearly and s.metric.target is not None
    }
    # a group's other shortfalls point to its first miss's condition
    held = {(s.key, s.value): own[id(s)] for s in reversed(behind) if id(s) in own}
    out = []
    for s in behind:
        m = s.metric
        worse = "below" if m.direction == "higher_is_better" else "above"
        interval = f" (95% interval {m.interval.text})" if m.interval else ""
        if s.below_target_clearly and m.target is not None:
            why = f"its whole interval misses the target {m.target.text}"
            condition = own[id(s)]
        else:
            overall = c.chosen_overall.get(m.name)
            against = f" {overall.value.text}" if overall else ""
            why = f"its whole interval lies {worse} the overall value{against}"
            condition = held.get((s.key, s.value)) or conditions.simple(
                f"Before launch, decide for {s.key} = {s.value} (n = {s.n:,}): {m.label} is "
                f"{m.value.text}{interval} against{against} overall; give this group its own "
                "threshold, more training data or the fallback.",
                "slice-left-behind",
                m.name,
                rung=m.rung,
                slice=f"{s.key} = {s.value}",
                size=s.n,
                size_unit="cases",
            )
        out.append(
            finding(
                "slice-left-behind",
                "warning",
                f"Slice {s.key} = {s.value} falls behind on {m.label}",
                f"{m.label} on {s.key} = {s.value} is {m.value.text}{interval}, n = {s.n:,}: "
                f"{why}.",
                f"The model works less well where {s.key.replace('_', ' ')} is {s.value}.",
                f"Give {s.key} = {s.value} its own threshold, more data or the fallback.",
                metric=m.name,
                rung=m.rung,
                slice=f"{s.key} = {s.value}",
                condition=condition,
                value=m.value.text,
                n=f"{s.n:,}",
            )
        )
    return out


def slices_in_noise(c: Context) -> list[FindingFact]:
    """Slices below target whose intervals include it: too few to judge, said once a metric."""
    out = []
    for summary in c.slice_summary:
        if summary.below_target == 0 or summary.below_target == summary.below_target_clearly:
            continue
        out.append(
            finding(
                "slices-too-few-to-judge",
                "info",
                f"Slices below target on {summary.label}, within the noise",
                summary.text,
                "Some groups look weaker, but there are too few cases to tell.",
                "Collect more cases for these groups before drawing conclusions about them.",
                metric=summary.metric,
                below=str(summary.below_target),
                judged=str(summary.judged),
                by_chance=F.sig(summary.expected_by_chance, 2),  # as the message says it
            )
        )
    return out
