"""How we got here and what it looks like: the ladder of approaches, and reviewed cases
each told as a one-line story."""

from __future__ import annotations

from typing import Any

from dsreport.analyse import format as F
from dsreport.analyse.facts import ExampleFact
from dsreport.render.deck.blocks import Block, stack
from dsreport.render.deck.compose import Builder
from dsreport.render.deck.draw import measure, panel, rgb, set_notes, text_box
from dsreport.render.deck.fit import Para
from dsreport.render.deck.geometry import inches
from dsreport.render.deck.tables import Cell, table
from dsreport.render.deck.theme import LIGHT
from dsreport.render.deck.words import (
    DECISION,
    HARM,
    KIND,
    VERDICT,
    cap,
    chosen,
    metric_name,
    per,
)
from dsreport.vocabulary import SEVERITIES

CARD_SIZES = (20.0, 18.0, 16.0, 14.0)
STORY_MAX = 200
"""Longest one-line story an examples card tells; longer cases stay in the speaker notes."""


def _number(text: str) -> str:
    """`18 EUR per month` -> `18`: the unit goes in the column's heading."""
    return text.split(" ")[0]


def ladder(b: Builder, start: int, room: bool) -> int | None:
    deck, facts = b.deck, b.facts
    rungs = facts.ladder[start:]
    ours = chosen(facts)
    title = (
        f"We tried {len(facts.ladder)} approaches, simplest first, and chose {ours.name}"
        if ours
        else f"We tried {len(facts.ladder)} approaches, simplest first"
    )
    slide = b.new("ladder", title, continued=start > 0)
    area = deck.content("ladder")
    outcome = facts.outcome
    unit = b.spec.operator_view.cost.unit
    name = metric_name(facts, b.spec, facts.headline.metric) if facts.headline else "Result"
    results: list[tuple[str, dict[str, str]]] = []
    if outcome is not None:
        for count in outcome.counts[:2]:
            results.append(
                (
                    f"{cap(count.means)} {per(outcome)}",
                    {r: n.text_pm for r, n in count.by_rung.items()},
                )
            )
    else:
        results.append((cap(name), {r.id: r.headline.text_pm for r in facts.ladder if r.headline}))
    header = [
        Cell("Approach"),
        *[Cell(head) for head, _ in results],
        Cell(f"Running cost ({unit})"),
        Cell("Decision"),
    ]
    rows = [
        [
            Cell(f"{r.name} (today)" if r.baseline and not r.chosen else r.name),
            *[Cell(values.get(r.id, "–")) for _, values in results],
            Cell(_number(r.cost.text_pm) if r.cost else "–"),
            Cell(cap(DECISION.get(r.decision, r.decision))),
        ]
        for r in rungs
    ]
    weights = (2.8, *[2.6] * len(results), 1.8, 1.3)
    fitted = table(
        deck,
        slide,
        area.top(area.h - inches(1.0)),
        [header, *rows],
        weights,
        name="Ladder",
        aligns=("l", *["r"] * len(results), "r", "l"),
        highlight=[i for i, r in enumerate(rungs) if r.chosen],
        alt=f"Table of the {len(facts.ladder)} approaches tried: "
        + ", ".join(head.lower() for head, _ in results)
        + ", running cost and decision",
    )
    shown = len(fitted.rows) - 1
    left = len(rungs) - shown
    words = "Ours is highlighted; why each was kept or dropped is in the speaker notes."
    if outcome is not None and any(c.today_source == "declared" for c in outcome.counts[:2]):
        words = (
            "Each approach as it would act at the gate; today's figures are on the results "
            "slide. " + words
        )
    if left and not room:
        words = f"+ {left} more approaches in the speaker notes. " + words
    stack(
        deck,
        slide,
        area.below(area.top(sum(fitted.heights)), inches(0.1)),
        [Block("Caption", [Para(words, colour="muted")], (18.0, 16.0, 14.0))],
    )
    set_notes(
        slide,
        [
            f"{r.name} ({KIND.get(r.kind, r.kind)}, {DECISION.get(r.decision, r.decision)}): "
            + "".join(f"{head.lower()} {values.get(r.id, '–')}; " for head, values in results)
            + f"{name} "
            f"{r.headline.text_pm if r.headline else 'not reported'}; "
            f"speed {r.latency_ms.text_pm if r.latency_ms else 'not measured'}; "
            f"cost {r.cost.text_pm if r.cost else 'not given'}. Why: {r.reason}"
            for r in facts.ladder
        ],
    )
    return start + shown if left and room and shown else None


def story(example: ExampleFact) -> str:
    """A reviewed case as one line: what the model said, and what was right."""
    if example.verdict == "correct":
        return f"The model said “{example.model_output}”, which was right."
    said, right = example.model_output, example.expected_output
    return f"The model said “{said}”; the right answer was “{right}”."


def _pick(b: Builder) -> list[ExampleFact]:
    review = b.facts.review
    if review is None:
        return []
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    worst = sorted(review.categories, key=lambda c: -rank.get(c.worst_severity or "", -1))
    failures = []
    for category in [*worst[:1], *review.categories]:
        told = [e for e in category.examples if len(story(e)) <= STORY_MAX]
        failures += told[:1] or category.examples[:1]
    failures = list({e.id: e for e in failures}.values())[:2]
    right = [e for e in review.correct_examples if len(story(e)) <= STORY_MAX]
    return [*(right or review.correct_examples)[:1], *failures][:3]


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
    cards: list[tuple[Any, Any, Any, ExampleFact, list[Para]]] = []
    for index, example in enumerate(picked):
        card = area.cols(index * span, span)
        inner = card.inset(inches(0.2))
        head = inner.top(inches(0.55))
        kind = category.get(example.id, "")
        body = [
            Para(cap(kind) if kind else "A correct decision", bold=True),
            Para(story(example), gap=0.5),
        ]
        if example.verdict != "correct" and example.severity in HARM:
            body.append(Para(f"Harm: {HARM[example.severity]}", colour="muted", gap=0.5))
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
