"""Helpers for the analysis tests: real-data predictions, bundles written from them, lookups.

The data come from scikit-learn's bundled datasets (no network): breast cancer for
binary, digits for multiclass, diabetes for regression. A bundle is written as
`dsreport.yaml` (JSON, which is valid YAML) plus CSV tables, loaded with
`dsreport.load` and analysed with `dsreport.analyse.engine.analyse`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dsreport.analyse.engine import analyse
from dsreport.analyse.facts import Facts, FindingFact, MetricFact
from dsreport.api import load

SEED = 20240101
THRESHOLD = 0.5
CHECKS_FAST = {"bootstrap_resamples": 300}
"""Fewer resamples than the default 1,000, so that the many finding bundles stay fast."""


def sklearn_calibration(
    y: Any, scores: Any, bins: int = 10
) -> list[tuple[float, float, float, int]]:
    """(bin low edge, mean score, observed rate, count) per non-empty bin of scikit-learn's
    `calibration_curve(strategy="quantile")`, with the edges and counts of its binning."""
    from sklearn.calibration import calibration_curve

    observed, mean = calibration_curve(y, scores, n_bins=bins, strategy="quantile")
    edges = np.percentile(scores, np.linspace(0, 1, bins + 1) * 100)
    counts = np.bincount(np.searchsorted(edges[1:-1], scores), minlength=bins)
    kept = np.flatnonzero(counts)
    return [
        (float(edges[b]), float(m), float(o), int(counts[b]))
        for b, m, o in zip(kept, mean, observed, strict=True)
    ]


def sklearn_ece(y: Any, scores: Any) -> float:
    """Expected calibration error over scikit-learn's ten equal-count calibration bins."""
    rows = sklearn_calibration(y, scores)
    return sum(c * abs(m - o) for _, m, o, c in rows) / len(scores)


# ---------------------------------------------------------------------------- real data


@dataclass
class BinaryData:
    """Breast cancer, positive class 'malignant'; scores are P(malignant) on the test half."""

    y: np.ndarray[Any, Any]
    """Truth, True = malignant."""
    scores: dict[str, np.ndarray[Any, Any]]
    """rung id -> positive-class score on the test rows."""
    train_scores: dict[str, np.ndarray[Any, Any]]
    y_train: np.ndarray[Any, Any]


@dataclass
class MulticlassData:
    y: np.ndarray[Any, Any]
    """True digit, 0..9."""
    proba: dict[str, np.ndarray[Any, Any]]
    """rung id -> rows x 10 class probabilities."""

    def predicted(self, rung: str) -> np.ndarray[Any, Any]:
        return np.asarray(self.proba[rung].argmax(axis=1))


@dataclass
class RegressionData:
    y: np.ndarray[Any, Any]
    predicted: dict[str, np.ndarray[Any, Any]]


@cache
def binary_data() -> BinaryData:
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = load_breast_cancer()
    x, y = data.data, data.target == 0  # positive: malignant
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
    perimeter = list(data.feature_names).index("worst perimeter")
    rule = LogisticRegression().fit(x_tr[:, [perimeter]], y_tr)
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(x_tr, y_tr)
    gbm = HistGradientBoostingClassifier(random_state=0, max_iter=60).fit(x_tr, y_tr)
    scores = {
        "rule": rule.predict_proba(x_te[:, [perimeter]])[:, 1],
        "lr": lr.predict_proba(x_te)[:, 1],
        "gbm": gbm.predict_proba(x_te)[:, 1],
    }
    train_scores = {
        "rule": rule.predict_proba(x_tr[:, [perimeter]])[:, 1],
        "lr": lr.predict_proba(x_tr)[:, 1],
        "gbm": gbm.predict_proba(x_tr)[:, 1],
    }
    return BinaryData(y_te, scores, train_scores, y_tr)


@cache
def multiclass_data() -> MulticlassData:
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.naive_bayes import GaussianNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = load_digits(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.4, random_state=0, stratify=y)
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.05))
    nb = GaussianNB()
    return MulticlassData(
        y_te,
        {
            "nb": nb.fit(x_tr, y_tr).predict_proba(x_te),
            "lr": lr.fit(x_tr, y_tr).predict_proba(x_te),
        },
    )


