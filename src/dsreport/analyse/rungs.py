"""Every rung's overall test value of every metric, and the ladder as facts.

A rung's value of a metric is, in order: computed from the predictions, reported in
`interrogation.metrics` for that rung, or given in the rung's own `metrics`. Only the
first two can carry an interval.
"""

from __future__ import annotations

from dsreport.analyse.facts import MetricFact, RungFact
from dsreport.analyse.metricfacts import direction, from_reported
from dsreport.analyse.rungfacts import cost_num, cv_facts, latency_num
from dsreport.analyse.simplicity import COMPLEXITY, simpler
from dsreport.bundle.evaluation import Metric
from dsreport.bundle.spec import BundleSpec

Overall = dict[tuple[str, str], MetricFact]
"""(rung id, metric name) -> the rung's test-split overall value."""


def overall_table(
    spec: BundleSpec, metrics: list[MetricFact], goals: dict[str, tuple[float, str]]
) -> Overall:
    out: Overall = {}
    for m in sorted(metrics, key=lambda m: m.source != "computed"):
        if m.split == "test" and m.slice_key is None:
            out.setdefault((m.rung, m.name), m)
    for rung in spec.ladder.rungs:
        for name, value in rung.metrics.items():
            if (rung.id, name) in out:
                continue
            goal = goals.get(name)
            metric = Metric(
                name=name,
                value=value,
                rung=rung.id,
                target=goal[0] if goal else None,
                direction=goal[1] if goal else direction(name),
            )
            out[(rung.id, name)] = from_reported(spec, metric)
    return out


def rung_facts(
    spec: BundleSpec, headline: str | None, decision: str | None, overall: Overall
) -> list[RungFact]:
    ladder = spec.ladder
    chosen = next((r for r in ladder.rungs if r.id == ladder.chosen), None)
    unit = spec.operator_view.cost.unit
    out = []
    for rung in ladder.rungs:
        head = overall.get((rung.id, headline)) if headline else None
        dec = overall.get((rung.id, decision)) if decision else None
        out.append(
            RungFact(
                id=rung.id,
                name=rung.name,
                kind=rung.kind,
                decision=rung.decision,
                reason=rung.reason,
                chosen=rung.id == ladder.chosen,
                baseline=rung.id == ladder.baseline,
                headline=head.value if head else None,
                decision_value=dec.value if dec else None,
                latency_ms=latency_num(rung.latency_ms, rung.latency),
                cost=cost_num(rung.cost, unit),
                cv_metrics=cv_facts(rung),
                complexity=COMPLEXITY[rung.kind],
                simpler_than_chosen=chosen is not None and simpler(rung, chosen),
                more_complex_than_chosen=chosen is not None and simpler(chosen, rung),
            )
        )
    return out
