"""Bundle -> facts. The only place numbers are derived and formatted.

The order matters: metrics (computed from the predictions, else reported), the headline
and the decision metric, the ladder, comparisons and trivial baselines, slices, then the
checks and, from their findings, the recommendation.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict
from typing import Any

from threadpoolctl import threadpool_limits

from dsreport import __version__
from dsreport.analyse import format as F
from dsreport.analyse.baselines import baseline_facts
from dsreport.analyse.checks import Context, run_checks
from dsreport.analyse.comparisons import comparison_facts
from dsreport.analyse.coverage import coverage_charts, with_texts
from dsreport.analyse.decision import choose, imbalanced
from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.facts import (
    ChartsFact,
    DataFact,
    Facts,
    HeadlineFact,
    MetricFact,
    Num,
    ProblemFact,
    ShownFact,
)
from dsreport.analyse.metricfacts import from_computed, from_reported, num, same_place, targets
from dsreport.analyse.operations import operations_fact
from dsreport.analyse.outcomes import outcome_fact
from dsreport.analyse.overlap import overlap
from dsreport.analyse.predictions import evaluate
from dsreport.analyse.ranking import ranked
from dsreport.analyse.recommend import recommend
from dsreport.analyse.review import review_facts
from dsreport.analyse.rungfacts import budgets as budget_facts
from dsreport.analyse.rungs import Overall, overall_table, rung_facts
from dsreport.analyse.serving import feature_facts, golden_fact, setting_facts
from dsreport.analyse.since.rows import row_digest
from dsreport.analyse.slices import slice_facts, summaries
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec
from dsreport.load.loaded import Bundle
from dsreport.load.statistics import is_statistics
from dsreport.load.tables import Table


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


def _headline(bundle: Bundle, overall: Overall) -> HeadlineFact | None:
    name = _headline_name(bundle)
    ladder = bundle.spec.ladder
    fact = overall.get((ladder.chosen, name))
    if fact is None:
        return None
    success = bundle.spec.operator_view.success_metric
    levels: dict[str, Num] = {}
    reached = secured = None
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
        if fact.interval is not None:  # does the range's far end reach the level too?
            far = fact.interval.low if sign > 0 else fact.interval.high
            secured = sign * far >= sign * success.acceptable
    base_fact = overall.get((ladder.baseline, name)) if ladder.baseline != ladder.chosen else None
    base = base_fact.value.value if base_fact else None
    delta = None
    if base is not None and fact.value.value is not None:
        diff = fact.value.value - base
        like = fact.value.value  # a difference at the precision of the values it compares
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
        level_secured=secured,
        level_reached=reached,
        shown=_shown(fact, base, levels),
    )


def _shown(fact: MetricFact, base: float | None, levels: dict[str, Num]) -> ShownFact | None:
    """The headline's value, the baseline's, the target and the levels at one precision."""
    if fact.value.value is None:
        return None
    values = {
        "ours": fact.value.value,
        "today": base,
        "target": fact.target.value if fact.target else None,
        **{key: level.value for key, level in levels.items()},
    }
    others = ("today", "target", *levels)
    text, text_pm = F.fmt_group(
        F.kind_of(fact.name),
        values,
        change=("ours", "today"),
        distinct=[("ours", other) for other in others],
    )
    return ShownFact(text=text, text_pm=text_pm)


def _data(bundle: Bundle, ev: Evaluation | None) -> DataFact:
    data = DataFact(threshold=bundle.spec.interrogation.threshold)
    if ev is None:
        return data
    data.test_n = ev.test_n
    if bundle.spec.project.task != "regression":
        data.class_counts = ev.class_counts
        data.split_class_counts = ev.split_class_counts
        if ev.class_counts and ev.test_n:
            data.minority_share = num("share", min(ev.class_counts.values()) / ev.test_n)
    rows = _rows(bundle)
    if rows is not None:
        found = overlap(bundle.spec, rows.frame)
        data.shared_ids, data.shared_feature_rows = found.shared_ids, found.shared_feature_rows
    return data


def _rows(bundle: Bundle) -> Table | None:
    """The predictions as rows in memory; None for a statistics table, which has none, and
    for a streamed table, whose rows only the reducer's pass reads (so no per-field
    reference distributions, overlap check or row digest for `--since`)."""
    table = bundle.predictions
    return table if isinstance(table, Table) and not is_statistics(bundle.spec) else None


def _per_class_row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for k in ("precision", "recall", "f1"):
        out[f"{k}_text"] = F.fmt(k, row[k])
        bounds = row.get(f"{k}_interval")
        out[f"{k}_interval_text"] = F.fmt_interval(k, *bounds) if bounds else None
    return out


def _environment() -> dict[str, str]:
    import platform

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
        if (text := _version(name)) is not None:
            found[name] = text
    return found


def _version(name: str) -> str | None:
    """An installed distribution's version, read from the `Version:` line of its metadata:
    `importlib.metadata.version` parses every header and the long description first,
    which costs more than the rest of a small bundle's environment."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        found = distribution(name)
    except PackageNotFoundError:
        return None
    for line in (found.read_text("METADATA") or "").splitlines():
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
        if not line:  # the headers end at the first empty line
            break
    return found.version


