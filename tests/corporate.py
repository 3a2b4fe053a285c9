"""A corporate deck template unlike the shipped theme, made with python-pptx: 4:3, its own
font (DejaVu Sans, measured with its file through fontconfig) and colour, footer, date and
slide-number placeholders, and a "Confidential" line the master draws above the footer."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.util import Inches

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
FONT = "DejaVu Sans"
COLOUR = "8E1B3A"
BAND_TOP = Inches(6.45)
"""Where the master's "Confidential" line starts: the deck's content must end above it."""


def make(path: Path, *, font: str = FONT, colour: str = COLOUR) -> Path:
    prs = Presentation()  # python-pptx's own template: 4:3, Office layouts with footers
    master = prs.slide_master
    part = master.part.part_related_by(THEME)
    root = etree.fromstring(part.blob)
    for which in ("majorFont", "minorFont"):
        root.find(f".//{{{A}}}{which}/{{{A}}}latin").set("typeface", font)
    slot = root.find(f".//{{{A}}}clrScheme/{{{A}}}accent1")
    for child in list(slot):
        slot.remove(child)
    etree.SubElement(slot, f"{{{A}}}srgbClr", val=colour)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    tree = master.shapes._spTree
    ids = [int(e.get("id")) for e in tree.iter(f"{{{P}}}cNvPr")]
    tree.append(
        etree.fromstring(
            f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="{max(ids) + 1}" '
            'name="Confidential"/><p:cNvSpPr txBox="1"/><p:nvPr userDrawn="1"/></p:nvSpPr>'
            f'<p:spPr><a:xfrm><a:off x="{Inches(0.5)}" y="{BAND_TOP}"/><a:ext '
            f'cx="{Inches(4)}" cy="{Inches(0.35)}"/></a:xfrm><a:prstGeom prst="rect">'
            "<a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r>"
            f'<a:rPr lang="en-GB" sz="1000"/><a:t>CONFIDENTIAL · internal use only</a:t></a:r>'
            "</a:p></p:txBody></p:sp>"
        )
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path
