"""The business outcome: counts per period for the chosen rung, today's process and the target.

The bundle says what the product counts (`ecosystem.outcome`): cases per period and which
kind of result matters (a benign case sent to the senior reader is a false positive of the
triage, say). Each kind is a share of the test rows, scaled to the period's volume, with a
Wilson interval; the change against today is a paired bootstrap over the same rows (each
row counts +1, 0 or -1), so it needs only three counts however many rows there are. A
binary task's counts come from its statistics (histograms and the joint histogram of the
rung and the baseline, whose grid has the gate as an edge), a regression task's from the
counts of its rungs' decisions jointly with the baseline's, a multiclass task's from its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dsreport.analyse import format as F
from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.facts import (
    FindingFact,
    IntervalFact,
    Num,
    OutcomeCountFact,
    OutcomeFact,
    ShownFact,
)
from dsreport.analyse.intervals import wilson
from dsreport.bundle.outcome import BETTER_BY_KIND, Outcome, OutcomeCount
from dsreport.bundle.spec import BundleSpec

LEVEL = 0.95

Mask = Any
"""A boolean array over the test rows."""


def gate_of(spec: BundleSpec) -> float:
    """The value at or above which the product acts on a case."""
    outcome = spec.ecosystem.outcome
    if spec.project.task == "binary" or outcome is None or outcome.gate is None:
        return spec.interrogation.operating_threshold
    return outcome.gate


def gate_words(spec: BundleSpec) -> str:
    what = {"binary": "score", "multiclass": "confidence", "regression": "predicted value"}
    return f"{what[spec.project.task]} is at or above {gate_of(spec):,g}"


@dataclass
class Decided:
    """The test rows' decisions for one rung: acted and should-act per cell, and how many
    rows each cell stands for (1 per row; a histogram cell's count for binary)."""

    acted: Mask
    positive: Mask
    weight: Any

    @property
    def n(self) -> int:
        return round(float(np.sum(self.weight)))

    def count(self, mask: Mask) -> int:
        return round(float(np.sum(self.weight[mask])))


def regression_decisions(spec: BundleSpec, ev: Evaluation, rung: str) -> dict[str, Decided]:
    """Regression, from the statistics: every rung's decisions over the cells (target at or
    above the gate, rung acts, baseline acts), so the change against today is paired."""
    summary, baseline = ev.regression, spec.ladder.baseline
    if summary is None:
        return {}
    truth, mine, theirs = (a.astype(bool) for a in np.indices((2, 2, 2)).reshape(3, -1))
    out = {}
    for (each, _), cube in summary.decisions.items():
        weight = cube.reshape(-1)
        out[each] = Decided(mine, truth, weight)
        if each == rung and (baseline, baseline) in summary.decisions:
            out[baseline] = Decided(theirs, truth, weight)
    return out


def binary_decisions(spec: BundleSpec, ev: Evaluation, rung: str) -> dict[str, Decided]:
    """Binary, from the statistics: every rung's decisions over its histogram's cells; the
    reported rung and the baseline over the cells of their joint histogram, so that the
    change against today is paired on the same rows."""
    stats, gate, baseline = ev.stats, gate_of(spec), spec.ladder.baseline
    if stats is None:
        return {}
    out = {}
    for each in spec.ladder.rungs:
        if stats.has("test", each.id):
            hist = stats.histogram("test", each.id)
            acted = np.concatenate([hist.values >= gate] * 2)
            positive = np.repeat([True, False], len(hist.values))
            out[each.id] = Decided(acted, positive, np.concatenate([hist.pos, hist.neg]))
    pair = stats.pair(rung, baseline) if rung != baseline else None
    if pair is not None:
        truth, mine, theirs = np.indices(pair.counts.shape).reshape(3, -1)
        weight = pair.counts.reshape(-1)
        out[rung] = Decided(pair.values[mine] >= gate, truth == 1, weight)
        out[baseline] = Decided(pair.values[theirs] >= gate, truth == 1, weight)
    return out


def multiclass_decisions(ev: Evaluation, rung: str, baseline: str) -> dict[str, Decided]:
    """Multiclass, from the statistics: every rung's test rows by (acted, right); `rung`
    and the baseline over their joint cells, so the change against today is paired."""
    stats = ev.multi
    if stats is None:
        return {}
    cell = np.arange(16)
    out = {}
    for each, joint in stats.outcome.items():
        mine = joint.reshape(4, 4).sum(axis=1)
        out[each] = Decided(np.arange(4) >= 2, np.arange(4) % 2 == 1, mine)
    if rung != baseline and rung in out and baseline in out:
        joint = stats.outcome[rung]
        out[rung] = Decided(cell >= 8, cell // 4 % 2 == 1, joint)
        out[baseline] = Decided(cell // 2 % 2 == 1, cell % 2 == 1, joint)
    return out


def select(kind: str, decided: Decided) -> Mask:
    """The rows of one kind of result."""
    acted, positive = decided.acted, decided.positive
    return {
        "acted": acted,
        "not_acted": ~acted,
        "true_positive": acted & positive,
        "false_positive": acted & ~positive,
        "false_negative": ~acted & positive,
        "true_negative": ~acted & ~positive,
    }[kind]


def better_of(count: OutcomeCount) -> str:
    return count.better or BETTER_BY_KIND.get(count.kind, "more")


def _num(value: float) -> Num:
    return Num(
        value=value,
        text=F.count_estimate(value),
        text_pm=F.count_estimate(value, audience="pm"),
    )


def _interval(low: float, high: float, method: str) -> IntervalFact:
    return IntervalFact(
        low=low,
        high=high,
        level=LEVEL,
        text=f"{F.count_estimate(low)}–{F.count_estimate(high)}",
        text_pm=(f"{F.count_estimate(low, audience='pm')}–{F.count_estimate(high, audience='pm')}"),
        method=method,
    )


def _signed(value: float, audience: str) -> str:
    text = F.count_estimate(abs(value), audience=audience)
    return text if F.parse(text) == 0 else ("+" if value > 0 else "−") + text


def _change_interval(low: float, high: float) -> IntervalFact:
    fact = _interval(low, high, "bootstrap")
    fact.text = f"{_signed(low, 'ds')} to {_signed(high, 'ds')}"
    fact.text_pm = f"{_signed(low, 'pm')} to {_signed(high, 'pm')}"
    return fact


def _scaled_wilson(count: int, n: int, volume: float) -> IntervalFact:
    low, high = wilson(count, n, LEVEL)
    return _interval(low * volume, high * volume, "wilson")


def paired_change(
    ours: Mask, today: Mask, volume: float, seed: int, resamples: int, weight: Any = None
) -> Any:
    """Percentile interval of (ours - today) per period: each row counts +1, 0 or -1, so a
    resample is one multinomial draw of the three counts. `weight`: rows per cell."""
    decided = Decided(ours, today, np.ones(len(ours)) if weight is None else weight)
    n = decided.n
    up = decided.count(ours & ~today)
    down = decided.count(today & ~ours)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, [up / n, down / n, (n - up - down) / n], size=resamples)
    diffs = (draws[:, 0] - draws[:, 1]) * volume / n
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(diffs, [tail, 100 - tail])
    point = (up - down) * volume / n
    return min(float(low), point), max(float(high), point)


def _count_fact(
    spec: BundleSpec,
    decl: Outcome,
    count: OutcomeCount,
    masks: dict[str, Decided],
    resamples: int,
    rung: str,
) -> OutcomeCountFact:
    ladder = spec.ladder
    n = masks[rung].n
    scale = decl.volume / n
    mine = select(count.kind, masks[rung])
    k = masks[rung].count(mine)
    better = better_of(count)
    ours = k * scale
    fact = OutcomeCountFact(
        kind=count.kind,
        means=count.means,
        better=better,
        count=k,
        n=n,
        ours=_num(ours),
        interval=_scaled_wilson(k, n, decl.volume),
        shown=ShownFact(text={}, text_pm={}),
    )
    rungs = {r: decided.count(select(count.kind, decided)) * scale for r, decided in masks.items()}
    today = None
    if count.today is not None:
        today = count.today
        fact.today, fact.today_source = _num(today), "declared"
        assert fact.interval is not None
        fact.change_interval = _change_interval(
            fact.interval.low - today, fact.interval.high - today
        )
    elif ladder.baseline in masks:
        theirs = select(count.kind, masks[ladder.baseline])
        today = masks[ladder.baseline].count(theirs) * scale
        fact.today, fact.today_source = _num(today), "baseline"
        fact.today_interval = _scaled_wilson(masks[ladder.baseline].count(theirs), n, decl.volume)
        seed = spec.interrogation.seed
        low, high = paired_change(mine, theirs, decl.volume, seed, resamples, masks[rung].weight)
        fact.change_interval = _change_interval(low, high)
    if today is not None:
        fact.change = _num(ours - today)
    if count.target is not None:
        fact.target = _num(count.target)
        sign = 1 if better == "more" else -1
        fact.target_met = sign * ours >= sign * count.target
        assert fact.interval is not None
        edge = fact.interval.low if better == "more" else fact.interval.high
        fact.target_secured = sign * edge >= sign * count.target
    # one precision for every number of this count: ours, today, the target and the ladder
    text, text_pm = F.fmt_group(
        "count",
        {
            "ours": ours,
            "today": today,
            "target": count.target,
            **{f"rung {r}": v for r, v in rungs.items()},
        },
        change=("ours", "today"),
        distinct=[("ours", "target"), ("ours", "today")],
    )
    fact.by_rung = {
        r: Num(value=v, text=text.pop(f"rung {r}"), text_pm=text_pm.pop(f"rung {r}"))
        for r, v in rungs.items()
    }
    fact.shown = ShownFact(text=text, text_pm=text_pm)
    return fact


def outcome_fact(
    spec: BundleSpec, ev: Evaluation | None, resamples: int, rung: str | None = None
) -> OutcomeFact | None:
    """The declared outcome computed from the predictions for `rung` (the rung the
    recommendation is about; the chosen rung by default); None when either is missing."""
    decl = spec.ecosystem.outcome
    if decl is None or ev is None:
        return None
    rung = rung or spec.ladder.chosen
    masks: dict[str, Decided] = {}
    if spec.project.task == "binary":
        masks = binary_decisions(spec, ev, rung)
    elif spec.project.task == "regression":
        masks = regression_decisions(spec, ev, rung)
    else:
        masks = multiclass_decisions(ev, rung, spec.ladder.baseline)
    masks = {r: decided for r, decided in masks.items() if decided.n}
    if rung not in masks:
        return None
    return OutcomeFact(
        unit=decl.unit,
        period=decl.period,
        volume=_num(decl.volume),
        gate=gate_of(spec),
        gate_text=gate_words(spec),
        rung=rung,
        baseline=spec.ladder.baseline,
        n=masks[rung].n,
        counts=[_count_fact(spec, decl, c, masks, resamples, rung) for c in decl.counts],
    )


def outcome_findings(outcome: OutcomeFact | None) -> list[FindingFact]:
    """Findings on the outcome's targets, for the checks to add: a target missed, and a
    target met whose likely range reaches past it. (Not wired into the recommendation
    here: the checks decide.)"""
    if outcome is None:
        return []
    out = []
    per = f"a {outcome.period}"
    for c in outcome.counts:
        if c.target is None or c.interval is None:
            continue
        way = "at most" if c.better == "fewer" else "at least"
        shown = c.shown.text
        evidence = {
            "ours": f"{shown['ours']} {per}",
            "interval": c.interval.text,
            "target": f"{way} {shown['target']}",
        }
        if c.target_met is False:
            out.append(
                FindingFact(
                    id="outcome-target-missed",
                    severity="warning",
                    title="Outcome target missed",
                    message=f"{shown['ours']} {c.means} {per} (95% interval {c.interval.text}) "
                    f"misses the target of {way} {shown['target']}.",
                    message_pm=f"{c.shown.text_pm['ours']} {c.means} {per}, against a "
                    f"target of {way} {c.shown.text_pm['target']}.",
                    evidence=evidence,
                    recommendation="Do not promise the target; agree a new one or improve "
                    "the model first.",
                )
            )
        elif c.target_secured is False:
            edge = c.interval.high if c.better == "fewer" else c.interval.low
            out.append(
                FindingFact(
                    id="outcome-target-not-secured",
                    severity="warning",
                    title="Outcome target not secured",
                    message=f"{shown['ours']} {c.means} {per} meets the target of {way} "
                    f"{shown['target']}, but its 95% interval ({c.interval.text}) reaches "
                    f"{F.count_estimate(edge)}.",
                    message_pm=f"{c.shown.text_pm['ours']} {c.means} {per} meets the target "
                    f"of {way} {c.shown.text_pm['target']}, but could be "
                    f"{F.count_estimate(edge, audience='pm')}.",
                    evidence=evidence,
                    recommendation="Monitor this count from the first week and agree the "
                    "level at which to stop.",
                )
            )
    return out
