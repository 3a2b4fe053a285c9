"""Column synonyms: read as the canonical column with a warning where the meaning is plain,
suggested where the author has to say, never a silent guess."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from dsreport import api
from dsreport.load.loader import load_bundle
from helpers import EXAMPLES, edit, edit_yaml


def test_expected_is_read_as_expected_output_with_a_warning(
    bundle: Callable[[str], Path],
) -> None:
    root = bundle("good-binary")
    edit(root / "data" / "reviewed.csv", "expected_output,", "expected,")
    problems = [p for p in api.validate(root) if p.file == "data/reviewed.csv"]
    assert [(p.severity, p.line, p.key, p.message, p.hint) for p in problems] == [
        (
            "warning",
            1,
            "expected",
            "column 'expected' is read as 'expected_output'",
            "rename the column to expected_output to silence this",
        )
    ]
    reviewed = load_bundle(root).reviewed
    assert reviewed is not None
    assert "expected_output" in reviewed.frame.columns


def test_two_candidates_are_not_guessed_between(bundle: Callable[[str], Path]) -> None:
    root = bundle("good-binary")
    edit(root / "data" / "reviewed.csv", "model_output,expected_output,", "output,prediction,")
    problems = [p for p in api.validate(root) if p.file == "data/reviewed.csv"]
    assert [(p.severity, p.message) for p in problems] == [
        ("error", "missing columns: model_output, expected_output")
    ]


def test_a_truth_column_under_another_name_is_suggested(bundle: Callable[[str], Path]) -> None:
    root = bundle("good-binary")
    edit(root / "data" / "predictions.csv", "id,label,", "id,target,")
    problems = [p for p in api.validate(root) if p.severity == "error"]
    assert [(p.key, p.message, p.hint) for p in problems] == [
        (
            "interrogation.predictions.label_column",
            "column 'label' is not in data/predictions.csv",
            "the table has 'target': set `label_column: target` if it holds this",
        )
    ]


def test_undeclared_probability_columns_are_pointed_out(tmp_path: Path) -> None:
    root = tmp_path / "digits"
    shutil.copytree(EXAMPLES / "digit-routing", root)
    edit_yaml(root, "      proba_prefix: proba_forest_\n", "")
    problems = [p for p in api.validate(root) if p.key == "proba_forest_*"]
    assert [(p.severity, p.file, p.message, p.hint) for p in problems] == [
        (
            "warning",
            "data/predictions.csv",
            "columns proba_forest_<class> hold per-class probabilities that no rung declares",
            "set `proba_prefix: proba_forest_` on the rung they belong to: they give macro ROC "
            "AUC, log loss and calibration",
        )
    ]


def test_the_import_doc_names_every_metric_mapping() -> None:
    from dsreport.importers.mlflowmap import MLFLOW_NAMES
    from helpers import REPO

    text = (REPO / "docs" / "import.md").read_text(encoding="utf-8")
    for mlflow_name, name in MLFLOW_NAMES.items():
        assert f"| `{mlflow_name}` | `{name}` |" in text
