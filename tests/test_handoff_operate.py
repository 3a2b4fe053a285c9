"""The handoff as engineers ship and operate it: the real model, its hash, settings and the
golden set, the stricter contract, monitor.py, serve.py, batch.py and the Python floor."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import vermin

import dsreport
from dsreport.errors import BuildError, BundleError
from dsreport.load.loader import collect_problems, load_bundle
from dsreport.render.handoff.monitor import Signal, check
from helpers import EXAMPLES, edit_yaml

NAMES = ["tumour-triage", "digit-routing", "disease-progression"]


class Package:
    def __init__(self, root: Path) -> None:
        self.root = root

    def json(self, rel: str) -> Any:
        return json.loads((self.root / rel).read_text(encoding="utf-8"))

    def lines(self, rel: str) -> list[Any]:
        text = (self.root / rel).read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def module(self, name: str) -> ModuleType:
        """A generated module of code/, imported under a name of its own."""
        sys.path.insert(0, str(self.root / "code"))
        try:
            spec = importlib.util.spec_from_file_location(
                f"pkg_{id(self)}_{name}", self.root / "code" / f"{name}.py"
            )
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
        finally:
            sys.path.remove(str(self.root / "code"))
            for cached in ("handoff_contract", "handoff_model", "serve", "predict"):
                sys.modules.pop(cached, None)


def build_package(bundle: Path, out: Path) -> Package:
    result = dsreport.build(bundle, out, only=["engineer"])
    return Package(out / f"{result.facts.slug}-handoff")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Package]:
    base = tmp_path_factory.mktemp("operate")
    return {name: build_package(EXAMPLES / name, base / name) for name in NAMES}


def copy_package(package: Package, tmp_path: Path) -> Package:
    root = tmp_path / package.root.name
    shutil.copytree(package.root, root)
    return Package(root)


def copy_example(tmp_path: Path, name: str = "tumour-triage") -> Path:
    target = tmp_path / "bundles" / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def run(
    args: list[str], cwd: Path, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HANDOFF_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [python, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def contract_test(root: Path, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    return run(["-m", "pytest", "-q", "-rfs", "-p", "no:cacheprovider"], root / "code", python)


# ---------------------------------------------------------------------------- the model


def test_the_model_file_is_copied_byte_for_byte_and_in_the_manifest(
    packages: dict[str, Package],
) -> None:
    package = packages["tumour-triage"]
    data = (package.root / "model" / "tumour-triage.skops").read_bytes()
    assert data == (EXAMPLES / "tumour-triage" / "model" / "tumour-triage.skops").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    manifest = (package.root / "MANIFEST.sha256").read_text(encoding="utf-8")
    assert f"{digest}  model/tumour-triage.skops\n" in manifest
    mlmodel = (package.root / "model" / "MLmodel").read_text(encoding="utf-8")
    import yaml

    descriptor = yaml.safe_load(mlmodel)
    assert descriptor["files"] == [
        {"path": "model/tumour-triage.skops", "sha256": digest, "format": "skops"}
    ]
    assert descriptor["flavors"]["python_function"]["loader_module"] == "handoff_model"
    assert descriptor["flavors"]["sklearn"]["serialization_format"] == "skops"
    assert json.loads(descriptor["signature"]["params"]) == [
        {"name": "threshold", "type": "double", "default": 0.2, "shape": None}
    ]
    assert yaml.safe_load((package.root / "model" / "python_env.yaml").read_text()) == {
        "python": package_python(package),
        "build_dependencies": ["pip"],
        "dependencies": ["-r ../requirements.txt"],
    }
    digits = yaml.safe_load((packages["digit-routing"].root / "model" / "MLmodel").read_text())
    assert digits["array_shapes"] == {"pixels": [64]}
    assert {"name": "pixels", "required": True, "type": "array", "items": {"type": "long"}} in (
        json.loads(digits["signature"]["inputs"])
    )


def package_python(package: Package) -> str:
    bundle = load_bundle(EXAMPLES / "tumour-triage")
    assert bundle.environment.python is not None
    return bundle.environment.python


def test_requirements_pin_the_model_environment_and_name_the_python(
    packages: dict[str, Package],
) -> None:
    text = (packages["tumour-triage"].root / "requirements.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    pinned = [line for line in lines if "==" in line]
    assert [line.split("==")[0] for line in pinned] == [
        "scikit-learn",
        "numpy",
        "scipy",
        "joblib",
        "threadpoolctl",
        "skops",
    ]
    assert lines[len(pinned) :] == ["pytest>=7", "jsonschema>=4.18"]
    assert f"evaluated with Python {package_python(packages['tumour-triage'])}" in text


def test_the_environment_is_read_from_an_mlflow_run_s_files(tmp_path: Path) -> None:
    bundle = copy_example(tmp_path)
    text = (bundle / "dsreport.yaml").read_text(encoding="utf-8")
    start = text.index("      python: ")
    end = text.index("    training_code:")
    (bundle / "dsreport.yaml").write_text(
        text[:start]
        + "      files: [mlflow/requirements.txt, mlflow/python_env.yaml, mlflow/conda.yaml]\n"
        + text[end:],
        encoding="utf-8",
    )
    (bundle / "mlflow").mkdir()
    (bundle / "mlflow" / "requirements.txt").write_text(
        "mlflow==2.19.0\nscikit-learn==1.9.1  # the model\ncloudpickle>=3\n", encoding="utf-8"
    )
    (bundle / "mlflow" / "python_env.yaml").write_text(
        "python: 3.11.7\nbuild_dependencies: [pip]\ndependencies: [-r requirements.txt]\n",
        encoding="utf-8",
    )
    (bundle / "mlflow" / "conda.yaml").write_text(
        "dependencies:\n- python=3.11.7\n- pip:\n  - skops==0.16.0\n", encoding="utf-8"
    )
    loaded = load_bundle(bundle)
    assert loaded.environment.python == "3.11.7"
    assert loaded.environment.requirements == [
        "mlflow==2.19.0",
        "scikit-learn==1.9.1",
        "cloudpickle>=3",
        "skops==0.16.0",
    ]
    assert [(p.key, p.message) for p in loaded.warnings if "pinned" in p.message] == [
        (
            "system_design.model.environment.files[0]",
            "mlflow/requirements.txt line 3: 'cloudpickle>=3' is not pinned to one version",
        )
    ]


def test_a_model_file_that_does_not_match_its_hash_fails_validate(tmp_path: Path) -> None:
    bundle = copy_example(tmp_path)
    path = bundle / "model" / "tumour-triage.skops"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    errors = [p for p in collect_problems(bundle) if p.severity == "error"]
    found = hashlib.sha256(bytes(data)).hexdigest()
    declared = "50ca895a90914896ef755a0495fdaa94fa1a3c4b7cbb0e33076418d6715c8e17"
    assert [(p.key, p.message) for p in errors] == [
        (
            "system_design.model.files[0].sha256",
            f"'model/tumour-triage.skops' has SHA-256 {found}, not the declared {declared}",
        )
    ]
    assert errors[0].line is not None
    with pytest.raises(BundleError):
        dsreport.build(bundle, tmp_path / "out")
    assert not (tmp_path / "out").exists()


class Planted:
    """Unpickling this creates the marker file: the proof a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_no_build_or_test_ever_unpickles_a_bundle_file(tmp_path: Path) -> None:
    marker = tmp_path / "UNPICKLED"
    bundle = copy_example(tmp_path)
    payload = pickle.dumps(Planted(marker))
    (bundle / "model" / "model.pkl").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    edit_yaml(
        bundle, "      - path: model/tumour-triage.skops\n", "      - path: model/model.pkl\n"
    )
    edit_yaml(
        bundle,
        '        sha256: "50ca895a90914896ef755a0495fdaa94fa1a3c4b7cbb0e33076418d6715c8e17"',
        f'        sha256: "{digest}"',
    )
    problems = collect_problems(bundle)
    assert [(p.severity, p.message) for p in problems if "pickle" in p.message] == [
        ("warning", "'model/model.pkl' is a pickle file: loading it runs code stored in it")
    ]
    dsreport.check(bundle)
    result = dsreport.build(bundle, tmp_path / "out")
    assert not marker.exists()
    package = tmp_path / "out" / f"{result.facts.slug}-handoff"
    assert (package / "model" / "model.pkl").read_bytes() == payload
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert "**Pickle runs code.**" in readme
    test = contract_test(package)
    assert not marker.exists()
    assert "model/model.pkl is a pickle file: loading it runs the code stored in it" in test.stdout
    assert "set HANDOFF_ALLOW_PICKLE=1 to allow it" in test.stdout
    loader = Package(package).module("handoff_model")
    with pytest.raises(loader.PickleRefused):
        loader.load()
    assert not marker.exists()


