"""From findings to one call, by documented rules (docs/analysis.md, The recommendation).

- do not ship: a critical finding (a key target missed, a budget exceeded, likely leakage,
  worse than a trivial baseline or reliably worse than a simpler rung), or no headline;
- ship with conditions: no critical finding, but warnings, or a decision metric without a
  target; each warning brings its condition (metric, group, size, threshold, stop rule);
- ship: the decision metric meets its target (by the interval's bound when there is one),
  budgets hold and no finding is above info.

The call is about one rung: the chosen one, or a simpler rung that does as well (then the
recommendation ships it instead and says why). At most one alternative is ever named.
"""

from __future__ import annotations

from dsreport.analyse.checks import Context, verdict
from dsreport.analyse.checks.ladder import because
from dsreport.analyse.conditions import simple
from dsreport.analyse.facts import ConditionFact, FindingFact, RecommendationFact
from dsreport.analyse.holdback import conflict

LABELS = {
    "ship": "Ship",
    "ship_with_conditions": "Ship with conditions",
    "do_not_ship": "Do not ship",
}
COLOURS = {"ship": "#1B7F3B", "ship_with_conditions": "#B26B00", "do_not_ship": "#B3261E"}


def _status(c: Context) -> str | None:
    """The decision metric against its target, in one sentence."""
    dm = c.decision
    m = c.chosen_overall.get(dm.name) if dm else None
    if m is None:
        return None
    interval = f" (95% interval {m.interval.text})" if m.interval else ""
    if m.target is None:
        return f"{m.label} is {m.value.text}{interval}, but no target was set to judge it by."
    verb = "meets" if m.target_met else "misses"
    return f"{m.label} {m.value.text}{interval} {verb} the target {m.target.text}."


def _unique(terms: list[ConditionFact]) -> list[ConditionFact]:
    seen: dict[str, ConditionFact] = {}
    for t in terms:
        seen.setdefault(t.text, t)
    return list(seen.values())


def recommend(c: Context, findings: list[FindingFact]) -> RecommendationFact:
    critical = [f for f in findings if f.severity == "critical"]
    warnings = [f for f in findings if f.severity == "warning"]
    v = verdict(c)
    rung, instead_of = c.chosen, None
    reasons: list[str] = []
    terms: list[ConditionFact] = []
    dm = c.decision
    status = _status(c)
    if c.headline is None or dm is None:
        decision = "do_not_ship"
        reasons.append("No headline metric could be found or computed.")
    elif critical:
        decision = "do_not_ship"
        reasons += [f.message for f in critical]
    else:
        m = c.chosen_overall.get(dm.name)
        no_target = m is None or m.target is None
        decision = "ship_with_conditions" if warnings or no_target else "ship"
        if dm.moved:
            reasons.append(f"The call rests on {dm.label}: {dm.reason}.")
        if v.prefer is not None:
            rung, instead_of = v.prefer.id, c.chosen
            reasons.append(
                f"Ship {v.prefer.name} rather than {c.rung_name(c.chosen)}: it is simpler and "
                f"does as well on {dm.label} and every targeted metric."
            )
        if status:
            reasons.append(status)
        if v.kept_because and v.rival is not None:
            better = because(v.kept_because)
            reasons.append(
                f"{c.rung_name(c.chosen)} is preferred to the simpler {v.rival.name} although "
                f"they do alike on {dm.label}: it is reliably better on {better}."
            )
        if decision == "ship":
            held = [b.name for b in c.budgets if b.within is True]
            within = (
                f"{' and '.join(held).capitalize()} {'are' if len(held) > 1 else 'is'} within "
                "budget, and no"
                if held
                else "No budget was set to judge; no"
            )
            reasons.append(f"{within} check raised a warning.")
        terms = [f.condition for f in warnings if f.condition is not None]
        if instead_of is not None:  # conditions on the rung no longer shipped do not apply
            terms = [t for t in terms if t.finding == "gain-inside-noise" or t.rung != c.chosen]
        # a group held back that costs a target the model meets: said before the warnings
        reasons += [
            said
            for t in _unique(terms)
            if t.cost and t.slice and (said := conflict(t.slice, t.cost))
        ]
        reasons += [f.message for f in warnings]
        if no_target:
            terms.append(
                simple(
                    f"Agree a target for {dm.label} before launch (now {m.value.text})."
                    if m is not None
                    else f"Agree a target for {dm.label} before launch.",
                    "no-target",
                    dm.name,
                    rung=rung,
                )
            )
    terms = _unique(terms)
    return RecommendationFact(
        decision=decision,
        label=LABELS[decision],
        colour=COLOURS[decision],
        reasons=list(dict.fromkeys(reasons)),
        conditions=[t.text for t in terms],
        terms=terms,
        rung=rung,
        rung_name=c.rung_name(rung),
        instead_of=instead_of,
        decision_metric=dm.name if dm else None,
    )
