"""What to watch in production, each signal with its evaluation reference and alert bounds.

Every bound is a fact: budgets from the operator view, rate bands and the output
distribution from `facts.operations`, metric floors from the evaluation's intervals,
the fallback line from the operator view's worst case, input ranges from the
contract. The templates word the signals; `monitoring.json` carries `machine`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dsreport.analyse.facts import Facts, MetricFact
from dsreport.bundle.spec import BundleSpec


@dataclass
class Signal:
    id: str
    kind: str
    """latency, cost, contract, distribution, rate, metric_floor, slice_floor, input_range."""
    subject: str
    reference: str = ""
    low: str | None = None
    """Alert below this (text)."""
    high: str | None = None
    """Alert above this (text)."""
    fallback: str | None = None
    """Beyond this (text), switch to the fallback."""
    window: int | None = None
    machine: dict[str, Any] = field(default_factory=dict)


def _floor(m: MetricFact, sid: str, kind: str, subject: str) -> Signal | None:
    if m.interval is None or m.value.value is None:
        return None
    higher = m.direction == "higher_is_better"
    bound = m.interval.low if higher else m.interval.high
    ends = m.interval.text.split("–")
    bound_text = (ends[0] if higher else ends[-1]) if len(ends) == 2 else m.interval.text
    machine: dict[str, Any] = {
        "metric": m.name,
        "direction": m.direction,
        "reference": m.value.value,
        "interval": [m.interval.low, m.interval.high],
        ("alert_below" if higher else "alert_above"): bound,
        "window": {"labelled_cases": m.n},
    }
    if m.slice_key is not None:
        machine["slice"] = {"key": m.slice_key, "value": m.slice_value}
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


def signals(facts: Facts, spec: BundleSpec) -> list[Signal]:
    out: list[Signal] = []
    ov = spec.operator_view
    for budget in facts.budgets:
        if budget.budget is None:
            continue
        machine: dict[str, Any] = {
            "alert_above": budget.budget.value,
            "measured": budget.measured.value if budget.measured else None,
        }
        if budget.name == "latency":
            machine.update(unit="ms", percentile=ov.latency.percentile, window={"period": "hour"})
        else:
            machine.update(unit=ov.cost.unit)
        out.append(
            Signal(
                id=budget.name,
                kind=budget.name,
                subject=budget.name,
                reference=budget.measured.text if budget.measured else "",
                high=budget.budget.text,
                machine=machine,
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
                machine={"alert_above_share": ops.reject_alert.value, "window": {"period": "day"}},
            )
        )
        dist = ops.distribution
        if dist is not None:
            out.append(
                Signal(
                    id=f"{dist.quantity}_distribution",
                    kind="distribution",
                    subject=dist.quantity,
                    reference=", ".join(f"{k} {v.text}" for k, v in dist.quantiles.items()),
                    high=dist.psi_alert.text,
                    window=dist.n,
                    machine={
                        "statistic": "population_stability_index",
                        "alert_above": dist.psi_alert.value,
                        "bin_edges": dist.edges,
                        "reference_shares": dist.shares,
                        "quantiles": {k: v.value for k, v in dist.quantiles.items()},
                        "window": {"requests": dist.n},
                    },
                )
            )
        for band in ops.rates:
            out.append(
                Signal(
                    id="positive_rate"
                    if band.output == "positive"
                    else f"class_share:{band.output}",
                    kind="rate",
                    subject=band.output,
                    reference=f"{band.rate.text} ({band.count} of {band.n})",
                    low=band.low.text,
                    high=band.high.text,
                    window=band.window,
                    machine={
                        "output": band.output,
                        "reference": band.rate.value,
                        "alert_below": band.low.value,
                        "alert_above": band.high.value,
                        "level": band.level,
                        "window": {"requests": band.window},
                    },
                )
            )
    headline = facts.headline
    if headline is not None:
        m = headline.metric
        signal = _floor(m, f"metric_floor:{m.name}", "metric_floor", m.label)
        worst = headline.success_levels.get("worst_case")
        if signal is not None and worst is not None:
            signal.fallback = worst.text
            higher = m.direction == "higher_is_better"
            signal.machine["fallback_below" if higher else "fallback_above"] = worst.value
        if signal is not None:
            out.append(signal)
    for s in facts.slices:
        if not s.judged or not s.decision_metric:
            continue
        subject = f"{s.metric.label} on {s.key} = {s.value}"
        signal = _floor(s.metric, f"slice_floor:{s.key}={s.value}", "slice_floor", subject)
        if signal is not None:
            out.append(signal)
    alert = ops.reject_alert if ops is not None else None
    for f in spec.system_design.inputs:
        c = f.constraints
        bounded = c.minimum is not None or c.maximum is not None or c.allowed is not None
        if not bounded or alert is None:
            continue
        machine = {"field": f.name, "alert_above_share": alert.value}
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
