"""The engineer's handoff package: structure, contract, model cards, manifest, zip, code."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import dsreport
from dsreport import contract
from dsreport.analyse.engine import analyse
from dsreport.analyse.facts import Facts
from dsreport.bundle.sections import ContractField
from dsreport.errors import BuildError, BundleError
from dsreport.load.loader import load_bundle
from dsreport.render.base import RenderContext, get_renderer
from dsreport.render.handoff.contract import py_type
from helpers import EXAMPLES, TESTS, edit_yaml

NAMES = ["tumour-triage", "digit-routing", "disease-progression"]
MCT_SCHEMA = TESTS / "data" / "model-card-toolkit-v0.0.2.schema.json"
FILES = {
    "MANIFEST.sha256",
    "MODEL_CARD.md",
    "README.md",
    "code/handoff_contract.py",
    "code/handoff_model.py",
    "code/monitor.py",
    "code/predict.py",
    "code/serve.py",
    "code/test_contract.py",
    "contract/examples.jsonl",
    "contract/golden.jsonl",
    "contract/input.schema.json",
    "contract/io_models.py",
    "contract/output.schema.json",
    "model/MLmodel",
    "model/input_example.json",
    "model/python_env.yaml",
    "model_card.json",
    "monitoring.json",
    "requirements.txt",
    "settings.json",
}


class Built:
    def __init__(self, out: Path, facts: Facts) -> None:
        self.out = out
        self.facts = facts
        self.root = out / f"{facts.slug}-handoff"
        self.zip = out / f"{facts.slug}-handoff.zip"

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file()
        }

    def json(self, rel: str) -> Any:
        return json.loads((self.root / rel).read_text(encoding="utf-8"))

    def examples(self) -> list[dict[str, Any]]:
        text = (self.root / "contract" / "examples.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]


def build(bundle: Path, out: Path) -> Built:
    result = dsreport.build(bundle, out, only=["engineer"])
    return Built(out, result.facts)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Each example bundle built once for the module (facts and handoff only)."""
    base = tmp_path_factory.mktemp("handoff")
    return {name: build(EXAMPLES / name, base / name) for name in NAMES}


def copy_example(tmp_path: Path, name: str = "tumour-triage") -> Path:
    target = tmp_path / "bundles" / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def run_contract_test(
    root: Path, *, without_jsonschema: bool = False
) -> subprocess.CompletedProcess[str]:
    code = "import sys, pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider']))"
    if without_jsonschema:
        code = "import sys; sys.modules['jsonschema'] = None; " + code
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root / "code",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def chosen_test_metrics(facts: Facts) -> list[Any]:
    """The chosen rung's test metrics, overall first, then grouped by slice."""
    chosen = facts.bundle["ladder"]["chosen"]
    metrics = [m for m in facts.metrics if m.rung == chosen and m.split == "test"]
    groups: dict[tuple[str | None, str | None], list[Any]] = {(None, None): []}
    for m in metrics:
        groups.setdefault((m.slice_key, m.slice_value), []).append(m)
    return [m for group in groups.values() for m in group]


@pytest.mark.parametrize("name", NAMES)
def test_the_package_holds_exactly_these_files(name: str, examples: dict[str, Built]) -> None:
    built = examples[name]
    assert sorted(p.name for p in built.out.iterdir()) == [
        f"{name}-facts.json",
        f"{name}-handoff",
        f"{name}-handoff.zip",
        f"{name}-summary.md",
    ]
    batch = {"code/batch.py"} if name == "disease-progression" else set()  # a batch model
    assert set(built.files()) == FILES | {f"model/{name}.skops"} | batch
    assert not any(p.is_symlink() for p in built.root.rglob("*"))


@pytest.mark.parametrize("name", NAMES)
def test_the_manifest_covers_every_other_file_and_verifies(
    name: str, examples: dict[str, Built]
) -> None:
    built = examples[name]
    files = built.files()
    lines = files.pop("MANIFEST.sha256").decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert list(listed) == sorted(files)
    assert listed == {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "-c", "--strict", "MANIFEST.sha256"],
            cwd=built.root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("name", NAMES)
