"""Risks and what happens when it fails; cost and speed against budget."""

from __future__ import annotations

from typing import Any

from dsreport.analyse.facts import BudgetFact, Num, RungFact
from dsreport.analyse.recommend import COLOURS
from dsreport.prose import lead, paragraphs
from dsreport.render.deck.blocks import Block, first_items, headed, more_in_notes, stack
from dsreport.render.deck.charts import Column, Reference, bar_chart
from dsreport.render.deck.compose import Builder
from dsreport.render.deck.draw import set_notes, text_box
from dsreport.render.deck.fit import Para
from dsreport.render.deck.geometry import Box, inches
from dsreport.render.deck.tables import Cell, table
from dsreport.render.deck.words import FALLBACK, SEVERITY, cap, lower_first, ranked_risks


def risks(b: Builder, start: int, room: bool) -> int | None:
    deck, spec, facts = b.deck, b.spec, b.facts
    ov = spec.operator_view
    modes = ov.failure_modes[start:]
    title = f"When in doubt: {lower_first(ov.safest_default).rstrip('.')}"  # a title, no stop
    slide = b.new("risks", title, continued=start > 0)
    area = deck.content("risks")
    left, right = area.cols(0, 7), area.cols(7, 5)
    shown = len(modes)
    if modes:
        rows = [[Cell(m.name, bold=True), Cell(cap(FALLBACK[m.fallback]))] for m in modes]
        header = [Cell("What can go wrong"), Cell("What happens then")]
        fitted = table(
            deck,
            slide,
            left.top(left.h - inches(1.6)),
            [header, *rows],
            (1, 1),
            name="Failure modes",
            alt="Table of the ways the system can fail and what happens then",
        )
        shown = len(fitted.rows) - 1
        below = left.below(left.top(sum(fitted.heights)), inches(0.1))
        if shown < len(modes) and not (room and shown):
            line = below.top(inches(0.45))
            text_box(
                deck,
                slide,
                line,
                [more_in_notes(len(modes) - shown)],
                (16.0, 14.0),
                name="More",
            )
            below = left.below(line, 0)
        headed(
            deck,
            slide,
            below.below(below.top(0), inches(0.2)),
            "If the model is unavailable",
            [Para(lead(ov.fallback))],
            sizes=(20.0, 18.0, 16.0, 14.0),
        )
    else:
        headed(deck, slide, left, "If it fails", [Para(lead(ov.fallback))])

    def item(severity: str, text: str) -> Para:
        word, colour = SEVERITY[severity]
        return Para(text, lead=f"{word}:", lead_colour=colour, bullet=True, gap=0.4)

    items = [item(severity, text) for severity, text in ranked_risks(facts)]
    listed = first_items(deck, right, items, SHOWN)
    headed(
        deck,
        slide,
        right,
        "What the checks found",
        listed or [Para("No check raised a concern.", colour="muted")],
        is_list=True,
    )
    set_notes(
        slide,
        [
            *[
                f"{m.name}: {m.impact} Then {FALLBACK[m.fallback]}. {m.detail or ''}".strip()
                for m in ov.failure_modes
            ],
            "Fallback: " + " ".join(paragraphs(ov.fallback)),
            f"Safest default: {ov.safest_default}",
            *[
                f"{SEVERITY[f.severity][0]} — {f.title}: {f.message_pm} Advice: {f.recommendation}"
                for f in facts.findings
            ],
            "Caveats in the authors' words: " + " ".join(paragraphs(spec.project.limitations))
            if spec.project.limitations
            else "",
        ],
    )
    more = start + shown
    return more if modes and shown and more < len(ov.failure_modes) and room else None


def _budget(facts_budgets: list[BudgetFact], name: str) -> BudgetFact | None:
    return next((x for x in facts_budgets if x.name == name), None)


def _status(budget: BudgetFact | None) -> tuple[str, str]:
    if budget is None or budget.within is None:
        return "No budget to compare with", "muted"
    if budget.within:
        return "Within budget", COLOURS["ship"]
    return "Over budget", COLOURS["do_not_ship"]


def _measured(rung: RungFact, what: str) -> Num | None:
    return rung.latency_ms if what == "latency" else rung.cost


SHOWN = 3
"""Findings the slide lists, most severe first; the rest are in its speaker notes."""
MAX_BARS = 6
"""Bars a budget chart has room for; a longer ladder shows its baseline, the chosen rung
and the rungs tried last before it, and the speaker notes list every rung."""


