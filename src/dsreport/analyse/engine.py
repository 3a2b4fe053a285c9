"""Bundle -> facts. The only place numbers are derived and formatted."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict

from dsreport import __version__
from dsreport.analyse import format as F
from dsreport.analyse.compare import Comparison, paired, unpaired
from dsreport.analyse.coverage import coverage_charts, with_texts
from dsreport.analyse.facts import (
    BudgetFact,
    ChartsFact,
    ComparisonFact,
    DataFact,
    Facts,
    HeadlineFact,
    MetricFact,
    Num,
    ProblemFact,
    RungFact,
    SliceFact,
)
from dsreport.analyse.findings import Context, run_checks
from dsreport.analyse.metricfacts import (
    direction,
    from_computed,
    from_reported,
    interval_fact,
    num,
    same_place,
    targets,
)
from dsreport.analyse.operations import operations_fact
from dsreport.analyse.predictions import Evaluation, evaluate
from dsreport.analyse.recommend import recommend
from dsreport.analyse.review import review_facts
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.evaluation import Metric
from dsreport.load.loader import Bundle


def build_date(bundle: Bundle) -> dt.date:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) when set, else the bundle's own date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return bundle.spec.project.date


def _headline_name(bundle: Bundle) -> str:
    for metric in bundle.spec.interrogation.metrics:
        if metric.headline:
            return metric.name
    return bundle.spec.operator_view.success_metric.metric


def _overall(metrics: list[MetricFact], name: str, rung: str) -> MetricFact | None:
    return next(
        (
            m
            for m in metrics
            if m.name == name and m.rung == rung and m.slice_key is None and m.split == "test"
        ),
        None,
    )


def _rung_value(bundle: Bundle, rung_id: str, name: str, metrics: list[MetricFact]) -> float | None:
    fact = _overall(metrics, name, rung_id)
    if fact is not None:
        return fact.value.value
    rung = next((r for r in bundle.spec.ladder.rungs if r.id == rung_id), None)
    return rung.metrics.get(name) if rung else None


def _metrics(
    bundle: Bundle, ev: Evaluation | None
) -> tuple[list[MetricFact], list[tuple[MetricFact, MetricFact]]]:
    spec = bundle.spec
    reported = [from_reported(spec, m) for m in spec.interrogation.metrics]
    if ev is None:
        return reported, []
    goals = targets(spec)
    computed = [from_computed(c, goals.get(c.name)) for c in ev.metrics]
    differs = []
    kept = []
    for r in reported:
        twin = next((c for c in computed if same_place(r, c)), None)
        if twin is None:
            kept.append(r)
        else:  # the computed value stands; keep the pair so the findings can say so
            differs.append((r, twin))
    return kept + computed, differs


def _headline(bundle: Bundle, metrics: list[MetricFact]) -> HeadlineFact | None:
    name = _headline_name(bundle)
    ladder = bundle.spec.ladder
    fact = _overall(metrics, name, ladder.chosen)
    if fact is None:
        value = _rung_value(bundle, ladder.chosen, name, metrics)
        if value is None:
            return None
        goal = targets(bundle.spec).get(name)
        fact = from_reported(
            bundle.spec,
            Metric(
                name=name,
                value=value,
                rung=ladder.chosen,
                target=goal[0] if goal else None,
                direction=goal[1] if goal else direction(name),
            ),
        )
    success = bundle.spec.operator_view.success_metric
    levels: dict[str, Num] = {}
    reached = None
    if success.metric == name and fact.value.value is not None:
        for key in ("optimal", "acceptable", "worst_case"):
            level = num(name, getattr(success, key))
            assert level is not None
            levels[key] = level
        sign = 1 if fact.direction == "higher_is_better" else -1
        value = sign * fact.value.value
        reached = (
            "optimal"
            if value >= sign * success.optimal
            else "acceptable"
            if value >= sign * success.acceptable
            else "below_acceptable"
            if value >= sign * success.worst_case
            else "below_worst"
        )
    base = (
        _rung_value(bundle, ladder.baseline, name, metrics)
        if ladder.baseline != ladder.chosen
        else None
    )
    delta = None
    if base is not None and fact.value.value is not None:
        diff = fact.value.value - base
        like = fact.value.value
        delta = Num(
            value=diff,
            text=F.fmt_delta(name, diff, like=like),
            text_pm=F.fmt_delta(name, diff, audience="pm", like=like),
        )
    return HeadlineFact(
        metric=fact,
        baseline=num(name, base),
        delta=delta,
        success_levels=levels,
        level_reached=reached,
    )


def _ladder(bundle: Bundle, name: str | None, metrics: list[MetricFact]) -> list[RungFact]:
    ladder = bundle.spec.ladder
    unit = bundle.spec.operator_view.cost.unit
    out = []
    for rung in ladder.rungs:
        value = _rung_value(bundle, rung.id, name, metrics) if name else None
        latency = (
            None
            if rung.latency_ms is None
            else Num(
                value=rung.latency_ms,
                text=F.fmt_quantity(rung.latency_ms, "ms"),
                text_pm=F.fmt_quantity(rung.latency_ms, "ms", audience="pm"),
            )
        )
        cost = (
            None
            if rung.cost is None
            else Num(
                value=rung.cost,
                text=F.fmt_quantity(rung.cost, unit),
                text_pm=F.fmt_quantity(rung.cost, unit, audience="pm"),
            )
        )
        out.append(
            RungFact(
                id=rung.id,
                name=rung.name,
                kind=rung.kind,
                decision=rung.decision,
                reason=rung.reason,
                chosen=rung.id == ladder.chosen,
                baseline=rung.id == ladder.baseline,
                headline=num(name, value) if name else None,
                latency_ms=latency,
                cost=cost,
            )
        )
    return out


def _comparison_fact(c: Comparison) -> ComparisonFact:
    like = c.chosen_value  # a difference is written at the precision of what it compares
    delta = Num(
        value=c.delta,
        text=F.fmt_delta(c.metric, c.delta, like=like),
        text_pm=F.fmt_delta(c.metric, c.delta, audience="pm", like=like),
    )
    interval = None
    if c.interval is not None:
        low, high = c.interval
        interval = interval_fact(c.metric, low, high, 0.95, "bootstrap")
        interval.text = (
            f"{F.fmt_delta(c.metric, low, like=like)} to {F.fmt_delta(c.metric, high, like=like)}"
        )
        interval.text_pm = (
            f"{F.fmt_delta(c.metric, low, audience='pm', like=like)} to "
            f"{F.fmt_delta(c.metric, high, audience='pm', like=like)}"
        )
    chosen, other = num(c.metric, c.chosen_value), num(c.metric, c.other_value)
    assert chosen is not None and other is not None
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
    )


def _comparisons(
    bundle: Bundle, headline: HeadlineFact | None, ev: Evaluation | None, checks: CheckThresholds
) -> list[ComparisonFact]:
    if headline is None:
        return []
    spec = bundle.spec
    ladder = spec.ladder
    ids = [r.id for r in ladder.rungs]
    chosen_at = ids.index(ladder.chosen)
    others = [r for r in ids[:chosen_at] if r != ladder.chosen]
    if ladder.baseline not in others and ladder.baseline != ladder.chosen:
        others.insert(0, ladder.baseline)
    name = headline.metric.name
    out = []
    for other in others:
        result = None
        if ev is not None:
            result = paired(
                spec.project.task,
                name,
                ladder.chosen,
                other,
                ev.rows,
                spec.interrogation.operating_threshold,
                len(spec.interrogation.classes),
                spec.interrogation.seed,
                int(checks.bootstrap_resamples),
            )
        if result is None:
            other_value = next((r.metrics.get(name) for r in ladder.rungs if r.id == other), None)
            if other_value is None or headline.metric.value.value is None:
                continue
            interval = headline.metric.interval
            result = unpaired(
                name,
                ladder.chosen,
                other,
                headline.metric.value.value,
                other_value,
                (interval.low, interval.high) if interval else None,
            )
        out.append(_comparison_fact(result))
    return out


def _slices(
    metrics: list[MetricFact], headline: HeadlineFact | None, checks: CheckThresholds
) -> list[SliceFact]:
    if headline is None:
        return []
    overall = headline.metric
    out = []
    for m in metrics:
        if m.name != overall.name or m.rung != overall.rung or m.slice_key is None:
            continue
        n = m.n or 0
        judged = n >= checks.slice_min_n
        higher = m.direction == "higher_is_better"
        below_overall = False
        if m.interval is not None and overall.value.value is not None:
            below_overall = (
                m.interval.high < overall.value.value
                if higher
                else m.interval.low > overall.value.value
            )
        out.append(
            SliceFact(
                key=m.slice_key,
                value=m.slice_value or "",
                n=n,
                metric=m,
                below_target=m.target_met is False,
                below_overall=below_overall,
                judged=judged,
            )
        )
    return out


def _data(bundle: Bundle, ev: Evaluation | None) -> DataFact:
    data = DataFact(threshold=bundle.spec.interrogation.threshold)
    if ev is None:
        return data
    data.test_n = ev.test_n
    if bundle.spec.project.task != "regression":
        data.class_counts = ev.class_counts
        if ev.class_counts and ev.test_n:
            data.minority_share = num("share", min(ev.class_counts.values()) / ev.test_n)
    return data


def _budgets(bundle: Bundle) -> list[BudgetFact]:
    ov = bundle.spec.operator_view
    chosen = next(r for r in bundle.spec.ladder.rungs if r.id == bundle.spec.ladder.chosen)
    out = []
    pairs = [
        (
            "latency",
            ov.latency.budget_ms,
            ov.latency.measured_ms,
            chosen.latency_ms,
            f"ms ({ov.latency.percentile})",
        ),
        ("cost", ov.cost.budget, ov.cost.measured, chosen.cost, ov.cost.unit),
    ]
    for name, budget, measured, from_rung, unit in pairs:
        value = measured if measured is not None else from_rung
        source = (
            "operator view"
            if measured is not None
            else f"rung {chosen.name}"
            if from_rung is not None
            else "not measured"
        )

        def as_num(x: float | None, unit: str = unit) -> Num | None:
            if x is None:
                return None
            return Num(
                value=x,
                text=F.fmt_quantity(x, unit),
                text_pm=F.fmt_quantity(x, unit, audience="pm"),
            )

        within = None if budget is None or value is None else value <= budget
        out.append(
            BudgetFact(
                name=name,
                budget=as_num(budget),
                measured=as_num(value),
                source=source,
                within=within,
            )
        )
    return out


def _environment() -> dict[str, str]:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in (
        "numpy",
        "pandas",
        "pydantic",
        "matplotlib",
        "weasyprint",
        "python-pptx",
        "jinja2",
    ):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def analyse(bundle: Bundle) -> Facts:
    spec = bundle.spec
    checks = CheckThresholds().updated(spec.interrogation.checks)
    ev = evaluate(spec, bundle.predictions, checks) if bundle.predictions is not None else None
    metrics, differs = _metrics(bundle, ev)
    headline = _headline(bundle, metrics)
    ladder = _ladder(bundle, headline.metric.name if headline else None, metrics)
    review = None
    if bundle.reviewed is not None:
        section = spec.interrogation.reviewed_examples
        review = review_facts(
            bundle.reviewed,
            section.sampling if section else None,
            section.random_sample if section else True,
        )
    comparisons = _comparisons(bundle, headline, ev, checks)
    slices = _slices(metrics, headline, checks)
    data = _data(bundle, ev)
    context = Context(
        spec=spec,
        checks=checks,
        headline=headline,
        metrics=metrics,
        comparisons=comparisons,
        slices=slices,
        review=review,
        ladder=ladder,
        minority_share=data.minority_share.value if data.minority_share else None,
        reported_differs=differs,
    )
    findings = run_checks(context)
    charts = ChartsFact()
    if ev is not None:
        for rung, curves in ev.curves.items():
            # a curve that does not exist (one class only in the test rows) is left out,
            # never given as an empty list of points
            if curves["roc"]:
                charts.roc[rung] = [list(p) for p in curves["roc"]]
            if curves["pr"]:
                charts.pr[rung] = [list(p) for p in curves["pr"]]
            if curves["calibration"]:
                charts.calibration[rung] = curves["calibration"]
            charts.operating_points[rung] = with_texts(curves["operating"])
        charts.coverage, gate = coverage_charts(spec, ev)
        charts.operating_points.update(gate)
        charts.confusion = ev.confusion
        charts.per_class = [
            {**row, **{f"{k}_text": F.fmt(k, row[k]) for k in ("precision", "recall", "f1")}}
            for row in ev.per_class
        ]
        charts.residuals = ev.residuals
    return Facts(
        dsreport_version=__version__,
        slug=bundle.slug,
        bundle_digest=bundle.digest,
        build_date=build_date(bundle).isoformat(),
        task=spec.project.task,
        statement=spec.ecosystem.statement.sentence(),
        headline=headline,
        metrics=metrics,
        ladder=ladder,
        review=review,
        comparisons=comparisons,
        slices=slices,
        charts=charts,
        data=data,
        findings=findings,
        recommendation=recommend(headline, findings),
        operations=operations_fact(spec, ev, checks),
        checks=asdict(checks),
        budgets=_budgets(bundle),
        environment=_environment(),
        warnings=[ProblemFact(**p.as_dict()) for p in bundle.warnings],
        bundle=spec.model_dump(mode="json", by_alias=True),
    )
