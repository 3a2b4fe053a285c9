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
from dsreport.load.loader import Bundle
from dsreport.render.base import RenderContext
from dsreport.render.deck.blocks import footer
from dsreport.render.deck.draw import TITLE_SIZES, drop_empty_placeholders, set_title
from dsreport.render.deck.package import build_datetime, save_bytes, set_core_properties
from dsreport.render.deck.slides_since import since_slide
from dsreport.render.deck.theme import Deck, open_deck

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
        text = f"{title} (continued)" if continued else title
        set_title(self.deck, slide, kind, text, sizes)
        self.made.append((kind, slide))
        return slide


SlideBuilder = Callable[[Builder, int, bool], "int | None"]


def _builders() -> dict[str, SlideBuilder]:
    from dsreport.render.deck import slides_evidence, slides_risk, slides_story

    return {
        "title": slides_story.title,
        "problem": slides_story.problem,
        "success": slides_story.success,
        "results": slides_evidence.results,
        "ladder": slides_evidence.ladder,
        "examples": slides_evidence.examples,
        "risks": slides_risk.risks,
        "cost": slides_risk.cost,
        "decision": slides_story.decision,
    }


def build_deck(ctx: RenderContext) -> bytes:
    spec = ctx.bundle.spec
    kinds = slide_kinds(spec)
    deck = open_deck(ctx, kinds)
    builder = Builder(deck, ctx.facts, ctx.bundle)
    builders = _builders()
    limit = max(MAX_SLIDES, len(kinds))
    for index, kind in enumerate(kinds):
        later = len(kinds) - index - 1
        start: int | None = 0
        while start is not None:  # a builder returns a start only when `room` allows it
            room = len(builder.made) + 2 + later <= limit
            start = builders[kind](builder, start, room)
        if index == 0:  # what changed since the last review (--since), after the opening slide
            since_slide(builder)
    total = len(builder.made)
    for page, (kind, slide) in enumerate(builder.made, start=1):
        drop_empty_placeholders(slide)
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
