"""MLflow runs -> a bundle: the mapping, field by field (docs/import.md says the same).

| MLflow | bundle |
|---|---|
| each run | a ladder rung (`--rung ID=RUN` names it; else the run's name) |
| test metrics | `interrogation.metrics`, under dsreport's name where known |
| `training_`/`train_` metrics | the rung's `train_metrics` |
| `cv_<metric>_mean` / `_std` with `cv_folds` | the rung's `cv_metrics` |
| `latency_ms` / `latency_s` (with `latency_batch_size`) | the rung's `latency` |
| `cost` | the rung's `cost` |
| parameters | the rung's `description` |
| the logged model (URI, SHA-256, flavours) | the rung's `model` (never loaded) |
| the chosen run's signature | `system_design.inputs` / `outputs` |
| its input example | each field's `example` |
| its requirements.txt, python_env.yaml | `system_design.environment` |
| an evaluation or predictions table | `interrogation.predictions`, one score column per rung |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from dsreport.bundle.sections import Constraints
from dsreport.importers.columns import (
    InferenceError,
    Inferred,
    RungColumns,
    infer,
    most_probable,
)
from dsreport.importers.mlflowrun import RunData
from dsreport.load.loaded import slugify
from dsreport.vocabulary import GLOSSARY, LOWER_IS_BETTER, METRIC_ALIASES

MLFLOW_NAMES: Final = {
    "accuracy_score": "accuracy",
    "recall_score": "recall",
    "precision_score": "precision",
    "f1_score": "f1",
    "roc_auc": "roc_auc",
    "log_loss": "log_loss",
    "balanced_accuracy_score": "balanced_accuracy",
    "average_precision_score": "average_precision",
    "brier_score_loss": "brier",
    "mean_absolute_error": "mae",
    "root_mean_squared_error": "rmse",
    "r2_score": "r2",
    "mean_absolute_percentage_error": "mape",
}
"""Names `mlflow.evaluate` and scikit-learn give -> dsreport's (binary and regression)."""
MULTICLASS_NAMES: Final = {
    "accuracy_score": "accuracy",
    "log_loss": "log_loss",
    "f1_score": "weighted_f1",
    "precision_score": "weighted_precision",
    "recall_score": "weighted_recall",
    "roc_auc": "weighted_roc_auc",
    "balanced_accuracy_score": "balanced_accuracy",
}
"""Multiclass: `mlflow.evaluate` averages precision, recall, F1 and ROC AUC weighted by
class size by default; they keep that meaning in their names."""
SKIPPED: Final = frozenset(
    {
        "score",
        "example_count",
        "true_negatives",
        "false_positives",
        "false_negatives",
        "true_positives",
        "sum_on_target",
        "mean_on_target",
        "cv_folds",
        "latency_batch_size",
    }
)
"""Counts and bookkeeping, not metrics (`example_count` becomes each metric's `n`)."""
SPLITS: Final = (
    ("training_", "train"),
    ("train_", "train"),
    ("test_", "test"),
    ("eval_", "test"),
    ("val_", "validation"),
    ("validation_", "validation"),
)
LOWER_WORDS = re.compile(r"loss|error|mse|mae|rmse|mape|brier|ece|latency", re.IGNORECASE)
SIMPLE: Final = re.compile(
    r"(Logistic|Linear|Ridge|Lasso|ElasticNet|SGD|NaiveBayes|NB$|KNeighbors|DecisionTree|"
    r"Perceptron)",
)
COMPLEX: Final = re.compile(
    r"(Forest|Boost|XGB|LGBM|CatBoost|MLP|SVC|SVR|Bagging|Stacking|Voting|Network)"
)
TYPES: Final = {
    "double": "number",
    "float": "number",
    "integer": "integer",
    "long": "integer",
    "string": "string",
    "boolean": "boolean",
    "datetime": "datetime",
    "binary": "string",
}
DTYPES: Final = {"float": "number", "int": "integer", "uint": "integer", "bool": "boolean"}


@dataclass
class Mapped:
    """One run's metrics in the bundle's terms."""

    test: dict[str, float]
    train: dict[str, float]
    cv: dict[str, dict[str, float]]
    n: int | None
    notes: list[str]


def metric_name(name: str, task: str) -> str:
    """dsreport's name for an MLflow metric name (without split prefix)."""
    table = MULTICLASS_NAMES if task == "multiclass" else MLFLOW_NAMES
    if name in table:
        return table[name]
    if name in GLOSSARY or task == "multiclass":
        return name
    return METRIC_ALIASES.get(name.lower(), name)


def direction(name: str) -> str:
    lower = name in LOWER_IS_BETTER or (name not in GLOSSARY and LOWER_WORDS.search(name))
    return "lower_is_better" if lower else "higher_is_better"


