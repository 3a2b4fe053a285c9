"""`dsreport check`: the findings table, the gate's exit codes and the JSON shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name", ["tumour-triage", "digit-routing", "disease-progression"])
def test_examples_pass_the_default_gate_and_fail_on_warnings(
    name: str, cli: Callable[..., Run]
) -> None:
    default = cli("check", EXAMPLES / name)
    assert default.exit_code == 0, default.stderr
    assert "recommendation: Ship with conditions" in default.stdout
    strict = cli("check", EXAMPLES / name, "--fail-on", "warning")
    assert strict.exit_code == 1


def test_json_holds_findings_and_recommendation(cli: Callable[..., Run]) -> None:
    result = cli("check", EXAMPLES / "tumour-triage", "--json", "--fail-on", "info")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert set(data) == {"recommendation", "findings", "fail_on", "failed"}
    assert data["failed"] is True and data["fail_on"] == "info"
    assert data["recommendation"]["decision"] == "ship_with_conditions"
    ids = {f["id"] for f in data["findings"]}
    assert {"target-not-secured", "gain-inside-noise", "slices-too-few-to-judge"} <= ids
    for finding in data["findings"]:
        assert set(finding) >= {"id", "severity", "message", "evidence", "recommendation"}


def test_facts_json_holds_the_same_findings(cli: Callable[..., Run], tmp_path: Path) -> None:
    built = cli("build", EXAMPLES / "disease-progression", "-o", tmp_path, "--only", "facts")
    assert built.exit_code == 0, built.stderr
    facts = json.loads((tmp_path / "disease-progression-facts.json").read_text("utf-8"))
    checked = json.loads(cli("check", EXAMPLES / "disease-progression", "--json").stdout)
    assert [f["id"] for f in facts["findings"]] == [f["id"] for f in checked["findings"]]
    assert facts["recommendation"] == checked["recommendation"]


def test_a_broken_bundle_is_an_error_not_a_gate_result(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    result = cli("check", bundle("misspelt-key"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.err_lines[0].startswith("error: dsreport.yaml:")
