"""Multiclass metrics against scikit-learn on real data (digits), unit and end to end."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn import metrics as skm

from analysis_helpers import (
    MulticlassData,
    bootstrap_one_by_one,
    metric,
    multiclass_data,
    multiclass_frame,
    sklearn_calibration,
    sklearn_ece,
    spec,
    write_bundle,
)
from dsreport.analyse import format as F
from dsreport.analyse import multiclass, multiproba
from dsreport.analyse.engine import analyse
from dsreport.analyse.intervals import wilson
from dsreport.api import load

CLASSES = [str(i) for i in range(10)]
EPS = float(np.finfo(np.float64).eps)
RUNGS = ("nb", "lr")


@pytest.fixture(scope="module")
def digits() -> MulticlassData:
    return multiclass_data()


def sklearn_multiclass(y: Any, pred: Any) -> dict[str, float]:
    with warnings.catch_warnings():  # a class predicted but never true: skipped, as ours
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        balanced = skm.balanced_accuracy_score(y, pred)
    return {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": balanced,
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


# ---------------------------------------------------------------------------- probabilities


def top_label(y: Any, proba: Any) -> tuple[Any, Any]:
    """Whether the most probable class is the true one, and its probability."""
    top = proba.argmax(axis=1)
    return top == y, proba[np.arange(len(y)), top]


def sklearn_probability_metrics(y: Any, proba: Any, labels: Any = range(10)) -> dict[str, float]:
    correct, confidence = top_label(y, proba)
    return {
        "macro_roc_auc": skm.roc_auc_score(y, proba, multi_class="ovr", average="macro"),
        "log_loss": skm.log_loss(y, proba, labels=list(labels)),
        # scikit-learn >= 1.7: the sum over classes, not halved for three classes or more
        "brier": skm.brier_score_loss(y, proba, labels=list(labels)),
        "ece": sklearn_ece(correct, confidence),
    }


def proba_stats(y: Any, proba: Any, groups: int = 512) -> multiproba.ProbaStats:
    return multiproba.build(np.asarray(y, dtype=np.int64), multiproba.normalised(proba), groups)


@pytest.mark.parametrize("rung", RUNGS)
def test_probability_metrics_match_sklearn(digits: MulticlassData, rung: str) -> None:
    proba = digits.proba[rung]
    ours = multiproba.point_metrics(proba_stats(digits.y, proba))
    expected = sklearn_probability_metrics(digits.y, proba)
    assert set(ours) == set(expected)
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, rel=1e-12), name


def test_brier_is_the_sum_over_classes_not_halved(digits: MulticlassData) -> None:
    proba = digits.proba["lr"]
    onehot = np.eye(10)[digits.y]
    by_hand = float(((proba - onehot) ** 2).sum(axis=1).mean())
    ours = multiproba.point_metrics(proba_stats(digits.y, proba))["brier"]
    assert ours == pytest.approx(by_hand, rel=1e-12)
    assert skm.brier_score_loss(digits.y, proba, labels=range(10)) == pytest.approx(by_hand)


@pytest.mark.parametrize("rung", RUNGS)
def test_balanced_accuracy_matches_sklearn(digits: MulticlassData, rung: str) -> None:
    pred = digits.predicted(rung)
    stats = multiclass.build_stats(CLASSES, digits.y, pred, None)
    expected = skm.balanced_accuracy_score(digits.y, pred)
    assert multiclass.all_metrics(stats)["balanced_accuracy"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("rung", RUNGS)
def test_reliability_curve_matches_sklearn_quantile_bins(digits: MulticlassData, rung: str) -> None:
    correct, confidence = top_label(digits.y, digits.proba[rung])
    ours = multiproba.reliability(proba_stats(digits.y, digits.proba[rung]))
    expected = sklearn_calibration(correct, confidence)
    assert [row[3] for row in ours] == [row[3] for row in expected]
    assert sum(row[3] for row in ours) == len(digits.y)
    np.testing.assert_allclose(np.array(ours)[:, :4], np.array(expected), rtol=1e-12)


def test_naive_bayes_ties_at_one_leave_few_bins(digits: MulticlassData) -> None:
    # Gaussian naive Bayes is certain of most rows: equal-count bins collapse onto 1.0
    # and are dropped, as scikit-learn drops them, instead of nine near-empty bins.
    _, confidence = top_label(digits.y, digits.proba["nb"])
    assert (confidence == 1.0).mean() > 0.3
    ours = multiproba.reliability(proba_stats(digits.y, digits.proba["nb"]))
    assert len(ours) < 10
    assert ours[-1][1] == pytest.approx(1.0)


def test_class_absent_from_the_rows(digits: MulticlassData) -> None:
    keep = digits.y != 7
    y, proba = digits.y[keep], digits.proba["lr"][keep]
    ours = multiproba.point_metrics(proba_stats(y, proba))
    present = [c for c in range(10) if c != 7]
    # scikit-learn's macro AUC is undefined (nan) when a declared class has no rows;
    # dsreport averages over the classes that have both positive and negative rows
    with pytest.warns(skm._ranking.UndefinedMetricWarning):  # type: ignore[attr-defined]
        assert np.isnan(skm.roc_auc_score(y, proba, multi_class="ovr", labels=list(range(10))))
    expected_auc = np.mean([skm.roc_auc_score(y == c, proba[:, c]) for c in present])
    assert ours["macro_roc_auc"] == pytest.approx(expected_auc, rel=1e-12)
    assert ours["log_loss"] == pytest.approx(skm.log_loss(y, proba, labels=range(10)), rel=1e-12)
    assert ours["brier"] == pytest.approx(
        skm.brier_score_loss(y, proba, labels=range(10)), rel=1e-12
    )
    stats = multiclass.build_stats(CLASSES, y, proba.argmax(axis=1), proba)
    with pytest.warns(UserWarning, match="y_pred contains classes not in y_true"):
        expected = skm.balanced_accuracy_score(y, proba.argmax(axis=1))
    assert multiclass.all_metrics(stats)["balanced_accuracy"] == pytest.approx(expected)


def test_one_class_only(digits: MulticlassData) -> None:
    keep = digits.y == 3
    y, proba = digits.y[keep], digits.proba["nb"][keep]
    ours = multiproba.point_metrics(proba_stats(y, proba))
    assert "macro_roc_auc" not in ours  # no class has both positive and negative rows
    assert ours["log_loss"] == pytest.approx(skm.log_loss(y, proba, labels=range(10)), rel=1e-12)
    assert ours["brier"] == pytest.approx(
        skm.brier_score_loss(y, proba, labels=range(10)), rel=1e-12
    )
    correct, confidence = top_label(y, proba)
    assert ours["ece"] == pytest.approx(sklearn_ece(correct, confidence), rel=1e-12)
    stats = multiclass.build_stats(CLASSES, y, proba.argmax(axis=1), proba)
    with pytest.warns(UserWarning):
        expected = skm.balanced_accuracy_score(y, proba.argmax(axis=1))
    assert multiclass.all_metrics(stats)["balanced_accuracy"] == pytest.approx(expected)


def test_rows_near_one_are_renormalised(digits: MulticlassData) -> None:
    # probabilities written to 3 decimals no longer sum to exactly 1
    rounded = np.round(digits.proba["lr"], 3)
    sums = rounded.sum(axis=1)
    assert np.abs(sums - 1).max() > 1e-4
    ours = multiproba.point_metrics(proba_stats(digits.y, rounded))
    expected = sklearn_probability_metrics(digits.y, rounded / sums[:, None])
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, rel=1e-12), name


def test_auc_pseudo_values_average_to_the_auc_and_give_delong_variance(
    digits: MulticlassData,
) -> None:
    y, proba = digits.y, digits.proba["nb"]
    values = multiproba.auc_pseudo_values(y, proba)
    assert values is not None
    assert values.mean() == pytest.approx(skm.roc_auc_score(y, proba, multi_class="ovr"), rel=1e-12)
    # one class against the rest: the variance of the mean is DeLong's S10/m + S01/n
    binary = (y == 4).astype(np.int64)
    two = np.column_stack([-proba[:, 4], proba[:, 4]])  # class 0 mirrors class 1 exactly
    values = multiproba.auc_pseudo_values(binary, two)
    assert values is not None
    pos, neg = proba[binary == 1, 4], proba[binary == 0, 4]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    delong = v10.var() / len(pos) + v01.var() / len(neg)
    assert values.var() / len(values) == pytest.approx(delong, rel=1e-9)


def row_bootstrap(y: Any, proba: Any, size: int, seed: int) -> dict[str, Any]:
    """Every probability metric on `size` resamples of the rows, computed directly."""
    from scipy.stats import rankdata

    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(y), (size, len(y)))
    truth = y[rows]
    p_true = proba[np.arange(len(y)), y]
    brier = ((proba - np.eye(proba.shape[1])[y]) ** 2).sum(axis=1)
    aucs = []
    for c in range(proba.shape[1]):
        positive = truth == c
        m = positive.sum(axis=1)
        ranks = rankdata(proba[rows, c], axis=1)  # ties get the mean rank
        aucs.append(((ranks * positive).sum(axis=1) - m * (m + 1) / 2) / (m * (len(y) - m)))
    correct, confidence = top_label(y, proba)
    return {
        "log_loss": -np.log(np.clip(p_true, EPS, 1 - EPS))[rows].mean(axis=1),
        "brier": brier[rows].mean(axis=1),
        "macro_roc_auc": np.mean(aucs, axis=0),
        "ece": np.array([sklearn_ece(correct[r], confidence[r]) for r in rows]),
    }


@pytest.mark.parametrize("rung", RUNGS)
def test_bootstrap_intervals_agree_with_a_row_bootstrap(digits: MulticlassData, rung: str) -> None:
    """Resampling the grouped statistics gives the intervals resampling rows gives."""
    y, proba = digits.y, digits.proba[rung]
    ours = multiproba.intervals(proba_stats(y, proba), np.random.default_rng(1), 2000, 512)
    assert set(ours) == {"log_loss", "brier", "macro_roc_auc", "ece"}
    for name, draws in row_bootstrap(y, proba, 2000, 2).items():
        low, high = ours[name]
        ref_low, ref_high = np.percentile(draws, [2.5, 97.5])
        assert high - low == pytest.approx(ref_high - ref_low, rel=0.1), name
        assert (low + high) / 2 == pytest.approx((ref_low + ref_high) / 2, abs=0.2 * (high - low))


# ---------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def split_facts(digits: MulticlassData, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The digits test half again, its first 300 rows labelled 'valid', with a parity slice."""
    root = tmp_path_factory.mktemp("multiclass-splits") / "b"
    frame = multiclass_frame(digits)
    frame["split"] = np.where(np.arange(len(digits.y)) < 300, "valid", "test")
    frame["parity"] = np.where(digits.y % 2 == 0, "even", "odd")
    spec_dict = spec("multiclass")
    spec_dict["interrogation"]["predictions"].update(
        {"split_column": "split", "slice_columns": ["parity"]}
    )
    return analyse(load(write_bundle(root, spec_dict, frame)))


