"""Conditions a warning puts on shipping: each names its metric, group, size and threshold.

A pilot's size is the number of cases that would detect a fall from the target to the
level that matters: the operator's worst case for the success metric, else the far end
of the metric's current interval, and never less than the interval's half-width h below
the target. Detecting it means the stop rule (the pilot's 95% upper bound below the
target) fires about four times in five when the metric has fallen that far: 80% power.
For a proportion the bound is Wilson's, and the size is the fewest cases at which the
rule's exact binomial power reaches 80% (`pilotpower`). A share built from cases (F1, a
macro average) is read from a percentile bootstrap, whose bound sits about z spreads from
the pilot's own value: (z + z₈₀)²·p(1 − p) / d² cases for a fall level p and its distance
d from the target (z = 1.96, z₈₀ = 0.84), times how much more than a proportion it
spreads today. For other metrics intervals narrow with the square root of the cases, so
a metric measured on n cases needs about n·(h / d)²·((z + z₈₀) / z)². Never fewer than
30. A pilot sized only so that its interval is as wide as the fall catches the fall far
less often (half the time, for a symmetric interval). Such a pilot tells that fall from
the target; it cannot confirm the target, and its condition says what it buys. The stop
rule is read from the pilot's own interval.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from dsreport.analyse import format as F
from dsreport.analyse import holdback, pilotpower
from dsreport.analyse.facts import ConditionFact, HoldBackFact, MetricFact
from dsreport.analyse.metricfacts import num
from dsreport.vocabulary import LOWER_IS_BETTER

MIN_PILOT = 30
Z = NormalDist().inv_cdf(0.975)
POWER = 0.8
"""How often a pilot's stop rule fires when the metric has fallen to the level that matters."""
Z_POWER = NormalDist().inv_cdf(POWER)
UNBOUNDED = frozenset({"mape", "smape"})
"""Printed in percent but not shares of cases (a percentage error passes 100%): sized from
their interval, as other numbers are."""
BUILT = frozenset(
    {"f1", "balanced_accuracy", "macro_precision", "macro_recall", "macro_f1", "weighted_f1"}
)
"""Shares built from cases, not a proportion of them: a pilot reads them from a percentile
bootstrap, whatever interval the bundle reported."""
UNITS = {
    "recall": "positive cases",
    "specificity": "negative cases",
    "precision": "flagged cases",
    "error_rate": "reviewed cases",
}


def _counts_some(m: MetricFact, total: int | None) -> bool:
    """A bundle's own metric measured on fewer rows than the test set: it counts some
    cases (fast progressors, say) the bundle does not name."""
    return m.name not in F.KNOWN_METRICS and bool(total and m.n and m.n < total)


def unit(m: MetricFact, total: int | None = None, *, pm: bool = False) -> str:
    """What a count of `m`'s cases is of: a built-in metric's own unit, else in neutral
    words (`total`: the test rows)."""
    if m.name in UNITS:
        return UNITS[m.name]
    if _counts_some(m, total):
        return f"cases counted in the {pm_name(m)}" if pm else f"cases counted in {m.label}"
    return "cases"


def where(m: MetricFact) -> str:
    return f" on {m.slice_key} = {m.slice_value}" if m.slice_key else ""


def _sized(m: MetricFact, worst: float | None) -> tuple[float, float, float] | None:
    """(the level a pilot must catch a fall to, its distance from the target, the interval's
    half-width), or None."""
    if m.interval is None or m.target is None or m.target.value is None or not m.n:
        return None
    higher = m.direction == "higher_is_better"
    far = worst if worst is not None else (m.interval.low if higher else m.interval.high)
    half = (m.interval.high - m.interval.low) / 2
    if half <= 0:
        return None
    distance = max(abs(m.target.value - far), half)
    level = m.target.value - distance if higher else m.target.value + distance
    return level, distance, half


