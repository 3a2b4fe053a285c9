"""Put fitted text and simple shapes on a slide: text boxes, titles, panels, badges, notes.

Every string passes through `clean` on its way in (one line, white space collapsed; the
loader has already dropped what XML cannot carry), and every text frame is sized by `fit`
before it is written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from dsreport.render.deck.fit import BULLET_EM, ELLIPSIS, Fitted, Frame, Para, fit
from dsreport.render.deck.fonts import face
from dsreport.render.deck.geometry import EMU_PER_PT, Box, inches
from dsreport.render.deck.theme import MUTED, Deck, hex_rgb
from dsreport.render.deck.words import plain

INSET_X = inches(0.08)
INSET_Y = inches(0.04)
TITLE_SIZES = (36.0, 34.0, 32.0, 30.0, 28.0, 26.0, 24.0, 22.0, 20.0)
_ANCHORS = {"t": MSO_ANCHOR.TOP, "m": MSO_ANCHOR.MIDDLE, "b": MSO_ANCHOR.BOTTOM}


def clean(text: str) -> str:
    """Text on one line: runs of white space collapsed. (Characters XML cannot carry never
    get here: the loader drops them from all bundle text, `dsreport.bundle.fields.clean_text`.)"""
    return " ".join(str(text).split())


def is_rtl(text: str) -> bool:
    """Whether the first strongly directional character is right-to-left (Arabic, Hebrew)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def frame_of(box: Box, family: str, dx: int = INSET_X, dy: int = INSET_Y) -> Frame:
    return Frame((box.w - 2 * dx) / EMU_PER_PT, (box.h - 2 * dy) / EMU_PER_PT, family)


def rgb(deck: Deck, colour: str) -> RGBColor:
    value = deck.accent if colour == "accent" else MUTED if colour == "muted" else colour
    value = "#FFFFFF" if colour == "white" else value
    return hex_rgb(value)


def _ppr(paragraph: Any, para: Para, size: float, align: str | None) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    rtl = is_rtl(para.text)
    if align is not None:  # None: the template's own alignment (a footer placeholder's)
        ppr.set("algn", "r" if rtl and align == "l" else align)
    ppr.set("rtl", "1" if rtl else "0")
    indent = int(BULLET_EM * size * EMU_PER_PT) if para.bullet else 0
    ppr.set("marL", str(indent))
    ppr.set("indent", str(-indent))
    for child in list(ppr):
        ppr.remove(child)
    spacing = etree.SubElement(ppr, qn("a:lnSpc"))
    etree.SubElement(spacing, qn("a:spcPct"), val="100000")
    before = etree.SubElement(ppr, qn("a:spcBef"))
    etree.SubElement(before, qn("a:spcPts"), val=str(int(para.gap * size * 100)))
    after = etree.SubElement(ppr, qn("a:spcAft"))
    etree.SubElement(after, qn("a:spcPts"), val="0")
    if para.bullet:
        etree.SubElement(ppr, qn("a:buFont"), typeface="Arial")
        etree.SubElement(ppr, qn("a:buChar"), char="•")
    else:
        etree.SubElement(ppr, qn("a:buNone"))


def write(
    deck: Deck, shape: Any, fitted: Fitted, *, align: str | None = "l", anchor: str = "t"
) -> None:
    """Write fitted paragraphs into a shape's text frame, replacing what it held."""
    frame = shape.text_frame
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    if anchor in _ANCHORS:
        frame.vertical_anchor = _ANCHORS[anchor]
    for index, para in enumerate(fitted.paras):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        size = fitted.size * para.scale
        text = plain(clean(para.text))
        _ppr(paragraph, para, size, align)
        if para.lead:
            _run(
                deck, paragraph, clean(para.lead) + " ", size, True, para.lead_colour or para.colour
            )
        _run(deck, paragraph, text, size, para.bold, para.colour)


def _run(
    deck: Deck, paragraph: Any, text: str, size: float, bold: bool, colour: str | None
) -> None:
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.name = deck.family
    run._r.get_or_add_rPr().set("cap", "none")
    if colour == "inherit":
        pass
    elif colour is None:
        font.color.theme_color = MSO_THEME_COLOR.TEXT_1
    else:
        font.color.rgb = rgb(deck, colour)
    deck.lacking |= face(deck.family, bold).lacking(text)


def _insets(shape: Any, dx: int, dy: int) -> None:
    frame = shape.text_frame
    frame.margin_left = frame.margin_right = Emu(dx)
    frame.margin_top = frame.margin_bottom = Emu(dy)


