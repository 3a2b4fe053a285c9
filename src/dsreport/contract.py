"""The engineers' contract as JSON Schema 2020-12, from `system_design.inputs` / `outputs`.

Everything comes from the fields as the bundle states them; nothing is inferred. Example
values are text in the bundle ("14", "[0, 1]") and are read here with the field's type;
a value that does not parse is left out. The loader checks the golden set against these
schemas, and the handoff package ships them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

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
        if c.min_items is not None:
            schema["minItems"] = c.min_items
        if c.max_items is not None:
            schema["maxItems"] = c.max_items
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
        items = json.loads(text) if text.startswith("[") else text.split(",")
        if not isinstance(items, list):
            return False, None
        kind = f.items or "string"
        return True, [v if not isinstance(v, str) else _scalar(kind, v) for v in items]
    except (ValueError, json.JSONDecodeError):
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
