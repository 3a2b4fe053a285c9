"""The PM deck: opens, re-parses, says what the facts say, fits, and rebuilds byte for byte.

Text fit is checked here independently of the renderer's own fitting code: every text
frame and table cell is re-wrapped with the advance widths of Carlito (the metric twin of
Calibri, the font the deck names) read straight from the font file with fontTools.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from fontTools.ttLib import TTFont
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

import dsreport
from corpus.make import kept, set_at, text_fields, text_locations
from dsreport.analyse.facts import Facts
from dsreport.load.loader import LoadOptions
from dsreport.load.paths import Limits
from dsreport.load.pmchecks import LEADS
from helpers import EXAMPLES, REPO, edit_yaml

EXAMPLE_NAMES = ("tumour-triage", "digit-routing", "disease-progression")
EMU_PER_PT = 12700
FONTS = REPO / "assets" / "fonts"
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- building ------------------------------------------------------------------------------------


def copy_example(tmp: Path, name: str) -> Path:
    target = tmp / name
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def build(bundle: Path, out: Path, **options: Any) -> tuple[Any, Path, dsreport.BuildResult]:
    result = dsreport.build(bundle, out, only=["pm"], **options)
    deck = next(p for p in result.artifacts if p.name.endswith("-deck.pptx"))
    return Presentation(str(deck)), deck, result


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Path, Facts]]:
    out = tmp_path_factory.mktemp("decks")
    built = {}
    for name in EXAMPLE_NAMES:
        prs, path, result = build(EXAMPLES / name, out / name)
        built[name] = (prs, path, result.facts)
    return built


# --- an independent measure of text, from the font files -----------------------------------------


@cache
def font_file(family: str, bold: bool) -> str:
    """The file a family is drawn with: Carlito for Calibri (shipped), else fontconfig's."""
    if family == "Calibri":
        return str(FONTS / ("Carlito-Bold.ttf" if bold else "Carlito-Regular.ttf"))
    style = "bold" if bold else "regular"
    found = subprocess.run(
        ["fc-match", "--format=%{family}|%{file}", f"{family}:weight={style}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names, _, path = found.partition("|")
    assert family in names.split(","), f"{family} is not installed: {names}"
    return path


@cache
def _font(bold: bool, family: str = "Calibri") -> tuple[dict[int, float], float]:
    font = TTFont(font_file(family, bold))
    upm = font["head"].unitsPerEm
    widths = {c: font["hmtx"][g][0] / upm for c, g in font.getBestCmap().items()}
    hhea = font["hhea"]
    return widths, (hhea.ascent - hhea.descent + hhea.lineGap) / upm


def _advance(char: str, bold: bool, family: str = "Calibri") -> tuple[float, bool]:
    """Width in em; True when the font lacks the glyph (measured 1.25 em, a fallback font's)."""
    widths, _ = _font(bold, family)
    if ord(char) in widths:
        return widths[ord(char)], False
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0, False
    return 1.25, True


def _breakable(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def paragraph_height(
    runs: list[tuple[str, float, bool]], width: float, family: str = "Calibri"
) -> float:
    """Greedy word wrap of styled runs [(text, size pt, bold)] in `width` pt; height in pt."""
    glyphs = [
        (ch, size * _advance(ch, bold, family)[0], _advance(ch, bold, family)[1], size)
        for text, size, bold in runs
        for ch in text
    ]
    if not glyphs:
        return 0.0
    words: list[list[tuple[str, float, bool, float]]] = [[]]
    for glyph in glyphs:
        if glyph[0] == " " or _breakable(glyph[0]):
            words[-1].append(glyph)
            words.append([])
        else:
            words[-1].append(glyph)
    lines, pen = 1, 0.0
    for word in words:
        ink = sum(g[1] for g in word if g[0] != " ")
        full = sum(g[1] for g in word)
        if pen and pen + ink > width:
            lines, pen = lines + 1, 0.0
        if not pen and ink > width:
            for glyph in word:
                if pen and pen + glyph[1] > width:
                    lines, pen = lines + 1, 0.0
                pen += glyph[1]
            continue
        pen += full
    size = max(g[3] for g in glyphs)
    lacks = any(g[2] for g in glyphs)
    return lines * size * (1.5 if lacks else _font(False, family)[1])


def _attr(element: Any, name: str, default: int) -> int:
    value = element.get(name) if element is not None else None
    return int(value) if value is not None else default


def frame_height(frame: Any, width_pt: float, family: str = "Calibri") -> tuple[float, list[float]]:
    """Height of a text frame's paragraphs wrapped in `width_pt`, and every run's size."""
    total, sizes = 0.0, []
    for index, paragraph in enumerate(frame.paragraphs):
        runs = []
        for run in paragraph.runs:
            assert run.font.size is not None, f"run without a size: {run.text!r}"
            assert run.font.name == family, f"run not in the deck font: {run.font.name}"
            assert not ILLEGAL.search(run.text)
            runs.append((run.text, run.font.size.pt, bool(run.font.bold)))
            sizes.append(run.font.size.pt)
        if not runs:
            continue
        ppr = paragraph._p.pPr
        indent = _attr(ppr, "marL", 0) / EMU_PER_PT
        if index and ppr is not None:
            before = ppr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}spcBef")
            if before is not None and len(before):
                total += int(before[0].get("val")) / 100
        total += paragraph_height(runs, width_pt - indent, family)
    return total, sizes


FOOTER_TYPES = ("ftr", "sldNum", "dt")


def is_footer(shape: Any) -> bool:
    """The template's footer, date and slide-number placeholders (set at the template's own
    size, usually below the body's 14 pt floor)."""
    return shape.is_placeholder and shape.element.ph.get("type") in FOOTER_TYPES


def text_frames(prs: Any) -> Iterator[tuple[int, str, Any, float, float]]:
    """(slide number, name, text frame, inner width pt, inner height pt) for every frame."""
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if is_footer(shape):
                continue
            if shape.has_text_frame and shape.text_frame.text.strip():
                body = shape.text_frame._txBody.bodyPr
                width = shape.width - _attr(body, "lIns", 91440) - _attr(body, "rIns", 91440)
                height = shape.height - _attr(body, "tIns", 45720) - _attr(body, "bIns", 45720)
                yield number, shape.name, shape.text_frame, width / EMU_PER_PT, height / EMU_PER_PT
            if shape.has_table:
                table = shape.table
                for r, row in enumerate(table.rows):
                    for c, cell in enumerate(row.cells):
                        width = table.columns[c].width - cell.margin_left - cell.margin_right
                        height = row.height - cell.margin_top - cell.margin_bottom
                        name = f"{shape.name}[{r},{c}]"
                        yield number, name, cell.text_frame, width / EMU_PER_PT, height / EMU_PER_PT


def assert_text_fits(prs: Any, family: str = "Calibri") -> None:
    for number, name, frame, width, height in text_frames(prs):
        needed, sizes = frame_height(frame, width, family)
        assert needed <= height + 0.5, (
            f"slide {number}, {name}: needs {needed:.1f} pt, has {height:.1f} pt: "
            f"{frame.text[:80]!r}"
        )
        assert all(size >= 14 for size in sizes), f"slide {number}, {name}: {sizes}"


def assert_inside_and_apart(prs: Any) -> None:
    """Every shape lies on the slide, and no two overlap (panels and badges hold others)."""
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, start=1):
        boxes = []
        for shape in slide.shapes:
            box = (shape.left, shape.top, shape.left + shape.width, shape.top + shape.height)
            assert box[0] >= 0 and box[1] >= 0, f"slide {number}: {shape.name} off the slide"
            assert box[2] <= width and box[3] <= height, f"slide {number}: {shape.name} off"
            if not shape.name.startswith(("Panel", "Badge")):
                boxes.append((shape.name, box))
        for i, (name_a, a) in enumerate(boxes):
            for name_b, b in boxes[i + 1 :]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, f"slide {number}: {name_a} overlaps {name_b}"


# --- the examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_deck_opens_and_every_part_reparses(examples: dict[str, Any], name: str) -> None:
    prs, path, _ = examples[name]
    assert len(prs.slides) == 10
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))  # 16:9
    with zipfile.ZipFile(path) as package:
        for entry in package.namelist():
            if entry.endswith((".xml", ".rels")):
                etree.fromstring(package.read(entry))
            if entry.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(package.read(entry))) as book:
                    for part in book.namelist():
                        if part.endswith((".xml", ".rels")):
                            etree.fromstring(book.read(part))