def test_a_tampered_model_in_the_package_is_refused_before_loading(
    packages: dict[str, Package], tmp_path: Path
) -> None:
    package = copy_package(packages["tumour-triage"], tmp_path)
    path = package.root / "model" / "tumour-triage.skops"
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    loader = package.module("handoff_model")
    with pytest.raises(loader.ModelIntegrityError, match="it is not the evaluated model"):
        loader.load()
    assert package.module("serve").ready()["status"] == "not ready"
    test = contract_test(package.root)
    assert test.returncode == 1
    assert "FAILED test_contract.py::test_the_model_files_are_the_evaluated_ones" in test.stdout


# ---------------------------------------------------------------------------- golden set


@pytest.mark.parametrize("name", NAMES)
def test_the_contract_test_runs_the_real_model_on_the_golden_set_without_a_skip(
    name: str, packages: dict[str, Package], tmp_path: Path
) -> None:
    package = copy_package(packages[name], tmp_path)
    golden = package.lines("contract/golden.jsonl")
    assert 20 <= len(golden) <= 50
    test = contract_test(package.root)
    assert test.returncode == 0, test.stdout + test.stderr
    assert "skipped" not in test.stdout
    assert "test_the_golden_set_gets_its_responses" not in test.stdout  # none failed
    collected = run(
        ["-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider"], package.root / "code"
    ).stdout
    assert collected.count("test_the_golden_set_gets_its_responses[") == len(golden)