def pilot_size(m: MetricFact, worst: float | None = None) -> int | None:
    """Cases needed to detect a fall to `worst` (else the interval's far end)."""
    sized = _sized(m, worst)
    if sized is None:
        return None
    level, distance, half = sized
    assert m.target is not None and m.target.value is not None
    n, shared = m.n or 0, _share(m)
    today = m.value.value if m.value.value is not None else level
    if shared and m.name not in BUILT:
        # a proportion of cases, read from a Wilson bound: the exact power of the rule
        higher = m.direction == "higher_is_better"
        level = min(max(level, 0.0), 1.0)
        return pilotpower.cases(m.target.value, level, higher, Z, POWER, MIN_PILOT)
    if shared:
        # a share built from cases (F1, a macro average), read from a percentile bootstrap:
        # the bound sits about z spreads from the pilot's own value, so both spreads are at
        # the fall level, times how much more than a share of cases the metric spreads today
        value, level = _inside(today), _inside(level)
        excess = max(1.0, n * (half / Z) ** 2 / (value * (1 - value)))
        need = excess * (Z + Z_POWER) ** 2 * level * (1 - level) / (distance * distance)
    else:  # the test's interval, half wide h on n cases, narrowed to d / (z + z80) of z
        need = n * (_spread_at(m.name, half, today, level) / distance) ** 2
        need *= ((Z + Z_POWER) / Z) ** 2
    return max(MIN_PILOT, math.ceil(need))


def _share(m: MetricFact) -> bool:
    """A share of cases, or one built from them: named as a rate, with its value, interval
    and target all in [0, 1]. A bundle's own metric named like one (an `accuracy_gain`)
    whose numbers leave [0, 1] is no share: it is sized from its interval, and its fall is
    not cut at 0."""
    if not F.is_rate(m.name) or m.name in UNBOUNDED:
        return False
    numbers = [m.value.value, m.target.value if m.target is not None else None]
    if m.interval is not None:
        numbers += [m.interval.low, m.interval.high]
    return all(x is None or 0.0 <= x <= 1.0 for x in numbers)


def _inside(share: float) -> float:
    """A share kept off 0 and 1, where its spread would vanish."""
    return min(max(share, 0.005), 0.995)


def _spread_at(name: str, half: float, today: float, level: float) -> float:
    """The interval's half-width at the fall level: a built-in error's spread grows with its
    size, R²'s with what it leaves unexplained (which errs towards more cases); others' as
    today."""
    if name in LOWER_IS_BETTER and today > 0 and level > today:
        return half * level / today
    if name == "r2" and today < 1 and level < today:
        return half * (1 - level) / (1 - today)
    return half


def fall(m: MetricFact, worst: float | None = None) -> float | None:
    """The level a pilot of `pilot_size` cases tells from the target with about 80% power
    (a share stays in [0, 1]; a percentage error above 0, and it may pass 100%)."""
    sized = _sized(m, worst)
    if sized is None:
        return None
    if m.name in UNBOUNDED:
        return max(sized[0], 0.0)
    return min(max(sized[0], 0.0), 1.0) if _share(m) else sized[0]


def pm_name(m: MetricFact) -> str:
    """The metric in a PM's words, its gloss in brackets: "typical size of a miss (big
    misses weigh more)"."""
    head, _, tail = m.label_pm.partition(", ")
    return f"{head} ({tail})" if tail else head


def stop_rule(m: MetricFact) -> str:
    assert m.target is not None
    if m.direction == "higher_is_better":
        return (
            f"fall back if the pilot's 95% upper bound on {m.label}{where(m)}, read once at "
            f"its end, is below {m.target.text}"
        )
    return (
        f"fall back if the pilot's 95% lower bound on {m.label}{where(m)}, read once at its "
        f"end, is above {m.target.text}"
    )


