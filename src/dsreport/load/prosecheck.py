"""Prose is Markdown, and Markdown's parser takes time that grows faster than the text for
some characters: each `[` may open a link whose end it looks for, each `<` a tag. 10 KB of
`[` took a minute. A prose text has a documented budget of length and of those characters,
checked when the bundle is loaded, naming the field (and its file)."""

from __future__ import annotations

import re
from typing import Any

from dsreport.bundle.fields import ProseMarker
from dsreport.bundle.introspect import iter_marked
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.messages import dotted
from dsreport.load.yamlsrc import YamlDoc

MAX_PROSE = 100_000
"""Longest prose text, in characters (about 15,000 words, some 30 pages of the report)."""
MAX_OPENERS = 1_000
"""Most `[` and most `<` in one prose text (escaped ones, `\\[`, aside)."""
OPENERS = {"[": "a link or an image", "<": "an HTML tag"}
_UNESCAPED = {char: re.compile(rf"(?<!\\){re.escape(char)}") for char in OPENERS}


def check_prose(data: Any, doc: YamlDoc, sources: dict[str, str]) -> list[Problem]:
    """Problems with the prose in `data` (dsreport.yaml with prose files read in);
    `sources` names the file each prose key was read from."""
    problems = []
    for loc, marker, value, _ in iter_marked(BundleSpec, data):
        if not isinstance(marker, ProseMarker):
            continue
        key = dotted(loc)
        where = f"{sources[key]}: " if key in sources else ""
        found = None
        if len(value) > MAX_PROSE:
            found = f"{len(value):,} characters, over the limit of {MAX_PROSE:,}"
        for char, what in OPENERS.items():
            count = len(_UNESCAPED[char].findall(value))
            if found is None and count > MAX_OPENERS:
                found = (
                    f"{count:,} '{char}' characters, over the limit of {MAX_OPENERS:,} "
                    f"(Markdown reads each as the start of {what})"
                )
        if found is not None:
            problems.append(
                Problem(
                    f"{where}the prose has {found}",
                    file=doc.file,
                    line=doc.line(loc),
                    key=key,
                    hint="shorten it, or write a literal bracket as \\[ and < as &lt;",
                )
            )
    return problems
