"""The story slides: title, the problem, what success looks like, the decision we need."""

from __future__ import annotations

from dsreport.analyse import format as F
from dsreport.load.layoutbox import reserved_top
from dsreport.prose import lead, paragraphs
from dsreport.render.deck.blocks import (
    Block,
    badge,
    block_height,
    headed,
    headed_size,
    logo,
    more_in_notes,
    shared,
    stack,
    stack_step,
)
from dsreport.render.deck.compose import Builder
from dsreport.render.deck.draw import (
    fill_shape,
    panel,
    placeholder,
    rgb,
    set_notes,
    text_box,
)
from dsreport.render.deck.fit import BODY_SIZES, Para, sentences
from dsreport.render.deck.geometry import Box, inches
from dsreport.render.deck.theme import LIGHT
from dsreport.render.deck.words import (
    cap,
    higher,
    levels,
    metric_name,
    people,
    ranked_conditions,
    reached_words,
)

SUBTITLES = ("subTitle", "body", "obj")
HEADS = (22.0, 20.0, 18.0, 16.0, 14.0)
LISTS = (20.0, 18.0, 16.0, 14.0)
WIDE = 1.5
"""Slides at least this much wider than tall (16:9) set lists side by side."""
SHOWN = 3
"""Conditions and next steps a 16:9 slide lists (one fewer at 4:3); the rest are in its
speaker notes, and the slide says how many."""
ASK_SIZES = (24.0, 22.0, 20.0, 18.0, 16.0, 14.0)
SUB_SIZES = (28.0, 26.0, 24.0, 22.0, 20.0, 18.0, 16.0, 14.0)


def _findings_pm(b: Builder) -> list[str]:
    return [f.message_pm for f in b.facts.findings if f.severity != "info"]


def title(b: Builder, start: int, room: bool) -> int | None:
    deck, spec, facts = b.deck, b.spec, b.facts
    project, statement = spec.project, spec.ecosystem.statement
    slide = b.new("title", project.name, sizes=(54.0, 48.0, 44.0, 40.0, 36.0, 32.0, 28.0))
    head = deck.title_box("title")
    sub = placeholder(slide, SUBTITLES)
    sub_box = (
        Box(int(sub.left), int(sub.top), int(sub.width), int(sub.height))
        if sub is not None
        else Box(head.x, head.bottom + inches(0.2), head.w, inches(1.3))
    )
    badge_box = Box(
        sub_box.x, sub_box.bottom + inches(0.3), min(inches(6.4), sub_box.w), inches(0.65)
    )
    band = reserved_top(deck.layouts["title"].layout, deck.width, deck.height)
    lowest = min(deck.height - inches(0.5), band - inches(0.15)) - badge_box.h
    if badge_box.y > lowest:  # a tall subtitle in a corporate layout: make room for the badge
        sub_box = Box(
            sub_box.x, sub_box.y, sub_box.w, max(lowest - inches(0.2) - sub_box.y, inches(0.6))
        )
        badge_box = Box(badge_box.x, lowest, badge_box.w, badge_box.h)
    owner = spec.audiences.owners[0].name
    lines = [
        Para(f"{statement.product} for {statement.for_product}", bold=True),
        Para(
            f"Model evaluation · version {project.version} · {F.fmt_date(facts.build_date)}",
            colour="muted",
            gap=0.3,
        ),
        Para(f"Owner: {owner}", colour="muted", gap=0.2),
    ]
    if sub is None:
        text_box(deck, slide, sub_box, lines, SUB_SIZES, name="Subtitle")
    else:
        fill_shape(deck, sub, sub_box, lines, SUB_SIZES, anchor="t")
    if facts.recommendation is not None:
        badge(deck, slide, badge_box, facts.recommendation)
    if spec.audiences.branding.logo and spec.audiences.branding.logo in b.bundle.files:
        box = Box(deck.width - inches(2.6), inches(0.4), inches(2.0), inches(0.9))
        path = spec.audiences.branding.logo
        logo(deck, slide, box, b.bundle.files[path], project.name, path)
    rec = facts.recommendation
    set_notes(
        slide,
        [
            *paragraphs(project.summary),
            f"Recommendation: {rec.label}." if rec else "",
            *[f"Why: {m}" for m in _findings_pm(b)],
            "Authors: " + "; ".join(a.name for a in project.authors) + ".",
            "Contacts: " + "; ".join(people(spec)) + ".",
        ],
    )
    return None


