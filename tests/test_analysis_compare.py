"""Paired comparisons of the chosen rung with simpler ones, McNemar's test, reproducibility."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from sklearn import metrics as skm

from analysis_helpers import (
    BinaryData,
    analyse_folder,
    binary_data,
    binary_frame,
    facts_json,
    multiclass_data,
    multiclass_frame,
    regression_data,
    regression_frame,
    reviewed_frame,
    spec,
    write_bundle,
)
from dsreport.analyse.compare import mcnemar
from dsreport.analyse.facts import ComparisonFact, Facts


@pytest.fixture(scope="module")
def bc() -> BinaryData:
    return binary_data()


def scipy_mcnemar(b: int, c: int) -> float:
    return float(binomtest(min(b, c), b + c, 0.5, alternative="two-sided").pvalue)


def discordant(truth: Any, right_a: Any, right_b: Any) -> tuple[int, int]:
    return int((right_a & ~right_b).sum()), int((~right_a & right_b).sum())


def only(facts: Facts, other: str, metric: str | None = None) -> ComparisonFact:
    """The comparison with `other` on `metric` (the decision metric by default)."""
    assert facts.decision_metric is not None
    metric = metric or facts.decision_metric.name
    found = [c for c in facts.comparisons if c.other == other and c.metric == metric]
    assert len(found) == 1, [(c.other, c.metric) for c in facts.comparisons]
    return found[0]


# ---------------------------------------------------------------------------- McNemar


@pytest.mark.parametrize(
    ("b", "c"),
    [(0, 1), (1, 0), (0, 5), (5, 0), (3, 3), (10, 2), (2, 10), (9, 1), (40, 25), (200, 150)],
)
def test_mcnemar_matches_the_exact_binomial_test(b: int, c: int) -> None:
    assert mcnemar(b, c) == pytest.approx(scipy_mcnemar(b, c), rel=1e-12)


def test_mcnemar_large_counts_match_scipy() -> None:
    assert mcnemar(1200, 1100) == pytest.approx(scipy_mcnemar(1200, 1100), rel=1e-9)
    assert mcnemar(1000, 1000) == pytest.approx(1.0)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs a POSIX interval timer")
def test_mcnemar_is_fast_on_a_large_test_set() -> None:
    # Two rungs that disagree on 39,000 rows (10% of a 390,000-row test set).
    def stop(signum: int, frame: Any) -> None:
        raise TimeoutError("mcnemar took more than 0.5 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        p_value = mcnemar(20_000, 19_000)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert p_value == pytest.approx(scipy_mcnemar(20_000, 19_000), rel=1e-6)


def test_mcnemar_without_discordant_pairs_is_one() -> None:
    assert mcnemar(0, 0) == 1.0


def test_mcnemar_by_hand() -> None:
    # b = 1, c = 7: P(X <= 1) for X ~ Bin(8, 1/2) = 9/256; two-sided: 18/256
    assert mcnemar(1, 7) == pytest.approx(18 / 256, rel=1e-15)


# ---------------------------------------------------------------------------- binary


def _facts(tmp_path: Path, spec_dict: dict[str, Any], frame: pd.DataFrame, name: str) -> Facts:
    return analyse_folder(write_bundle(tmp_path / name, spec_dict, frame, reviewed_frame(200, 6)))


def _gbm_over_prior(bc: BinaryData, tmp_path: Path) -> tuple[Facts, pd.DataFrame]:
    frame = binary_frame(bc, ("rule", "gbm"))
    frame["score_rule"] = 0.37 + np.linspace(-1e-3, 1e-3, len(frame))  # predicts no one
    spec_dict = spec("binary")
    spec_dict["ladder"]["rungs"][1].update(
        {"id": "gbm", "name": "GBM", "kind": "complex", "score_column": "score_gbm"}
    )
    spec_dict["ladder"]["chosen"] = "gbm"
    spec_dict["interrogation"]["metrics"][0]["value"] = skm.accuracy_score(
        bc.y, bc.scores["gbm"] >= 0.5
    )
    return _facts(tmp_path, spec_dict, frame, "gbm"), frame


def test_clearly_better_model_is_significant(bc: BinaryData, tmp_path: Path) -> None:
    facts, frame = _gbm_over_prior(bc, tmp_path)
    comparison = only(facts, "rule")
    assert comparison.chosen == "gbm" and comparison.metric == "accuracy"
    right_gbm = (bc.scores["gbm"] >= 0.5) == bc.y
    right_rule = (frame["score_rule"].to_numpy() >= 0.5) == bc.y
    expected = right_gbm.mean() - right_rule.mean()
    assert comparison.chosen_value.value == pytest.approx(right_gbm.mean())
    assert comparison.other_value.value == pytest.approx(right_rule.mean())
    assert comparison.delta.value == pytest.approx(expected)
    assert comparison.significant is True and comparison.better is True
    assert comparison.interval is not None
    assert 0 < comparison.interval.low <= expected <= comparison.interval.high
    b, c = discordant(bc.y, right_gbm, right_rule)
    assert comparison.p_value == pytest.approx(scipy_mcnemar(b, c), rel=1e-9)
    assert comparison.p_value < 1e-10
    assert comparison.n == len(bc.y)
    assert "gain-inside-noise" not in {f.id for f in facts.findings}


def test_base_comparison_p_value_matches_scipy(bc: BinaryData, tmp_path: Path) -> None:
    facts = _facts(tmp_path, spec("binary"), binary_frame(bc), "base")
    comparison = only(facts, "rule")
    right_lr = (bc.scores["lr"] >= 0.5) == bc.y
    right_rule = (bc.scores["rule"] >= 0.5) == bc.y
    b, c = discordant(bc.y, right_lr, right_rule)
    assert b > c
    assert comparison.p_value == pytest.approx(scipy_mcnemar(b, c), rel=1e-9)
    assert comparison.significant is True and comparison.better is True


def test_near_identical_rungs_are_not_significant(bc: BinaryData, tmp_path: Path) -> None:
    """Boosting and logistic regression: 95.4% against 96.8% on 285 rows."""
    spec_dict = spec("binary")
    spec_dict["ladder"]["rungs"][0].update(
        {"id": "gbm", "name": "GBM", "kind": "complex", "score_column": "score_gbm"}
    )
    spec_dict["ladder"]["baseline"] = "gbm"
    facts = _facts(tmp_path, spec_dict, binary_frame(bc, ("gbm", "lr")), "twins")
    comparison = only(facts, "gbm")
    right_lr = (bc.scores["lr"] >= 0.5) == bc.y
    right_gbm = (bc.scores["gbm"] >= 0.5) == bc.y
    assert comparison.delta.value == pytest.approx(right_lr.mean() - right_gbm.mean())
    assert 0 < comparison.delta.value < 0.03
    assert comparison.significant is False and comparison.better is True
    assert comparison.interval is not None
    assert comparison.interval.low < 0 < comparison.interval.high
    b, c = discordant(bc.y, right_lr, right_gbm)
    assert comparison.p_value == pytest.approx(scipy_mcnemar(b, c), rel=1e-9)
    assert comparison.p_value > 0.05
    # GBM is declared complex: not simpler than the chosen logistic regression, so its
    # being no worse is no reason to prefer it
    assert not any(r.simpler_than_chosen for r in facts.ladder if r.id == "gbm")
    assert "gain-inside-noise" not in {f.id for f in facts.findings}


def test_identical_rungs_differ_by_nothing(bc: BinaryData, tmp_path: Path) -> None:
    frame = binary_frame(bc)
    frame["score_rule"] = frame["score_lr"]
    comparison = only(_facts(tmp_path, spec("binary"), frame, "same"), "rule")
    assert comparison.delta.value == 0
    assert comparison.significant is False and comparison.better is False
    assert comparison.p_value == 1.0


def test_non_accuracy_headline_has_no_p_value(bc: BinaryData, tmp_path: Path) -> None:
    spec_dict = spec("binary")
    spec_dict["interrogation"]["metrics"] = [
        {"name": "roc_auc", "value": 0.9915, "target": 0.95, "headline": True}
    ]
    comparison = only(_facts(tmp_path, spec_dict, binary_frame(bc), "auc"), "rule")
    assert comparison.metric == "roc_auc"
    assert comparison.p_value is None
    expected = skm.roc_auc_score(bc.y, bc.scores["lr"]) - skm.roc_auc_score(bc.y, bc.scores["rule"])
    assert comparison.delta.value == pytest.approx(expected, rel=1e-9)


def test_comparisons_cover_every_simpler_rung_and_the_baseline(
    bc: BinaryData, tmp_path: Path
) -> None:
    spec_dict = spec("binary")
    rungs = spec_dict["ladder"]["rungs"]
    rungs.insert(
        1,
        {
            "id": "gbm",
            "name": "GBM",
            "kind": "complex",
            "decision": "dropped",
            "reason": "slower",
            "score_column": "score_gbm",
        },
    )
    facts = _facts(tmp_path, spec_dict, binary_frame(bc, ("rule", "gbm", "lr")), "three")
    assert [c.other for c in facts.comparisons] == ["rule", "gbm"]


# ---------------------------------------------------------------------------- other tasks


def test_multiclass_comparison(tmp_path: Path) -> None:
    data = multiclass_data()
    spec_dict = spec("multiclass")
    spec_dict["operator_view"]["success_metric"]["metric"] = "accuracy"
    facts = analyse_folder(write_bundle(tmp_path / "mc", spec_dict, multiclass_frame(data)))
    comparison = only(facts, "nb")
    right_lr = data.predicted("lr") == data.y
    right_nb = data.predicted("nb") == data.y
    assert comparison.delta.value == pytest.approx(right_lr.mean() - right_nb.mean())
    assert comparison.significant is True and comparison.better is True
    b, c = discordant(data.y, right_lr, right_nb)
    assert comparison.p_value == pytest.approx(scipy_mcnemar(b, c), rel=1e-9)


def test_regression_comparison_lower_is_better(tmp_path: Path) -> None:
    data = regression_data()
    facts = analyse_folder(
        write_bundle(tmp_path / "reg", spec("regression"), regression_frame(data))
    )
    comparison = only(facts, "mean")
    expected = skm.mean_absolute_error(data.y, data.predicted["ridge"]) - skm.mean_absolute_error(
        data.y, data.predicted["mean"]
    )
    assert expected < 0
    assert comparison.metric == "mae"
    assert comparison.delta.value == pytest.approx(expected, rel=1e-9)
    assert comparison.better is True and comparison.significant is True
    assert comparison.p_value is None


def _reported(tmp_path: Path, name: str, rule: dict[str, Any] | None) -> Facts:
    """No predictions: the chosen rung reports 96.84% (94%-98%); the rule 92% and `rule`."""
    spec_dict = spec("binary")
    spec_dict["interrogation"].pop("predictions")
    spec_dict["interrogation"]["metrics"][0]["interval"] = {"low": 0.94, "high": 0.98}
    spec_dict["ladder"]["rungs"][0]["metrics"] = {"accuracy": 0.92}
    if rule is not None:
        spec_dict["interrogation"]["metrics"].append({"name": "accuracy", "value": 0.92, **rule})
    return analyse_folder(write_bundle(tmp_path / name, spec_dict, None, reviewed_frame(200, 6)))


def test_a_rung_with_a_value_only_is_not_comparable(tmp_path: Path) -> None:
    """Before: the chosen rung's interval shifted by the rule's value, as if the rule's
    92% were exact, claimed a significant gain. Nothing is known of the rule's noise."""
    comparison = only(_reported(tmp_path, "value-only", None), "rule")
    assert comparison.delta.value == pytest.approx(0.9684 - 0.92)
    assert comparison.kind == "not_comparable"
    assert comparison.interval is None
    assert comparison.significant is None and comparison.p_value is None
    assert comparison.method == (
        "not comparable: rule has a value only (no interval, n or cross-validation spread)"
    )


