"""Each metric of the chosen model, last review against this one, with the change's interval.

Paired, through `compare.paired`, when both builds kept their chosen model's test output
row by row and the rows are the same (`rows.pair`): the two reviews' models are then two
rungs scored on one test set. When the operating threshold moved, the last review's
scores are mapped so that the new threshold gives their old decisions (`rows.at_threshold`)
for the threshold metrics; the others are paired on the scores as they were. Otherwise
unpaired, through `compare.unpaired`, from both builds' own intervals.
"""

from __future__ import annotations

from typing import Any

from dsreport.analyse.compare import Comparison, estimate, paired, unpaired
from dsreport.analyse.comparisons import comparison_fact
from dsreport.analyse.facts import Facts, MetricFact
from dsreport.analyse.since.model import MetricChangeFact, Verdict
from dsreport.analyse.since.rows import Pairs, at_threshold, pair
from dsreport.vocabulary import COMPUTED_METRICS

NOW, BEFORE = "this review", "the last review"
AT_THRESHOLD = frozenset(
    {"precision", "recall", "f1", "accuracy", "balanced_accuracy", "specificity"}
)
"""Binary metrics judged at the operating threshold."""
VERDICT_DS = {
    "better": "better, outside the noise",
    "worse": "worse, outside the noise",
    "inside_noise": "inside the noise",
    "unchanged": "unchanged",
    "not_comparable": "cannot tell: one review has no interval",
}
VERDICT_PM = {
    "better": "a real improvement",
    "worse": "a real decline",
    "inside_noise": "within the noise, not a real change",
    "unchanged": "unchanged",
    "not_comparable": "too little known to tell",
}


def overall(facts: Facts) -> dict[str, MetricFact]:
    """The chosen rung's overall test metrics, by name."""
    chosen = facts.bundle["ladder"]["chosen"]
    return {
        m.name: m
        for m in facts.metrics
        if m.rung == chosen and m.split == "test" and m.slice_key is None
    }


def _order(after: Facts, names: set[str]) -> list[str]:
    first = [after.decision_metric.name if after.decision_metric else None]
    first.append(after.headline.metric.name if after.headline else None)
    mine = overall(after)
    targeted = [n for n, m in mine.items() if m.target is not None]
    ordered = [*first, *targeted, *mine]
    return [n for n in dict.fromkeys(ordered) if n is not None and n in names]


def _paired(
    facts: Facts, pairs: Pairs, names: list[str], before_threshold: float | None
) -> dict[str, Comparison]:
    task = facts.task
    interrogation = facts.bundle["interrogation"]
    threshold = facts.test_rows.threshold if facts.test_rows else None
    k = len(interrogation.get("classes") or [])
    seed = int(interrogation.get("seed", 0))
    resamples = int(facts.checks.get("bootstrap_resamples", 1000))

    def run(wanted: list[str], rows: dict[str, Any]) -> dict[str, Comparison]:
        if not wanted:
            return {}
        return paired(task, wanted, NOW, BEFORE, rows, threshold or 0.5, k, seed, resamples)

    computable = [n for n in names if n in COMPUTED_METRICS.get(task, ())]
    if task != "binary" or threshold is None or before_threshold in (None, threshold):
        return run(computable, pairs.rows)
    found = run([n for n in computable if n not in AT_THRESHOLD], pairs.rows)
    mapped = at_threshold(pairs.rows["scores"][BEFORE], before_threshold or 0.5, threshold)
    if mapped is not None:
        rows = {**pairs.rows, "scores": {**pairs.rows["scores"], BEFORE: mapped}}
        found |= run([n for n in computable if n in AT_THRESHOLD], rows)
    return found


def _unpaired(name: str, now: MetricFact, then: MetricFact) -> Comparison:
    def side(m: MetricFact) -> Any:
        interval = (m.interval.low, m.interval.high, m.interval.level) if m.interval else None
        assert m.value.value is not None
        return estimate(name, m.value.value, interval, m.n)

    a, b = side(now), side(then)
    result = unpaired(name, NOW, BEFORE, a, b, now.direction == "lower_is_better")
    if result.kind == "unpaired":
        result.method = (
            f"unpaired, from both reviews' uncertainty ({NOW}: {a.source}; {BEFORE}: {b.source})"
        )
    return result


def _verdict(c: Comparison) -> Verdict:
    if abs(c.delta) < 1e-12:
        return "unchanged"
    if c.significant is None:
        return "not_comparable"
    if not c.significant:
        return "inside_noise"
    return "better" if c.better else "worse"


def metric_changes(before: Facts, after: Facts) -> tuple[list[MetricChangeFact], Pairs | str]:
    """The metric changes, and the pairs they were paired on (or why they were not)."""
    then, now = overall(before), overall(after)
    names = _order(after, {n for n in now if n in then})
    interrogation = after.bundle["interrogation"]
    pairs = pair(
        before.test_rows,
        after.test_rows,
        after.task,
        interrogation.get("positive_label"),
        list(interrogation.get("classes") or []),
        (NOW, BEFORE),
    )
    found: dict[str, Comparison] = {}
    if isinstance(pairs, Pairs):
        wanted = [n for n in names if now[n].source == then[n].source == "computed"]
        threshold = before.test_rows.threshold if before.test_rows else None
        found = _paired(after, pairs, wanted, threshold)
    decision = after.decision_metric.name if after.decision_metric else None
    headline = after.headline.metric.name if after.headline else None
    out = []
    for name in names:
        a, b = now[name], then[name]
        if a.value.value is None or b.value.value is None:
            continue
        result = found.get(name) or _unpaired(name, a, b)
        result.lower_is_better = a.direction == "lower_is_better"
        result.chosen, result.other = a.rung, b.rung
        fact = comparison_fact(result, False, name == decision, a.target is not None)
        fact.chosen_value, fact.other_value = a.value, b.value
        verdict = _verdict(result)
        interval = f", 95% interval {fact.interval.text}" if fact.interval else ""
        out.append(
            MetricChangeFact(
                metric=name,
                label=a.label,
                label_pm=a.label_pm,
                change=fact,
                verdict=verdict,
                text=f"{a.label} {b.value.text} → {a.value.text} ({fact.delta.text}{interval}, "
                f"{fact.kind.replace('_', ' ')}): {VERDICT_DS[verdict]}",
                text_pm=f"{a.label_pm}: {b.value.text_pm} → {a.value.text_pm} "
                f"({fact.delta.text_pm}), {VERDICT_PM[verdict]}",
                target=a.target,
                target_met_before=b.target_met,
                target_met_after=a.target_met,
                decision_metric=name == decision,
                headline=name == headline,
                targeted=a.target is not None,
            )
        )
    return out, pairs
