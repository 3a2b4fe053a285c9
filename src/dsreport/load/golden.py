"""The golden set: test rows with the responses the shipped model must give them.

Read strictly (JSON Lines, no NaN or Infinity), each request and response checked
against the contract's JSON Schemas, each id against the predictions' test rows, and
its coverage checked: both sides of every setting, every value of every category output.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from dsreport import contract, strictjson
from dsreport.bundle.fields import clean_value
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.streamed import StreamedTable
from dsreport.load.tables import Table

GOLDEN_MIN, GOLDEN_MAX = 20, 50
"""A golden set outside this size is warned about: too few rows miss cases, too many are
slow to read when the test fails."""
GOLDEN_ROWS = 10_000
"""Most rows a golden set may hold: each is checked against the contract at load."""


@dataclass
class GoldenRow:
    id: str
    request: dict[str, Any]
    response: dict[str, Any]
    line: int


@dataclass
class SettingCoverage:
    name: str
    default: float
    below: list[float] = field(default_factory=list)
    """Values of the setting's field below the default, one per golden row."""
    above: list[float] = field(default_factory=list)
    """Values at or above the default."""


@dataclass
class Coverage:
    settings: list[SettingCoverage] = field(default_factory=list)
    classes: dict[str, dict[str, int]] = field(default_factory=dict)
    """Category output field -> allowed value -> golden rows with that value."""