def test_slide_titles_are_sentences_from_the_facts(examples: dict[str, Any]) -> None:
    prs, _, facts = examples["tumour-triage"]
    label = facts.recommendation.label
    assert [slide.shapes.title.text_frame.text for slide in prs.slides] == [
        "Tumour triage",
        f"{label}: 53 benign cases sent to the senior reader a month",
        "We want to improve how early a senior reader sees a malignant aspirate",
        "Success means 95% or more of malignant aspirates in the senior-first queue",
        "Benign cases sent to the senior reader: 53 a month with Logistic regression, 145 today",
        "We tried 4 approaches, simplest first, and chose Logistic regression",
        "What it looks like: cases a reviewer checked",
        "When in doubt: put the case in the senior-first queue",
        "Speed and running cost are within budget",
        "What we ask of you, and what happens next",
    ]
    assert [s.slide_layout.name for s in prs.slides][:2] == ["Title Slide", "Title Only"]
    for deck, _, _ in examples.values():  # a title is a headline: no full stop at its end
        titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
        assert [t for t in titles if t.endswith(".")] == []


def _charts(slide: Any) -> list[Any]:
    return [shape for shape in slide.shapes if shape.has_chart]


def _labels(series: Any) -> list[tuple[str, str]]:
    """(number format, shown flag) of each point's data label: labels show the value."""
    out = []
    for index in range(len(series.values)):
        dlbl = series.points[index].data_label._dLbl
        if dlbl is None:
            out.append(("", "0"))
            continue
        fmt = dlbl.find(qn("c:numFmt"))
        shown = dlbl.find(qn("c:showVal"))
        out.append((fmt.get("formatCode"), shown.get("val")))
    return out