def problem(b: Builder, start: int, room: bool) -> int | None:
    deck, eco = b.deck, b.spec.ecosystem
    slide = b.new("problem", f"We want to improve {eco.statement.improves}")
    area = deck.content("problem")
    left, right = area.cols(0, 7), area.cols(7, 5)
    upper, lower = left.rows(2, inches(0.3))
    inner = right.inset(inches(0.25))
    blocks = [
        (upper, "The problem", [lead(eco.problem)]),
        (lower, "How it is done today", [lead(eco.current_process)]),
        (inner, "What we propose", sentences(b.facts.statement)[:2]),
    ]
    bodies = [(box, head, [Para(p, gap=0.4) for p in texts]) for box, head, texts in blocks]
    size = shared([headed_size(deck, box, body) for box, _, body in bodies])
    panel(slide, right, rgb(deck, LIGHT), name="Panel: proposal")
    for box, head, body in bodies:
        headed(deck, slide, box, head, body, cap=size)
    set_notes(
        slide,
        [
            "The problem: " + " ".join(paragraphs(eco.problem)),
            "How it is done today: " + " ".join(paragraphs(eco.current_process)),
            "Who uses it: " + " ".join(paragraphs(eco.users)),
            "Why it matters: " + " ".join(paragraphs(eco.business_value)),
            "The statement: " + b.facts.statement,
        ],
    )
    return None


def success(b: Builder, start: int, room: bool) -> int | None:
    deck, spec, facts = b.deck, b.spec, b.facts
    st = spec.ecosystem.statement
    slide = b.new("success", f"Success means {st.achieve}")
    area = deck.content("success")
    left, right = area.cols(0, 6), area.cols(6, 6)
    outcomes = [
        ("We expect to achieve", st.achieve),
        ("It will increase", st.increase),
        ("It will reduce", st.reduce),
    ]
    body = [
        Para(text, lead=f"{label}:", lead_colour="accent", gap=0.6)
        for label, text in outcomes
        if text
    ]
    headed(deck, slide, left, "What the business gets", body)
    head = facts.headline
    notes = [f"{label}: {text}." for label, text in outcomes if text]
    notes += ["Why it matters: " + " ".join(paragraphs(spec.ecosystem.business_value))]
    if head is None or not head.success_levels:
        text_box(
            deck,
            slide,
            right,
            [
                Para(
                    "No success levels could be matched to the headline "
                    "metric; see the speaker notes.",
                    colour="muted",
                )
            ],
            BODY_SIZES,
            name="Levels",
        )
        set_notes(slide, notes)
        return None
    name = metric_name(facts, spec, head.metric)
    title = Block("Levels heading", [Para(cap(name), bold=True, colour="accent")], HEADS)
    heading = right.top(block_height(deck, right.w, title, 18.0))
    text_box(deck, slide, heading, title.paras, title.sizes, name=title.name, anchor="b")
    shown = head.shown.text_pm if head.shown else {}
    rows = right.below(heading, inches(0.1)).rows(4, inches(0.1))
    reached = {"optimal": "optimal", "acceptable": "acceptable"}.get(head.level_reached or "")
    for row, (key, label, gloss) in zip(rows, levels(head.metric), strict=False):
        level = head.success_levels.get(key)
        if level is None:
            continue
        ours = key == reached
        panel(slide, row, rgb(deck, "accent" if ours else LIGHT), name=f"Panel: {key}")
        colour = "white" if ours else None
        inner = row.inset(inches(0.15), 0)
        split = int(inner.w * 0.7)
        text_box(
            deck,
            slide,
            Box(inner.x, inner.y, split, inner.h),
            [Para(label, bold=True, colour=colour), Para(gloss, colour=colour or "muted")],
            (20.0, 18.0, 16.0, 14.0),
            name=f"Level: {key}",
            anchor="m",
        )
        text_box(
            deck,
            slide,
            Box(inner.x + split, inner.y, inner.w - split, inner.h),
            [Para(shown.get(key, level.text_pm), bold=True, colour=colour)],
            (32.0, 28.0, 24.0, 20.0, 16.0),
            name=f"Level value: {key}",
            align="r",
            anchor="m",
        )
    words = reached_words(head)
    below = head.level_reached in ("below_acceptable", "below_worst")
    ours_text = shown.get("ours", head.metric.value.text_pm)
    better = "" if higher(head.metric) else " (lower is better)"
    text_box(
        deck,
        slide,
        rows[3],
        [
            Para(
                f"{ours_text}, {words}{better}",
                lead="Our model:",
                bold=True,
                colour=("#B3261E" if below else "accent"),
            )
        ],
        (24.0, 22.0, 20.0, 18.0, 16.0, 14.0),
        name="Level reached",
        anchor="m",
    )
    notes.append(
        f"{cap(name)} ({head.metric.label}): best case {shown.get('optimal', '')}, "
        f"acceptable {shown.get('acceptable', '')}, worst case {shown.get('worst_case', '')}"
        f"{better}. Our model: {ours_text} ({words})."
    )
    set_notes(slide, notes)
    return None


