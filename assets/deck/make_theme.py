"""Build assets/deck/theme.pptx, the PM deck's default theme.

Run `python assets/deck/make_theme.py` after changing this file and commit the result.
It starts from python-pptx's own template, makes it 16:9, keeps four layouts under the
standard Office names the deck looks up (Title Slide, Title and Content, Title Only,
Blank), places their placeholders on the deck's grid (0.6 in margins), sets the colours
(Okabe-Ito, accent #0072B2) and Calibri, and adds the accent bars. The output is
byte-identical from run to run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

from dsreport.render.deck.package import save_bytes, set_core_properties

OUT = Path(__file__).resolve().parent / "theme.pptx"
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KEEP = ("Title Slide", "Title and Content", "Title Only", "Blank")
COLOURS = {
    "dk1": "1F1F1F",
    "lt1": "FFFFFF",
    "dk2": "404040",
    "lt2": "F2F2F2",
    "accent1": "0072B2",
    "accent2": "E69F00",
    "accent3": "009E73",
    "accent4": "D55E00",
    "accent5": "CC79A7",
    "accent6": "56B4E9",
    "hlink": "0072B2",
    "folHlink": "595959",
}
# placeholder type -> (left, top, width, height) in inches, on a 13.333 x 7.5 in slide
MASTER = {
    "title": (0.6, 0.35, 12.133, 1.15),
    "body": (0.6, 1.75, 12.133, 4.95),
    "dt": (0.6, 6.95, 3.0, 0.35),
    "ftr": (3.8, 6.95, 5.733, 0.35),
    "sldNum": (9.733, 6.95, 3.0, 0.35),
}
TITLE_SLIDE = {"ctrTitle": (0.9, 1.4, 11.5, 2.1), "subTitle": (0.9, 3.7, 11.5, 1.3)}
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
    'schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>'
    "dsreport</Application><PresentationFormat>Widescreen</PresentationFormat></Properties>"
)
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def _place(shape: object, box: tuple[float, float, float, float]) -> None:
    left, top, width, height = box
    shape.left, shape.top = Inches(left), Inches(top)  # type: ignore[attr-defined]
    shape.width, shape.height = Inches(width), Inches(height)  # type: ignore[attr-defined]


def _ph_type(shape: object) -> str:
    ph = shape.element.ph  # type: ignore[attr-defined]
    return "obj" if ph is None else ph.get("type", "obj")


def _bar(tree: etree._Element, name: str, box: tuple[float, float, float, float]) -> None:
    """A filled accent1 rectangle drawn on the layout behind the slide's content."""
    ids = [int(e.get("id")) for e in tree.iter(qn("p:cNvPr"))]
    left, top, width, height = (int(Inches(v)) for v in box)
    xml = (
        f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="{max(ids) + 1}" '
        f'name="{name}"/><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr><a:xfrm>'
        f'<a:off x="{left}" y="{top}"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr '
        'val="accent1"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>'
    )
    tree.insert(2, etree.fromstring(xml))


def _styles(master: object) -> None:
    element = master.element  # type: ignore[attr-defined]
    title = element.find(f".//{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    title.set("algn", "l")
    rpr = title.find(qn("a:defRPr"))
    rpr.set("sz", "3200")
    rpr.set("b", "1")
    sizes = {1: 2400, 2: 2000, 3: 1800}
    for level in range(1, 10):
        ppr = element.find(f".//{qn('p:bodyStyle')}/{qn(f'a:lvl{level}pPr')}")
        ppr.find(qn("a:defRPr")).set("sz", str(sizes.get(level, 1600)))
    for shape in master.placeholders:  # type: ignore[attr-defined]
        kind = _ph_type(shape)
        if kind in MASTER:
            _place(shape, MASTER[kind])
        if kind == "title":
            shape.element.txBody.find(qn("a:bodyPr")).set("anchor", "b")


def _theme(prs: object) -> None:
    master = prs.slide_master  # type: ignore[attr-defined]
    part = master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    )
    root = etree.fromstring(part.blob)
    root.set("name", "dsreport")
    scheme = root.find(f".//{{{A}}}clrScheme")
    scheme.set("name", "dsreport")
    for name, value in COLOURS.items():
        slot = scheme.find(f"{{{A}}}{name}")
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{A}}}srgbClr", val=value)
    root.find(f".//{{{A}}}fontScheme").set("name", "dsreport")
    for which in ("majorFont", "minorFont"):
        root.find(f".//{{{A}}}{which}/{{{A}}}latin").set("typeface", "Calibri")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def main() -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    layouts = prs.slide_master.slide_layouts
    for layout in list(layouts):
        if layout.name not in KEEP:
            layouts.remove(layout)
    _styles(prs.slide_master)
    _theme(prs)
    for layout in layouts:
        for shape in layout.placeholders:
            kind = _ph_type(shape)
            box = TITLE_SLIDE.get(kind) if layout.name == "Title Slide" else MASTER.get(kind)
            if box is None and kind == "obj":
                box = MASTER["body"]
            if box is not None:
                _place(shape, box)
        tree = layout.shapes._spTree
        if layout.name == "Title Slide":
            _bar(tree, "Accent band", (0.0, 0.0, 0.3, 7.5))
        elif layout.name != "Blank":
            _bar(tree, "Accent rule", (0.6, 1.56, 0.9, 0.06))
    prs.notes_master  # noqa: B018 - creates the notes master, so every deck shares this one
    package = prs.part.package
    for rel_id, rel in list(package._rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package._rels.pop(rel_id)
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML.encode()
    set_core_properties(
        prs,
        WHEN,
        title="dsreport default theme",
        author="dsreport",
        last_modified_by="dsreport",
        subject="The product manager's deck",
        keywords="dsreport; theme",
        comments="Built by assets/deck/make_theme.py",
        category="",
    )
    OUT.write_bytes(save_bytes(prs, WHEN))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
