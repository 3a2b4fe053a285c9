"""The business outcome: what the product counts per period, computed from the predictions
for the chosen rung and today's process, and checked at load."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

import dsreport
from dsreport.analyse.engine import analyse
from dsreport.analyse.facts import OutcomeCountFact
from dsreport.analyse.intervals import wilson
from dsreport.analyse.outcomes import outcome_findings, paired_change
from dsreport.load.loader import load_bundle
from helpers import EXAMPLES, edit_yaml


def _rows(name: str) -> list[dict[str, str]]:
    path = EXAMPLES / name / "data" / "predictions.csv"
    return [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["split"] == "test"]


def _counts(name: str) -> dict[str, OutcomeCountFact]:
    facts = analyse(load_bundle(EXAMPLES / name))
    assert facts.outcome is not None
    return {c.kind: c for c in facts.outcome.counts}


def test_binary_counts_are_the_test_shares_scaled_to_the_volume() -> None:
    rows = _rows("tumour-triage")
    n = len(rows)

    def flagged(rung: str, label: str) -> int:
        return sum(float(r[f"score_{rung}"]) >= 0.2 and r["label"] == label for r in rows)

    counts = _counts("tumour-triage")
    benign = counts["false_positive"]
    assert (benign.count, benign.n) == (flagged("logreg", "0"), n) == (8, 228)
    assert benign.ours.value == pytest.approx(8 / 228 * 1500)
    assert benign.today is not None and benign.today_source == "baseline"
    assert benign.today.value == pytest.approx(flagged("size_rule", "0") / 228 * 1500)
    low, high = wilson(8, 228)
    assert benign.interval is not None
    assert (benign.interval.low, benign.interval.high) == pytest.approx((low * 1500, high * 1500))
    assert benign.shown.text == {"ours": "53", "today": "145", "target": "70", "change": "−92"}
    assert benign.target_met is True and benign.target_secured is False  # reaches 102
    assert benign.better == "fewer"
    queue = counts["acted"]
    assert queue.count == flagged("logreg", "0") + flagged("logreg", "1")
    assert queue.by_rung["size_rule"].value == pytest.approx(
        (flagged("size_rule", "0") + flagged("size_rule", "1")) / 228 * 1500
    )


def test_multiclass_acts_on_confidence_and_counts_wrong_entries() -> None:
    rows = _rows("digit-routing")
    confident = [r for r in rows if max(float(r[f"proba_logreg_{d}"]) for d in "0123456789") >= 0.8]
    wrong = sum(r["pred_logreg"] != r["label"] for r in confident)
    counts = _counts("digit-routing")
    assert (counts["acted"].count, counts["false_positive"].count) == (len(confident), wrong)
    assert (len(confident), wrong) == (483, 1)
    entered = counts["acted"]
    assert entered.today is not None and entered.today_source == "declared"
    assert entered.today.value == 0 and entered.change is not None
    assert entered.shown.text_pm == {
        "ours": "890,000",
        "today": "0",
        "target": "850,000",
        "change": "+890,000",
    }
    wrong_entries = counts["false_positive"]
    assert wrong_entries.target_met is True and wrong_entries.target_secured is False
    assert counts["not_acted"].today is not None and counts["not_acted"].today.value == 1e6


def test_regression_acts_at_the_gate_on_both_sides() -> None:
    rows = _rows("disease-progression")
    listed = [float(r["pred_ridge"]) >= 200 for r in rows]
    fast = [float(r["label"]) >= 200 for r in rows]
    counts = _counts("disease-progression")
    assert (
        counts["true_positive"].count
        == sum(a and b for a, b in zip(listed, fast, strict=True))
        == 19
    )
    assert counts["false_negative"].count == sum(
        b and not a for a, b in zip(listed, fast, strict=True)
    )
    assert counts["acted"].count == sum(listed) == 25
    assert counts["true_positive"].target_met is False  # 2,050 against at least 2,140


def test_the_change_against_today_is_a_paired_interval() -> None:
    ours = np.array([True] * 10 + [False] * 90)
    today = np.array([True] * 30 + [False] * 70)
    low, high = paired_change(ours, today, 1000, seed=1, resamples=2000)
    assert low <= -200 <= high and high < 0  # 20 fewer in 100, every one of them paired
    assert (low, high) == paired_change(ours, today, 1000, seed=1, resamples=2000)
    same = paired_change(ours, ours, 1000, seed=1, resamples=500)
    assert same == (0.0, 0.0)


def test_outcome_findings_name_the_count_and_the_target() -> None:
    facts = analyse(load_bundle(EXAMPLES / "digit-routing"))
    (finding,) = outcome_findings(facts.outcome)
    assert finding.id == "outcome-target-not-secured"
    assert finding.message == (
        "1,850 wrong digits entered without a keyer a month meets the target of at most "
        "4,000, but its 95% interval (327–10,400) reaches 10,400."
    )


# --- checks at load -----------------------------------------------------------------------------


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _errors(root: Path) -> list[tuple[str | None, str]]:
    return [(p.key, p.message) for p in dsreport.validate(root) if p.severity == "error"]


def test_a_regression_outcome_needs_a_gate(tmp_path: Path) -> None:
    root = _copy(tmp_path, "disease-progression")
    edit_yaml(root, "    gate: 200\n", "")
    assert _errors(root) == [
        (
            "ecosystem.outcome",
            "a regression outcome needs `gate`: the predicted value at or above which the "
            "product acts",
        )
    ]


def test_a_binary_outcome_acts_at_the_threshold(tmp_path: Path) -> None:
    root = _copy(tmp_path, "tumour-triage")
    edit_yaml(root, '    period: "month"\n', '    period: "month"\n    gate: 0.5\n')
    assert _errors(root) == [
        (
            "ecosystem.outcome.gate",
            "a binary task acts at the operating threshold, not at a gate of its own",
        )
    ]


def test_acted_must_say_which_way_is_better_and_kinds_are_counted_once(tmp_path: Path) -> None:
    root = _copy(tmp_path, "tumour-triage")
    edit_yaml(root, "        better: fewer\n", "")
    edit_yaml(root, "      - kind: false_negative", "      - kind: false_positive")
    assert _errors(root) == [
        ("ecosystem.outcome.counts[1].kind", "'false_positive' is counted twice"),
        ("ecosystem.outcome.counts[2]", "say whether more or fewer 'acted' cases is better"),
    ]


def test_an_over_long_slide_text_names_the_field_and_the_limit(tmp_path: Path) -> None:
    root = _copy(tmp_path, "tumour-triage")
    long = "benign cases that the triage sends to the senior cytologist's first queue"
    edit_yaml(root, '"benign cases sent to the senior reader"', f'"{long}"')
    problems = [p for p in dsreport.validate(root) if p.severity == "error"]
    assert [(p.key, p.message) for p in problems] == [
        (
            "ecosystem.outcome.counts[0].means",
            f"is {len(long)} characters long; it may be at most 60",
        )
    ]
    assert problems[0].line is not None


def test_a_long_first_paragraph_of_quoted_prose_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path, "tumour-triage")
    problem = root / "prose" / "problem.md"
    first = "The lab is busy. " * 30
    problem.write_text(first + "\n\n" + problem.read_text(encoding="utf-8"), encoding="utf-8")
    assert _errors(root) == [
        (
            "ecosystem.problem",
            f"its first paragraph is {len(first.strip())} characters long; it may be at most "
            "350, because the deck quotes it on a slide",
        )
    ]


def test_outcome_words_are_bundle_text_printed_as_written(tmp_path: Path) -> None:
    """What the product counts is the author's text: escaped in the report, never run or
    compiled as a template, and shown as written on the deck."""
    from pptx import Presentation

    from report_helpers import missing_tools, pdf_text, squeeze

    root = _copy(tmp_path, "tumour-triage")
    hostile = "<script>alert(1)</script>{{ 7*7 }} cases"
    edit_yaml(root, '"benign cases sent to the senior reader"', f'"{hostile}"')
    result = dsreport.build(root, tmp_path / "out", only=["pm", "ds"], formats=["pdf", "html"])
    html = next(p for p in result.artifacts if p.name.endswith(".html")).read_text("utf-8")
    html = html.replace("\u200b", "")  # break chances in long tokens
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }} cases" in html
    assert "<script>" not in html and "49 cases" not in html
    deck = next(p for p in result.artifacts if p.name.endswith("-deck.pptx"))
    words = [
        s.text_frame.text for s in Presentation(str(deck)).slides[1].shapes if s.has_text_frame
    ]
    assert any(hostile in w for w in words)
    if not missing_tools():
        pdf = next(p for p in result.artifacts if p.name.endswith("-report.pdf"))
        assert squeeze(hostile) in squeeze(pdf_text(pdf))
