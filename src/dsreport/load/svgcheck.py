"""SVG images in a bundle must be self-contained.

An SVG can pull in other files and URLs (`<image href>`, `<use href>`, CSS
`url()` and `@import`). The renderers never fetch them, and an SVG whose
reference fails is silently dropped by the PDF engine, so such a file is
refused when the bundle is loaded, naming the line of the first reference. So is an
SVG that declares entities: an external entity names a file, an internal one can spell
a URL the check above cannot see, and nested ones expand without end.
"""

from __future__ import annotations

import re

from dsreport.errors import Problem

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
    return []