def _excel(value: float, code: str) -> str:
    """What an Excel number format of the kinds the deck uses prints for `value`."""
    percent = code.endswith("%")
    decimals = len(code.rstrip("%").split(".")[1]) if "." in code else 0
    number = value * 100 if percent else value
    text = f"{number:,.{decimals}f}" if code.startswith("#,##") else f"{number:.{decimals}f}"
    return text + ("%" if percent else "")


def _printed(series: Any) -> list[str]:
    return [
        _excel(value, code) if shown == "1" else ""
        for value, (code, shown) in zip(series.values, _labels(series), strict=True)
    ]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_chart_data_equal_the_facts(examples: dict[str, Any], name: str) -> None:
    prs, path, facts = examples[name]
    slides = list(prs.slides)
    count = facts.outcome.counts[0]
    base = next(r for r in facts.ladder if r.baseline)
    ours = next(r for r in facts.ladder if r.chosen)
    assert sum(len(_charts(s)) for s in slides) == 3  # each one is checked below
    (results,) = _charts(slides[4])
    plot = results.chart.plots[0]
    shown = count.shown.text_pm
    by_series = [_printed(series) for series in plot.series]  # ranged and bare columns
    printed = ["".join(texts[i] for texts in by_series) for i in range(len(plot.categories))]
    assert printed == [shown["today"], shown["ours"]]  # the labels print the facts' strings
    today = base.name if count.today_source == "baseline" else "Today"
    assert [c.replace("\n", " ") for c in plot.categories] == [today, ours.name]
    (target,) = results.chart.plots[1].series
    assert list(target.values) == [float(shown["target"].replace(",", ""))] * 2
    trend = target._element.find(qn("c:trendline"))  # the dashed line spans the whole plot
    assert trend.find(qn("c:forward")).get("val") == trend.find(qn("c:backward")).get("val")
    latency, cost = _charts(slides[8])
    budgets = {b.name: b for b in facts.budgets}
    for chart, what in ((latency, "latency"), (cost, "cost")):
        series = chart.chart.plots[0].series[0]
        nums = [r.latency_ms if what == "latency" else r.cost for r in facts.ladder]
        texts = [n.text_pm.split(" ")[0] for n in nums] + [
            budgets[what].budget.text_pm.split(" ")[0]
        ]
        assert _printed(series) == texts
        assert list(chart.chart.plots[0].categories) == [r.name for r in facts.ladder] + ["Budget"]
    with zipfile.ZipFile(path) as package:  # "Edit Data" opens the numbers the slide prints
        books = [n for n in package.namelist() if n.endswith(".xlsx")]
        assert len(books) == 3
        with zipfile.ZipFile(io.BytesIO(package.read(sorted(books)[0]))) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        cells = {float(v) for v in re.findall(r"<v>([-0-9.eE+]+)</v>", sheet)}
        assert {
            float(shown["today"].replace(",", "")),
            float(shown["ours"].replace(",", "")),
        } <= cells


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_slide_has_notes_and_every_chart_alt_text(
    examples: dict[str, Any], name: str
) -> None:
    prs, _, facts = examples[name]
    for number, slide in enumerate(prs.slides, start=1):
        assert slide.has_notes_slide, f"slide {number} has no notes"
        assert len(slide.notes_slide.notes_text_frame.text) > 40, f"slide {number}"
        for shape in slide.shapes:
            if shape.has_chart or shape.shape_type == 13:  # 13: picture
                descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
                assert descr and len(descr) > 20, f"slide {number}: {shape.name} has no alt text"
    notes = prs.slides[4].notes_slide.notes_text_frame.text
    assert facts.headline.metric.interval.text_pm in notes  # the detail a PM may be asked about
    assert facts.outcome.counts[0].interval.text_pm in notes


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_text_fits_by_font_metrics(examples: dict[str, Any], name: str) -> None:
    prs, _, _ = examples[name]
    assert_text_fits(prs)
    assert_inside_and_apart(prs)


