"""The call a staff data scientist would sign: each rule of the decision-grade analysis on a
small real-data bundle (`tests/bundles/decision-*`, written by make_decision_bundles.py),
with the wrong call the engine made before named in each test, plus the statistics behind
the rules checked against scipy and scikit-learn.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier, DummyRegressor

from analysis_helpers import analyse_folder, reviewed_frame, spec, write_bundle
from dsreport.analyse.compare import clopper_pearson, estimate, mcnemar, paired_difference
from dsreport.analyse.facts import Facts, FindingFact
from dsreport.analyse.simplicity import simpler
from dsreport.bundle.evaluation import Rung
from helpers import BUNDLES, EXAMPLES


def facts_of(name: str) -> Facts:
    return analyse_folder(BUNDLES / name)


def ids(facts: Facts, severity: str | None = None) -> list[str]:
    return [f.id for f in facts.findings if severity is None or f.severity == severity]


def the(facts: Facts, finding_id: str) -> FindingFact:
    (found,) = [f for f in facts.findings if f.id == finding_id]
    return found


def decision(facts: Facts) -> str:
    assert facts.recommendation is not None
    return facts.recommendation.decision


# ---------------------------------------------------------------------------- the bundles


def test_a_reported_only_rung_is_not_comparable() -> None:
    """Before: 'significantly worse' than a rung known by one reported number: do not ship."""
    facts = facts_of("decision-reported-only-rung")
    (comparison,) = facts.comparisons
    assert comparison.kind == "not_comparable" and comparison.significant is None
    assert comparison.interval is None
    assert decision(facts) == "ship_with_conditions"
    found = the(facts, "not-comparable")
    assert found.severity == "warning"  # the simpler rung reports a better value
    assert found.condition is not None
    assert "score_column for rung 'engine'" in found.condition.text
    assert "critical" not in {f.severity for f in facts.findings}


def test_a_model_no_better_than_the_majority_class_is_not_shipped() -> None:
    """Before: ship with conditions ('lead with recall'), for a model whose accuracy is below
    always predicting 'benign' and whose balanced accuracy is not clear of chance."""
    facts = facts_of("decision-below-majority")
    assert decision(facts) == "do_not_ship"
    dm = facts.decision_metric
    assert dm is not None and (dm.name, dm.moved) == ("balanced_accuracy", True)
    found = the(facts, "trivial-baseline-not-cleared")
    assert found.severity == "critical" and found.metric == "balanced_accuracy"
    assert the(facts, "below-trivial-baseline").severity == "info"  # accuracy: misleading
    assert the(facts, "accuracy-on-imbalanced-classes").severity == "info"
    baseline = next(b for b in facts.baselines if b.metric == "accuracy")
    assert baseline.description == "always predict 'benign'" and baseline.beaten is False


def test_a_slower_more_complex_rung_is_never_preferred() -> None:
    """Before: 'Prefer Random forest, the simpler model' for a forest 20 times slower."""
    facts = facts_of("decision-slower-not-simpler")
    forest = next(r for r in facts.ladder if r.id == "forest")
    assert not forest.simpler_than_chosen and forest.more_complex_than_chosen
    assert "gain-inside-noise" not in ids(facts)
    assert decision(facts) == "ship"
    rec = facts.recommendation
    assert rec is not None and rec.rung == "lr" and rec.instead_of is None
    assert not any("Prefer" in c for c in rec.conditions)


def test_a_simpler_rung_that_does_as_well_is_the_one_recommended() -> None:
    """Before: 'Prefer Logistic regression' as a condition of shipping the forest."""
    facts = facts_of("decision-simpler-does-as-well")
    rec = facts.recommendation
    assert rec is not None and rec.decision == "ship_with_conditions"
    assert (rec.rung, rec.rung_name, rec.instead_of) == ("lr", "Logistic regression", "forest")
    assert rec.reasons[0].startswith("Ship Logistic regression rather than Random forest: ")
    assert rec.conditions[0].startswith("Ship Logistic regression rather than Random forest: ")
    assert all(t.rung != "forest" for t in rec.terms)


def test_every_targeted_metric_is_checked() -> None:
    """Before: 'Ship'; precision missed its target and the urgent-miss rate's bound was
    three times its tolerance, and neither was a finding."""
    facts = facts_of("decision-secondary-targets")
    missed = the(facts, "target-missed")
    assert (missed.metric, missed.severity) == ("precision", "critical")
    assert missed.message.endswith("short of the target 99.5%; its whole interval falls short.")
    bound = the(facts, "target-not-secured")
    assert bound.metric == "missed_urgent_rate"
    assert bound.message == (
        "Missed urgent rate 0.40% meets the target 0.50%, but its 95% interval "
        "0.11%–1.5% reaches above it."
    )
    assert bound.condition is not None and bound.condition.stop_rule == (
        "fall back if the pilot's 95% lower bound on Missed urgent rate, read once at its end, "
        "is above 0.50%"
    )
    assert decision(facts) == "do_not_ship"


def test_poor_calibration_names_a_prior_shift() -> None:
    facts = facts_of("decision-prior-shift")
    found = the(facts, "poor-calibration")
    assert "Prior shift: class 'benign' is 62.7% of the training split but 94.2% of the " in (
        found.message
    )
    assert facts.data.split_class_counts["train"] and facts.data.split_class_counts["test"]


def test_near_perfect_on_any_rung_is_a_leakage_warning() -> None:
    """Before: 'Ship'; a rung with ROC AUC 1.000 on 120 test rows raised nothing."""
    facts = facts_of("decision-near-perfect-rung")
    found = the(facts, "suspiciously-perfect")
    assert (found.severity, found.rung) == ("warning", "boost")
    assert "on 120 test rows" in found.message and "ROC AUC 1.00" in found.message
    assert found.condition is not None and found.condition.size == 120
    assert decision(facts) == "ship_with_conditions"


def test_a_regression_model_worse_than_a_constant_is_not_shipped() -> None:
    """Before: ship with conditions, for a model with a larger RMSE than the training mean."""
    facts = facts_of("decision-regression-below-median")
    assert decision(facts) == "do_not_ship"
    assert {"below-trivial-baseline", "trivial-baseline-not-cleared"} <= set(ids(facts, "critical"))
    rmse = next(b for b in facts.baselines if b.metric == "rmse")
    assert rmse.source == "training split" and rmse.name == "mean"


def test_slices_in_the_noise_are_information_not_warnings() -> None:
    """Before: five 'slice left behind' warnings, each 'its interval still includes the
    target', from sixteen random halves."""
    facts = facts_of("decision-slices-in-noise")
    assert "slice-left-behind" not in ids(facts)
    found = the(facts, "slices-too-few-to-judge")
    assert found.severity == "info"
    (summary,) = facts.slice_summary
    assert summary.judged == 16 and summary.below_target_clearly == 0
    assert 0 < summary.below_target <= 16
    assert 3 < summary.expected_by_chance < 9  # the MAE sits 1 point inside its target
    # the evidence prints the count the message gives, not a rounding of its own
    assert f"about {found.evidence['by_chance']} would be by chance" in found.message


