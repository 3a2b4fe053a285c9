"""Where a slide layout puts the title, the body and the footer (all lengths in EMU).

Shared by `validate` (a layout that cannot hold a title or a body is an error) and by the
deck, which lays its content out in the area this module finds: under the layout's title
placeholder, above whatever the template keeps at the bottom of the slide (its footer,
date and slide-number placeholders, and any text or picture it draws there itself, such
as a "Confidential" line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EMU_PER_INCH = 914400
FOOTER_TYPES = ("ftr", "sldNum", "dt")
TITLE_TYPES = ("title", "ctrTitle")
MIN_TITLE_H = int(0.3 * EMU_PER_INCH)
MIN_TITLE_W = int(2.0 * EMU_PER_INCH)
MIN_BODY_H = int(2.0 * EMU_PER_INCH)
MIN_BODY_W = int(4.0 * EMU_PER_INCH)
BAND = 0.25
"""Shapes whose top lies in the bottom quarter of the slide (and that are not a background
covering more than that) reserve the bottom band."""
DEFAULT_TITLE = (0.6, 0.35, None, 1.15)
"""Where the deck draws a title when the layout has no title placeholder: left, top, width
(None: the slide's width less both margins), height, in inches."""


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


def _rect(shape: Any) -> Rect | None:
    try:
        values = (shape.left, shape.top, shape.width, shape.height)
    except (AttributeError, ValueError):
        return None
    if any(v is None for v in values):
        return None
    return Rect(*(int(v) for v in values))


def ph_type(shape: Any) -> str | None:
    ph = shape.element.ph if shape.is_placeholder else None
    return None if ph is None else str(ph.get("type", "obj"))


def title_rect(layout: Any, width: int) -> tuple[Rect, bool]:
    """The layout's title placeholder, and True; else where the deck draws one, and False."""
    for shape in layout.placeholders:
        if ph_type(shape) in TITLE_TYPES:
            rect = _rect(shape)
            if rect is not None:
                return rect, True
    left, top, w, h = DEFAULT_TITLE
    span = width - 2 * int(left * EMU_PER_INCH) if w is None else int(w * EMU_PER_INCH)
    return Rect(
        int(left * EMU_PER_INCH), int(top * EMU_PER_INCH), span, int(h * EMU_PER_INCH)
    ), False


def footers(layout: Any) -> dict[str, Any]:
    """The layout's footer, slide-number and date placeholders, by type."""
    return {t: s for s in layout.placeholders if (t := ph_type(s)) in FOOTER_TYPES}


def reserved_top(layout: Any, width: int, height: int) -> int:
    """The highest top of what the template keeps in the bottom band of `layout`: the
    layout's footer placeholders (the deck fills them) and the pictures and text the layout
    and its master draw themselves."""
    limit = int(height * (1 - BAND))
    drawn = [s for s in [*layout.slide_master.shapes, *layout.shapes] if not s.is_placeholder]
    tops = [height]
    for shape in [*footers(layout).values(), *drawn]:
        rect = _rect(shape)
        if rect is None or rect.w <= 0 or rect.h <= 0:
            continue
        if rect.y >= limit and rect.h <= height * BAND and rect.x < width:
            tops.append(rect.y)
    return min(tops)


def content_rect(layout: Any, width: int, height: int, gap: int, margin: int) -> Rect:
    """The free area under the title and above the bottom band, within the title's width."""
    title, _ = title_rect(layout, width)
    left = max(title.x, margin)
    right = min(title.right, width - margin)
    top = title.bottom + gap
    bottom = min(reserved_top(layout, width, height), height - margin) - gap // 2
    return Rect(left, top, max(right - left, 0), max(bottom - top, 0))


def layout_problems(layout: Any, kind: str, width: int, height: int) -> list[str]:
    """Why `layout` cannot hold a `kind` slide's title or body (empty when it can)."""
    out = []
    title, placed = title_rect(layout, width)
    inches = EMU_PER_INCH
    if placed and (
        title.h < MIN_TITLE_H or title.w < MIN_TITLE_W or title.bottom > height or title.x < 0
    ):
        return [
            f"layout '{layout.name}' has a title placeholder {title.w / inches:.1f} in wide and "
            f"{title.h / inches:.1f} in high, where a slide title needs at least "
            f"{MIN_TITLE_W / inches:.0f} in by {MIN_TITLE_H / inches:.1f} in"
        ]
    if kind != "title":
        body = content_rect(layout, width, height, int(0.25 * inches), int(0.3 * inches))
        if body.h < MIN_BODY_H or body.w < MIN_BODY_W:
            out.append(
                f"layout '{layout.name}' leaves {body.w / inches:.1f} in by "
                f"{body.h / inches:.1f} in under its title for a slide's body, where it "
                f"needs at least {MIN_BODY_W / inches:.0f} in by {MIN_BODY_H / inches:.0f} in"
            )
    return out
