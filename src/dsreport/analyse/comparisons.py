"""The chosen rung against every other rung, on the decision metric and every targeted one.

Paired (`compare.paired`) where both rungs have predictions and the task computes the
metric; otherwise unpaired from both rungs' uncertainty (`compare.unpaired`), or "not
comparable". The decision metric comes first, then the targeted metrics in the bundle's
order; rungs in ladder order.
"""

from __future__ import annotations

from dsreport.analyse import format as F
from dsreport.analyse.compare import Comparison, Estimate, estimate, paired, unpaired
from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.facts import ComparisonFact, MetricFact, Num
from dsreport.analyse.metricfacts import interval_fact, num
from dsreport.analyse.simplicity import simpler
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.evaluation import Rung
from dsreport.bundle.spec import BundleSpec
from dsreport.vocabulary import COMPUTED_METRICS

Overall = dict[tuple[str, str], MetricFact]


def comparison_fact(
    c: Comparison, other_simpler: bool, decision: bool, targeted: bool
) -> ComparisonFact:
    """One comparison, formatted: the difference and its interval in points or units."""
    like = c.chosen_value  # a difference at the precision of the values it compares
    # the two values and their difference printed together, so a row adds up (44.7 - 53.8
    # reads -9.1, not the -9.0 the unrounded difference would print)
    report, deck = F.fmt_group(
        F.kind_of(c.metric),
        {"ours": c.chosen_value, "other": c.other_value},
        change=("ours", "other"),
    )
    delta = Num(
        value=c.delta,
        text=report.get("change") or F.fmt_delta(c.metric, c.delta, like=like),
        text_pm=deck.get("change") or F.fmt_delta(c.metric, c.delta, audience="pm", like=like),
    )
    interval = None
    if c.interval is not None:
        low, high = c.interval
        how = {"unpaired": "normal"}.get(c.kind, "exact" if c.discordant else "bootstrap")
        interval = interval_fact(c.metric, low, high, 0.95, how)
        interval.text = (
            f"{F.fmt_delta(c.metric, low, like=like)} to {F.fmt_delta(c.metric, high, like=like)}"
        )
        interval.text_pm = (
            f"{F.fmt_delta(c.metric, low, audience='pm', like=like)} to "
            f"{F.fmt_delta(c.metric, high, audience='pm', like=like)}"
        )
    chosen, other = num(c.metric, c.chosen_value), num(c.metric, c.other_value)
    assert chosen is not None and other is not None
    for shown, key in ((chosen, "ours"), (other, "other")):
        if key in report:
            shown.text, shown.text_pm = report[key], deck[key]
    return ComparisonFact(
        chosen=c.chosen,
        other=c.other,
        metric=c.metric,
        chosen_value=chosen,
        other_value=other,
        delta=delta,
        interval=interval,
        significant=c.significant,
        better=c.better,
        p_value=c.p_value,
        p_value_text=F.p_value(c.p_value) if c.p_value is not None else None,
        n=c.n,
        method=c.method,
        kind=c.kind,
        discordant=c.discordant,
        other_simpler=other_simpler,
        decision_metric=decision,
        targeted=targeted,
    )


def _cv(rung: Rung, metric: str) -> tuple[float, int] | None:
    """(standard deviation, folds) of the rung's cross-validation scores, when declared."""
    found = rung.cv_metrics.get(metric)
    return None if found is None else (found.std, found.folds)


def _estimate(fact: MetricFact, rung: Rung) -> Estimate:
    assert fact.value.value is not None
    interval = None
    if fact.interval is not None:
        interval = (fact.interval.low, fact.interval.high, fact.interval.level)
    return estimate(fact.name, fact.value.value, interval, fact.n, _cv(rung, fact.name))


def comparison_facts(
    spec: BundleSpec,
    ev: Evaluation | None,
    checks: CheckThresholds,
    overall: Overall,
    names: list[str],
    decision: str | None,
    targeted: set[str],
) -> list[ComparisonFact]:
    ladder = spec.ladder
    chosen = next((r for r in ladder.rungs if r.id == ladder.chosen), None)
    if chosen is None:
        return []
    computable = set(COMPUTED_METRICS.get(spec.project.task, ()))
    out: list[ComparisonFact] = []
    for other in ladder.rungs:
        if other.id == chosen.id:
            continue
        found: dict[str, Comparison] = {}
        if ev is not None:
            found = paired(
                spec.project.task,
                [n for n in names if n in computable],
                chosen.id,
                other.id,
                {"binary": ev.stats, "multiclass": ev.multi}.get(
                    spec.project.task, ev.regression or ev.rows
                ),
                spec.interrogation.operating_threshold,
                len(spec.interrogation.classes),
                spec.interrogation.seed,
                int(checks.bootstrap_resamples),
            )
        for name in names:
            mine, theirs = overall.get((chosen.id, name)), overall.get((other.id, name))
            if mine is None or theirs is None:
                continue
            if mine.value.value is None or theirs.value.value is None:
                continue
            lower = mine.direction == "lower_is_better"
            result = found.get(name)
            if result is not None:
                result.lower_is_better = lower
            else:
                a, b = _estimate(mine, chosen), _estimate(theirs, other)
                result = unpaired(name, chosen.id, other.id, a, b, lower)
            out.append(
                comparison_fact(result, simpler(other, chosen), name == decision, name in targeted)
            )
    out.sort(key=lambda x: (not x.decision_metric, names.index(x.metric)))
    return out
