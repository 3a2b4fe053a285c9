"""Bundle prose (Markdown) as plain text: for the deck, alt text, and the checks on what a
slide quotes. Shared by the loader and the renderers, so both read a paragraph alike."""

from __future__ import annotations

import re
from html import unescape

import markdown as md
import nh3

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s*#")


def to_plain(text: str | None) -> str:
    """Markdown to plain text (for alt text, titles and the deck)."""
    if not text:
        return ""
    html = md.markdown(text, extensions=["tables", "sane_lists"])
    return unescape(" ".join(nh3.clean(html, tags=set()).split()))


def paragraphs(markdown: str | None, *, headings: bool = True) -> list[str]:
    """Markdown prose -> plain paragraphs (each list item a paragraph of its own)."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", markdown or ""):
        if not headings and _HEADING.match(block):
            continue
        items: list[str] = []
        for line in block.splitlines():
            if _LIST_ITEM.match(line) or not items:
                items.append(_LIST_ITEM.sub("", line))
            else:
                items[-1] += " " + line.strip()
        out += [unescape(to_plain(item)) for item in items]
    return [p for p in out if p]


def lead(markdown: str | None) -> str:
    """The first paragraph of `markdown` that is not a heading (else the first there is):
    what a slide quotes."""
    found = paragraphs(markdown, headings=False) or paragraphs(markdown)
    return found[0] if found else ""