@cache
def regression_data() -> RegressionData:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.model_selection import train_test_split

    x, y = load_diabetes(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.4, random_state=0)
    return RegressionData(
        y_te,
        {
            "mean": np.full(len(y_te), y_tr.mean()),
            "ols": LinearRegression().fit(x_tr, y_tr).predict(x_te),
            "ridge": Ridge(alpha=0.3).fit(x_tr, y_tr).predict(x_te),
        },
    )


# ---------------------------------------------------------------------------- bundle specs


def _rung(rung_id: str, kind: str, decision: str, column: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": rung_id,
        "name": rung_id.upper(),
        "kind": kind,
        "decision": decision,
        "reason": f"{decision} for the tests",
        "score_column": column,
        **extra,
    }


def spec(task: str = "binary") -> dict[str, Any]:
    """A complete dsreport.yaml (as a dict) whose analysis, on the matching data, is clean."""
    out: dict[str, Any] = {
        "project": {
            "name": f"Analysis test {task}",
            "version": "1.10",
            "date": "2026-11-20",
            "task": task,
            "authors": [{"name": "Test Author"}],
        },
        "ecosystem": {
            "problem": "A problem.",
            "current_process": "By hand.",
            "users": "Analysts.",
            "business_value": "Time saved.",
            "statement": {
                "product": "Tester",
                "feature": "triage",
                "for_product": "the desk",
                "in_system": "the tool",
                "improves": "speed",
                "achieve": "fewer misses",
            },
        },
        "operator_view": {
            "latency": {"class": "batch", "budget_ms": 300},
            "cost": {"budget": 500, "unit": "EUR per month"},
            "fallback": "By hand.",
            "safest_default": "By hand.",
        },
        "system_design": {
            "inputs": [{"name": "x", "type": "number", "description": "An input."}],
            "outputs": [{"name": "y", "type": "number", "description": "An output."}],
            "model_structure": "A model.",
            "data": {"description": "Some data."},
            "metric_choice": "Because.",
        },
        "interrogation": {
            "seed": SEED,
            "checks": dict(CHECKS_FAST),
            "predictions": {"path": "data/predictions.csv"},
        },
        "audiences": {"owners": [{"name": "Test Author"}], "pm": {"decision": "Approve."}},
    }
    if task == "binary":
        out["operator_view"]["success_metric"] = {
            "metric": "accuracy",
            "optimal": 0.98,
            "acceptable": 0.9,
            "worst_case": 0.8,
        }
        out["system_design"]["scores_are_probabilities"] = True
        out["ladder"] = {
            "chosen": "lr",
            "baseline": "rule",
            "rungs": [
                _rung("rule", "heuristic", "kept", "score_rule", latency_ms=1, cost=5),
                _rung("lr", "simple", "chosen", "score_lr", latency_ms=5, cost=50),
            ],
        }
        out["interrogation"].update(
            {
                "threshold": THRESHOLD,
                "positive_label": "malignant",
                "classes": ["benign", "malignant"],
                "metrics": [{"name": "accuracy", "value": 0.9684, "target": 0.9, "headline": True}],
                "reviewed_examples": {"path": "data/reviewed.csv"},
            }
        )
    elif task == "multiclass":
        out["operator_view"]["success_metric"] = {
            "metric": "macro_f1",
            "optimal": 0.98,
            "acceptable": 0.9,
            "worst_case": 0.8,
        }
        out["ladder"] = {
            "chosen": "lr",
            "baseline": "nb",
            "rungs": [
                _rung("nb", "simple", "kept", "pred_nb", proba_prefix="proba_nb_"),
                _rung("lr", "simple", "chosen", "pred_lr", proba_prefix="proba_lr_"),
            ],
        }
        out["interrogation"]["classes"] = [str(i) for i in range(10)]
    else:
        out["operator_view"]["success_metric"] = {
            "metric": "mae",
            "optimal": 40,
            "acceptable": 50,
            "worst_case": 60,
        }
        out["ladder"] = {
            "chosen": "ridge",
            "baseline": "mean",
            "rungs": [
                _rung("mean", "heuristic", "kept", "pred_mean"),
                _rung("ols", "simple", "kept", "pred_ols"),
                _rung("ridge", "simple", "chosen", "pred_ridge"),
            ],
        }
    return out


