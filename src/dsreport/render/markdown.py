"""Bundle prose (Markdown) -> safe HTML.

Rendered with `markdown`, then sanitised with nh3: no script, style, link,
image, form or event handler survives, and links keep only http, https and
mailto targets (never fetched: they are links, not resources).
"""

from __future__ import annotations

import re
from html import unescape

import markdown as md
import nh3
from markupsafe import Markup

TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "sup",
    "sub",
    "del",
    "span",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def to_html(text: str | None, *, shift_headings: int = 2) -> Markup:
    """Markdown to sanitised HTML; headings start at h3 so prose never outranks sections."""
    if not text:
        return Markup("")
    html = md.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    for level in range(6, 0, -1):
        new = min(level + shift_headings, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return Markup(clean)  # sanitised by nh3 just above


def to_plain(text: str | None) -> str:
    """Markdown to plain text (for alt text, titles and the deck)."""
    if not text:
        return ""
    html = md.markdown(text, extensions=["tables", "sane_lists"])
    return unescape(" ".join(nh3.clean(html, tags=set()).split()))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML syntax in plain text, and keep it on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
