"""The chosen rung against the other rungs and the trivial baselines.

At most one simpler alternative is ever preferred (`verdict`): the simplest rung that is
simpler than the chosen one, not reliably worse on the decision metric, meets every
target the chosen rung meets, and is not reliably beaten by it on any targeted metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dsreport.analyse import conditions
from dsreport.analyse import format as F
from dsreport.analyse.checks.context import BOUNDED, Context, finding
from dsreport.analyse.facts import ComparisonFact, FindingFact, RungFact
from dsreport.vocabulary import labels


@dataclass
class LadderVerdict:
    """What the comparisons say about the choice of rung."""

    prefer: RungFact | None = None
    """A simpler rung that does as well: the recommendation ships it instead."""
    rival: RungFact | None = None
    """The simplest rung the chosen one is not reliably better than on the decision metric."""
    rival_comparison: ComparisonFact | None = None
    kept_because: list[ComparisonFact] | None = None
    """Targeted metrics on which the chosen rung is reliably better than the rival."""
    worse_than: list[tuple[RungFact, ComparisonFact]] | None = None
    """Simpler rungs the chosen one is reliably worse than on the decision metric."""


def describe_test(comp: ComparisonFact) -> str:
    interval = f", 95% interval {comp.interval.text}" if comp.interval else ""
    p = ""
    if comp.p_value_text:
        eq = "" if comp.p_value_text.startswith("<") else "= "
        p = f", McNemar p {eq}{comp.p_value_text}"
    return f"{comp.delta.text}{interval}{p}"


def _strength(comp: ComparisonFact) -> float:
    """How far the difference's interval stays from zero, in widths: the clearest first."""
    if comp.interval is None or comp.interval.high <= comp.interval.low:
        return 0.0
    gap = min(abs(comp.interval.low), abs(comp.interval.high))
    return gap / (comp.interval.high - comp.interval.low)


def because(comps: list[ComparisonFact], most: int = 2) -> str:
    """`Specificity +9.8 pts, ...; Precision +12.4 pts, ...`: the clearest advantages."""
    return "; ".join(f"{labels(x.metric)[0]} {describe_test(x)}" for x in comps[:most])


def _meets_targets_too(c: Context, rung: str) -> bool:
    """`rung` meets every target the chosen rung meets (point estimates)."""
    for name in c.targets:
        mine = c.chosen_overall.get(name)
        theirs = c.overall.get((rung, name))
        if mine is None or mine.target_met is not True:
            continue
        if theirs is None or theirs.target_met is not True:
            return False
    return True


def verdict(c: Context) -> LadderVerdict:
    out = LadderVerdict()
    dm = c.decision_name
    if dm is None:
        return out
    by_rung = {r.id: r for r in c.ladder}
    on_dm = {x.other: x for x in c.comparisons if x.metric == dm}
    simpler = [by_rung[r] for r in on_dm if by_rung[r].simpler_than_chosen]
    simpler.sort(key=lambda r: (r.complexity, r.latency_ms.value if r.latency_ms else math.inf))
    out.worse_than = [
        (r, on_dm[r.id]) for r in simpler if on_dm[r.id].significant and not on_dm[r.id].better
    ]
    for rung in simpler:
        comp = on_dm[rung.id]
        if comp.significant is not False:
            continue
        out.rival, out.rival_comparison = rung, comp
        out.kept_because = sorted(
            (
                x
                for x in c.comparisons
                if x.other == rung.id
                and x.metric != dm
                and x.targeted
                and x.significant
                and x.better
            ),
            key=_strength,
            reverse=True,
        )
        if not out.kept_because and _meets_targets_too(c, rung.id):
            out.prefer = rung
        break
    return out