def _few(rungs: list[RungFact]) -> list[RungFact]:
    if len(rungs) <= MAX_BARS:
        return rungs
    keep = {r.id for r in rungs if r.chosen or r.baseline}
    for rung in reversed(rungs):
        if len(keep) >= MAX_BARS:
            break
        keep.add(rung.id)
    return [r for r in rungs if r.id in keep]


def _number(text: str) -> str:
    """`0.67 ms` -> `0.67`: the unit is in the heading, not on every bar."""
    return text.split(" ")[0]


def _chart(
    b: Builder, slide: Any, box: Box, budget: BudgetFact | None, what: str, unit: str
) -> None:
    measured = [r for r in b.facts.ladder if _measured(r, what) is not None]
    shown = _few(measured)
    columns = [
        Column(r.name, _number(n.text_pm), r.chosen)
        for r in shown
        if (n := _measured(r, what)) is not None
    ]
    if not columns:
        text_box(
            b.deck,
            slide,
            box,
            [Para("Not measured for any approach.", colour="muted")],
            (18.0, 16.0, 14.0),
            name=f"No {what} chart",
        )
        return
    ref = None
    if budget is not None and budget.budget is not None and budget.budget.value is not None:
        ref = Reference("Budget", _number(budget.budget.text_pm))
    label = "Time per request" if what == "latency" else "Running cost"
    alt = (
        f"Bar chart of {label.lower()} in {unit} by approach. "
        + ". ".join(f"{c.label}: {c.text}" for c in columns)
        + (f". The dashed bar is the budget: {ref.text}" if ref else "")
        + "."
        + (
            f" {len(measured) - len(shown)} more approaches are in the speaker notes."
            if shown != measured
            else ""
        )
    )
    bar_chart(b.deck, slide, box, columns, series=f"{label} ({unit})", alt=alt, budget=ref)


def cost(b: Builder, start: int, room: bool) -> int | None:
    deck, facts = b.deck, b.facts
    latency, money = _budget(facts.budgets, "latency"), _budget(facts.budgets, "cost")
    over = [w for w, x in (("speed", latency), ("running cost", money)) if x and x.within is False]
    known = all(x is not None and x.within is not None for x in (latency, money))
    title = (
        f"{cap(' and '.join(over))} {'is' if len(over) == 1 else 'are'} over budget"
        if over
        else "Speed and running cost are within budget"
        if known
        else "Speed and running cost against the budget"
    )
    slide = b.new("cost", title)
    area = deck.content("cost")
    unit = b.spec.operator_view.cost.unit or "cost"
    halves = (
        (latency, "Time per request", "latency", "ms"),
        (money, "Running cost", "cost", unit),
    )
    for column, (budget, label, what, measure_unit) in enumerate(halves):
        half = area.cols(column * 6, 6)
        value = budget.measured.text_pm if budget and budget.measured else "Not measured"
        word, colour = _status(budget)
        limit = f"the budget is {budget.budget.text_pm}" if budget and budget.budget else ""
        rest = stack(
            deck,
            slide,
            half.top(int(half.h * 0.5)),
            [
                Block(
                    f"Heading {what}",
                    [Para(f"{label} ({measure_unit})", bold=True, colour="muted")],
                    (20.0, 18.0, 16.0, 14.0),
                ),
                Block(
                    f"Measured {what}",
                    [Para(value, bold=True, colour="accent")],
                    (44.0, 40.0, 36.0, 32.0, 28.0, 24.0, 20.0),
                ),
                Block(
                    f"Status {what}",
                    [
                        Para(limit, lead=f"{word}:", lead_colour=colour)
                        if limit
                        else Para(word, bold=True, colour=colour)
                    ],
                    (20.0, 18.0, 16.0, 14.0),
                ),
            ],
            gap=inches(0.05),
        )
        chart_box = half.below(Box(half.x, half.y, half.w, rest.y - half.y), inches(0.1))
        _chart(b, slide, chart_box, budget, what, measure_unit)
    notes = []
    for budget, what in ((latency, "Speed"), (money, "Running cost")):
        if budget is not None:
            measured = budget.measured.text_pm if budget.measured else "not measured"
            limit = budget.budget.text_pm if budget.budget else "no budget"
            notes.append(f"{what}: {measured} against {limit} (measured by the {budget.source}).")
    latency_class = b.spec.operator_view.latency.latency_class.replace("_", " ")
    notes.append(f"Users can wait: {latency_class}.")
    notes += [
        f"{r.name}: speed {r.latency_ms.text_pm if r.latency_ms else 'not measured'}, "
        f"cost {r.cost.text_pm if r.cost else 'not given'}."
        for r in facts.ladder
    ]
    set_notes(slide, notes)
    return None