# ---------------------------------------------------------------------------- the examples


def test_a_finding_s_evidence_prints_the_count_its_message_gives() -> None:
    """Before: 'about 0.91 would be by chance alone' above 'by chance 0.9'."""
    facts = analyse_folder(EXAMPLES / "tumour-triage")
    found = [f for f in facts.findings if f.id == "slices-too-few-to-judge"]
    assert [f.evidence["by_chance"] for f in found] == ["0.91", "0.45", "0.39"]
    for f in found:
        assert f"about {f.evidence['by_chance']} would be by chance alone" in f.message


def test_tumour_triage_shows_the_paired_test_on_specificity() -> None:
    facts = analyse_folder(EXAMPLES / "tumour-triage")
    spec_comp = next(
        c for c in facts.comparisons if c.other == "size_rule" and c.metric == "specificity"
    )
    assert spec_comp.discordant == [16, 2] and spec_comp.kind == "paired"
    assert spec_comp.p_value == pytest.approx(float(binomtest(2, 18).pvalue), rel=1e-12)
    assert spec_comp.significant is True and spec_comp.better is True
    rec = facts.recommendation
    assert rec is not None and rec.decision == "ship_with_conditions" and rec.rung == "logreg"
    assert any(
        r.startswith("Logistic regression is preferred to the simpler Size-band rule")
        and "Specificity +9.8 pts" in r
        for r in rec.reasons
    )
    assert not any("Prefer" in c or "prefer" in c for c in rec.conditions)


