"""What routing a group to the fallback costs the overall targets, from counts alone.

A group held back (`conditions.hold_back`) no longer reaches the model. Three kinds of
overall figure with a target then change exactly, from counts the facts already hold:

- the share the product acts on: a bundle's own rate over every test row, measured at the
  outcome's gate, whose count is the outcome's acted rows. The group's acted rows go to the
  fallback: (K − k) / N;
- a built-in rate over every test row (accuracy, top-k accuracy), on the rows the model
  still decides: (K − k) / (N − n);
- the outcome's acted and not-acted counts per period: (K − k) / N and (N − K + k) / N of
  the volume.

A count is a value times its rows, kept only when it round-trips (`count_of`). Anything
else (macro F1, an error rate over the acted rows, false positives) needs counts of the
group the facts do not hold, and is left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from dsreport.analyse import format as F
from dsreport.analyse.facts import HoldBackCostFact, HoldBackFact, MetricFact, Num, OutcomeFact

SERVED = frozenset({"accuracy", "top_k_accuracy"})
"""Built-in rates over every test row, each row right or not: on the rows still decided."""
PERIOD_KINDS = ("acted", "not_acted")
EXACT = 1e-9


def count_of(m: MetricFact) -> int | None:
    """The whole count k behind a share of n rows: k / n is the value (to 1e-9), or, for a
    reported value, rounds to it at the decimals it is written with while neither k − 1 nor
    k + 1 does (0.8827 of 179 is 158; 0.88 of 179 could be 157 or 158). None when no
    single count fits."""
    value, n = m.value.value, m.n
    if value is None or not n:
        return None
    k = round(value * n)
    if not 0 <= k <= n:
        return None
    if abs(k / n - value) <= EXACT:
        return k
    if m.source == "computed":  # a computed share is a count's own quotient
        return None
    exponent = Decimal(repr(value)).as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    tolerance = 0.5 * 10.0**-places + EXACT

    def fits(j: int) -> bool:
        return 0 <= j <= n and abs(j / n - value) <= tolerance

    return k if fits(k) and not fits(k - 1) and not fits(k + 1) else None


def _acted(outcome: OutcomeFact | None) -> int | None:
    """Test rows the product acts on, from the outcome's acted (or not-acted) count."""
    for c in outcome.counts if outcome else []:
        if c.kind == "acted":
            return c.count
        if c.kind == "not_acted":
            return c.n - c.count
    return None


Direction = Literal["higher_is_better", "lower_is_better"]


def _figure(
    names: tuple[str, str, str],
    over: Literal["all", "served", "period"],
    direction: Direction,
    counts: tuple[int, int, int, int],
    values: tuple[float, float, float],
) -> HoldBackCostFact:
    """One figure before and after, beside its target at one precision. `names`: (name,
    label, label in a PM's words); `counts`: (count, n) before and after; `values`:
    (before, after, target)."""
    k, n, k_after, n_after = counts
    shown = dict(zip(("before", "after", "target"), values, strict=True))
    text, pm = F.fmt_group(
        "count" if over == "period" else "rate",
        shown,
        distinct=[("before", "after"), ("after", "target")],
    )
    higher = direction == "higher_is_better"
    met = {key: v >= values[2] if higher else v <= values[2] for key, v in shown.items()}
    return HoldBackCostFact(
        name=names[0],
        label=names[1],
        label_pm=names[2],
        over=over,
        direction=direction,
        count=k,
        count_after=k_after,
        n=n,
        n_after=n_after,
        **{key: Num(value=v, text=text[key], text_pm=pm[key]) for key, v in shown.items()},
        met_before=met["before"],
        met_after=met["after"],
    )


def _rate(
    m: MetricFact, counts: tuple[int, int, int, int], over: Literal["all", "served"]
) -> HoldBackCostFact:
    assert m.target is not None and m.target.value is not None
    k, n, k_after, n_after = counts
    values = (k / n, k_after / n_after, m.target.value)
    return _figure((m.name, m.label, m.label_pm), over, m.direction, counts, values)


def _periods(outcome: OutcomeFact, moved: int) -> list[HoldBackCostFact]:
    """The outcome's acted and not-acted counts per period, `moved` acted rows fewer."""
    out = []
    for c in outcome.counts:
        if c.kind not in PERIOD_KINDS or c.target is None or c.target.value is None:
            continue
        after = c.count - moved if c.kind == "acted" else c.count + moved
        scale = (outcome.volume.value or 0.0) / c.n
        direction: Direction = "higher_is_better" if c.better == "more" else "lower_is_better"
        values = (c.count * scale, after * scale, c.target.value)
        counts = (c.count, c.n, after, c.n)
        out.append(_figure((c.kind, c.means, c.means), "period", direction, counts, values))
    return out


