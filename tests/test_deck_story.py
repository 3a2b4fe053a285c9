"""The PM deck argues the decision in the product's units: the answer first, the outcome
charted with today and the target, words that follow each metric's direction, numbers that
equal the report's under the one rounding rule, a glossary, and corporate templates (4:3,
their own font, colour and footer) that hold every word without cutting one."""

from __future__ import annotations

import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

import corporate
import dsreport
from dsreport.analyse import format as F
from dsreport.analyse.facts import Facts
from dsreport.render.deck.words import (
    glossary,
    plain,
    ranked_conditions,
    term_pattern,
    top_risks,
)
from helpers import EXAMPLES, edit_yaml
from report_helpers import missing_tools, pdf_text, squeeze
from test_deck import (
    EXAMPLE_NAMES,
    _charts,
    _printed,
    assert_inside_and_apart,
    assert_text_fits,
    copy_example,
    font_file,
    is_footer,
)

ELLIPSIS = "…"


def build(bundle: Path, out: Path, only: tuple[str, ...] = ("pm",)) -> tuple[Any, Path, Any]:
    result = dsreport.build(bundle, out, only=list(only))
    deck = next(p for p in result.artifacts if p.name.endswith("-deck.pptx"))
    return Presentation(str(deck)), deck, result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Path, Any]]:
    """Each example built into a deck and the report (for the number comparison)."""
    out = tmp_path_factory.mktemp("story")
    return {name: build(EXAMPLES / name, out / name, ("pm", "ds")) for name in EXAMPLE_NAMES}


def texts(slide: Any) -> dict[str, str]:
    """Every shape's visible words by name (footers aside), table cells and chart labels."""
    out = {}
    for shape in slide.shapes:
        if is_footer(shape):
            continue
        if shape.has_text_frame:
            out[shape.name] = shape.text_frame.text
        if shape.has_table:
            for r, row in enumerate(shape.table.rows):
                for c, cell in enumerate(row.cells):
                    out[f"{shape.name}[{r},{c}]"] = cell.text_frame.text
        if shape.has_chart:
            plot = shape.chart.plots[0]
            out[f"{shape.name} labels"] = " ".join(
                t for series in plot.series for t in _printed(series) if t
            )
            out[f"{shape.name} categories"] = " ".join(str(c) for c in plot.categories)
    return out


def words(slide: Any) -> str:
    return "\n".join(texts(slide).values())


