"""The deck's plain words: what a PM reads instead of the data scientist's terms.

Metric names come from the glossary (`MetricFact.label_pm`) or the operator view's own
unit; numbers always come formatted from the facts (`text_pm`, or `shown.text_pm` where
values stand side by side). This module only picks and joins words, and the words follow
each metric's direction: "above" for a higher-is-better metric is "below" for a
lower-is-better one.
"""

from __future__ import annotations

import re

from dsreport.analyse import format as F
from dsreport.analyse import holdback
from dsreport.analyse.facts import (
    Facts,
    FindingFact,
    HeadlineFact,
    MetricFact,
    OutcomeCountFact,
    OutcomeFact,
    RungFact,
)
from dsreport.analyse.recommend import COLOURS
from dsreport.bundle.spec import BundleSpec
from dsreport.vocabulary import GLOSSARY

FALLBACK = {
    "rules": "today's rules take over",
    "ask_user": "a person decides",
    "no_result": "no result is shown",
    "cached": "the last good result is used",
    "other": "a manual check takes over",
}
KIND = {"heuristic": "today's rule", "simple": "simple model", "complex": "complex model"}
DECISION = {"chosen": "chosen", "kept": "kept", "dropped": "dropped"}
VERDICT = {
    "correct": ("Right", COLOURS["ship"]),
    "incorrect": ("Wrong", COLOURS["do_not_ship"]),
    "partial": ("Partly right", COLOURS["ship_with_conditions"]),
}
SEVERITY = {
    "critical": ("Must fix", COLOURS["do_not_ship"]),
    "warning": ("Watch", COLOURS["ship_with_conditions"]),
    "info": ("Note", "#595959"),
}
HARM = {"low": "minor", "medium": "moderate", "high": "serious", "critical": "critical"}
_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def plain(text: str) -> str:
    """`worst_radius` -> `worst radius`: no raw column names or identifiers on a slide."""
    return _IDENTIFIER.sub(lambda m: m.group().replace("_", " "), text)


def lower_first(text: str) -> str:
    """`Put the case ...` -> `put the case ...`, leaving `LIS ...` alone."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def higher(metric: MetricFact) -> bool:
    return metric.direction == "higher_is_better"


def levels(metric: MetricFact) -> tuple[tuple[str, str, str], ...]:
    """(key, label, gloss) of the success levels, in the metric's direction."""
    worse = "below" if higher(metric) else "above"
    return (
        ("optimal", "Best case", "nobody would ask for more"),
        ("acceptable", "Acceptable", "good enough to ship"),
        ("worst_case", "Worst case", f"{worse} this, worse than today"),
    )


REACHED = {
    "optimal": "at the best case",
    "acceptable": "good enough to ship",
    "below_acceptable": "short of what we can ship",
    "below_worst": "worse than today's process",
}


def reached_words(head: HeadlineFact) -> str:
    """What the level reached means to a PM; `acceptable, but could fall short` when the
    value reaches a level its likely range does not (`level_secured`)."""
    if head.level_reached in ("optimal", "acceptable") and head.level_secured is False:
        return "acceptable, but could fall short"
    return REACHED.get(head.level_reached or "", "")


def against_target(metric: MetricFact, ours: str, target: str) -> str:
    """`44.7, below the 45.0 target (lower is better)`, in the metric's direction."""
    if metric.target_met is None:
        return ours
    side = ("above" if higher(metric) else "below") if metric.target_met else None
    if side is None:
        side = "below" if higher(metric) else "above"
        verdict = f"{ours}, {side} the {target} target: missed"
    else:
        verdict = f"{ours}, {side} the {target} target"
    if ours == target:
        verdict = f"{ours}, at the {target} target"
    return verdict + ("" if higher(metric) else " (lower is better)")


def metric_name(facts: Facts, spec: BundleSpec, metric: MetricFact) -> str:
    """How the PM deck names a metric: the operator view's unit for the success metric, else
    the glossary's plain words."""
    unit = spec.operator_view.success_metric.unit
    if unit and metric.name == spec.operator_view.success_metric.metric:
        return str(unit)
    return metric.label_pm