def hold_back_cost(
    overall: Mapping[str, MetricFact],
    group: Mapping[str, MetricFact],
    n: int,
    total: int | None,
    outcome: OutcomeFact | None,
) -> HoldBackFact | None:
    """What holding back a group of `n` test rows (its metrics: `group`, by name) does to
    the chosen rung's `overall` metrics with a target and to the `outcome`; `total`: the
    test rows. None when nothing is exactly computable."""
    if not total or n >= total:
        return None
    acted, costs, moved = _acted(outcome), [], None
    for name, m in overall.items():
        mine = group.get(name)
        if m.target is None or m.target.value is None or mine is None or mine.n != n:
            continue
        if not F.is_rate(name) or m.n != total:
            continue
        k_all, k = count_of(m), count_of(mine)
        if k_all is None or k is None:
            continue
        if name in SERVED:
            costs.append(_rate(m, (k_all, total, k_all - k, total - n), "served"))
        elif (
            name not in F.KNOWN_METRICS
            and outcome is not None
            and k_all == acted
            and m.threshold in (None, outcome.gate)
        ):
            moved = k
            costs.append(_rate(m, (k_all, total, k_all - k, total), "all"))
    if outcome is not None and moved:
        costs += _periods(outcome, moved)
    if not costs:
        return None
    unit = outcome.unit if outcome is not None else "cases"
    period = outcome.period if outcome is not None else None
    return HoldBackFact(group_n=n, moved=moved, total=total, unit=unit, period=period, costs=costs)


def worse(c: HoldBackCostFact) -> bool:
    """Whether the figure moves the wrong way."""
    assert c.before.value is not None and c.after.value is not None
    if c.direction == "higher_is_better":
        return c.after.value < c.before.value
    return c.after.value > c.before.value


def clause(c: HoldBackCostFact, cost: HoldBackFact, *, pm: bool = False) -> str:
    """A figure of `cost` that moves the wrong way, in words: "Auto entry rate falls from
    89.4% to 60.2%, below its target 80.0%"."""
    higher = c.direction == "higher_is_better"
    b, a, t = (x.text_pm if pm else x.text for x in (c.before, c.after, c.target))
    name, tail = c.label, ""
    if c.over == "period":  # "fields entered automatically fall from 894,000 to 602,000 a month"
        move = "fall" if higher else "rise"
        tail = f" a {cost.period}" if cost.period else ""
    else:
        move = "falls" if higher else "rises"
        if pm:
            name = f"the {c.label_pm}"
        if c.over == "served":
            name += f" on the {c.n_after:,} {cost.unit} the model still decides"
    side, its = ("below" if higher else "above"), "the" if c.over == "period" else "its"
    fate = f"still meeting {its} target {t}" if c.met_after else f"{side} {its} target {t}"
    return f"{name} {move} from {b} to {a}{tail}, {fate}"


def broken(cost: HoldBackFact) -> list[HoldBackCostFact]:
    """The targets met today that holding back then misses: the rates when one is."""
    broken = cost.breaks
    return [c for c in broken if c.over != "period"] or broken


def sentence(cost: HoldBackFact, *, pm: bool = False) -> str | None:
    """The cost in one sentence: every figure that moves the wrong way (for the PM, only
    the targets it then misses). None: no cost to say."""
    shown = broken(cost) if pm else [c for c in cost.costs if worse(c)]
    if not shown:
        return None
    the = "" if pm else "the "
    if cost.moved:
        lead = f"This sends {cost.moved:,} more of {the}{cost.total:,} test {cost.unit}"
        lead += " to the fallback"
    else:
        rest = cost.total - cost.group_n
        lead = f"The model then decides {rest:,} of {the}{cost.total:,} test {cost.unit}"
    said = "; ".join(clause(c, cost, pm=pm) for c in shown)
    return f"{lead}: {said}."


def conflict(group: str, cost: HoldBackFact) -> str | None:
    """The recommendation's reason when holding `group` back misses targets the model
    meets: the conditions conflict, and the owner chooses."""
    lost = broken(cost)
    if not lost:
        return None
    said = "; ".join(clause(c, cost) for c in lost)
    which = "this" if len(lost) == 1 else "these"
    return (
        f"The conditions conflict: routing {group} to the fallback misses "
        f"{'a target' if len(lost) == 1 else 'targets'} the model otherwise meets ({said}). "
        f"Ship only if the owner accepts {which}; else improve the model on {group} first."
    )
