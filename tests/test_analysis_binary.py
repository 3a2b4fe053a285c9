"""Binary metrics against scikit-learn on real data (breast cancer), unit and end to end.

Convention: a row is predicted positive iff its score >= the threshold. scikit-learn's
`predict` uses `>`, so the tests build `y_pred` themselves.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from analysis_helpers import (
    BinaryData,
    binary_data,
    binary_frame,
    metric,
    reviewed_frame,
    sklearn_calibration,
    sklearn_ece,
    spec,
    write_bundle,
)
from dsreport.analyse import binstats
from dsreport.analyse.engine import analyse
from dsreport.analyse.intervals import wilson
from dsreport.api import load

RUNGS = ("rule", "lr", "gbm")
THRESHOLD_METRICS = (
    "precision",
    "recall",
    "f1",
    "accuracy",
    "balanced_accuracy",
    "specificity",
)
WILSON = {"precision", "recall", "specificity", "accuracy"}


@pytest.fixture(scope="module")
def bc() -> BinaryData:
    return binary_data()


def stats_of(y: Any, scores: Any, codes: Any = None, groups: int = 1) -> list[Any]:
    bins, values = binstats.score_bins(scores)
    if codes is None:
        codes = np.zeros(len(scores), dtype=np.int64)
    return binstats.grouped_stats(y, scores, bins, values, codes, groups)


def sklearn_binary(y: Any, scores: Any, threshold: float) -> dict[str, float]:
    y_pred = scores >= threshold
    return {
        "precision": skm.precision_score(y, y_pred),
        "recall": skm.recall_score(y, y_pred),
        "f1": skm.f1_score(y, y_pred),
        "accuracy": skm.accuracy_score(y, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, y_pred),
        "specificity": skm.recall_score(y, y_pred, pos_label=False),
        "roc_auc": skm.roc_auc_score(y, scores),
        "average_precision": skm.average_precision_score(y, scores),
        "log_loss": skm.log_loss(y, scores),
        "brier": skm.brier_score_loss(y, scores),
        "ece": sklearn_ece(y, scores),
    }


def expected_n(name: str, y: Any, scores: Any, threshold: float = 0.5) -> int:
    """Rows a metric is measured on: a proportion's denominator, else every row."""
    flagged = scores >= threshold
    return {
        "precision": int(flagged.sum()),
        "recall": int(y.sum()),
        "specificity": int((~y).sum()),
    }.get(name, len(y))


# ---------------------------------------------------------------------------- unit


@pytest.mark.parametrize("rung", RUNGS)
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_all_metrics_match_sklearn(bc: BinaryData, rung: str, threshold: float) -> None:
    scores = bc.scores[rung]
    (stats,) = stats_of(bc.y, scores)
    ours = binstats.all_metrics(stats, threshold)
    expected = sklearn_binary(bc.y, scores, threshold)
    for name in THRESHOLD_METRICS:
        assert ours[name] == pytest.approx(expected[name], abs=1e-12), name
    for name in ("roc_auc", "average_precision", "log_loss", "brier", "ece"):
        assert ours[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), name
    assert stats.n == len(scores)


