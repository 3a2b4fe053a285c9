"""Formats that let authors tell the truth: own verdict words and unjudged cases, latency per
batch in any unit, no cost, cross-validation scores, and what `validate` says about metric
names, splits, table problems and comparisons that rest on reported values only."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport.analyse.engine import analyse
from dsreport.analyse.intervals import wilson
from dsreport.bundle.evaluation import Rung
from dsreport.load.loader import collect_problems, load_bundle
from dsreport.load.namechecks import nearest_metric
from helpers import BUNDLES, EXAMPLES, Run, edit, edit_yaml
from report_helpers import pdf_text, squeeze

REVIEW_HEADER = "id,input,model_output,expected_output,verdict,error_category,severity,note\n"


def problems(path: Path) -> list[str]:
    return [p.format() for p in collect_problems(path)]


# --- review verdicts -----------------------------------------------------------------------------


def test_own_verdict_words_are_mapped_and_unjudged_cases_left_out_of_the_error_rate() -> None:
    facts = analyse(load_bundle(BUNDLES / "reviewed-own-verdicts"))
    review = facts.review
    assert review is not None
    assert review.by_verdict == {
        "ambiguous": 1,
        "correct": 2,
        "incorrect": 1,
        "not_applicable": 1,
        "partial": 1,
    }
    assert (review.n, review.judged) == (6, 4)  # 2 correct, 1 incorrect, 1 partial
    assert review.error_rate is not None and review.error_rate.value == 0.5
    assert review.error_interval is not None
    assert (review.error_interval.low, review.error_interval.high) == pytest.approx(wilson(2, 4))
    shares = {c.name: c.share.value for c in review.categories}
    assert shares == {"late": 0.25, "wrong plan": 0.25}
    assert [e.id for e in review.correct_examples] == ["1", "4"]


def test_a_known_verdict_can_be_remapped(bundle: Callable[[str], Path]) -> None:
    path = bundle("reviewed-own-verdicts")
    edit_yaml(path, "n/a: not_applicable}", "n/a: not_applicable, partial: incorrect}")
    review = analyse(load_bundle(path)).review
    assert review is not None
    assert review.by_verdict["incorrect"] == 2 and "partial" not in review.by_verdict


def test_a_review_with_no_judged_case_has_no_error_rate_and_says_so(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("good-binary")
    (path / "data" / "reviewed.csv").write_text(
        REVIEW_HEADER + "1,x,y,?,ambiguous,,,\n2,x,y,y,not_applicable,,,\n", encoding="utf-8"
    )
    assert problems(path) == [
        "warning: data/reviewed.csv:1: verdict: no reviewed example is judged correct, partial "
        "or incorrect: there is no error rate"
    ]
    review = analyse(load_bundle(path)).review
    assert review is not None
    assert (review.n, review.judged, review.error_rate, review.categories) == (2, 0, None, [])


def test_a_verdict_map_value_must_be_a_known_verdict(bundle: Callable[[str], Path]) -> None:
    path = bundle("reviewed-own-verdicts")
    edit_yaml(path, "unsure: ambiguous", "unsure: maybe")
    assert problems(path) == [
        "error: dsreport.yaml:56: interrogation.reviewed_examples.verdict_map.unsure: 'maybe' "
        "is not one of: correct, incorrect, partial, ambiguous, not_applicable"
    ]


# --- latency ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "per_request_ms"),
    [
        ({"value": 1.2, "unit": "s", "batch_size": 256}, 4.6875),
        ({"value": 250, "unit": "us"}, 0.25),
        ({"value": 12}, 12.0),
        ({"value": 2, "unit": "min", "batch_size": 1000}, 120.0),
        ({"value": 1, "unit": "h", "batch_size": 3600}, 1000.0),
    ],
)
def test_latency_is_read_once_as_milliseconds_per_request(
    given: dict[str, object], per_request_ms: float
) -> None:
    rung = Rung.model_validate(
        {"id": "a", "name": "A", "kind": "simple", "decision": "kept", "reason": "-"}
        | {"latency": given}
    )
    assert rung.latency_ms == pytest.approx(per_request_ms)


def test_latency_per_batch_is_shown_with_what_was_given() -> None:
    facts = analyse(load_bundle(BUNDLES / "latency-per-batch"))
    gbm = next(r for r in facts.ladder if r.id == "gbm")
    assert gbm.latency_ms is not None
    assert (gbm.latency_ms.value, gbm.latency_ms.text, gbm.latency_ms.text_pm) == (
        4.6875,
        "4.69 ms (1.2 s per batch of 256)",
        "4.7 ms",
    )
    latency = next(b for b in facts.budgets if b.name == "latency")
    assert latency.budget is not None and latency.measured is not None
    assert (latency.budget.value, latency.budget.text, latency.budget.text_pm) == (
        120.0,
        "120 ms (p95; 20 min per batch of 10,000)",
        "120 ms (p95)",
    )
    assert latency.measured.text == "4.69 ms (p95; 1.2 s per batch of 256)"
    assert latency.within is True
    assert facts.operations is not None and facts.operations.throughput is not None
    assert facts.operations.throughput.value == pytest.approx(256 / 1.2)


def test_latency_given_twice_is_an_error(bundle: Callable[[str], Path]) -> None:
    path = bundle("latency-per-batch")
    edit_yaml(path, "latency: {value: 1.2,", "latency_ms: 5, latency: {value: 1.2,")
    edit_yaml(path, "budget: {value: 20,", "budget_ms: 100, budget: {value: 20,")
    assert problems(path) == [
        "error: dsreport.yaml:25: operator_view.latency: give `budget_ms` or `budget`, not both",
        "error: dsreport.yaml:45: ladder.rungs[1]: give `latency_ms` or `latency`, not both",
    ]


def test_a_batch_over_its_budget_is_over_budget(bundle: Callable[[str], Path]) -> None:
    path = bundle("latency-per-batch")
    edit_yaml(
        path, "{value: 1.2, unit: s, batch_size: 256}", "{value: 40, unit: min, batch_size: 10000}"
    )
    facts = analyse(load_bundle(path))
    latency = next(b for b in facts.budgets if b.name == "latency")
    assert latency.within is False
    assert "latency-over-budget" in {f.id for f in facts.findings}


# --- cost --------------------------------------------------------------------------------------


def test_cost_without_a_budget_is_shown_but_not_judged(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(
        path, "  cost: {budget: 500, unit: EUR per month}\n", "  cost: {unit: EUR per month}\n"
    )
    assert problems(path) == []
    facts = analyse(load_bundle(path))
    cost = next(b for b in facts.budgets if b.name == "cost")
    assert cost.budget is None and cost.within is None
    assert cost.measured is not None and cost.measured.text == "100 EUR per month"
    assert "cost-over-budget" not in {f.id for f in facts.findings}


def test_a_bundle_without_cost_or_judged_reviews_builds_every_artifact(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    """Every renderer copes with no cost at all and with a review that has no error rate."""
    path = bundle("good-binary")
    edit_yaml(path, "  cost: {budget: 500, unit: EUR per month}\n", "")
    edit_yaml(path, ", latency_ms: 20, cost: 100}", ", latency_ms: 20}")
    (path / "data" / "reviewed.csv").write_text(
        REVIEW_HEADER + "1,x,y,?,ambiguous,,,\n2,x,y,y,not_applicable,,,\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = cli("build", path, "-o", out, "--only", "facts,summary,ds,pm,engineer")
    assert result.exit_code == 0, result.stderr
    facts = json.loads((out / "churn-radar-facts.json").read_text(encoding="utf-8"))
    assert facts["budgets"][1] == {
        "name": "cost",
        "budget": None,
        "measured": None,
        "source": "not measured",
        "within": None,
    }
    assert facts["review"]["error_rate"] is None
    summary = (out / "churn-radar-summary.md").read_text(encoding="utf-8")
    assert "| cost | not set | not measured |" in summary
    text = squeeze(pdf_text(out / "churn-radar-report.pdf"))
    assert (
        squeeze(
            "2 reviewed examples. By verdict: ambiguous 1, not applicable 1. No case was judged "
            "correct, partial or incorrect, so there is no error rate."
        )
        in text
    )
    assert {p.name for p in out.iterdir()} >= {
        "churn-radar-deck.pptx",
        "churn-radar-handoff.zip",
        "churn-radar-report.pdf",
    }


# --- cross-validation --------------------------------------------------------------------------


def test_cross_validation_scores_reach_the_facts() -> None:
    facts = analyse(load_bundle(BUNDLES / "latency-per-batch"))
    gbm = next(r for r in facts.ladder if r.id == "gbm")
    assert {k: (v.mean.value, v.std.value, v.folds, v.text) for k, v in gbm.cv_metrics.items()} == {
        "recall": (0.79, 0.03, 5, "79.0% ± 3.0 pts over 5 folds"),
        "roc_auc": (0.861, 0.012, 5, "0.861 ± 0.012 over 5 folds"),
    }
    assert next(r for r in facts.ladder if r.id == "rules").cv_metrics == {}


def test_cross_validation_needs_two_folds_and_a_spread_of_zero_or_more(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("latency-per-batch")
    edit_yaml(path, "{mean: 0.79, std: 0.03, folds: 5}", "{mean: 0.79, std: -0.03, folds: 1}")
    assert problems(path) == [
        "error: dsreport.yaml:46: ladder.rungs[1].cv_metrics.recall.std: input should be greater "
        "than or equal to 0",
        "error: dsreport.yaml:46: ladder.rungs[1].cv_metrics.recall.folds: input should be "
        "greater than or equal to 2",
    ]


# --- metric names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("recal", "recall"),
        ("ROC-AUC", "roc_auc"),
        ("auc", "roc_auc"),
        ("sensitivity", "recall"),
        ("F1_Score", "f1"),
        ("rsme", "rmse"),
        ("mean_absolute_error", "mae"),
        ("top_3_accuracy", "top_k_accuracy"),
        ("recall", None),
        ("priority_recall", None),
        ("auto_entry_error_rate", None),
        ("share_within_40", None),
        ("precision_at_100", None),
    ],
)
def test_nearest_known_metric_name(name: str, meant: str | None) -> None:
    assert nearest_metric(name) == meant


def test_the_examples_own_metric_names_raise_no_warning() -> None:
    for example in ("digit-routing", "disease-progression", "tumour-triage"):
        assert collect_problems(EXAMPLES / example) == []


def test_the_success_metric_name_is_checked_when_it_resolves(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "{metric: recall, optimal", "{metric: sensitivity, optimal")
    edit_yaml(
        path,
        "metrics: {recall: 0.8}, score_column: score_gbm",
        "metrics: {recall: 0.8, sensitivity: 0.8}, score_column: score_gbm",
    )
    assert problems(path) == [
        "warning: dsreport.yaml:24: operator_view.success_metric.metric: metric 'sensitivity' "
        "is not one dsreport knows: it gets no label or direction and is not computed from "
        "predictions",
        "warning: dsreport.yaml:45: ladder.rungs[1].metrics.sensitivity: metric 'sensitivity' "
        "is not one dsreport knows: it gets no label or direction and is not computed from "
        "predictions",
    ]


# --- splits --------------------------------------------------------------------------------------


def test_predictions_without_a_test_split_are_an_error(bundle: Callable[[str], Path]) -> None:
    path = bundle("undeclared-split")
    predictions = path / "data" / "predictions.csv"
    predictions.write_text(
        predictions.read_text(encoding="utf-8").replace(",test,", ",train,"), encoding="utf-8"
    )
    edit_yaml(
        path,
        "{name: train, rows: 2}, {name: test, rows: 3}",
        "{name: train}, {name: tset}, {name: valid}",
    )
    assert problems(path) == [
        "error: dsreport.yaml:55: interrogation.predictions.split_column: no row of "
        "data/predictions.csv has the split 'test', so nothing is evaluated as the test split "
        "(splits found: train, tset, valid)",
    ]


def test_splits_that_are_not_declared_at_all_are_a_warning(bundle: Callable[[str], Path]) -> None:
    path = bundle("undeclared-split")
    edit_yaml(path, "    splits: [{name: train, rows: 2}, {name: test, rows: 3}]\n", "")
    assert problems(path) == [
        "warning: dsreport.yaml:54: interrogation.predictions.split_column: the predictions' "
        "splits (test, train, tset, valid) are not declared in system_design.data.splits",
    ]


# --- tables: every problem in one pass ---------------------------------------------------------


def test_a_missing_id_column_does_not_hide_bad_labels_or_scores(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("good-binary")
    (path / "data" / "predictions.csv").write_text(
        "key,label,score_rules,score_gbm\n001,1,0.7,0.9\n002,,0.2,nan\n003,yes,0.4,0.6\n",
        encoding="utf-8",
    )
    assert problems(path) == [
        "error: dsreport.yaml:52: interrogation.predictions.id_column: column 'id' is not in "
        "data/predictions.csv",
        "error: data/predictions.csv:3: label: the label is missing",
        "error: data/predictions.csv:3: score_gbm: 'nan' is not a number",
        "error: data/predictions.csv:4: label: label 'yes' is not one of the declared classes",
    ]


def test_missing_review_columns_do_not_hide_bad_cells(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "data" / "reviewed.csv").write_text(
        "id,input,verdict,error_category,severity\n1,x,right,,severe\n1,x,incorrect,,high\n",
        encoding="utf-8",
    )
    assert problems(path) == [
        "error: data/reviewed.csv:1: missing columns: model_output, expected_output, note",
        "error: data/reviewed.csv:2: verdict: verdict 'right' is not one of: correct, "
        "incorrect, partial, ambiguous, not_applicable",
        "error: data/reviewed.csv:2: severity: severity 'severe' is not one of: none, low, "
        "medium, high, critical",
        "warning: data/reviewed.csv:3: error_category: an incorrect example has no error_category",
        "warning: data/reviewed.csv:3: id: id '1' appears more than once",
    ]


# --- comparisons against reported values only --------------------------------------------------


def test_without_predictions_the_chosen_rungs_comparisons_are_weak(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "  predictions:\n    path: data/predictions.csv\n", "")
    edit(path / "dsreport.yaml", "  threshold: 0.5\n", "")
    assert problems(path) == [
        "warning: dsreport.yaml:45: ladder.rungs[1]: the chosen rung 'gbm' has no predictions, "
        "so its comparison with 'rules' rests on reported values only: it is weak (no paired "
        "test)",
    ]
    hints = [p.hint for p in collect_problems(path)]
    assert hints == [
        "add a predictions table (interrogation.predictions) with one column of scores per "
        "rung, such as `score_gbm`, and set each rung's `score_column`"
    ]


def test_a_rung_without_values_is_not_compared(bundle: Callable[[str], Path]) -> None:
    path = bundle("reported-only-rung")
    edit_yaml(path, "reason: baseline, metrics: {recall: 0.6}}", "reason: baseline}")
    assert problems(path) == []


def test_a_multiclass_hint_names_a_prediction_column(tmp_path: Path) -> None:
    path = tmp_path / "digit-routing"
    shutil.copytree(EXAMPLES / "digit-routing", path)
    edit_yaml(path, "      score_column: pred_templates\n", "")
    lines = (path / "dsreport.yaml").read_text(encoding="utf-8").splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.strip() == "- id: templates")
    found = [(p.format(), p.hint) for p in collect_problems(path)]
    assert found == [
        (
            f"warning: dsreport.yaml:{line}: ladder.rungs[0]: rung 'templates' has reported values "
            "only, so comparing the chosen rung 'logreg' with it is weak (no paired test on the "
            "same rows)",
            "add its predictions as a column `pred_templates` to data/predictions.csv and set "
            "`score_column: pred_templates`",
        )
    ]


def test_many_undeclared_split_values_are_reported_a_few_then_counted(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("undeclared-split")
    rows = "".join(f"1{i:02d},1,s{i},0.5,0.5\n" for i in range(8))
    (path / "data" / "predictions.csv").write_text(
        "id,label,split,score_rules,score_gbm\n001,1,test,0.7,0.9\n002,0,test,0.2,0.1\n" + rows,
        encoding="utf-8",
    )
    found = problems(path)
    assert found[0] == (
        "error: dsreport.yaml:55: interrogation.predictions.split_column: 3 more split values "
        "are not declared"
    )
    assert found[1:] == [
        f"error: data/predictions.csv:{4 + i}: split: split 's{i}' (1 row) is not declared in "
        "system_design.data.splits"
        for i in range(5)
    ]