def chosen(facts: Facts) -> RungFact | None:
    return next((r for r in facts.ladder if r.chosen), None)


def recommended(facts: Facts) -> RungFact | None:
    """The rung the recommendation is about: the chosen one, or a simpler one it prefers."""
    rec = facts.recommendation
    wanted = rec.rung if rec and rec.rung else None
    return next((r for r in facts.ladder if r.id == wanted), None) or chosen(facts)


def baseline(facts: Facts) -> RungFact | None:
    return next((r for r in facts.ladder if r.baseline and not r.chosen), None)


def people(spec: BundleSpec, *, contacts: bool = True) -> list[str]:
    """Owners (and contacts) as `Name, role`."""
    folks = [*spec.audiences.owners, *(spec.audiences.contacts if contacts else [])]
    return [f"{p.name}, {p.role}" if p.role else p.name for p in folks]


# --- the outcome in words -------------------------------------------------------------------


def per(outcome: OutcomeFact) -> str:
    return f"a {outcome.period}"


def target_words(count: OutcomeCountFact) -> str:
    """`at most 70`, `at least 850,000`."""
    way = "at most" if count.better == "fewer" else "at least"
    return f"{way} {count.shown.text_pm['target']}"


def change_words(count: OutcomeCountFact) -> str:
    """`92 fewer than today`, `1,900 more than today`, `the same as today`."""
    if count.change is None:
        return ""
    text = count.shown.text_pm["change"]
    if text.lstrip("+−") in ("0", "0.0"):
        return "the same as today"
    more = not text.startswith("−")
    return f"{text.lstrip('+−')} {'more' if more else 'fewer'} than today"


def _could_be(count: OutcomeCountFact) -> str:
    """`as many as 100` when the likely range of a count that meets its target crosses it."""
    if count.target_met is False or count.target_secured is not False or not count.interval:
        return ""
    low, _, high = count.interval.text_pm.partition("–")
    return f"as many as {high}" if count.better == "fewer" else f"as few as {low}"


def status_words(count: OutcomeCountFact) -> str:
    """How the count stands against its target, with the likely range when it crosses it."""
    if count.target is None:
        return ""
    goal = target_words(count)
    if count.target_met is False:
        return f"misses the target of {goal}"
    edge = _could_be(count)
    return f"meets the target of {goal}" + (f", but could be {edge}" if edge else "")


def outcome_risks(outcome: OutcomeFact | None) -> list[str]:
    """Each count that misses its target, or whose likely range crosses it, in a sentence."""
    if outcome is None:
        return []
    missed: list[tuple[float, str]] = []
    crossing: list[tuple[float, str]] = []
    for count in outcome.counts:
        sentence = (
            f"{cap(count.means)}: {count.shown.text_pm['ours']} {per(outcome)}, which "
            f"{status_words(count)} {per(outcome)}."
        )
        if count.target is None or count.interval is None:
            continue
        goal = max(count.target.value or 0.0, 1e-9)
        if count.better == "fewer":
            ratio = max(count.ours.value or 0.0, count.interval.high) / goal
        else:
            ratio = goal / max(min(count.ours.value or 0.0, count.interval.low), 1e-9)
        if count.target_met is False:
            missed.append((ratio, sentence))
        elif count.target_secured is False:
            crossing.append((ratio, sentence))
    # the furthest past its target first: a range reaching 2.4 times the target before 1.4
    return [s for _, s in sorted(missed, reverse=True)] + [
        s for _, s in sorted(crossing, reverse=True)
    ]


def holdback_risks(facts: Facts) -> list[str]:
    """Each condition that sends a group to the fallback at the price of a target the model
    meets, in a sentence: the front slide's headline is the model serving every case, so
    the PM must see what the condition takes away before approving it."""
    rec = facts.recommendation
    found = []
    for term in rec.terms if rec is not None else []:
        if term.cost is None or term.slice is None or not (lost := holdback.broken(term.cost)):
            continue
        said = "; ".join(holdback.clause(c, term.cost, pm=True) for c in lost)
        found.append(
            f"Sending {plain(term.slice)} to the fallback, as a condition asks, costs "
            f"{'a target' if len(lost) == 1 else 'targets'}: {said}."
        )
    return found


