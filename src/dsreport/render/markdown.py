"""Bundle prose (Markdown) -> safe HTML.

Rendered with `markdown`, then sanitised with nh3: no script, style, link,
image, form or event handler survives, and links keep only absolute http, https
and mailto targets (never fetched: they are links, not resources; a relative link
would resolve to a file on the machine that builds).
"""

from __future__ import annotations

import re
from html import escape, unescape

import markdown as md
import nh3
from markupsafe import Markup

from dsreport.prose import to_plain

__all__ = ["md_escape", "soft_breaks", "to_html", "to_plain"]

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
        url_schemes=set(SCHEMES),
        attribute_filter=_absolute_links,
        link_rel=None,
    )
    return Markup(clean)  # sanitised by nh3 just above


SCHEMES = ("http", "https", "mailto")


def _absolute_links(tag: str, attribute: str, value: str) -> str | None:
    """Keep a link only when it names its scheme: nh3 lets relative URLs through, and the
    PDF engine would resolve `../secret.txt` against its own folder into a `file://` link
    to the host's disk."""
    if attribute == "href" and not value.strip().lower().startswith(
        tuple(f"{s}:" for s in SCHEMES)
    ):
        return None
    return value


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_PING = re.compile(r"(?<![\w.+-])@(?=[A-Za-z0-9])|#(?=\d)|(?<![\w-])GH(?=-\d)", re.IGNORECASE)
"""What a pull request turns into a notification or a link: `@user`, `@org/team`, `#123`,
`owner/repo#123`, `GH-123` (an e-mail address's @ is left alone)."""
ZWSP_ENTITY = "&#8203;"


def md_escape(text: object) -> str:
    """Escape Markdown and HTML syntax in plain text and keep it on one line; and break up
    mentions and issue references with a zero-width space, so a pull-request comment made
    of bundle text pings nobody and links to nothing."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _PING.sub(lambda m: m.group(0) + ZWSP_ENTITY, escaped)


ZWSP = "\u200b"
_LONG_TOKEN = re.compile(r"[^\s\u200b]{25,}")
_HEX = re.compile(r"[0-9a-fA-F]{32,}")
_AFTER = re.compile(r"([/\\\-_.,;:=&?#@|+~)\]}])")
_RUN = re.compile(r"[^\u200b]{16}(?=[^\u200b])")


def soft_breaks(text: str) -> str:
    """Offer line breaks inside tokens of 25+ characters (a URL, a path, 300 x's).

    The report lets table columns size to their content; a token that cannot break
    would widen its column past the page, and letting every character break instead
    (`overflow-wrap: anywhere`) makes WeasyPrint measure every cell letter by letter,
    which more than doubles the layout time. Zero-width spaces go after separators and
    at least every 16 characters; hex digests are left whole for copying (their CSS
    class breaks them anywhere).
    """

    def split(match: re.Match[str]) -> str:
        token = match.group(0)
        if _HEX.fullmatch(token):
            return token
        token = _AFTER.sub(lambda m: m.group(1) + ZWSP, token)
        return ZWSP.join(_RUN.sub(lambda m: m.group(0) + ZWSP, part) for part in token.split(ZWSP))

    return _LONG_TOKEN.sub(split, text)


_VERBATIM = re.compile(r"(<(style|script|pre)\b.*?</\2>)", re.S | re.I)
_CODE = re.compile(r"(<code\b[^>]*>)([^<]*)(</code>)", re.I)
_TEXT_NODE = re.compile(r"(?:(?<=>)|^)([^<]+)(?=<|$)")


def soft_break_html(html: str) -> str:
    """`soft_breaks` on every text node of a whole HTML page; tags, attributes (ids,
    data URLs), styles and preformatted text are left as they are, so nothing linked
    changes. Inside `<code>` (a field's example or pattern, an id) the break chances are
    `<wbr>` elements rather than characters, so the code copies out of the PDF exactly
    as written; without them a long code token would need `overflow-wrap: anywhere`,
    whose letter-by-letter measuring is quadratic in the token's length (a hostile
    bundle's 1,500-character pattern took WeasyPrint a minute)."""

    def text(match: re.Match[str]) -> str:
        node = match.group(1)
        if not _LONG_TOKEN.search(node):
            return node
        return escape(soft_breaks(unescape(node)), quote=False)

    def code(match: re.Match[str]) -> str:
        start, node, end = match.groups()
        if not _LONG_TOKEN.search(node):
            return match.group(0)
        broken = escape(soft_breaks(unescape(node)), quote=False)
        return start + broken.replace(ZWSP, "<wbr>") + end

    parts = _VERBATIM.split(html)
    out = []
    for index, part in enumerate(parts):
        kind = index % 3  # split() yields: text, whole verbatim element, its tag name
        if kind == 0:
            out.append(_TEXT_NODE.sub(text, _CODE.sub(code, part)))
        elif kind == 1:
            out.append(part)
    return "".join(out)
