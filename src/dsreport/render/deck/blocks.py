"""Composite blocks the slides are made of: badge, big number, headed text, footer, logo."""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree
from pptx.oxml.ns import qn
from pptx.util import Emu

from dsreport.analyse.facts import RecommendationFact
from dsreport.load.layoutbox import footers
from dsreport.render.deck.draw import (
    INSET_Y,
    clean,
    fill_shape,
    frame_of,
    measure,
    panel,
    rgb,
    set_alt,
    text_box,
)
from dsreport.render.deck.fit import BODY_SIZES, HEIGHT_SAFETY, Fitted, Para, height
from dsreport.render.deck.geometry import EMU_PER_PT, Box, inches
from dsreport.render.deck.theme import FOOTER_H, Deck

BADGE_SIZES = (24.0, 22.0, 20.0, 18.0, 16.0, 14.0)
HEADING_SIZES = (22.0, 20.0, 18.0, 16.0, 14.0)


def badge(deck: Deck, slide: Any, box: Box, rec: RecommendationFact) -> None:
    """The recommendation as a coloured badge that also says it in words."""
    shape = panel(slide, box, rgb(deck, rec.colour), name="Badge")
    fill_shape(
        deck,
        shape,
        box,
        [Para(f"Recommendation: {rec.label}", bold=True, colour="white")],
        BADGE_SIZES,
        align="ctr",
        anchor="m",
    )


@dataclass(frozen=True)
class Block:
    """One text box of a vertical stack: its paragraphs and its sizes, largest first."""

    name: str
    paras: Sequence[Para]
    sizes: Sequence[float]
    anchor: str = "t"


def block_height(deck: Deck, width: int, block: Block, size: float) -> int:
    """Height in EMU the block needs at `size` (its insets included)."""
    frame = frame_of(Box(0, 0, width, inches(100)), deck.family)
    paras = [replace(p, text=clean(p.text), lead=clean(p.lead)) for p in block.paras]
    needed = height([p for p in paras if p.text.strip()], size, frame)
    return int(needed / HEIGHT_SAFETY * EMU_PER_PT) + 2 * INSET_Y + 1


def stack_step(deck: Deck, box: Box, blocks: Sequence[Block], gap: int = inches(0.1)) -> int:
    """The first step down the blocks' sizes at which they fit one under another in `box`
    (the last step when none does)."""
    steps = max(len(b.sizes) for b in blocks)
    for step in range(steps):
        heights = [block_height(deck, box.w, b, _at(b, step)) for b in blocks]
        if sum(heights) + gap * (len(blocks) - 1) <= box.h:
            return step
    return steps - 1


def _at(block: Block, step: int) -> float:
    return block.sizes[min(step, len(block.sizes) - 1)]


def stack(
    deck: Deck,
    slide: Any,
    box: Box,
    blocks: Sequence[Block],
    gap: int = inches(0.1),
    step: int | None = None,
) -> Box:
    """Blocks one under another in `box`, each as tall as its text needs, all stepping down
    their sizes together until the stack fits (or at `step`, shared with a sibling stack);
    returns the part of `box` left below."""
    step = stack_step(deck, box, blocks, gap) if step is None else step
    top = box.y
    for block in blocks:
        size = _at(block, step)
        tall = block_height(deck, box.w, block, size)
        part = Box(box.x, top, box.w, min(tall, box.bottom - top))
        text_box(deck, slide, part, block.paras, [size], name=block.name, anchor=block.anchor)
        top = part.bottom + gap
    return Box(box.x, min(top, box.bottom), box.w, max(box.bottom - top, 0))


HEAD_H = inches(0.5)
SHARED_FLOOR = 16.0


def shared(sizes: Sequence[float]) -> float:
    """One size for sibling boxes: the smallest they need, but a crowded box does not pull
    the others below `SHARED_FLOOR` (it keeps its own smaller size)."""
    return max(min(sizes), SHARED_FLOOR)


def more_in_notes(n: int) -> Para:
    return Para(f"+ {n} more in the speaker notes", colour="muted")


def first_items(
    deck: Deck, box: Box, items: Sequence[Para], most: int, sizes: Sequence[float] = BODY_SIZES
) -> list[Para]:
    """At most `most` of `items`, as many as fit the body of `headed(box, ...)` whole at the
    floor size (at least one), and a line saying how many more are in the speaker notes."""
    body = _parts(box)[1]
    floor = sizes[-1]

    def chosen(many: int) -> list[Para]:
        more = [more_in_notes(len(items) - many)] if len(items) > many else []
        return [*items[:many], *more]

    many = min(most, len(items))
    while many > 1 and block_height(deck, body.w, Block("", chosen(many), [floor]), floor) > body.h:
        many -= 1
    return chosen(many)


def _parts(box: Box) -> tuple[Box, Box]:
    head = box.top(HEAD_H)
    return head, box.below(head, inches(0.05))


def headed_size(
    deck: Deck,
    box: Box,
    body: Sequence[Para],
    sizes: Sequence[float] = BODY_SIZES,
    *,
    is_list: bool = False,
) -> float:
    """The size the body of `headed(box, ...)` would be set at."""
    return measure(
        deck, _parts(box)[1], body, sizes, is_list=is_list, more=more_in_notes if is_list else None
    ).size


