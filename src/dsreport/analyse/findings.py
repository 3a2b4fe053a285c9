"""The reviewer's checks. Each returns findings with a stable id, severity, numbers and advice.

Thresholds come from `CheckThresholds` (documented defaults, per-bundle overrides).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dsreport.analyse import format as F
from dsreport.analyse.facts import (
    ComparisonFact,
    FindingFact,
    HeadlineFact,
    MetricFact,
    ReviewFact,
    RungFact,
    SliceFact,
)
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec
from dsreport.vocabulary import BINARY_METRICS, LOWER_IS_BETTER, MULTICLASS_METRICS, labels

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
ABSOLUTE = {"brier", "ece"}  # bounded losses: compared in absolute terms like rates
BOUNDED = (
    (frozenset(BINARY_METRICS) - {"log_loss", "brier", "ece"})
    | frozenset(MULTICLASS_METRICS)
    | {"r2"}
)  # metrics that live in [0, 1], higher is better


@dataclass
class Context:
    spec: BundleSpec
    checks: CheckThresholds
    headline: HeadlineFact | None
    metrics: list[MetricFact]
    comparisons: list[ComparisonFact]
    slices: list[SliceFact]
    review: ReviewFact | None
    ladder: list[RungFact]
    minority_share: float | None
    reported_differs: list[tuple[MetricFact, MetricFact]]

    def rung_name(self, rung_id: str) -> str:
        return next((r.name for r in self.ladder if r.id == rung_id), rung_id)


def _f(
    id: str, severity: str, title: str, message: str, message_pm: str, advice: str, **evidence: str
) -> FindingFact:
    return FindingFact(
        id=id,
        severity=severity,
        title=title,
        message=message,
        message_pm=message_pm,
        recommendation=advice,
        evidence=evidence,
    )


def accuracy_on_imbalance(c: Context) -> list[FindingFact]:
    if c.headline is None or c.headline.metric.name != "accuracy" or c.minority_share is None:
        return []
    classes = max(len(c.spec.interrogation.classes), 2)
    # rare relative to an even split: 20% for two classes, 4% for ten
    if c.minority_share >= c.checks.rare_class_share * 2 / classes:
        return []
    share = F.percent(c.minority_share)
    return [
        _f(
            "accuracy-on-imbalanced-classes",
            "warning",
            "Accuracy hides the rare class",
            f"Accuracy is the headline while the rarest class is {share} of the test set; "
            "a model that never predicts it scores "
            f"{F.percent(1 - c.minority_share)}.",
            "The headline number looks good even for a model that ignores the rare cases.",
            "Lead with recall and precision of the rare class, or balanced accuracy.",
            minority_share=share,
            threshold=F.percent(c.checks.rare_class_share),
        )
    ]


def gain_inside_noise(c: Context) -> list[FindingFact]:
    out = []
    for comp in c.comparisons:
        chosen, other = c.rung_name(comp.chosen), c.rung_name(comp.other)
        ci = f" (95% CI {comp.interval.text})" if comp.interval else ""
        if comp.significant is None or (comp.significant and comp.better):
            continue
        worse = comp.significant and not comp.better
        out.append(
            _f(
                "gain-inside-noise",
                "critical" if worse else "warning",
                f"{chosen} is not reliably better than {other}",
                f"{chosen} vs {other} on {comp.metric}: {comp.delta.text}{ci}, "
                + ("significantly worse." if worse else "inside the noise."),
                f"{chosen} does {'worse than' if worse else 'no better than'} the simpler {other} "
                "once chance is taken into account.",
                f"Prefer {other}, the simpler model, unless {chosen} brings something the metric "
                "does not show.",
                delta=comp.delta.text,
                interval=comp.interval.text if comp.interval else "n/a",
                method=comp.method,
            )
        )
    return out


def target(c: Context) -> list[FindingFact]:
    h = c.headline
    if h is None or h.metric.target is None:
        return []
    m = h.metric
    assert m.target is not None
    if m.target_met is False:
        below_worst = h.level_reached == "below_worst"
        return [
            _f(
                "target-missed",
                "critical",
                f"{m.label} misses its target",
                f"{m.label} is {m.value.text}, short of the target {m.target.text}"
                + (" and below the worst case." if below_worst else "."),
                f"The model does not reach the agreed bar ({m.value.text_pm} against "
                f"{m.target.text_pm}).",
                "Do not ship at this operating point; improve the model or revisit the target.",
                value=m.value.text,
                target=m.target.text,
            )
        ]
    if m.interval is not None and m.target.value is not None:
        goal = m.target.value
        low = m.interval.low if m.direction == "higher_is_better" else m.interval.high
        if (low < goal) if m.direction == "higher_is_better" else (low > goal):
            return [
                _f(
                    "target-not-secured",
                    "warning",
                    "Target met, but not with confidence",
                    f"{m.label} {m.value.text} meets the target {m.target.text}, but its 95% "
                    f"interval {m.interval.text} reaches "
                    f"{'below' if m.direction == 'higher_is_better' else 'above'} it.",
                    f"We reach the bar ({m.value.text_pm}), but a less lucky sample could fall "
                    "short of it.",
                    "Ship with monitoring of this metric, or evaluate on more data.",
                    interval=m.interval.text,
                    target=m.target.text,
                )
            ]
    return []


def slices_behind(c: Context) -> list[FindingFact]:
    out = []
    for s in c.slices:
        if not s.judged or not (s.below_target or s.below_overall):
            continue
        m = s.metric
        worse = "below" if m.direction == "higher_is_better" else "above"
        noise = ""
        if s.below_target and m.target is not None and m.interval is not None:
            goal = m.target.value or 0.0
            if m.interval.low <= goal <= m.interval.high:
                noise = " (its interval still includes the target)"
        why = (
            f"misses the target {m.target.text}{noise}"
            if s.below_target and m.target
            else f"significantly {worse} the overall value"
        )
        out.append(
            _f(
                "slice-left-behind",
                "warning",
                f"Slice {s.key} = {s.value} falls behind",
                f"{m.label} on {s.key} = {s.value} is {m.value.text}"
                f"{f' ({m.interval.text})' if m.interval else ''}, n = {s.n:,}: {why}.",
                f"The model works less well where {s.key.replace('_', ' ')} is {s.value}.",
                "Check whether this group needs its own threshold, more data or a fallback.",
                slice=f"{s.key} = {s.value}",
                value=m.value.text,
                n=f"{s.n:,}",
            )
        )
    return out


def review_not_random(c: Context) -> list[FindingFact]:
    r = c.review
    if r is None or r.representative or r.error_rate is None:
        return []
    return [
        _f(
            "review-not-random",
            "info",
            "Review sample is not random",
            f"The {r.n} reviewed cases were not drawn at random, so their error rate "
            f"({r.error_rate.text}) describes the sample, not the model.",
            "The reviewed cases show what the errors look like, not how often they happen.",
            "Use the metrics for rates; use the review for the kinds of error.",
            n=str(r.n),
        )
    ]


def review_too_small(c: Context) -> list[FindingFact]:
    r = c.review
    if r is not None and not r.representative:
        return []
    if r is None or r.error_interval is None or r.error_rate is None:
        if r is not None and r.n == 0:
            return [
                _f(
                    "review-too-small",
                    "warning",
                    "No reviewed examples",
                    "No example was reviewed by a person; error categories are unknown.",
                    "Nobody has looked at real outputs yet.",
                    "Review a random sample of at least "
                    f"{int(c.checks.min_review_n)} outputs before shipping.",
                    n="0",
                )
            ]
        return []
    half = (r.error_interval.high - r.error_interval.low) / 2
    if r.n >= c.checks.min_review_n and half <= c.checks.max_review_halfwidth:
        return []
    return [
        _f(
            "review-too-small",
            "warning",
            "Review sample too small",
            f"{r.n} reviewed examples give an error rate of {r.error_rate.text} with a 95% "
            f"interval of {r.error_interval.text}: too wide to rely on.",
            f"Only {r.n} outputs were checked by hand; the error rate is a rough guess.",
            f"Review at least {int(c.checks.min_review_n)} examples, drawn at random.",
            n=str(r.n),
            interval=r.error_interval.text,
        )
    ]


def leakage(c: Context) -> list[FindingFact]:
    h = c.headline
    out: list[FindingFact] = []
    if h is None:
        return out
    m = h.metric
    value = m.value.value or 0.0
    tiny = m.n is not None and m.n < c.checks.slice_min_n  # perfection on a handful is noise
    if (
        not tiny
        and m.name in BOUNDED
        and (m.direction == "higher_is_better" and value >= c.checks.perfect_score)
    ):
        out.append(
            _f(
                "suspiciously-perfect",
                "critical",
                "Suspiciously perfect score",
                f"{m.label} is {m.value.text}: near-perfect scores usually mean the label "
                "leaked into the features or the test set overlaps training.",
                "The result is too good to be true until leakage is ruled out.",
                "Audit features and splits for leakage before trusting this number.",
                value=m.value.text,
            )
        )
    values = [
        (r.name, r.headline.value)
        for r in c.ladder
        if r.headline is not None and r.headline.value is not None and not r.chosen
    ]
    if values and value is not None:
        sign = 1 if m.direction == "higher_is_better" else -1
        best_name, best = max(values, key=lambda t: sign * t[1])
        jump = sign * (value - best)
        relative = m.name not in BOUNDED  # unbounded errors: a share of the runner-up's value
        size = jump / abs(best) if relative and best else jump
        if size > c.checks.ladder_jump:
            out.append(
                _f(
                    "ladder-jump",
                    "warning",
                    "Jump far above the ladder",
                    f"{m.label} improves by {_gain(m.name, jump)}"
                    f"{f' ({F.percent(size)})' if relative else ''} over the best other "
                    f"rung ({best_name}); gains this large deserve a leakage check.",
                    "The chosen model is far ahead of everything else tried, which is "
                    "worth double-checking.",
                    "Confirm that no feature is computed after the outcome is known.",
                    jump=F.fmt_delta(m.name, sign * jump),
                    relative_jump=F.percent(size) if relative else "n/a",
                    next_best=best_name,
                )
            )
    return out


def _gain(metric: str, amount: float) -> str:
    return F.fmt_delta(metric, amount).lstrip("+") if F.is_rate(metric) else F.sig(amount, 3)


def budgets(c: Context) -> list[FindingFact]:
    out = []
    ov = c.spec.operator_view
    chosen = next((r for r in c.spec.ladder.rungs if r.id == c.spec.ladder.chosen), None)
    latency = (
        ov.latency.measured_ms
        if ov.latency.measured_ms is not None
        else (chosen.latency_ms if chosen else None)
    )
    if latency is not None and ov.latency.budget_ms is not None and latency > ov.latency.budget_ms:
        out.append(
            _f(
                "latency-over-budget",
                "critical",
                "Latency over budget",
                f"{ov.latency.percentile} latency {F.sig(latency, 3)} ms exceeds the budget "
                f"of {F.sig(ov.latency.budget_ms, 3)} ms.",
                "The model is slower than users can wait.",
                "Speed up the model or serving, or choose a faster rung.",
                measured=f"{F.sig(latency, 3)} ms",
                budget=f"{F.sig(ov.latency.budget_ms, 3)} ms",
            )
        )
    cost = ov.cost.measured if ov.cost.measured is not None else (chosen.cost if chosen else None)
    if cost is not None and cost > ov.cost.budget:
        out.append(
            _f(
                "cost-over-budget",
                "critical",
                "Cost over budget",
                f"Running cost {F.sig(cost, 3)} {ov.cost.unit} exceeds the budget of "
                f"{F.sig(ov.cost.budget, 3)} {ov.cost.unit}.",
                "The model costs more to run than agreed.",
                "Reduce the serving cost or agree a higher budget before shipping.",
                measured=f"{F.sig(cost, 3)} {ov.cost.unit}",
                budget=f"{F.sig(ov.cost.budget, 3)} {ov.cost.unit}",
            )
        )
    return out


def _spread(metric: str, half: float) -> str:
    return f"{half * 100:.1f} pts" if F.is_rate(metric) else F.sig(half, 2)


def test_set_size(c: Context) -> list[FindingFact]:
    h = c.headline
    if h is None or h.metric.interval is None:
        return []
    m = h.metric
    assert m.interval is not None
    half = (m.interval.high - m.interval.low) / 2
    limit = c.checks.max_headline_halfwidth
    if m.name not in BOUNDED and m.name not in ABSOLUTE:
        value = abs(m.value.value or 0.0)
        if value == 0 or half / value <= limit:
            return []
        return [
            _f(
                "test-set-too-small",
                "warning",
                "Test set too small for the headline",
                f"The 95% interval of {m.label} is {m.interval.text}, ±{F.percent(half / value)} "
                f"of the value; the headline needs ±{F.percent(limit)}.",
                "The test set is too small to pin the headline number down.",
                "Evaluate on a larger test set before quoting the number precisely.",
                interval=m.interval.text,
                n=str(m.n) if m.n else "n/a",
            )
        ]
    if half <= limit:
        return []
    p = m.value.value or 0.5
    need = ""
    if F.is_rate(m.name) and 0 < p < 1:
        rows = int(1.96**2 * p * (1 - p) / c.checks.max_headline_halfwidth**2) + 1
        need = (
            f" About {rows:,} rows of the relevant kind would give "
            f"±{_spread(m.name, c.checks.max_headline_halfwidth)}."
        )
    return [
        _f(
            "test-set-too-small",
            "warning",
            "Test set too small for the headline",
            f"The 95% interval of {m.label} is {m.interval.text} (±{_spread(m.name, half)}); "
            f"the headline needs ±{_spread(m.name, c.checks.max_headline_halfwidth)}.{need}",
            "The test set is too small to pin the headline number down.",
            "Evaluate on a larger test set before quoting the number precisely.",
            interval=m.interval.text,
            n=str(m.n) if m.n else "n/a",
        )
    ]


def train_test_gap(c: Context) -> list[FindingFact]:
    chosen = next((r for r in c.spec.ladder.rungs if r.id == c.spec.ladder.chosen), None)
    if chosen is None:
        return []
    out = []
    for name, train in chosen.train_metrics.items():
        computed = next(
            (
                m.value.value
                for m in c.metrics
                if m.name == name
                and m.rung == chosen.id
                and m.slice_key is None
                and m.split == "test"
            ),
            None,
        )
        test = computed if computed is not None else chosen.metrics.get(name)
        if test is None:
            continue
        if name in ABSOLUTE:
            gap = test - train
        elif name in BOUNDED:
            gap = train - test
        else:  # unbounded losses and errors: relative to the test value
            gap = (test - train) / abs(test) if test else 0.0
            gap = -gap if name not in LOWER_IS_BETTER else gap
        if gap > c.checks.train_test_gap:
            out.append(
                _f(
                    "train-test-gap",
                    "warning",
                    "Large train / test gap",
                    f"{labels(name)[0]}: {F.fmt(name, train)} on training data against "
                    f"{F.fmt(name, test)} on test data.",
                    "The model does much better on the data it learned from: it may be memorising.",
                    "Regularise, simplify, or check that the test set is drawn the same way.",
                    train=F.fmt(name, train),
                    test=F.fmt(name, test),
                )
            )
    return out


def calibration(c: Context) -> list[FindingFact]:
    if not c.spec.system_design.scores_are_probabilities:
        return []
    ece = next(
        (
            m
            for m in c.metrics
            if m.name == "ece"
            and m.rung == c.spec.ladder.chosen
            and m.slice_key is None
            and m.split == "test"
        ),
        None,
    )
    if ece is None or (ece.value.value or 0) <= c.checks.max_ece:
        return []
    return [
        _f(
            "poor-calibration",
            "warning",
            "Scores are not calibrated",
            f"Expected calibration error is {ece.value.text} while the design reads scores as "
            f"probabilities (limit {F.sig(c.checks.max_ece, 2)}).",
            "A score of 70% does not mean a 70% chance; users reading it that way are misled.",
            "Calibrate the scores (isotonic or Platt) or stop presenting them as probabilities.",
            ece=ece.value.text,
        )
    ]


def mixed_thresholds(c: Context) -> list[FindingFact]:
    found = {m.threshold for m in c.spec.interrogation.metrics if m.threshold is not None}
    operating = c.spec.interrogation.threshold
    if operating is not None:
        found.add(operating)
    if len(found) <= 1:
        return []
    shown = ", ".join(F.sig(t, 3) for t in sorted(found))
    return [
        _f(
            "mixed-thresholds",
            "warning",
            "Metrics at different thresholds",
            f"Metrics are reported at several decision thresholds ({shown}); they do not "
            "describe one operating point.",
            "Some numbers describe a different setting of the model than others.",
            "Report every threshold-dependent metric at the one operating threshold.",
            thresholds=shown,
        )
    ]


REPORTED_TOLERANCE = 0.005


def _unused(count: int) -> str:
    return (
        f"; {count} reported interval{'s are' if count != 1 else ' is'} not used" if count else ""
    )


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
    return [
        _f(
            "reported-replaced",
            "info",
            "Reported metrics recomputed",
            f"{len(pairs)} reported value{'s' if len(pairs) != 1 else ''} ({names}) "
            "agree with the predictions and are shown as computed, with dsreport's "
            f"intervals{_unused(with_interval)}.",
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
        out.append(
            _f(
                "reported-differs",
                "warning",
                f"Reported {reported.label} disagrees",
                f"{reported.label} ({reported.rung}, {reported.split}) is reported as "
                f"{reported.value.text} but the predictions give {computed.value.text}.",
                "A number in the write-up does not match the data behind it.",
                "Regenerate the reported metrics from the predictions; the computed value is used.",
                reported=reported.value.text,
                computed=computed.value.text,
            )
        )
    return out


CHECKS: list[Callable[[Context], list[FindingFact]]] = [
    target,
    budgets,
    leakage,
    gain_inside_noise,
    accuracy_on_imbalance,
    slices_behind,
    test_set_size,
    review_too_small,
    train_test_gap,
    calibration,
    mixed_thresholds,
    reported_differs,
    reported_replaced,
    review_not_random,
]


def run_checks(c: Context) -> list[FindingFact]:
    found = [f for check in CHECKS for f in check(c)]
    return sorted(found, key=lambda f: SEVERITY_ORDER[f.severity])
