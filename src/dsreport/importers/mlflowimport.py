"""`dsreport import mlflow RUN [RUN ...] --into BUNDLE`: a bundle from MLflow runs.

The runs are read (`mlflowrun`), mapped field by field (`mlflowmap`, docs/import.md) and
written with the parts no run holds left open (`writer.skeleton`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from dsreport.bundle.questions import todo
from dsreport.bundle.serving import MODEL_SUFFIXES
from dsreport.errors import UsageError
from dsreport.importers import mlflowmap as M
from dsreport.importers.columns import RungColumns
from dsreport.importers.mlflowrun import (
    LoggedModel,
    RunData,
    csv_bytes,
    read_runs,
    tracking_uri,
)
from dsreport.importers.predictions import Started, ladder, outputs, predictions_section
from dsreport.importers.writer import skeleton, write_bundle

PREDICTIONS = "data/predictions.csv"


def import_mlflow(
    runs: list[str],
    into: str | Path,
    *,
    rungs: dict[str, str] | None = None,
    chosen: str | None = None,
    uri: str | None = None,
    task: str | None = None,
    table: str | None = None,
) -> Started:
    """Write a bundle in `into` from the MLflow runs `runs` (simplest first: the first is
    the baseline). `rungs` maps rung id -> run id; `chosen` is the rung that ships."""
    if not runs:
        raise UsageError("no run given", hint="give one or more MLflow run ids")
    named = dict(rungs or {})
    unknown = [run for run in named.values() if run not in runs]
    runs = [*runs, *(r for r in unknown if r not in runs)]
    location = tracking_uri(uri)
    with tempfile.TemporaryDirectory() as scratch:
        return _write(runs, into, named, chosen, location, task, table, Path(scratch))


def _write(
    runs: list[str],
    into: str | Path,
    named: dict[str, str],
    chosen: str | None,
    location: str,
    task: str | None,
    table: str | None,
    scratch: Path,
) -> Started:
    data = read_runs(runs, location, scratch, table)
    ids = M.rung_ids(data, {run: rung for rung, run in named.items()})
    if chosen is not None and chosen not in ids:
        raise UsageError(f"--chosen {chosen} is not a rung", hint="rungs: " + ", ".join(ids))
    if chosen is None and len(ids) == 1:
        chosen = ids[0]
    task = task or _task(data)
    merged = M.merge_tables(data, ids, task)
    notes = list(merged.notes if merged else [])
    spec = skeleton(Path(into), task)  # MLflow's user tag is a login, not an author
    first = next((run.start_date for run in data if run.start_date), None)
    if first:
        spec["project"]["date"] = first
    ship = data[ids.index(chosen)] if chosen else data[-1]
    spec["system_design"].update(_design(ship, task, merged, notes))
    spec["ladder"], spec["interrogation"] = _evidence(data, ids, chosen, task, merged, notes)
    files = {PREDICTIONS: csv_bytes(merged.frame)} if merged else {}
    shipped = ship.model.file if ship.model else None
    if shipped is not None and "model" in spec["system_design"]:
        files[spec["system_design"]["model"]["files"][0]["path"]] = shipped.read_bytes()
    target = write_bundle(
        into, spec, files, command=f"dsreport import mlflow {' '.join(r[:8] for r in runs)}"
    )
    return Started(target, notes)


def _task(data: list[RunData]) -> str:
    """From the first table (the truth's values), else from the metric names."""
    from dsreport.importers.columns import InferenceError, infer

    for run in data:
        if run.table is not None:
            try:
                return infer(run.table).task
            except InferenceError:
                continue
    names = {name for run in data for name in run.metrics}
    if names & {"true_positives", "true_negatives"}:
        return "binary"
    if names & {"mean_absolute_error", "root_mean_squared_error", "r2_score"}:
        return "regression"
    raise UsageError(
        "the runs do not say what kind of model this is",
        hint="give --task binary, multiclass or regression",
    )


def _design(
    ship: RunData, task: str, merged: M.MergedTable | None, notes: list[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    model = ship.model
    if model is None:
        notes.append(f"run {ship.name}: no logged model; the contract is left for you to write")
    elif model.signature.get("inputs"):
        out["inputs"] = M.contract(model.signature["inputs"], "inputs", model.example, task)
        if model.signature.get("outputs"):
            out["outputs"] = M.contract(model.signature["outputs"], "outputs", None, task)
    else:
        notes.append(f"run {ship.name}: the logged model has no signature")
    if merged is not None:
        out["outputs"] = out.get("outputs") or outputs(merged.inferred)
        out["data"] = {
            "description": todo("system_design.data.description"),
            "splits": _splits(merged),
        }
        if merged.inferred.probabilities:
            out["scores_are_probabilities"] = True
    elif "outputs" not in out:
        out["outputs"] = todo("system_design.outputs")
    if model is not None and model.file is not None:
        if model.file.suffix.lower() in MODEL_SUFFIXES:
            out["model"] = _shipped(model)
        else:
            notes.append(
                f"run {ship.name}: {model.file.name} is not a model file the handoff ships"
            )
    return out


def _shipped(model: LoggedModel) -> dict[str, Any]:
    """`system_design.model`: the chosen run's model file, copied and hashed, and its
    environment (the pinned packages and Python version MLflow recorded)."""
    assert model.file is not None
    out: dict[str, Any] = {"files": [{"path": f"model/{model.file.name}", "sha256": model.sha256}]}
    if "sklearn" in model.flavors:
        out["library"] = "sklearn"
    environment: dict[str, Any] = {}
    if model.python:
        environment["python"] = model.python
    if model.requirements:
        environment["requirements"] = model.requirements
    if environment:
        out["environment"] = environment
    return out


def _splits(merged: M.MergedTable) -> list[dict[str, Any]]:
    from dsreport.importers.predictions import splits

    return splits(merged.frame, merged.inferred)


def _evidence(
    data: list[RunData],
    ids: list[str],
    chosen: str | None,
    task: str,
    merged: M.MergedTable | None,
    notes: list[str],
) -> tuple[dict[str, Any], dict[str, Any]]:
    rungs: list[RungColumns] = []
    metrics: list[dict[str, Any]] = []
    extra: dict[str, dict[str, Any]] = {}
    for rung_id, run in zip(ids, data, strict=True):
        columns = merged.rungs.get(rung_id) if merged else None
        rungs.append(
            RungColumns(
                rung_id,
                score=columns.score if columns else None,
                proba_prefix=columns.proba_prefix if columns else None,
                name=run.name,
                kind=M.kind(run),
                description=M.description(run),
            )
        )
        mapped = M.map_metrics(run, task)
        notes += mapped.notes
        for name, value in mapped.test.items():
            entry: dict[str, Any] = {
                "name": name,
                "value": value,
                "direction": M.direction(name),
                "rung": rung_id,
                "split": "test",
            }
            rows = M.sizes(run, name, mapped.n) if task == "binary" else mapped.n
            if rows:
                entry["n"] = rows
            metrics.append(entry)
        extra[rung_id] = _rung_extra(run, mapped)
    out = ladder(rungs, chosen, scored=False)  # a run without a table keeps its metrics
    for entry in out["rungs"]:
        entry.update(extra[entry["id"]])
    interrogation = predictions_section(merged.inferred, PREDICTIONS) if merged else {}
    if metrics:
        interrogation["metrics"] = metrics
    return out, interrogation


def _rung_extra(run: RunData, mapped: M.Mapped) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if mapped.train:
        out["train_metrics"] = mapped.train
    if mapped.cv:
        out["cv_metrics"] = mapped.cv
    latency = M.latency(run)
    if latency is not None:
        out["latency"] = latency
    if "cost" in run.metrics:
        out["cost"] = run.metrics["cost"]
    if run.model is not None:
        reference: dict[str, Any] = {"uri": run.model.uri, "run": run.id}
        if run.model.sha256:
            reference["sha256"] = run.model.sha256
        if run.model.flavors:
            reference["flavors"] = run.model.flavors
        out["model"] = reference
    return out
