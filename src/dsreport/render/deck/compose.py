"""Facts -> deck: run the slide builders in the bundle's order, then footers and properties.

A builder makes one slide of its kind and returns None, or, when a list did not fit,
the index to continue from; a continuation slide is made while the deck has room (at
most `MAX_SLIDES` by default), and otherwise the slide says how many items went to the
speaker notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dsreport.analyse import format as F
from dsreport.analyse.facts import Facts
from dsreport.bundle.spec import BundleSpec
from dsreport.load.deckcheck import slide_kinds
from dsreport.load.loaded import Bundle
from dsreport.render.base import RenderContext
from dsreport.render.deck.blocks import footer
from dsreport.render.deck.draw import TITLE_SIZES, drop_empty_placeholders, set_title
from dsreport.render.deck.package import build_datetime, save_bytes, set_core_properties
from dsreport.render.deck.slides_since import since_slide
from dsreport.render.deck.theme import Deck, open_deck
from dsreport.render.deck.words import glossary, term_pattern

MAX_SLIDES = 10


@dataclass
class Builder:
    deck: Deck
    facts: Facts
    bundle: Bundle
    made: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def spec(self) -> BundleSpec:
        return self.bundle.spec

    def new(
        self,
        kind: str,
        title: str,
        *,
        continued: bool = False,
        sizes: Sequence[float] = TITLE_SIZES,
    ) -> Any:
        """A new slide on the layout chosen for `kind`, with its title set to fit."""
        slide = self.deck.prs.slides.add_slide(self.deck.layouts[kind].layout)
        self.deck.slide_no = len(self.made) + 1
        text = f"{title} (continued)" if continued else title
        set_title(self.deck, slide, kind, text, sizes)
        self.made.append((kind, slide))
        return slide


SlideBuilder = Callable[[Builder, int, bool], "int | None"]


def _builders() -> dict[str, SlideBuilder]:
    from dsreport.render.deck import (
        slides_answer,
        slides_evidence,
        slides_risk,
        slides_story,
        slides_tried,
    )

    return {
        "title": slides_story.title,
        "answer": slides_answer.answer,
        "problem": slides_story.problem,
        "success": slides_story.success,
        "results": slides_evidence.results,
        "ladder": slides_tried.ladder,
        "examples": slides_tried.examples,
        "risks": slides_risk.risks,
        "cost": slides_risk.cost,
        "decision": slides_story.decision,
    }


def slide_text(slide: Any) -> str:
    """Everything a slide shows in words: text frames, table cells, chart categories."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text_frame.text for row in shape.table.rows for cell in row.cells]
        if shape.has_chart:
            parts += [str(c) for c in shape.chart.plots[0].categories]
    return "\n".join(parts)


def gloss(builder: Builder) -> None:
    """Each term of art the deck shows, explained in the notes of the slide it first
    appears on."""
    terms = glossary(builder.facts)
    patterns = {term: term_pattern(term) for term in terms}
    seen: set[str] = set()
    for _, slide in builder.made:
        text = slide_text(slide)
        found = [t for t, p in patterns.items() if t not in seen and p.search(text)]
        seen.update(found)
        frame = slide.notes_slide.notes_text_frame
        for term in found:
            frame.add_paragraph().text = f"Term: {terms[term]}"


def build_deck(ctx: RenderContext) -> bytes:
    spec = ctx.bundle.spec
    kinds = slide_kinds(spec)
    deck = open_deck(ctx, kinds)
    builder = Builder(deck, ctx.facts, ctx.bundle)
    builders = _builders()
    limit = max(MAX_SLIDES, len(kinds))
    after = "answer" if "answer" in kinds else kinds[0]
    for index, kind in enumerate(kinds):
        later = len(kinds) - index - 1
        start: int | None = 0
        while start is not None:  # a builder returns a start only when `room` allows it
            room = len(builder.made) + 2 + later <= limit
            start = builders[kind](builder, start, room)
        if kind == after:  # what changed since the last review (--since), after the answer
            since_slide(builder)
    gloss(builder)
    total = len(builder.made)
    for page, (kind, slide) in enumerate(builder.made, start=1):
        drop_empty_placeholders(slide)
        deck.slide_no = page
        if kind != "title":
            footer(deck, slide, kind, page, total)
    if deck.lacking:
        sample = "".join(sorted(deck.lacking)[:8])
        deck.notes.append(
            f"deck: {len(deck.lacking)} characters (such as {sample}) are not in {deck.family}; "
            "PowerPoint draws them with a fallback font (measured at a wide, safe size)"
        )
    when = build_datetime(ctx.facts.build_date)
    project = spec.project
    set_core_properties(
        deck.prs,
        when,
        title=f"{project.name}: the decision",
        author="; ".join(a.name for a in project.authors),
        last_modified_by=project.authors[0].name if project.authors else "dsreport",
        subject=ctx.facts.statement,
        keywords=f"dsreport; {project.task}; {ctx.facts.slug}; v{project.version}",
        category="Model evaluation",
        comments=f"Built by dsreport {ctx.facts.dsreport_version} from bundle "
        f"{ctx.facts.bundle_digest[:12]} on {F.fmt_date(ctx.facts.build_date)}",
        version=project.version,
        identifier=ctx.facts.slug,
        content_status="Draft",
        language="en",
    )
    ctx.notes.extend(deck.notes)
    return save_bytes(deck.prs, when)
