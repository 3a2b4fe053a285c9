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
from dsreport.load.layoutbox import content_rect, title_rect
from dsreport.render.base import RenderContext
from dsreport.render.deck.fonts import DEFAULT_FAMILY, resolve
from dsreport.render.deck.geometry import Box, inches
from dsreport.resources import asset
from dsreport.result import WARNING

INK = "#1F1F1F"
MUTED = "#595959"
GREY = "#A6A6A6"
LIGHT = "#F2F2F2"
DEFAULT_ACCENT = "#0072B2"
FOOTER_H = inches(0.4)
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
_SECTIONS = "{http://schemas.microsoft.com/office/powerpoint/2010/main}sectionLst"


@dataclass
class Deck:
    """Everything the slide builders share while one deck is made."""

    prs: Any
    family: str
    """The font the deck names on every run (and measures with its file or twin)."""
    accent: str
    layouts: dict[str, LayoutChoice]
    footer: str
    """What the footer says: the project's name."""
    date: str
    """What the date placeholder says: the version and the build date."""
    notes: list[str] = field(default_factory=list)
    """Messages for the user (ctx.notes): fallbacks taken; warnings start `warning: `."""
    lacking: set[str] = field(default_factory=set)
    """Characters the deck font lacks that the deck's text uses."""
    slide_no: int = 0
    """The slide being made (1-based), for messages."""

    @property
    def width(self) -> int:
        return int(self.prs.slide_width)

    @property
    def height(self) -> int:
        return int(self.prs.slide_height)

    def warn(self, message: str) -> None:
        """Something the reader of the deck should know was changed (text shortened, a font
        substituted): a warning on standard error and in `build --json`."""
        if (line := f"{WARNING}deck: {message}") not in self.notes:
            self.notes.append(line)

    def shortened(self, name: str, before: str, after: str) -> None:
        """Text that had to be cut to fit its box: say where, and what was kept."""
        kept = f"kept “{after[:60]}{'…' if len(after) > 60 else ''}”" if after else "left out"
        self.warn(
            f"slide {self.slide_no}: {name} did not fit and was shortened ({kept}; "
            f"{len(before)} characters in full, in the speaker notes or the report)"
        )

    def title_box(self, kind: str) -> Box:
        """Where the title of a `kind` slide goes: its layout's title placeholder."""
        rect, _ = title_rect(self.layouts[kind].layout, self.width)
        return Box(rect.x, rect.y, rect.w, rect.h)

    def content(self, kind: str) -> Box:
        """The free area under the title, above the template's footer band, on the title's
        left and right."""
        rect = content_rect(
            self.layouts[kind].layout, self.width, self.height, inches(0.25), inches(0.3)
        )
        return Box(rect.x, rect.y, rect.w, rect.h)


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


def _accent_of(ctx: RenderContext, prs: Any, default: bool) -> str:
    """The default theme takes the bundle's accent; a corporate template keeps its own
    unless the bundle asks to replace it (`replace_template_accent`)."""
    branding = ctx.bundle.spec.audiences.branding
    if default or (branding.replace_template_accent and branding.accent):
        accent = branding.accent or DEFAULT_ACCENT
        _set_accent(prs, accent)
        return accent
    return _accent(prs)


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
    accent = _accent_of(ctx, prs, default)
    named = re.sub(r"^\+m[nj]-lt$", DEFAULT_FAMILY, _font(prs) or DEFAULT_FAMILY)
    measured = resolve(named)
    layouts = plan_layouts(prs, kinds, layout_map(spec))
    notes += [f"deck: {message}" for _, message in describe(layouts)]
    project = spec.project
    date = f"v{project.version} · {F.fmt_date(ctx.facts.build_date)}"
    deck = Deck(prs, measured.family, accent, layouts, project.name, date)
    deck.notes = notes
    if measured.note:
        deck.warn(measured.note)
    return deck
