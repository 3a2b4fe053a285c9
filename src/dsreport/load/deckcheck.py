"""The deck's slide layouts: which layout each slide kind uses, and what a template lacks.

The PM deck puts each slide on a layout found by name, in the bundle's corporate
template (`audiences.branding.pptx_template`) or in the shipped default theme, through
`audiences.branding.layout_map`. `dsreport validate` reports a missing layout or
placeholder as a warning; the build then uses a fallback layout and says so. Both use
`plan_layouts`, so the warning and the build agree.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from dsreport.bundle.audiences import SlideKind
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector
from dsreport.load.layoutbox import layout_problems
from dsreport.load.pptxcheck import package_problem
from dsreport.load.yamlsrc import Loc, YamlDoc

SLIDE_KINDS: tuple[str, ...] = get_args(SlideKind)
TITLE_LAYOUT = "Title Slide"
CONTENT_LAYOUT = "Title Only"
DEFAULT_LAYOUTS = {k: TITLE_LAYOUT if k == "title" else CONTENT_LAYOUT for k in SLIDE_KINDS}
"""Standard Office layout names, so most corporate templates need no `layout_map`."""
THEME_ASSET = "deck/theme.pptx"
_TITLES = {"title", "ctrTitle"}
_SUBTITLES = {"subTitle", "body", "obj"}


@dataclass
class LayoutChoice:
    """The layout one slide kind uses, and what it lacks."""

    kind: str
    wanted: str
    layout: Any
    """The python-pptx SlideLayout used (the wanted one, or the fallback)."""
    missing_layout: bool = False
    missing: list[str] = field(default_factory=list)
    """Placeholders the layout lacks: `title`, `subtitle`."""

    @property
    def used(self) -> str:
        return str(self.layout.name)


def slide_kinds(spec: BundleSpec) -> list[str]:
    """The slides the deck holds, in order: the bundle's list or every kind."""
    return list(spec.audiences.pm.slides or SLIDE_KINDS)


def layout_map(spec: BundleSpec) -> dict[str, str]:
    """`audiences.branding.layout_map` keyed by plain strings."""
    return {str(kind): name for kind, name in spec.audiences.branding.layout_map.items()}


def placeholder_types(layout: Any) -> set[str]:
    """XML placeholder types of a layout (`title`, `ctrTitle`, `subTitle`, `body`, ...)."""
    out = set()
    for shape in layout.placeholders:
        ph = shape.element.ph
        out.add(ph.get("type", "obj") if ph is not None else "obj")
    return out


def _fallback(kind: str, layouts: list[Any], by_name: dict[str, Any]) -> Any:
    """The layout a slide kind falls back to: its default name, else the template's layout
    of the nearest type (title slide / title only / title and content), else any layout
    with a title, else the first."""
    if DEFAULT_LAYOUTS[kind] in by_name:
        return by_name[DEFAULT_LAYOUTS[kind]]
    wanted = ("title",) if kind == "title" else ("titleOnly", "obj", "tx", "twoObj")
    for kind_type in wanted:
        for layout in layouts:
            if layout.element.get("type") == kind_type:
                return layout
    need = {"ctrTitle", "title"} if kind == "title" else {"title"}
    titled = [lay for lay in layouts if placeholder_types(lay) & need]
    return (titled or layouts)[0]


def plan_layouts(
    prs: Any, kinds: list[str], layout_map: Mapping[str, str]
) -> dict[str, LayoutChoice]:
    """For each slide kind, the named layout of `prs` or a fallback, and what is missing."""
    layouts = [layout for master in prs.slide_masters for layout in master.slide_layouts]
    by_name: dict[str, Any] = {}
    for layout in layouts:
        by_name.setdefault(layout.name, layout)
    out: dict[str, LayoutChoice] = {}
    for kind in dict.fromkeys(kinds):
        wanted = layout_map.get(kind, DEFAULT_LAYOUTS[kind])
        choice = LayoutChoice(kind, wanted, by_name.get(wanted))
        if choice.layout is None:
            choice.missing_layout = True
            choice.layout = _fallback(kind, layouts, by_name)
        types = placeholder_types(choice.layout)
        if not types & _TITLES:
            choice.missing.append("title")
        if kind == "title" and not types & _SUBTITLES:
            choice.missing.append("subtitle")
        out[kind] = choice
    return out


