"""Write the `tests/bundles/decision-*` folders: small real-data bundles, each built so that
one rule of the decision-grade analysis decides its call (docs/analysis.md).

The data are scikit-learn's breast cancer (binary, positive `malignant`) and diabetes
(regression) sets; models are fitted here with fixed seeds, so the folders are
reproducible: `python tests/make_decision_bundles.py` rewrites them. The tests read the
folders as they are (tests/test_analysis_decision.py).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis_helpers import spec as base_spec

ROOT = Path(__file__).parent / "bundles"
SEED = 20261120


def _base(task: str) -> dict[str, Any]:
    """The analysis tests' base bundle, without its ladder, metrics or tables."""
    out = base_spec(task)
    out["project"].update({"name": "Decision case", "version": "1.0"})
    out["operator_view"].pop("success_metric")
    out.pop("ladder")
    out["system_design"]["inputs"][0]["example"] = "0.5"
    out["system_design"]["outputs"][0]["example"] = "1"
    out["system_design"]["data"]["splits"] = [{"name": "train"}, {"name": "test"}]
    out["system_design"].pop("scores_are_probabilities", None)
    out["interrogation"] = {"seed": SEED, "checks": {"bootstrap_resamples": 400}}
    return out


def _rung(rung_id: str, name: str, kind: str, decision: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": rung_id,
        "name": name,
        "kind": kind,
        "decision": decision,
        "reason": f"{decision} in the evaluation",
        **extra,
    }


def _binary_spec(chosen: str, rungs: list[dict[str, Any]], metrics: list[dict[str, Any]]) -> Any:
    out = _base("binary")
    out["operator_view"]["success_metric"] = {
        "metric": metrics[0]["name"],
        "optimal": 0.98,
        "acceptable": metrics[0].get("target", 0.9),
        "worst_case": 0.5,
    }
    out["ladder"] = {"chosen": chosen, "baseline": rungs[0]["id"], "rungs": rungs}
    out["interrogation"].update(
        {
            "threshold": 0.5,
            "positive_label": "malignant",
            "classes": ["benign", "malignant"],
            "metrics": metrics,
            "predictions": {"path": "data/predictions.csv", "split_column": "split"},
        }
    )
    return out


def _write(name: str, spec: dict[str, Any], frame: pd.DataFrame) -> None:
    root = ROOT / name
    if root.exists():
        shutil.rmtree(root)
    (root / "data").mkdir(parents=True)
    (root / "dsreport.yaml").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    frame.to_csv(root / "data" / "predictions.csv", index=False, float_format="%.6g")


def _cancer() -> tuple[Any, Any, list[str]]:
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    return data.data, data.target == 0, list(data.feature_names)


def _fit(kind: str, x: Any, y: Any, columns: list[int] | None = None) -> Any:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    xs = x if columns is None else x[:, columns]
    if kind == "forest":
        model = RandomForestClassifier(n_estimators=60, random_state=0).fit(xs, y)
    else:
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(xs, y)

    def score(z: Any) -> Any:
        return model.predict_proba(z if columns is None else z[:, columns])[:, 1]

    return score


def _frame(ids: Any, y: Any, split: str, scores: dict[str, Any], **extra: Any) -> pd.DataFrame:
    frame = pd.DataFrame({"id": ids, "label": np.where(y, "malignant", "benign"), "split": split})
    for column, values in extra.items():
        frame[column] = values
    for rung, values in scores.items():
        frame[f"score_{rung}"] = np.round(values, 6)
    return frame


def _split(x: Any, y: Any, test: float, seed: int = 0) -> tuple[Any, Any, Any, Any, Any, Any]:
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=test, random_state=seed, stratify=y)
    return x[tr], x[te], y[tr], y[te], tr, te