def decision(b: Builder, start: int, room: bool) -> int | None:
    deck, spec, facts = b.deck, b.spec, b.facts
    slide = b.new("decision", "What we ask of you, and what happens next")
    area = deck.content("decision")
    ask_paras = [
        Para(spec.audiences.pm.decision, lead="We ask you to decide:", lead_colour="accent")
    ]
    pad = inches(0.1)
    wide = deck.width / deck.height >= WIDE
    rec = facts.recommendation
    label = (
        f"{rec.label}: the conditions"
        if rec and rec.conditions
        else f"{rec.label}: why"
        if rec
        else "Recommendation"
    )
    listed = (ranked_conditions(facts, short=True) or rec.reasons) if rec else []
    next_steps = spec.audiences.pm.next_steps

    def blocks(many: int) -> list[Block]:
        items = [Para(c, bullet=True, gap=0.3) for c in listed[:many]]
        if len(listed) > many:
            items.append(more_in_notes(len(listed) - many))
        steps = [Para(s, bullet=True, gap=0.3) for s in next_steps[:many]]
        if len(next_steps) > many:
            steps.append(more_in_notes(len(next_steps) - many))
        return [
            Block("Heading: conditions", [Para(label, bold=True, colour="accent")], HEADS),
            Block(
                "Conditions", items or [Para("No check raised a concern.", colour="muted")], LISTS
            ),
            Block("Heading: next steps", [Para("Next steps", bold=True, colour="accent")], HEADS),
            Block("Next steps", steps or [Para("No next steps are given.", colour="muted")], LISTS),
        ]

    def fits(rest: Box, many: int) -> bool:
        """Whether `many` items of each list fit `rest` at the floor size."""
        parts = blocks(many)
        if not wide:  # one under the other
            need = sum(block_height(deck, rest.w, p, p.sizes[-1]) for p in parts)
            return need + 3 * inches(0.08) <= rest.h
        width = rest.cols(0, 6).w
        return all(
            sum(block_height(deck, width, p, p.sizes[-1]) for p in pair) + inches(0.1) <= rest.h
            for pair in (parts[:2], parts[2:])
        )

    inner_w = area.w - 2 * inches(0.25)

    def room_under(size: float) -> tuple[int, Box]:
        text = Block("Decision", ask_paras, [size])
        ask_h = block_height(deck, inner_w, text, size) + 2 * pad + inches(0.1)
        return ask_h, area.below(area.top(ask_h), inches(0.3))

    wanted = max(1, min(SHOWN, max(len(listed), len(next_steps))))
    # the largest ask that leaves room for the lists' first items (all of them if it can)
    size = next(
        (s for s in ASK_SIZES if fits(room_under(s)[1], wanted)),
        next((s for s in ASK_SIZES if fits(room_under(s)[1], 1)), ASK_SIZES[-1]),
    )
    ask_h, rest = room_under(size)
    ask = area.top(ask_h)
    panel(slide, ask, rgb(deck, LIGHT), line=rgb(deck, "accent"), name="Panel: ask")
    text_box(
        deck,
        slide,
        ask.inset(inches(0.25), pad),
        ask_paras,
        [s for s in ASK_SIZES if s <= size],
        name="Decision",
        anchor="m",
    )
    many = SHOWN  # as many whole items as fit; the slide says how many more are in the notes
    while many > 1 and not fits(rest, many):
        many -= 1
    parts = blocks(many)
    if not wide:  # 4:3: one under the other, the full width, each as tall as it needs
        stack(deck, slide, rest, parts, gap=inches(0.08))
    else:
        columns = ((rest.cols(0, 6), parts[:2]), (rest.cols(6, 6), parts[2:]))
        step = max(stack_step(deck, box, pair) for box, pair in columns)  # one size for both
        for box, pair in columns:
            stack(deck, slide, box, pair, step=step)
    set_notes(
        slide,
        [
            f"The decision: {spec.audiences.pm.decision}",
            *[f"Condition: {c}" for c in ranked_conditions(facts)],
            *[f"Next step: {s}" for s in spec.audiences.pm.next_steps],
            f"Retraining: {spec.audiences.retraining}" if spec.audiences.retraining else "",
            "Questions: " + "; ".join(people(spec)) + ".",
        ],
    )
    return None
