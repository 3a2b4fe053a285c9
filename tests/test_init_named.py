"""`dsreport init DIR` names the bundle after its folder and warns while the example's
text is still there; open items (TODO) are errors with their question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport import api
from dsreport.load.loader import load_bundle
from helpers import Run, edit_yaml


def test_init_names_the_bundle_after_its_folder(tmp_path: Path) -> None:
    bundle = api.init_bundle(tmp_path / "churn_radar-v2", "regression")
    spec = load_bundle(bundle).spec
    assert (spec.project.name, spec.project.slug) == ("Churn radar v2", "churn-radar-v2")
    text = (bundle / "dsreport.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Churn radar v2: a dsreport results bundle\n")
    assert "# Prefix of every output file name" in text  # the example's guidance stays


@pytest.mark.slow
def test_init_my_bundle_builds_my_bundle_files(
    tmp_path: Path, run_dsreport: Callable[..., Run]
) -> None:
    assert run_dsreport("init", "my-bundle", cwd=tmp_path).exit_code == 0
    result = run_dsreport("build", "my-bundle", "-o", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "my-bundle-deck.pptx",
        "my-bundle-facts.json",
        "my-bundle-handoff",
        "my-bundle-handoff.zip",
        "my-bundle-report.pdf",
        "my-bundle-summary.md",
    ]


def test_example_text_left_unchanged_is_a_warning(tmp_path: Path, cli: Callable[..., Run]) -> None:
    bundle = api.init_bundle(tmp_path / "mine", "binary")
    before = [p for p in api.validate(bundle) if p.key == "ecosystem"]
    assert [p.message for p in before] == [
        "12 texts are still the tumour-triage example's, as `dsreport init` wrote them: "
        "problem, current_process, users, business_value, statement.product and 7 more"
    ]
    assert before[0].severity == "warning"
    lines = (bundle / "dsreport.yaml").read_text(encoding="utf-8").splitlines()
    assert before[0].line == lines.index("  problem: prose/problem.md") + 1
    files = [p.file for p in api.validate(bundle) if p.file != "dsreport.yaml"]
    assert files == [
        "code/predict.py",
        "data/golden.jsonl",
        "data/predictions.csv",
        "data/reviewed.csv",
        "model/tumour-triage.skops",
    ]
    edit_yaml(bundle, "  problem: prose/problem.md", "  problem: Our own problem, in our words.")
    after = [p.message for p in api.validate(bundle) if p.key == "ecosystem"]
    assert after == [
        "11 texts are still the tumour-triage example's, as `dsreport init` wrote them: "
        "current_process, users, business_value, statement.product, statement.feature and "
        "6 more"
    ]
    result = cli("validate", bundle)
    assert result.exit_code == 0  # warnings only: the bundle builds as it is


@pytest.mark.parametrize("example", ["tumour-triage", "digit-routing", "disease-progression"])
def test_the_examples_themselves_are_not_example_text(example: str) -> None:
    from helpers import EXAMPLES

    assert api.validate(EXAMPLES / example) == []


def test_open_items_are_errors_with_their_question(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    root = bundle("minimal")
    edit_yaml(root, "  fallback: Review by hand.", "  fallback: TODO")
    edit_yaml(root, "    optimal: 0.9", '    optimal: "TODO: what would be perfect?"')
    edit_yaml(root, "      kind: simple", "      kind: TODO")
    result = cli("validate", root)
    assert result.exit_code == 1
    assert result.err_lines == [
        "error: dsreport.yaml:26: operator_view.success_metric.optimal: to write: what would "
        "be perfect?",
        "  hint: write your answer in place of TODO",
        "error: dsreport.yaml:31: operator_view.fallback: to write: What happens when the "
        "model fails or cannot answer: fall back to rules, ask the user, or show no result?",
        "  hint: write your answer in place of TODO",
        "error: dsreport.yaml:52: ladder.rungs[0].kind: to write: Is this rung today's "
        "heuristic, a simple model or a complex one?",
        "  hint: write your answer in place of TODO",
        "3 errors, 0 warnings",
    ]
    build = cli("build", root, "-o", root.parent / "out")
    assert build.exit_code == 1
    assert not (root.parent / "out").exists()


def test_an_open_item_does_not_hide_other_problems(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    root = bundle("minimal")
    edit_yaml(root, "    metric: recall", "    metric: TODO")
    edit_yaml(root, "    class: batch", "    class: sometimes")
    result = cli("validate", root)
    assert [line for line in result.err_lines if line.startswith("error")] == [
        "error: dsreport.yaml:25: operator_view.success_metric.metric: to write: Which metric "
        "does the operator judge success by?",
        "error: dsreport.yaml:30: operator_view.latency.class: 'sometimes' is not one of: "
        "real_time, seconds, minutes, batch",
    ]


def test_line_numbers_are_never_read_as_emoji(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    root = bundle("minimal")
    text = (root / "dsreport.yaml").read_text(encoding="utf-8")
    padding = "\n" * (99 - text.count("\n"))
    (root / "dsreport.yaml").write_text(text + padding + "unknown_key: 1\n", encoding="utf-8")
    result = cli("validate", root)
    assert result.err_lines[0].startswith("error: dsreport.yaml:100: ")
