"""`dsreport init DIR --from-predictions FILE`: task and columns inferred from tables made
with scikit-learn, the bundle's only open items are the human-written parts, and once they
are filled the bundle is checked and its metrics are the table's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_absolute_error, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dsreport import api
from dsreport.load.loader import load_bundle
from helpers import Run
from openitems import HUMAN, fill_open_items, open_items


def _binary(folder: Path) -> tuple[Path, pd.DataFrame]:
    """Breast cancer: a case id, the truth as `target`, a logistic regression's probability
    and its labels at 0.3, and a size band (a slice)."""
    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.4, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x_train, y_train)
    proba = model.predict_proba(x_test)[:, 1]
    frame = pd.DataFrame(
        {
            "case_id": [f"C{i:05d}" for i in range(len(y_test))],
            "target": y_test,
            "proba_logreg": proba.round(6),
            "pred_logreg": (proba.round(6) >= 0.3).astype(int),
            "size": np.where(x_test[:, 0] > 15, "large", "small"),
            "mean_radius": x_test[:, 0],
        }
    )
    path = folder / "binary.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _multiclass(folder: Path) -> tuple[Path, pd.DataFrame]:
    """Wine: the truth as `label`, a logistic regression's labels and probabilities, and a
    second model given by its probabilities only."""
    x, y = load_wine(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.5, random_state=0)
    columns: dict[str, object] = {"id": range(1, len(y_test) + 1), "label": y_test}
    for name, c in (("logreg", 1.0), ("weak", 0.0001)):
        model = make_pipeline(StandardScaler(), LogisticRegression(C=c)).fit(x_train, y_train)
        proba = model.predict_proba(x_test)
        if name == "logreg":
            columns["pred_logreg"] = model.predict(x_test)
        for k, label in enumerate(model.classes_):
            columns[f"proba_{name}_{label}"] = proba[:, k]
    frame = pd.DataFrame(columns)
    path = folder / "multiclass.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _regression(folder: Path) -> tuple[Path, pd.DataFrame]:
    """Diabetes: the truth as `y`, no id, a split column, a ridge and a mean predictor, and
    sex (a slice)."""
    x, y = load_diabetes(return_X_y=True, scaled=False)
    split = np.where(np.arange(len(y)) % 4 == 0, "test", "train")
    train = split == "train"
    model = Ridge().fit(x[train], y[train])
    frame = pd.DataFrame(
        {
            "y": y,
            "pred_ridge": model.predict(x).round(4),
            "pred_mean": np.full(len(y), y[train].mean().round(4)),
            "split": split,
            "sex": x[:, 1].astype(int),
        }
    )
    path = folder / "regression.parquet"
    frame.to_parquet(path, index=False)
    return path, frame


def test_binary_table(tmp_path: Path, cli: Callable[..., Run]) -> None:
    table, frame = _binary(tmp_path)
    bundle = tmp_path / "triage"
    result = cli("init", bundle, "--from-predictions", table)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "  'target' holds the truth (the label column)",
        "  threshold 0.3, from the predicted labels",
        "  slices: size (few distinct values each)",
        f"wrote {bundle / 'dsreport.yaml'}; `dsreport validate {bundle}` lists what is left "
        "for you to write",
    ]
    assert set(open_items(bundle)) == HUMAN | {"ladder.rungs[0].kind", "ladder.rungs[0].reason"}
    fill_open_items(bundle, "binary")
    spec = load_bundle(bundle).spec
    predictions = spec.interrogation.predictions
    assert predictions is not None
    assert (predictions.id_column, predictions.label_column) == ("case_id", "target")
    assert (predictions.split_column, predictions.slice_columns) == (None, ["size"])
    assert spec.project.task == "binary"
    assert (spec.project.name, spec.project.slug) == ("Triage", "triage")
    assert spec.interrogation.classes == ["0", "1"]
    assert (spec.interrogation.positive_label, spec.interrogation.threshold) == ("1", 0.3)
    assert [(r.id, r.score_column, r.decision) for r in spec.ladder.rungs] == [
        ("logreg", "proba_logreg", "chosen")
    ]
    assert spec.system_design.scores_are_probabilities
    assert [(s.name, s.rows) for s in spec.system_design.data.splits] == [("test", len(frame))]
    checked = cli("check", bundle)
    assert checked.exit_code in (0, 1), checked.stderr
    assert "recommendation:" in checked.stdout
    facts = api.check(bundle)
    auc = next(m for m in facts.metrics if m.name == "roc_auc" and m.slice_key is None)
    assert auc.source == "computed"
    assert auc.value.value == pytest.approx(roc_auc_score(frame.target, frame.proba_logreg))


def test_multiclass_table(tmp_path: Path) -> None:
    table, frame = _multiclass(tmp_path)
    started = api.init_from_predictions(tmp_path / "wine", table, chosen="logreg")
    assert started.notes == [
        "rung 'weak': no predicted-label column, so pred_weak is written as the class of "
        "highest probability (the first on ties)"
    ]
    bundle = started.path
    assert set(open_items(bundle)) == HUMAN | {
        "ladder.rungs[0].kind",
        "ladder.rungs[0].reason",
        "ladder.rungs[1].kind",
        "ladder.rungs[1].decision",
        "ladder.rungs[1].reason",
    }
    fill_open_items(bundle, "multiclass")
    loaded = load_bundle(bundle)
    spec = loaded.spec
    assert spec.project.task == "multiclass"
    assert spec.interrogation.classes == ["0", "1", "2"]
    assert spec.ladder.chosen == "logreg"
    assert [(r.id, r.score_column, r.proba_prefix) for r in spec.ladder.rungs] == [
        ("logreg", "pred_logreg", "proba_logreg_"),
        ("weak", "pred_weak", "proba_weak_"),
    ]
    written = loaded.predictions
    assert written is not None
    proba = frame[[f"proba_weak_{k}" for k in range(3)]].to_numpy()
    assert list(written.frame["pred_weak"]) == [str(k) for k in proba.argmax(axis=1)]
    facts = api.check(bundle)
    accuracy = {
        m.rung: m.value.value
        for m in facts.metrics
        if m.name == "accuracy" and m.slice_key is None and m.split == "test"
    }
    assert accuracy["logreg"] == pytest.approx(accuracy_score(frame.label, frame.pred_logreg))
    assert accuracy["weak"] == pytest.approx(accuracy_score(frame.label, proba.argmax(axis=1)))


def test_regression_table(tmp_path: Path) -> None:
    table, frame = _regression(tmp_path)
    started = api.init_from_predictions(tmp_path / "progression", table)
    assert started.notes == [
        "'y' holds the truth (the label column)",
        "slices: sex (few distinct values each)",
        "no id column: 'id' is the row number",
    ]
    bundle = started.path
    assert set(open_items(bundle)) == HUMAN | {
        "ladder.chosen",
        *(f"ladder.rungs[{i}].{k}" for i in (0, 1) for k in ("kind", "decision", "reason")),
    }
    fill_open_items(bundle, "regression", {"ladder.chosen": "ridge"})
    spec = load_bundle(bundle).spec
    predictions = spec.interrogation.predictions
    assert predictions is not None
    assert predictions.path == "data/predictions.csv"  # rewritten with the row numbers
    assert (predictions.id_column, predictions.label_column) == ("id", "y")
    assert (predictions.split_column, predictions.slice_columns) == ("split", ["sex"])
    assert [(s.name, s.rows) for s in spec.system_design.data.splits] == [
        ("test", int((frame.split == "test").sum())),
        ("train", int((frame.split == "train").sum())),
    ]
    assert [(r.id, r.score_column) for r in spec.ladder.rungs] == [
        ("ridge", "pred_ridge"),
        ("mean", "pred_mean"),
    ]
    test = frame[frame.split == "test"]
    facts = api.check(bundle)
    mae = next(
        m
        for m in facts.metrics
        if m.name == "mae" and m.rung == "ridge" and m.split == "test" and m.slice_key is None
    )
    assert mae.value.value == pytest.approx(mean_absolute_error(test.y, test.pred_ridge))


def test_a_table_without_predictions_is_a_clear_error(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    table = tmp_path / "truth.csv"
    table.write_text("id,label,age\n1,0,40\n2,1,51\n", encoding="utf-8")
    result = cli("init", tmp_path / "b", "--from-predictions", table)
    assert result.exit_code == 2
    assert result.err_lines[0].startswith("error: truth.csv: no column holds a model's predictions")
    assert not (tmp_path / "b").exists()