def headed(
    deck: Deck,
    slide: Any,
    box: Box,
    heading: str,
    body: Sequence[Para],
    *,
    sizes: Sequence[float] = BODY_SIZES,
    is_list: bool = False,
    cap: float | None = None,
) -> Fitted:
    """A short bold heading over a body of text (or a list) that fills the rest of `box`."""
    head, rest = _parts(box)
    text_box(
        deck,
        slide,
        head,
        [Para(heading, bold=True, colour="accent")],
        HEADING_SIZES,
        name=f"Heading: {clean(heading)}"[:200],
        anchor="b",
    )
    return text_box(
        deck,
        slide,
        rest,
        body,
        sizes,
        name="Body",
        is_list=is_list,
        more=more_in_notes if is_list else None,
        cap=cap,
    )


SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
FOOTER_SIZES = (14.0, 12.0, 11.0, 10.0, 9.0, 8.0)


def _inherited_size(layout_placeholder: Any) -> float:
    """The size a template sets for a footer placeholder (its layout's, else its master's)."""
    candidates = [layout_placeholder.element]
    kind = layout_placeholder.element.ph.get("type")
    for shape in layout_placeholder.part.slide_layout.slide_master.placeholders:
        if shape.element.ph is not None and shape.element.ph.get("type") == kind:
            candidates.append(shape.element)
    for element in candidates:
        for rpr in element.iter(qn("a:defRPr")):
            if rpr.get("sz", "").isdigit():
                return int(rpr.get("sz")) / 100
    return 12.0


def _as_slide_number(shape: Any, page: int, total: int) -> None:
    """The first run becomes PowerPoint's slide-number field, followed by `/ total`."""
    paragraph = shape.text_frame.paragraphs[0]._p
    run = paragraph.find(qn("a:r"))
    if run is None:
        return
    field_ = etree.Element(qn("a:fld"), id=SLIDE_NUMBER_FIELD, type="slidenum")
    for child in list(run):
        field_.append(child)
    field_.find(qn("a:t")).text = str(page)
    run.addprevious(field_)
    paragraph.remove(run)
    tail = copy.deepcopy(field_)
    tail.tag = qn("a:r")
    for attribute in ("id", "type"):
        tail.attrib.pop(attribute)
    tail.find(qn("a:t")).text = f" / {total}"
    field_.addnext(tail)


def footer(deck: Deck, slide: Any, kind: str, page: int, total: int) -> None:
    """The template's footer, date and slide-number placeholders filled in (the project and
    version, the build date, `page / total`); drawn in text boxes of our own where the
    layout has none."""
    found = footers(deck.layouts[kind].layout)
    texts = {"ftr": deck.footer, "dt": deck.date, "sldNum": str(page)}
    for ph_kind, layout_ph in found.items():
        slide.shapes.clone_placeholder(layout_ph)
        idx = layout_ph.placeholder_format.idx
        shape = next(p for p in slide.placeholders if p.placeholder_format.idx == idx)
        box = Box(int(shape.left), int(shape.top), int(shape.width), int(shape.height))
        top = _inherited_size(layout_ph)
        sizes = [s for s in FOOTER_SIZES if s <= top] or [FOOTER_SIZES[-1]]
        text = texts[ph_kind] + (f" / {total}" if ph_kind == "sldNum" else "")
        fill_shape(deck, shape, box, [Para(text, colour="inherit")], sizes, align=None, anchor="m")
        if ph_kind == "sldNum":
            _as_slide_number(shape, page, total)
    if found:
        return
    y = deck.height - FOOTER_H - inches(0.15)
    content = deck.content(kind)
    left, right = content.x, content.right
    number = Box(right - inches(1.4), y, inches(1.4), FOOTER_H)
    text_box(
        deck,
        slide,
        number,
        [Para(f"{page} / {total}", colour="muted")],
        (14.0,),
        name="Footer: page",
        align="r",
        anchor="m",
    )
    words = Box(left, y, number.x - left - inches(0.2), FOOTER_H)
    text_box(
        deck,
        slide,
        words,
        [Para(f"{deck.footer} · {deck.date}", colour="muted")],
        (14.0, 12.0),
        name="Footer",
        anchor="m",
    )


def logo(deck: Deck, slide: Any, box: Box, data: bytes, name: str, path: str = "") -> None:
    """The bundle's logo (file `path`), scaled to fit `box` (top-right), with alt text
    naming the project `name`."""
    try:
        picture = slide.shapes.add_picture(
            io.BytesIO(data), Emu(box.x), Emu(box.y), height=Emu(box.h)
        )
    except Exception as exc:  # an untrusted image python-pptx cannot read: no logo, say so
        what = f"the logo {path}" if path else "the logo"
        deck.notes.append(
            f"deck: {what} could not be placed ({type(exc).__name__}); the title slide has none"
        )
        return
    if picture.width > box.w:
        picture.height = Emu(int(picture.height * box.w / picture.width))
        picture.width = Emu(box.w)
    picture.left = Emu(box.right - int(picture.width))
    picture.name = "Logo"
    set_alt(picture, f"Logo: {name}")