def _charts(spec: BundleSpec, ev: Evaluation | None) -> ChartsFact:
    charts = ChartsFact()
    if ev is None:
        return charts
    for rung, curves in ev.curves.items():
        # a curve that does not exist (one class only in the test rows) is left out,
        # never given as an empty list of points
        if curves.get("roc"):
            charts.roc[rung] = [list(p) for p in curves["roc"]]
        if curves.get("pr"):
            charts.pr[rung] = [list(p) for p in curves["pr"]]
        if curves.get("calibration"):
            charts.calibration[rung] = curves["calibration"]
        if curves.get("top_label_calibration"):
            charts.top_label_calibration[rung] = curves["top_label_calibration"]
        if "operating" in curves:
            charts.operating_points[rung] = with_texts(curves["operating"])
    charts.coverage, gate = coverage_charts(spec, ev)
    charts.operating_points.update(gate)
    charts.confusion = ev.confusion
    charts.per_class = [_per_class_row(row) for row in ev.per_class]
    charts.residuals = ev.residuals
    return charts


def analyse(bundle: Bundle) -> Facts:
    """The bundle's facts, with BLAS in one thread: a matrix product's last digit can
    depend on how many threads share it, and the facts must not depend on the machine's
    cores; the analysis's products are small, so threads only wait for busy cores (a
    cold build's other process)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _analyse(bundle)


def _analyse(bundle: Bundle) -> Facts:
    spec = bundle.spec
    checks = CheckThresholds().updated(spec.interrogation.checks)
    ev = evaluate(spec, bundle.predictions, checks) if bundle.predictions is not None else None
    metrics, differs = _metrics(bundle, ev)
    goals = targets(spec)
    overall = overall_table(spec, metrics, goals)
    chosen_overall = {name: m for (rung, name), m in overall.items() if rung == spec.ladder.chosen}
    headline = _headline(bundle, overall)
    data = _data(bundle, ev)
    minority = data.minority_share.value if data.minority_share else None
    misleading = imbalanced(spec.project.task, len(spec.interrogation.classes), minority, checks)
    decision = choose(
        spec.project.task,
        headline.metric.name if headline else None,
        chosen_overall,
        goals,
        misleading,
    )
    dm = decision.name if decision else None
    ladder = rung_facts(spec, headline.metric.name if headline else None, dm, overall)
    names = list(
        dict.fromkeys([n for n in (dm, headline and headline.metric.name) if n] + [*goals])
    )
    review = None
    if bundle.reviewed is not None:
        section = spec.interrogation.reviewed_examples
        review = review_facts(
            bundle.reviewed,
            section.sampling if section else None,
            section.random_sample if section else True,
            section.verdicts() if section else None,
        )
    comparisons = comparison_facts(spec, ev, checks, overall, names, dm, set(goals))
    baselines = baseline_facts(spec, ev, chosen_overall, names)
    slices = slice_facts(metrics, chosen_overall, names, spec.ladder.chosen, dm, checks)
    budgets = budget_facts(spec)
    context = Context(
        spec=spec,
        checks=checks,
        headline=headline,
        metrics=metrics,
        comparisons=comparisons,
        slices=slices,
        review=review,
        ladder=ladder,
        minority_share=minority,
        reported_differs=differs,
        decision=decision,
        chosen_overall=chosen_overall,
        targets=goals,
        baselines=baselines,
        slice_summary=summaries(slices, chosen_overall),
        data=data,
        overall=overall,
        budgets=budgets,
    )
    findings = run_checks(context)
    recommendation = ranked(recommend(context, findings), metrics)
    resamples = int(checks.bootstrap_resamples)
    return Facts(
        dsreport_version=__version__,
        slug=bundle.slug,
        bundle_digest=bundle.digest,
        build_date=build_date(bundle).isoformat(),
        task=spec.project.task,
        statement=spec.ecosystem.statement.sentence(),
        headline=headline,
        decision_metric=decision,
        metrics=metrics,
        ladder=ladder,
        review=review,
        comparisons=comparisons,
        baselines=baselines,
        slices=slices,
        slice_summary=context.slice_summary,
        charts=_charts(spec, ev),
        data=data,
        findings=findings,
        recommendation=recommendation,
        operations=operations_fact(spec, ev, checks).model_copy(
            update={
                "settings": setting_facts(spec, ev),
                "features": feature_facts(spec, _rows(bundle), checks),
                "golden": golden_fact(spec, bundle.golden),
            }
        ),
        outcome=outcome_fact(spec, ev, resamples, recommendation.rung or spec.ladder.chosen),
        checks=asdict(checks),
        budgets=budgets,
        environment=_environment(),
        warnings=[ProblemFact(**p.as_dict()) for p in bundle.warnings],
        bundle=spec.model_dump(mode="json", by_alias=True),
        test_rows=row_digest(spec, _rows(bundle), ev),
    )
