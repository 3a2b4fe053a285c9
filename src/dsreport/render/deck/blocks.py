"""Composite blocks the slides are made of: badge, big number, headed text, footer, logo."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pptx.util import Emu

from dsreport.analyse.facts import RecommendationFact
from dsreport.render.deck.draw import clean, fill_shape, measure, panel, rgb, set_alt, text_box
from dsreport.render.deck.fit import BODY_SIZES, Fitted, Para
from dsreport.render.deck.geometry import Box, inches
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


def big_number(
    deck: Deck,
    slide: Any,
    box: Box,
    value: str,
    caption: Sequence[Para],
    *,
    colour: str = "accent",
    sizes: Sequence[float] = (66.0, 60.0, 54.0, 48.0, 40.0, 32.0),
    value_share: float = 0.62,
) -> None:
    """A number set large, with a caption under it saying what it is."""
    top = Box(box.x, box.y, box.w, int(box.h * value_share))
    text_box(
        deck,
        slide,
        top,
        [Para(value, bold=True, colour=colour)],
        sizes,
        name="Big number",
        anchor="b",
    )
    rest = box.below(top, 0)
    text_box(
        deck,
        slide,
        rest,
        caption,
        (20.0, 18.0, 16.0, 14.0),
        name="Big number caption",
    )


HEAD_H = inches(0.5)
SHARED_FLOOR = 16.0


def shared(sizes: Sequence[float]) -> float:
    """One size for sibling boxes: the smallest they need, but a crowded box does not pull
    the others below `SHARED_FLOOR` (it keeps its own smaller size)."""
    return max(min(sizes), SHARED_FLOOR)


def _more(n: int) -> Para:
    return Para(f"+ {n} more in the speaker notes", colour="muted")


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
        deck, _parts(box)[1], body, sizes, is_list=is_list, more=_more if is_list else None
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
        more=_more if is_list else None,
        cap=cap,
    )


def footer(deck: Deck, slide: Any, kind: str, page: int, total: int) -> None:
    """`project · version · date` on the left, `page / total` on the right, under the content."""
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
        deck, slide, words, [Para(deck.footer, colour="muted")], (14.0,), name="Footer", anchor="m"
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