def test_numbers_are_the_facts_pm_strings(examples: dict[str, Any]) -> None:
    prs, _, facts = examples["digit-routing"]
    shapes = {s.name: s.text_frame.text for s in prs.slides[4].shapes if s.has_text_frame}
    results = " ".join(shapes.values())
    count = facts.outcome.counts[0]
    assert shapes["Big number"] == count.shown.text_pm["ours"] == "890,000"
    assert count.shown.text["ours"] not in results  # 894,000 is the report's
    assert "Recommendation: Ship with conditions" in results  # the badge, in words


def test_core_properties_come_from_the_bundle(examples: dict[str, Any]) -> None:
    prs, _, facts = examples["tumour-triage"]
    props = prs.core_properties
    assert props.title == "Tumour triage: the decision"
    assert props.author == "Maren Okafor; Tomás Lindqvist"
    assert props.subject == facts.statement[:255]
    assert "tumour-triage" in props.keywords
    assert props.created.date().isoformat() == facts.build_date
    assert props.modified == props.created == props.last_printed
    assert props.revision == 1


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    _, first, _ = build(EXAMPLES / "tumour-triage", tmp_path / "a")
    _, second, _ = build(EXAMPLES / "tumour-triage", tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as package:
        assert {info.date_time for info in package.infolist()} == {(2026, 11, 20, 0, 0, 0)}


def test_bundle_chooses_the_slides(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    edit_yaml(root, "  pm:\n", "  pm:\n    slides: [title, results, decision]\n")
    prs, _, _ = build(root, tmp_path / "out")
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[0] == "Tumour triage" and titles[2].startswith("What we ask")
    assert len(titles) == 3


def test_a_long_list_continues_on_a_second_slide(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "disease-progression")
    spec = yaml.safe_load((root / "dsreport.yaml").read_text(encoding="utf-8"))
    modes = spec["operator_view"]["failure_modes"]
    spec["operator_view"]["failure_modes"] = [
        {**modes[i % 3], "name": f"Failure {i}: {modes[i % 3]['name']}"} for i in range(14)
    ]
    spec["audiences"]["pm"]["slides"] = ["title", "answer", "risks", "decision"]
    (root / "dsreport.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    prs, _, _ = build(root, tmp_path / "out")
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert len(titles) == 5
    assert titles[3].endswith("(continued)") and titles[3].startswith(titles[2][:20])
    assert "Failure 13" in prs.slides[2].notes_slide.notes_text_frame.text
    assert_text_fits(prs)


# --- XML-illegal characters ---------------------------------------------------------------------


def test_xml_illegal_characters_are_cleaned_everywhere(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    spec = yaml.safe_load((root / "dsreport.yaml").read_text(encoding="utf-8"))
    spec["project"]["name"] = "Tumour\x00 triage\x1b\ufffe\uffff"
    spec["ladder"]["rungs"][1]["name"] = "Logistic\x1b regression\ud800"
    spec["audiences"]["pm"]["decision"] = "Approve\x1b the pilot\x0c."
    text = yaml.safe_dump(spec, allow_unicode=False, width=10**9)  # escapes them as \e, \uD800
    (root / "dsreport.yaml").write_text(text, encoding="utf-8")
    path = root / "data" / "reviewed.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    header = rows[0]
    for row in rows[1:]:
        row[header.index("input")] = "bad\x1b\x00 cell " + row[header.index("input")]
        row[header.index("error_category")] = row[header.index("error_category")] + (
            "\x08" if row[header.index("error_category")] else ""
        )
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    prs, deck, _ = build(root, tmp_path / "out")
    with zipfile.ZipFile(deck) as package:
        for entry in package.namelist():
            if entry.endswith((".xml", ".rels")):
                text = package.read(entry).decode("utf-8")
                etree.fromstring(text.encode())
                assert not ILLEGAL.search(text), entry
                assert "&#27;" not in text and "_x001B_" not in text, entry
    (chart,) = _charts(prs.slides[4])
    assert list(chart.chart.plots[0].categories)[1] == "Logistic regression"
    assert prs.slides[0].shapes.title.text_frame.text == "Tumour triage"
    assert "bad cell" in prs.slides[6].notes_slide.notes_text_frame.text


# --- templates ----------------------------------------------------------------------------------


def _template(root: Path, edit: Callable[[Any], None]) -> None:
    prs = Presentation(str(REPO / "assets" / "deck" / "theme.pptx"))
    edit(prs)
    (root / "brand").mkdir()
    prs.save(str(root / "brand" / "corporate.pptx"))
    edit_yaml(
        root,
        '    accent: "#0072B2"',
        '    accent: "#D55E00"\n    pptx_template: brand/corporate.pptx',
    )


def _rename(prs: Any, old: str, new: str) -> None:
    for layout in prs.slide_layouts:
        if layout.name == old:
            layout.name = new


def test_template_missing_a_layout_warns_and_falls_back(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    _template(root, lambda prs: _rename(prs, "Title Only", "Corporate content"))
    warnings = [p for p in dsreport.validate(root) if p.severity == "warning"]
    (problem,) = [p for p in warnings if "Title Only" in p.message]
    assert problem.key == "audiences.branding.pptx_template"
    assert problem.file == "dsreport.yaml" and problem.line is not None
    assert "Corporate content" in (problem.hint or "")
    prs, _, result = build(root, tmp_path / "out")
    assert any("'Title Only' is not in the template" in note for note in result.notes)
    assert {s.slide_layout.name for s in list(prs.slides)[1:]} == {"Corporate content"}
    assert_text_fits(prs)
    assert_inside_and_apart(prs)


def test_layout_map_names_layouts_and_a_bad_name_warns(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    _template(root, lambda prs: _rename(prs, "Title Only", "Brand Title"))
    edit_yaml(
        root,
        "    pptx_template: brand/corporate.pptx",
        "    pptx_template: brand/corporate.pptx\n    layout_map:\n"
        '      problem: "Brand Title"\n      results: "No Such Layout"',
    )
    warnings = [p for p in dsreport.validate(root) if p.severity == "warning"]
    keys = {p.key for p in warnings if "not in the template" in p.message}
    assert "audiences.branding.layout_map.results" in keys
    prs, _, result = build(root, tmp_path / "out")
    assert prs.slides[1].slide_layout.name == "Brand Title"
    assert any("No Such Layout" in note for note in result.notes)


def test_template_without_a_subtitle_placeholder_warns_and_draws_a_box(tmp_path: Path) -> None:
    def drop_subtitle(prs: Any) -> None:
        layout = next(lay for lay in prs.slide_layouts if lay.name == "Title Slide")
        for shape in list(layout.placeholders):
            if shape.placeholder_format.idx == 1:
                shape.element.getparent().remove(shape.element)

    root = copy_example(tmp_path, "tumour-triage")
    _template(root, drop_subtitle)
    assert any("no subtitle placeholder" in p.message for p in dsreport.validate(root))
    prs, _, _ = build(root, tmp_path / "out")
    assert "Owner: Maren Okafor" in " ".join(
        s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame
    )
    assert_inside_and_apart(prs)


def test_a_file_that_is_not_a_deck_warns_and_uses_the_default_theme(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    (root / "brand").mkdir()
    (root / "brand" / "corporate.pptx").write_bytes(b"PK\x03\x04 not really a zip")
    edit_yaml(root, '    accent: "#0072B2"', "    pptx_template: brand/corporate.pptx")
    assert any("cannot be read" in p.message for p in dsreport.validate(root))
    prs, _, result = build(root, tmp_path / "out")
    assert len(prs.slides) == 10 and any("default theme" in n for n in result.notes)


def test_branding_accent_replaces_the_accent_only(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    edit_yaml(root, '    accent: "#0072B2"', '    accent: "#CC79A7"')
    prs, deck, _ = build(root, tmp_path / "out")
    (chart,) = _charts(prs.slides[4])
    bars = chart.chart.plots[0].series[0]
    assert str(bars.points[1].format.fill.fore_color.rgb) == "CC79A7"  # ours
    assert str(bars.points[0].format.fill.fore_color.rgb) == "A6A6A6"  # today: grey
    (badge,) = [s for s in prs.slides[0].shapes if s.name == "Badge"]
    assert str(badge.fill.fore_color.rgb) == "B26B00"  # status colour, not the accent
    with zipfile.ZipFile(deck) as package:
        theme = package.read("ppt/theme/theme1.xml").decode()
    assert '<a:accent1><a:srgbClr val="CC79A7"/>' in theme
    assert '<a:accent2><a:srgbClr val="E69F00"/>' in theme


def test_logo_is_placed_with_alt_text(tmp_path: Path) -> None:
    from PIL import Image

    root = copy_example(tmp_path, "tumour-triage")
    (root / "img").mkdir()
    Image.new("RGB", (400, 100), (0, 114, 178)).save(root / "img" / "logo.png")
    edit_yaml(root, '    accent: "#0072B2"', '    accent: "#0072B2"\n    logo: img/logo.png')
    prs, _, _ = build(root, tmp_path / "out")
    (picture,) = [s for s in prs.slides[0].shapes if s.shape_type == 13]
    assert picture._element.xpath("./*[1]/p:cNvPr")[0].get("descr") == "Logo: Tumour triage"
    assert_inside_and_apart(prs)


# --- the stress bundle: every text field very long, or in scripts Calibri lacks ------------------


WORDS = {
    "latin": ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit"],
    "cjk": ["模型评估报告", "数据科学", "产品经理", "決定が必要です", "이것은한국어입니다"],
    "rtl": ["نموذج", "التقييم", "البيانات", "מודל", "הערכה", "נתונים"],
    "emoji": ["📈", "🚀✨", "👩‍🔬", "🧪🔥", "✅"],
}


def long_text(kind: str, words: int) -> str:
    pool = WORDS[kind]
    return " ".join(pool[i % len(pool)] for i in range(words)) + "."


def fill(kind: str, limit: int | None, words: int = 5000) -> str:
    """`words` words of `kind`, or as many characters as a field with a limit may hold."""
    text = long_text(kind, words if limit is None else limit)
    return text if limit is None else text[:limit].rstrip()


def stress(root: Path, kind: str, words: int = 5000) -> None:
    """Every text field of the bundle as long as it may be: a field with a length limit
    (what slides show) at its limit, a quoted prose field with a first paragraph at its
    limit and thousands of words after it, anything else `words` words of `kind`."""
    path = root / "dsreport.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = text_fields()
    spec["audiences"]["pm"]["next_steps"] = ["step"] * 5
    allowed = [
        list(o["constraints"]["allowed"]) if "allowed" in o.get("constraints", {}) else None
        for o in spec["system_design"]["outputs"]
    ]
    for loc, found in list(text_locations(spec, fields)):
        if kept(loc):
            continue
        lead = LEADS.get(tuple(p for p in loc if isinstance(p, str)))
        if lead is not None:
            value = fill(kind, lead) + "\n\n" + fill(kind, None, words)
        else:
            value = fill(kind, found.max_length, words)
        set_at(spec, loc, value)
    for field, before in zip(spec["system_design"]["outputs"], allowed, strict=True):
        if before is not None:  # the golden set's responses and the settings name them
            field["constraints"]["allowed"] = before
            field["example"] = before[0]  # an example is one of its field's values
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, width=10**9), encoding="utf-8")
    reviewed = root / "data" / "reviewed.csv"
    rows = list(csv.DictReader(reviewed.open(encoding="utf-8", newline="")))
    for row in rows:
        for key in ("input", "model_output", "expected_output", "note"):
            row[key] = long_text(kind, 300)
        if row["error_category"]:
            row["error_category"] = long_text(kind, 40) + row["error_category"]
    with reviewed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(WORDS))
def test_stress_bundle_text_fits_and_nothing_overlaps(tmp_path: Path, kind: str) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    stress(root, kind)
    big = LoadOptions(limits=Limits(yaml_bytes=64 * 1024**2, prose_bytes=64 * 1024**2))
    prs, _, result = build(root, tmp_path / "out", options=big)
    assert len(prs.slides) == 10
    assert_text_fits(prs)
    assert_inside_and_apart(prs)
    for slide in prs.slides:
        assert slide.notes_slide.notes_text_frame.text.strip()
    shortened = [n for n in result.notes if n.startswith("warning: ") and "shortened" in n]
    if kind == "latin":  # fit by design: only the reviewed cases, 300 words each, are cut
        assert shortened and all(n.startswith("warning: deck: slide 7: Case") for n in shortened)
    else:
        assert any("fallback font" in note for note in result.notes)


# --- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_every_example(examples: dict[str, Any], tmp_path: Path) -> None:
    for name in EXAMPLE_NAMES:
        _, deck, _ = examples[name]
        proc = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(deck),
            ],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        pdf = tmp_path / f"{name}-deck.pdf"
        assert proc.returncode == 0 and pdf.is_file(), proc.stderr
        assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) == 10
