"""WeasyPrint's default stylesheet, without styles for pseudo-elements the report never has.

The PDF engine's user-agent stylesheet styles six pseudo-elements of *every* element
(`::marker`, `::footnote-call`, `::footnote-marker`, `::note-call`, `::note-marker`,
`::note-callback`), so it computes six styles per element that a report without lists
elsewhere than in `<li>`, footnotes or notes never uses: 13,800 of the 19,000 styles of
the digit-routing report. Here markers are styled on `<li>` alone and the footnote and
note rules are left out, unless the HTML could use them (a word that names them, or
`list-item`, `<summary>`), in which case WeasyPrint's own stylesheet is used unchanged.
The pages are the same either way; only the work to compute them differs.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_UNUSED = (
    "::footnote-call {",
    "::footnote-marker {",
    "::note-call {",
    "::note-marker {",
    "::note-callback {",
)
_MARKER = "\n::marker {"
_MIGHT_USE = re.compile(r"footnote|note\(|list-item|<summary", re.IGNORECASE)


def html_class(html: str) -> Any:
    """The `weasyprint.HTML` class to read `html` with: the lean one when it cannot tell."""
    from weasyprint import HTML

    if _MIGHT_USE.search(html):
        return HTML
    return _lean_class() or HTML


def prepare() -> None:
    """Parse the lean stylesheet now (about 0.05 s), in a worker waiting for its work."""
    _lean_class()


@cache
def _lean_class() -> Any:
    """A subclass of `weasyprint.HTML` with the lean stylesheet, or None when this WeasyPrint
    lays out its stylesheet differently from what the rewrite expects."""
    from weasyprint import CSS, HTML

    try:
        from weasyprint.html import UA, UA_COUNTER_STYLE
    except ImportError:
        return None
    lines = UA.split("\n")
    kept = [line for line in lines if not line.startswith(_UNUSED)]
    removed = len(lines) - len(kept)
    if removed != len(_UNUSED) or UA.count(_MARKER) != 1:
        return None
    if not callable(getattr(HTML, "_ua_stylesheets", None)):
        return None
    sheet = CSS(
        string="\n".join(kept).replace(_MARKER, "\nli::marker {"), counter_style=UA_COUNTER_STYLE
    )

    class LeanHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            default: list[Any] = super()._ua_stylesheets(forms)
            return [sheet, *default[1:]]

    return LeanHTML
