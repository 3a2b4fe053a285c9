"""The contract's example pairs and Python annotations (the schemas: `dsreport.contract`).

The canonical example is every field's example value; reviewed cases recorded as JSON
objects add more. A value that does not parse is left out, and said so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dsreport.bundle.sections import ContractField
from dsreport.contract import example_object

PY_TYPES = {
    "integer": "int",
    "number": "float",
    "string": "str",
    "boolean": "bool",
    "category": "str",
    "datetime": "str",
    "array": "List[Any]",
}


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
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # a hostile cell nests too deep
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