def test_unpaired_comparison_uses_both_intervals(tmp_path: Path) -> None:
    facts = _reported(tmp_path, "both", {"rung": "rule", "interval": {"low": 0.86, "high": 0.98}})
    comparison = only(facts, "rule")
    assert comparison.kind == "unpaired"
    z = 1.959963984540054
    se = np.hypot((0.98 - 0.94) / (2 * z), (0.98 - 0.86) / (2 * z))
    delta = 0.9684 - 0.92
    assert comparison.interval is not None
    assert (comparison.interval.low, comparison.interval.high) == pytest.approx(
        (delta - z * se, delta + z * se)
    )
    # shifted by the rule's value alone, the interval would have been 2.0-6.0 pts: "better"
    assert comparison.interval.method == "normal"
    assert comparison.interval.low < 0 and comparison.significant is False


def test_unpaired_comparison_from_a_proportion_and_its_n(tmp_path: Path) -> None:
    facts = _reported(tmp_path, "n", {"rung": "rule", "n": 2000})
    comparison = only(facts, "rule")
    z = 1.959963984540054
    se = np.hypot((0.98 - 0.94) / (2 * z), np.sqrt(0.92 * 0.08 / 2000))
    assert comparison.interval is not None
    assert comparison.interval.low == pytest.approx(0.9684 - 0.92 - z * se)
    assert comparison.significant is True
    assert comparison.method == (
        "unpaired, from both rungs' uncertainty (lr: its interval; rule: n = 2,000)"
    )


