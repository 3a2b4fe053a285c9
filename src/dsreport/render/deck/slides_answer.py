"""The answer first: the decision, what we ask, the outcome in the product's units, the top risk.

Slide 2 is what a PM repeats to their director: the recommendation as the facts give it,
the decision asked of them, up to three counts per period against today and the target
(the bundle's `ecosystem.outcome`, else the headline metric), and the risk the facts rank
first.
"""

from __future__ import annotations

from typing import Any

from dsreport.render.deck.blocks import Block, block_height
from dsreport.render.deck.compose import Builder
from dsreport.render.deck.draw import panel, rgb, set_notes, text_box
from dsreport.render.deck.fit import Para
from dsreport.render.deck.geometry import Box, inches
from dsreport.render.deck.theme import LIGHT
from dsreport.render.deck.words import (
    against_target,
    cap,
    change_words,
    chosen,
    metric_name,
    per,
    recommended,
    status_words,
    target_words,
    top_risks,
)

NUMBER_SIZES = (40.0, 36.0, 32.0, 28.0, 24.0)
CARD_SIZES = (20.0, 18.0, 16.0, 14.0)


def _row(b: Builder, slide: Any, box: Box, number: str, what: str, against: str, i: int) -> None:
    """One outcome across the slide: the number on the left, what it counts on the right."""
    deck = b.deck
    panel(slide, box, rgb(deck, LIGHT), name=f"Panel: outcome {i}")
    inner = box.inset(inches(0.15), inches(0.04))
    split = _split(inner)
    text_box(
        deck,
        slide,
        Box(inner.x, inner.y, split, inner.h),
        [Para(number, bold=True, colour="accent")],
        NUMBER_SIZES,
        name=f"Outcome {i}",
        align="r",
        anchor="m",
    )
    rest = Box(inner.x + split + inches(0.2), inner.y, inner.w - split - inches(0.2), inner.h)
    paras = [Para(what, bold=True)]
    if against:
        paras.append(Para(against, colour="muted"))
    text_box(deck, slide, rest, paras, CARD_SIZES, name=f"Outcome {i}: what", anchor="m")


def _split(area: Box) -> int:
    return min(inches(2.6), int(area.w * 0.26))


def _layout(
    b: Builder, area: Box, cards: list[tuple[str, str, str]], ask: list[Para], risk: list[Para]
) -> tuple[int, int]:
    """(row height, split of the lower part): rows as tall as their words need, the ask and
    the top risk below them, at the largest size at which all of it fits."""
    deck = b.deck
    wide = deck.width / deck.height >= 1.5
    share = 7 if wide else 6
    inner = area.inset(inches(0.15), 0)
    text_w = inner.w - _split(inner) - inches(0.2)
    left_w, right_w = area.cols(0, share).w, area.cols(share, 12 - share).w - inches(0.4)
    gaps = (len(cards) - 1) * inches(0.12) + inches(0.25)
    for size in (18.0, 16.0, 14.0):
        row = max(
            (
                block_height(deck, text_w, Block("", [Para(w, bold=True), Para(a)], [size]), size)
                for _, w, a in cards
            ),
            default=0,
        ) + inches(0.08)
        lower = max(
            block_height(deck, left_w, Block("", ask, [size]), size),
            block_height(deck, right_w, Block("", risk, [size]), size) + inches(0.24),
        )
        if len(cards) * row + gaps + lower <= area.h:
            spare = (area.h - gaps - lower) // max(len(cards), 1)  # rows share what is left
            return max(row, min(spare, inches(1.05))), share
    return row, share


def _cards(b: Builder) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(number, what it counts, against today and the target) per card, and the notes."""
    facts, outcome = b.facts, b.facts.outcome
    if outcome is not None:
        cards, notes = [], []
        for count in outcome.counts:
            shown = count.shown.text_pm
            parts = []
            if count.today is not None:
                parts.append(f"today {shown['today']}")
            if count.target is not None:
                parts.append(f"target {target_words(count)}")
            cards.append((shown["ours"], f"{count.means} {per(outcome)}", cap(" · ".join(parts))))
            likely = f", likely {count.interval.text_pm}" if count.interval else ""
            change = change_words(count)
            status = status_words(count)
            notes.append(
                f"{cap(count.means)}: {shown['ours']} {per(outcome)}{likely}"
                + (f"; {change}" if change else "")
                + (f"; it {status}" if status else "")
                + "."
            )
        return cards, notes
    h, ours = facts.headline, chosen(facts)
    if h is None or h.shown is None or ours is None:
        return [], []
    shown = h.shown.text_pm
    name = metric_name(facts, b.spec, h.metric)
    parts = [f"today {shown['today']}"] if "today" in shown else []
    if "target" in shown:
        parts.append(f"target {shown['target']}")
    note = against_target(h.metric, shown["ours"], shown.get("target", ""))
    return [(shown["ours"], name, cap(" · ".join(parts)))], [f"{cap(name)}: {note}."]


def answer(b: Builder, start: int, room: bool) -> int | None:
    deck, facts, spec = b.deck, b.facts, b.spec
    rec = facts.recommendation
    cards, card_notes = _cards(b)
    label = rec.label if rec else "No recommendation"
    if rec is not None and rec.instead_of is not None:  # a simpler rung does as well
        others = {r.id: r.name for r in facts.ladder}
        title = f"{label}: {rec.rung_name} instead of {others.get(rec.instead_of, rec.instead_of)}"
    elif facts.outcome is not None and cards:
        first = facts.outcome.counts[0]
        title = f"{label}: {cards[0][0]} {first.means} {per(facts.outcome)}"
    elif cards:
        title = f"{label}: {cards[0][1]} at {cards[0][0]}"
    else:
        title = label
    slide = b.new("answer", title)
    area = deck.content("answer")
    ask = [Para(spec.audiences.pm.decision, lead="We ask you to decide:", lead_colour="accent")]
    risks = top_risks(facts)
    risk = [
        Para("Top risk", bold=True, colour="accent"),
        Para(risks[0] if risks else "No check raised a concern.", gap=0.3),
    ]
    row_h, share = _layout(b, area, cards, ask, risk)
    upper = area.top(len(cards) * row_h + (len(cards) - 1) * inches(0.12))
    lower = area.below(upper, inches(0.25))
    rows = [
        Box(upper.x, upper.y + i * (row_h + inches(0.12)), upper.w, row_h)
        for i in range(len(cards))
    ]
    for index, (number, what, against) in enumerate(cards):
        _row(b, slide, rows[index], number, what, against, index + 1)
    left, right = lower.cols(0, share), lower.cols(share, 12 - share)
    text_box(deck, slide, left, ask, (24.0, 22.0, 20.0, 18.0, 16.0, 14.0), name="The ask")
    panel(slide, right, rgb(deck, LIGHT), name="Panel: top risk")
    text_box(
        deck,
        slide,
        right.inset(inches(0.2), inches(0.12)),
        risk,
        (20.0, 18.0, 16.0, 14.0),
        name="Top risk",
    )
    ours = recommended(facts)
    set_notes(
        slide,
        [
            f"Recommendation: {label}" + (f" for {ours.name}." if ours else "."),
            *[f"Why: {reason}" for reason in (rec.reasons if rec else [])],
            *card_notes,
            f"We ask you to decide: {spec.audiences.pm.decision}",
            *[f"Risk: {risk}" for risk in risks],
        ],
    )
    return None