def test_the_zip_holds_the_folder_bytes(name: str, examples: dict[str, Built]) -> None:
    built = examples[name]
    files = built.files()
    day = tuple(int(part) for part in built.facts.build_date.split("-"))
    with zipfile.ZipFile(built.zip) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(f"{name}-handoff/{rel}" for rel in files)
        for info in infos:
            assert not info.is_dir()
            assert info.date_time == (*day, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert archive.read(info) == files[info.filename.split("/", 1)[1]]
    if shutil.which("unzip"):
        test = subprocess.run(["unzip", "-tq", built.zip], capture_output=True, check=False)
        assert test.returncode == 0, test.stdout


def test_the_zip_is_byte_identical_across_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    first = build(EXAMPLES / "tumour-triage", tmp_path / "one")
    time.sleep(1.0)
    second = build(EXAMPLES / "tumour-triage", tmp_path / "two")
    assert first.zip.read_bytes() == second.zip.read_bytes()
    assert first.files() == second.files()
    with zipfile.ZipFile(first.zip) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("name", NAMES)
def test_the_contract_schemas_are_2020_12_and_every_example_meets_them(
    name: str, examples: dict[str, Built]
) -> None:
    built = examples[name]
    request = built.json("contract/input.schema.json")
    response = built.json("contract/output.schema.json")
    for schema in (request, response):
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False
    design = built.facts.bundle["system_design"]
    assert list(request["properties"]) == [f["name"] for f in design["inputs"]]
    assert list(response["properties"]) == [f["name"] for f in design["outputs"]]
    cases = built.examples()
    assert cases[0]["id"] == "contract-example"
    for case in cases:
        jsonschema.Draft202012Validator(request).validate(case["request"])
        jsonschema.Draft202012Validator(response).validate(case["response"])


def test_field_constraints_become_schema_keywords(examples: dict[str, Built]) -> None:
    tumour = examples["tumour-triage"].json("contract/input.schema.json")
    assert tumour["properties"]["mean_perimeter"] | {"description": "", "examples": []} == {
        "type": "number",
        "minimum": 43.7,
        "maximum": 189,
        "description": "",
        "examples": [],
    }
    digits = examples["digit-routing"].json("contract/input.schema.json")
    assert digits["properties"]["field_id"]["pattern"] == "^[A-Za-z0-9_-]{1,64}$"
    assert digits["properties"]["pixels"]["type"] == "array"
    progression = examples["disease-progression"].json("contract/input.schema.json")
    assert progression["properties"]["sex"]["enum"] == ["1", "2"]
    assert progression["properties"]["age"]["x-unit"] == "years"


@pytest.mark.parametrize("name", NAMES)
def test_the_hugging_face_card_loads_offline_with_the_facts_as_eval_results(
    name: str, examples: dict[str, Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from huggingface_hub import ModelCard

    built = examples[name]
    card = ModelCard.load(built.root / "MODEL_CARD.md")
    assert card.data.model_name == name
    assert card.data.license == "cc-by-4.0"
    assert card.data.library_name == "sklearn"
    pipeline = "tabular-regression" if name == "disease-progression" else "tabular-classification"
    assert card.data.pipeline_tag == pipeline
    assert "## How to get started with the model" in card.text
    got = [
        (r.metric_type, r.metric_value, r.dataset_split, r.dataset_config)
        for r in card.data.eval_results
    ]
    want = [
        (
            m.name,
            m.value.value,
            m.split,
            None if m.slice_key is None else f"{m.slice_key}={m.slice_value}",
        )
        for m in chosen_test_metrics(built.facts)
    ]
    assert got == want
    for heading in (
        "## Model details",
        "## Intended use",
        "## Factors",
        "## Metrics",
        "## Evaluation data",
        "## Training data",
        "## Quantitative analyses",
        "## Ethical considerations",
        "## Caveats and recommendations",
    ):
        assert heading in card.text


@pytest.mark.parametrize("name", NAMES)
def test_model_card_json_meets_the_model_card_toolkit_schema(
    name: str, examples: dict[str, Built]
) -> None:
    built = examples[name]
    card = built.json("model_card.json")
    schema = json.loads(MCT_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(card)
    metrics = card["quantitative_analysis"]["performance_metrics"]
    assert [(m["type"], float(m["value"])) for m in metrics] == [
        (m.name, m.value.value) for m in chosen_test_metrics(built.facts)
    ]
    assert all(isinstance(m["value"], str) for m in metrics)


def test_monitoring_thresholds_are_the_evaluation_facts(examples: dict[str, Built]) -> None:
    built = examples["tumour-triage"]
    signals = {s["id"]: s["thresholds"] for s in built.json("monitoring.json")["signals"]}
    ops = built.facts.operations
    assert ops is not None and built.facts.headline is not None
    band = ops.rates[0]
    tp, _ = built.facts.charts.confusion["matrix"][0]  # type: ignore[index]
    fp, _ = built.facts.charts.confusion["matrix"][1]  # type: ignore[index]
    assert band.count == tp + fp
    assert signals["positive_rate"]["alert_below"] == band.low.value
    assert signals["positive_rate"]["alert_above"] == band.high.value
    headline = built.facts.headline.metric
    assert headline.interval is not None
    # the interval reaches below the worst case (0.9): the alert moves up to it, never
    # below the fallback line
    assert headline.interval.low < 0.9
    assert signals["metric_floor:recall"]["alert_below"] == 0.9
    assert signals["metric_floor:recall"]["fallback_below"] == 0.9
    assert signals["score_distribution"]["bin_edges"] == ops.distribution.edges  # type: ignore[union-attr]
    assert signals["input_range:mean_radius"] == {
        "statistic": "share_outside_contract",
        "request_field": "mean_radius",
        "alert_above": 0.01,
        "minimum": 6.98,
        "maximum": 28.2,
        "window": {"period": "day"},
    }
    assert {"latency", "contract_rejections"} <= set(signals)
    assert "cost" not in signals  # the bill says what it costs, not the request log
    assert "slice_floor:texture_band=high" in signals
    assert "slice_floor:nucleus_size_band=small" not in signals  # too small to judge


@pytest.mark.parametrize("name", NAMES)
def test_the_generated_contract_test_passes_in_the_unpacked_zip(
    name: str, examples: dict[str, Built], tmp_path: Path
) -> None:
    with zipfile.ZipFile(examples[name].zip) as archive:
        archive.extractall(tmp_path)
    run = run_contract_test(tmp_path / f"{name}-handoff")
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout and "failed" not in run.stdout


def test_the_generated_contract_test_fails_when_an_example_response_is_altered(
    tmp_path: Path, examples: dict[str, Built]
) -> None:
    root = tmp_path / "pkg"
    shutil.copytree(examples["tumour-triage"].root, root)
    path = root / "contract" / "examples.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    cases[0]["response"]["p_malignant"] = 0.5
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    run = run_contract_test(root)
    assert run.returncode == 1
    assert "test_entry_point_reproduces_the_example_response" in run.stdout


def test_the_built_in_validator_takes_over_without_jsonschema(
    tmp_path: Path, examples: dict[str, Built]
) -> None:
    root = tmp_path / "pkg"
    shutil.copytree(examples["disease-progression"].root, root)
    run = run_contract_test(root, without_jsonschema=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "jsonschema (4.0 or later) is not installed" not in run.stdout
    path = root / "contract" / "examples.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    cases[0]["request"]["bmi"] = 99
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    run = run_contract_test(root, without_jsonschema=True)
    assert run.returncode == 1
    assert "test_example_request_meets_the_input_schema" in run.stdout


def test_the_tolerance_comes_from_the_bundle(tmp_path: Path) -> None:
    bundle = copy_example(tmp_path)
    edit_yaml(
        bundle,
        '  entry_point: "predict:predict"\n',
        '  entry_point: "predict:predict"\n  tolerance: {absolute: 0, relative: 0}\n',
    )
    built = build(bundle, tmp_path / "out")
    run = run_contract_test(built.root)
    assert run.returncode == 1  # the example response is rounded to 6 decimals
    assert "test_entry_point_reproduces_the_example_response" in run.stdout


@pytest.mark.parametrize("name", NAMES)
def test_code_files_are_copied_byte_for_byte(name: str, examples: dict[str, Built]) -> None:
    copied = (examples[name].root / "code" / "predict.py").read_bytes()
    assert copied == (EXAMPLES / name / "code" / "predict.py").read_bytes()


def test_code_comes_from_the_loaded_bytes_not_the_disk(tmp_path: Path) -> None:
    bundle_dir = copy_example(tmp_path)
    bundle = load_bundle(bundle_dir)
    loaded = bundle.files["code/predict.py"]
    (bundle_dir / "code" / "predict.py").write_text("changed after loading\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    ctx = RenderContext(facts=analyse(bundle), bundle=bundle, out_dir=out)
    get_renderer("engineer")().render(ctx)
    assert (out / "tumour-triage-handoff" / "code" / "predict.py").read_bytes() == loaded


def test_a_symlinked_code_file_is_refused_at_load(tmp_path: Path) -> None:
    bundle = copy_example(tmp_path)
    outside = tmp_path / "elsewhere.py"
    shutil.move(bundle / "code" / "predict.py", outside)
    (bundle / "code" / "predict.py").symlink_to(outside)
    with pytest.raises(BundleError) as caught:
        load_bundle(bundle)
    assert any("symbolic link" in p.message for p in caught.value.problems)


def test_an_entry_point_outside_the_code_files_is_a_build_error(tmp_path: Path) -> None:
    bundle = copy_example(tmp_path)
    edit_yaml(bundle, 'entry_point: "predict:predict"', 'entry_point: "serve:predict"')
    with pytest.raises(BuildError, match="serve:predict"):
        build(bundle, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_reviewed_cases_recorded_as_json_become_contract_examples(
    tmp_path: Path, examples: dict[str, Built]
) -> None:
    bundle = copy_example(tmp_path)
    canonical = examples["tumour-triage"].examples()[0]
    path = bundle / "data" / "reviewed.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0]["input"] = json.dumps(canonical["request"])
    rows[0]["model_output"] = json.dumps(canonical["response"])
    rows[0]["expected_output"] = json.dumps({"priority": "senior_first"})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    built = build(bundle, tmp_path / "out")
    cases = built.examples()
    assert [c["id"] for c in cases] == ["contract-example", f"reviewed-{rows[0]['id']}"]
    assert cases[1]["request"] == canonical["request"]
    assert cases[1]["expected"] == {"priority": "senior_first"}
    readme = (built.root / "README.md").read_text(encoding="utf-8")
    assert "1 come from reviewed cases" in readme
    assert "The other 71 reviewed cases were recorded as free" in readme
    assert run_contract_test(built.root).returncode == 0


@pytest.mark.parametrize("name", NAMES)
def test_the_notes_hold_no_placeholder(name: str, examples: dict[str, Built]) -> None:
    """No template leftovers, no Python `None` or `n/a` in prose (code is left out)."""
    for rel in ("README.md", "MODEL_CARD.md", "model_card.json", "monitoring.json"):
        text = (examples[name].root / rel).read_text(encoding="utf-8")
        prose = re.sub(r"`[^`]*`", "", re.sub(r"```.*?```", "", text, flags=re.S))
        for marker in ("TODO", "TBD", "lorem", "XXX", "None", "null", "n/a", "{{", "{%"):
            assert marker not in prose, f"{marker!r} in {rel}"


def test_contract_fields_map_to_json_schema_and_python_types() -> None:
    scores = ContractField.model_validate(
        {
            "name": "scores",
            "type": "array",
            "items": "number",
            "description": "Per-class scores.",
            "example": "[0.25, 0.75]",
            "constraints": {"minimum": 0, "maximum": 1, "nullable": True},
        }
    )
    assert contract.field_schema(scores) == {
        "type": ["array", "null"],
        "items": {"type": "number", "minimum": 0, "maximum": 1},
        "description": "Per-class scores.",
        "examples": [[0.25, 0.75]],
    }
    assert py_type(scores) == "Optional[List[float]]"
    plan = ContractField.model_validate(
        {
            "name": "plan",
            "type": "category",
            "description": "Contract plan.",
            "required": False,
            "example": "null",
            "constraints": {"allowed": ["monthly", "yearly"], "nullable": True},
        }
    )
    assert contract.field_schema(plan)["enum"] == ["monthly", "yearly", None]
    assert contract.example_value(plan) == (True, None)
    assert py_type(plan) == "Optional[Literal['monthly', 'yearly']]"
    when = ContractField.model_validate(
        {"name": "at", "type": "datetime", "description": "When.", "example": "soon"}
    )
    assert contract.field_schema(when)["format"] == "date-time"
    count = ContractField.model_validate(
        {"name": "n", "type": "integer", "description": "Count.", "example": "1.5"}
    )
    assert contract.example_value(count) == (False, None)  # not an integer: left out
    request, missing = contract.example_object([scores, plan, count])
    assert (request, missing) == (None, ["n"])