def test_without_the_model_s_packages_the_model_tests_skip_and_say_why(
    packages: dict[str, Package], tmp_path: Path
) -> None:
    package = copy_package(packages["tumour-triage"], tmp_path)
    code = (
        "import sys, pytest; sys.modules['skops'] = None; "
        "sys.exit(pytest.main(['-q', '-rs', '-p', 'no:cacheprovider']))"
    )
    test = run(["-c", code], package.root / "code")
    assert test.returncode == 0, test.stdout + test.stderr
    assert (
        "the model's requirements are not installed: No module named 'skops' "
        "(pip install -r ../requirements.txt)" in test.stdout
    )
    golden = len(package.lines("contract/golden.jsonl"))
    assert f"{golden + 2} skipped" in test.stdout  # the golden rows and the example, twice


def test_golden_rows_cover_both_sides_of_every_setting_and_every_class(
    packages: dict[str, Package],
) -> None:
    for name, setting in (
        ("tumour-triage", "threshold"),
        ("digit-routing", "gate"),
        ("disease-progression", "priority_at"),
    ):
        facts = dsreport.check(EXAMPLES / name)
        assert facts.operations is not None and facts.operations.golden is not None
        golden = facts.operations.golden
        (side,) = golden.settings
        assert side.name == setting and side.below > 0 and side.above > 0
        assert all(count > 0 for counts in golden.classes.values() for count in counts.values())
    digits = dsreport.check(EXAMPLES / "digit-routing").operations
    assert digits is not None and digits.golden is not None
    assert sorted(digits.golden.classes["digit"]) == [str(d) for d in range(10)]


def set_setting(package: Package, name: str, value: float) -> None:
    path = package.root / "settings.json"
    values = json.loads(path.read_text(encoding="utf-8"))
    values[name] = value
    path.write_text(json.dumps(values), encoding="utf-8")