# ---------------------------------------------------------------------------- reproducibility


def test_same_bundle_gives_identical_facts(bc: BinaryData, tmp_path: Path) -> None:
    spec_dict = spec("binary")
    spec_dict["interrogation"]["predictions"]["slice_columns"] = ["half"]
    frame = binary_frame(bc)
    frame["half"] = np.where(np.arange(len(frame)) % 2 == 0, "a", "b")
    root = write_bundle(tmp_path / "one", spec_dict, frame, reviewed_frame(200, 6))
    first = facts_json(analyse_folder(root))
    second = facts_json(analyse_folder(root))
    assert first == second
    copy = tmp_path / "elsewhere" / "two"
    shutil.copytree(root, copy)
    assert facts_json(analyse_folder(copy)) == first  # the folder's location does not leak


@pytest.mark.parametrize("task", ["multiclass", "regression"])
def test_same_bundle_gives_identical_facts_for_other_tasks(task: str, tmp_path: Path) -> None:
    frame = (
        multiclass_frame(multiclass_data())
        if task == "multiclass"
        else regression_frame(regression_data())
    )
    root = write_bundle(tmp_path / task, spec(task), frame)
    assert facts_json(analyse_folder(root)) == facts_json(analyse_folder(root))


def test_the_seed_drives_the_bootstrap(bc: BinaryData, tmp_path: Path) -> None:
    one = spec("binary")
    two = spec("binary")
    two["interrogation"]["seed"] = 7
    a = _facts(tmp_path, one, binary_frame(bc), "seed-a")
    b = _facts(tmp_path, two, binary_frame(bc), "seed-b")
    boot_a = [m.interval for m in a.metrics if m.interval and m.interval.method == "bootstrap"]
    boot_b = [m.interval for m in b.metrics if m.interval and m.interval.method == "bootstrap"]
    assert len(boot_a) == len(boot_b) > 0
    assert [(i.low, i.high) for i in boot_a] != [(i.low, i.high) for i in boot_b]
    wilson_a = [m.interval for m in a.metrics if m.interval and m.interval.method == "wilson"]
    wilson_b = [m.interval for m in b.metrics if m.interval and m.interval.method == "wilson"]
    assert wilson_a == wilson_b  # closed form: no seed involved


