"""Read what an MLflow run holds, through MLflow's own client (`mlflow-skinny`).

Local file stores (`file:` URIs, `mlruns` folders) and any tracking URI the machine can
reach. Only small files are fetched: the MLmodel descriptor, the input example, the
environment files, and the evaluation or predictions table. The model file is fetched to
be hashed and is never loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import yaml

from dsreport.errors import UsageError

TABLE_NAMES = ("predictions.json", "predictions.csv", "predictions.parquet")
EVAL_TABLE = "eval_results_table.json"
ENV_FILES = ("requirements.txt", "python_env.yaml")
QUIET = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}


@dataclass
class LoggedModel:
    uri: str
    """Where the model file lives (an MLflow artifact URI)."""
    sha256: str
    flavors: list[str]
    signature: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """`inputs` and `outputs`: MLflow's column or tensor specs."""
    example: dict[str, Any] | None = None
    """The first row of the input example, by column."""
    requirements: list[str] = field(default_factory=list)
    python: str | None = None
    file: Path | None = None
    """The fetched model file (in a scratch folder, gone after the import)."""


@dataclass
class RunData:
    id: str
    name: str
    metrics: dict[str, float]
    params: dict[str, str]
    tags: dict[str, str]
    start_date: str | None
    model: LoggedModel | None = None
    table: pd.DataFrame | None = None
    table_name: str | None = None


def tracking_uri(given: str | None) -> str:
    """The tracking URI to read: as given, else MLFLOW_TRACKING_URI, else ./mlruns."""
    if given:
        if given.startswith("file:"):
            given = urlparse(given).path  # a missing store would be created, not read
        elif ":" in given and not Path(given).exists():
            return given  # http(s): and the other schemes MLflow knows
        if not Path(given).is_dir():
            raise UsageError(
                f"tracking URI {given}: no such folder",
                hint="give an mlruns folder, a file: URI or a server's URL",
            )
        return Path(given).resolve().as_uri()
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    if Path("mlruns").is_dir():
        return Path("mlruns").resolve().as_uri()
    raise UsageError(
        "no tracking URI: there is no ./mlruns folder and MLFLOW_TRACKING_URI is not set",
        hint="give --tracking-uri (an mlruns folder, a file: URI or a server's URL)",
    )


@contextlib.contextmanager
def _environment(uri: str) -> Iterator[None]:
    """MLflow's telemetry off, and its file store allowed (MLflow 3 refuses to open one
    unless asked), for the duration of the import only."""
    wanted = dict(QUIET)
    if uri.startswith("file:"):
        wanted["MLFLOW_ALLOW_FILE_STORE"] = "true"
    before = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def read_runs(
    run_ids: list[str], uri: str, scratch: Path, table: str | None = None
) -> list[RunData]:
    """Every run's metrics, parameters, logged model and table; fetched files go to
    `scratch`, which the caller removes."""
    try:
        with _environment(uri):
            from mlflow.exceptions import MlflowException
            from mlflow.tracking import MlflowClient
    except ImportError as exc:
        raise UsageError(
            "importing from MLflow needs mlflow-skinny, which is not installed",
            hint="pip install 'dsreport[mlflow]'",
        ) from exc
    with _environment(uri):
        client = MlflowClient(tracking_uri=uri)
        out = []
        for run_id in run_ids:
            try:
                out.append(_read(client, run_id, Path(scratch) / run_id, table))
            except MlflowException as exc:
                raise UsageError(
                    f"MLflow run '{run_id}' cannot be read from {uri}: {exc.message}",
                    hint="check the run id and --tracking-uri",
                ) from exc
        return out