# --- the answer first, the outcome in the product's units ---------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_slide_2_holds_the_decision_the_ask_three_outcomes_and_the_top_risk(
    built: dict[str, Any], name: str
) -> None:
    prs, _, result = built[name]
    facts: Facts = result.facts
    slide = prs.slides[1]
    shapes = texts(slide)
    assert slide.shapes.title.text_frame.text.startswith(f"{facts.recommendation.label}: ")
    assert facts.bundle["audiences"]["pm"]["decision"] in shapes["The ask"]
    numbers = [shapes[f"Outcome {i}"] for i in (1, 2, 3)]
    assert numbers == [c.shown.text_pm["ours"] for c in facts.outcome.counts]
    for i, count in enumerate(facts.outcome.counts, start=1):
        against = shapes[f"Outcome {i}: what"]
        assert count.means in against
        assert f"Today {count.shown.text_pm['today']}" in against
        if count.target is not None:
            assert count.shown.text_pm["target"] in against
    assert top_risks(facts)[0] in shapes["Top risk"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_results_slide_charts_the_outcome_with_today_and_the_target(
    built: dict[str, Any], name: str
) -> None:
    prs, _, result = built[name]
    facts: Facts = result.facts
    count = facts.outcome.counts[0]
    slide = prs.slides[4]
    (chart,) = _charts(slide)
    names = [s.name for s in chart.chart.plots[0].series]
    assert all(n.startswith(f"{count.means[:1].upper()}{count.means[1:]}") for n in names)
    assert len(list(chart.chart.plots[0].categories)) == 2  # today, ours
    (target,) = chart.chart.plots[1].series
    assert target.name == "Target"
    shapes = texts(slide)
    assert shapes["Big number"] == count.shown.text_pm["ours"]
    assert f"likely {count.interval.text_pm}" in shapes["Big number caption"]
    assert "Today:" in shapes["Against today"] and "Target:" in shapes["Against today"]
    assert shapes["Caption"].startswith(f"Measured as {facts.headline.metric.label}: ")


def test_the_decision_slide_lists_the_sharpest_conditions_first(built: dict[str, Any]) -> None:
    """Digit routing: the checks raise the error-rate condition fourth, after three whose
    ranges barely reach below their targets; the analysis ranks the group that misses its
    target and the error rate (its range reaching furthest past the 0.5% accepted) first,
    and the slide (like the report) lists them in that order."""
    prs, _, result = built["digit-routing"]
    facts: Facts = result.facts
    ranked = ranked_conditions(facts)
    assert ranked == facts.recommendation.conditions == [t.text for t in facts.recommendation.terms]
    assert sorted(ranked) == sorted(facts.recommendation.conditions)
    (first, second) = (
        next(t for t in facts.recommendation.terms if t.text == text) for text in ranked[:2]
    )
    assert (first.metric, first.slice) == ("accuracy", "ink_band = medium")
    assert (second.metric, second.slice) == ("auto_entry_error_rate", None)
    shown = texts(prs.slides[-1])["Conditions"].split("\n")
    assert shown[:2] == [plain(text) for text in ranked_conditions(facts, short=True)[:2]]
    assert shown[0] == (
        "Before launch, send ink band = medium (33% of cases) to the fallback: there the "
        "share of all decisions that are right is clearly below 97%. This sends 158 more of "
        "540 test digit fields to the fallback: the auto entry rate falls from 89% to 60%, "
        "below its target 80%."
    )


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_slide_text_is_cut_or_ends_in_an_ellipsis(built: dict[str, Any], name: str) -> None:
    prs, _, result = built[name]
    for number, slide in enumerate(prs.slides, start=1):
        for shape, text in texts(slide).items():
            assert ELLIPSIS not in text, f"slide {number}, {shape}: {text!r}"
    assert not [n for n in result.notes if n.startswith("warning: ")]


# --- every number on the deck is the report's, rounded by the documented rule ------------------

_NUMBER = re.compile(r"(?<![\w.,])[+−]?\d(?:[\d,]*\d)?(?:\.\d+)?%?(?![\w])")


def _quantum(token: str) -> Decimal:
    """The unit a printed number is rounded to: `97.6%` 0.1, `53` 1, `890,000` 10,000."""
    core = token.rstrip("%").lstrip("+−").replace(",", "")
    if "." in core:
        return Decimal(1).scaleb(-len(core.split(".")[1]))
    zeros = len(core) - len(core.rstrip("0"))
    return Decimal(1).scaleb(min(zeros, len(core) - 1))


def rounds_to(report: str, deck: str) -> bool:
    """The rule: the deck prints the report's number rounded half up (to fewer digits). A
    deck number without a sign is the report's magnitude (`220 fewer` for `−220`)."""
    if report.endswith("%") != deck.endswith("%"):
        return False
    value = F.parse(report)
    if not deck.startswith(("+", "−")):
        value = abs(value)
    return value.quantize(_quantum(deck), rounding=ROUND_HALF_UP) == F.parse(deck)


def _unsigned(text: str) -> set[str]:
    tokens = _NUMBER.findall(text)
    return set(tokens) | {t.lstrip("+−") for t in tokens}


def _pairs(node: Any) -> list[tuple[str, str]]:
    """(report string, deck string) of every formatted number in the facts."""
    out: list[tuple[str, str]] = []
    if isinstance(node, dict):
        if isinstance(node.get("text"), str) and isinstance(node.get("text_pm"), str):
            out.append((node["text"], node["text_pm"]))
        if isinstance(node.get("text"), dict) and isinstance(node.get("text_pm"), dict):
            out += [(node["text"][k], node["text_pm"][k]) for k in node["text"]]
        if isinstance(node.get("message"), str) and isinstance(node.get("message_pm"), str):
            out.append((node["message"], node["message_pm"]))
        for key in ("conditions", "reasons"):  # the recommendation's, shown as they are
            if isinstance(node.get(key), list):
                out += [(t, t) for t in node[key] if isinstance(t, str)]
        for value in node.values():
            out += _pairs(value)
    elif isinstance(node, list):
        for value in node:
            out += _pairs(value)
    return out


def _authored(facts: Facts) -> list[str]:
    """Every string the bundle's author wrote, longest first (their numbers are theirs)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str) and len(node) >= 12 and re.search(r"\d", node):
            found.add(node)
            found.add(" ".join(node.split()))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(facts.bundle)
    walk(facts.review.model_dump() if facts.review else None)
    found |= {s.replace("_", " ") for s in found}  # as the deck shows identifiers
    return sorted(found, key=len, reverse=True)


@pytest.mark.skipif(bool(missing_tools()), reason="poppler-utils are not installed")
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_number_on_the_deck_equals_the_reports(built: dict[str, Any], name: str) -> None:
    prs, _, result = built[name]
    facts: Facts = result.facts
    pdf = next(p for p in result.artifacts if p.name.endswith("-report.pdf"))
    report = squeeze(pdf_text(pdf))
    pairs = _pairs(facts.model_dump(exclude={"bundle"}))
    for ds, pm in pairs:  # the rule holds for every formatted number in the facts
        ds_tokens, pm_tokens = _NUMBER.findall(ds), _NUMBER.findall(pm)
        for token in pm_tokens:
            assert any(rounds_to(d, token) for d in ds_tokens), (ds, pm)
    authored = _authored(facts)
    checked = 0
    for number, slide in enumerate(list(prs.slides)[1:], start=2):
        for shape, text in texts(slide).items():
            text = " ".join(text.split())
            for own in authored:
                text = text.replace(own, " ")
            text = re.sub(r"\+ \d+ more in the speaker notes|We tried \d+ approaches", " ", text)
            for token in _NUMBER.findall(text):
                sources = [(ds, pm) for ds, pm in pairs if token in _unsigned(pm)]
                assert sources, f"slide {number}, {shape}: {token} is not a fact ({text!r})"
                assert any(
                    squeeze(ds) in report or any(squeeze(d) in report for d in _NUMBER.findall(ds))
                    for ds, _ in sources
                ), f"slide {number}, {shape}: {token} is not in the report"
                assert any(
                    rounds_to(d, token) and squeeze(d) in report
                    for ds, _ in sources
                    for d in _NUMBER.findall(ds)
                ), f"slide {number}, {shape}: {token} is no rounding of the report's number"
                checked += 1
    assert checked > 40  # the deck is full of numbers, and every one was traced


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_an_acceptable_value_whose_range_falls_short_is_not_called_good_enough(
    built: dict[str, Any], name: str
) -> None:
    """Each example's headline value reaches the acceptable level but its likely range
    reaches past it (tumour-triage: recall 95.3%, 88.5%-98.2%, against 95%): the slide says
    it could fall short instead of "good enough to ship"."""
    prs, _, result = built[name]
    head = result.facts.headline
    assert head.level_reached == "acceptable"
    acceptable = head.success_levels["acceptable"].value
    if head.metric.direction == "higher_is_better":
        assert head.metric.interval.low < acceptable
    else:
        assert head.metric.interval.high > acceptable
    reached = texts(prs.slides[3])["Level reached"]
    assert reached.startswith(f"Our model: {head.shown.text_pm['ours']}, acceptable, but could")
    assert "good enough to ship" not in reached


# --- words that follow the metric's direction -----------------------------------------------------


def _lower_is_better(root: Path, name: str) -> None:
    """Make the success metric a lower-is-better one, for each task."""
    if name == "tumour-triage":  # binary: the Brier score
        edit_yaml(root, "      headline: true\n", "")
        edit_yaml(
            root,
            "    - name: brier\n      value: 0.0264\n",
            "    - name: brier\n      value: 0.0264\n      headline: true\n",
        )
        edit_yaml(
            root,
            "    metric: recall\n    # Nobody would ask for more than this.\n    optimal: 0.98\n"
            "    # The product can ship at this level.\n    acceptable: 0.95\n"
            "    # Past this the model does more harm than today's process.\n    worst_case: 0.9\n",
            "    metric: brier\n    optimal: 0.02\n    acceptable: 0.05\n    worst_case: 0.08\n",
        )
        edit_yaml(root, '    unit: "share of malignant aspirates in the senior-first queue"\n', "")
    elif name == "digit-routing":  # multiclass: the share of wrong automatic entries
        edit_yaml(root, "      headline: true\n", "")
        edit_yaml(
            root,
            "  metrics:\n    - name: macro_f1\n",
            "  metrics:\n    - name: auto_entry_error_rate\n      value: 0.0021\n"
            "      headline: true\n      direction: lower_is_better\n      target: 0.005\n"
            "      split: test\n      n: 483\n    - name: macro_f1\n",
        )
        edit_yaml(
            root,
            "    metric: macro_f1\n    # Nobody would ask for more than this.\n    optimal: 0.99\n"
            "    # The product can ship at this level.\n    acceptable: 0.97\n"
            "    # Past this the model does more harm than today's process.\n    worst_case: 0.9\n"
            '    unit: "average quality of reading across the ten digits"\n',
            "    metric: auto_entry_error_rate\n    optimal: 0.001\n    acceptable: 0.005\n"
            '    worst_case: 0.01\n    unit: "share of automatic entries that are wrong"\n',
        )


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_lower_is_better_wording_for_each_task(tmp_path: Path, name: str) -> None:
    root = copy_example(tmp_path, name)
    _lower_is_better(root, name)
    prs, _, result = build(root, tmp_path / "out")
    facts: Facts = result.facts
    assert facts.headline.metric.direction == "lower_is_better"
    success = texts(prs.slides[3])
    assert "above this, worse than today" in success["Level: worst_case"]
    assert "below this" not in words(prs.slides[3])
    assert success["Level reached"].endswith("(lower is better)")
    ours, target = facts.headline.shown.text_pm["ours"], facts.headline.shown.text_pm["target"]
    caption = texts(prs.slides[4])["Caption"]
    side = "below" if facts.headline.metric.target_met else "above"
    assert f"{ours}, {side} the {target} target" in caption
    assert caption.endswith(
        "(lower is better); today " + facts.headline.shown.text_pm["today"] + "."
    )
    # a count of which fewer is better says "fewer"; of which more is better, "more"
    answer = texts(prs.slides[1])
    for i, count in enumerate(facts.outcome.counts, start=1):
        if count.target is not None:
            way = "at most" if count.better == "fewer" else "at least"
            assert f"target {way} {count.shown.text_pm['target']}" in answer[f"Outcome {i}: what"]


# --- plain words ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_term_of_art_is_glossed_where_it_first_appears(
    built: dict[str, Any], name: str
) -> None:
    prs, _, result = built[name]
    terms = glossary(result.facts)
    seen = set()
    glossed = 0
    for number, slide in enumerate(prs.slides, start=1):
        shown = words(slide)
        notes = slide.notes_slide.notes_text_frame.text
        for term, gloss in terms.items():
            if term not in seen and term_pattern(term).search(shown):
                assert f"Term: {gloss}" in notes, f"slide {number}: {term} is not glossed"
                seen.add(term)
                glossed += 1
    assert glossed >= 3  # e.g. likely, p95, ms, and the metric's own name
    assert {"likely", "p95"} <= seen


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_raw_identifiers_on_slides(built: dict[str, Any], name: str) -> None:
    prs, _, _ = built[name]
    for number, slide in enumerate(prs.slides, start=1):
        found = re.findall(r"\b[A-Za-z]+_[A-Za-z0-9_]+\b", words(slide))
        assert not found, f"slide {number}: {found}"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_reviewed_cases_are_told_as_one_line_stories(built: dict[str, Any], name: str) -> None:
    prs, _, result = built[name]
    cases = {k: v for k, v in texts(prs.slides[6]).items() if re.fullmatch(r"Case \d", k)}
    assert len(cases) == 3
    inputs = {e.input for c in result.facts.review.categories for e in c.examples}
    inputs |= {e.input for e in result.facts.review.correct_examples}
    for text in cases.values():
        story = text.splitlines()[1]
        assert story.startswith("The model said “") and story.endswith(".")
        assert not any(i in text for i in inputs)  # no raw feature lists


# --- charts a PM can edit -------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_charts_are_editable_and_honest(built: dict[str, Any], name: str) -> None:
    prs, _, _ = built[name]
    for slide in prs.slides:
        for frame in _charts(slide):
            chart = frame.chart
            for series in chart.plots[0].series:
                for label in series._element.iter(qn("c:dLbl")):
                    assert label.find(qn("c:tx")) is None  # not fixed text
                    assert label.find(qn("c:showVal")).get("val") == "1"  # linked to the value
                bars = series._element.find(qn("c:errBars"))
                if bars is not None:
                    values = list(series.values)
                    plus = bars.findall(f"{qn('c:plus')}//{qn('c:v')}")
                    minus = bars.findall(f"{qn('c:minus')}//{qn('c:v')}")
                    for value, up, down in zip(values, plus, minus, strict=True):
                        if value is not None:  # no zero-length error bar on a drawn column
                            assert float(up.text) + float(down.text) > 0
                printed = _printed(series)
                categories = [str(c) for c in chart.plots[0].categories]
                assert not set(printed) & set(categories)  # no label says its category again
            alt = frame._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
            assert alt.endswith(".") and not re.search(r"\b(\w+) \1\b", alt), alt


# --- corporate templates ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corporate_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Any]]:
    out = tmp_path_factory.mktemp("corporate")
    built = {}
    for name in EXAMPLE_NAMES:
        root = copy_example(out / "bundles", name)
        corporate.make(root / "brand" / "corporate.pptx")
        edit_yaml(
            root,
            '    accent: "#0072B2"',
            '    accent: "#0072B2"\n    pptx_template: brand/corporate.pptx',
        )
        prs, _, result = build(root, out / "decks" / name)
        built[name] = (prs, result)
    return built


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not installed")
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_4_3_corporate_template_holds_every_word(
    corporate_builds: dict[str, Any], name: str
) -> None:
    font_file(corporate.FONT, False)  # the template's font is on this machine (else: skip)
    prs, result = corporate_builds[name]
    assert (prs.slide_width, prs.slide_height) == (Emu(Inches(10)), Emu(Inches(7.5)))
    assert not [n for n in result.notes if n.startswith("warning: ")]  # nothing cut
    assert_text_fits(prs, corporate.FONT)  # measured with DejaVu Sans's own file
    assert_inside_and_apart(prs)
    for number, slide in enumerate(prs.slides, start=1):
        for shape, text in texts(slide).items():
            assert ELLIPSIS not in text, f"slide {number}, {shape}"
        for shape in slide.shapes:  # nothing on the template's "Confidential" line
            if not is_footer(shape):
                assert shape.top + shape.height <= corporate.BAND_TOP, (number, shape.name)
    (ladder,) = [s for s in prs.slides[5].shapes if s.has_table]
    _no_word_broken(ladder)
    facts: Facts = result.facts
    for slide in list(prs.slides)[1:]:  # the template's own footer and slide number
        kinds = {s.element.ph.get("type"): s for s in slide.placeholders if is_footer(s)}
        assert kinds["ftr"].text_frame.text == facts.bundle["project"]["name"]
        assert kinds["sldNum"]._element.find(f".//{qn('a:fld')}").get("type") == "slidenum"
    plot = _charts(prs.slides[4])[0].chart.plots[0]
    fills = {
        str(point.format.fill.fore_color.rgb)
        for series in plot.series
        for index, value in enumerate(series.values)
        if value is not None
        for point in [series.points[index]]
    }
    assert fills == {"A6A6A6", corporate.COLOUR}  # the template's colour, not the bundle's


def _no_word_broken(table_shape: Any) -> None:
    """Every word of every cell fits its column, by the font file's own widths."""
    from fontTools.ttLib import TTFont

    fonts = {}
    for bold in (False, True):
        font = TTFont(font_file(corporate.FONT, bold))
        upm = font["head"].unitsPerEm
        fonts[bold] = {c: font["hmtx"][g][0] / upm for c, g in font.getBestCmap().items()}
    table = table_shape.table
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            width = (table.columns[c].width - cell.margin_left - cell.margin_right) / 12700
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    for word in run.text.split():
                        em = sum(fonts[bool(run.font.bold)].get(ord(ch), 1.0) for ch in word)
                        assert em * run.font.size.pt <= width, (word, cell.text_frame.text)


def test_the_template_colour_wins_unless_the_bundle_asks(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    corporate.make(root / "brand" / "corporate.pptx")
    edit_yaml(
        root,
        '    accent: "#0072B2"',
        '    accent: "#0072B2"\n    pptx_template: brand/corporate.pptx\n'
        "    replace_template_accent: true",
    )
    prs, _, _ = build(root, tmp_path / "out")
    bars = _charts(prs.slides[4])[0].chart.plots[0].series[0]
    assert str(bars.points[1].format.fill.fore_color.rgb) == "0072B2"


def test_a_template_that_cannot_hold_a_title_is_a_validate_error(tmp_path: Path) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    path = corporate.make(root / "brand" / "corporate.pptx")
    prs = Presentation(str(path))
    layout = next(lay for lay in prs.slide_layouts if lay.name == "Title Only")
    title = next(s for s in layout.placeholders if s.placeholder_format.idx == 0)
    left, top, width = title.left, title.top, title.width
    title.left, title.top, title.width, title.height = left, top, width, 0
    prs.save(str(path))
    edit_yaml(root, '    accent: "#0072B2"', "    pptx_template: brand/corporate.pptx")
    errors = [p for p in dsreport.validate(root) if p.severity == "error"]
    assert [p.key for p in errors] == ["audiences.branding.pptx_template"], errors
    assert errors[0].message == (
        "layout 'Title Only' has a title placeholder 9.0 in wide and 0.0 in high, where a "
        "slide title needs at least 2 in by 0.3 in"
    )
    with pytest.raises(dsreport.BundleError):
        dsreport.build(root, tmp_path / "out", only=["pm"])


def test_a_font_the_machine_lacks_is_measured_with_a_stand_in_and_said(
    tmp_path: Path, cli: Any
) -> None:
    root = copy_example(tmp_path, "tumour-triage")
    corporate.make(root / "brand" / "corporate.pptx", font="Frutiger Corporate")
    edit_yaml(root, '    accent: "#0072B2"', "    pptx_template: brand/corporate.pptx")
    plain = cli("build", root, "-o", tmp_path / "plain", "--only", "pm", "--force")
    assert plain.exit_code == 0, plain.stderr
    assert "warning: deck: the template's font Frutiger Corporate is not on this machine" in (
        plain.stderr
    )
    run = cli("build", root, "-o", tmp_path / "out", "--only", "pm", "--json", "--force")
    assert run.exit_code == 0, run.stderr
    report = json.loads(run.stdout)
    messages = [w["message"] for w in report["warnings"]]
    assert any(
        m.startswith(
            "deck: the template's font Frutiger Corporate is not on this machine and has no "
            "metric-compatible twin; text is measured with "
        )
        for m in messages
    ), messages
    deck = Presentation(str(next(tmp_path.glob("out/*-deck.pptx"))))
    runs = [
        r
        for s in deck.slides
        for sh in s.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
    ]
    assert {r.font.name for r in runs} == {"Frutiger Corporate"}  # the template's font, kept
