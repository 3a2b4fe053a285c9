"""What to watch in production: each signal with its evaluation reference and one band.

Every bound is a fact: the latency budget from the operator view, rate bands, output and
per-field distributions and missing rates from `facts.operations`, metric floors from
the evaluation's intervals, the fallback line from the operator view's worst case, input
ranges from the contract. `monitoring.json` carries each signal's `machine` part, which
the generated `code/monitor.py` computes from a log; the README words the same numbers.
A signal is listed only when monitor.py can compute it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dsreport.analyse.facts import Facts, MetricFact
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import BuildError

MONITORABLE = {
    "binary": ("recall", "precision", "specificity", "accuracy", "f1"),
    "multiclass": ("accuracy", "macro_f1", "balanced_accuracy"),
    "regression": ("mae", "rmse"),
}
"""Metrics monitor.py computes from responses and outcomes, by task."""


@dataclass
class Signal:
    id: str
    kind: str
    """latency, contract, distribution, rate, metric_floor, slice_floor, input_range,
    feature_drift, missing_rate."""
    subject: str
    reference: str = ""
    low: str | None = None
    """Alert below this (text)."""
    high: str | None = None
    """Alert above this (text)."""
    fallback: str | None = None
    """Beyond this (text), switch to the fallback."""
    window: int | None = None
    note: str = ""
    machine: dict[str, Any] = field(default_factory=dict)


def prediction_fields(spec: BundleSpec) -> dict[str, Any]:
    """Which response fields hold what monitor.py reads: the score, the decision, the class."""
    design = spec.system_design
    outputs = {f.name: f for f in design.outputs}
    task = spec.project.task
    out: dict[str, Any] = {"task": task}
    first = design.settings[0] if design.settings else None
    numbers = [f.name for f in design.outputs if f.type in ("number", "integer")]
    score = first.field if first else (numbers[0] if numbers else None)
    if task == "binary":
        out["score_field"] = score
        out["threshold"] = spec.interrogation.operating_threshold
        out["positive_label"] = spec.interrogation.positive_label
        if first is not None:
            out["decision"] = {"field": first.decides, "positive": first.at_or_above}
    elif task == "multiclass":
        classes = set(spec.interrogation.classes)
        out["class_field"] = next(
            (
                name
                for name, f in outputs.items()
                if f.constraints.allowed and set(f.constraints.allowed) == classes
            ),
            None,
        )
        out["confidence_field"] = first.field if first else None
    else:
        out["score_field"] = score
    return {k: v for k, v in out.items() if v is not None}


def _floor(m: MetricFact, sid: str, kind: str, subject: str) -> Signal | None:
    if m.interval is None or m.value.value is None:
        return None
    higher = m.direction == "higher_is_better"
    bound = m.interval.low if higher else m.interval.high
    ends = m.interval.text.split("–")
    bound_text = (ends[0] if higher else ends[-1]) if len(ends) == 2 else m.interval.text
    machine: dict[str, Any] = {
        "statistic": "metric",
        "metric": m.name,
        "direction": m.direction,
        "reference": m.value.value,
        "interval": [m.interval.low, m.interval.high],
        ("alert_below" if higher else "alert_above"): bound,
        "window": {"labelled_cases": m.n},
    }
    return Signal(
        id=sid,
        kind=kind,
        subject=subject,
        reference=f"{m.value.text} ({m.interval.text})",
        low=bound_text if higher else None,
        high=None if higher else bound_text,
        window=m.n,
        machine=machine,
    )


def _rates(facts: Facts, fields: dict[str, Any]) -> list[Signal]:
    ops = facts.operations
    out = []
    for band in ops.rates if ops else []:
        if band.output == "positive":
            decision = fields.get("decision")
            where = (
                {"field": decision["field"], "equals": decision["positive"]}
                if decision
                else {"field": fields.get("score_field"), "at_or_above": fields.get("threshold")}
            )
            sid = "positive_rate"
        else:
            where = {"field": fields.get("class_field"), "equals": band.output}
            sid = f"class_share:{band.output}"
        if where["field"] is None:
            continue
        out.append(
            Signal(
                id=sid,
                kind="rate",
                subject=band.output,
                reference=f"{band.rate.text} ({band.count} of {band.n})",
                low=band.low.text,
                high=band.high.text,
                window=band.window,
                machine={
                    "statistic": "share",
                    "where": where,
                    "reference": band.rate.value,
                    "alert_below": band.low.value,
                    "alert_above": band.high.value,
                    "level": band.level,
                    "window": {"requests": band.window},
                },
            )
        )
    return out


def _distribution(facts: Facts, fields: dict[str, Any]) -> list[Signal]:
    ops = facts.operations
    dist = ops.distribution if ops else None
    name = fields.get("confidence_field" if facts.task == "multiclass" else "score_field")
    if dist is None or name is None:
        return []
    return [
        Signal(
            id=f"{dist.quantity}_distribution",
            kind="distribution",
            subject=f"{dist.quantity} (`{name}`)",
            reference=", ".join(f"{k} {v.text}" for k, v in dist.quantiles.items()),
            high=dist.psi_alert.text,
            window=dist.n,
            machine={
                "statistic": "population_stability_index",
                "field": name,
                "alert_above": dist.psi_alert.value,
                "bin_edges": dist.edges,
                "reference_shares": dist.shares,
                "quantiles": {k: v.value for k, v in dist.quantiles.items()},
                "window": {"requests": dist.n},
            },
        )
    ]


def _features(facts: Facts) -> list[Signal]:
    out = []
    for f in facts.operations.features if facts.operations else []:
        bins: dict[str, Any] = (
            {"bin_edges": f.edges} if f.kind == "numeric" else {"categories": f.categories}
        )
        reference = (
            ", ".join(f"{k} {v.text}" for k, v in f.quantiles.items())
            if f.quantiles
            else ", ".join(f"{c} {s:.0%}" for c, s in zip(f.categories, f.shares, strict=True))
        )
        out.append(
            Signal(
                id=f"feature_drift:{f.field}",
                kind="feature_drift",
                subject=f.field,
                reference=reference,
                high=f.psi_alert.text,
                window=f.n,
                machine={
                    "statistic": "population_stability_index",
                    "request_field": f.field,
                    **bins,
                    "reference_shares": f.shares,
                    "alert_above": f.psi_alert.value,
                    "window": {"requests": f.n},
                },
            )
        )
        m = f.missing
        out.append(
            Signal(
                id=f"missing_rate:{f.field}",
                kind="missing_rate",
                subject=f.field,
                reference=f"{m.rate.text} ({m.count} of {m.n})",
                high=m.high.text,
                window=m.window,
                machine={
                    "statistic": "missing_share",
                    "request_field": f.field,
                    "reference": m.rate.value,
                    "alert_above": m.high.value,
                    "level": m.level,
                    "window": {"requests": m.window},
                },
            )
        )
    return out


def _slice_definition(spec: BundleSpec, key: str, value: str) -> dict[str, Any] | None:
    section = spec.interrogation.predictions
    if section is None:
        return None
    for item in section.slice_definitions:
        if item.key == key:
            definition: dict[str, Any] = {"key": key, "value": value, "request_field": item.field}
            if item.aggregate:
                definition["aggregate"] = item.aggregate
            if item.bins:
                definition["bins"] = [
                    {"value": b.value, **({} if b.below is None else {"below": b.below})}
                    for b in item.bins
                ]
            elif item.values:
                definition["values"] = dict(item.values)
            return definition
    return None


def _floors(facts: Facts, spec: BundleSpec) -> list[Signal]:
    out: list[Signal] = []
    monitorable = MONITORABLE[facts.task]
    headline = facts.headline
    if headline is not None and headline.metric.name in monitorable:
        m = headline.metric
        signal = _floor(m, f"metric_floor:{m.name}", "metric_floor", m.label)
        worst = headline.success_levels.get("worst_case")
        if signal is not None and worst is not None and worst.value is not None:
            higher = m.direction == "higher_is_better"
            alert = signal.machine["alert_below" if higher else "alert_above"]
            if (worst.value > alert) if higher else (worst.value < alert):
                # the interval reaches past the worst case: alert there, with the fallback
                signal.machine["alert_below" if higher else "alert_above"] = worst.value
                signal.low, signal.high = (worst.text, None) if higher else (None, worst.text)
                signal.note = (
                    "The evaluation's interval reaches past the operator's worst case, so the "
                    "alert is set at the worst case, where the fallback starts."
                )
            signal.fallback = worst.text
            signal.machine["fallback_below" if higher else "fallback_above"] = worst.value
        if signal is not None:
            out.append(signal)
    for s in facts.slices:
        if not s.judged or not s.decision_metric or s.metric.name not in monitorable:
            continue
        definition = _slice_definition(spec, s.key, s.value)
        if definition is None:
            continue  # production requests cannot be sliced this way
        subject = f"{s.metric.label} on {s.key} = {s.value}"
        signal = _floor(s.metric, f"slice_floor:{s.key}={s.value}", "slice_floor", subject)
        if signal is not None:
            signal.machine["slice"] = definition
            out.append(signal)
    return out


def _input_ranges(facts: Facts, spec: BundleSpec) -> list[Signal]:
    ops = facts.operations
    alert = ops.reject_alert if ops is not None else None
    out = []
    for f in spec.system_design.inputs:
        c = f.constraints
        bounded = c.minimum is not None or c.maximum is not None or c.allowed is not None
        if not bounded or alert is None:
            continue
        machine: dict[str, Any] = {
            "statistic": "share_outside_contract",
            "request_field": f.name,
            "alert_above": alert.value,
        }
        machine.update(
            {k: v for k, v in (("minimum", c.minimum), ("maximum", c.maximum)) if v is not None}
        )
        if c.allowed is not None:
            machine["allowed"] = list(c.allowed)
        machine["window"] = {"period": "day"}
        out.append(
            Signal(
                id=f"input_range:{f.name}",
                kind="input_range",
                subject=f.name,
                high=alert.text,
                machine=machine,
            )
        )
    return out


def signals(facts: Facts, spec: BundleSpec) -> list[Signal]:
    out: list[Signal] = []
    ov = spec.operator_view
    fields = prediction_fields(spec)
    for budget in facts.budgets:
        if budget.name != "latency" or budget.budget is None:
            continue  # cost comes from the bill, not from a request log
        out.append(
            Signal(
                id="latency",
                kind="latency",
                subject="latency",
                reference=budget.measured.text if budget.measured else "",
                high=budget.budget.text,
                machine={
                    "statistic": "percentile",
                    "percentile": ov.latency.percentile,
                    "log_field": "latency_ms",
                    "unit": "ms",
                    "alert_above": budget.budget.value,
                    "measured": budget.measured.value if budget.measured else None,
                    "window": {"period": "hour"},
                },
            )
        )
    ops = facts.operations
    if ops is not None:
        out.append(
            Signal(
                id="contract_rejections",
                kind="contract",
                subject="requests failing contract/input.schema.json",
                high=ops.reject_alert.text,
                machine={
                    "statistic": "share_failing_contract",
                    "alert_above": ops.reject_alert.value,
                    "window": {"period": "day"},
                },
            )
        )
    out += _distribution(facts, fields)
    out += _rates(facts, fields)
    out += _floors(facts, spec)
    out += _input_ranges(facts, spec)
    out += _features(facts)
    check(out)
    return out


def check(found: list[Signal]) -> None:
    """One band per signal, and no fallback before its alert: the build refuses otherwise."""
    ids = [s.id for s in found]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise BuildError(f"monitoring: signal {twice[0]} is defined twice")
    for s in found:
        m = s.machine
        if "alert_below" in m and "fallback_below" in m and m["fallback_below"] > m["alert_below"]:
            raise BuildError(f"monitoring: {s.id} falls back above its alert line")
        if "alert_above" in m and "fallback_above" in m and m["fallback_above"] < m["alert_above"]:
            raise BuildError(f"monitoring: {s.id} falls back below its alert line")
        if "alert_below" in m and "alert_above" in m and m["alert_below"] > m["alert_above"]:
            raise BuildError(f"monitoring: {s.id} has an empty band")