def map_metrics(run: RunData, task: str) -> Mapped:
    notes: list[str] = []
    test: dict[str, float] = {}
    train: dict[str, float] = {}
    cv: dict[str, dict[str, float]] = {}
    folds = _folds(run)
    for raw, value in sorted(run.metrics.items()):
        if raw in SKIPPED or raw.startswith(("latency_", "cost")):
            continue
        if raw.startswith("cv_") and raw.endswith(("_mean", "_std")):
            base, stat = raw[3:].rsplit("_", 1)
            cv.setdefault(metric_name(base, task), {})[stat] = value
            continue
        split, name = next(
            ((split, raw[len(prefix) :]) for prefix, split in SPLITS if raw.startswith(prefix)),
            ("test", raw),
        )
        if split == "validation":
            notes.append(f"run {run.name}: '{raw}' is on the validation split; not imported")
            continue
        mapped = metric_name(name, task)
        if mapped != name:
            notes.append(f"run {run.name}: '{raw}' is read as {mapped}")
        (train if split == "train" else test)[mapped] = value
    complete = {k: v for k, v in cv.items() if {"mean", "std"} <= v.keys()}
    if complete and folds is None:
        notes.append(f"run {run.name}: cross-validation scores without `cv_folds`; not imported")
        complete = {}
    cv_out = {k: {**v, "folds": folds} for k, v in complete.items() if folds is not None}
    count = run.metrics.get("example_count")
    return Mapped(test, train, cv_out, int(count) if count else None, notes)


def _folds(run: RunData) -> int | None:
    for source in (run.metrics, run.params):
        for key in ("cv_folds", "n_splits", "cv"):
            value = source.get(key)
            try:
                number = int(float(value)) if value is not None else None
            except ValueError:
                number = None
            if number is not None and number >= 2:
                return number
    return None


def latency(run: RunData) -> dict[str, Any] | None:
    """`latency_ms` (or `_us`, `_s`) per request, or per `latency_batch_size` requests."""
    for unit in ("ms", "s", "us"):
        value = run.metrics.get(f"latency_{unit}")
        if value is not None:
            batch = run.metrics.get("latency_batch_size") or run.params.get("latency_batch_size")
            out: dict[str, Any] = {"value": value, "unit": unit}
            if batch is not None and int(float(batch)) > 1:
                out["batch_size"] = int(float(batch))
            return out
    return None


def kind(run: RunData) -> str | None:
    """simple or complex from the estimator class (sklearn autolog's tag), if named."""
    estimator = run.tags.get("estimator_class") or run.tags.get("estimator_name") or ""
    if not estimator:
        return None
    name = estimator.rsplit(".", 1)[-1]
    if name.startswith("Dummy"):
        return "heuristic"
    return "complex" if COMPLEX.search(name) else "simple" if SIMPLE.search(name) else None


def description(run: RunData) -> str | None:
    if not run.params:
        return None
    pairs = [f"{k}={v}" for k, v in sorted(run.params.items()) if v not in ("None", "")]
    return "Parameters: " + ", ".join(pairs) + "." if pairs else None


def field_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", name).strip("_") or "field"
    base = base if not base[0].isdigit() else f"f_{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def contract(
    specs: list[dict[str, Any]], side: str, example: dict[str, Any] | None, task: str
) -> list[dict[str, Any]]:
    """MLflow column or tensor specs -> contract fields (types, arrays with item type and
    length, the input example's first row as each field's example)."""
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    for spec in specs:
        original = spec.get("name")
        name = field_name(str(original) if original else _unnamed(spec, side, task), taken)
        entry: dict[str, Any] = {"name": name}
        said = f"the model's column '{original}'" if original else f"the model's {side[:-1]}"
        if spec.get("type") == "tensor":
            tensor = spec.get("tensor-spec", {})
            item = DTYPES.get(re.sub(r"\d+", "", str(tensor.get("dtype", ""))), "number")
            shape = list(tensor.get("shape", [])[1:])  # the first dimension is the batch
            if not shape:  # one value per request
                entry.update(type=item, description=f"{said.capitalize()} ({item}).")
                out.append(entry)
                continue
            entry.update(type="array", items=item)
            length = shape[0] if len(shape) == 1 and shape[0] > 0 else None
            words = f"an array of {length} {item}s" if length else f"an array of {item}s"
            entry["description"] = f"{said.capitalize()}: {words} (shape {tensor.get('shape')})."
            if length and "min_items" in Constraints.model_fields:
                entry["constraints"] = {"min_items": length, "max_items": length}
        elif spec.get("type") == "array":
            item = TYPES.get(str(spec.get("items", {}).get("type")), "string")
            entry.update(type="array", items=item, description=f"{said.capitalize()}, a list.")
        else:
            entry.update(
                type=TYPES.get(str(spec.get("type")), "string"),
                description=f"{said.capitalize()} ({spec.get('type')}).",
            )
        if spec.get("required") is False:
            entry["required"] = False
        value = (example or {}).get(original) if original else None
        if value is not None:
            entry["example"] = str(value)
        out.append(entry)
    return out