def _read(client: Any, run_id: str, scratch: Path, table: str | None) -> RunData:
    run = client.get_run(run_id)
    start = run.info.start_time
    data = RunData(
        id=run.info.run_id,
        name=run.info.run_name or run.info.run_id[:8],
        metrics=dict(run.data.metrics),
        params=dict(run.data.params),
        tags={k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.log-model")},
        start_date=pd.Timestamp(start, unit="ms").date().isoformat() if start else None,
    )
    scratch.mkdir(parents=True)
    location = _model_location(client, run)
    if location is not None:
        data.model = _model(location, scratch / "model")
    artifacts = {f.path for f in client.list_artifacts(run_id)}
    names = [table] if table else [*TABLE_NAMES, EVAL_TABLE]
    name = next((n for n in names if n in artifacts), None)
    if table and name is None:
        raise UsageError(
            f"run '{run_id}' has no artifact '{table}'",
            hint="artifacts: " + ", ".join(sorted(artifacts)) if artifacts else None,
        )
    if name is not None:
        local = Path(client.download_artifacts(run_id, name, str(scratch)))
        data.table, data.table_name = read_table_artifact(local), name
    return data


def _model_location(client: Any, run: Any) -> str | None:
    """The artifact URI of the run's logged model: MLflow 3 keeps it as a model of its
    own (the run's outputs), MLflow 2 in a folder of the run's artifacts."""
    outputs = getattr(getattr(run, "outputs", None), "model_outputs", None) or []
    for output in outputs:
        return str(client.get_logged_model(output.model_id).artifact_location)
    for info in client.list_artifacts(run.info.run_id):
        if info.is_dir and any(
            f.path.endswith("/MLmodel") for f in client.list_artifacts(run.info.run_id, info.path)
        ):
            return f"{run.info.artifact_uri}/{info.path}"
    return None


def _fetch(uri: str, name: str, scratch: Path) -> Path | None:
    from mlflow.artifacts import download_artifacts
    from mlflow.exceptions import MlflowException

    try:
        return Path(download_artifacts(artifact_uri=f"{uri}/{name}", dst_path=str(scratch)))
    except (MlflowException, OSError):
        return None


def _model(uri: str, scratch: Path) -> LoggedModel:
    scratch.mkdir(parents=True, exist_ok=True)
    descriptor = _fetch(uri, "MLmodel", scratch)
    meta = yaml.safe_load(descriptor.read_text(encoding="utf-8")) if descriptor else {}
    flavors = meta.get("flavors") or {}
    pyfunc = flavors.get("python_function") or {}
    file = pyfunc.get("model_path") or next(
        (f.get("pickled_model") or f.get("data") for f in flavors.values() if isinstance(f, dict)),
        None,
    )
    digest = ""
    fetched = None
    if file:
        fetched = _fetch(uri, str(file), scratch)
        if fetched is not None and fetched.is_file():
            digest = _sha256(fetched)
            kept = scratch.parent / "files" / fetched.name
            kept.parent.mkdir(parents=True, exist_ok=True)
            fetched.replace(kept)
            fetched = kept
    signature = {
        side: json.loads(text)
        for side, text in (meta.get("signature") or {}).items()
        if side in ("inputs", "outputs") and isinstance(text, str)
    }
    model = LoggedModel(
        file=fetched if file and fetched is not None and fetched.is_file() else None,
        uri=f"{uri}/{file}" if file else uri,
        sha256=digest,
        flavors=[f for f in flavors if f != "python_function"],
        signature=signature,
        python=str(pyfunc.get("python_version")) if pyfunc.get("python_version") else None,
    )
    example_info = meta.get("saved_input_example_info") or {}
    if example_info.get("artifact_path"):
        example = _fetch(uri, str(example_info["artifact_path"]), scratch)
        model.example = _first_row(example) if example else None
    requirements = _fetch(uri, "requirements.txt", scratch)
    if requirements is not None:
        model.requirements = [
            line.strip()
            for line in requirements.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith(("#", "-"))
        ]
    env = _fetch(uri, "python_env.yaml", scratch)
    if env is not None:
        python = (yaml.safe_load(env.read_text(encoding="utf-8")) or {}).get("python")
        model.python = str(python) if python else model.python
    return model


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _first_row(path: Path) -> dict[str, Any] | None:
    """The input example's first row: pandas' split orient, or `{"inputs": ...}`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "columns" in data and data.get("data"):
        return dict(zip(data["columns"], data["data"][0], strict=False))
    if isinstance(data, dict) and "inputs" in data:
        inputs = data["inputs"]
        if isinstance(inputs, dict):
            return {k: v[0] if isinstance(v, list) and v else v for k, v in inputs.items()}
        return {"input": inputs[0] if isinstance(inputs, list) and inputs else inputs}
    return None


def read_table_artifact(path: Path) -> pd.DataFrame:
    """A logged table as text cells, the way the bundle's tables are read."""
    if path.suffix == ".json":  # mlflow.log_table: {"columns": [...], "data": [[...], ...]}
        raw = json.loads(path.read_text(encoding="utf-8"))
        frame = pd.DataFrame(raw["data"], columns=raw["columns"])
    elif path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.astype(object).where(frame.notna(), "").map(_text)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # a label logged as 1.0 is the class "1"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue().encode("utf-8")
