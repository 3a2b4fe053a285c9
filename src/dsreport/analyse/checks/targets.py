"""Every metric with a target, judged by its point estimate and its interval."""

from __future__ import annotations

from dsreport.analyse import conditions
from dsreport.analyse import format as F
from dsreport.analyse.checks.context import ABSOLUTE, BOUNDED, Context, finding
from dsreport.analyse.facts import FindingFact, MetricFact


def _far(m: MetricFact) -> float | None:
    """The interval's bound on the bad side of the metric."""
    if m.interval is None:
        return None
    return m.interval.low if m.direction == "higher_is_better" else m.interval.high


def _near(m: MetricFact) -> float | None:
    """The interval's bound on the good side: short of the target, the whole interval is."""
    if m.interval is None:
        return None
    return m.interval.high if m.direction == "higher_is_better" else m.interval.low


def _short(m: MetricFact, value: float, goal: float) -> bool:
    return value < goal if m.direction == "higher_is_better" else value > goal


def _level_note(c: Context, m: MetricFact) -> str:
    h = c.headline
    if h is None or h.metric.name != m.name or h.level_reached != "below_worst":
        return ""
    worst = h.success_levels.get("worst_case")
    return (
        f" and below the worst case {worst.text}, where the model does more harm than "
        "today's process"
        if worst
        else ""
    )


def _worst(c: Context, m: MetricFact) -> float | None:
    """The operator's worst case, for the success metric: the fall a pilot must catch."""
    success = c.spec.operator_view.success_metric
    return success.worst_case if m.name == success.metric else None


def _missed(c: Context, m: MetricFact, key: bool) -> FindingFact:
    assert m.target is not None and m.target.value is not None
    near = _near(m)
    clearly = near is not None and _short(m, near, m.target.value)
    severity = "critical" if key or clearly else "warning"
    interval = f" (95% interval {m.interval.text})" if m.interval else ""
    if clearly:
        noise = "; its whole interval falls short"
    elif m.interval is not None:
        noise = "; its interval still includes the target, so the test set cannot tell"
    else:
        noise = "; with no interval, the shortfall cannot be weighed against the noise"
    why = "" if severity == "critical" else "the test set cannot tell whether it falls short"
    return finding(
        "target-missed",
        severity,
        f"{m.label} misses its target",
        f"{m.label} is {m.value.text}{interval}, short of the target {m.target.text}"
        f"{_level_note(c, m)}{noise}.",
        f"{m.label_pm[:1].upper()}{m.label_pm[1:]} falls short of the agreed bar "
        f"({m.value.text_pm} against {m.target.text_pm}).",
        "Do not ship at this operating point; improve the model or revisit the target."
        if severity == "critical"
        else "Confirm it in a pilot before full launch, or evaluate on more data.",
        metric=m.name,
        rung=m.rung,
        condition=conditions.pilot(m, "target-missed", why, _worst(c, m), c.test_cases)
        if severity == "warning"
        else None,
        value=m.value.text,
        target=m.target.text,
        interval=m.interval.text if m.interval else "n/a",
    )


def _not_secured(c: Context, m: MetricFact) -> FindingFact:
    assert m.target is not None and m.interval is not None
    side = "below" if m.direction == "higher_is_better" else "above"
    return finding(
        "target-not-secured",
        "warning",
        f"{m.label} meets its target, but not with confidence",
        f"{m.label} {m.value.text} meets the target {m.target.text}, but its 95% interval "
        f"{m.interval.text} reaches {side} it.",
        f"We reach the bar on {m.label_pm} ({m.value.text_pm}), but a less lucky sample "
        "could fall short of it.",
        "Confirm it in a pilot with a stop rule, or evaluate on more data.",
        metric=m.name,
        rung=m.rung,
        condition=conditions.pilot(
            m, "target-not-secured", f"its interval reaches {side} it", _worst(c, m), c.test_cases
        ),
        interval=m.interval.text,
        target=m.target.text,
    )


def targets(c: Context) -> list[FindingFact]:
    """The chosen rung on every metric with a target (test split, overall)."""
    keys = c.key_metrics()
    missed, unsure = [], []
    for name in c.targets:
        m = c.chosen_overall.get(name)
        if m is None or m.target is None or m.target.value is None or m.value.value is None:
            continue
        if _short(m, m.value.value, m.target.value):
            missed.append(_missed(c, m, name in keys))
            continue
        far = _far(m)
        if far is not None and _short(m, far, m.target.value):
            unsure.append(_not_secured(c, m))
    return missed + unsure  # a missed target before one merely not secured


def _spread(metric: str, half: float) -> str:
    return f"{half * 100:.1f} pts" if F.is_rate(metric) else F.sig(half, 2)


def test_set_size(c: Context) -> list[FindingFact]:
    """The decision metric's interval is too wide to pin the call down."""
    m = c.chosen_overall.get(c.decision_name or "")
    if m is None or m.interval is None:
        return []
    half = (m.interval.high - m.interval.low) / 2
    limit = c.checks.max_headline_halfwidth
    size = {"n": str(m.n) if m.n else "n/a", "interval": m.interval.text}
    advice = "Evaluate on a larger test set before quoting the number precisely."
    if m.name not in BOUNDED and m.name not in ABSOLUTE:
        value = abs(m.value.value or 0.0)
        if value == 0 or half / value <= limit:
            return []
        message = (
            f"The 95% interval of {m.label} is {m.interval.text}, ±{F.percent(half / value)} "
            f"of the value; the decision needs ±{F.percent(limit)}."
        )
        rows = m.n * (half / value / limit) ** 2 if m.n else None
    else:
        if half <= limit:
            return []
        rows = m.n * (half / limit) ** 2 if m.n else None
        message = (
            f"The 95% interval of {m.label} is {m.interval.text} (±{_spread(m.name, half)}); "
            f"the decision needs ±{_spread(m.name, limit)}."
        )
    need = int(rows) + 1 if rows else None
    if need:
        message += (
            f" About {F.fmt_count(need)} {conditions.unit(m, c.test_cases)} would narrow it enough "
            f"(now {F.fmt_count(m.n or 0)})."
        )
    condition = conditions.simple(
        f"Before quoting {m.label} as a precise figure, evaluate it on about "
        f"{F.fmt_count(need)} {conditions.unit(m, c.test_cases)} (now {F.fmt_count(m.n or 0)})."
        if need
        else f"Before quoting {m.label} as a precise figure, evaluate it on a larger test set.",
        "test-set-too-small",
        m.name,
        rung=m.rung,
        size=need,
        size_unit=conditions.unit(m, c.test_cases),
    )
    return [
        finding(
            "test-set-too-small",
            "warning",
            "Test set too small for the decision",
            message,
            "The test set is too small to pin the key number down.",
            advice,
            metric=m.name,
            rung=m.rung,
            condition=condition,
            **size,
        )
    ]
