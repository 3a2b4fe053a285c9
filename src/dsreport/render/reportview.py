"""What the report's template is given: facts selected and grouped, never computed.

Every number here is a fact the analysis made and formatted; these functions only pick
which ones a table or a chart shows, so the template stays a layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dsreport.analyse.facts import Facts, MetricFact, RungFact, SliceFact
from dsreport.vocabulary import labels

INLINE_FIELDS = 8
"""A contract with more fields than this is summarised in the body and listed in full in
the appendix, so a 30-row schema does not fill three pages of the design section."""


def overall(facts: Facts, rung: str, split: str = "test") -> list[MetricFact]:
    """A rung's overall (not per-slice) metrics on one split, in the facts' order."""
    return [m for m in facts.metrics if m.rung == rung and m.slice_key is None and m.split == split]


def targeted(facts: Facts) -> list[MetricFact]:
    """The chosen rung's metrics that have a target, the headline first; each once. A value
    the bundle reported at another threshold stands beside the computed one in the facts (and
    in the metrics table); the computed one is the metric's, as in the headline."""
    chosen = _chosen(facts)
    by_name: dict[str, MetricFact] = {}
    for m in overall(facts, chosen):
        if m.target is not None and (m.name not in by_name or m.source == "computed"):
            by_name[m.name] = m
    found = list(by_name.values())
    headline = facts.headline.metric.name if facts.headline else None
    found.sort(key=lambda m: m.name != headline)
    return found


def _chosen(facts: Facts) -> str:
    return next((r.id for r in facts.ladder if r.chosen), "")


@dataclass
class RungRow:
    rung: RungFact
    cells: list[MetricFact | None]


def rung_rows(facts: Facts, metrics: list[MetricFact]) -> list[RungRow]:
    """Every rung against every targeted metric: the values (and intervals) the facts hold."""
    rows = []
    for rung in facts.ladder:
        mine = {m.name: m for m in overall(facts, rung.id)}
        rows.append(RungRow(rung, [mine.get(m.name) for m in metrics]))
    return rows


@dataclass
class SliceGroup:
    """One targeted metric across slice values: judged by the analysis (`judged`, its
    SliceFacts) or only measured (`measured`, the per-slice MetricFacts)."""

    metric: MetricFact
    judged: list[SliceFact] = field(default_factory=list)
    measured: list[MetricFact] = field(default_factory=list)


def slice_groups(facts: Facts, metrics: list[MetricFact]) -> list[SliceGroup]:
    """Per targeted metric, what the facts hold per slice; SliceFacts of any other metric
    follow, so every one the analysis made is shown."""
    chosen = _chosen(facts)
    groups = []
    shown = set()
    for metric in metrics:
        judged = sorted(
            (s for s in facts.slices if s.metric.name == metric.name),
            key=lambda s: (s.key, s.value),
        )
        measured = [
            m
            for m in facts.metrics
            if m.name == metric.name
            and m.rung == chosen
            and m.split == metric.split
            and m.slice_key is not None
        ]
        measured.sort(key=lambda m: (m.slice_key or "", m.slice_value or ""))
        if judged or measured:
            groups.append(SliceGroup(metric, judged, [] if judged else measured))
            shown.add(metric.name)
    whole = {m.name: m for m in overall(facts, chosen)}
    for s in facts.slices:
        if s.metric.name in shown:
            continue
        group = next((g for g in groups if g.metric.name == s.metric.name), None)
        if group is None:
            group = SliceGroup(whole.get(s.metric.name, s.metric))
            groups.append(group)
        group.judged.append(s)
    return groups


def metric_labels(facts: Facts) -> dict[str, str]:
    """Display name of every metric the facts mention, comparisons included."""
    found = {m.name: m.label for m in facts.metrics}
    for c in facts.comparisons:
        found.setdefault(c.metric, labels(c.metric)[0])
    return found
