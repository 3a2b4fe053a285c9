"""Write a bundle an importer assembled: `dsreport.yaml` with comments, and its files.

The parts only a person can write are `TODO: <question>` (`dsreport.bundle.questions`);
`skeleton` holds them, so every way in asks the same questions in the same words.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import yaml

from dsreport.bundle.questions import todo
from dsreport.importers.example import ready_target, title_of
from dsreport.load.loaded import slugify
from dsreport.load.yamlsrc import Loc

HEADER = """\
# {title}: a dsreport results bundle, written by `{command}`.
# Every value that could be read from the source is filled in; every part only a person
# can write is `TODO: <the question to answer>`. `dsreport validate {folder}` lists them
# with their line numbers; write each answer in place of its TODO, then
# `dsreport build {folder} -o out`. Field reference: docs/bundle.md.
"""

SECTIONS = {
    "project": "What this is and who did it.",
    "ecosystem": "The problem today, how it is solved now, who uses the model and what "
    "'better' means. Prose fields take inline Markdown or the path of a .md file.",
    "operator_view": "Success as the operator sees it, how long users can wait, what the "
    "model may cost, and what happens when it fails.",
    "system_design": "The engineers' contract, and how the model and its data were built.",
    "ladder": "Every model tried, simplest first, and the one chosen.",
    "interrogation": "The evidence: the predictions every metric is computed from.",
    "audiences": "Who owns the model, and what the product manager is asked to decide.",
}


def skeleton(folder: Path, task: str) -> dict[str, Any]:
    """The parts of a bundle no source holds, each an open item; `project` named after
    `folder`."""
    title = title_of(folder)
    statement = ("product", "feature", "for_product", "in_system", "improves", "achieve")
    return {
        "format_version": 1,
        "project": {
            "name": title,
            "slug": slugify(title),
            "version": "1.0.0",
            "date": dt.date.today().isoformat(),
            "task": task,
            "authors": todo("project.authors"),
        },
        "ecosystem": {
            **{k: todo(f"ecosystem.{k}") for k in ("problem", "current_process", "users")},
            "business_value": todo("ecosystem.business_value"),
            "statement": {k: todo(f"ecosystem.statement.{k}") for k in statement},
        },
        "operator_view": {
            "success_metric": {
                k: todo(f"operator_view.success_metric.{k}")
                for k in ("metric", "optimal", "acceptable", "worst_case")
            },
            "latency": {"class": todo("operator_view.latency.class")},
            "cost": {"budget": todo("operator_view.cost.budget")},
            "fallback": todo("operator_view.fallback"),
            "safest_default": todo("operator_view.safest_default"),
        },
        "system_design": {
            "inputs": todo("system_design.inputs"),
            "outputs": [],
            "model_structure": todo("system_design.model_structure"),
            "data": {"description": todo("system_design.data.description")},
            "metric_choice": todo("system_design.metric_choice"),
        },
        "ladder": {},
        "interrogation": {},
        "audiences": {
            "owners": todo("audiences.owners"),
            "pm": {"decision": todo("audiences.pm.decision")},
        },
    }


def write_bundle(
    directory: str | Path,
    spec: dict[str, Any],
    files: dict[str, bytes],
    *,
    command: str,
    comments: dict[Loc, str] | None = None,
) -> Path:
    """Write `spec` as `dsreport.yaml` and `files` (bundle path -> bytes) into a new or
    empty `directory`."""
    target = ready_target(directory)
    text = HEADER.format(title=spec["project"]["name"], command=command, folder=target)
    text += emit(spec, comments or {})
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (target / "dsreport.yaml").write_text(text, encoding="utf-8")
    return target


def emit(data: dict[str, Any], comments: dict[Loc, str]) -> str:
    """Block-style YAML of `data` with a comment before each top-level section and before
    each key in `comments`."""
    lines: list[str] = []
    for key, value in data.items():
        if key in SECTIONS:
            lines += ["", "# " + "-" * 76, *_comment(SECTIONS[key], "")]
        _pair(key, value, (key,), "", comments, lines)
    return "\n".join(lines) + "\n"


def _comment(text: str, indent: str) -> list[str]:
    return [indent + "# " + line for line in textwrap.wrap(text, 88 - len(indent))]


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True)
    text = text.removesuffix("\n").removesuffix("\n...").strip()
    if isinstance(value, str) and text.startswith("'"):
        return json.dumps(value, ensure_ascii=False)  # "..." reads better than '...''...'
    return text


def _pair(
    key: Any, value: Any, loc: Loc, indent: str, comments: dict[Loc, str], lines: list[str]
) -> None:
    if loc in comments:
        lines += _comment(comments[loc], indent)
    if isinstance(value, dict) and value:
        lines.append(f"{indent}{key}:")
        for sub, item in value.items():
            _pair(sub, item, (*loc, sub), indent + "  ", comments, lines)
    elif isinstance(value, list) and value and not all(_plain(v) for v in value):
        lines.append(f"{indent}{key}:")
        for index, item in enumerate(value):
            _item(item, (*loc, index), indent + "  ", comments, lines)
    else:
        lines.append(f"{indent}{key}: {_scalar(value)}")


def _plain(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _item(value: Any, loc: Loc, indent: str, comments: dict[Loc, str], lines: list[str]) -> None:
    if not isinstance(value, dict) or not value:
        lines.append(f"{indent}- {_scalar(value)}")
        return
    start = len(lines)
    for sub, item in value.items():
        _pair(sub, item, (*loc, sub), indent + "  ", comments, lines)
    first = next(i for i in range(start, len(lines)) if not lines[i].lstrip().startswith("#"))
    lines[first] = f"{indent}- {lines[first][len(indent) + 2 :]}"