@pytest.mark.parametrize("rung", RUNGS)
def test_threshold_equal_to_a_score_counts_that_row_as_positive(bc: BinaryData, rung: str) -> None:
    scores = bc.scores[rung]
    threshold = float(np.sort(scores)[len(scores) // 2])  # a score that occurs in the data
    (stats,) = stats_of(bc.y, scores)
    tn, fp, fn, tp = skm.confusion_matrix(bc.y, scores >= threshold, labels=[False, True]).ravel()
    assert binstats.confusion(stats, threshold) == (tp, fp, fn, tn)
    ours = binstats.all_metrics(stats, threshold)
    expected = sklearn_binary(bc.y, scores, threshold)
    for name in THRESHOLD_METRICS:
        assert ours[name] == pytest.approx(expected[name], abs=1e-12), name


@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_confusion_matrix_matches_sklearn(bc: BinaryData, threshold: float) -> None:
    scores = bc.scores["lr"]
    (stats,) = stats_of(bc.y, scores)
    tn, fp, fn, tp = skm.confusion_matrix(bc.y, scores >= threshold, labels=[False, True]).ravel()
    assert binstats.confusion(stats, threshold) == (tp, fp, fn, tn)


def test_score_just_below_threshold_is_negative() -> None:
    below = float(np.nextafter(0.5, 0.0))  # 0.49999999999999994 < 0.5
    y = np.array([True, False, True, False])
    scores = np.array([0.9, 0.1, below, 0.5])
    (stats,) = stats_of(y, scores)
    tn, fp, fn, tp = skm.confusion_matrix(y, scores >= 0.5, labels=[False, True]).ravel()
    assert (tp, fp, fn, tn) == (1, 1, 1, 1)
    assert binstats.confusion(stats, 0.5) == (tp, fp, fn, tn)


@pytest.mark.parametrize("rung", RUNGS)
def test_roc_curve_matches_sklearn(bc: BinaryData, rung: str) -> None:
    scores = bc.scores[rung]
    (stats,) = stats_of(bc.y, scores)
    fpr, tpr, _ = skm.roc_curve(bc.y, scores, drop_intermediate=False)
    ours = np.array(binstats.roc_curve(stats, max_points=10**6))
    np.testing.assert_allclose(ours, np.column_stack([fpr, tpr]), atol=1e-12)
    thinned = binstats.roc_curve(stats)  # default: at most 200 points, end points kept
    assert len(thinned) <= 200
    assert thinned[0] == (0.0, 0.0)
    assert thinned[-1] == pytest.approx((1.0, 1.0))


@pytest.mark.parametrize("rung", RUNGS)
def test_pr_curve_matches_sklearn(bc: BinaryData, rung: str) -> None:
    scores = bc.scores[rung]
    (stats,) = stats_of(bc.y, scores)
    precision, recall, _ = skm.precision_recall_curve(bc.y, scores)
    # scikit-learn: ascending thresholds, then the (recall 0, precision 1) end point.
    expected = np.column_stack([recall, precision])[:-1][::-1]
    ours = np.array(binstats.pr_curve(stats, max_points=10**6))
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    thinned = binstats.pr_curve(stats)
    # From the highest threshold down: the last point is recall 1 at the prevalence.
    assert thinned[-1] == pytest.approx((1.0, bc.y.mean()))
    assert thinned[0] == pytest.approx((recall[-2], precision[-2]))


@pytest.mark.parametrize("rung", RUNGS)
def test_calibration_bins_and_ece_match_sklearn(bc: BinaryData, rung: str) -> None:
    scores = bc.scores[rung]
    (stats,) = stats_of(bc.y, scores)
    expected = sklearn_calibration(bc.y, scores)
    ours = binstats.calibration(stats)
    assert len(ours) == len(expected)
    assert [c[0] for c in ours] == pytest.approx([e[0] for e in expected], rel=1e-12)
    assert [c[3] for c in ours] == [e[3] for e in expected]
    np.testing.assert_allclose([c[1] for c in ours], [e[1] for e in expected], rtol=1e-12)
    np.testing.assert_allclose([c[2] for c in ours], [e[2] for e in expected], rtol=1e-12)
    for *_, rate, cases, low, high in ours:  # each bin's observed rate with its interval
        assert (low, high) == pytest.approx(wilson(rate * cases, cases))
    assert binstats.all_metrics(stats, 0.5)["ece"] == pytest.approx(
        sklearn_ece(bc.y, scores), rel=1e-9
    )


@pytest.mark.parametrize(
    "scores",
    [
        np.linspace(0.01, 0.99, 200),  # every score distinct
        np.repeat([0.1, 0.5, 0.9], [150, 30, 20]),  # three values: most bins coincide
        np.r_[np.full(170, 0.98), np.linspace(0.2, 0.9, 30)],  # confident: most rows tied
        np.array([0.7]),  # one row
    ],
)
def test_equal_count_bins_with_ties_match_sklearn(scores: Any) -> None:
    rng = np.random.default_rng(7)
    y = rng.random(len(scores)) < scores
    (stats,) = stats_of(y, scores)
    expected = sklearn_calibration(y, scores)
    ours = binstats.calibration(stats)
    assert [c[3] for c in ours] == [e[3] for e in expected]
    np.testing.assert_allclose(np.array(ours)[:, :4], np.array(expected), rtol=1e-12)
    assert binstats.all_metrics(stats, 0.5)["ece"] == pytest.approx(sklearn_ece(y, scores))


def test_grouped_stats_give_each_group_its_own_metrics(bc: BinaryData) -> None:
    scores = bc.scores["lr"]
    codes = (np.arange(len(scores)) % 3).astype(np.int64)
    groups = stats_of(bc.y, scores, codes, 3)
    assert [g.n for g in groups] == [int((codes == g).sum()) for g in range(3)]
    for g, stats in enumerate(groups):
        mask = codes == g
        ours = binstats.all_metrics(stats, 0.5)
        expected = sklearn_binary(bc.y[mask], scores[mask], 0.5)
        for name, value in expected.items():
            assert ours[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (g, name)


def test_one_class_only_leaves_ranking_metrics_undefined(bc: BinaryData) -> None:
    mask = ~bc.y
    (stats,) = stats_of(bc.y[mask], bc.scores["lr"][mask])
    ours = binstats.all_metrics(stats, 0.5)
    assert np.isnan(ours["roc_auc"]) and np.isnan(ours["recall"])
    assert ours["specificity"] == pytest.approx(
        skm.recall_score(bc.y[mask], bc.scores["lr"][mask] >= 0.5, pos_label=False)
    )
    assert ours["log_loss"] == pytest.approx(
        skm.log_loss(bc.y[mask], bc.scores["lr"][mask], labels=[False, True])
    )


# ---------------------------------------------------------------------------- grid mode


def _jittered(bc: BinaryData, copies: int) -> tuple[Any, Any]:
    """The real scores, repeated with a tiny seeded jitter: more distinct scores than exact."""
    rng = np.random.default_rng(7)
    y = np.tile(bc.y, copies)
    base = np.clip(np.tile(bc.scores["lr"], copies), 1e-12, 1 - 1e-12)
    logit = np.log(base) - np.log1p(-base) + rng.normal(0, 1e-3, len(y))
    return y, 1 / (1 + np.exp(-logit))


def _check_grid(y: Any, scores: Any) -> None:
    bins, values = binstats.score_bins(scores)
    exact = np.unique(scores)
    assert len(values) != len(exact) or not np.array_equal(values, exact)  # grid, not exact
    (stats,) = binstats.grouped_stats(y, scores, bins, values, np.zeros(len(y), dtype=np.int64), 1)
    ours = binstats.all_metrics(stats, 0.5)
    expected = sklearn_binary(y, scores, 0.5)
    assert ours["roc_auc"] == pytest.approx(expected["roc_auc"], abs=1e-3)
    assert ours["average_precision"] == pytest.approx(expected["average_precision"], abs=1e-3)
    for name in THRESHOLD_METRICS:
        assert ours[name] == pytest.approx(expected[name], abs=1e-12), name
    assert ours["log_loss"] == pytest.approx(expected["log_loss"], rel=1e-9)
    assert ours["brier"] == pytest.approx(expected["brier"], rel=1e-9)
    tn, fp, fn, tp = skm.confusion_matrix(y, scores >= 0.5, labels=[False, True]).ravel()
    assert binstats.confusion(stats, 0.5) == (tp, fp, fn, tn)


def test_grid_mode_above_exact_limit_is_close_to_sklearn(bc: BinaryData) -> None:
    copies = binstats.EXACT_LIMIT // len(bc.y) + 10
    y, scores = _jittered(bc, copies)
    assert len(np.unique(scores)) > binstats.EXACT_LIMIT
    _check_grid(y, scores)


def test_grid_mode_on_the_real_scores(bc: BinaryData, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(binstats.histogram, "EXACT_LIMIT", 50)  # where score_bins reads it
    _check_grid(bc.y, bc.scores["gbm"])
    _check_grid(bc.y, bc.scores["lr"])


# ---------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def bc_facts(bc: BinaryData, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One bundle with all three rungs, a train split and a slice column."""
    frame = binary_frame(bc, RUNGS)
    frame["split"] = "test"
    frame["half"] = np.where(np.arange(len(frame)) % 2 == 0, "even", "odd")
    train = binary_frame(
        BinaryData(bc.y_train, bc.train_scores, bc.train_scores, bc.y_train), RUNGS
    )
    train["id"] = [f"tr{i:04d}" for i in range(len(train))]
    train["split"] = "train"
    train["half"] = "even"
    table = pd.concat([train, frame], ignore_index=True)
    spec_dict = spec("binary")
    spec_dict["ladder"]["rungs"].append(
        {
            "id": "gbm",
            "name": "GBM",
            "kind": "complex",
            "decision": "dropped",
            "reason": "no better",
            "score_column": "score_gbm",
        }
    )
    spec_dict["interrogation"]["predictions"].update(
        {"split_column": "split", "slice_columns": ["half"]}
    )
    root = write_bundle(tmp_path_factory.mktemp("binary") / "b", spec_dict, table, None)
    return analyse(load(root))


@pytest.mark.parametrize("rung", RUNGS)
def test_engine_metric_facts_match_sklearn(bc: BinaryData, bc_facts: Any, rung: str) -> None:
    expected = sklearn_binary(bc.y, bc.scores[rung], 0.5)
    for name, value in expected.items():
        fact = metric(bc_facts, name, rung)
        assert fact.value.value == pytest.approx(value, rel=1e-9, abs=1e-12), name
        assert fact.n == expected_n(name, bc.y, bc.scores[rung]), name
        assert fact.threshold == 0.5
        assert fact.interval is not None, name
        assert fact.interval.method == ("wilson" if name in WILSON else "bootstrap"), name


@pytest.mark.parametrize("rung", RUNGS)
def test_engine_train_split_is_computed_on_train_rows_only(
    bc: BinaryData, bc_facts: Any, rung: str
) -> None:
    expected = sklearn_binary(bc.y_train, bc.train_scores[rung], 0.5)
    for name, value in expected.items():
        fact = metric(bc_facts, name, rung, split="train")
        assert fact.value.value == pytest.approx(value, rel=1e-9, abs=1e-12), name
        assert fact.n == expected_n(name, bc.y_train, bc.train_scores[rung]), name


def test_engine_slices_match_sklearn_on_each_subset(bc: BinaryData, bc_facts: Any) -> None:
    half = np.where(np.arange(len(bc.y)) % 2 == 0, "even", "odd")
    for value in ("even", "odd"):
        mask = half == value
        expected = sklearn_binary(bc.y[mask], bc.scores["lr"][mask], 0.5)
        for name, number in expected.items():
            fact = metric(bc_facts, name, "lr", slice_key="half", slice_value=value)
            assert fact.value.value == pytest.approx(number, rel=1e-9, abs=1e-12), name
            assert fact.n == expected_n(name, bc.y[mask], bc.scores["lr"][mask]), name
    # slices are computed for the chosen rung on the test split only
    assert not [m for m in bc_facts.metrics if m.slice_key and m.rung != "lr"]
    assert not [m for m in bc_facts.metrics if m.slice_key and m.split != "test"]


def test_engine_charts_match_sklearn(bc: BinaryData, bc_facts: Any) -> None:
    scores = bc.scores["lr"]
    tn, fp, fn, tp = skm.confusion_matrix(bc.y, scores >= 0.5, labels=[False, True]).ravel()
    confusion = bc_facts.charts.confusion
    assert confusion["matrix"] == [[tp, fn], [fp, tn]]
    assert confusion["threshold"] == 0.5
    roc = bc_facts.charts.roc["lr"]
    assert roc[0] == [0.0, 0.0] and roc[-1] == pytest.approx([1.0, 1.0])
    fpr, tpr, _ = skm.roc_curve(bc.y, scores, drop_intermediate=False)
    if len(fpr) <= 200:
        np.testing.assert_allclose(roc, np.column_stack([fpr, tpr]), atol=1e-12)
    pr = bc_facts.charts.pr["lr"]
    assert pr[-1] == pytest.approx([1.0, bc.y.mean()])
    counts = [c[3] for c in bc_facts.charts.calibration["lr"]]
    assert sum(counts) == len(bc.y)
    assert set(bc_facts.charts.roc) == set(RUNGS)


def test_engine_data_facts(bc: BinaryData, bc_facts: Any) -> None:
    data = bc_facts.data
    assert data.test_n == len(bc.y)
    assert data.class_counts == {"benign": int((~bc.y).sum()), "malignant": int(bc.y.sum())}
    assert data.minority_share is not None
    assert data.minority_share.value == pytest.approx(bc.y.mean())


def test_engine_metrics_do_not_depend_on_row_order(bc: BinaryData, tmp_path: Path) -> None:
    frame = binary_frame(bc)
    shuffled = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
    one = analyse(load(write_bundle(tmp_path / "a", spec("binary"), frame, reviewed_frame(50, 2))))
    two = analyse(
        load(write_bundle(tmp_path / "b", spec("binary"), shuffled, reviewed_frame(50, 2)))
    )
    assert len(one.metrics) == len(two.metrics)
    for a, b in zip(one.metrics, two.metrics, strict=True):
        assert (a.name, a.rung, a.split, a.slice_value) == (b.name, b.rung, b.split, b.slice_value)
        assert a.value.value == pytest.approx(b.value.value, rel=1e-12, abs=1e-15)
        assert a.value.text == b.value.text
        if a.interval is not None:
            assert b.interval is not None
            # the bootstrap resamples histograms, not rows: the order cannot matter
            assert (a.interval.low, a.interval.high) == pytest.approx(
                (b.interval.low, b.interval.high), rel=1e-12, abs=1e-15
            )


def test_library_api_load_stays_callable(bc: BinaryData, tmp_path: Path) -> None:
    """`dsreport.load` is the loading subpackage, so the API's loader is `load_bundle`."""
    import dsreport

    root = write_bundle(tmp_path / "b", spec("binary"), binary_frame(bc), reviewed_frame(50, 2))
    first = dsreport.load_bundle(root)
    second = dsreport.load_bundle(root)  # the documented API, called twice
    assert analyse(first).model_dump_json() == analyse(second).model_dump_json()


def test_the_environment_names_the_versions_importlib_metadata_gives() -> None:
    from importlib.metadata import version

    from dsreport.analyse.engine import _environment

    found = _environment()
    assert found.pop("python") and found and all(version(k) == v for k, v in found.items())


def test_point_metrics_of_many_histograms_are_each_one_s_own_to_the_bit(bc: BinaryData) -> None:
    scores = bc.scores["lr"]
    bins, values = binstats.histogram._grid(scores)
    codes = np.arange(len(scores)) % 7
    groups = binstats.grouped_stats(bc.y.astype(bool), scores, bins, values, codes, 7)
    other = groups[3]  # every other bin: a histogram on other bins, a batch of its own
    groups[3] = binstats.BinaryStats(*(getattr(other, f.name)[::2] for f in fields(other)))
    found = binstats.point_metrics(groups, 0.5)
    for stats, point in zip(groups, found, strict=True):
        one = binstats.all_metrics(stats, 0.5)
        assert point.keys() == one.keys()
        assert all(np.array_equal(point[m], one[m], equal_nan=True) for m in one)
