"""The deck's template and look: the shipped theme or the bundle's, its layouts, font, colours.

The shipped theme (assets/deck/theme.pptx, built by assets/deck/make_theme.py) has
named layouts; a bundle may name a corporate template instead (its bytes come from the
loaded bundle, never from disk again). Layouts are looked up by name through
`audiences.branding.layout_map`; a missing one falls back, and the build says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from pptx.dml.color import RGBColor

from dsreport.analyse import format as F
from dsreport.load.deckcheck import (
    THEME_ASSET,
    LayoutChoice,
    describe,
    layout_map,
    open_presentation,
    plan_layouts,
)
from dsreport.render.base import RenderContext
from dsreport.render.deck.fonts import DEFAULT_FAMILY, measurable
from dsreport.render.deck.geometry import Box, inches
from dsreport.resources import asset

INK = "#1F1F1F"
MUTED = "#595959"
GREY = "#A6A6A6"
LIGHT = "#F2F2F2"
DEFAULT_ACCENT = "#0072B2"
MARGIN = inches(0.6)
FOOTER_H = inches(0.4)
BOTTOM = inches(0.7)
"""Space kept free at the bottom of every slide for the footer."""
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
_SECTIONS = "{http://schemas.microsoft.com/office/powerpoint/2010/main}sectionLst"


@dataclass
class Deck:
    """Everything the slide builders share while one deck is made."""

    prs: Any
    family: str
    """The font the deck names on every run (and measures with its twin)."""
    accent: str
    layouts: dict[str, LayoutChoice]
    footer: str
    notes: list[str] = field(default_factory=list)
    """Messages for the user (ctx.notes): fallbacks taken, text left out."""
    lacking: set[str] = field(default_factory=set)
    """Characters the deck font lacks that the deck's text uses."""

    @property
    def width(self) -> int:
        return int(self.prs.slide_width)

    @property
    def height(self) -> int:
        return int(self.prs.slide_height)

    def title_box(self, kind: str) -> Box:
        """Where the title of a `kind` slide goes: its layout's title placeholder."""
        for shape in self.layouts[kind].layout.placeholders:
            ph = shape.element.ph
            if ph is not None and ph.get("type") in ("title", "ctrTitle"):
                return Box(int(shape.left), int(shape.top), int(shape.width), int(shape.height))
        return Box(MARGIN, inches(0.35), self.width - 2 * MARGIN, inches(1.15))

    def content(self, kind: str) -> Box:
        """The free area under the title, above the footer, on the title's left and right."""
        title = self.title_box(kind)
        left = max(title.x, inches(0.3))
        right = min(title.right, self.width - inches(0.3))
        top = title.bottom + inches(0.25)
        return Box(left, top, right - left, self.height - BOTTOM - top)


def hex_rgb(value: str) -> RGBColor:
    """`#0072B2` -> an RGBColor."""
    rgb: RGBColor = RGBColor.from_string(value.lstrip("#").upper())  # type: ignore[no-untyped-call]
    return rgb


def _theme_root(prs: Any) -> tuple[Any, Any]:
    part = prs.slide_masters[0].part.part_related_by(_THEME)
    return part, etree.fromstring(part.blob)


def _font(prs: Any) -> str | None:
    _, root = _theme_root(prs)
    latin = root.find(f".//{{{_A}}}minorFont/{{{_A}}}latin")
    return None if latin is None else str(latin.get("typeface", ""))


def _accent(prs: Any) -> str:
    """The template's own accent colour (accent1), when it is given as RGB."""
    _, root = _theme_root(prs)
    rgb = root.find(f".//{{{_A}}}clrScheme/{{{_A}}}accent1/{{{_A}}}srgbClr")
    value = "" if rgb is None else str(rgb.get("val", ""))
    return f"#{value}" if re.fullmatch(r"[0-9A-Fa-f]{6}", value) else DEFAULT_ACCENT


def _set_accent(prs: Any, colour: str) -> None:
    part, root = _theme_root(prs)
    slot = root.find(f".//{{{_A}}}clrScheme/{{{_A}}}accent1")
    for child in list(slot):
        slot.remove(child)
    etree.SubElement(slot, f"{{{_A}}}srgbClr", val=colour.lstrip("#").upper())
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_slides(prs: Any) -> None:
    """A corporate template may hold example slides: keep its masters and layouts only."""
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)
    for sections in prs.part._element.iter(_SECTIONS):
        ext = sections.getparent()
        ext.getparent().remove(ext)


def open_deck(ctx: RenderContext, kinds: list[str]) -> Deck:
    spec = ctx.bundle.spec
    branding = spec.audiences.branding
    notes: list[str] = []
    prs = None
    template = branding.pptx_template
    if template is not None and template in ctx.bundle.files:
        try:
            prs = open_presentation(ctx.bundle.files[template])
        except ValueError as exc:
            notes.append(
                f"deck: {template} is not a PowerPoint file ({exc}); used the default theme"
            )
    default = prs is None
    if prs is None:
        prs = open_presentation(asset(THEME_ASSET).read_bytes())
    _drop_slides(prs)
    accent = branding.accent or (DEFAULT_ACCENT if default else _accent(prs))
    if default:  # the bundle's accent replaces the theme's accent, and nothing else
        _set_accent(prs, accent)
    named = _font(prs) or DEFAULT_FAMILY
    family = measurable(re.sub(r"^\+m[nj]-lt$", DEFAULT_FAMILY, named))
    if family is None:
        family = DEFAULT_FAMILY
        notes.append(
            f"deck: the template's font {named} cannot be measured; text is set in "
            f"{family} so that it fits"
        )
    layouts = plan_layouts(prs, kinds, layout_map(spec))
    notes += [f"deck: {message}" for _, message in describe(layouts)]
    project = spec.project
    footer = f"{project.name} · v{project.version} · {F.fmt_date(ctx.facts.build_date)}"
    return Deck(prs, family, accent, layouts, footer, notes)