@pytest.mark.parametrize("rung", RUNGS)
@pytest.mark.parametrize("split", ["valid", "test"])
def test_engine_probability_metrics_on_every_split(
    digits: MulticlassData, split_facts: Any, rung: str, split: str
) -> None:
    rows = np.arange(len(digits.y)) < 300 if split == "valid" else np.arange(len(digits.y)) >= 300
    y, proba = digits.y[rows], digits.proba[rung][rows]
    expected = {
        **sklearn_probability_metrics(y, proba),
        "balanced_accuracy": skm.balanced_accuracy_score(y, proba.argmax(axis=1)),
    }
    for name, value in expected.items():
        fact = metric(split_facts, name, rung, split=split)
        assert fact.value.value == pytest.approx(value, rel=1e-12), name
        assert fact.n == len(y)
        assert fact.interval is not None and fact.interval.method == "bootstrap", name
        assert fact.interval.low <= fact.value.value <= fact.interval.high, name
    lower = {"log_loss", "brier", "ece"}
    for name in expected:
        assert metric(split_facts, name, rung, split=split).direction == (
            "lower_is_better" if name in lower else "higher_is_better"
        )


def test_engine_probability_metrics_per_slice(digits: MulticlassData, split_facts: Any) -> None:
    test = np.arange(len(digits.y)) >= 300
    for value, parity in (("even", 0), ("odd", 1)):
        rows = test & (digits.y % 2 == parity)
        y, proba = digits.y[rows], digits.proba["lr"][rows]
        # five classes are absent from each slice: the macro AUC is over the five present
        present = sorted(set(y.tolist()))
        expected = {
            "macro_roc_auc": np.mean([skm.roc_auc_score(y == c, proba[:, c]) for c in present]),
            "log_loss": skm.log_loss(y, proba, labels=range(10)),
            "brier": skm.brier_score_loss(y, proba, labels=range(10)),
            "ece": sklearn_ece(*top_label(y, proba)),
        }
        for name, number in expected.items():
            fact = metric(split_facts, name, "lr", slice_key="parity", slice_value=value)
            assert fact.value.value == pytest.approx(number, rel=1e-12), (value, name)
            assert fact.interval is not None, (value, name)
    # slices are the chosen rung's only
    assert not [m for m in split_facts.metrics if m.rung == "nb" and m.slice_key is not None]


