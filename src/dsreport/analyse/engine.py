"""Bundle -> facts. The only place numbers are derived and formatted."""

from __future__ import annotations

import datetime as dt
import os

from dsreport import __version__
from dsreport.analyse import format as F
from dsreport.analyse.facts import (
    CategoryFact,
    Facts,
    HeadlineFact,
    IntervalFact,
    MetricFact,
    Num,
    ProblemFact,
    ReviewFact,
    RungFact,
)
from dsreport.analyse.intervals import wilson
from dsreport.bundle.evaluation import Metric
from dsreport.load.loader import Bundle
from dsreport.vocabulary import LOWER_IS_BETTER, SEVERITIES, labels


def build_date(bundle: Bundle) -> dt.date:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) when set, else the bundle's own date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return bundle.spec.project.date


def num(metric: str, value: float | None) -> Num | None:
    if value is None:
        return None
    return Num(value=value, text=F.fmt(metric, value), text_pm=F.fmt(metric, value, audience="pm"))


def _metric_fact(bundle: Bundle, metric: Metric) -> MetricFact:
    label, label_pm = labels(metric.name)
    interval = None
    if metric.interval is not None:
        low, high = metric.interval.low, metric.interval.high
        interval = IntervalFact(
            low=low,
            high=high,
            level=metric.interval.level,
            text=F.fmt_interval(metric.name, low, high),
            text_pm=F.fmt_interval(metric.name, low, high, audience="pm"),
            method="reported",
        )
    met = None
    if metric.target is not None:
        higher = metric.direction == "higher_is_better"
        met = metric.value >= metric.target if higher else metric.value <= metric.target
    value = num(metric.name, metric.value)
    assert value is not None
    return MetricFact(
        name=metric.name,
        label=label,
        label_pm=label_pm,
        value=value,
        interval=interval,
        direction=metric.direction,
        target=num(metric.name, metric.target),
        target_met=met,
        split=metric.split,
        slice_key=metric.slice.key if metric.slice else None,
        slice_value=metric.slice.value if metric.slice else None,
        rung=metric.rung or bundle.spec.ladder.chosen,
        threshold=metric.threshold,
        n=metric.n,
        source="reported",
    )


def _headline_name(bundle: Bundle) -> str:
    for metric in bundle.spec.interrogation.metrics:
        if metric.headline:
            return metric.name
    return bundle.spec.operator_view.success_metric.metric


def _rung_value(bundle: Bundle, rung_id: str, name: str, metrics: list[MetricFact]) -> float | None:
    for fact in metrics:
        if (
            fact.name == name
            and fact.rung == rung_id
            and fact.slice_key is None
            and fact.split == "test"
        ):
            return fact.value.value
    for rung in bundle.spec.ladder.rungs:
        if rung.id == rung_id and name in rung.metrics:
            return rung.metrics[name]
    return None


def _headline(bundle: Bundle, metrics: list[MetricFact]) -> HeadlineFact | None:
    name = _headline_name(bundle)
    chosen, baseline = bundle.spec.ladder.chosen, bundle.spec.ladder.baseline
    fact = next(
        (
            m
            for m in metrics
            if m.name == name and m.rung == chosen and m.slice_key is None and m.split == "test"
        ),
        None,
    )
    if fact is None:
        value = _rung_value(bundle, chosen, name, metrics)
        if value is None:
            return None
        fact = _metric_fact(
            bundle,
            Metric(
                name=name,
                value=value,
                rung=chosen,
                direction="lower_is_better" if name in LOWER_IS_BETTER else "higher_is_better",
            ),
        )
    success = bundle.spec.operator_view.success_metric
    levels = {}
    reached = None
    if success.metric == name:
        levels = {
            k: num(name, getattr(success, k)) for k in ("optimal", "acceptable", "worst_case")
        }
        sign = 1 if fact.direction == "higher_is_better" else -1
        value = sign * (fact.value.value or 0.0)
        reached = (
            "optimal"
            if value >= sign * success.optimal
            else "acceptable"
            if value >= sign * success.acceptable
            else "below_acceptable"
            if value >= sign * success.worst_case
            else "below_worst"
        )
    base_value = _rung_value(bundle, baseline, name, metrics) if baseline != chosen else None
    delta = None
    if base_value is not None and fact.value.value is not None:
        diff = fact.value.value - base_value
        delta = Num(
            value=diff, text=F.fmt_delta(name, diff), text_pm=F.fmt_delta(name, diff, audience="pm")
        )
    return HeadlineFact(
        metric=fact,
        baseline=num(name, base_value),
        delta=delta,
        success_levels={k: v for k, v in levels.items() if v is not None},
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
                text=f"{F.sig(rung.latency_ms, 3)} ms",
                text_pm=f"{F.sig(rung.latency_ms, 2)} ms",
            )
        )
        cost = (
            None
            if rung.cost is None
            else Num(
                value=rung.cost,
                text=f"{F.sig(rung.cost, 3)} {unit}",
                text_pm=f"{F.sig(rung.cost, 2)} {unit}",
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


def _review(bundle: Bundle) -> ReviewFact | None:
    table = bundle.reviewed
    if table is None:
        return None
    frame = table.frame
    verdict = frame["verdict"].astype("string").str.strip().str.lower()
    counts = {k: int(v) for k, v in verdict.value_counts().sort_index().items()}
    n = len(frame)
    wrong = verdict.isin(["incorrect", "partial"])
    review = ReviewFact(
        n=n,
        by_verdict=counts,
        sampling=bundle.spec.interrogation.reviewed_examples.sampling
        if bundle.spec.interrogation.reviewed_examples
        else None,
    )
    if n == 0:
        return review
    errors = int(wrong.sum())
    low, high = wilson(errors, n)
    review.error_rate = num("error_rate", errors / n)
    review.error_interval = IntervalFact(
        low=low,
        high=high,
        level=0.95,
        text=F.fmt_interval("error_rate", low, high),
        text_pm=F.fmt_interval("error_rate", low, high, audience="pm"),
        method="wilson",
    )
    category = frame["error_category"].astype("string").fillna("").str.strip()[wrong]
    severity = frame["severity"].astype("string").fillna("").str.strip().str.lower()[wrong]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for name, count in category[category != ""].value_counts().items():
        severities = [s for s in severity[category == name] if s in rank]
        review.categories.append(
            CategoryFact(
                name=str(name),
                count=int(count),
                share=num("share", int(count) / n),
                worst_severity=max(severities, key=rank.__getitem__) if severities else None,
            )
        )
    review.categories.sort(key=lambda c: (-c.count, c.name))
    return review


def analyse(bundle: Bundle) -> Facts:
    spec = bundle.spec
    metrics = [_metric_fact(bundle, m) for m in spec.interrogation.metrics]
    headline = _headline(bundle, metrics)
    return Facts(
        dsreport_version=__version__,
        slug=bundle.slug,
        bundle_digest=bundle.digest,
        build_date=build_date(bundle).isoformat(),
        task=spec.project.task,
        statement=spec.ecosystem.statement.sentence(),
        headline=headline,
        metrics=metrics,
        ladder=_ladder(bundle, headline.metric.name if headline else None, metrics),
        review=_review(bundle),
        warnings=[ProblemFact(**p.as_dict()) for p in bundle.warnings],
        bundle=spec.model_dump(mode="json", by_alias=True),
    )