def ladder(c: Context) -> list[FindingFact]:
    v = verdict(c)
    dm = c.decision
    if dm is None:
        return []
    chosen = c.rung_name(c.chosen)
    out = []
    for rung, comp in v.worse_than or []:
        out.append(
            finding(
                "simpler-rung-better",
                "critical",
                f"{rung.name}, a simpler rung, does better",
                f"{chosen} is reliably worse than {rung.name} on {dm.label}: {describe_test(comp)} "
                f"({comp.method}); {rung.name} is simpler.",
                f"The simpler {rung.name} does better than {chosen}.",
                f"Ship {rung.name}, or improve {chosen} until it beats it.",
                metric=dm.name,
                rung=rung.id,
                delta=comp.delta.text,
                method=comp.method,
            )
        )
    if v.rival is not None and v.rival_comparison is not None:
        out.append(_rival(c, v, chosen))
    for comp in c.comparisons:
        rung = next(r for r in c.ladder if r.id == comp.other)
        if comp.metric != dm.name or rung.simpler_than_chosen or not comp.significant:
            continue
        if comp.better:
            continue
        out.append(
            finding(
                "better-rung-not-chosen",
                "info",
                f"{rung.name} is reliably better on {dm.label}",
                f"{chosen} is reliably worse than {rung.name} on {dm.label}: "
                f"{describe_test(comp)} ({comp.method}); {rung.name} is not simpler ({rung.kind}"
                + (f", {rung.latency_ms.text}" if rung.latency_ms else "")
                + (f", {rung.cost.text}" if rung.cost else "")
                + f"), so choosing {chosen} is a trade-off the review should explain.",
                f"A more complex option, {rung.name}, does better on {dm.label_pm}.",
                f"Say in the review why {chosen} is chosen over {rung.name}.",
                metric=dm.name,
                rung=rung.id,
                delta=comp.delta.text,
            )
        )
    for comp in c.comparisons:
        if comp.metric != dm.name or comp.kind != "not_comparable":
            continue
        rung = next(r for r in c.ladder if r.id == comp.other)
        if not rung.simpler_than_chosen:
            continue
        add = (
            f"Add {rung.name}'s scores to the predictions table (a score_column for rung "
            f"'{rung.id}') so the two can be compared on the same rows."
        )
        out.append(
            finding(
                "not-comparable",
                "info" if comp.better else "warning",
                f"{chosen} cannot be tested against {rung.name}",
                f"{chosen} {comp.chosen_value.text} against {rung.name} {comp.other_value.text} "
                f"on {dm.label}: {comp.method}; no claim is made either way.",
                f"We cannot tell whether {chosen} beats the simpler {rung.name}.",
                add,
                metric=dm.name,
                rung=rung.id,
                condition=conditions.simple(
                    f"Before launch, compare {chosen} with the simpler {rung.name} on "
                    f"{dm.label} on the same test rows ({rung.name} reports "
                    f"{comp.other_value.text}, {chosen} {comp.chosen_value.text}): {add}",
                    "not-comparable",
                    dm.name,
                    rung=rung.id,
                ),
            )
        )
    return out


def _rival(c: Context, v: LadderVerdict, chosen: str) -> FindingFact:
    assert v.rival is not None and v.rival_comparison is not None and c.decision is not None
    rung, comp, dm = v.rival, v.rival_comparison, c.decision
    head = (
        f"{chosen} vs {rung.name} on {dm.label}: {describe_test(comp)} ({comp.method}), "
        "inside the noise"
    )
    if v.kept_because:
        reasons = because(v.kept_because)
        return finding(
            "gain-inside-noise",
            "info",
            f"{chosen} is preferred to the simpler {rung.name}",
            f"{head}; but {chosen} is reliably better on {reasons}.",
            f"{chosen} does no better than {rung.name} on {dm.label_pm}, but is reliably "
            "better on another agreed measure.",
            f"Keep {chosen}; say why in the review: {reasons}.",
            metric=dm.name,
            rung=rung.id,
            delta=comp.delta.text,
        )
    if v.prefer is not None:
        condition = conditions.simple(
            f"Ship {rung.name} rather than {chosen}: it is simpler and meets every target "
            f"{chosen} meets, and {chosen} is not reliably better on {dm.label} or any "
            f"targeted metric. Set ladder.chosen to '{rung.id}' and rebuild to check it per "
            "slice before launch.",
            "gain-inside-noise",
            dm.name,
            rung=rung.id,
        )
        advice = f"Ship {rung.name}, the simpler rung."
    else:
        size = None
        if comp.interval is not None and comp.delta.value:
            half = (comp.interval.high - comp.interval.low) / 2
            size = max(
                conditions.MIN_PILOT, math.ceil(comp.n * (half / abs(comp.delta.value)) ** 2)
            )
        runs = f"on at least {F.fmt_count(size)} paired cases" if size else "in the pilot"
        condition = conditions.simple(
            f"Keep {rung.name} as the fallback and confirm {chosen}'s gain on {dm.label} {runs}; "
            f"revert to {rung.name} if the paired difference's 95% interval lies wholly "
            "below zero.",
            "gain-inside-noise",
            dm.name,
            rung=rung.id,
            size=size,
            size_unit="paired cases",
            threshold=0.0,
            stop=f"revert to {rung.name} if the paired difference's 95% interval lies below zero",
        )
        advice = f"Keep {rung.name} as the fallback until the gain is confirmed."
    return finding(
        "gain-inside-noise",
        "warning",
        f"{chosen} is not reliably better than {rung.name}",
        f"{head}; {rung.name} is simpler ({'and does as well' if v.prefer else 'and close'}).",
        f"{chosen} does no better than the simpler {rung.name} once chance is taken into account.",
        advice,
        metric=dm.name,
        rung=rung.id,
        condition=condition,
        delta=comp.delta.text,
        interval=comp.interval.text if comp.interval else "n/a",
        method=comp.method,
    )