def test_disease_progression_priority_recall_is_in_the_summary() -> None:
    facts = analyse_folder(EXAMPLES / "disease-progression")
    found = next(f for f in facts.findings if f.metric == "priority_recall")
    assert found.id == "target-missed" and found.severity == "warning"
    assert facts.recommendation is not None and found.message in facts.recommendation.reasons


def test_digit_routing_auto_entry_error_bound_is_a_finding() -> None:
    facts = analyse_folder(EXAMPLES / "digit-routing")
    found = next(f for f in facts.findings if f.metric == "auto_entry_error_rate")
    assert found.id == "target-not-secured"
    assert "0.04%–1.2% reaches above it" in found.message
    assert facts.recommendation is not None
    assert any("Auto entry error rate" in c for c in facts.recommendation.conditions)


# ---------------------------------------------------------------------------- statistics


@pytest.mark.parametrize(("k", "m"), [(0, 5), (3, 10), (16, 18), (2, 18), (50, 100), (999, 1000)])
def test_clopper_pearson_matches_scipy(k: int, m: int) -> None:
    expected = binomtest(k, m).proportion_ci(method="exact")
    assert clopper_pearson(k, m) == pytest.approx((expected.low, expected.high), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(b=st.integers(0, 60), c=st.integers(0, 60), extra=st.integers(0, 200))
def test_the_exact_interval_and_mcnemar_never_disagree(b: int, c: int, extra: int) -> None:
    n = b + c + extra
    low, high = paired_difference(b, c, max(n, 1))
    significant = low > 0 or high < 0
    p = mcnemar(b, c)
    assert significant == (p < 0.05) or math.isclose(p, 0.05, abs_tol=1e-6)
    assert low <= (b - c) / max(n, 1) <= high


def test_unpaired_standard_errors() -> None:
    z = 1.959963984540054
    assert estimate("auc_x", 0.8, (0.7, 0.9, 0.95), None).se == pytest.approx(0.2 / (2 * z))
    assert estimate("recall", 0.9, None, 100).se == pytest.approx(math.sqrt(0.09 / 100))
    assert estimate("mae", 40.0, None, None, (3.0, 5)).se == pytest.approx(3 / math.sqrt(5))
    assert estimate("mae", 40.0, None, 100).se is None  # an n says nothing of an MAE's spread


def test_binary_baselines_equal_scikit_learns_dummies(tmp_path: Path) -> None:
    from analysis_helpers import binary_data, binary_frame

    bc = binary_data()
    facts = analyse_folder(
        write_bundle(tmp_path / "b", _all_targets(spec("binary")), binary_frame(bc))
    )
    x = np.zeros((len(bc.y), 1))
    y = bc.y
    found = {b.metric: b.value.value for b in facts.baselines}
    majority = DummyClassifier(strategy="most_frequent").fit(x, y)
    assert found["accuracy"] == pytest.approx(skm.accuracy_score(y, majority.predict(x)))
    assert found["balanced_accuracy"] == pytest.approx(
        skm.balanced_accuracy_score(y, majority.predict(x))
    )
    flag = DummyClassifier(strategy="constant", constant=True).fit(x, y)
    assert found["f1"] == pytest.approx(skm.f1_score(y, flag.predict(x)))
    assert found["precision"] == pytest.approx(skm.precision_score(y, flag.predict(x)))
    prior = DummyClassifier(strategy="prior").fit(x, y).predict_proba(x)[:, 1]
    assert found["brier"] == pytest.approx(skm.brier_score_loss(y, prior))
    assert found["log_loss"] == pytest.approx(skm.log_loss(y, prior))
    assert found["roc_auc"] == 0.5
    assert found["average_precision"] == pytest.approx(skm.average_precision_score(y, prior))


def _all_targets(s: dict[str, Any]) -> dict[str, Any]:
    names = ("balanced_accuracy", "f1", "precision", "brier", "log_loss", "average_precision")
    for name in names:
        lower = name in ("brier", "log_loss")
        s["interrogation"]["metrics"].append(
            {
                "name": name,
                "value": 0.1 if lower else 0.9,
                "target": 0.5,
                "direction": "lower_is_better" if lower else "higher_is_better",
            }
        )
    return s


def test_regression_baselines_equal_scikit_learns_dummies(tmp_path: Path) -> None:
    from analysis_helpers import regression_data, regression_frame

    data = regression_data()
    s = spec("regression")
    s["interrogation"]["metrics"] = [
        {"name": "rmse", "value": 55, "target": 70, "direction": "lower_is_better"},
        {"name": "r2", "value": 0.4, "target": 0.1},
    ]
    facts = analyse_folder(write_bundle(tmp_path / "r", s, regression_frame(data)))
    found = {b.metric: b for b in facts.baselines}
    x = np.zeros((len(data.y), 1))
    median = DummyRegressor(strategy="median").fit(x, data.y).predict(x)
    mean = DummyRegressor(strategy="mean").fit(x, data.y).predict(x)
    assert found["mae"].value.value == pytest.approx(skm.mean_absolute_error(data.y, median))
    assert found["rmse"].value.value == pytest.approx(skm.root_mean_squared_error(data.y, mean))
    assert found["r2"].value.value == pytest.approx(skm.r2_score(data.y, mean), abs=1e-12)
    assert found["mae"].source == "test split"  # no training rows in the table: said so


def test_multiclass_baselines_equal_scikit_learns_dummies(tmp_path: Path) -> None:
    from analysis_helpers import multiclass_data, multiclass_frame

    data = multiclass_data()
    s = spec("multiclass")
    s["interrogation"]["metrics"] = [{"name": "accuracy", "value": 0.9, "target": 0.8}]
    facts = analyse_folder(write_bundle(tmp_path / "m", s, multiclass_frame(data)))
    found = {b.metric: b.value.value for b in facts.baselines}
    x = np.zeros((len(data.y), 1))
    majority = DummyClassifier(strategy="most_frequent").fit(x, data.y).predict(x)
    assert found["accuracy"] == pytest.approx(skm.accuracy_score(data.y, majority))
    assert found["macro_recall"] == pytest.approx(
        skm.recall_score(data.y, majority, average="macro", zero_division=0)
    )


# ---------------------------------------------------------------------------- simplicity


def _r(kind: str, latency: float | None = None, cost: float | None = None) -> Rung:
    return Rung(
        id="r", name="R", kind=kind, decision="kept", reason="-", latency_ms=latency, cost=cost
    )  # type: ignore[arg-type]


def test_simpler_is_by_kind_latency_and_cost() -> None:
    assert simpler(_r("heuristic", 1, 0), _r("simple", 5, 10))
    assert not simpler(_r("complex", 1, 0), _r("simple", 5, 10))  # more complex by kind
    assert not simpler(_r("simple", 20, 10), _r("simple", 5, 10))  # slower
    assert simpler(_r("simple", 2, 10), _r("simple", 5, 10))  # as complex, faster
    assert not simpler(_r("simple", 2, 20), _r("simple", 5, 10))  # faster but costlier
    assert not simpler(_r("simple"), _r("simple"))  # nothing strictly simpler
    assert simpler(_r("simple"), _r("complex", 5))  # unknown latency: kind decides


KINDS = ("heuristic", "simple", "complex")


@st.composite
def ladders(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 4))
    rungs = []
    for i in range(count):
        value = draw(st.floats(0.6, 0.99))
        rung: dict[str, Any] = {
            "id": f"r{i}",
            "name": f"Rung {i}",
            "kind": draw(st.sampled_from(KINDS)),
            "decision": "kept",
            "reason": "tried",
            "latency_ms": draw(st.sampled_from([None, 1, 5, 20, 100])),
            "cost": draw(st.sampled_from([None, 0, 10, 50])),
            "metrics": {"accuracy": round(value, 3), "recall": round(draw(st.floats(0.5, 1)), 3)},
        }
        rungs.append({k: v for k, v in rung.items() if v is not None})
    chosen = draw(st.integers(0, count - 1))
    rungs[chosen]["decision"] = "chosen"
    intervals = []
    for rung in rungs:
        if draw(st.booleans()):
            value = rung["metrics"]["accuracy"]
            half = draw(st.floats(0.005, 0.08))
            intervals.append(
                {
                    "name": "accuracy",
                    "rung": rung["id"],
                    "value": value,
                    "interval": {"low": max(0, value - half), "high": min(1, value + half)},
                    "n": draw(st.sampled_from([None, 200, 2000])),
                }
            )
    s = spec("binary")
    s["interrogation"].pop("predictions")
    s["interrogation"]["metrics"] = [
        {
            "name": "accuracy",
            "value": rungs[chosen]["metrics"]["accuracy"],
            "headline": True,
            "target": draw(st.sampled_from([0.7, 0.8, 0.9])),
        },
        {"name": "recall", "value": rungs[chosen]["metrics"]["recall"], "target": 0.75},
        *[
            {k: v for k, v in m.items() if v is not None}
            for m in intervals
            if m["rung"] != rungs[chosen]["id"]
        ],
    ]
    s["ladder"] = {"chosen": rungs[chosen]["id"], "baseline": rungs[0]["id"], "rungs": rungs}
    return s


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(s=ladders())
def test_one_call_with_named_conditions_over_generated_ladders(
    s: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = write_bundle(tmp_path_factory.mktemp("ladder") / "b", s, None, reviewed_frame(200, 6))
    facts = analyse_folder(root)
    rec = facts.recommendation
    assert rec is not None
    prefer = [c for c in rec.conditions if "rather than" in c or "Prefer" in c]
    assert len(prefer) <= 1
    for term in rec.terms:
        assert term.metric
        label = term.metric.replace("_", " ").lower()
        assert label in term.text.lower() or term.metric in term.text, term.text
    by_id = {r["id"]: r for r in s["ladder"]["rungs"]}
    chosen = by_id[s["ladder"]["chosen"]]
    if rec.instead_of is not None:
        assert rec.instead_of == chosen["id"]
        pick = Rung.model_validate(by_id[rec.rung])
        assert simpler(pick, Rung.model_validate(chosen))
    for f in facts.findings:
        if f.id == "gain-inside-noise" and f.rung is not None:
            assert simpler(Rung.model_validate(by_id[f.rung]), Rung.model_validate(chosen))


def test_multiclass_probability_baselines_equal_scikit_learns(tmp_path: Path) -> None:
    from analysis_helpers import multiclass_data, multiclass_frame

    data = multiclass_data()
    s = spec("multiclass")
    s["interrogation"]["metrics"] = [
        {"name": "log_loss", "value": 0.2, "target": 0.5, "direction": "lower_is_better"},
        {"name": "brier", "value": 0.1, "target": 0.3, "direction": "lower_is_better"},
    ]
    facts = analyse_folder(write_bundle(tmp_path / "mp", s, multiclass_frame(data)))
    found = {b.metric: b.value.value for b in facts.baselines}
    x = np.zeros((len(data.y), 1))
    prior = DummyClassifier(strategy="prior").fit(x, data.y).predict_proba(x)
    assert found["log_loss"] == pytest.approx(skm.log_loss(data.y, prior))
    assert found["brier"] == pytest.approx(skm.brier_score_loss(data.y, prior))
