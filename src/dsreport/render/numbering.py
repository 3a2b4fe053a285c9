"""Numbers for the report's sections, figures and tables, and cross-references to them.

The template asks for a number where each numbered thing appears, so numbers follow the
document's order whatever a `--templates` override moves, adds or removes. A reference
may come before its target (the summary points ahead to a figure), and the contents list
every heading before any is known: both are written as placeholders during the one
template pass and filled in afterwards (`Numbering.resolve`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from dsreport.errors import BuildError

_OPEN, _CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(f"{_OPEN}([^{_CLOSE}]*){_CLOSE}")
_CONTENTS = "contents"


@dataclass(frozen=True)
class Entry:
    """A numbered (or lettered, or unnumbered) thing the contents and references name."""

    id: str
    kind: str
    """section, subsection, figure or table."""
    number: str
    """`4`, `4.2`, `B`, `7`, or empty for an unnumbered section."""
    title: str

    @property
    def label(self) -> str:
        """How a reference names it: `Section 4.2`, `Appendix B`, `Figure 7`."""
        if self.kind == "figure":
            return f"Figure {self.number}"
        if self.kind == "table":
            return f"Table {self.number}"
        if not self.number:
            return self.title
        if self.number.isalpha():
            return f"Appendix {self.number}"
        return f"Section {self.number}"


class Numbering:
    """One per rendered document; the template calls its methods in document order."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._sections = 0
        self._subsections = 0
        self._lettered = False
        self._figures = 0
        self._tables = 0

    def _add(self, entry: Entry) -> str:
        if any(e.id == entry.id for e in self.entries):
            raise BuildError(
                f"the report numbers '{entry.id}' twice",
                hint="every section, figure and table needs its own id",
            )
        self.entries.append(entry)
        return entry.number

    def section(self, id: str, title: str, numbered: bool = True) -> str:
        """A top-level section: `1`, `2`, ...; an unnumbered one (summary, appendix) gets ''.
        Subsections of an unnumbered section are lettered (A, B, ...), as appendices are."""
        self._subsections = 0
        self._lettered = not numbered
        number = ""
        if numbered:
            self._sections += 1
            number = str(self._sections)
        return self._add(Entry(id, "section", number, title))

    def subsection(self, id: str, title: str) -> str:
        self._subsections += 1
        if self._lettered:
            number = string.ascii_uppercase[(self._subsections - 1) % 26]
        else:
            number = f"{self._sections}.{self._subsections}"
        return self._add(Entry(id, "subsection", number, title))

    def figure(self, id: str, title: str) -> str:
        self._figures += 1
        return "Figure " + self._add(Entry(id, "figure", str(self._figures), title))

    def table(self, id: str, title: str) -> str:
        self._tables += 1
        return "Table " + self._add(Entry(id, "table", str(self._tables), title))

    def ref(self, id: str) -> str:
        """A placeholder for how `id` is named ("Figure 7"), filled in once all are known."""
        return f"{_OPEN}{id}{_CLOSE}"

    def contents(self) -> str:
        """A placeholder for the table of contents."""
        return f"{_OPEN}{_CONTENTS}{_CLOSE}"

    def resolve(self, html: str, contents: Callable[[list[Entry]], str]) -> str:
        """Fill in every reference and the contents (rendered by `contents`)."""
        by_id = {e.id: e for e in self.entries}

        def fill(match: re.Match[str]) -> str:
            key = match.group(1)
            if key == _CONTENTS:
                return contents(self.entries)
            if key not in by_id:
                raise BuildError(
                    f"the report refers to '{key}', which it does not contain",
                    hint="a --templates override removed what another block refers to; "
                    "override the referring block too",
                )
            return by_id[key].label

        return _TOKEN.sub(fill, html)
