"""What a PowerPoint package may hold: a corporate template coming in, the deck going out.

A template's parts are copied into the deck, so whatever the template links to, whoever
opens the deck fetches: a picture, a font or an OLE object can be *linked* rather than
embedded (a relationship with `TargetMode="External"`). Every XML part is parsed as XML
(character references decoded, no DTD allowed), every relationship of every part is
walked, and an external target is allowed only for a hyperlink relationship that its part
uses as a hyperlink (`a:hlinkClick`, `a:hlinkHover`, `a:hlinkMouseOver`): a link the
reader clicks. The deck is checked the same way before it is written.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

from dsreport.errors import BuildError
from dsreport.load.paths import human_size

MAX_EXPANDED = 256 * 1024**2
"""What a template's parts may add up to once unzipped; python-pptx holds them all."""
HYPERLINK_TYPE = "/relationships/hyperlink"
HYPERLINK_USES = frozenset({"hlinkClick", "hlinkHover", "hlinkMouseOver"})
"""DrawingML's hyperlink elements: the only uses of an external target that fetch nothing."""
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Refusal:
    """Why a package is refused: the part at fault and what is wrong with it."""

    part: str
    what: str
    """`link` (an external target a reader would fetch), `dtd` or `xml` (not well formed)."""
    detail: str
    """The link's target, or the parser's message."""


def _local(name: object) -> str:
    return etree.QName(name).localname if isinstance(name, str) else ""


def _xml_parts(archive: zipfile.ZipFile) -> list[str]:
    """Members that are XML: by suffix, or by their content type in `[Content_Types].xml`."""
    names = [i.filename for i in archive.infolist() if not i.filename.endswith("/")]
    declared: set[str] = set()
    defaults: set[str] = set()
    if "[Content_Types].xml" in names:
        try:
            types = etree.fromstring(archive.read("[Content_Types].xml"), _PARSER)
        except etree.XMLSyntaxError:
            types = None  # reported below with the other parts
        for node in types.iter() if types is not None else ():
            kind = node.get("ContentType", "")
            if not kind.endswith(("+xml", "/xml")):
                continue
            if _local(node.tag) == "Override":
                declared.add(node.get("PartName", "").lstrip("/").lower())
            elif _local(node.tag) == "Default":
                defaults.add(node.get("Extension", "").lower())
    return [
        n
        for n in names
        if n.lower().endswith(_XML_SUFFIXES)
        or n.lower() in declared
        or PurePosixPath(n).suffix.lower().lstrip(".") in defaults
    ]


def _source_part(rels: str) -> str | None:
    """`ppt/slides/_rels/slide1.xml.rels` -> `ppt/slides/slide1.xml`; None for `_rels/.rels`."""
    path = PurePosixPath(rels)
    if path.parent.name != "_rels" or not path.name.endswith(".rels"):
        return None
    name = path.name[: -len(".rels")]
    return str(path.parent.parent / name) if name else None


def _external(mode: str, target: str) -> bool:
    """Outside the package: TargetMode other than Internal, or a target that is a URL, a
    drive or a network path whatever the mode says."""
    if mode.strip() not in ("", "Internal"):
        return True
    target = target.strip()
    return bool(_SCHEME.match(target)) or target.startswith(("//", "\\\\"))


def _uses(tree: etree._Element, rel_id: str) -> set[tuple[str, str]]:
    """(element, attribute) local names of every attribute of a part naming `rel_id`."""
    return {
        (_local(node.tag), _local(key))
        for node in tree.iter()
        for key, value in node.attrib.items()
        if value == rel_id
    }


def find_refusal(data: bytes) -> Refusal | None:
    """The first part of the package `data` that could make a reader fetch something, or
    that cannot be vouched for (a DTD, XML that does not parse); None for a clean package
    or bytes that are not a zip (reported elsewhere as a file that is not a deck)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = _xml_parts(archive)
        trees: dict[str, etree._Element] = {}
        for name in parts:
            try:
                tree = etree.parse(io.BytesIO(archive.read(name)), _PARSER)
            except etree.XMLSyntaxError as exc:
                return Refusal(name, "xml", str(exc.msg))
            if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
                return Refusal(name, "dtd", tree.docinfo.doctype)
            trees[name] = tree.getroot()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    for name, root in trees.items():
        if not name.lower().endswith(".rels"):
            continue
        source = _source_part(name)
        user = trees.get(source) if source is not None else None
        for rel in root.iter():
            if _local(rel.tag) != "Relationship":
                continue
            attrs = {_local(k): v for k, v in rel.attrib.items()}
            target = attrs.get("Target", "")
            if not _external(attrs.get("TargetMode", ""), target):
                continue
            hyperlink = attrs.get("Type", "").strip().endswith(HYPERLINK_TYPE)
            uses = _uses(user, attrs.get("Id", "")) if user is not None else None
            if (
                not hyperlink
                or uses is None
                or any(
                    element not in HYPERLINK_USES or attribute != "id"
                    for element, attribute in uses
                )
            ):
                return Refusal(source or name, "link", target)
    return None


def package_problem(data: bytes, path: str) -> tuple[str, str] | None:
    """(message, hint) when the template `path` is a zip bomb, links to something outside
    itself, or holds a part that is not plain XML. The sizes the zip declares bound what
    can be read."""
    try:
        expanded = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # reported as a file that cannot be read as a deck
    if expanded > MAX_EXPANDED:
        return (
            f"'{path}' expands to {human_size(expanded)}, over the "
            f"{human_size(MAX_EXPANDED)} a template may hold (a zip bomb?)",
            "save the template again from PowerPoint",
        )
    refusal = find_refusal(data)
    if refusal is None:
        return None
    if refusal.what == "link":
        return (
            f"'{path}' links to a resource outside it ({refusal.detail[:80]}), which a deck "
            "made from it would fetch when opened",
            "embed the picture or font in the template instead of linking to it",
        )
    what = "declares a DTD" if refusal.what == "dtd" else f"is not XML ({refusal.detail[:80]})"
    return (
        f"'{path}': part {refusal.part[:80]} {what}, which no PowerPoint file needs",
        "save the template again from PowerPoint",
    )


def check_output_deck(data: bytes) -> bytes:
    """The deck's bytes, once they are known to fetch nothing when opened; else BuildError."""
    refusal = find_refusal(data)
    if refusal is not None:
        raise BuildError(
            f"the deck would not be self-contained: {refusal.part} "
            f"({refusal.what}: {refusal.detail[:80]}); it was not written",
            hint="report this with the bundle's deck template: the template check missed it",
        )
    return data
