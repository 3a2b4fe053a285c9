"""Multiclass metrics against scikit-learn on real data (digits), unit and end to end."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn import metrics as skm

from analysis_helpers import (
    MulticlassData,
    metric,
    multiclass_data,
    multiclass_frame,
    spec,
    write_bundle,
)
from dsreport.analyse import multiclass
from dsreport.analyse.engine import analyse
from dsreport.api import load

CLASSES = [str(i) for i in range(10)]
RUNGS = ("nb", "lr")


@pytest.fixture(scope="module")
def digits() -> MulticlassData:
    return multiclass_data()


def sklearn_multiclass(y: Any, pred: Any) -> dict[str, float]:
    return {
        "accuracy": skm.accuracy_score(y, pred),
        "macro_precision": skm.precision_score(y, pred, average="macro", zero_division=0),
        "macro_recall": skm.recall_score(y, pred, average="macro", zero_division=0),
        "macro_f1": skm.f1_score(y, pred, average="macro", zero_division=0),
        "weighted_f1": skm.f1_score(y, pred, average="weighted", zero_division=0),
        "micro_f1": skm.f1_score(y, pred, average="micro"),
    }


@pytest.mark.parametrize("rung", RUNGS)
def test_all_metrics_match_sklearn(digits: MulticlassData, rung: str) -> None:
    pred = digits.predicted(rung)
    stats = multiclass.build_stats(CLASSES, digits.y, pred, digits.proba[rung])
    ours = multiclass.all_metrics(stats)
    for name, value in sklearn_multiclass(digits.y, pred).items():
        assert ours[name] == pytest.approx(value, rel=1e-12), name
    assert stats.n == len(digits.y)


def test_top_k_accuracy_matches_sklearn(digits: MulticlassData) -> None:
    proba = digits.proba["lr"]
    stats = multiclass.build_stats(CLASSES, digits.y, digits.predicted("lr"), proba)
    expected = skm.top_k_accuracy_score(digits.y, proba, k=multiclass.TOP_K)
    assert multiclass.TOP_K == 3
    assert multiclass.all_metrics(stats)["top_k_accuracy"] == pytest.approx(expected, rel=1e-12)


def test_top_k_accuracy_with_tied_scores_matches_sklearn(digits: MulticlassData) -> None:
    # Gaussian naive Bayes saturates: about a third of its probabilities are exactly 0.
    proba = digits.proba["nb"]
    assert (proba == 0).mean() > 0.1
    stats = multiclass.build_stats(CLASSES, digits.y, digits.predicted("nb"), proba)
    expected = skm.top_k_accuracy_score(digits.y, proba, k=3)
    assert multiclass.all_metrics(stats)["top_k_accuracy"] == pytest.approx(expected, rel=1e-9)


def test_top_k_accuracy_of_constant_scores_is_not_perfect(digits: MulticlassData) -> None:
    proba = np.full((len(digits.y), 10), 0.1)
    stats = multiclass.build_stats(CLASSES, digits.y, proba.argmax(axis=1), proba)
    expected = skm.top_k_accuracy_score(digits.y, proba, k=3)  # about 0.3
    assert multiclass.all_metrics(stats)["top_k_accuracy"] == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize("rung", RUNGS)
def test_per_class_and_confusion_match_sklearn(digits: MulticlassData, rung: str) -> None:
    pred = digits.predicted(rung)
    stats = multiclass.build_stats(CLASSES, digits.y, pred, None)
    np.testing.assert_array_equal(
        stats.matrix, skm.confusion_matrix(digits.y, pred, labels=range(10))
    )
    precision, recall, f1, support = skm.precision_recall_fscore_support(
        digits.y, pred, labels=range(10), zero_division=0
    )
    parts = multiclass.per_class(stats)
    np.testing.assert_allclose(parts["precision"], precision, rtol=1e-12)
    np.testing.assert_allclose(parts["recall"], recall, rtol=1e-12)
    np.testing.assert_allclose(parts["f1"], f1, rtol=1e-12)
    np.testing.assert_array_equal(parts["support"], support)


def test_no_top_k_without_scores(digits: MulticlassData) -> None:
    stats = multiclass.build_stats(CLASSES, digits.y, digits.predicted("lr"), None)
    assert "top_k_accuracy" not in multiclass.all_metrics(stats)


def test_class_never_predicted_and_class_never_true() -> None:
    # class 3 is predicted once but never true; class 2 is true but never predicted
    y = np.array([0, 0, 1, 1, 2, 2, 0])
    pred = np.array([0, 1, 1, 1, 0, 3, 0])
    stats = multiclass.build_stats(["a", "b", "c", "d"], y, pred, None)
    ours = multiclass.all_metrics(stats)
    for name, value in sklearn_multiclass(y, pred).items():
        assert ours[name] == pytest.approx(value, rel=1e-12), name


# ---------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def digits_facts(digits: MulticlassData, tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("multiclass") / "b"
    frame = multiclass_frame(digits)
    frame["parity"] = np.where(digits.y % 2 == 0, "even", "odd")
    spec_dict = spec("multiclass")
    spec_dict["interrogation"]["predictions"]["slice_columns"] = ["parity"]
    return analyse(load(write_bundle(root, spec_dict, frame)))


@pytest.mark.parametrize("rung", RUNGS)
def test_engine_metric_facts_match_sklearn(
    digits: MulticlassData, digits_facts: Any, rung: str
) -> None:
    pred = digits.predicted(rung)
    for name, value in sklearn_multiclass(digits.y, pred).items():
        fact = metric(digits_facts, name, rung)
        assert fact.value.value == pytest.approx(value, rel=1e-12), name
        assert fact.n == len(digits.y)
        assert fact.interval is not None
        method = "wilson" if name in ("accuracy", "micro_f1") else "bootstrap"
        assert fact.interval.method == method, name
    top_k = metric(digits_facts, "top_k_accuracy", "lr")
    assert top_k.value.value == pytest.approx(
        skm.top_k_accuracy_score(digits.y, digits.proba["lr"], k=3), rel=1e-12
    )


def test_engine_slices_match_sklearn(digits: MulticlassData, digits_facts: Any) -> None:
    pred = digits.predicted("lr")
    for value, mask in (("even", digits.y % 2 == 0), ("odd", digits.y % 2 == 1)):
        expected = sklearn_multiclass(digits.y[mask], pred[mask])
        for name, number in expected.items():
            fact = metric(digits_facts, name, "lr", slice_key="parity", slice_value=value)
            assert fact.value.value == pytest.approx(number, rel=1e-12), (value, name)


def test_engine_charts_match_sklearn(digits: MulticlassData, digits_facts: Any) -> None:
    pred = digits.predicted("lr")
    confusion = digits_facts.charts.confusion
    assert confusion["labels"] == CLASSES
    assert confusion["matrix"] == skm.confusion_matrix(digits.y, pred).tolist()
    precision, recall, f1, support = skm.precision_recall_fscore_support(digits.y, pred)
    rows = digits_facts.charts.per_class
    assert [r["class"] for r in rows] == CLASSES
    np.testing.assert_allclose([r["precision"] for r in rows], precision, rtol=1e-12)
    np.testing.assert_allclose([r["recall"] for r in rows], recall, rtol=1e-12)
    np.testing.assert_allclose([r["f1"] for r in rows], f1, rtol=1e-12)
    assert [r["support"] for r in rows] == support.tolist()
    counts = digits_facts.data.class_counts
    assert counts == {c: int((digits.y == int(c)).sum()) for c in CLASSES}