def test_moving_the_threshold_past_a_golden_row_fails_the_contract_test(
    packages: dict[str, Package], tmp_path: Path
) -> None:
    package = copy_package(packages["tumour-triage"], tmp_path)
    facts = dsreport.check(EXAMPLES / "tumour-triage")
    assert facts.operations is not None and facts.operations.golden is not None
    side = facts.operations.golden.settings[0]
    assert side.nearest_above is not None and side.nearest_below is not None
    set_setting(package, "threshold", (0.2 + side.nearest_above) / 2)  # crosses no row
    assert contract_test(package.root).returncode == 0
    set_setting(package, "threshold", side.nearest_above + 0.001)  # past the nearest row above
    test = contract_test(package.root)
    assert test.returncode == 1
    assert "test_the_golden_set_gets_its_responses" in test.stdout
    assert "$.priority: expected 'senior_first', got 'routine'" in test.stdout
    assert "settings.json differs from the defaults: threshold" in test.stdout


def test_the_settings_table_comes_from_the_analysis(packages: dict[str, Package]) -> None:
    facts = dsreport.check(EXAMPLES / "tumour-triage")
    assert facts.operations is not None
    (table,) = facts.operations.settings
    assert [r.value for r in table.rows] == [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]
    default = next(r for r in table.rows if r.default)
    recall = next(
        m
        for m in facts.metrics
        if m.name == "recall" and m.slice_key is None and m.rung == "logreg" and m.split == "test"
    )
    assert default.metrics["recall"].text == recall.value.text
    readme = (packages["tumour-triage"].root / "README.md").read_text(encoding="utf-8")
    assert "| threshold | share at or above | recall | precision | specificity |" in readme
    row = f"| **0.2 (default)** | {default.flagged.text} | " + " | ".join(
        m.text for m in default.metrics.values()
    )
    assert row + " |" in readme
    gate = dsreport.check(EXAMPLES / "digit-routing").operations
    assert gate is not None and list(gate.settings[0].rows[0].metrics) == ["accuracy", "error_rate"]


# ---------------------------------------------------------------------------- contract


def test_nan_infinity_and_malformed_arrays_are_rejected_with_the_field_name(
    packages: dict[str, Package],
) -> None:
    package = packages["digit-routing"]
    checks = package.module("handoff_contract")
    schema = package.json("contract/input.schema.json")
    assert schema["properties"]["pixels"] | {"description": "", "examples": []} == {
        "type": "array",
        "minItems": 64,
        "maxItems": 64,
        "items": {"type": "integer", "minimum": 0, "maximum": 16},
        "description": "",
        "examples": [],
    }
    good = package.lines("contract/examples.jsonl")[0]["request"]
    assert checks.problems(good, schema) == []
    cases = {
        "short": (good["pixels"][:10], "minItems"),
        "long": (good["pixels"] + [0], "maxItems"),
        "string": (["7", *good["pixels"][1:]], "type"),
        "boolean": ([True, *good["pixels"][1:]], "type"),
        "null": ([None, *good["pixels"][1:]], "type"),
        "999": ([999, *good["pixels"][1:]], "maximum"),
        "negative": ([-1, *good["pixels"][1:]], "minimum"),
        "NaN": ([float("nan"), *good["pixels"][1:]], "finite"),
        "Infinity": ([float("inf"), *good["pixels"][1:]], "finite"),
    }
    for label, (value, rule) in cases.items():
        for builtin in (False, True):
            if builtin:  # the validator without jsonschema installed
                saved, checks.jsonschema = checks.jsonschema, None
            try:
                found = checks.problems(dict(good, pixels=value), schema)
            finally:
                if builtin:
                    checks.jsonschema = saved
            assert found, label
            assert any(p.rule == rule for p in found), (label, found)
            assert all(p.field.split("[")[0] == "pixels" for p in found), (label, found)
    tumour = packages["tumour-triage"]
    checks = tumour.module("handoff_contract")
    request = tumour.lines("contract/examples.jsonl")[0]["request"]
    schema = tumour.json("contract/input.schema.json")
    for value in (float("nan"), float("inf"), float("-inf")):
        found = checks.problems(dict(request, mean_radius=value), schema)
        assert [(p.field, p.rule) for p in found] == [("mean_radius", "finite")]
    for literal in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(checks.ContractError):
            checks.loads('{"mean_radius": ' + literal + "}")