def text_box(
    deck: Deck,
    slide: Any,
    box: Box,
    paras: Sequence[Para],
    sizes: Sequence[float],
    *,
    name: str,
    align: str = "l",
    anchor: str = "t",
    is_list: bool = False,
    more: Callable[[int], Para] | None = None,
    cap: float | None = None,
) -> Fitted:
    """A text box at `box` holding `paras` at the largest size of `sizes` (at most `cap`,
    so that sibling boxes can share one size) that fits."""
    fitted = measure(deck, box, paras, capped(sizes, cap), is_list=is_list, more=more)
    report_cuts(deck, name, paras, fitted)
    shape = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    shape.name = name
    _insets(shape, INSET_X, INSET_Y)
    write(deck, shape, fitted, align=align, anchor=anchor)
    return fitted


def capped(sizes: Sequence[float], cap: float | None) -> Sequence[float]:
    return sizes if cap is None else [s for s in sizes if s <= cap] or [sizes[-1]]


def measure(
    deck: Deck,
    box: Box,
    paras: Sequence[Para],
    sizes: Sequence[float],
    *,
    is_list: bool = False,
    more: Callable[[int], Para] | None = None,
) -> Fitted:
    """How `paras` would fit a text box at `box`, without drawing it."""
    clean_paras = [replace(p, text=clean(p.text), lead=clean(p.lead)) for p in paras]
    return fit(clean_paras, frame_of(box, deck.family), sizes, is_list=is_list, more=more)


def fill_shape(
    deck: Deck, shape: Any, box: Box, paras: Sequence[Para], sizes: Sequence[float], **kw: Any
) -> Fitted:
    """Fit `paras` into an existing shape (a placeholder or an autoshape) at `box`."""
    shape.left, shape.top, shape.width, shape.height = (
        Emu(v) for v in (box.x, box.y, box.w, box.h)
    )
    dx, dy = inches(0.1), inches(0.05)
    _insets(shape, dx, dy)
    clean_paras = [replace(p, text=clean(p.text), lead=clean(p.lead)) for p in paras]
    fitted = fit(clean_paras, frame_of(box, deck.family, dx, dy), sizes)
    report_cuts(deck, str(shape.name), paras, fitted)
    write(deck, shape, fitted, **kw)
    return fitted


def report_cuts(deck: Deck, name: str, paras: Sequence[Para], fitted: Fitted) -> None:
    """Warn when fitting cut or left out text: nothing on a slide is shortened silently."""
    before = [clean(p.text) for p in paras if clean(p.text)]
    after = [clean(p.text) for p in fitted.paras]
    if fitted.dropped or any(a != b for a, b in zip(after, before, strict=False)):
        cut = next((b for a, b in zip(after, before, strict=False) if a != b), before[-1])
        kept = next((a for a, b in zip(after, before, strict=False) if a != b), "")
        deck.shortened(name, cut, kept)


def placeholder(slide: Any, types: Sequence[str]) -> Any | None:
    for shape in slide.placeholders:
        ph = shape.element.ph
        if ph is not None and ph.get("type", "obj") in types:
            return shape
    return None


def drop_empty_placeholders(slide: Any) -> None:
    for shape in list(slide.placeholders):
        if not shape.has_text_frame or not shape.text_frame.text.strip():
            shape.element.getparent().remove(shape.element)


def set_title(
    deck: Deck, slide: Any, kind: str, text: str, sizes: Sequence[float] = TITLE_SIZES
) -> None:
    shape = placeholder(slide, ("title", "ctrTitle"))
    box = deck.title_box(kind)
    if shape is None:
        shape = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
        shape.name = "Title"
    fill_shape(deck, shape, box, [Para(text, bold=True, colour="inherit")], sizes, anchor="b")


def panel(
    slide: Any,
    box: Box,
    fill: RGBColor | None,
    *,
    line: RGBColor | None = None,
    name: str = "Panel",
) -> Any:
    """A rounded rectangle behind other shapes (named `Panel ...`: it may hold them)."""
    shape = slide.shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h)
    )
    shape.name = name
    shape.adjustments[0] = min(0.08, inches(0.12) / max(min(box.w, box.h), 1))
    style = shape.element.find(qn("p:style"))  # the theme's style would add a shadow
    if style is not None:
        shape.element.remove(style)
    if fill is None:
        shape.fill.background()
    else:
        shape.fill.solid()
        shape.fill.fore_color.rgb = fill
    if line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = line
        shape.line.width = Pt(2)
    return shape


NOTE_CHARS = 1500
"""Longest paragraph in the speaker notes (about 250 words): enough to answer from."""


def _capped(text: str, limit: int = NOTE_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + ELLIPSIS


def set_notes(slide: Any, lines: Sequence[str]) -> None:
    """Speaker notes: one paragraph per line, every line cleaned and of a readable length."""
    text = "\n".join(_capped(clean(line)) for line in lines if clean(line))
    slide.notes_slide.notes_text_frame.text = text or " "


def set_alt(shape: Any, text: str) -> None:
    """Alternative text (the shape's `descr`), read by screen readers and shown in PowerPoint."""
    shape.element.xpath("./*[1]/p:cNvPr")[0].set("descr", _capped(clean(text), 1000))
