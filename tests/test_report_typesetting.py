"""The staff DS report read as a reviewer and a typesetter would: the words of the PDF
(identifiers whole, no raw metric keys, no sentences run together, nothing said twice),
the numbering and cross-references, what each table and chart shows, and an external
PDF/UA checker's verdict. Reads the example builds the report tests share (conftest)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES
from report_helpers import (
    EXAMPLE_NAMES,
    Build,
    Builds,
    Element,
    HtmlTree,
    example,
    facts_of,
    missing_tools,
    pdf_text,
    process_env,
    read_spec,
)

pytestmark = pytest.mark.skipif(
    bool(missing_tools()), reason=f"needs poppler-utils and qpdf: missing {missing_tools()}"
)


def words(text: str) -> str:
    """PDF text with line ends as spaces: a name broken at a space still reads whole, a
    name hyphenated or cut inside a word does not."""
    return " ".join(text.split())


def html_tree(build: Build) -> HtmlTree:
    return HtmlTree(build.file("-report.html").read_text(encoding="utf-8"))


def by_id(tree: HtmlTree, id: str) -> Element:
    [found] = [e for e in tree.elements if e.attrs.get("id") == id]
    return found


# --- the words of the PDF ---------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_field_and_rung_name_reads_whole(builds: Builds, name: str) -> None:
    text = words(pdf_text(example(builds, name).file("-report.pdf")))
    spec = read_spec(EXAMPLES / name)
    design = spec["system_design"]
    fields = [f["name"] for f in design["inputs"] + design["outputs"]]
    rungs = [r["name"] for r in spec["ladder"]["rungs"]]
    assert [f for f in fields if f not in text] == [], "a field name is hyphenated or cut"
    assert [r for r in rungs if r not in text] == [], "a rung name is hyphenated or cut"
    ids = {f["id"] for f in facts_of(example(builds, name))["findings"]}
    broken = {i[: m.end()] + " " + i[m.end() :] for i in ids for m in re.finditer("-", i)}
    assert [b for b in broken if b in text] == [], "a finding's id breaks at a hyphen"


def raw_keys(facts: dict[str, Any]) -> set[str]:
    """Metric names that differ from their display label (`mae`, `r2`, `macro_f1`): they
    belong in facts.json and code, not in a sentence."""
    found = {m["name"]: m["label"] for m in facts["metrics"]}
    return {name for name, label in found.items() if name != label.lower()}


def count(key: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_raw_metric_key_outside_code(builds: Builds, name: str) -> None:
    build = example(builds, name)
    text = words(pdf_text(build.file("-report.pdf")))
    code = " ".join(e.text for e in html_tree(build).find_all("code"))
    keys = raw_keys(facts_of(build))
    assert keys, "the example has metrics whose names are not words"
    # every occurrence in the PDF is one the HTML sets as code (the definitions list, the
    # bundle author's own `auto_entry_rate`); any other is a raw key in prose
    assert {k: count(k, text) for k in keys} == {k: count(k, code) for k in keys}


FILE_LIKE = re.compile(r"[/@]|\.(py|csv|json|parquet|md|yaml|org|com|net|pdf)\b")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_sentence_runs_into_the_next(builds: Builds, name: str) -> None:
    text = pdf_text(example(builds, name).file("-report.pdf"))
    joined = [
        token
        for token in text.split()
        if re.search(r"[a-z)'’]{2}[.!?;:,][A-Za-z]", token) and not FILE_LIKE.search(token)
    ]
    assert joined == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_paragraph_is_said_twice(builds: Builds, name: str) -> None:
    tree = html_tree(example(builds, name))
    seen: dict[str, int] = {}
    for element in tree.find_all("p") + tree.find_all("blockquote"):
        if element.attrs.get("class") == "advice":
            continue  # two findings may share one piece of advice; each card gives it
        text = " ".join(element.text.split())
        if len(text) >= 60:
            seen[text] = seen.get(text, 0) + 1
    assert {t: n for t, n in seen.items() if n > 1} == {}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_page_ends_on_a_table_s_group_heading(builds: Builds, name: str) -> None:
    """Before: digit-routing's page 9 ended on 'Macro F1 decision metric', its comparisons
    on the next page."""
    build = example(builds, name)
    groups = {
        " ".join(row.text.split())
        for row in html_tree(build).find_all("tr")
        if row.attrs.get("class") == "group"
    }
    assert groups, "the comparisons table has its metric groups"
    footer = {f"Page {n}" for n in range(1, 100)} | {facts_of(build)["recommendation"]["label"]}
    ends = []
    for page in pdf_text(build.file("-report.pdf"), layout=True).split("\f"):
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        lines = [line for line in lines if line.split(" of ")[0] not in footer]
        ends += lines[-1:]
    assert [end for end in ends if end in groups] == []


def test_a_caption_says_only_what_its_chart_shows(builds: Builds) -> None:
    """Boilerplate found on review: a 'seeded sample' where nothing was sampled, dot sizes
    that do not vary."""
    for name in EXAMPLE_NAMES:
        build = example(builds, name)
        captions = [" ".join(c.text.split()) for c in html_tree(build).find_all("figcaption")]
        facts = facts_of(build)
        residuals = facts["charts"]["residuals"]
        sampled = residuals is not None and len(residuals["points"]) < facts["data"]["test_n"]
        assert any("seeded sample" in c for c in captions) == sampled, name
        assert not any("dot size" in c for c in captions), name
    text = " ".join(html_tree(example(builds, "disease-progression")).root.text.split())
    assert "All 111 test cases" in text


# --- numbering and cross-references -----------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_figures_and_tables_are_numbered_in_order_and_every_reference_resolves(
    builds: Builds, name: str
) -> None:
    tree = html_tree(example(builds, name))
    labels = [
        " ".join(e.text.split())
        for e in tree.elements
        if "caption-label" in (e.attrs.get("class") or "")
    ]
    figures = [int(x[7:-1]) for x in labels if x.startswith("Figure ")]
    tables = [int(x[6:-1]) for x in labels if x.startswith("Table ")]
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 3
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 10
    ids = {e.attrs["id"]: e for e in tree.elements if e.attrs.get("id")}
    refs = [a for a in tree.find_all("a") if "xref" in (a.attrs.get("class") or "")]
    assert refs, "the text points to its figures and tables"
    for ref in refs:
        target = ids[(ref.attrs.get("href") or "#")[1:]]
        text = " ".join(ref.text.split())
        assert re.fullmatch(r"(Figure|Table) \d+|Section \d+(\.\d+)?|Appendix [A-Z]", text), text
        if text.startswith(("Figure", "Table")):
            assert text + "." in " ".join(target.text.split()), (text, target.attrs)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_long_reference_tables_are_in_the_appendix(builds: Builds, name: str) -> None:
    tree = html_tree(example(builds, name))
    spec = read_spec(EXAMPLES / name)
    appendix = by_id(tree, "appendix")
    in_appendix = {t.attrs.get("id") for t in appendix.find_all("table")}
    assert "tab-reviewed" in in_appendix
    long_contract = (
        max(len(spec["system_design"]["inputs"]), len(spec["system_design"]["outputs"])) > 8
    )
    assert ("tab-inputs" in in_appendix) == long_contract
    if long_contract:  # the body has a summary by type and points to the appendix
        design = by_id(tree, "design")
        assert "tab-types" in {t.attrs.get("id") for t in design.find_all("table")}
    assert "definitions" in {e.attrs.get("id") for e in appendix.find_all("h2")}


# --- what the tables and charts show ----------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_rung_shows_its_interval_on_every_targeted_metric(builds: Builds, name: str) -> None:
    build = example(builds, name)
    facts = facts_of(build)
    table = " ".join(by_id(html_tree(build), "tab-rungs").text.split())
    chosen = next(r["id"] for r in facts["ladder"] if r["chosen"])
    aimed = {
        m["name"]
        for m in facts["metrics"]
        if m["rung"] == chosen and m["slice_key"] is None and m["split"] == "test" and m["target"]
    }
    shown = [
        m
        for m in facts["metrics"]
        if m["name"] in aimed and m["slice_key"] is None and m["split"] == "test"
    ]
    assert {m["rung"] for m in shown} == {r["id"] for r in facts["ladder"]}
    for m in shown:
        assert m["value"]["text"] in table
        if m["interval"]:
            assert m["interval"]["text"] in table, (m["rung"], m["name"])


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_comparison_and_every_slice_fact_is_shown(builds: Builds, name: str) -> None:
    build = example(builds, name)
    facts = facts_of(build)
    tree = html_tree(build)
    rows = [r for b in by_id(tree, "tab-comparisons").find_all("tbody") for r in b.find_all("tr")]
    # one row per comparison, under a heading row per metric
    groups = [r for r in rows if r.attrs.get("class") == "group"]
    assert len(groups) == len({c["metric"] for c in facts["comparisons"]})
    assert len(rows) - len(groups) == len(facts["comparisons"])
    slices = " ".join(by_id(tree, "slices").text.split())
    for s in facts["slices"]:
        assert f"{s['key']} = {s['value']}" in slices
        assert s["metric"]["value"]["text"] in slices
    # every targeted metric the facts hold per slice has its own table
    chosen = next(r["id"] for r in facts["ladder"] if r["chosen"])
    per_slice = {
        m["name"]
        for m in facts["metrics"]
        if m["rung"] == chosen and m["slice_key"] is not None and m["target"] is not None
    }
    tables = {t.attrs.get("id") for t in by_id(tree, "slices").find_all("table")}
    assert {f"tab-slices-{n}" for n in per_slice} <= tables


def test_a_review_chosen_on_purpose_gets_no_intervals(builds: Builds) -> None:
    for name in EXAMPLE_NAMES:
        build = example(builds, name)
        review = facts_of(build)["review"]
        assert review["representative"] is False, "the examples over-sample errors"
        assert review["error_interval"] is None
        assert all(c["share_interval"] is None for c in review["categories"])
        table = by_id(html_tree(build), "tab-categories")
        assert "95% interval" not in table.text


def test_the_operating_point_and_the_gate_are_marked(builds: Builds) -> None:
    tree = html_tree(example(builds, "tumour-triage"))
    captions = {f.attrs["id"]: " ".join(f.text.split()) for f in tree.find_all("figure")}
    assert "operating threshold 0.2 (false positives" in captions["fig-roc"]
    assert "operating threshold 0.2 (recall 95.3%, precision 91.0%)" in captions["fig-pr"]
    assert "bins cut at quantiles of the score" in captions["fig-calibration"]
    digits = html_tree(example(builds, "digit-routing"))
    coverage = next(f for f in digits.find_all("figure") if f.attrs.get("id") == "fig-coverage")
    words_ = " ".join(coverage.text.split())
    assert "At the 0.8 confidence gate, Logistic regression handles 89.4% of cases alone" in words_


def test_one_number_style_per_metric_kind(builds: Builds) -> None:
    """A rate is a percentage wherever it appears; a difference has the precision of the
    values it compares."""
    text = words(pdf_text(example(builds, "digit-routing").file("-report.pdf")))
    assert "0.21%" in text and "0.04%–1.2%" in text and "0.00210" not in text
    assert "89.4%" in text and "0.894" not in text
    text = words(pdf_text(example(builds, "disease-progression").file("-report.pdf")))
    assert "−9.1 (−14.9 to −3.5)" in text and "−9.02" not in text  # 44.7 − 53.8, as printed
    assert "50.5%" in text  # share_within_40, a rate by its name
    text = words(pdf_text(example(builds, "tumour-triage").file("-report.pdf")))
    assert "0.0067 ms" in text and "0.00670" not in text


# --- accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_pdfua_reports_no_error_and_no_warning(builds: Builds, name: str) -> None:
    pdf = example(builds, name).file("-report.pdf")
    proc = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(pdf)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=process_env(),
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_layout_is_not_tagged_as_tables(builds: Builds, name: str) -> None:
    tree = html_tree(example(builds, name))
    for table in tree.find_all("table"):
        headers = table.find_all("th")
        assert headers, f"table {table.attrs.get('id')} has no header cell"
        assert all(th.attrs.get("scope") in ("col", "row", "rowgroup") for th in headers), (
            table.attrs
        )
    assert by_id(tree, "cover").find_all("table") == []
    assert by_id(tree, "findings").find_all("table") == []


def test_readme_names_every_tool_the_suite_would_otherwise_skip() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- system-packages -->(.*?)<!-- /system-packages -->", readme, re.S)
    assert block is not None
    packages = set(block.group(1).split())
    # the tools the report, corpus and deck tests need, by the Debian package that has them
    assert {"poppler-utils", "qpdf", "libreoffice-impress"} <= packages