def test_serve_falls_back_on_nan_and_logs_the_field_and_rule_never_the_value(
    packages: dict[str, Package], caplog: pytest.LogCaptureFixture
) -> None:
    package = packages["tumour-triage"]
    serve = package.module("serve")
    request = package.lines("contract/examples.jsonl")[0]["request"]
    assert serve.health() == {"status": "ok"}
    assert serve.ready() == {"status": "ok"}
    assert serve.serve(request) is not None
    caplog.set_level(logging.INFO)
    assert serve.serve(dict(request, mean_radius=float("nan"), mean_area=987654.5)) is None
    text = caplog.text
    assert "fallback reason=contract field=mean_radius rule=finite" in text
    assert "fallback reason=contract field=mean_area rule=maximum" in text
    assert "987654" not in text and "nan" not in text.lower().replace("reason", "")
    caplog.clear()
    body = json.dumps(request).replace(str(request["mean_radius"]), "NaN")
    assert serve.serve_text(body) is None
    assert "fallback reason=not_json error=ContractError" in caplog.text


def test_validate_warns_about_an_array_without_an_item_type(tmp_path: Path) -> None:
    bundle = copy_example(tmp_path, "digit-routing")
    edit_yaml(bundle, "      type: array\n      items: integer\n", "      type: array\n")
    warnings = [p for p in collect_problems(bundle) if p.severity == "warning"]
    assert [(p.key, p.message) for p in warnings] == [
        (
            "system_design.inputs[1].type",
            "array field 'pixels' has no item type: any item passes the contract",
        )
    ]


# ---------------------------------------------------------------------------- monitoring


def _log(package: Package, path: Path, change: Any = None) -> Path:
    """A monitoring log made from the test predictions: each test row's request, the
    chosen model's response and the true outcome."""
    rows = list(
        csv.DictReader(
            io.StringIO(
                (EXAMPLES / "tumour-triage" / "data" / "predictions.csv").read_text("utf-8")
            )
        )
    )
    fields = list(package.json("contract/input.schema.json")["properties"])
    with path.open("w", encoding="utf-8") as out:
        for i, row in enumerate(rows):
            request: dict[str, Any] = {name: float(row[name]) for name in fields}
            p = float(row["score_logreg"])
            response = {"p_malignant": p, "priority": "senior_first" if p >= 0.2 else "routine"}
            if change is not None:
                change(i, request, response)
            line = {
                "id": row["id"],
                "time": f"2027-01-04T09:{i % 60:02d}:00+00:00",
                "request": request,
                "response": response,
                "latency_ms": 0.7,
                "outcome": row["label"],
            }
            out.write(json.dumps(line) + "\n")
    return path


def _monitor(package: Package, log: Path) -> subprocess.CompletedProcess[str]:
    return run(["code/monitor.py", str(log)], package.root)


def test_monitor_computes_every_signal_and_is_quiet_on_the_test_predictions(
    packages: dict[str, Package], tmp_path: Path
) -> None:
    package = packages["tumour-triage"]
    result = _monitor(package, _log(package, tmp_path / "log.jsonl"))
    assert result.returncode == 0, result.stdout + result.stderr
    states = {line.split()[1]: line.split()[0] for line in result.stdout.splitlines()}
    signals = [s["id"] for s in package.json("monitoring.json")["signals"]]
    assert list(states) == signals
    assert set(states.values()) == {"ok"}
    assert {"feature_drift:mean_radius", "missing_rate:mean_radius", "positive_rate"} <= set(states)
    assert "slice_floor:texture_band=high" in states


def test_monitor_names_the_signal_on_drift_missing_values_and_a_moved_positive_rate(
    packages: dict[str, Package], tmp_path: Path
) -> None:
    package = packages["tumour-triage"]

    def shift(i: int, request: dict[str, Any], response: dict[str, Any]) -> None:
        request["mean_texture"] = min(request["mean_texture"] + 6, 39.3)

    def missing(i: int, request: dict[str, Any], response: dict[str, Any]) -> None:
        if i % 10 == 0:
            del request["worst_area"]

    def positive(i: int, request: dict[str, Any], response: dict[str, Any]) -> None:
        if i % 4 == 0:
            response["priority"] = "senior_first"

    for change, signal in (
        (shift, "feature_drift:mean_texture"),
        (missing, "missing_rate:worst_area"),
        (positive, "positive_rate"),
    ):
        result = _monitor(package, _log(package, tmp_path / f"{signal}.jsonl", change))
        assert result.returncode == 1, (signal, result.stdout)
        alerts = result.stdout.splitlines()[-1]
        assert alerts.startswith("alert: ") and signal in alerts.split(": ", 1)[1].split(", ")


