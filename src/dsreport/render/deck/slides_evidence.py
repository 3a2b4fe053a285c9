"""The results slide: the outcome in the product's units against today and the target (or,
without an outcome, the decision metric), its data-science metric as the caption."""

from __future__ import annotations

from dataclasses import dataclass, field

from dsreport.analyse import format as F
from dsreport.analyse.facts import ComparisonFact, HeadlineFact, IntervalFact
from dsreport.render.deck.blocks import Block, badge, block_height, stack
from dsreport.render.deck.charts import Column, Reference, column_chart
from dsreport.render.deck.compose import Builder
from dsreport.render.deck.draw import set_notes, text_box
from dsreport.render.deck.fit import Para
from dsreport.render.deck.geometry import inches
from dsreport.render.deck.words import (
    against_target,
    baseline,
    cap,
    change_words,
    chosen,
    higher,
    metric_name,
    per,
    range_words,
    recommended,
    target_line,
    target_words,
)

STAT_SIZES = (24.0, 22.0, 20.0, 18.0, 16.0, 14.0)


def _noise(c: ComparisonFact | None) -> str:
    if c is None or c.significant is None:
        return ""
    if not c.significant:
        return "within the noise"
    return "a real gain" if c.better else "a real loss"


@dataclass
class ResultView:
    """What the results slide shows, whatever it is measured in."""

    title: str
    big: str
    caption: list[Para]
    stats: list[Para]
    heading: str
    columns: list[Column]
    series: str
    alt: str
    reference: Reference | None = None
    footnote: str = ""
    notes: list[str] = field(default_factory=list)


def _headline_caption(b: Builder, h: HeadlineFact) -> str:
    """The data-science metric behind the outcome, in one line: the slide's caption."""
    if h.shown is None:
        return ""
    shown = h.shown.text_pm
    text = f"Measured as {h.metric.label}: " + against_target(
        h.metric, shown["ours"], shown.get("target", "")
    )
    if "today" in shown:
        text += f"; today {shown['today']}"
    return text + "."


def _column(label: str, text: str, ours: bool, interval: IntervalFact | None) -> Column:
    """A chart column, with the likely range as its error bar when there is one."""
    low, high = (interval.low, interval.high) if interval else (None, None)
    return Column(label, text, ours, low, high)


def _outcome_view(b: Builder) -> ResultView | None:
    facts = b.facts
    outcome, ours, base = facts.outcome, recommended(facts), baseline(facts)
    if outcome is None or ours is None or not outcome.counts:
        return None
    count = outcome.counts[0]
    shown = count.shown.text_pm
    period = per(outcome)
    today = count.today is not None
    title = f"{cap(count.means)}: {shown['ours']} {period} with {ours.name}" + (
        f", {shown['today']} today" if today else ""
    )
    likely = f"likely {count.interval.text_pm}" if count.interval else "no likely range known"
    stats = []
    if today:
        who = f" ({base.name})" if count.today_source == "baseline" and base else ""
        stats.append(Para(f"{shown['today']}{who}", lead="Today:"))
        change = change_words(count)
        if count.change_interval is not None:
            low, _, high = count.change_interval.text_pm.partition(" to ")
            change += f" (likely {range_words(low, high)})"
        stats.append(Para(change, lead="Change:"))
    if count.target is not None:
        stats.append(Para(target_line(count), lead="Target:"))
    columns = []
    if today:
        label = base.name if count.today_source == "baseline" and base else "Today"
        columns.append(_column(label, shown["today"], False, count.today_interval))
    columns.append(_column(ours.name, shown["ours"], True, count.interval))
    reference = Reference("Target", shown["target"]) if count.target is not None else None
    parts = [f"{c.label} {c.text}" for c in columns]
    alt = (
        f"Column chart of {count.means} {period}. "
        + ". ".join(cap(p) for p in parts)
        + (f", likely {count.interval.text_pm.replace('–', ' to ')}" if count.interval else "")
        + "."
        + (f" The dashed line is the target: {target_words(count)}." if reference else "")
    )
    notes = [
        f"{cap(count.means)} {period}: {shown['ours']} with {ours.name} ({likely}); "
        f"counted on {F.fmt_count(count.n)} test {outcome.unit} ({F.fmt_count(count.count)} "
        f"of them) and scaled to {outcome.volume.text_pm} {outcome.unit} {period}.",
        f"The product acts on a case when its {outcome.gate_text}.",
    ]
    for other in outcome.counts[1:]:
        line = f"{cap(other.means)}: {other.shown.text_pm['ours']} {period}"
        if other.interval is not None:
            line += f" (likely {other.interval.text_pm})"
        if other.today is not None:
            line += f"; today {other.shown.text_pm['today']}"
        notes.append(line + ".")
    return ResultView(
        title=title,
        big=shown["ours"],
        caption=[Para(f"{count.means} {period}", bold=True), Para(likely, colour="muted")],
        stats=stats,
        heading=f"{ours.name} against today"
        + (f"; the dashed line is the target, {target_words(count)}" if reference else ""),
        columns=columns,
        series=f"{cap(count.means)} {period}",
        alt=alt,
        reference=reference,
        footnote=_headline_caption(b, facts.headline) if facts.headline else "",
        notes=notes,
    )