def baselines(c: Context) -> list[FindingFact]:
    """Worse than a trivial baseline on a metric that matters: the model adds nothing."""
    out = []
    dm = c.decision_name
    misleading = c.decision.headline if c.decision and c.decision.moved else None
    for b in c.baselines:
        m = c.chosen_overall.get(b.metric)
        label = m.label if m else b.metric
        if not b.beaten:
            out.append(
                finding(
                    "below-trivial-baseline",
                    "info" if b.metric == misleading else "critical",
                    f"No better than {b.name} on {label}",
                    f"{label} {b.chosen.text} is no better than {b.value.text} from {b.name} "
                    f"({b.description}; fitted on the {b.source}).",
                    f"A trivial rule ({b.description}) does as well on {label}.",
                    f"{label} misleads here; the call rests on {c.decision.label}."
                    if b.metric == misleading and c.decision
                    else "Do not ship: the model adds nothing a constant rule does not.",
                    metric=b.metric,
                    rung=c.chosen,
                    baseline=b.value.text,
                    value=b.chosen.text,
                )
            )
        elif b.reliably is False and b.metric != misleading:
            interval = m.interval.text if m and m.interval else "n/a"
            out.append(
                finding(
                    "trivial-baseline-not-cleared",
                    "critical" if b.metric == dm else "warning",
                    f"Not clearly better than {b.name}",
                    f"{label} {b.chosen.text} (95% interval {interval}) does not clear "
                    f"{b.value.text} from {b.name} ({b.description}) beyond the noise.",
                    f"The model is not clearly better than a trivial rule on {label}.",
                    "Do not ship until the model is shown to beat it on more data."
                    if b.metric == dm
                    else "Evaluate on more data before claiming the model adds value.",
                    metric=b.metric,
                    rung=c.chosen,
                    condition=conditions.simple(
                        f"Before launch, show that {label} clears {b.value.text} ({b.name}: "
                        f"{b.description}) beyond the noise on a larger test set.",
                        "trivial-baseline-not-cleared",
                        b.metric,
                        rung=c.chosen,
                        threshold=b.value.value,
                    ),
                    baseline=b.value.text,
                    interval=interval,
                )
            )
    return out


def ladder_jump(c: Context) -> list[FindingFact]:
    dm = c.decision
    m = c.chosen_overall.get(dm.name) if dm else None
    if m is None or m.value.value is None:
        return []
    value = m.value.value
    others = [
        (r.name, r.decision_value.value)
        for r in c.ladder
        if not r.chosen and r.decision_value is not None and r.decision_value.value is not None
    ]
    if not others:
        return []
    sign = 1 if m.direction == "higher_is_better" else -1
    best_name, best = max(others, key=lambda t: sign * t[1])
    jump = sign * (value - best)
    relative = m.name not in BOUNDED  # unbounded errors: a share of the runner-up's value
    size = jump / abs(best) if relative and best else jump
    if size <= c.checks.ladder_jump:
        return []
    gain = F.fmt_delta(m.name, jump).lstrip("+") if F.is_rate(m.name) else F.sig(jump, 3)
    return [
        finding(
            "ladder-jump",
            "warning",
            "Jump far above the ladder",
            f"{m.label} improves by {gain}{f' ({F.percent(size)})' if relative else ''} over "
            f"the best other rung ({best_name}); gains this large deserve a leakage check.",
            "The chosen model is far ahead of everything else tried, which is worth "
            "double-checking.",
            "Confirm that no feature is computed after the outcome is known.",
            metric=m.name,
            rung=c.chosen,
            condition=conditions.simple(
                f"Before launch, confirm that no feature of {c.rung_name(c.chosen)} is computed "
                f"after the outcome is known: its {m.label} is {gain} above {best_name}'s.",
                "ladder-jump",
                m.name,
                rung=c.chosen,
            ),
            jump=F.fmt_delta(m.name, sign * jump),
            relative_jump=F.percent(size) if relative else "n/a",
            next_best=best_name,
        )
    ]