def test_monitoring_never_falls_back_before_it_alerts() -> None:
    inverted = Signal(
        id="metric_floor:recall",
        kind="metric_floor",
        subject="Recall",
        machine={"alert_below": 0.85, "fallback_below": 0.9},
    )
    with pytest.raises(BuildError, match="metric_floor:recall falls back above its alert line"):
        check([inverted])


def test_monitoring_json_and_the_readme_quote_the_same_numbers(
    packages: dict[str, Package],
) -> None:
    package = packages["tumour-triage"]
    readme = (package.root / "README.md").read_text(encoding="utf-8")
    for signal in package.json("monitoring.json")["signals"]:
        if signal["kind"] in ("input_range", "feature_drift", "missing_rate"):
            continue  # grouped in the README, one example each
        assert signal["rule"].replace("|", "\\|") in readme, signal["id"]
    assert package.json("monitoring.json")["outcomes"] == {
        "source": "The signed-out diagnosis in the laboratory information system, joined to "
        "the scored case by its case id.",
        "delay_days": 14.0,
    }


# ---------------------------------------------------------------------------- the rest


def test_the_batch_interface_scores_a_file_and_marks_fallback_rows(
    packages: dict[str, Package], tmp_path: Path
) -> None:
    package = packages["disease-progression"]
    golden = package.lines("contract/golden.jsonl")
    source = tmp_path / "in.jsonl"
    rows = [json.dumps({"id": g["id"], **g["request"]}) for g in golden[:3]]
    rows.append(json.dumps({"id": "bad", **dict(golden[0]["request"], bmi=99)}))
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(["code/batch.py", str(source), str(tmp_path / "out.jsonl")], package.root)
    assert result.returncode == 0, result.stderr
    assert "4 rows, 1 fall back" in result.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o["response"] for o in out[:3]] == [g["response"] for g in golden[:3]]
    assert out[3] == {
        "id": "bad",
        "response": None,
        "fallback": "contract",
        "field": "bmi",
        "rule": "maximum",
    }
    readme = (package.root / "README.md").read_text(encoding="utf-8")
    assert "## Batch interface" in readme


@pytest.mark.parametrize("name", NAMES)
def test_the_python_floor_is_computed_from_the_code(
    name: str, packages: dict[str, Package]
) -> None:
    package = packages[name]
    floor = (3, 0)
    for path in sorted(package.root.rglob("*.py")):
        found = vermin.visit(path.read_text(encoding="utf-8"), vermin.Config()).minimum_versions()
        floor = max(floor, tuple(found[1]))
    claim = f"The package's code needs Python {floor[0]}.{floor[1]} or later"
    assert claim in (package.root / "README.md").read_text(encoding="utf-8")
    requirements = (package.root / "requirements.txt").read_text(encoding="utf-8")
    assert f"needs Python {floor[0]}.{floor[1]} or later" in requirements


def test_bundle_code_that_needs_a_newer_python_raises_the_floor(tmp_path: Path) -> None:
    bundle = copy_example(tmp_path)
    path = bundle / "code" / "predict.py"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n\ndef _kind(value: object) -> str:\n    match value:\n        case int():\n"
        "            return 'int'\n        case _:\n            return 'other'\n",
        encoding="utf-8",
    )
    package = build_package(bundle, tmp_path / "out")
    assert "The package's code needs Python 3.10 or later" in (
        package.root / "README.md"
    ).read_text(encoding="utf-8")


def test_the_handoff_zip_holds_the_model(packages: dict[str, Package]) -> None:
    archive = packages["tumour-triage"].root.parent / "tumour-triage-handoff.zip"
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
    assert "tumour-triage-handoff/model/tumour-triage.skops" in names
    assert "tumour-triage-handoff/code/monitor.py" in names


