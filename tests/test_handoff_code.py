"""The handoff's code folder runs only what it is meant to when its contract test runs.

A bundle's code file that Python or pytest would pick up on its own in `code/` (a
`conftest.py`, a test file, pytest's configuration, a module standing in for one the test
run imports, a module the package generates) is refused at load; and the generated test
looks in its own folder only after the installed packages, so a stand-in missed by the
check still cannot fake the validator. Judged by running the contract test as the
package's README says, in a fresh process, and looking for the marker file each planted
module writes when it runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.make import Draft, marker_code
from dsreport.api import build, validate


def _bundle(root: Path, files: dict[str, bytes], entry_point: bool = True) -> Path:
    draft = Draft.full()
    design = draft.spec["system_design"]
    if not entry_point:
        del design["entry_point"]
    for name, body in files.items():
        draft.files[name] = body
        design["code"].append({"path": name, "role": "other"})
    return draft.write(root)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("code/conftest.py", "which pytest loads before the contract test"),
        ("code/lib/conftest.py", "which pytest loads before the contract test"),
        ("code/test_features.py", "which pytest collects and runs with the contract test"),
        ("code/lib/scoring_test.py", "which pytest collects and runs with the contract test"),
        ("code/pyproject.toml", "which pytest reads as its configuration"),
        ("code/setup.cfg", "which pytest reads as its configuration"),
        ("code/__init__.py", "which makes code/ a package that pytest imports"),
        ("code/json.py", "which Python would import instead of Python's own 'json' module"),
        (
            "code/jsonschema.py",
            "which Python would import instead of the test run's 'jsonschema' module",
        ),
        ("code/pluggy.py", "which Python would import instead of the test run's 'pluggy' module"),
        ("code/numpy.py", "which Python would import instead of the test run's 'numpy' module"),
        ("code/serve.py", "which is the name of a file the package generates"),
        ("code/handoff_contract.py", "which is the name of a file the package generates"),
    ],
)
def test_a_code_file_the_test_run_would_pick_up_is_refused(
    tmp_path: Path, path: str, why: str
) -> None:
    root = _bundle(tmp_path / "b", {path: b"x = 1\n"})
    index = 1
    rel = path.removeprefix("code/")
    assert [p.format() for p in validate(root) if p.severity == "error"] == [
        f"error: dsreport.yaml:{118 + 2 * index}: system_design.code[{index}].path: '{path}' "
        f"would be code/{rel} in the handoff, {why}"
    ]


@pytest.mark.parametrize(
    "path", ["code/lib/setup.cfg", "code/json/schema.json", "code/features.py", "code/lib/json.py"]
)
def test_the_same_names_elsewhere_are_fine(tmp_path: Path, path: str) -> None:
    root = _bundle(tmp_path / "b", {path: b"{}\n"})
    assert [p for p in validate(root) if p.severity == "error"] == []


def _run_contract_test(package: Path) -> subprocess.CompletedProcess[str]:
    """`cd code && python -m pytest -q`, as the package's README says."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package / "code",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_stand_in_for_the_validator_is_never_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Had the load check missed it, a `jsonschema.py` in the package would still not be
    imported by the contract test: the test drops its own folder from the import path and
    puts it back last, after the installed packages.
    A schema check that must fail still fails, so the real validator ran."""
    monkeypatch.setattr("dsreport.load.loader.check_code_files", lambda spec, doc: [])
    root = _bundle(tmp_path / "b", {"code/jsonschema.py": marker_code("jsonschema")})
    result = build(root, tmp_path / "out", only=["engineer"], jobs=1)
    package = next(p for p in result.artifacts if p.is_dir())
    request = package / "contract" / "examples.jsonl"
    request.write_text(request.read_text("utf-8").replace('"monthly"', '"weekly"'), "utf-8")
    run = _run_contract_test(package)
    assert not (package / "code" / "RAN-jsonschema").exists(), run.stdout
    assert run.returncode == 1, run.stdout
    assert "'weekly' is not one of ['monthly', 'yearly']" in run.stdout
