"""The recommendation's conditions, the sharpest first, so every artifact lists them alike.

A target already missed comes first, then the condition with the largest share of its
likely range on the wrong side of its target, then the others in the checks' order. The
share is free of each metric's scale, so a recall and an error rate rank together.
"""

from __future__ import annotations

from dsreport.analyse.facts import ConditionFact, MetricFact, RecommendationFact

TARGET_FINDINGS = ("target-missed", "target-not-secured", "slice-left-behind")
"""The findings whose conditions hold a metric against its target: the ones ranked."""


def reach(metrics: list[MetricFact], term: ConditionFact) -> tuple[bool, float]:
    """(whether the value meets the target, the share of its likely range on the wrong
    side of the target)."""
    found = [
        m
        for m in metrics
        if (m.name, m.rung, m.split) == (term.metric, term.rung, "test")
        and (f"{m.slice_key} = {m.slice_value}" if m.slice_key else None) == term.slice
    ]
    goal = term.threshold.value if term.threshold else None
    if term.finding not in TARGET_FINDINGS or goal is None or not found:
        return True, 0.0
    metric, value, interval = found[0], found[0].value.value, found[0].interval
    if value is None:
        return True, 0.0
    lower = metric.direction == "lower_is_better"
    met = value <= goal if lower else value >= goal
    if interval is None or interval.high <= interval.low:
        return met, 0.0 if met else 1.0
    short = (interval.high - goal) if lower else (goal - interval.low)
    return met, min(max(short / (interval.high - interval.low), 0.0), 1.0)


def ranked(rec: RecommendationFact, metrics: list[MetricFact]) -> RecommendationFact:
    """`rec` with its conditions (and their terms) sharpest first."""
    if [t.text for t in rec.terms] != rec.conditions:
        return rec
    keys = [reach(metrics, term) for term in rec.terms]
    order = sorted(range(len(keys)), key=lambda i: (keys[i][0], -keys[i][1], i))
    terms = [rec.terms[i] for i in order]
    return rec.model_copy(update={"terms": terms, "conditions": [t.text for t in terms]})