def reported_only_rung() -> None:
    """The rules engine has a reported value and nothing else. Before: the chosen rung's
    own interval, shifted by that value as if it were exact, called the gap 'significantly
    worse': do not ship. After: not comparable, no claim of significance, and a condition
    to compare the two on the same rows."""
    from dsreport.analyse.intervals import wilson

    x, y, _ = _cancer()
    x_tr, x_te, y_tr, y_te, _, te = _split(x, y, 0.4)
    lr = _fit("lr", x_tr, y_tr)
    scores = lr(x_te)
    right = int(((scores >= 0.5) == y_te).sum())
    acc = right / len(y_te)
    above = round(wilson(right, len(y_te))[1] + 0.004, 4)
    spec = _binary_spec(
        "lr",
        [
            _rung(
                "engine",
                "Rules engine",
                "heuristic",
                "kept",
                metrics={"accuracy": above},
                latency_ms=1,
                cost=0,
            ),
            _rung(
                "lr",
                "Logistic regression",
                "simple",
                "chosen",
                score_column="score_lr",
                latency_ms=5,
                cost=50,
            ),
        ],
        [{"name": "accuracy", "value": round(acc, 4), "target": 0.9, "headline": True}],
    )
    _write(
        "decision-reported-only-rung",
        spec,
        _frame([f"t{i}" for i in te], y_te, "test", {"lr": scores}),
    )


def below_majority() -> None:
    """Accuracy headline on rare positives; the chosen model's accuracy is below 'always
    benign' and its balanced accuracy not clearly above chance; the hand-written rule has
    no reported values. Before: ship with conditions. After: do not ship."""
    x, y, names = _cancer()
    rng = np.random.default_rng(SEED)
    keep = ~y | (rng.random(len(y)) < 0.12)
    x, y = x[keep], y[keep]
    x_tr, x_te, y_tr, y_te, _, _ = _split(x, y, 0.5)
    texture = names.index("mean texture")
    weak = _fit("lr", x_tr, y_tr, [texture])
    model = np.clip(weak(x_te) * 3.0, 0, 1)  # a miscalibrated one-feature model
    acc = float(((model >= 0.5) == y_te).mean())
    spec = _binary_spec(
        "model",
        [
            _rung("rule", "Perimeter rule", "heuristic", "kept", latency_ms=1, cost=0),
            _rung(
                "model",
                "Texture model",
                "simple",
                "chosen",
                score_column="score_model",
                latency_ms=4,
                cost=20,
            ),
        ],
        [{"name": "accuracy", "value": round(acc, 4), "target": 0.7, "headline": True}],
    )
    frame = _frame([f"t{i}" for i in range(len(y_te))], y_te, "test", {"model": model})
    _write("decision-below-majority", spec, frame)


def slower_is_not_simpler() -> None:
    """A forest listed before the chosen logistic regression, declared complex and 20 times
    slower, does as well. Before: 'Prefer Random forest, the simpler model'. After: it is
    not simpler, so it is not preferred."""
    x, y, _ = _cancer()
    x_tr, x_te, y_tr, y_te, _, te = _split(x, y, 0.4, seed=3)
    forest, lr = _fit("forest", x_tr, y_tr), _fit("lr", x_tr, y_tr)
    acc = float(((lr(x_te) >= 0.5) == y_te).mean())
    spec = _binary_spec(
        "lr",
        [
            _rung(
                "forest",
                "Random forest",
                "complex",
                "kept",
                score_column="score_forest",
                latency_ms=20,
                cost=40,
            ),
            _rung(
                "lr",
                "Logistic regression",
                "simple",
                "chosen",
                score_column="score_lr",
                latency_ms=1,
                cost=20,
            ),
        ],
        [{"name": "accuracy", "value": round(acc, 4), "target": 0.9, "headline": True}],
    )
    frame = _frame([f"t{i}" for i in te], y_te, "test", {"forest": forest(x_te), "lr": lr(x_te)})
    _write("decision-slower-not-simpler", spec, frame)


def simpler_does_as_well() -> None:
    """A complex forest is chosen over a simple logistic regression that does as well on
    every targeted metric. Before: 'Prefer ...' beside 'ship'. After: one call, ship the
    simpler rung instead."""
    x, y, _ = _cancer()
    x_tr, x_te, y_tr, y_te, _, te = _split(x, y, 0.4, seed=3)
    forest, lr = _fit("forest", x_tr, y_tr), _fit("lr", x_tr, y_tr)
    acc = float(((forest(x_te) >= 0.5) == y_te).mean())
    spec = _binary_spec(
        "forest",
        [
            _rung(
                "lr",
                "Logistic regression",
                "simple",
                "kept",
                score_column="score_lr",
                latency_ms=1,
                cost=20,
            ),
            _rung(
                "forest",
                "Random forest",
                "complex",
                "chosen",
                score_column="score_forest",
                latency_ms=20,
                cost=40,
            ),
        ],
        [{"name": "accuracy", "value": round(acc, 4), "target": 0.9, "headline": True}],
    )
    frame = _frame([f"t{i}" for i in te], y_te, "test", {"lr": lr(x_te), "forest": forest(x_te)})
    _write("decision-simpler-does-as-well", spec, frame)


