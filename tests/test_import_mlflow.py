"""`dsreport import mlflow`: a real local MLflow file store (mlflow-skinny, two
scikit-learn runs), imported, validated, filled in and built."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dsreport import api
from dsreport.load.loader import load_bundle
from helpers import Run
from mlflow_store import Store, make_store
from openitems import HUMAN, fill_open_items, open_items

pytestmark = pytest.mark.slow

LOGGED_AS = {
    "accuracy_score": "accuracy",
    "recall_score": "recall",
    "precision_score": "precision",
    "f1_score": "f1",
    "roc_auc": "roc_auc",
    "log_loss": "log_loss",
    "precision_recall_auc": "precision_recall_auc",
}
"""The test metrics `mlflow.evaluate` logs for a binary classifier, and dsreport's names."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return make_store(tmp_path_factory.mktemp("mlflow"))


@pytest.fixture(scope="module")
def imported(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    into = tmp_path_factory.mktemp("import") / "tumour-triage"
    started = api.import_mlflow(
        [store.runs["logreg"], store.runs["forest"]],
        into,
        rungs={"logreg": store.runs["logreg"], "forest": store.runs["forest"]},
        chosen="logreg",
        uri=store.uri,
    )
    return started.path


def test_validate_lists_only_the_human_written_parts(imported: Path) -> None:
    assert set(open_items(imported)) == HUMAN - {"system_design.inputs"} | {
        "ladder.rungs[0].kind",
        "ladder.rungs[0].reason",
        "ladder.rungs[1].kind",
        "ladder.rungs[1].decision",
        "ladder.rungs[1].reason",
    }


def test_filled_in_it_builds_and_says_what_mlflow_logged(
    imported: Path, store: Store, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    fill_open_items(imported, "binary")
    result = cli("build", imported, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    facts = json.loads((tmp_path / "out" / "tumour-triage-facts.json").read_text("utf-8"))
    reported = {
        (m["rung"], m["name"]): m["value"] for m in facts["bundle"]["interrogation"]["metrics"]
    }
    expected = {
        (rung, LOGGED_AS[name]): value
        for rung, run in store.runs.items()
        for name, value in store.metrics[run].items()
        if name in LOGGED_AS
    }
    assert reported == expected
    # the analysis recomputes what it can from the evaluation tables: the same numbers
    overall = {
        (m["rung"], m["name"]): m
        for m in facts["metrics"]
        if m["split"] == "test" and m["slice_key"] is None
    }
    for key, value in expected.items():
        assert overall[key]["value"]["value"] == pytest.approx(value, abs=1e-9), key
    assert overall[("logreg", "precision_recall_auc")]["source"] == "reported"
    assert overall[("logreg", "roc_auc")]["source"] == "computed"
    assert "reported-differs" not in {f["id"] for f in facts["findings"]}


def test_the_contract_is_the_signature_and_its_input_example(imported: Path, store: Store) -> None:
    design = load_bundle(imported).spec.system_design
    assert [f.name for f in design.inputs] == store.signature_inputs
    assert {f.type for f in design.inputs} == {"number"}
    example = json.loads(
        next((Path(urlparse(store.uri).path)).rglob("input_example.json")).read_text("utf-8")
    )
    row = dict(zip(example["columns"], example["data"][0], strict=True))
    assert {f.name: f.example for f in design.inputs} == {k: str(v) for k, v in row.items()}
    assert [(f.name, f.type) for f in design.outputs] == [("score", "number")]


def test_the_model_is_referenced_by_hash_and_its_environment_kept(
    imported: Path, store: Store
) -> None:
    spec = load_bundle(imported).spec
    for rung in spec.ladder.rungs:
        assert rung.model is not None
        assert rung.model.run == store.runs[rung.id]
        path = Path(urlparse(rung.model.uri).path)
        assert path.name == "model.pkl"
        assert rung.model.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert rung.model.flavors == ["sklearn"]
    shipped = spec.system_design.model
    assert shipped is not None
    assert [(f.path, f.sha256) for f in shipped.files] == [
        (
            "model/model.pkl",
            hashlib.sha256((imported / "model" / "model.pkl").read_bytes()).hexdigest(),
        )
    ]
    environment = shipped.environment
    chosen = next(r for r in spec.ladder.rungs if r.id == "logreg")
    assert chosen.model is not None
    folder = Path(urlparse(chosen.model.uri).path).parent
    assert environment.requirements == (folder / "requirements.txt").read_text().split()
    assert environment.python is not None
    assert f"python: {environment.python}" in (folder / "python_env.yaml").read_text()
    logreg = spec.ladder.rungs[0]
    assert logreg.latency_ms == 0.4
    assert set(logreg.cv_metrics) == {"roc_auc"}
    assert logreg.cv_metrics["roc_auc"].folds == 5
    assert set(logreg.train_metrics) == {"roc_auc"}


def test_an_unknown_run_is_a_clear_error(
    store: Store, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    result = cli(
        "import", "mlflow", "0" * 32, "--into", tmp_path / "b", "--tracking-uri", store.uri
    )
    assert result.exit_code == 2
    assert result.err_lines[0].startswith(f"error: MLflow run '{'0' * 32}' cannot be read from ")
    assert not (tmp_path / "b").exists()
