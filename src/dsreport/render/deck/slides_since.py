"""The "since the last review" slide: what changed, and whether it matters (`--since`).

Made right after the opening slide when the facts hold `since`; it borrows the layout of
the first content slide, so a corporate template needs no layout of its own for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsreport.analyse.since.model import SinceFact
from dsreport.render.deck.blocks import headed, headed_size, shared
from dsreport.render.deck.draw import set_notes
from dsreport.render.deck.fit import Para
from dsreport.render.deck.tables import Cell, table
from dsreport.render.deck.words import SEVERITY, cap

if TYPE_CHECKING:
    from dsreport.render.deck.compose import Builder

KIND = "since"
MAX_METRICS = 5
REAL = {"better", "worse"}


def _metric_rows(since: SinceFact) -> tuple[list[list[Cell]], list[int]]:
    shown = [m for m in since.metrics if m.decision_metric or m.headline or m.targeted]
    rows, real = [], []
    for i, m in enumerate((shown or since.metrics)[:MAX_METRICS]):
        c = m.change
        verdict = m.text_pm.rsplit(", ", 1)[-1]
        rows.append(
            [
                Cell(cap(m.label_pm)),
                Cell(c.other_value.text_pm),
                Cell(c.chosen_value.text_pm),
                Cell(f"{c.delta.text_pm}: {verdict}", bold=m.verdict in REAL),
            ]
        )
        if m.verdict in REAL:
            real.append(i)
    return rows, real


def _other(since: SinceFact) -> list[Para]:
    """The call, a breaking change, the model and its threshold, then new and resolved
    concerns (each message once, with how often it was raised)."""
    rec = since.recommendation

    def item(text: str, lead: str = "", colour: str | None = None) -> Para:
        return Para(text, lead=lead, lead_colour=colour, bullet=True, gap=0.3)

    items = [
        item(f"{rec.before_label} → {rec.after_label}", "Recommendation:", "accent")
        if rec.changed
        else item(rec.after_label, "Recommendation unchanged:", "accent")
    ]
    if since.breaking:
        items.append(
            item(
                "engineers must update the systems that call the model before it ships.",
                "Breaking change:",
                SEVERITY["critical"][1],
            )
        )
    items += [item(c.text) for c in since.changes if c.area in ("ladder", "threshold")]
    raised: dict[tuple[str, str], int] = {}
    for f in since.findings:
        if f.status == "raised" and f.severity != "info":
            raised[(f.severity, f.message_pm)] = raised.get((f.severity, f.message_pm), 0) + 1
    for (severity, message), count in raised.items():
        lead, colour = SEVERITY[severity]
        times = f" ({count} times)" if count > 1 else ""
        items.append(item(f"{message.rstrip('.')}{times}.", f"New, {lead.lower()}:", colour))
    resolved = sum(f.status == "resolved" and f.severity != "info" for f in since.findings)
    if resolved:
        items.append(
            item(f"{resolved} earlier {'concern' if resolved == 1 else 'concerns'} resolved.")
        )
    return items


def since_slide(b: Builder) -> None:
    """One slide, when the facts hold a comparison with the last review; else nothing."""
    since = b.facts.since
    if since is None:
        return
    deck = b.deck
    if KIND not in deck.layouts:  # the first content slide's layout
        deck.layouts[KIND] = next(v for k, v in deck.layouts.items() if k != "title")
    slide = b.new(KIND, since.verdict_pm)
    area = deck.content(KIND)
    left, right = area.cols(0, 7), area.cols(7, 5)
    rows, real = _metric_rows(since)
    if rows:
        header = [Cell("What we measure"), Cell("Last review"), Cell("Now"), Cell("Change")]
        table(
            deck,
            slide,
            left,
            [header, *rows],
            (3, 1.4, 1.4, 3),
            name="Since the last review",
            alt="Table of the metrics that matter, at the last review and now, with the "
            "change and whether it is real",
            aligns=("l", "r", "r", "l"),
            highlight=real,
        )
    items = _other(since)
    size = shared([headed_size(deck, right, items, is_list=True)])
    headed(deck, slide, right, "What else changed", items, is_list=True, cap=size)
    set_notes(
        slide,
        [
            f"Compared with the review of {since.previous.name} {since.previous.version} "
            f"built on {since.previous.build_date}.",
            since.verdict,
            f"The metric changes are {since.pairing}: {since.pairing_reason}.",
            *[m.text for m in since.metrics],
            *[f"{cap(f.status)} ({f.severity}): {f.message}" for f in since.findings],
            *[c.text for c in since.changes],
            *[f"For the engineers: {a}" for a in since.actions],
        ],
    )
