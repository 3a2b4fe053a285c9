"""The report's numbering: sections, lettered appendices, figures, tables and the
references to them, filled in once the whole document is known."""

from __future__ import annotations

import pytest

from dsreport.errors import BuildError
from dsreport.render.numbering import Entry, Numbering


def test_numbers_follow_the_document_and_references_may_come_first() -> None:
    n = Numbering()
    ahead = n.ref("fig-b")
    assert n.section("summary", "Summary", numbered=False) == ""
    assert n.section("one", "One") == "1"
    assert n.subsection("one-a", "A part") == "1.1"
    assert n.table("tab-a", "A table") == "Table 1"
    assert n.section("two", "Two") == "2"
    assert n.subsection("two-a", "Another") == "2.1"
    assert n.figure("fig-a", "First") == "Figure 1"
    assert n.figure("fig-b", "Second") == "Figure 2"
    assert n.section("appendix", "Appendix", numbered=False) == ""
    assert n.subsection("fields", "Fields") == "A"
    assert n.subsection("defs", "Definitions") == "B"
    html = f"see {ahead}, {n.ref('two-a')}, {n.ref('defs')} and {n.ref('tab-a')}"

    def contents(entries: list[Entry]) -> str:
        return "|".join(f"{e.number} {e.title}".strip() for e in entries if "section" in e.kind)

    assert n.resolve(html, contents) == "see Figure 2, Section 2.1, Appendix B and Table 1"
    assert n.resolve(n.contents(), contents) == (
        "Summary|1 One|1.1 A part|2 Two|2.1 Another|Appendix|A Fields|B Definitions"
    )


def test_a_reference_to_nothing_is_a_build_error() -> None:
    n = Numbering()
    with pytest.raises(BuildError, match="refers to 'fig-gone'"):
        n.resolve(n.ref("fig-gone"), lambda entries: "")


def test_one_id_numbered_twice_is_a_build_error() -> None:
    n = Numbering()
    n.table("tab-a", "A")
    with pytest.raises(BuildError, match="numbers 'tab-a' twice"):
        n.figure("tab-a", "B")
