"""SVG images in a bundle must be self-contained.

An SVG can pull in other files and URLs (`<image href>`, `<use href>`, CSS
`url()` and `@import`). The renderers never fetch them, and an SVG whose
reference fails is silently dropped by the PDF engine, so such a file is
refused when the bundle is loaded, naming the line of the first reference. So is an
SVG that declares entities: an external entity names a file, an internal one can spell
a URL the check above cannot see, and nested ones expand without end.

A few bytes of SVG can also ask for millions of shapes: `<use href="#g">` draws the
group it names again, so ten uses of a group of ten uses of ... grow tenfold a level. The
file is parsed, and the elements it draws once every reference (`href="#id"`,
`url(#id)`) is expanded are counted, with the depth of its nesting; both are bounded.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from lxml import etree

from dsreport.errors import Problem

MAX_ELEMENTS = 20_000
"""Most elements an SVG may draw once its references are expanded (about 8 s of PDF)."""
MAX_DEPTH = 64
"""Deepest nesting of an SVG's elements (the PDF engine draws them recursively)."""
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_LOCAL_URL = re.compile(r"url\(\s*[\"']?\s*#([^\"')\s]+)")

_REFERENCE = re.compile(
    r"""(?:\b(?:xlink:)?href\s*=\s*["']\s*(?P<href>[^"'#][^"']*)["'])"""
    r"""|(?:url\(\s*["']?\s*(?P<url>[^"')#\s][^"')]*)["']?\s*\))"""
    r"""|(?:@import\s+(?:url\()?\s*["']?(?P<imp>[^"');\s]+))""",
    re.IGNORECASE,
)

_ENTITY = re.compile(r"<!ENTITY\b")


def svg_problems(data: bytes, path: str, *, line: int | None, key: str) -> list[Problem]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [
            Problem(
                f"SVG '{path}' is not UTF-8 text", file=path, line=1, hint="save the SVG as UTF-8"
            )
        ]
    entity = _ENTITY.search(text)
    if entity is not None:
        return [
            Problem(
                f"SVG '{path}' declares an entity (<!ENTITY>), which can hide a reference "
                "to another file or expand without end",
                file=path,
                line=text.count("\n", 0, entity.start()) + 1,
                key=key,
                hint="remove the DOCTYPE's entity declarations and write the text out",
            )
        ]
    for match in _REFERENCE.finditer(text):
        target = next(v for v in match.groupdict().values() if v)
        if target.lower().startswith("data:"):
            continue
        where = text.count("\n", 0, match.start()) + 1
        return [
            Problem(
                f"SVG '{path}' asked for a resource outside the bundle: {target[:80]}",
                file=path,
                line=where,
                key=key,
                hint="embed the resource in the SVG (a data: URL) or remove the reference",
            )
        ]
    return _size_problems(data, path, key)


def _size_problems(data: bytes, path: str, key: str) -> list[Problem]:
    def refused(what: str, line: int | None, hint: str) -> list[Problem]:
        return [Problem(f"SVG '{path}' {what}", file=path, line=line or 1, key=key, hint=hint)]

    try:
        root = etree.parse(io.BytesIO(data), _PARSER).getroot()
    except etree.XMLSyntaxError as exc:
        return refused(
            f"is not well-formed XML ({exc.msg})",
            exc.lineno,
            "save the SVG again from the drawing program",
        )
    depth, deepest = _depth(root)
    if depth > MAX_DEPTH:
        return refused(
            f"nests its elements {depth} levels deep, over the limit of {MAX_DEPTH}",
            deepest.sourceline,
            "flatten the drawing's groups, or save it as PNG",
        )
    drawn = expanded_size(root, MAX_ELEMENTS)
    if drawn is None:
        what = "refers to itself through its references (<use>, url(#...)), which never ends"
    elif drawn > MAX_ELEMENTS:
        what = (
            f"draws more than {MAX_ELEMENTS:,} elements once its references "
            "(<use>, url(#...)) are expanded"
        )
    else:
        return []
    return refused(what, root.sourceline, "simplify the diagram, or save it as PNG")


def _elements(node: etree._Element) -> Iterator[etree._Element]:
    return (child for child in node if isinstance(child.tag, str))


def _depth(root: etree._Element) -> tuple[int, etree._Element]:
    """The deepest nesting level (the root is 1) and an element at that depth."""
    best, where = 1, root
    stack = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if level > best:
            best, where = level, node
        stack.extend((child, level + 1) for child in _elements(node))
    return best, where


def expanded_size(root: etree._Element, limit: int) -> int | None:
    """Elements drawn from `root`, each reference (`href="#id"`, `url(#id)`) counted as
    the whole subtree it names, capped at `limit + 1`; None when references form a cycle.
    Every element is counted once (memoised), so the work is linear in the file."""
    by_id = {
        node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")
    }

    def successors(node: etree._Element) -> list[etree._Element]:
        found = list(_elements(node))
        for name, value in node.attrib.items():
            target = None
            if etree.QName(name).localname == "href" and value.strip().startswith("#"):
                target = value.strip()[1:]
            for ref in [target, *_LOCAL_URL.findall(value)]:
                if ref is not None and ref in by_id:
                    found.append(by_id[ref])
        return found

    size: dict[etree._Element, int] = {}
    open_nodes: set[etree._Element] = {root}
    stack = [(root, successors(root), 0)]
    while stack:
        node, nexts, index = stack.pop()
        if index < len(nexts):
            stack.append((node, nexts, index + 1))
            child = nexts[index]
            if child in open_nodes:
                return None  # a reference back to an element still being expanded
            if child not in size:
                open_nodes.add(child)
                stack.append((child, successors(child), 0))
            continue
        open_nodes.discard(node)
        size[node] = min(limit + 1, 1 + sum(size[n] for n in nexts))
    return size[root]