def binary_frame(data: BinaryData, rungs: tuple[str, ...] = ("rule", "lr")) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": [f"t{i:04d}" for i in range(len(data.y))],
            "label": np.where(data.y, "malignant", "benign"),
        }
    )
    for rung in rungs:
        frame[f"score_{rung}"] = data.scores[rung]
    return frame


def multiclass_frame(data: MulticlassData) -> pd.DataFrame:
    frame = pd.DataFrame({"id": [f"d{i:04d}" for i in range(len(data.y))], "label": data.y})
    for rung, proba in data.proba.items():
        frame[f"pred_{rung}"] = proba.argmax(axis=1)
        for k in range(proba.shape[1]):
            frame[f"proba_{rung}_{k}"] = proba[:, k]
    return frame


def regression_frame(data: RegressionData) -> pd.DataFrame:
    frame = pd.DataFrame({"id": [f"r{i:04d}" for i in range(len(data.y))], "label": data.y})
    for rung, values in data.predicted.items():
        frame[f"pred_{rung}"] = values
    return frame


def reviewed_frame(n: int, errors: int) -> pd.DataFrame:
    """`n` reviewed examples, the first `errors` of them incorrect."""
    wrong = np.arange(n) < errors
    return pd.DataFrame(
        {
            "id": [f"v{i}" for i in range(n)],
            "input": [f"case {i}" for i in range(n)],
            "model_output": "malignant",
            "expected_output": np.where(wrong, "benign", "malignant"),
            "verdict": np.where(wrong, "incorrect", "correct"),
            "error_category": np.where(wrong, "false alarm", ""),
            "severity": np.where(wrong, "medium", "none"),
            "note": "",
        }
    )


def write_bundle(
    root: Path,
    spec_dict: dict[str, Any],
    predictions: pd.DataFrame | None = None,
    reviewed: pd.DataFrame | None = None,
) -> Path:
    """Write a bundle folder; sections naming a table that is not given are dropped."""
    spec_dict = copy.deepcopy(spec_dict)
    interrogation = spec_dict["interrogation"]
    root.mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    if predictions is None:
        interrogation.pop("predictions", None)
    else:
        predictions.to_csv(root / "data" / "predictions.csv", index=False, float_format="%.17g")
    if reviewed is None:
        interrogation.pop("reviewed_examples", None)
    else:
        reviewed.to_csv(root / "data" / "reviewed.csv", index=False)
    text = json.dumps(spec_dict, indent=2, ensure_ascii=False)
    (root / "dsreport.yaml").write_text(text + "\n", encoding="utf-8")
    return root


def analyse_folder(root: Path) -> Facts:
    return analyse(load(root))


# ---------------------------------------------------------------------------- lookups


def metric(
    facts: Facts,
    name: str,
    rung: str,
    *,
    split: str = "test",
    slice_key: str | None = None,
    slice_value: str | None = None,
    source: str = "computed",
) -> MetricFact:
    found = [
        m
        for m in facts.metrics
        if (m.name, m.rung, m.split, m.slice_key, m.slice_value, m.source)
        == (name, rung, split, slice_key, slice_value, source)
    ]
    assert len(found) == 1, f"{len(found)} metric facts for {name} / {rung} / {split}"
    return found[0]


def findings(facts: Facts, finding_id: str) -> list[FindingFact]:
    return [f for f in facts.findings if f.id == finding_id]


def finding_ids(facts: Facts) -> set[str]:
    return {f.id for f in facts.findings}


def facts_json(facts: Facts) -> str:
    return facts.model_dump_json(indent=2)


def bootstrap_one_by_one(samples: Any, metrics: Any) -> dict[str, tuple[float, float]]:
    """Percentile intervals from one `metrics` call per resample, each metric over the
    resamples that give it: the reference every batched bootstrap must equal."""
    from dsreport.analyse.intervals import replicate_intervals

    values: dict[str, list[float]] = {}
    for sample in samples:
        for name, value in metrics(sample).items():
            values.setdefault(name, []).append(value)
    return replicate_intervals({k: np.asarray(v, dtype=np.float64) for k, v in values.items()})
