"""The rungs' operating numbers as facts: latency in its one unit (with the words the bundle
gave it in), cross-validation scores, and the latency and cost budgets."""

from __future__ import annotations

from dsreport.analyse import format as F
from dsreport.analyse.facts import BudgetFact, CrossValidationFact, Num
from dsreport.analyse.metricfacts import num
from dsreport.bundle.evaluation import Rung
from dsreport.bundle.latency import LatencyValue
from dsreport.bundle.spec import BundleSpec


def as_given(given: LatencyValue | None) -> str | None:
    """A latency as the bundle gave it (`1.2 s per batch of 256`), when that is not already
    milliseconds per request."""
    if given is None or (given.unit == "ms" and given.batch_size == 1):
        return None
    amount = F.fmt_quantity(given.value, given.unit)
    return amount if given.batch_size == 1 else f"{amount} per batch of {given.batch_size:,}"


def latency_num(ms: float | None, given: LatencyValue | None, note: str = "") -> Num | None:
    """Milliseconds per request, with `note` (a percentile); the staff DS text also gives the
    latency as the bundle gave it, the deck's stays short."""
    if ms is None:
        return None

    def suffix(*parts: str | None) -> str:
        kept = [p for p in parts if p]
        return f" ({'; '.join(kept)})" if kept else ""

    return Num(
        value=ms,
        text=f"{F.fmt_quantity(ms, 'ms')}{suffix(note, as_given(given))}",
        text_pm=f"{F.fmt_quantity(ms, 'ms', audience='pm')}{suffix(note)}",
    )


def cost_num(value: float | None, unit: str) -> Num | None:
    if value is None:
        return None
    return Num(
        value=value,
        text=F.fmt_quantity(value, unit),
        text_pm=F.fmt_quantity(value, unit, audience="pm"),
    )


def cv_facts(rung: Rung) -> dict[str, CrossValidationFact]:
    out = {}
    for name, cv in rung.cv_metrics.items():
        mean, std = num(name, cv.mean), num(name, cv.std)
        assert mean is not None and std is not None
        spread = F.fmt_delta(name, cv.std).lstrip("+") if F.is_rate(name) else F.sig(cv.std, 2)
        out[name] = CrossValidationFact(
            metric=name,
            mean=mean,
            std=std,
            folds=cv.folds,
            text=f"{mean.text} ± {spread} over {cv.folds} folds",
        )
    return out


def budgets(spec: BundleSpec) -> list[BudgetFact]:
    """Latency and cost against their budgets: measured in the operator view, else the
    chosen rung's values."""
    ov = spec.operator_view
    chosen = next(r for r in spec.ladder.rungs if r.id == spec.ladder.chosen)

    def source(measured: float | None, from_rung: float | None) -> str:
        if measured is not None:
            return "operator view"
        return f"rung {chosen.name}" if from_rung is not None else "not measured"

    lat = ov.latency
    from_view = lat.measured_ms is not None
    latency_ms = lat.measured_ms if from_view else chosen.latency_ms
    latency_given = lat.measured if from_view else chosen.latency
    cost = ov.cost.measured if ov.cost.measured is not None else chosen.cost
    return [
        BudgetFact(
            name="latency",
            budget=latency_num(lat.budget_ms, lat.budget, lat.percentile),
            measured=latency_num(latency_ms, latency_given, lat.percentile),
            source=source(lat.measured_ms, chosen.latency_ms),
            within=None
            if lat.budget_ms is None or latency_ms is None
            else latency_ms <= lat.budget_ms,
        ),
        BudgetFact(
            name="cost",
            budget=cost_num(ov.cost.budget, ov.cost.unit),
            measured=cost_num(cost, ov.cost.unit),
            source=source(ov.cost.measured, chosen.cost),
            within=None if ov.cost.budget is None or cost is None else cost <= ov.cost.budget,
        ),
    ]