@pytest.mark.slow
def test_a_fresh_environment_from_requirements_runs_the_real_model_on_the_golden_set(
    tmp_path: Path,
) -> None:
    """As an engineer would: a new virtual environment, only the package's requirements."""
    package = build_package(EXAMPLES / "tumour-triage", tmp_path / "out")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", "-r", str(package.root / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    test = contract_test(package.root, python)
    assert test.returncode == 0, test.stdout + test.stderr
    assert " passed" in test.stdout and "skipped" not in test.stdout
    facts = dsreport.check(EXAMPLES / "tumour-triage")
    assert facts.operations is not None and facts.operations.golden is not None
    nearest = facts.operations.golden.settings[0].nearest_above
    assert nearest is not None
    set_setting(package, "threshold", nearest + 0.001)
    moved = contract_test(package.root, python)
    assert moved.returncode == 1
    assert "FAILED test_contract.py::test_the_golden_set_gets_its_responses" in moved.stdout


@pytest.mark.parametrize("name", NAMES)
def test_the_model_card_s_get_started_snippet_runs(name: str, packages: dict[str, Package]) -> None:
    card = (packages[name].root / "MODEL_CARD.md").read_text(encoding="utf-8")
    section = card.split("## How to get started with the model", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    result = run(["-c", code], packages[name].root)
    assert result.returncode == 0, result.stderr
    first = packages[name].lines("contract/examples.jsonl")[0]["response"]
    assert result.stdout.strip().startswith("{" + repr(next(iter(first)))), result.stdout


def test_bundle_text_never_becomes_code_in_the_generated_python(tmp_path: Path) -> None:
    """Text that would close a docstring and run code stays data in every generated file."""
    bundle = copy_example(tmp_path)
    escape = '\\"\\"\\"\\nraise SystemExit(7)\\n\\"\\"\\"'
    edit_yaml(bundle, 'name: "Tumour triage"', f'name: "Tumour {escape}"')
    edit_yaml(
        bundle,
        'safest_default: "Put the case in the senior-first queue."',
        f'safest_default: "Senior-first. {escape}"',
    )
    package = build_package(bundle, tmp_path / "out")
    for path in sorted((package.root / "code").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        compile(source, str(path), "exec")
        assert "\nraise SystemExit(7)\n" not in source, path.name
    assert package.module("serve").SAFEST_DEFAULT.endswith('"""\nraise SystemExit(7)\n"""')
    test = contract_test(package.root)
    assert test.returncode == 0, test.stdout + test.stderr


def test_a_model_folder_is_hashed_by_its_listing_and_verified_by_the_package(
    tmp_path: Path,
) -> None:
    bundle = copy_example(tmp_path)
    folder = bundle / "model" / "weights"
    (folder / "layers").mkdir(parents=True)
    (folder / "config.json").write_text('{"layers": 2}\n', encoding="utf-8")
    (folder / "layers" / "0.bin").write_bytes(b"\x00\x01\x02")
    listing = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(folder).as_posix()}\n"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )
    digest = hashlib.sha256(listing.encode()).hexdigest()
    edit_yaml(
        bundle,
        '        sha256: "50ca895a90914896ef755a0495fdaa94fa1a3c4b7cbb0e33076418d6715c8e17"\n',
        '        sha256: "50ca895a90914896ef755a0495fdaa94fa1a3c4b7cbb0e33076418d6715c8e17"\n'
        f'      - path: model/weights\n        sha256: "{digest}"\n',
    )
    package = build_package(bundle, tmp_path / "out")
    assert (package.root / "model" / "weights" / "layers" / "0.bin").read_bytes() == b"\x00\x01\x02"
    loader = package.module("handoff_model")
    loader.verify()
    (package.root / "model" / "weights" / "config.json").write_text("{}\n", encoding="utf-8")
    with pytest.raises(loader.ModelIntegrityError, match="model/weights has SHA-256"):
        loader.verify()
    (folder / "link").symlink_to(folder / "config.json")
    errors = [p.message for p in collect_problems(bundle) if p.severity == "error"]
    assert errors == ["'model/weights/link' is a symbolic link"]