def ranked_risks(facts: Facts) -> list[tuple[str, str]]:
    """(severity, sentence) of the risks the facts name, most severe first: critical
    findings, then a condition that costs a target, then outcome targets missed or not
    secured, then the other findings."""
    concerns: list[FindingFact] = [f for f in facts.findings if f.severity != "info"]
    ranked: list[tuple[str, str]] = [
        (f.severity, f.message_pm) for f in concerns if f.severity == "critical"
    ]
    ranked += [("warning", text) for text in holdback_risks(facts)]
    ranked += [("warning", text) for text in outcome_risks(facts.outcome)]
    ranked += [(f.severity, f.message_pm) for f in concerns if f.severity != "critical"]
    return list({text: (severity, text) for severity, text in reversed(ranked)}.values())[::-1]


def ranked_conditions(facts: Facts, *, short: bool = False) -> list[str]:
    """The recommendation's conditions, the sharpest first: the analysis ranks them
    (`analyse.ranking`), so the deck and the report list them in one order. `short`: in
    the PM's words a slide shows (the full sentence stays in the speaker notes)."""
    rec = facts.recommendation
    if rec is None:
        return []
    if short and [t.text for t in rec.terms] == rec.conditions:
        return [t.text_pm or t.text for t in rec.terms]
    return list(rec.conditions)


def top_risks(facts: Facts) -> list[str]:
    """The risks' sentences, most severe first."""
    return [text for _, text in ranked_risks(facts)]


# --- the glossary -------------------------------------------------------------------------------


def glossary(facts: Facts) -> dict[str, str]:
    """Term of art -> what it means, for every term the deck may show."""
    terms = {label: f"{label}: {gloss}." for label, gloss in GLOSSARY.values()}
    terms.update(
        {
            "MAE": "MAE (mean absolute error): the typical size of a miss.",
            "RMSE": "RMSE (root mean squared error): the typical size of a miss, big misses "
            "weighing more.",
            "F1": "F1: a balance of catching cases and being right when flagging one.",
            "AUC": "AUC: how well the score ranks cases above non-cases (0.5 is chance, 1 is "
            "perfect).",
            "p50": "p50: the time within which half of the requests are answered.",
            "p90": "p90: the time within which 90 in 100 requests are answered.",
            "p95": "p95: the time within which 95 in 100 requests are answered.",
            "p99": "p99: the time within which 99 in 100 requests are answered.",
            "likely": "Likely (range): the 95% interval: given how many cases were tested, "
            "the true figure lies in this range 95 times in 100.",
            "pts": "pts (percentage points): the difference between two percentages.",
            "ms": "ms: milliseconds, thousandths of a second.",
        }
    )
    if facts.outcome is not None:
        terms["gate"] = (
            f"Gate: the product acts on a case when its {facts.outcome.gate_text}; "
            "below it, today's process handles the case."
        )
    return terms


def term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(term)}(?![\w])", re.IGNORECASE)


def range_words(low_text: str, high_text: str) -> str:
    """A change's likely range in words: `39 to 150 fewer`, `between 26 fewer and 26 more`."""
    low_neg, high_neg = low_text.startswith("−"), high_text.startswith("−")
    low, high = low_text.lstrip("+−"), high_text.lstrip("+−")
    if low_neg and high_neg:
        return f"{high} to {low} fewer"
    if not low_neg and not high_neg and F.parse(low_text) >= 0:
        return f"{low} to {high} more"
    return f"between {low} fewer and {high} more"


def target_line(count: OutcomeCountFact) -> str:
    """`at most 70, met, but it could be as many as 100`."""
    goal = target_words(count)
    if count.target_met is False:
        return f"{goal}, missed"
    edge = _could_be(count)
    return f"{goal}, met" + (f", but it could be {edge}" if edge else "")
