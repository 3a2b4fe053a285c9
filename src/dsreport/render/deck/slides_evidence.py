"""The evidence slides: results at a glance, how we got here, what it looks like."""

from __future__ import annotations

from dsreport.analyse import format as F
from dsreport.analyse.facts import ComparisonFact, ExampleFact, HeadlineFact
from dsreport.render.deck.blocks import badge, big_number
from dsreport.render.deck.charts import Column, Reference, column_chart
from dsreport.render.deck.compose import Builder
from dsreport.render.deck.draw import measure, panel, rgb, set_notes, text_box
from dsreport.render.deck.fit import Para, sentences
from dsreport.render.deck.geometry import inches
from dsreport.render.deck.tables import Cell, table
from dsreport.render.deck.theme import LIGHT
from dsreport.render.deck.words import DECISION, KIND, VERDICT, baseline, cap, chosen, metric_name
from dsreport.vocabulary import SEVERITIES

CARD_SIZES = (20.0, 18.0, 16.0, 14.0)
STAT_SIZES = (28.0, 26.0, 24.0, 22.0, 20.0, 18.0, 16.0, 14.0)


def _noise(c: ComparisonFact | None) -> str:
    if c is None or c.significant is None:
        return ""
    if not c.significant:
        return "within the noise"
    return "a real gain" if c.better else "a real loss"


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
    h, ours, base = facts.headline, chosen(facts), baseline(facts)
    if h is None or ours is None:
        slide = b.new("results", "No headline result could be computed")
        set_notes(slide, ["The bundle has no headline metric for the chosen model."])
        return None
    m, name = h.metric, metric_name(facts, b.spec, h.metric)
    verdict = ""
    if m.target is not None:
        verdict = f", {'meeting' if m.target_met else 'missing'} the {m.target.text_pm} target"
    slide = b.new("results", f"{cap(name)}: {m.value.text_pm}{verdict}")
    area = deck.content("results")
    left, right = area.cols(0, 5), area.cols(5, 7).inset(inches(0.2), 0)
    hero = left.top(int(left.h * 0.38))
    span = f"likely {m.interval.text_pm}" if m.interval else "no interval known"
    caption = [Para(ours.name, bold=True), Para(span, colour="muted")]
    big_number(deck, slide, hero, m.value.text_pm, caption)
    stats = left.below(hero, inches(0.15)).top(int(left.h * 0.38)).rows(2, inches(0.1))
    comparison = next((c for c in facts.comparisons if base and c.other == base.id), None)
    stat_paras = []
    if m.target is not None:
        stat_paras.append(("Target", stats[0], [Para(m.target.text_pm, lead="Target:")]))
    if base is not None and h.baseline is not None:
        noise = _noise(comparison)
        change = f" ({h.delta.text_pm}{', ' + noise if noise else ''})" if h.delta else ""
        stat_paras.append(
            ("Today", stats[1], [Para(f"{h.baseline.text_pm}{change}", lead="Today:")])
        )
    size = min(
        (measure(deck, box, paras, STAT_SIZES).size for _, box, paras in stat_paras),
        default=STAT_SIZES[0],
    )
    for name_, box, paras in stat_paras:
        text_box(deck, slide, box, paras, STAT_SIZES, name=name_, anchor="m", cap=size)
    if facts.recommendation is not None:
        badge(
            deck, slide, left.below(stats[1], inches(0.25)).top(inches(0.75)), facts.recommendation
        )
    heading = right.top(inches(0.75))
    question = f"{ours.name} against today's {base.name}" if base else f"{ours.name}"
    text_box(
        deck,
        slide,
        heading,
        [
            Para(
                question
                + (f"; the dashed line is the {m.target.text_pm} target" if m.target else ""),
                bold=True,
                colour="muted",
            )
        ],
        (20.0, 18.0, 16.0, 14.0),
        name="Chart title",
        anchor="b",
    )
    columns = []
    if base is not None and h.baseline is not None:
        columns.append(Column(f"Today: {base.name}", h.baseline.value, h.baseline.text_pm))
    interval = m.interval
    columns.append(
        Column(
            f"Ours: {ours.name}",
            m.value.value,
            m.value.text_pm,
            True,
            interval.low if interval else None,
            interval.high if interval else None,
        )
    )
    reference = (
        Reference("Target", m.target.value, f"Target {m.target.text_pm}")
        if m.target is not None and m.target.value is not None
        else None
    )
    alt = (
        f"Column chart of {name}: "
        + "; ".join(f"{c.label} {c.text}" for c in columns)
        + (f"; {reference.text}" if reference else "")
        + (f"; ours likely {span}" if interval else "")
    )
    column_chart(
        deck,
        slide,
        right.below(heading, inches(0.1)),
        columns,
        series=cap(name),
        alt=alt,
        reference=reference,
    )
    set_notes(slide, _headline_notes(name, h, comparison, b))
    return None


