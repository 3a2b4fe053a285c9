"""A real local MLflow file store, as a data scientist leaves it: two scikit-learn models on
the breast-cancer data, each run with parameters, `mlflow.evaluate`'s metrics, a logged
model with its signature and input example, and an evaluation table."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass
class Store:
    uri: str
    runs: dict[str, str]
    """rung id -> run id, simplest first."""
    metrics: dict[str, dict[str, float]]
    """run id -> every metric the run logged."""
    signature_inputs: list[str]
    tables: dict[str, pd.DataFrame]


def make_store(folder: Path) -> Store:
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    os.environ["DO_NOT_TRACK"] = "true"
    import mlflow
    from mlflow.models import infer_signature
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    warnings.filterwarnings("ignore")
    uri = (folder / "mlruns").as_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("tumour-triage")
    x, y = load_breast_cancer(return_X_y=True, as_frame=True)
    x.columns = [c.replace(" ", "_") for c in x.columns]
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.4, random_state=0, stratify=y
    )
    models = {
        "logreg": make_pipeline(StandardScaler(), LogisticRegression()),
        "forest": RandomForestClassifier(n_estimators=51, random_state=0, n_jobs=1),  # no 0.5 ties,
    }
    runs: dict[str, str] = {}
    metrics: dict[str, dict[str, float]] = {}
    tables: dict[str, pd.DataFrame] = {}
    for name, model in models.items():
        with mlflow.start_run(run_name=name) as run:
            model.fit(x_train, y_train)
            mlflow.log_params({k: v for k, v in model.get_params().items() if "__" not in k})
            folds = cross_val_score(model, x_train, y_train, cv=5, scoring="roc_auc")
            mlflow.log_metrics(
                {"cv_roc_auc_mean": folds.mean(), "cv_roc_auc_std": folds.std(), "cv_folds": 5}
            )
            mlflow.log_metric("latency_ms", 0.4 if name == "logreg" else 9.5)
            proba = model.predict_proba(x_train)[:, 1]
            mlflow.log_metric("training_roc_auc", float(pd.Series(proba).pipe(_auc, y_train)))
            info = mlflow.sklearn.log_model(
                model,
                name="model",
                signature=infer_signature(x_train, model.predict_proba(x_train)[:, 1]),
                input_example=x_train.head(3),
                serialization_format="cloudpickle",
            )
            evaluation = x_test.assign(label=y_test.to_numpy())
            mlflow.models.evaluate(
                info.model_uri,
                evaluation,
                targets="label",
                model_type="classifier",
                evaluator_config={"log_model_explainability": False},
            )
            table = evaluation.assign(
                id=[f"T{i:04d}" for i in x_test.index],
                probability=model.predict_proba(x_test)[:, 1],
                outputs=model.predict(x_test),
            )
            mlflow.log_table(table, artifact_file="eval_results_table.json")
            runs[name] = run.info.run_id
            tables[name] = table
        metrics[run.info.run_id] = dict(mlflow.get_run(run.info.run_id).data.metrics)
    return Store(uri, runs, metrics, list(x.columns), tables)


def _auc(scores: pd.Series, truth: pd.Series) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(truth, scores))
