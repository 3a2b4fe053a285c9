"""Checks a schema cannot express: references between sections, and values that make no sense."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dsreport.load.loader import collect_problems, load_bundle
from helpers import BUNDLES, edit_yaml


class _DatesAsText(yaml.SafeLoader):
    """Dates stay strings, as dsreport's own loader keeps them."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def problems_after(
    bundle: Callable[[str], Path], old: str, new: str
) -> list[tuple[str, str | None]]:
    path = bundle("good-binary")
    edit_yaml(path, old, new)
    return [(p.format(), p.hint) for p in collect_problems(path)]


# name: (text replaced in good-binary's dsreport.yaml, replacement, the one problem, its hint)
CROSS: dict[str, tuple[str, str, str, str | None]] = {
    "metric-rung-unknown": (
        "headline: true, interval",
        "headline: true, rung: gmb, interval",
        "error: dsreport.yaml:51: interrogation.metrics[0].rung: 'gmb' is not the id of a rung",
        "did you mean 'gbm'?",
    ),
    "interval-swapped": (
        "interval: {low: 0.75, high: 0.85}",
        "interval: {low: 0.85, high: 0.75}",
        "error: dsreport.yaml:51: interrogation.metrics[0].interval: "
        "interval low 0.85 is above high 0.75",
        "swap the bounds",
    ),
    "unknown-check": (
        "  threshold: 0.5\n",
        "  threshold: 0.5\n  checks: {min_reviw_n: 10}\n",
        "error: dsreport.yaml:48: interrogation.checks.min_reviw_n: "
        "unknown check threshold 'min_reviw_n'",
        "did you mean 'min_review_n'?",
    ),
    "positive-label-not-a-class": (
        'positive_label: "1"',
        'positive_label: "yes"',
        "error: dsreport.yaml:48: interrogation.positive_label: 'yes' is not one of the classes",
        "known: 0, 1",
    ),
    "positive-label-missing": (
        '  positive_label: "1"\n',
        "",
        "error: dsreport.yaml:46: interrogation: binary predictions need `positive_label`",
        'add `positive_label: "1"` (the label of the class you want to catch)',
    ),
    "binary-with-three-classes": (
        'classes: ["0", "1"]',
        'classes: ["0", "1", "2"]',
        "error: dsreport.yaml:49: interrogation.classes: a binary task has 2 classes, not 3",
        None,
    ),
    "success-levels-out-of-order": (
        "optimal: 0.9, acceptable: 0.75",
        "optimal: 0.7, acceptable: 0.75",
        "error: dsreport.yaml:24: operator_view.success_metric: "
        "optimal, acceptable and worst_case must be in order",
        None,
    ),
    "no-threshold-warns": (
        "  threshold: 0.5\n",
        "",
        "warning: dsreport.yaml:46: interrogation: no `threshold` is given; 0.5 is used",
        None,
    ),
    "two-rungs-say-chosen": (
        "decision: kept, reason: baseline",
        "decision: chosen, reason: baseline",
        "warning: dsreport.yaml:44: ladder.rungs[0].decision: "
        "rung 'rules' says it is chosen, but ladder.chosen is 'gbm'",
        None,
    ),
    "success-metric-of-another-task": (
        "metric: recall, optimal",
        "metric: mape, optimal",
        "error: dsreport.yaml:24: operator_view.success_metric.metric: "
        "metric 'mape' is neither reported nor computable from predictions",
        "known: accuracy, average_precision, balanced_accuracy, brier, ece, f1, log_loss, "
        "precision, recall, roc_auc, specificity",
    ),
}


@pytest.mark.parametrize("name", sorted(CROSS))
def test_cross_reference_problems(name: str, bundle: Callable[[str], Path]) -> None:
    old, new, line, hint = CROSS[name]
    assert problems_after(bundle, old, new) == [(line, hint)]


def test_a_duplicate_rung_id_is_named(bundle: Callable[[str], Path]) -> None:
    problems = problems_after(bundle, "{id: gbm, name: GBM", "{id: rules, name: GBM")
    assert (
        "error: dsreport.yaml:44: ladder.rungs[0].id: rung id 'rules' is used 2 times",
        "give each rung its own id",
    ) in problems


def test_warnings_do_not_stop_loading(bundle: Callable[[str], Path]) -> None:
    loaded = load_bundle(bundle("interval-outside"))
    assert [p.severity for p in loaded.warnings] == ["warning"]
    assert loaded.spec.interrogation.metrics[0].interval is not None


def test_problems_are_sorted_errors_first_then_by_file_and_line(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("chosen-not-in-ladder")
    (path / "data" / "reviewed.csv").write_text(
        "id,input,model_output,expected_output,verdict,error_category,severity,note\n"
        "1,x,y,z,incorrect,,high,\n1,x,y,y,bad,,,\n",
        encoding="utf-8",
    )
    where = [(p.severity, p.file, p.line) for p in collect_problems(path)]
    assert where == [
        ("error", "dsreport.yaml", 41),
        ("error", "data/reviewed.csv", 3),
        ("warning", "dsreport.yaml", 45),
        ("warning", "data/reviewed.csv", 2),
        ("warning", "data/reviewed.csv", 3),
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "key"),
    [
        ("value: 0.8, target", "value: .nan, target", 51, "interrogation.metrics[0].value"),
        ("optimal: 0.9", "optimal: .inf", 24, "operator_view.success_metric.optimal"),
        ("  threshold: 0.5\n", "  threshold: .nan\n", 47, "interrogation.threshold"),
        ("budget: 500,", "budget: .inf,", 26, "operator_view.cost.budget"),
    ],
    ids=["metric-nan", "optimal-inf", "threshold-nan", "budget-inf"],
)
def test_numbers_must_be_finite(
    old: str, new: str, line: int, key: str, bundle: Callable[[str], Path]
) -> None:
    path = bundle("good-binary")
    edit_yaml(path, old, new)
    problems = collect_problems(path)
    assert [(p.severity, p.line, p.key) for p in problems] == [("error", line, key)]
    assert "finite" in problems[0].message or "not a number" in problems[0].message


def test_percent_is_read_as_a_fraction(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "value: 0.8, target: 0.75", "value: 80%, target: 75%")
    metric = load_bundle(path).spec.interrogation.metrics[0]
    assert (metric.value, metric.target) == (pytest.approx(0.8), pytest.approx(0.75))


def _key_paths(data: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    paths: list[tuple[str | int, ...]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            paths.append((*prefix, key))
            paths += _key_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            paths += _key_paths(item, (*prefix, index))
    return paths


def test_minimal_bundle_has_nothing_to_spare(tmp_path: Path) -> None:
    """Removing any one key from `minimal` makes it invalid: it really is the smallest."""
    source = (BUNDLES / "minimal" / "dsreport.yaml").read_text(encoding="utf-8")
    data = yaml.load(source, Loader=_DatesAsText)
    assert collect_problems(BUNDLES / "minimal") == []
    spared = []
    for path in _key_paths(data):
        trimmed = copy.deepcopy(data)
        parent = trimmed
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
        folder = tmp_path / "-".join(map(str, path))
        folder.mkdir()
        (folder / "dsreport.yaml").write_text(yaml.safe_dump(trimmed), encoding="utf-8")
        if not any(p.severity == "error" for p in collect_problems(folder)):
            spared.append(".".join(map(str, path)))
    assert spared == []
