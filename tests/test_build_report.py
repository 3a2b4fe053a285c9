"""The Markdown summary and the `build --json` report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from helpers import Run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_summary_holds_the_recommendation_headline_and_findings(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = cli("build", EXAMPLES / "tumour-triage", "-o", tmp_path, "--only", "facts")
    assert result.exit_code == 0, result.stderr
    facts = json.loads((tmp_path / "tumour-triage-facts.json").read_text("utf-8"))
    summary = (tmp_path / "tumour-triage-summary.md").read_text("utf-8")
    assert summary.startswith("## Tumour triage 1.0.0: **Ship with conditions**\n")
    assert facts["headline"]["metric"]["value"]["text"] in summary
    assert summary.count("\n| warning |") == sum(
        f["severity"] == "warning" for f in facts["findings"]
    )
    conditions = facts["recommendation"]["conditions"]
    assert conditions and all(c.replace("|", "\\|") in summary for c in conditions)


def test_summary_escapes_markdown_and_html_in_bundle_text(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = bundle("good-binary")
    spec = root / "dsreport.yaml"
    spec.write_text(
        spec.read_text("utf-8").replace("name: Churn radar", 'name: "Churn <b>radar</b> |x|"'),
        encoding="utf-8",
    )
    assert cli("build", root, "-o", tmp_path, "--only", "facts").exit_code == 0
    first = next(tmp_path.glob("*-summary.md")).read_text("utf-8").splitlines()[0]
    assert first.startswith("## Churn \\<b\\>radar\\</b\\> \\|x\\|")


def test_json_report_lists_every_file_with_size_and_hash(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = cli(
        "build", EXAMPLES / "disease-progression", "-o", tmp_path, "--json", "--only", "engineer"
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["slug"] == "disease-progression"
    assert set(report["timings_s"]) >= {"load", "analyse", "render:engineer", "write"}
    assert report["recommendation"]["decision"] == "ship_with_conditions"
    paths = {Path(a["path"]).relative_to(tmp_path).as_posix() for a in report["artifacts"]}
    assert {
        "disease-progression-facts.json",
        "disease-progression-summary.md",
        "disease-progression-handoff.zip",
        "disease-progression-handoff/MODEL_CARD.md",
    } <= paths
    for artifact in report["artifacts"]:
        data = Path(artifact["path"]).read_bytes()
        assert artifact["bytes"] == len(data)
        assert artifact["sha256"] == hashlib.sha256(data).hexdigest()