def _unnamed(spec: dict[str, Any], side: str, task: str) -> str:
    """A name for an unnamed input or output: what a response of this task holds."""
    if side == "inputs":
        return "input"
    if task == "regression":
        return "prediction"
    kind = str(spec.get("type", "")) + str(spec.get("tensor-spec", {}).get("dtype", ""))
    return "score" if task == "binary" and re.search("double|float", kind) else "label"


def sizes(run: RunData, name: str, n: int | None) -> int | None:
    """Rows a metric counts: recall the positives, precision the flagged, specificity the
    negatives (from MLflow's confusion counts), every other metric all rows."""
    counts = {
        k: run.metrics.get(k)
        for k in ("true_positives", "false_positives", "false_negatives", "true_negatives")
    }
    tp, fp, fn, tn = counts.values()
    pairs = {"recall": (tp, fn), "precision": (tp, fp), "specificity": (tn, fp)}
    if name in pairs:
        a, b = pairs[name]
        return int(a + b) if a is not None and b is not None else None
    return n


def rung_ids(runs: list[RunData], names: dict[str, str]) -> list[str]:
    """`--rung ID=RUN` ids, else the runs' names as identifiers, each unique."""
    taken: set[str] = set()
    out = []
    for run in runs:
        wanted = names.get(run.id) or slugify(run.name).replace("-", "_")
        out.append(field_name(wanted, taken))
    return out


def merge_tables(runs: list[RunData], ids: list[str], task: str | None) -> MergedTable | None:
    """One predictions table for every run with a table: the truth, an id (the tables' own,
    or the row number when the runs scored the same rows in the same order) and each
    rung's score column."""
    found: list[tuple[str, RunData, Inferred]] = []
    notes: list[str] = []
    for rung, run in zip(ids, runs, strict=True):
        if run.table is None:
            notes.append(f"run {run.name}: no evaluation or predictions table")
            continue
        try:
            found.append((rung, run, infer(run.table, task)))
        except InferenceError as exc:
            notes.append(f"run {run.name}: {run.table_name}: {exc}; not used")
    if not found:
        return None
    _, first_run, first = found[0]
    assert first_run.table is not None
    base = first_run.table
    keep = [c for c in (first.id, first.truth, first.split, *first.slices) if c]
    merged = base[keep].copy()
    if first.id is None:
        merged.insert(0, "id", [str(i) for i in range(1, len(merged) + 1)])
        first.id = "id"
    id_column = first.id
    columns: dict[str, RungColumns] = {}
    for rung, run, inferred in found:
        assert run.table is not None
        if len(inferred.rungs) != 1:
            notes.append(
                f"run {run.name}: {run.table_name} holds {len(inferred.rungs)} models' "
                "predictions, not one; not used"
            )
            continue
        (own,) = inferred.rungs
        table = run.table
        if first.id and inferred.id:
            table = table.set_index(inferred.id).reindex(merged[id_column]).reset_index(drop=True)
        elif len(table) != len(merged) or list(table[inferred.truth]) != list(base[first.truth]):
            notes.append(
                f"run {run.name}: its table holds other rows than run {first_run.name}'s and "
                "no id column matches them; not used"
            )
            continue
        score = f"score_{rung}" if task != "multiclass" else f"pred_{rung}"
        if own.score is not None and not own.derived_score:
            merged[score] = list(table[own.score])
        columns[rung] = RungColumns(rung, score=score if own.score else None)
        if own.proba_prefix:
            for label in inferred.classes:
                merged[f"proba_{rung}_{label}"] = list(table[own.proba_prefix + label])
            columns[rung].proba_prefix = f"proba_{rung}_"
            if own.derived_score:
                merged[score] = most_probable(merged, f"proba_{rung}_", inferred.classes)
                columns[rung].score = score
                notes.append(f"run {run.name}: {score} is the class of highest probability")
    notes += [f"table: {n}" for n in first.notes if "holds the truth" not in n]
    return MergedTable(merged, first, id_column, columns, notes)


@dataclass
class MergedTable:
    frame: pd.DataFrame
    inferred: Inferred
    id_column: str
    rungs: dict[str, RungColumns]
    notes: list[str]
