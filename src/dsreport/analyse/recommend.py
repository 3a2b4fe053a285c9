"""From findings to a decision, by documented rules (docs/analysis.md).

- do not ship: a critical finding (target missed, budget exceeded, likely leakage, the
  chosen model significantly worse than a simpler one), or no headline metric at all;
- ship with conditions: no critical finding, but warnings, or a headline without a target;
  each warning's recommendation becomes a condition;
- ship: the headline meets its target (by the interval's bound when there is one), budgets
  hold and no finding above info.
"""

from __future__ import annotations

from dsreport.analyse.facts import FindingFact, HeadlineFact, RecommendationFact

LABELS = {
    "ship": "Ship",
    "ship_with_conditions": "Ship with conditions",
    "do_not_ship": "Do not ship",
}
COLOURS = {"ship": "#1B7F3B", "ship_with_conditions": "#B26B00", "do_not_ship": "#B3261E"}


def recommend(headline: HeadlineFact | None, findings: list[FindingFact]) -> RecommendationFact:
    critical = [f for f in findings if f.severity == "critical"]
    warnings = [f for f in findings if f.severity == "warning"]
    reasons: list[str] = []
    conditions: list[str] = []
    if headline is None:
        decision = "do_not_ship"
        reasons.append("No headline metric could be found or computed.")
    elif critical:
        decision = "do_not_ship"
        reasons += [f.message for f in critical]
    elif warnings or headline.metric.target is None:
        decision = "ship_with_conditions"
        m = headline.metric
        if m.target is None:
            reasons.append(f"{m.label} is {m.value.text}, but no target was set to judge it by.")
            conditions.append(f"Agree a target for {m.label} before launch.")
        else:
            reasons.append(f"{m.label} {m.value.text} meets the target {m.target.text}.")
        reasons += [f.message for f in warnings]
        conditions += [f.recommendation for f in warnings]
    else:
        decision = "ship"
        m = headline.metric
        assert m.target is not None
        bound = f" (95% interval {m.interval.text})" if m.interval else ""
        reasons.append(f"{m.label} {m.value.text}{bound} meets the target {m.target.text}.")
        reasons.append("Latency and cost are within budget, and no check raised a warning.")
    return RecommendationFact(
        decision=decision,
        label=LABELS[decision],
        colour=COLOURS[decision],
        reasons=reasons,
        conditions=list(dict.fromkeys(conditions)),
    )
