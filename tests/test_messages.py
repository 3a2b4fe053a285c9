"""Every broken bundle in tests/bundles/, and exactly what `dsreport validate` says about it.

Each case is one folder that differs from `good-binary` by one deliberate defect
(three for `three-mistakes`). The expected output is the whole of standard error:
every `severity: FILE:LINE: key.path: message` line, its hint, and the summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import BUNDLES, Run, edit_yaml

ONE = "1 error, 0 warnings"
KNOWS = (
    "is not one dsreport knows: it gets no label or direction and is not computed from predictions"
)

CASES: dict[str, tuple[int, list[str]]] = {
    # --- the schema: keys, required parts, types ---------------------------------------------
    "misspelt-key": (
        1,
        [
            "error: dsreport.yaml:5: project.tsak: unknown key 'tsak'",
            "  hint: did you mean 'task'? (it is required)",
            ONE,
        ],
    ),
    "three-mistakes": (
        1,
        [
            "error: dsreport.yaml:10: ecosystem.problem: file 'prose/problme.md' does not exist",
            "  hint: check the path, relative to dsreport.yaml",
            "error: dsreport.yaml:11: ecosystem.curent_process: unknown key 'curent_process'",
            "  hint: did you mean 'current_process'? (it is required)",
            "error: dsreport.yaml:51: interrogation.metrics[0].value: 'high' is not a number",
            "  hint: write a plain number, such as 0.82",
            "3 errors, 0 warnings",
        ],
    ),
    "missing-section": (
        1,
        [
            "error: dsreport.yaml: audiences: required section 'audiences' is missing",
            "  hint: add it (see docs/bundle.md)",
            ONE,
        ],
    ),
    "missing-key": (
        1,
        [
            "error: dsreport.yaml:1: project.version: required key 'version' is missing",
            "  hint: add it (see docs/bundle.md)",
            ONE,
        ],
    ),
    "wrong-number": (
        1,
        [
            "error: dsreport.yaml:26: operator_view.cost.budget: 'lots' is not a number",
            "  hint: write a plain number, such as 0.82",
            ONE,
        ],
    ),
    "wrong-date": (
        1,
        [
            "error: dsreport.yaml:4: project.date: '2026-02-30' is not a date",
            "  hint: write it as YYYY-MM-DD",
            ONE,
        ],
    ),
    "wrong-enum": (
        1,
        [
            "error: dsreport.yaml:5: project.task: 'binery' is not one of: binary, multiclass, "
            "regression",
            "  hint: did you mean 'binary'?",
            ONE,
        ],
    ),
    # --- the YAML itself ------------------------------------------------------------------------
    "duplicate-key": (
        1,
        [
            "error: dsreport.yaml:6: project.task: duplicate key 'task' (first at line 5)",
            "  hint: keep one of the two entries",
            ONE,
        ],
    ),
    "tab-indent": (
        1,
        [
            "error: dsreport.yaml:8: not valid YAML: a tab character is used for indentation",
            "  hint: indent with spaces; YAML does not allow tabs",
            ONE,
        ],
    ),
    "alias-bomb": (
        1,
        [
            "error: dsreport.yaml:60: aliases expand to more than 200,000 values (an alias bomb?)",
            "  hint: write the values out instead of using anchors and aliases",
            ONE,
        ],
    ),
    "recursive-alias": (
        1,
        [
            "error: dsreport.yaml:56: an alias refers to the node that contains it (a recursive "
            "alias)",
            "  hint: write the values out instead of using anchors and aliases",
            ONE,
        ],
    ),
    "python-tag": (
        1,
        [
            "error: dsreport.yaml:5: the tag '!!python/object/apply:os.system' is not allowed",
            "  hint: bundles hold plain data only: remove the tag",
            ONE,
        ],
    ),
    "empty-yaml": (
        1,
        [
            "error: dsreport.yaml:1: the file is empty",
            "  hint: start from `dsreport init`",
            ONE,
        ],
    ),
    "not-mapping": (
        1,
        [
            "error: dsreport.yaml:1: the top level must be a mapping of keys to values",
            ONE,
        ],
    ),
    # --- files the bundle names -----------------------------------------------------------------
    "missing-file": (
        1,
        [
            "error: dsreport.yaml:53: interrogation.predictions.path: file 'data/predictons.csv' "
            "does not exist",
            "  hint: check the path, relative to dsreport.yaml",
            ONE,
        ],
    ),
    "absolute-path": (
        1,
        [
            "error: dsreport.yaml:53: interrogation.predictions.path: '/data/predictions.csv' is "
            "an absolute path",
            "  hint: name files relative to the bundle folder",
            ONE,
        ],
    ),
    "dotdot-path": (
        1,
        [
            "error: dsreport.yaml:53: interrogation.predictions.path: "
            "'../good-binary/data/predictions.csv' leaves the bundle folder",
            "  hint: keep every file inside the bundle",
            ONE,
        ],
    ),
    "wrong-suffix": (
        1,
        [
            "error: dsreport.yaml:55: interrogation.reviewed_examples.path: 'data/reviewed.xlsx' "
            "is not a table (.csv, .parquet)",
            ONE,
        ],
    ),
    # --- the predictions table ------------------------------------------------------------------
    "csv-ragged": (
        1,
        [
            "error: data/predictions.csv:3: row has 3 fields, the header has 4",
            "  hint: every row needs one value per column",
            "error: data/predictions.csv:5: row has 5 fields, the header has 4",
            "  hint: every row needs one value per column",
            "2 errors, 0 warnings",
        ],
    ),
    "csv-quoted-newline": (
        1,
        [
            # the header is line 1; rows 001 and 003 hold quoted newlines, so row 004 is line 8
            "error: data/predictions.csv:8: row has 3 fields, the header has 5",
            "  hint: every row needs one value per column",
            ONE,
        ],
    ),
    "csv-empty": (
        1,
        [
            "error: data/predictions.csv:1: the table is empty: it needs a header line",
            ONE,
        ],
    ),
    "csv-header-only": (
        1,
        [
            "error: dsreport.yaml:53: interrogation.predictions.path: data/predictions.csv has a "
            "header but no rows",
            ONE,
        ],
    ),
    "csv-na-label": (
        1,
        [
            "error: data/predictions.csv:3: label: label 'NA' is not one of the declared classes",
            "  hint: add it to interrogation.classes or fix the row",
            ONE,
        ],
    ),
    "scores-out-of-range": (
        1,
        [
            "error: data/predictions.csv:2: score_gbm: score '1.2' is outside [0, 1]",
            "  hint: scores must be probabilities of the positive class",
            "error: data/predictions.csv:3: score_rules: score '-0.1' is outside [0, 1]",
            "  hint: scores must be probabilities of the positive class",
            "2 errors, 0 warnings",
        ],
    ),
    "scores-not-finite": (
        1,
        [
            "error: data/predictions.csv:3: score_rules: 'inf' is not a finite number",
            "error: data/predictions.csv:4: score_gbm: '-inf' is not a finite number",
            "error: data/predictions.csv:5: score_gbm: 'NaN' is not a number",
            "3 errors, 0 warnings",
        ],
    ),
    "labels-outside-classes": (
        1,
        [
            "error: data/predictions.csv:3: label: label 'yes' is not one of the declared classes",
            "  hint: add it to interrogation.classes or fix the row",
            "error: data/predictions.csv:4: label: label '2' is not one of the declared classes",
            "  hint: add it to interrogation.classes or fix the row",
            "2 errors, 0 warnings",
        ],
    ),
    "missing-predictions-column": (
        1,
        [
            "error: dsreport.yaml:45: ladder.rungs[1].score_column: column 'score_gmb' is not in "
            "data/predictions.csv",
            "  hint: did you mean 'score_gbm'?",
            ONE,
        ],
    ),
    # --- the reviewed examples ------------------------------------------------------------------
    "reviewed-missing-columns": (
        1,
        [
            "error: data/reviewed.csv:1: missing columns: severity, note",
            "  hint: the columns are: id, input, model_output, expected_output, verdict, "
            "error_category, severity, note",
            ONE,
        ],
    ),
    "reviewed-bad-verdict": (
        1,
        [
            "error: data/reviewed.csv:3: verdict: verdict 'wrong' is not one of: correct, "
            "incorrect, partial, ambiguous, not_applicable",
            "  hint: map your own words onto these with "
            "interrogation.reviewed_examples.verdict_map",
            ONE,
        ],
    ),
    "reviewed-bad-severity": (
        1,
        [
            "error: data/reviewed.csv:3: severity: severity 'severe' is not one of: none, low, "
            "medium, high, critical",
            ONE,
        ],
    ),
    "reviewed-no-category": (
        0,
        [
            "warning: data/reviewed.csv:3: error_category: an incorrect example has no "
            "error_category",
            "  hint: name the kind of error, so errors can be counted by category",
        ],
    ),
    # --- references between sections -------------------------------------------------------------
    "chosen-not-in-ladder": (
        1,
        [
            "error: dsreport.yaml:41: ladder.chosen: 'gmb' is not the id of a rung",
            "  hint: did you mean 'gbm'?",
            "warning: dsreport.yaml:45: ladder.rungs[1].decision: rung 'gbm' says it is chosen, "
            "but ladder.chosen is 'gmb'",
            "1 error, 1 warning",
        ],
    ),
    "baseline-not-in-ladder": (
        1,
        [
            "error: dsreport.yaml:42: ladder.baseline: 'rule' is not the id of a rung",
            "  hint: did you mean 'rules'?",
            ONE,
        ],
    ),
    "unknown-success-metric": (
        1,
        [
            "error: dsreport.yaml:24: operator_view.success_metric.metric: metric 'recal' is "
            "neither reported nor computable from predictions",
            "  hint: did you mean 'recall'?",
            ONE,
        ],
    ),
    "two-headlines": (
        1,
        [
            "error: dsreport.yaml:52: interrogation.metrics[1].headline: only one metric can be "
            "the headline",
            "  hint: remove `headline: true` from the others",
            ONE,
        ],
    ),
    "interval-outside": (
        0,
        [
            "warning: dsreport.yaml:51: interrogation.metrics[0].interval: the interval 0.82–0.88 "
            "does not contain the value 0.8",
            "  hint: check both numbers",
        ],
    ),
    "no-reviewed-examples": (
        0,
        ["warning: data/reviewed.csv:1: no reviewed examples: the error analysis will be empty"],
    ),
    # --- formats that let authors tell the truth ----------------------------------------------
    "unknown-metric-names": (
        0,
        [
            "warning: dsreport.yaml:45: ladder.rungs[1].train_metrics.recal: metric 'recal' "
            + KNOWS,
            "  hint: did you mean 'recall'?",
            "warning: dsreport.yaml:45: ladder.rungs[1].cv_metrics.AUC: metric 'AUC' " + KNOWS,
            "  hint: did you mean 'roc_auc'?",
            "warning: dsreport.yaml:53: interrogation.metrics[1].name: metric 'sensitivity' "
            + KNOWS,
            "  hint: did you mean 'recall'?",
            "warning: dsreport.yaml:54: interrogation.metrics[2].name: metric 'precison' " + KNOWS,
            "  hint: did you mean 'precision'?",
        ],
    ),
    "table-problems-together": (
        1,
        [
            "error: dsreport.yaml:52: interrogation.predictions.label_column: column 'label' is "
            "not in data/predictions.csv",
            "  hint: did you mean 'lable'?",
            "error: data/predictions.csv:3: score_rules: 'high' is not a number",
            "error: data/predictions.csv:4: score_gbm: score '1.6' is outside [0, 1]",
            "  hint: scores must be probabilities of the positive class",
            "error: data/reviewed.csv:1: missing column: severity",
            "  hint: the columns are: id, input, model_output, expected_output, verdict, "
            "error_category, severity, note",
            "error: data/reviewed.csv:3: verdict: verdict 'wrong' is not one of: correct, "
            "incorrect, partial, ambiguous, not_applicable",
            "  hint: map your own words onto these with "
            "interrogation.reviewed_examples.verdict_map",
            "5 errors, 0 warnings",
        ],
    ),
    "undeclared-split": (
        1,
        [
            "error: data/predictions.csv:6: split: split 'tset' (2 rows) is not declared in "
            "system_design.data.splits",
            "  hint: did you mean 'test'? (declared: train, test)",
            "error: data/predictions.csv:8: split: split 'valid' (1 row) is not declared in "
            "system_design.data.splits",
            "  hint: fix the rows, or declare the split (declared: train, test)",
            "2 errors, 0 warnings",
        ],
    ),
    "reported-only-rung": (
        0,
        [
            "warning: dsreport.yaml:44: ladder.rungs[0]: rung 'rules' has reported values only, "
            "so comparing the chosen rung 'gbm' with it is weak (no paired test on the same rows)",
            "  hint: add its scores as a column `score_rules` to data/predictions.csv and set "
            "`score_column: score_rules`",
        ],
    ),
}

VALID = [
    "good-binary",
    "minimal",
    "yaml11-surprises",
    "csv-bom",
    "csv-text-cells",
    # degenerate evaluations are valid bundles: the analysis copes (tests/test_corpus.py)
    "one-class-only",
    "constant-scores",
    "metric-no-target",
    # formats that let authors tell the truth (tests/test_formats.py)
    "reviewed-own-verdicts",
    "latency-per-batch",
]


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_prints_every_problem_exactly(
    name: str, bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    code, lines = CASES[name]
    path = bundle(name)
    result = cli("validate", path)
    assert result.err_lines == lines
    assert result.exit_code == code
    if code == 0:
        warnings = sum(line.startswith("warning: ") for line in lines)
        plural = "s" if warnings != 1 else ""
        assert result.stdout == f"{path}: valid ({warnings} warning{plural})\n"
    else:
        assert result.stdout == ""


@pytest.mark.parametrize("name", VALID)
def test_valid_bundles_validate_clean(
    name: str, bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle(name)
    result = cli("validate", path)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", f"{path}: valid\n")


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_output_matches_text_output(
    name: str, bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    code, lines = CASES[name]
    result = cli("validate", "--json", bundle(name))
    assert result.exit_code == code
    assert result.stderr == ""
    report = json.loads(result.stdout)
    problems = [line for line in lines if line.startswith(("error: ", "warning: "))]
    assert report["ok"] is (code == 0)
    formatted = []
    for item in report["problems"]:
        where = item["file"] if item["line"] is None else f"{item['file']}:{item['line']}"
        key = f"{item['key']}: " if item["key"] else ""
        formatted.append(f"{item['severity']}: {where}: {key}{item['message']}")
    assert formatted == problems


def test_every_case_folder_is_tested() -> None:
    """A bundle folder nobody checks is dead weight: every one appears in some test (and
    tests/test_corpus.py builds every one)."""
    folders = {p.name for p in BUNDLES.iterdir() if p.is_dir()}
    # multi-document: tests/test_yaml.py; decision-*: tests/test_analysis_decision.py
    decision = {name for name in folders if name.startswith("decision-")}
    used_elsewhere = {*VALID, "multi-document", *decision}
    assert folders == set(CASES) | used_elsewhere


def test_an_empty_metric_name_is_refused_where_it_is_written(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    """Found by the schema property tests: an empty name reached the analysis (KeyError)."""
    path = bundle("good-binary")
    edit_yaml(path, "- {name: recall, value: 0.8", '- {name: " ", value: 0.8')
    result = cli("validate", path)
    assert (result.exit_code, result.err_lines) == (
        1,
        [
            "error: dsreport.yaml:51: interrogation.metrics[0].name: must not be empty",
            "  hint: give it a name, such as recall",
            ONE,
        ],
    )


@pytest.mark.parametrize("where", ["metrics", "train_metrics", "cv_metrics"])
def test_an_empty_metric_name_as_a_rungs_key_is_refused(
    bundle: Callable[[str], Path], cli: Callable[..., Run], where: str
) -> None:
    """Found by the schema property tests: `metrics: {'': 0.0}` on a rung reached the
    analysis, which failed building its metric."""
    path = bundle("good-binary")
    value = "{mean: 0.6, std: 0.01, folds: 5}" if where == "cv_metrics" else "0.6"
    edit_yaml(path, "metrics: {recall: 0.6}", f'{where}: {{"": {value}}}')
    result = cli("validate", path)
    assert (result.exit_code, result.err_lines) == (
        1,
        [
            f"error: dsreport.yaml:44: ladder.rungs[0].{where}: a metric's name is empty ('')",
            "  hint: give each metric a name, such as recall",
            ONE,
        ],
    )
