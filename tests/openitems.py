"""Fill a bundle's open items the way a person would: each TODO line replaced by the
answer in tests/data/open-items.yaml, found by the line `validate` names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from dsreport import api
from dsreport.bundle.questions import pattern
from helpers import TESTS

HUMAN = {
    "project.authors",
    "ecosystem.problem",
    "ecosystem.current_process",
    "ecosystem.users",
    "ecosystem.business_value",
    *(
        f"ecosystem.statement.{k}"
        for k in ("product", "feature", "for_product", "in_system", "improves", "achieve")
    ),
    *(
        f"operator_view.success_metric.{k}"
        for k in ("metric", "optimal", "acceptable", "worst_case")
    ),
    "operator_view.latency.class",
    "operator_view.cost.budget",
    "operator_view.fallback",
    "operator_view.safest_default",
    "system_design.inputs",
    "system_design.model_structure",
    "system_design.data.description",
    "system_design.metric_choice",
    "audiences.owners",
    "audiences.pm.decision",
}
"""What no predictions table or run can say: the open items every importer leaves (an
MLflow signature answers `system_design.inputs`)."""
ANSWERS = yaml.safe_load((TESTS / "data" / "open-items.yaml").read_text(encoding="utf-8"))


def open_items(bundle: Path) -> list[str]:
    """Keys of the open items `validate` lists; fails if it lists any other error."""
    problems = api.validate(bundle)
    errors = [p for p in problems if p.severity == "error"]
    others = [p.format() for p in errors if not p.message.startswith("to write: ")]
    assert not others, others
    return [str(p.key) for p in errors]


def fill_open_items(bundle: Path, task: str, overrides: dict[str, Any] | None = None) -> list[str]:
    """Write an answer in place of every open item; return the keys filled."""
    answers = {**ANSWERS["common"], **ANSWERS[task], **(overrides or {})}
    problems = [p for p in api.validate(bundle) if p.message.startswith("to write: ")]
    spec = bundle / "dsreport.yaml"
    lines = spec.read_text(encoding="utf-8").split("\n")
    for problem in problems:
        assert problem.line is not None
        index = problem.line - 1
        answer = json.dumps(answers[pattern(str(problem.key))], ensure_ascii=False)
        lines[index], n = re.subn(r'"TODO: .*"$', lambda _, a=answer: a, lines[index])
        assert n == 1, lines[index]
    spec.write_text("\n".join(lines), encoding="utf-8")
    return [str(p.key) for p in problems]
