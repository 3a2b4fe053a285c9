"""Checks on the evidence itself: the reviewed sample, reported numbers, budgets."""

from __future__ import annotations

import math

from dsreport.analyse import conditions
from dsreport.analyse import format as F
from dsreport.analyse.checks.context import ABSOLUTE, BOUNDED, Context, finding
from dsreport.analyse.facts import FindingFact, MetricFact


def review_not_random(c: Context) -> list[FindingFact]:
    r = c.review
    if r is None or r.representative or r.error_rate is None:
        return []
    return [
        finding(
            "review-not-random",
            "info",
            "Review sample is not random",
            f"The {r.n} reviewed cases were not drawn at random, so their error rate "
            f"({r.error_rate.text}) describes the sample, not the model.",
            "The reviewed cases show what the errors look like, not how often they happen.",
            "Use the metrics for rates; use the review for the kinds of error.",
            metric="error_rate",
            n=str(r.n),
        )
    ]


def _review_size(c: Context, p: float) -> int:
    """Random reviews that give the error rate an interval of ±max_review_halfwidth."""
    half = c.checks.max_review_halfwidth
    p = min(max(p, 0.05), 0.95)
    return max(int(c.checks.min_review_n), math.ceil(1.96**2 * p * (1 - p) / half**2))


def review_too_small(c: Context) -> list[FindingFact]:
    r = c.review
    if r is not None and not r.representative:
        return []
    if r is None or r.error_interval is None or r.error_rate is None:
        if r is not None and (r.n == 0 or r.judged == 0):
            need = int(c.checks.min_review_n)
            what = (
                "No example was reviewed by a person"
                if r.n == 0
                else f"None of the {r.n} reviewed examples could be judged right or wrong"
            )
            return [
                finding(
                    "review-too-small",
                    "warning",
                    "No reviewed examples" if r.n == 0 else "No judged examples",
                    f"{what}; error categories are unknown.",
                    "Nobody has looked at real outputs yet.",
                    f"Review a random sample of at least {need} outputs before shipping.",
                    metric="error_rate",
                    condition=conditions.simple(
                        f"Before launch, have a person review at least {need} outputs drawn "
                        "at random, and record each error's category and severity.",
                        "review-too-small",
                        "error_rate",
                        size=need,
                        size_unit="reviewed cases",
                    ),
                    n="0",
                )
            ]
        return []
    half = (r.error_interval.high - r.error_interval.low) / 2
    judged = r.judged if r.judged is not None else r.n  # ambiguous cases count for nothing
    if judged >= c.checks.min_review_n and half <= c.checks.max_review_halfwidth:
        return []
    need = _review_size(c, r.error_rate.value or 0.5)
    word = "reviewed" if judged == r.n else "judged"
    width = F.percent(c.checks.max_review_halfwidth, 0)
    return [
        finding(
            "review-too-small",
            "warning",
            "Review sample too small",
            f"{judged} {word} examples give an error rate of {r.error_rate.text} with a 95% "
            f"interval of {r.error_interval.text}: too wide to rely on.",
            f"Only {judged} outputs were checked by hand; the error rate is a rough guess.",
            f"Review at least {need} examples, drawn at random.",
            metric="error_rate",
            condition=conditions.simple(
                f"Before launch, review at least {need} outputs drawn at random (now {judged} "
                f"{word}), "
                f"so that the error rate's 95% interval is within ±{width}.",
                "review-too-small",
                "error_rate",
                size=need,
                size_unit="reviewed cases",
            ),
            n=str(r.n),
            interval=r.error_interval.text,
        )
    ]


REPORTED_TOLERANCE = 0.005


def _agrees(reported: MetricFact, computed: MetricFact) -> bool:
    """Within 0.005 for bounded metrics, within 0.5% of the value for unbounded ones."""
    a, b = reported.value.value or 0.0, computed.value.value or 0.0
    bounded = reported.name in BOUNDED or reported.name in ABSOLUTE
    tolerance = REPORTED_TOLERANCE * (1.0 if bounded else max(abs(b), 1e-12))
    return abs(a - b) <= tolerance


def reported_replaced(c: Context) -> list[FindingFact]:
    pairs = [(r, k) for r, k in c.reported_differs if _agrees(r, k)]
    if not pairs:
        return []
    names = ", ".join(sorted({r.label for r, _ in pairs}))
    with_interval = sum(1 for r, _ in pairs if r.interval is not None)
    unused = (
        f"; {with_interval} reported interval{'s are' if with_interval != 1 else ' is'} not used"
        if with_interval
        else ""
    )
    return [
        finding(
            "reported-replaced",
            "info",
            "Reported metrics recomputed",
            f"{len(pairs)} reported value{'s' if len(pairs) != 1 else ''} ({names}) "
            f"agree with the predictions and are shown as computed, with dsreport's "
            f"intervals{unused}.",
            "The numbers were checked against the raw predictions.",
            "Nothing to do; report intervals computed the same way next time.",
            count=str(len(pairs)),
        )
    ]


def reported_differs(c: Context) -> list[FindingFact]:
    out = []
    for reported, computed in c.reported_differs:
        if _agrees(reported, computed):
            continue
        where = f"{reported.rung}, {reported.split}" + (
            f", {reported.slice_key} = {reported.slice_value}" if reported.slice_key else ""
        )
        out.append(
            finding(
                "reported-differs",
                "warning",
                f"Reported {reported.label} disagrees",
                f"{reported.label} ({where}) is reported as {reported.value.text} but the "
                f"predictions give {computed.value.text}.",
                "A number in the write-up does not match the data behind it.",
                "Regenerate the reported metrics from the predictions; the computed value is used.",
                metric=reported.name,
                rung=reported.rung,
                condition=conditions.simple(
                    f"Before the write-up circulates, replace the reported {reported.label} "
                    f"({where}: {reported.value.text}) with the value the predictions give "
                    f"({computed.value.text}).",
                    "reported-differs",
                    reported.name,
                    rung=reported.rung,
                ),
                reported=reported.value.text,
                computed=computed.value.text,
            )
        )
    return out


def budgets(c: Context) -> list[FindingFact]:
    """Measured latency or cost (operator view, else the chosen rung) over its budget."""
    out = []
    ov = c.spec.operator_view
    for b in c.budgets:
        if b.within is not False or b.measured is None or b.budget is None:
            continue
        measured, budget = b.measured.value or 0.0, b.budget.value or 0.0
        if b.name == "latency":
            title, pm = "Latency over budget", "The model is slower than users can wait."
            advice = "Speed up the model or serving, or choose a faster rung."
            shown = (f"{F.sig(measured, 3)} ms", f"{F.sig(budget, 3)} ms")
            message = (
                f"{ov.latency.percentile} latency {shown[0]} exceeds the budget of {shown[1]}."
            )
        else:
            title, pm = "Cost over budget", "The model costs more to run than agreed."
            advice = "Reduce the serving cost or agree a higher budget before shipping."
            unit = ov.cost.unit
            shown = (f"{F.sig(measured, 3)} {unit}", f"{F.sig(budget, 3)} {unit}")
            message = f"Running cost {shown[0]} exceeds the budget of {shown[1]}."
        out.append(
            finding(
                f"{b.name}-over-budget",
                "critical",
                title,
                message,
                pm,
                advice,
                measured=shown[0],
                budget=shown[1],
            )
        )
    return out
