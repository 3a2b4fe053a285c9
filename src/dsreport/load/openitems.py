"""Open items: values a person still has to write, marked `TODO`.

An open item is an error, reported once with the question it answers. So that the rest of
the bundle is still checked in the same pass, each is replaced by a valid stand-in before
validation (the field's documented example, or the simplest value its schema allows), and
any problem that stand-in causes at the item's own key is folded into the item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from dsreport.bundle.questions import MARKER, QUESTIONS, pattern
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.messages import dotted
from dsreport.load.yamlsrc import Loc, YamlDoc

_OPEN = re.compile(rf"^\s*{MARKER}\b\s*:?\s*(.*)$", re.DOTALL)
HINT = f"write your answer in place of {MARKER}"


@dataclass(frozen=True)
class OpenItem:
    loc: Loc
    question: str


def take_open_items(doc: YamlDoc) -> list[OpenItem]:
    """Find every open item in `doc.data` and replace it, in place, by its stand-in."""
    found: list[OpenItem] = []
    _walk(doc.data, (), found)
    return found


def fold(problems: list[Problem], items: list[OpenItem], doc: YamlDoc) -> list[Problem]:
    """`problems` less those at an open item's key (its stand-in's doing), plus one error
    per open item with its question."""
    if not items:
        return problems
    keys = [dotted(item.loc) for item in items]

    def inside(key: str | None) -> bool:
        return key is not None and any(key == k or key.startswith((k + ".", k + "[")) for k in keys)

    kept = [p for p in problems if p.file != doc.file or not inside(p.key)]
    return kept + [
        Problem(
            f"to write: {item.question}",
            file=doc.file,
            line=doc.line(item.loc),
            key=key,
            hint=HINT,
        )
        for item, key in zip(items, keys, strict=True)
    ]


def _walk(node: Any, loc: Loc, found: list[OpenItem]) -> None:
    entries: list[tuple[Any, Any]]
    if isinstance(node, dict):
        entries = list(node.items())
    elif isinstance(node, list):
        entries = list(enumerate(node))
    else:
        return
    for part, value in entries:
        here = (*loc, part)
        match = _OPEN.match(value) if isinstance(value, str) else None
        if match is None:
            _walk(value, here, found)
            continue
        schema = _schema_at(here)
        found.append(OpenItem(here, _question(here, match.group(1).strip(), schema)))
        node[part] = _stand_in(schema) if schema is not None else value


def _question(loc: Loc, written: str, schema: dict[str, Any] | None) -> str:
    if written:
        return written
    known = QUESTIONS.get(pattern(dotted(loc)))
    if known:
        return known
    described = (schema or {}).get("description")
    return str(described) if described else "this value is still to be written"


@cache
def _root() -> dict[str, Any]:
    return BundleSpec.model_json_schema(by_alias=True)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while True:
        if "$ref" in node:
            node = {**_root()["$defs"][node["$ref"].rsplit("/", 1)[-1]], **node}
            del node["$ref"]
        elif "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            node = {**options[0], **{k: v for k, v in node.items() if k != "anyOf"}}
        else:
            return node


def _schema_at(loc: Loc) -> dict[str, Any] | None:
    node: dict[str, Any] | None = _root()
    for part in loc:
        if node is None:
            return None
        node = _resolve(node)
        if isinstance(part, int):
            node = node.get("items")
        else:
            properties = node.get("properties")
            extra = node.get("additionalProperties")
            if properties:
                node = properties.get(part)
            else:
                node = extra if isinstance(extra, dict) else None
    return _resolve(node) if node is not None else None


def _stand_in(node: dict[str, Any]) -> Any:
    """A value `node` accepts: its documented example, else the simplest valid value."""
    node = _resolve(node)
    if node.get("examples"):
        return node["examples"][0]
    if "const" in node:
        return node["const"]
    if node.get("enum"):
        return node["enum"][0]
    kind = node.get("type")
    if kind in ("number", "integer"):
        if "exclusiveMinimum" in node:
            return node["exclusiveMinimum"] + 1
        return node.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "array":
        count = int(node.get("minItems", 0))
        return [_stand_in(node.get("items", {})) for _ in range(count)]
    if kind == "object":
        properties = node.get("properties", {})
        return {key: _stand_in(properties[key]) for key in node.get("required", [])}
    return "todo"