def secondary_targets() -> None:
    """Precision has a target the chosen rung misses, and a lower-is-better error rate whose
    point meets its tolerance while its upper bound is far above it. Before: neither was a
    finding (only the headline was checked). After: both are, with pilot conditions."""
    x, y, _ = _cancer()
    x_tr, x_te, y_tr, y_te, _, te = _split(x, y, 0.4, seed=5)
    lr = _fit("lr", x_tr, y_tr)
    scores = lr(x_te)
    flagged = scores >= 0.5
    recall = float(flagged[y_te].mean())
    precision = float(y_te[flagged].mean())
    spec = _binary_spec(
        "lr",
        [
            _rung("rule", "Perimeter rule", "heuristic", "kept", latency_ms=1, cost=0),
            _rung(
                "lr",
                "Logistic regression",
                "simple",
                "chosen",
                score_column="score_lr",
                latency_ms=2,
                cost=10,
            ),
        ],
        [
            {"name": "recall", "value": round(recall, 4), "target": 0.85, "headline": True},
            {"name": "precision", "value": round(precision, 4), "target": 0.995},
            {
                "name": "missed_urgent_rate",
                "value": 0.004,
                "direction": "lower_is_better",
                "target": 0.005,
                "n": 480,
                "interval": {"low": 0.0011, "high": 0.0152},
            },
        ],
    )
    _write(
        "decision-secondary-targets",
        spec,
        _frame([f"t{i}" for i in te], y_te, "test", {"lr": scores}),
    )


def prior_shift() -> None:
    """Scores read as probabilities, trained where a third of cases are malignant, tested
    where few are. Before: 'not calibrated'. After: the prior shift is named as the cause."""
    x, y, _ = _cancer()
    x_tr, x_te, y_tr, y_te, tr, te = _split(x, y, 0.5, seed=2)
    rng = np.random.default_rng(SEED)
    keep = ~y_te | (rng.random(len(y_te)) < 0.15)
    x_te, y_te, te = x_te[keep], y_te[keep], te[keep]
    lr = _fit("lr", x_tr, y_tr)
    raw = lr(x_te)
    shifted = raw**0.35  # scores pulled up: a third of cases malignant in training
    spec = _binary_spec(
        "lr",
        [
            _rung("rule", "Perimeter rule", "heuristic", "kept", latency_ms=1, cost=0),
            _rung(
                "lr",
                "Logistic regression",
                "simple",
                "chosen",
                score_column="score_lr",
                latency_ms=2,
                cost=10,
            ),
        ],
        [{"name": "balanced_accuracy", "value": 0.9, "target": 0.85, "headline": True}],
    )
    spec["system_design"]["scores_are_probabilities"] = True
    train = _frame([f"a{i}" for i in tr], y_tr, "train", {"lr": lr(x_tr)})
    test = _frame([f"b{i}" for i in te], y_te, "test", {"lr": shifted})
    _write("decision-prior-shift", spec, pd.concat([train, test], ignore_index=True))


def near_perfect_rung() -> None:
    """A dropped rung scores ROC AUC 1.000 and accuracy 98% on 120 test rows: it uses a
    flag set by the reviewers after diagnosis. Before: nothing (only the chosen rung's
    headline was looked at). After: a leakage warning naming the rung and the test size."""
    x, y, _ = _cancer()
    x_tr, x_te, y_tr, y_te, _, te = _split(x, y, 120 / len(y), seed=7)
    lr = _fit("lr", x_tr, y_tr)
    noise = np.random.default_rng(1).uniform(0, 0.45, len(y_te))
    leaky = np.where(y_te, 0.55 + noise, 0.45 - noise)
    leaky[np.flatnonzero(y_te)[:2]] = 0.46  # ranked above every benign case, below the gate
    acc = float(((lr(x_te) >= 0.5) == y_te).mean())
    spec = _binary_spec(
        "lr",
        [
            _rung("rule", "Perimeter rule", "heuristic", "kept", latency_ms=1, cost=0),
            _rung(
                "lr",
                "Logistic regression",
                "simple",
                "chosen",
                score_column="score_lr",
                latency_ms=2,
                cost=10,
            ),
            _rung(
                "boost",
                "Boosting with review flags",
                "complex",
                "dropped",
                score_column="score_boost",
                latency_ms=9,
                cost=30,
            ),
        ],
        [{"name": "accuracy", "value": round(acc, 4), "target": 0.9, "headline": True}],
    )
    frame = _frame(
        [f"t{i}" for i in te], y_te, "test", {"lr": lr(x_te), "boost": np.clip(leaky, 0, 1)}
    )
    _write("decision-near-perfect-rung", spec, frame)