def pilot(
    m: MetricFact, finding: str, why: str, worst: float | None = None, total: int | None = None
) -> ConditionFact:
    """Ship as a pilot sized to tell a fall to the level that matters from the target about
    four times in five (not to confirm the target: that takes far more cases), with a stop
    rule. `total`: the test rows, to say what a bundle's own metric counts."""
    assert m.target is not None
    size, level = pilot_size(m, worst), fall(m, worst)
    size_unit = unit(m, total)
    higher = m.direction == "higher_is_better"
    goal, goal_pm = m.target.text, m.target.text_pm
    if size and level is not None and m.target.value is not None:
        # the fall and the target side by side, at one precision that tells them apart
        ds, pm = F.fmt_group(
            "rate" if F.is_rate(m.name) else "number",
            {"fall": level, "target": m.target.value},
            distinct=[("fall", "target")],
        )
        goal, goal_pm, move = ds["target"], pm["target"], "fall" if higher else "rise"
        count, of = F.fmt_count(size), ""
        runs = f" on at least {count} {size_unit}"
        if _counts_some(m, total):  # and how many cases in all that takes, at the test's mix
            assert m.n and total
            every = F.fmt_count(math.ceil(size * total / m.n))
            of = f" ({m.n:,} of the {total:,} test cases: about {every} cases in all)"
            runs = f" on about {every} cases (at least {count} {unit(m, total, pm=True)})"
        text = f"Pilot on at least {count} {size_unit}{of}{where(m)}, enough to tell a {move} "
        text += f"of {m.label} to {ds['fall']} from the target {goal} with about 80% power ({why})"
        runs += (
            f"{where(m)}, enough to tell a {move} to {pm['fall']} from {goal_pm} "
            "about four times in five"
        )
    else:
        runs = where(m)
        text = f"Pilot{runs} with {m.label} held to the target {goal} ({why})"
    text_pm = (
        f"Pilot{runs}; fall back if the {pm_name(m)} is clearly "
        f"{'below' if higher else 'above'} {goal_pm}."
    )
    return ConditionFact(
        text=f"{text}; {stop_rule(m)}.",
        text_pm=text_pm,
        finding=finding,
        metric=m.name,
        rung=m.rung,
        slice=f"{m.slice_key} = {m.slice_value}" if m.slice_key else None,
        size=size,
        size_unit=size_unit,
        threshold=m.target,
        stop_rule=stop_rule(m),
    )


def simple(
    text: str,
    finding: str,
    metric: str,
    *,
    rung: str | None = None,
    slice: str | None = None,
    size: int | None = None,
    size_unit: str | None = None,
    threshold: float | None = None,
    stop: str | None = None,
) -> ConditionFact:
    return ConditionFact(
        text=text,
        finding=finding,
        metric=metric,
        rung=rung,
        slice=slice,
        size=size,
        size_unit=size_unit,
        threshold=num(metric, threshold),
        stop_rule=stop,
    )


def hold_back(
    m: MetricFact, n: int, total: int | None, cost: HoldBackFact | None = None
) -> ConditionFact:
    """A group whose whole interval misses the target goes to the fallback before launch: a
    pilot cannot confirm what the test set already refutes. The model serves it again only
    once a fresh evaluation (at a threshold of its own, or retrained) shows the target met.
    `cost`: what that does to the overall targets, said when a figure moves the wrong way
    (to the PM, when a target is then missed)."""
    assert m.target is not None and m.interval is not None
    group = f"{m.slice_key} = {m.slice_value}"
    higher = m.direction == "higher_is_better"
    side = "below" if higher else "above"
    share = num("share", n / total) if total else None
    stop = (
        "with the model (at a threshold of its own, or retrained) only once a fresh "
        f"evaluation's 95% {'lower' if higher else 'upper'} bound on {m.label} there meets "
        f"{m.target.text}"
    )
    name = pm_name(m)
    costs = holdback.sentence(cost) if cost else None
    costs_pm = holdback.sentence(cost, pm=True) if cost else None
    return ConditionFact(
        text=f"Before launch, route {group} to the fallback: {m.label} there is "
        f"{m.value.text} (95% interval {m.interval.text}, n = {n:,}"
        f"{f', {share.text} of test cases' if share else ''}), wholly {side} the target "
        f"{m.target.text}; serve it {stop}.{f' {costs}' if costs else ''}",
        text_pm=f"Before launch, send {group}{f' ({share.text_pm} of cases)' if share else ''} "
        f"to the fallback: there the {name} is clearly {side} {m.target.text_pm}."
        f"{f' {costs_pm}' if costs_pm else ''}",
        finding="slice-left-behind",
        metric=m.name,
        rung=m.rung,
        slice=group,
        size=n,
        size_unit="cases",
        threshold=m.target,
        stop_rule=f"serve {group} {stop}",
        cost=cost,
    )