def test_engine_reliability_curves_and_formatting(digits: MulticlassData, split_facts: Any) -> None:
    test = np.arange(len(digits.y)) >= 300
    charts = split_facts.charts
    assert set(charts.top_label_calibration) == set(RUNGS)  # test split, every rung
    assert charts.calibration == {}  # the binary curve stays binary
    for rung in RUNGS:
        y, proba = digits.y[test], digits.proba[rung][test]
        expected = sklearn_calibration(*top_label(y, proba))
        np.testing.assert_allclose(
            np.array(charts.top_label_calibration[rung])[:, :4], expected, rtol=1e-12
        )
    assert metric(split_facts, "ece", "lr").value.text == F.sig(
        metric(split_facts, "ece", "lr").value.value, 3
    )
    assert metric(split_facts, "balanced_accuracy", "lr").value.text.endswith("%")
    assert metric(split_facts, "macro_roc_auc", "lr").label == "Macro ROC AUC (one-vs-rest)"


def test_engine_per_class_intervals(digits: MulticlassData, split_facts: Any) -> None:
    test = np.arange(len(digits.y)) >= 300
    y, pred = digits.y[test], digits.predicted("lr")[test]
    matrix = skm.confusion_matrix(y, pred, labels=range(10))
    f1 = skm.f1_score(y, pred, average=None)
    for c, row in enumerate(split_facts.charts.per_class):
        tp = matrix[c, c]
        assert row["precision_interval"] == list(wilson(tp, matrix[:, c].sum()))
        assert row["recall_interval"] == list(wilson(tp, matrix[c].sum()))
        low, high = row["f1_interval"]
        assert low <= f1[c] <= high and 0 < high - low < 0.3
        if f1[c] == 1:  # no error: the bootstrap cannot vary, Wilson's bound on 2J / (1 + J)
            bound = wilson(tp, tp)[0]
            assert (low, high) == pytest.approx((2 * bound / (1 + bound), 1.0))
        assert row["f1_interval_text"] == f"{F.percent(low)}–{F.percent(high)}"
        assert row["precision_interval_text"] == F.fmt_interval(
            "precision", *wilson(tp, matrix[:, c].sum())
        )