def ladder(b: Builder, start: int, room: bool) -> int | None:
    deck, facts = b.deck, b.facts
    rungs = facts.ladder[start:]
    ours = chosen(facts)
    title = (
        f"We tried {len(facts.ladder)} approaches, simplest first, and chose {ours.name}"
        if (ours)
        else f"We tried {len(facts.ladder)} approaches, simplest first"
    )
    slide = b.new("ladder", title, continued=start > 0)
    area = deck.content("ladder")
    name = metric_name(facts, b.spec, facts.headline.metric) if facts.headline else "Result"
    header = [
        Cell("Approach"),
        Cell("Result"),
        Cell("Time per request"),
        Cell("Running cost"),
        Cell("Decision"),
        Cell("Why"),
    ]
    rows = [
        [
            Cell(r.name),
            Cell(r.headline.text_pm if r.headline else "–"),
            Cell(r.latency_ms.text_pm if r.latency_ms else "–"),
            Cell(r.cost.text_pm if r.cost else "–"),
            Cell(cap(DECISION.get(r.decision, r.decision))),
            Cell((sentences(r.reason) or [""])[0]),
        ]
        for r in rungs
    ]
    fitted = table(
        deck,
        slide,
        area.top(area.h - inches(0.6)),
        [header, *rows],
        (2.3, 1.1, 1.5, 1.7, 1.3, 5.1),
        name="Ladder",
        aligns=("l", "r", "r", "r", "l", "l"),
        highlight=[i for i, r in enumerate(rungs) if r.chosen],
        alt=f"Table of the {len(facts.ladder)} approaches tried, with {name}, speed, "
        "cost and decision",
    )
    shown = len(fitted.rows) - 1
    left = len(rungs) - shown
    words = f"Result: {name}. Ours is highlighted."
    if left and not room:
        words = f"+ {left} more approaches in the speaker notes. " + words
    caption = area.below(area.top(sum(fitted.heights)), inches(0.1)).top(inches(0.5))
    text_box(
        deck, slide, caption, [Para(words, colour="muted")], (18.0, 16.0, 14.0), name="Caption"
    )
    set_notes(
        slide,
        [
            f"{r.name} ({KIND.get(r.kind, r.kind)}, {DECISION.get(r.decision, r.decision)}): "
            f"{name} {r.headline.text_pm if r.headline else 'not reported'}; "
            f"speed {r.latency_ms.text_pm if r.latency_ms else 'not measured'}; "
            f"cost {r.cost.text_pm if r.cost else 'not given'}. {r.reason}"
            for r in facts.ladder
        ],
    )
    return start + shown if left and room and shown else None


def _pick(b: Builder) -> list[ExampleFact]:
    review = b.facts.review
    if review is None:
        return []
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    worst = sorted(review.categories, key=lambda c: -rank.get(c.worst_severity or "", -1))
    failures = [c.examples[0] for c in [*worst[:1], *review.categories] if c.examples]
    failures = list({e.id: e for e in failures}.values())[:2]
    return [*review.correct_examples[:1], *failures][:3]


def examples(b: Builder, start: int, room: bool) -> int | None:
    deck, review = b.deck, b.facts.review
    picked = _pick(b)
    if review is None or not picked:
        b.deck.notes.append("deck: no reviewed examples, so the examples slide is left out")
        return None
    slide = b.new("examples", "What it looks like: cases a reviewer checked")
    area = deck.content("examples")
    span = 12 // len(picked)
    category = {e.id: c.name for c in review.categories for e in c.examples}
    cards = []
    for index, example in enumerate(picked):
        card = area.cols(index * span, span)
        inner = card.inset(inches(0.2))
        head = inner.top(inches(0.55))
        kind = category.get(example.id, "")
        body = [
            Para(cap(kind) if kind else "A correct decision", bold=True, colour="muted"),
            Para(example.input, lead="The case:", gap=0.5),
            Para(example.model_output, lead="The model said:", gap=0.4),
            Para(example.expected_output, lead="The right answer:", gap=0.4),
            Para(example.note, colour="muted", gap=0.4),
        ]
        cards.append((card, head, inner.below(head, inches(0.1)), example, body))
    size = min(measure(deck, box, body, CARD_SIZES).size for _, _, box, _, body in cards)
    for index, (card, head, box, example, body) in enumerate(cards):
        panel(slide, card, rgb(deck, LIGHT), name=f"Panel: case {index + 1}")
        word, colour = VERDICT.get(example.verdict, (cap(example.verdict), "#595959"))
        text_box(
            deck,
            slide,
            head,
            [Para(word, bold=True, colour=colour)],
            (26.0, 24.0, 20.0),
            name=f"Verdict {index + 1}",
            anchor="b",
        )
        text_box(deck, slide, box, body, CARD_SIZES, name=f"Case {index + 1}", cap=size)
    notes = [f"{review.n} cases were reviewed by a person. {review.sampling or ''}".strip()]
    if not review.representative:
        notes.append(
            "They were not drawn at random, so they show what errors look like, "
            "not how often they happen."
        )
    elif review.error_rate is not None:
        notes.append(
            f"Share wrong: {review.error_rate.text_pm}"
            + (f" (likely {review.error_interval.text_pm})." if review.error_interval else ".")
        )
    notes += [
        f"{cap(c.name)}: {F.fmt_count(c.count)} cases ({c.share.text_pm} of those reviewed), "
        f"worst severity {c.worst_severity or 'not given'}."
        for c in review.categories
    ]
    notes += [
        f"Case {e.id} ({e.verdict}, severity {e.severity or 'none'}): {e.input}. Model: "
        f"{e.model_output}. Right answer: {e.expected_output}. {e.note}"
        for e in picked
    ]
    set_notes(slide, notes)
    return None
