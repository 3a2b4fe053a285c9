"""Property tests (hypothesis): order invariance, intervals around their estimates, bounds."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from analysis_helpers import (
    analyse_folder,
    binary_data,
    binary_frame,
    multiclass_data,
    multiclass_frame,
    regression_data,
    regression_frame,
    reviewed_frame,
    spec,
    write_bundle,
)
from dsreport.analyse import binstats, multiclass, regression
from dsreport.analyse.intervals import contain, wilson

FAST = settings(max_examples=60, deadline=None, derandomize=True)
SLOW = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

SCORES = st.one_of(
    st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]),  # ties and the extremes
    st.floats(0.0, 1.0, allow_nan=False),
)
BINARY_ROWS = st.lists(st.tuples(st.booleans(), SCORES), min_size=1, max_size=40)
THRESHOLDS = st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.75, 1.0])


def _binary(rows: list[tuple[bool, float]]) -> tuple[Any, Any]:
    return np.array([r[0] for r in rows], dtype=bool), np.array([r[1] for r in rows])


def _binary_metrics(y: Any, scores: Any, threshold: float) -> dict[str, float]:
    bins, values = binstats.score_bins(scores)
    (stats,) = binstats.grouped_stats(y, scores, bins, values, np.zeros(len(y), dtype=np.int64), 1)
    return binstats.all_metrics(stats, threshold)


def _same(a: dict[str, float], b: dict[str, float]) -> None:
    assert set(a) == set(b)
    for name in a:
        if np.isnan(a[name]):
            assert np.isnan(b[name]), name
        else:
            assert b[name] == pytest.approx(a[name], rel=1e-9, abs=1e-12), name


# ---------------------------------------------------------------------------- row order


@FAST
@given(BINARY_ROWS, THRESHOLDS, st.randoms(use_true_random=False))
def test_binary_metrics_do_not_depend_on_row_order(
    rows: list[tuple[bool, float]], threshold: float, random: Any
) -> None:
    shuffled = list(rows)
    random.shuffle(shuffled)
    _same(
        _binary_metrics(*_binary(rows), threshold), _binary_metrics(*_binary(shuffled), threshold)
    )


@FAST
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40),
    st.randoms(use_true_random=False),
)
def test_multiclass_metrics_do_not_depend_on_row_order(
    rows: list[tuple[int, int]], random: Any
) -> None:
    shuffled = list(rows)
    random.shuffle(shuffled)

    def metrics(pairs: list[tuple[int, int]]) -> dict[str, float]:
        y, pred = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        return multiclass.all_metrics(multiclass.build_stats(list("abcd"), y, pred, None))

    _same(metrics(rows), metrics(shuffled))


VALUES = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@FAST
@given(
    st.lists(st.tuples(VALUES, VALUES), min_size=2, max_size=40),
    st.randoms(use_true_random=False),
)
def test_regression_metrics_do_not_depend_on_row_order(
    rows: list[tuple[float, float]], random: Any
) -> None:
    shuffled = list(rows)
    random.shuffle(shuffled)

    def metrics(pairs: list[tuple[float, float]]) -> dict[str, float]:
        y, pred = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        return regression.all_metrics(regression.build_stats(y, pred, seed=0))

    a, b = metrics(rows), metrics(shuffled)
    assert set(a) == set(b)
    for name in a:
        if np.isnan(a[name]):
            assert np.isnan(b[name]), name
        else:
            assert b[name] == pytest.approx(a[name], rel=1e-6, abs=1e-9), name


# ---------------------------------------------------------------------------- agreement


@FAST
@given(BINARY_ROWS, THRESHOLDS)
def test_binary_metrics_agree_with_sklearn_on_any_small_sample(
    rows: list[tuple[bool, float]], threshold: float
) -> None:
    y, scores = _binary(rows)
    # Scores a hair below the threshold are a separate, known bug (see test_analysis_binary).
    gap = threshold - scores
    if ((gap > 0) & (gap < 1e-11)).any():
        return
    ours = _binary_metrics(y, scores, threshold)
    y_pred = scores >= threshold
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = {
            "accuracy": skm.accuracy_score(y, y_pred),
            "brier": skm.brier_score_loss(y, scores),
            "log_loss": skm.log_loss(y, scores, labels=[False, True]),
        }
        if y.any():
            expected["recall"] = skm.recall_score(y, y_pred)
            expected["average_precision"] = skm.average_precision_score(y, scores)
        if (~y).any():
            expected["specificity"] = skm.recall_score(y, y_pred, pos_label=False)
        if y.any() and (~y).any():
            expected["roc_auc"] = skm.roc_auc_score(y, scores)
            expected["balanced_accuracy"] = skm.balanced_accuracy_score(y, y_pred)
        if y_pred.any():
            expected["precision"] = skm.precision_score(y, y_pred)
        if y_pred.any() or y.any():
            expected["f1"] = skm.f1_score(y, y_pred)
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


@FAST
@given(BINARY_ROWS, THRESHOLDS)
def test_f1_lies_between_precision_and_recall(
    rows: list[tuple[bool, float]], threshold: float
) -> None:
    ours = _binary_metrics(*_binary(rows), threshold)
    p, r, f1 = ours["precision"], ours["recall"], ours["f1"]
    if np.isnan(p) or np.isnan(r):
        return
    assert min(p, r) - 1e-12 <= f1 <= max(p, r) + 1e-12
    assert 0.0 <= f1 <= 1.0


# ---------------------------------------------------------------------------- intervals


@FAST
@given(st.integers(0, 5000), st.integers(1, 5000), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_bounds_lie_in_the_unit_interval(k: int, n: int, level: float) -> None:
    k = min(k, n)
    low, high = wilson(k, n, level)
    assert 0.0 <= low <= high <= 1.0


@FAST
@given(st.integers(1, 5000), st.integers(1, 5000), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_interval_contains_an_interior_proportion(k: int, n: int, level: float) -> None:
    if k >= n:
        k, n = n - 1, n + 1
    if k <= 0:
        k = 1
    low, high = wilson(k, n, level)
    assert low <= k / n <= high
    assert low < high


@pytest.mark.parametrize(("k", "n"), [(0, 5), (0, 10), (13, 13), (15, 15), (179, 179)])
def test_wilson_interval_contains_zero_and_one(k: int, n: int) -> None:
    low, high = wilson(k, n)
    assert low <= k / n <= high


@FAST
@given(
    st.floats(-10, 10, allow_nan=False),
    st.floats(-10, 10, allow_nan=False),
    st.floats(0, 10, allow_nan=False),
)
def test_contain_widens_to_the_point_and_keeps_the_interval(
    point: float, low: float, width: float
) -> None:
    high = low + width
    new_low, new_high = contain(point, (low, high))
    assert new_low <= point <= new_high
    assert new_low <= low and new_high >= high
    if low <= point <= high:
        assert (new_low, new_high) == (low, high)


def _computed_intervals(root: Path, frame: pd.DataFrame) -> list[Any]:
    spec_dict = spec("binary")
    spec_dict["interrogation"]["checks"] = {"bootstrap_resamples": 100}
    spec_dict["interrogation"]["predictions"]["slice_columns"] = ["group"]
    facts = analyse_folder(write_bundle(root, spec_dict, frame))
    return [m for m in facts.metrics if m.source == "computed"]


ENGINE_ROWS = st.lists(
    st.tuples(st.booleans(), SCORES, SCORES, st.sampled_from(["a", "b"])),
    min_size=4,
    max_size=30,
)


def _frame(rows: list[tuple[bool, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(len(rows))],
            "label": ["malignant" if r[0] else "benign" for r in rows],
            "score_rule": [r[1] for r in rows],
            "score_lr": [r[2] for r in rows],
            "group": [r[3] for r in rows],
        }
    )


@SLOW
@given(ENGINE_ROWS)
def test_engine_intervals_contain_their_values(rows: list[tuple[bool, float, float, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        computed = _computed_intervals(Path(tmp) / "b", _frame(rows))
    assert computed
    for m in computed:
        if m.interval is None:
            continue
        value = m.value.value
        assert value is not None
        if m.interval.method == "wilson" and value in (0.0, 1.0):
            continue  # the edge case is a known bug, tested below
        assert m.interval.low <= value <= m.interval.high, (m.name, m.rung, m.slice_value)
        assert m.interval.low <= m.interval.high


def test_engine_wilson_intervals_contain_perfect_proportions(tmp_path: Path) -> None:
    rows = [(i % 3 == 0, 0.9 if i % 3 == 0 else 0.1, 0.5, "a") for i in range(39)]
    # rule: 13 positives all caught, 26 negatives all left alone -> every proportion is 1
    computed = _computed_intervals(tmp_path / "b", _frame(rows))
    perfect = [m for m in computed if m.rung == "rule" and m.value.value == 1.0]
    assert {m.name for m in perfect} >= {"precision", "recall", "specificity", "accuracy"}
    for m in perfect:
        assert m.interval is not None
        assert m.interval.low <= 1.0 <= m.interval.high, (m.name, m.interval.high)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_engine_intervals_contain_their_values_on_real_data(task: str, tmp_path: Path) -> None:
    frame = {
        "binary": lambda: binary_frame(binary_data(), ("rule", "lr")),
        "multiclass": lambda: multiclass_frame(multiclass_data()),
        "regression": lambda: regression_frame(regression_data()),
    }[task]()
    reviewed = reviewed_frame(200, 6) if task == "binary" else None
    facts = analyse_folder(write_bundle(tmp_path / task, spec(task), frame, reviewed))
    computed = [m for m in facts.metrics if m.source == "computed"]
    assert computed and all(m.interval is not None for m in computed)
    for m in computed:
        assert m.interval is not None and m.value.value is not None
        assert m.interval.low <= m.value.value <= m.interval.high, (m.name, m.rung)
    for c in facts.comparisons:
        assert c.interval is not None and c.delta.value is not None
        assert c.interval.low <= c.delta.value <= c.interval.high, (c.chosen, c.other)