def describe(choices: dict[str, LayoutChoice]) -> list[tuple[list[str], str]]:
    """What the chosen layouts lack, as (slide kinds, sentence), one sentence per problem;
    shared by `validate` and the build's notes."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for kind, choice in choices.items():
        if choice.missing_layout:
            grouped.setdefault(("layout", choice.wanted, choice.used), []).append(kind)
        for what in choice.missing:
            grouped.setdefault((what, choice.used, ""), []).append(kind)
    out = []
    for (what, name, used), kinds in grouped.items():
        many = len(kinds) > 1
        slides = f"the {', '.join(kinds)} slide{'s' if many else ''}"
        if what == "layout":
            verb = "use" if many else "uses"
            message = f"layout '{name}' is not in the template; {slides} {verb} '{used}' instead"
        else:
            verb = "draw" if many else "draws"
            message = f"layout '{name}' has no {what} placeholder; {slides} {verb} it in a text box"
        out.append((kinds, message))
    return out


def open_presentation(data: bytes) -> Any:
    """A python-pptx Presentation from bytes; raises ValueError when it is not one."""
    from pptx import Presentation

    try:
        prs = Presentation(io.BytesIO(data))
        if not any(len(master.slide_layouts) for master in prs.slide_masters):
            raise ValueError("it has no slide layouts")
    except Exception as exc:  # any parse failure of an untrusted file means "not a deck"
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    return prs


def check_deck_template(spec: BundleSpec, doc: YamlDoc, files: dict[str, bytes]) -> list[Problem]:
    """Warnings for layouts and placeholders the deck's template lacks."""
    branding = spec.audiences.branding
    if branding.pptx_template is None and not branding.layout_map:
        return []
    out = Collector(doc)
    where: Loc = ("audiences", "branding", "pptx_template")
    if branding.pptx_template is None:
        from dsreport.resources import asset

        data: bytes | None = asset(THEME_ASSET).read_bytes()
        where = ("audiences", "branding", "layout_map")
    else:
        data = files.get(branding.pptx_template)
    if data is None:  # an unreadable file is reported where it is read
        return []
    if branding.pptx_template is not None:
        refused = package_problem(data, branding.pptx_template)
        if refused is not None:
            out.add(where, *refused)
            return out.problems
    try:
        prs = open_presentation(data)
    except ValueError as exc:
        out.add(
            where,
            f"'{branding.pptx_template}' cannot be read as a PowerPoint file ({exc}); "
            "the deck uses the default theme",
            "save the template from PowerPoint as .pptx",
            warning=True,
        )
        return out.problems
    names = sorted({str(lay.name) for m in prs.slide_masters for lay in m.slide_layouts})
    choices = plan_layouts(prs, slide_kinds(spec), layout_map(spec))
    width, height = int(prs.slide_width), int(prs.slide_height)
    said: set[str] = set()
    for kind, choice in choices.items():
        for message in layout_problems(choice.layout, kind, width, height):
            if message in said:  # one layout, many slide kinds: said once
                continue
            said.add(message)
            out.add(
                ("audiences", "branding", "layout_map", kind)
                if kind in branding.layout_map
                else where,
                message,
                "fix the layout in the template, or map the slide to another layout in "
                "audiences.branding.layout_map",
            )
    for kinds, message in describe(choices):
        mapped = [k for k in kinds if k in branding.layout_map]
        out.add(
            ("audiences", "branding", "layout_map", mapped[0]) if mapped else where,
            message,
            "name one of the template's layouts in audiences.branding.layout_map: "
            + ", ".join(f"'{n}'" for n in names[:12]),
            warning=True,
        )
    return out.problems