def _metric_view(b: Builder) -> ResultView | None:
    facts = b.facts
    h, ours, base = facts.headline, chosen(facts), baseline(facts)
    if h is None or ours is None or h.shown is None:
        return None
    m, name = h.metric, metric_name(facts, b.spec, h.metric)
    shown = h.shown.text_pm
    title = f"{cap(name)}: " + against_target(m, shown["ours"], shown.get("target", ""))
    span = f"likely {m.interval.text_pm}" if m.interval else "no likely range known"
    comparison = next((c for c in facts.comparisons if base and c.other == base.id), None)
    stats = []
    if "target" in shown:
        stats.append(Para(shown["target"], lead="Target:"))
    if base is not None and "today" in shown:
        noise = _noise(comparison)
        change = f" ({shown['change']}{', ' + noise if noise else ''})" if "change" in shown else ""
        stats.append(Para(f"{shown['today']}{change}", lead="Today:"))
    columns = []
    if base is not None and "today" in shown:
        columns.append(Column(base.name, shown["today"]))
    interval = m.interval
    columns.append(_column(ours.name, shown["ours"], True, interval))
    reference = Reference("Target", shown["target"]) if "target" in shown else None
    better = "" if higher(m) else " Lower is better."
    alt = (
        f"Column chart of {name}. "
        + ". ".join(cap(f"{c.label} {c.text}") for c in columns)
        + (f", likely {interval.text_pm.replace('–', ' to ')}" if interval else "")
        + "."
        + (f" The dashed line is the {shown['target']} target." if reference else "")
        + better
    )
    return ResultView(
        title=title,
        big=shown["ours"],
        caption=[Para(ours.name, bold=True), Para(span, colour="muted")],
        stats=stats,
        heading=(f"{ours.name} against today's {base.name}" if base else ours.name)
        + (f"; the dashed line is the {shown['target']} target" if reference else ""),
        columns=columns,
        series=cap(name),
        alt=alt,
        reference=reference,
        footnote=f"Measured as {m.label}.{better}",
        notes=_headline_notes(name, h, comparison, b),
    )


def _headline_notes(name: str, h: HeadlineFact, c: ComparisonFact | None, b: Builder) -> list[str]:
    m = h.metric
    n = f", measured on {F.fmt_count(m.n)} {m.split} cases" if m.n else ""
    span = f", likely range {m.interval.text_pm} (95% interval)" if m.interval else ""
    notes = [f"{cap(name)} ({m.label}): {m.value.text_pm}{span}{n}."]
    if m.target is not None:
        notes.append(f"Target: {m.target.text_pm}; {'met' if m.target_met else 'missed'}.")
    base = baseline(b.facts)
    if base is not None and h.baseline is not None:
        delta = f", a difference of {h.delta.text_pm}" if h.delta else ""
        notes.append(f"Today ({base.name}): {h.baseline.text_pm}{delta}.")
    if c is not None and c.interval is not None:
        notes.append(
            f"Difference likely between {c.interval.text_pm} ({_noise(c)}; "
            f"{F.fmt_count(c.n)} cases, {c.method})."
        )
    for s in (s for s in b.facts.slices if s.decision_metric):
        flag = " — below target" if s.below_target else ""
        small = "" if s.judged else " (too few cases to judge)"
        notes.append(
            f"Group {s.key} = {s.value}: {s.metric.value.text_pm} "
            f"(n = {F.fmt_count(s.n)}){flag}{small}."
        )
    return notes


def results(b: Builder, start: int, room: bool) -> int | None:
    deck, facts = b.deck, b.facts
    view = _outcome_view(b) or _metric_view(b)
    if view is None:
        slide = b.new("results", "No headline result could be computed")
        set_notes(slide, ["The bundle has no headline metric for the chosen model."])
        return None
    slide = b.new("results", view.title)
    area = deck.content("results")
    body = area
    if view.footnote:
        note = Block("Caption", [Para(view.footnote, colour="muted")], (18.0, 16.0, 14.0))
        tall = block_height(deck, area.w, note, 16.0)
        body = area.top(area.h - tall - inches(0.1))
        text_box(
            deck,
            slide,
            area.below(body, inches(0.1)),
            note.paras,
            note.sizes,
            name="Caption",
        )
    left, right = body.cols(0, 6), body.cols(6, 6).inset(inches(0.15), 0)
    badge_h = inches(0.65) if facts.recommendation is not None else 0
    column = left.top(left.h - badge_h - (inches(0.15) if badge_h else 0))
    stack(
        deck,
        slide,
        column,
        [
            Block(
                "Big number",
                [Para(view.big, bold=True, colour="accent")],
                (60.0, 54.0, 48.0),
                anchor="b",
            ),
            Block("Big number caption", view.caption, (20.0, 18.0, 16.0, 14.0)),
            Block("Against today", view.stats, STAT_SIZES),
        ],
        gap=inches(0.12),
    )
    if facts.recommendation is not None:
        badge(deck, slide, left.below(column, inches(0.15)).top(badge_h), facts.recommendation)
    title_block = Block(
        "Chart title", [Para(view.heading, bold=True, colour="muted")], (20.0, 18.0, 16.0, 14.0)
    )
    heading = right.top(block_height(deck, right.w, title_block, 16.0))
    text_box(
        deck, slide, heading, title_block.paras, title_block.sizes, name="Chart title", anchor="b"
    )
    column_chart(
        deck,
        slide,
        right.below(heading, inches(0.1)),
        view.columns,
        series=view.series,
        alt=view.alt,
        reference=view.reference,
    )
    notes = list(view.notes)
    if facts.headline is not None and facts.outcome is not None:
        name = metric_name(facts, b.spec, facts.headline.metric)
        comparison = next((c for c in facts.comparisons if c.other == facts.outcome.baseline), None)
        notes += _headline_notes(name, facts.headline, comparison, b)
    set_notes(slide, notes)
    return None