def non_finite(value: Any, path: str = "") -> str | None:
    """The path of the first NaN or infinite number inside `value`, else None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path or "$"
    if isinstance(value, dict):
        for key, item in value.items():
            found = non_finite(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = non_finite(item, f"{path}[{index}]")
            if found:
                return found
    return None


def coverage(spec: BundleSpec, rows: list[GoldenRow]) -> Coverage:
    design = spec.system_design
    out = Coverage()
    for setting in design.settings:
        cover = SettingCoverage(setting.name, setting.default)
        for row in rows:
            value = row.response.get(setting.field)
            if isinstance(value, int | float) and not isinstance(value, bool):
                (cover.above if value >= setting.default else cover.below).append(float(value))
        out.settings.append(cover)
    for f in design.outputs:
        if f.type == "category" and f.constraints.allowed:
            counts = dict.fromkeys(f.constraints.allowed, 0)
            for row in rows:
                value = row.response.get(f.name)
                if value in counts:
                    counts[value] += 1
            out.classes[f.name] = counts
    return out


def _schema_problems(
    value: Any, schema: dict[str, Any], side: str, name: str, line: int
) -> list[Problem]:
    from jsonschema import Draft202012Validator  # only bundles with a golden set need it

    out = []
    for error in Draft202012Validator(schema).iter_errors(value):
        where = ".".join(str(p) for p in error.absolute_path)
        out.append(
            Problem(
                f"{side} does not meet the contract: {error.message}",
                file=name,
                line=line,
                key=f"{side}.{where}" if where else side,
                hint="the golden set must be requests and responses of the contract",
            )
        )
    return out


def read_golden(
    spec: BundleSpec, files: dict[str, bytes], predictions: Table | StreamedTable | None
) -> tuple[list[GoldenRow], list[Problem]]:
    design = spec.system_design
    if design.golden_set is None or design.golden_set.path not in files:
        return [], []
    name = design.golden_set.path
    inputs = {
        "type": "object",
        "properties": contract.properties(design.inputs),
        "required": contract.required(design.inputs),
        "additionalProperties": False,
    }
    outputs = {**inputs, "properties": contract.properties(design.outputs)}
    outputs["required"] = contract.required(design.outputs)
    rows: list[GoldenRow] = []
    problems: list[Problem] = []
    text = files[name].decode("utf-8", errors="replace")
    lines = text.split("\n")  # JSON Lines: U+2028 inside a value is not a line break
    if sum(1 for line in lines if line.strip()) > GOLDEN_ROWS:
        return [], [
            Problem(
                f"the golden set holds more than {GOLDEN_ROWS:,} rows",
                file=name,
                hint=f"keep {GOLDEN_MIN} to {GOLDEN_MAX} rows that cover every setting and output",
            )
        ]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = clean_value(strictjson.loads(line))  # its text as bundle text is
        except ValueError as exc:
            problems.append(
                Problem(f"not a JSON object: {exc}", file=name, line=number, hint="one per line")
            )
            continue
        keys = sorted(item) if isinstance(item, dict) else []
        if keys != ["id", "request", "response"] or not all(
            isinstance(item[k], dict) for k in ("request", "response")
        ):
            problems.append(
                Problem(
                    'each line must be {"id": ..., "request": {...}, "response": {...}}',
                    file=name,
                    line=number,
                )
            )
            continue
        problems += _schema_problems(item["request"], inputs, "request", name, number)
        problems += _schema_problems(item["response"], outputs, "response", name, number)
        rows.append(GoldenRow(str(item["id"]), item["request"], item["response"], number))
    problems += _id_problems(spec, rows, name, predictions)
    problems += _rule_problems(spec, rows, name)
    return rows, problems


def _id_problems(
    spec: BundleSpec, rows: list[GoldenRow], name: str, predictions: Table | StreamedTable | None
) -> list[Problem]:
    out = []
    seen: set[str] = set()
    test_ids: set[str] | None = None
    section = spec.interrogation.predictions
    if isinstance(predictions, StreamedTable) and section is not None and rows:
        if section.id_column in predictions.columns:
            split = section.split_column
            split = split if split in predictions.columns else None
            test_ids = predictions.test_ids({r.id for r in rows}, section.id_column, split)
    elif isinstance(predictions, Table) and section is not None:
        frame = predictions.frame
        if section.id_column in frame.columns:
            mask = (
                frame[section.split_column].astype("string") == "test"
                if section.split_column and section.split_column in frame.columns
                else None
            )
            ids = frame[section.id_column] if mask is None else frame[section.id_column][mask]
            test_ids = set(ids.astype("string").dropna())
    for row in rows:
        if row.id in seen:
            out.append(Problem(f"id '{row.id}' occurs twice", file=name, line=row.line, key="id"))
        seen.add(row.id)
        if test_ids is not None and row.id not in test_ids:
            out.append(
                Problem(
                    f"id '{row.id}' is not a test row of {predictions.file}",  # type: ignore[union-attr]
                    file=name,
                    line=row.line,
                    key="id",
                    hint="take the golden rows from the test predictions",
                )
            )
    if rows and not GOLDEN_MIN <= len(rows) <= GOLDEN_MAX:
        out.append(
            Problem(
                f"the golden set has {len(rows)} rows; {GOLDEN_MIN} to {GOLDEN_MAX} are advised",
                file=name,
                severity="warning",
            )
        )
    return out


def _rule_problems(spec: BundleSpec, rows: list[GoldenRow], name: str) -> list[Problem]:
    """Each response follows the settings' rules at their defaults; nothing is left out."""
    out = []
    design = spec.system_design
    for setting in design.settings:
        for row in rows:
            value = row.response.get(setting.field)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            want = setting.at_or_above if value >= setting.default else setting.below
            got = row.response.get(setting.decides)
            if got != want:
                out.append(
                    Problem(
                        f"{setting.decides} is {json.dumps(got)}, but {setting.field} "
                        f"{value!r} against {setting.name} {setting.default:g} gives "
                        f"{json.dumps(want)}",
                        file=name,
                        line=row.line,
                        key=f"response.{setting.decides}",
                    )
                )
    if not rows:
        return out
    cover = coverage(spec, rows)
    for item in cover.settings:
        for side, values in (("below", item.below), ("at or above", item.above)):
            if not values:
                out.append(
                    Problem(
                        f"no golden row is {side} {item.name} {item.default:g}",
                        file=name,
                        severity="warning",
                        hint="add test rows on both sides, close to the setting, so that "
                        "moving it fails the contract test",
                    )
                )
    for field_name, counts in cover.classes.items():
        missing = [value for value, count in counts.items() if count == 0]
        if missing:
            out.append(
                Problem(
                    f"no golden row has {field_name} = " + ", ".join(missing),
                    file=name,
                    severity="warning",
                    hint="add a test row for every value of every category output",
                )
            )
    return out
