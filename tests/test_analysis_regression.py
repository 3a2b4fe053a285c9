"""Regression metrics against scikit-learn on real data (diabetes), unit and end to end."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn import metrics as skm

from analysis_helpers import (
    RegressionData,
    bootstrap_one_by_one,
    metric,
    regression_data,
    regression_frame,
    spec,
    write_bundle,
)
from dsreport.analyse import regression
from dsreport.analyse.engine import analyse
from dsreport.api import load

RUNGS = ("mean", "ols", "ridge")


@pytest.fixture(scope="module")
def diabetes() -> RegressionData:
    return regression_data()


def hand_smape(y: Any, pred: Any) -> float:
    denom = np.abs(y) + np.abs(pred)
    safe = np.where(denom > 0, denom, 1.0)
    return float(np.mean(np.where(denom > 0, 2 * np.abs(pred - y) / safe, 0.0)))


def sklearn_regression(y: Any, pred: Any) -> dict[str, float]:
    out = {
        "mae": skm.mean_absolute_error(y, pred),
        "rmse": skm.root_mean_squared_error(y, pred),
        "r2": skm.r2_score(y, pred),
        "smape": hand_smape(y, pred),
    }
    if (y != 0).all():
        out["mape"] = skm.mean_absolute_percentage_error(y, pred)
    return out


@pytest.mark.parametrize("rung", RUNGS)
def test_all_metrics_match_sklearn(diabetes: RegressionData, rung: str) -> None:
    pred = diabetes.predicted[rung]
    ours = regression.all_metrics(regression.build_stats(diabetes.y, pred, seed=1))
    expected = sklearn_regression(diabetes.y, pred)
    assert set(ours) == set(expected)
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_grouped_sums_above_groups_limit_match_sklearn(diabetes: RegressionData) -> None:
    copies = regression.GROUPS // len(diabetes.y) + 3
    y = np.tile(diabetes.y, copies)
    pred = np.tile(diabetes.predicted["ridge"], copies)
    assert len(y) > regression.GROUPS
    stats = regression.build_stats(y, pred, seed=1)
    assert stats.n == len(y)
    ours = regression.all_metrics(stats)
    for name, value in sklearn_regression(y, pred).items():
        assert ours[name] == pytest.approx(value, rel=1e-9), name


def test_zero_target_drops_mape_only(diabetes: RegressionData) -> None:
    y = diabetes.y.copy()
    y[:3] = 0.0
    pred = diabetes.predicted["ols"]
    ours = regression.all_metrics(regression.build_stats(y, pred, seed=1))
    assert "mape" not in ours
    expected = sklearn_regression(y, pred)
    assert "mape" not in expected
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, rel=1e-9), name


def test_smape_of_a_zero_target_predicted_zero_counts_as_no_error() -> None:
    y = np.array([0.0, 2.0, 4.0])
    pred = np.array([0.0, 1.0, 4.0])
    ours = regression.all_metrics(regression.build_stats(y, pred, seed=1))
    assert ours["smape"] == pytest.approx((0 + 2 * 1 / 3 + 0) / 3)
    assert ours["smape"] == pytest.approx(hand_smape(y, pred))


@pytest.mark.parametrize(
    ("scale", "shift"),
    [
        pytest.param(1.0, 1e9, id="shift-1e9"),
        pytest.param(1e-9, 0.0, id="scale-1e-9"),
        pytest.param(1000.0, 50.0, id="scale-1000"),
    ],
)
def test_r2_does_not_depend_on_the_unit_or_origin(
    diabetes: RegressionData, scale: float, shift: float
) -> None:
    y = diabetes.y * scale + shift
    pred = diabetes.predicted["ols"] * scale + shift
    expected = skm.r2_score(y, pred)
    assert expected == pytest.approx(skm.r2_score(diabetes.y, diabetes.predicted["ols"]))
    ours = regression.all_metrics(regression.build_stats(y, pred, seed=1))
    assert ours.get("r2", float("nan")) == pytest.approx(expected, rel=1e-6)


# ---------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def diabetes_facts(diabetes: RegressionData, tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("regression") / "b"
    frame = regression_frame(diabetes)
    frame["band"] = np.where(diabetes.y < np.median(diabetes.y), "low", "high")
    spec_dict = spec("regression")
    spec_dict["interrogation"]["predictions"]["slice_columns"] = ["band"]
    return analyse(load(write_bundle(root, spec_dict, frame)))


@pytest.mark.parametrize("rung", RUNGS)
def test_engine_metric_facts_match_sklearn(
    diabetes: RegressionData, diabetes_facts: Any, rung: str
) -> None:
    expected = sklearn_regression(diabetes.y, diabetes.predicted[rung])
    for name, value in expected.items():
        fact = metric(diabetes_facts, name, rung)
        assert fact.value.value == pytest.approx(value, rel=1e-9), name
        assert fact.n == len(diabetes.y)
        assert fact.interval is not None and fact.interval.method == "bootstrap", name
        lower = name in ("mae", "rmse", "mape", "smape")
        assert fact.direction == ("lower_is_better" if lower else "higher_is_better")


def test_engine_slices_match_sklearn(diabetes: RegressionData, diabetes_facts: Any) -> None:
    low = diabetes.y < np.median(diabetes.y)
    pred = diabetes.predicted["ridge"]
    for value, mask in (("low", low), ("high", ~low)):
        for name, number in sklearn_regression(diabetes.y[mask], pred[mask]).items():
            fact = metric(diabetes_facts, name, "ridge", slice_key="band", slice_value=value)
            assert fact.value.value == pytest.approx(number, rel=1e-9), (value, name)


def test_engine_residual_summary(diabetes: RegressionData, diabetes_facts: Any) -> None:
    residuals = diabetes_facts.charts.residuals
    assert residuals is not None
    errors = diabetes.predicted["ridge"] - diabetes.y
    expected = np.quantile(errors, [0.05, 0.25, 0.5, 0.75, 0.95])
    got = [residuals["quantiles"][k] for k in ("p5", "p25", "p50", "p75", "p95")]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert residuals["zero_targets"] == 0
    assert len(residuals["points"]) == len(diabetes.y)


def test_engine_headline_lower_is_better(diabetes: RegressionData, diabetes_facts: Any) -> None:
    headline = diabetes_facts.headline
    assert headline is not None
    ridge = skm.mean_absolute_error(diabetes.y, diabetes.predicted["ridge"])
    mean = skm.mean_absolute_error(diabetes.y, diabetes.predicted["mean"])
    assert headline.metric.name == "mae" and headline.metric.direction == "lower_is_better"
    assert headline.metric.value.value == pytest.approx(ridge)
    assert headline.metric.target is not None and headline.metric.target.value == 50
    assert headline.metric.target_met is (ridge <= 50)
    assert 40 < ridge <= 50
    assert headline.level_reached == "acceptable"  # optimal 40 < MAE <= acceptable 50
    assert headline.baseline is not None and headline.baseline.value == pytest.approx(mean)
    assert headline.delta is not None and headline.delta.value == pytest.approx(ridge - mean)


def test_a_batch_of_resampled_sums_gives_each_resample_its_own_metrics_to_the_bit() -> None:
    rng = np.random.default_rng(4)
    y = rng.normal(50, 20, 30)
    y[[3, 17]] = 0  # a zero target: MAPE only where neither is drawn
    stats = regression.RegressionStats(regression.row_sums(y, y + rng.normal(0, 5, 30)))
    draws = stats.resampled(np.random.default_rng(1), 400)
    draws[7] = 0  # a resample without rows: no metric at all
    values, defined = regression.batch_metrics(draws)
    one_by_one = [regression.all_metrics(regression.RegressionStats(d[None, :])) for d in draws]
    for i, found in enumerate(one_by_one):
        assert set(found) == {name for name in values if defined[name][i]}
        assert all(np.array_equal(found[m], values[m][i]) for m in found), i
    assert 0 < defined["mape"].sum() < 400 and not any(d[7] for d in defined.values())
    singles = [regression.RegressionStats(d[None, :]) for d in draws]
    found = bootstrap_one_by_one(singles, regression.all_metrics)
    assert regression.bootstrap_intervals(draws) == found
