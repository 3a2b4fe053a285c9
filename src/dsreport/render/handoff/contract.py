"""The engineers' contract: JSON Schema per side, typed example values, example pairs.

Everything comes from `system_design.inputs` / `outputs` as the bundle states them;
nothing is inferred. Example values are text in the bundle ("14", "[0, 1]") and are
read here with the field's type; a value that does not parse is left out, and said so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from dsreport import strictjson
from dsreport.bundle.sections import Constraints, ContractField

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
JSON_TYPES = {
    "integer": "integer",
    "number": "number",
    "string": "string",
    "boolean": "boolean",
    "category": "string",
    "datetime": "string",
    "array": "array",
}
PY_TYPES = {
    "integer": "int",
    "number": "float",
    "string": "str",
    "boolean": "bool",
    "category": "str",
    "datetime": "str",
    "array": "List[Any]",
}
_INTEGER = re.compile(r"^[+-]?\d+$")


def plain(value: float) -> int | float:
    """A bundle constant as written: 189.0 -> 189 (lossless; no rounding)."""
    return int(value) if float(value).is_integer() else value


def _value_schema(kind: str, c: Constraints) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": JSON_TYPES[kind]}
    if kind == "datetime":
        schema["format"] = "date-time"
    if c.allowed is not None:
        schema["enum"] = list(c.allowed)
    if c.minimum is not None and kind in ("integer", "number"):
        schema["minimum"] = plain(c.minimum)
    if c.maximum is not None and kind in ("integer", "number"):
        schema["maximum"] = plain(c.maximum)
    if c.pattern is not None and kind in ("string", "category", "datetime"):
        schema["pattern"] = c.pattern
    if c.max_length is not None and kind in ("string", "category", "datetime"):
        schema["maxLength"] = c.max_length
    return schema


def field_schema(f: ContractField) -> dict[str, Any]:
    """One property: type, constraints (on the items, for an array), nullability, example."""
    c = f.constraints
    if f.type == "array":
        schema: dict[str, Any] = {"type": "array"}
        if f.items is not None:
            schema["items"] = _value_schema(f.items, c)
    else:
        schema = _value_schema(f.type, c)
    if c.nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    schema["description"] = f.description
    if f.unit:
        schema["x-unit"] = f.unit
    ok, value = example_value(f)
    if ok:
        schema["examples"] = [value]
    return schema


def properties(fields: list[ContractField]) -> dict[str, Any]:
    return {f.name: field_schema(f) for f in fields}


def required(fields: list[ContractField]) -> list[str]:
    return [f.name for f in fields if f.required]


def _scalar(kind: str, text: str) -> Any:
    text = text.strip()
    if kind == "integer":
        if not _INTEGER.match(text):
            raise ValueError(text)
        return int(text)
    if kind == "number":
        number: float | int = int(text) if _INTEGER.match(text) else float(text)
        if isinstance(number, float) and not math.isfinite(number):
            raise ValueError(text)
        return number
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(text)
        return text.lower() == "true"
    return text


def example_value(f: ContractField) -> tuple[bool, Any]:
    """(True, value) when the field's example text reads as its type; else (False, None)."""
    if f.example is None:
        return False, None
    text = f.example.strip()
    if f.constraints.nullable and text == "null":
        return True, None
    try:
        if f.type != "array":
            return True, _scalar(f.type, text)
        items = strictjson.loads(text) if text.startswith("[") else text.split(",")
        if not isinstance(items, list):
            return False, None
        kind = f.items or "string"
        return True, [v if not isinstance(v, str) else _scalar(kind, v) for v in items]
    except ValueError:  # strictjson.JsonProblem included
        return False, None


def example_object(fields: list[ContractField]) -> tuple[dict[str, Any] | None, list[str]]:
    """The object of every field's example; None when a required field has none."""
    out: dict[str, Any] = {}
    missing = []
    for f in fields:
        ok, value = example_value(f)
        if ok:
            out[f.name] = value
        elif f.required:
            missing.append(f.name)
    return (None if missing else out), missing


@dataclass
class Example:
    id: str
    source: str
    """`contract` (the fields' example values) or `reviewed` (a reviewed case)."""
    request: dict[str, Any]
    response: dict[str, Any] | None
    expected: dict[str, Any] | None = None
    case_id: str = ""
    verdict: str = ""
    note: str = ""


@dataclass
class Examples:
    items: list[Example] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    missing_outputs: list[str] = field(default_factory=list)
    reviewed_total: int = 0
    reviewed_used: int = 0
    reviewed_free_text: int = 0
    """Reviewed cases whose input is free text, not a JSON object: no request can be made."""
    free_text_sample: str = ""


def _object(text: str) -> dict[str, Any] | None:
    text = text.strip()
    if not text.startswith("{"):
        return None
    try:
        value = strictjson.loads(text)  # NaN, deep nesting, huge numbers: not a request
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def examples(
    inputs: list[ContractField], outputs: list[ContractField], reviewed: list[dict[str, str]]
) -> Examples:
    """The canonical example, then every reviewed case whose input is a JSON object."""
    out = Examples(reviewed_total=len(reviewed))
    request, out.missing_inputs = example_object(inputs)
    response, out.missing_outputs = example_object(outputs)
    if request is not None:
        out.items.append(Example("contract-example", "contract", request, response))
    for row in reviewed:
        case_request = _object(row.get("input", ""))
        if case_request is None:
            out.reviewed_free_text += 1
            out.free_text_sample = out.free_text_sample or row.get("input", "")
            continue
        out.reviewed_used += 1
        out.items.append(
            Example(
                id=f"reviewed-{row.get('id', '')}",
                source="reviewed",
                request=case_request,
                response=_object(row.get("model_output", "")),
                expected=_object(row.get("expected_output", "")),
                case_id=row.get("id", ""),
                verdict=row.get("verdict", ""),
                note=row.get("note", ""),
            )
        )
    return out


def py_type(f: ContractField) -> str:
    """The field's annotation in the generated `io_models.py` (typing names, Python 3.8+)."""
    if f.type == "category" and f.constraints.allowed:
        text = "Literal[" + ", ".join(repr(v) for v in f.constraints.allowed) + "]"
    elif f.type == "array" and f.items is not None:
        text = f"List[{PY_TYPES[f.items] if f.items != 'array' else 'List[Any]'}]"
    else:
        text = PY_TYPES[f.type]
    return f"Optional[{text}]" if f.constraints.nullable else text