def test_unpaired_comparison_from_cross_validation(tmp_path: Path) -> None:
    """A rung known by its cross-validation scores: their spread is its uncertainty."""
    spec_dict = spec("binary")
    spec_dict["interrogation"].pop("predictions")
    spec_dict["interrogation"]["metrics"][0]["interval"] = {"low": 0.94, "high": 0.98}
    spec_dict["ladder"]["rungs"][0]["metrics"] = {"accuracy": 0.92}
    spec_dict["ladder"]["rungs"][0]["cv_metrics"] = {
        "accuracy": {"mean": 0.921, "std": 0.02, "folds": 5}
    }
    root = write_bundle(tmp_path / "cv", spec_dict, None, reviewed_frame(200, 6))
    comparison = only(analyse_folder(root), "rule")
    z = 1.959963984540054
    se = np.hypot((0.98 - 0.94) / (2 * z), 0.02 / np.sqrt(5))
    assert comparison.kind == "unpaired"
    assert comparison.interval is not None
    assert comparison.interval.high == pytest.approx(0.9684 - 0.92 + z * se)
    assert comparison.method == (
        "unpaired, from both rungs' uncertainty (lr: its interval; rule: 5-fold cross-validation)"
    )


def _dense_binary_spread(pair: Any, threshold: float, seed: int, resamples: int) -> Any:
    """The paired bootstrap over every cell of the joint histogram, empty ones included."""
    from dsreport.analyse import binstats

    rng = np.random.default_rng(seed)
    k = len(pair.values)
    counts = pair.counts.reshape(-1)

    def mean(total: Any) -> Any:
        return np.divide(total.reshape(-1), counts, out=np.zeros(len(counts)), where=counts > 0)

    def metrics(w: Any) -> Any:
        out = []
        for axis, loss, sq in ((3, pair.loss_a, pair.sq_a), (2, pair.loss_b, pair.sq_b)):
            hist, loss, sq = (
                (w * x).reshape(-1, 2, k, k).sum(axis) for x in (1, mean(loss), mean(sq))
            )
            stats = binstats.BinaryStats(
                pair.values, hist[:, 1], hist[:, 0], loss[:, 1], loss[:, 0], sq[:, 1], sq[:, 0]
            )
            out.append(binstats.batch_metrics(stats, threshold))
        return {m: out[0][m] - out[1][m] for m in out[0]}

    draws = [binstats.poisson(rng, counts, 100) for _ in range(0, resamples, 100)]
    return metrics(counts[None, :]), [metrics(d) for d in draws]