def regression_below_mean() -> None:
    """A regression model worse than always predicting the training median. Before: ship
    with conditions (MAE 'meets' a lax target). After: do not ship."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    x, y = load_diabetes(return_X_y=True)
    _, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.3, random_state=0)
    rng = np.random.default_rng(SEED)
    bad = y_tr.mean() + (x_te[:, 2] * 900) + rng.normal(0, 40, len(y_te))  # BMI, overfit slope
    spec = _base("regression")
    spec["operator_view"]["success_metric"] = {
        "metric": "mae",
        "optimal": 40,
        "acceptable": 80,
        "worst_case": 100,
    }
    spec["ladder"] = {
        "chosen": "bmi",
        "baseline": "bmi",
        "rungs": [
            _rung(
                "bmi",
                "BMI slope",
                "simple",
                "chosen",
                score_column="pred_bmi",
                latency_ms=1,
                cost=5,
            )
        ],
    }
    spec["interrogation"]["predictions"] = {"path": "data/predictions.csv", "split_column": "split"}
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": [f"a{i}" for i in range(len(y_tr))],
                    "label": y_tr,
                    "split": "train",
                    "pred_bmi": y_tr,
                }
            ),
            pd.DataFrame(
                {
                    "id": [f"b{i}" for i in range(len(y_te))],
                    "label": y_te,
                    "split": "test",
                    "pred_bmi": np.round(bad, 3),
                }
            ),
        ],
        ignore_index=True,
    )
    _write("decision-regression-below-median", spec, frame)


def slices_in_noise() -> None:
    """Eight slice columns of random halves, on a model whose MAE sits just inside its
    target. Before: every slice whose point estimate missed the target was a warning ('its
    interval still includes the target'). After: information, with how many would miss by
    chance alone; no condition."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import train_test_split

    x, y = load_diabetes(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=1)
    ridge = Ridge(alpha=0.3).fit(x_tr, y_tr).predict(x_te)
    mae = float(np.abs(ridge - y_te).mean())
    rng = np.random.default_rng(SEED)
    columns = {f"group_{k}": np.where(rng.random(len(y_te)) < 0.5, "a", "b") for k in range(8)}
    spec = _base("regression")
    spec["operator_view"]["success_metric"] = {
        "metric": "mae",
        "optimal": 35,
        "acceptable": round(mae + 1.0),
        "worst_case": 70,
    }
    spec["ladder"] = {
        "chosen": "ridge",
        "baseline": "ridge",
        "rungs": [
            _rung(
                "ridge",
                "Ridge regression",
                "simple",
                "chosen",
                score_column="pred_ridge",
                latency_ms=1,
                cost=5,
            )
        ],
    }
    spec["interrogation"]["predictions"] = {
        "path": "data/predictions.csv",
        "slice_columns": sorted(columns),
    }
    frame = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(len(y_te))],
            "label": y_te,
            **columns,
            "pred_ridge": np.round(ridge, 3),
        }
    )
    _write("decision-slices-in-noise", spec, frame)


CASES = [
    reported_only_rung,
    below_majority,
    slower_is_not_simpler,
    simpler_does_as_well,
    secondary_targets,
    prior_shift,
    near_perfect_rung,
    regression_below_mean,
    slices_in_noise,
]


def main(argv: list[str]) -> None:
    wanted = set(argv)
    for case in CASES:
        if not wanted or case.__name__ in wanted:
            case()


if __name__ == "__main__":
    main(sys.argv[1:])