def test_per_class_interval_of_a_class_never_predicted_nor_true() -> None:
    y = np.array([0, 0, 1, 1, 0, 1] * 10)
    pred = np.array([0, 1, 1, 1, 0, 0] * 10)
    stats = multiclass.build_stats(["a", "b", "c"], y, pred, None)
    rows = multiclass.per_class_rows(stats, stats.resampled(np.random.default_rng(0), 200))
    assert rows[2]["support"] == 0
    assert rows[2]["precision_interval"] is None
    assert rows[2]["recall_interval"] is None
    assert rows[2]["f1_interval"] is None
    assert rows[0]["recall_interval"] == list(wilson(20, 30))


def test_top_label_chart_is_drawn_from_the_facts(split_facts: Any) -> None:
    from dsreport.render import charts

    chart = charts.calibration(split_facts)
    assert chart is not None and chart.key == "calibration"
    ece = metric(split_facts, "ece", "lr")
    assert chart.title == f"Top-label calibration: expected calibration error {ece.value.text}"
    rows = split_facts.charts.top_label_calibration["lr"]
    assert chart.alt.startswith(
        "Top-label calibration plot: share where the top class is right against mean "
        f"top-class probability in {len(rows)} equal-count bins: "
    )
    assert f"({int(rows[0][3]):,} cases)" in chart.alt
    assert "Mean top-class probability" in chart.svg


def test_poor_calibration_check_reads_the_top_label_ece(
    digits: MulticlassData, tmp_path: Path
) -> None:
    # The regularised logistic regression is underconfident: right far more often than
    # its top probability says.
    spec_dict = spec("multiclass")
    spec_dict["system_design"]["scores_are_probabilities"] = True
    facts = analyse(load(write_bundle(tmp_path / "b", spec_dict, multiclass_frame(digits))))
    ece = metric(facts, "ece", "lr")
    assert ece.value.value > 0.05
    found = [f for f in facts.findings if f.id == "poor-calibration"]
    assert len(found) == 1
    assert found[0].message == (
        f"Expected calibration error is {ece.value.text} while the design reads scores as "
        "probabilities (limit 0.050). The predictions have no training split, so a prior "
        "shift cannot be checked."
    )


def test_a_batch_of_matrices_gives_each_matrix_its_own_metrics_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    matrices = rng.poisson(rng.integers(0, 30, (10, 10)), size=(300, 10, 10)).astype(np.float64)
    matrices[:40, 2, :] = 0  # a class absent from the truth
    matrices[20:60, :, 3] = matrices[20:60, 3, :] = 0  # a class neither true nor predicted
    matrices[70] = 0  # no rows at all
    batch = multiclass.batch_metrics(matrices)
    for i, matrix in enumerate(matrices):
        one = multiclass.all_metrics(multiclass.MulticlassStats(CLASSES, matrix))
        assert one.keys() == batch.keys()
        assert all(np.array_equal(one[m], batch[m][i], equal_nan=True) for m in one), i
    stats = [multiclass.MulticlassStats(CLASSES, m) for m in matrices]
    found = bootstrap_one_by_one(stats, multiclass.all_metrics)
    assert multiclass.bootstrap_intervals(matrices) == found