@pytest.mark.parametrize("rows", [40, 3000, 60000])
def test_the_paired_bootstrap_draws_only_cells_with_rows_and_gives_the_whole_histograms_replicates(
    rows: int,
) -> None:
    from dsreport.analyse import binstats
    from dsreport.analyse.compare.paired import _binary_spread
    from dsreport.analyse.reduce import pair_from_rows

    rng = np.random.default_rng(rows)
    y = rng.random(rows) < 0.3
    a = np.clip(rng.normal(0.3 + 0.3 * y, 0.2), 0, 1)
    b = np.clip(a + rng.normal(0, 0.1, rows), 0, 1)
    pair = pair_from_rows(y, a, b, 0.4)
    names = ["precision", *binstats.BEYOND_THRESHOLD]
    point, reps = _binary_spread(pair, 0.4, np.random.default_rng(5), 300, names)
    dense_point, dense = _dense_binary_spread(pair, 0.4, 5, 300)
    assert point.keys() == reps.keys() == dense_point.keys()
    for m in point:
        assert np.array_equal(point[m], dense_point[m][0], equal_nan=True), m
        assert np.array_equal(reps[m], np.concatenate([d[m] for d in dense]), equal_nan=True), m
    brier_only = _binary_spread(pair, 0.4, np.random.default_rng(5), 300, ["brier"])[1]
    assert set(brier_only) == set(reps) - {"roc_auc", "average_precision", "log_loss", "ece"}
    assert np.array_equal(brier_only["brier"], reps["brier"])


def test_the_multiclass_paired_bootstrap_does_not_depend_on_how_many_cubes_are_drawn_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    paired_module = importlib.import_module("dsreport.analyse.compare.paired")
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 10, 500)
    a = np.where(rng.random(500) < 0.8, truth, rng.integers(0, 10, 500))
    b = np.where(rng.random(500) < 0.7, truth, rng.integers(0, 10, 500))
    cube = paired_module.cube_of(truth, a, b, 10)
    spread = paired_module._multiclass_spread
    whole = spread(cube, 10, np.random.default_rng(1), 250)
    monkeypatch.setattr(paired_module, "CUBE_CELLS", 3000)  # three cubes at a time
    found = spread(cube, 10, np.random.default_rng(1), 250)
    assert found[0] == whole[0] and found[1].keys() == whole[1].keys()
    assert all(np.array_equal(found[1][m], whole[1][m], equal_nan=True) for m in found[1])
