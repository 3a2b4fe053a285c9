"""Property: bundles generated from the JSON Schema, field by field, fail only with our errors.

`dsreport schema` describes every field of dsreport.yaml. Here hypothesis turns that
schema into data: once a single field of a complete, valid bundle at a time (so that the
rest of the bundle stays valid and the build gets far), and once a whole dsreport.yaml.
Text values mix arbitrary Unicode with the corpus's hostile strings (markup, Jinja,
characters XML cannot carry, a 300-character token, right-to-left text).

Whatever the value, `validate` returns Problems and never raises, and `build` either
succeeds or raises a DsreportError, leaving no staging folder behind. The PDF step is
replaced by the report's HTML (`--format html`) to keep the examples fast; the corpus
(tests/test_corpus.py) builds PDFs.
"""

from __future__ import annotations

import contextlib
import copy
import re
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corpus.make import ILLEGAL, JINJA, Draft, full_spec, yaml_text
from dsreport.api import build, json_schema, validate
from dsreport.errors import DsreportError, Problem

SCHEMA = json_schema()
DEFS: dict[str, Any] = SCHEMA["$defs"]
RENDERERS = ["facts", "summary", "pm", "engineer", "ds"]

HOSTILE_TEXT = [
    "",
    " ",
    JINJA,
    "{% for x in range(9) %}X{% endfor %}",
    "<script>alert(1)</script><img src=http://127.0.0.1:9/x.png>",
    "[x](javascript:alert(1)) ![y](file:///etc/passwd)",
    f"bad{ILLEGAL}chars",
    "x" * 300,
    "نموذج التنبؤ בדיקה 客户流失 📉",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "line\nbreak\r\ncarriage",
    "$\\frac{a$",
    "../outside.md",
    "/etc/passwd",
    "prose/problem.md",
    "NaN",
    "1.10",
    "no",
]
texts = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=30))


def _bound(node: dict[str, Any], *names: str) -> float | None:
    return next((float(node[n]) for n in names if isinstance(node.get(n), int | float)), None)


def from_schema(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for the values `node` (a JSON Schema) describes, in the YAML loader's
    terms: text where text is expected, numbers with or without a percent sign."""
    if "$ref" in node:
        return from_schema(DEFS[node["$ref"].rsplit("/", 1)[-1]], depth)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            rest = {k: v for k, v in node.items() if k != key}
            return st.one_of([from_schema({**rest, **option}, depth) for option in node[key]])
    kinds = node.get("type")
    if isinstance(kinds, list):
        return st.one_of([from_schema({**node, "type": k}, depth) for k in kinds])
    if kinds == "object" or "properties" in node:
        return _object(node, depth)
    if kinds == "array":
        items = from_schema(node.get("items", {}), depth + 1)
        low = int(node.get("minItems", 0))
        return st.lists(items, min_size=low, max_size=low + (2 if depth < 3 else 0))
    if kinds == "string":
        if node.get("format") == "date":
            return st.dates().map(str)
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: len(s) < 80)
        return texts
    if kinds == "number":
        low, high = _bound(node, "minimum", "ge", "gt"), _bound(node, "maximum", "le", "lt")
        return st.one_of(
            st.floats(low, high, allow_nan=False, allow_infinity=False),
            st.sampled_from([0, 1, -1, 0.5, 1e300, 1e-300]),
        )
    if kinds == "integer":
        low, high = _bound(node, "minimum", "ge", "gt"), _bound(node, "maximum", "le", "lt")
        return st.integers(
            None if low is None else int(low), None if high is None else int(high)
        ) | st.sampled_from([0, -1, 10**9])
    if kinds == "boolean":
        return st.booleans()
    if kinds == "null":
        return st.none()
    return st.none() | texts | st.integers()


def _object(node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    properties = node.get("properties", {})
    required = set(node.get("required", []))
    if depth > 6:
        properties = {k: v for k, v in properties.items() if k in required}
    fixed = {k: from_schema(v, depth + 1) for k, v in properties.items() if k in required}
    optional = {k: from_schema(v, depth + 1) for k, v in properties.items() if k not in required}
    strategy = st.fixed_dictionaries(fixed, optional=optional)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and not properties:
        keys = st.one_of(st.sampled_from(["recall", "precision", "title"]), texts)
        return st.dictionaries(keys, from_schema(extra, depth + 1), max_size=3)
    return strategy


def _locations(node: dict[str, Any], loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every field of the schema as a path into dsreport.yaml (list items as index 0)."""
    if "$ref" in node:
        node = DEFS[node["$ref"].rsplit("/", 1)[-1]]
    found = [loc] if loc else []
    if len(loc) > 8:
        return found
    options = node.get("anyOf", [node])
    for option in options:
        if "$ref" in option:
            option = DEFS[option["$ref"].rsplit("/", 1)[-1]]
        for key, child in option.get("properties", {}).items():
            found += _locations(child, (*loc, key))
        if option.get("type") == "array" and isinstance(option.get("items"), dict):
            found += _locations(option["items"], (*loc, 0))
    return list(dict.fromkeys(found))


def _schema_at(loc: tuple[Any, ...]) -> dict[str, Any]:
    node: dict[str, Any] = SCHEMA
    for part in loc:
        if "$ref" in node:
            node = DEFS[node["$ref"].rsplit("/", 1)[-1]]
        options = node.get("anyOf", [node])
        for option in options:
            if "$ref" in option:
                option = DEFS[option["$ref"].rsplit("/", 1)[-1]]
            if isinstance(part, int) and option.get("type") == "array":
                node = option["items"]
                break
            if isinstance(part, str) and part in option.get("properties", {}):
                node = option["properties"][part]
                break
    return node


LOCATIONS = _locations(SCHEMA)


def _put(spec: dict[str, Any], loc: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """`spec` with `value` at `loc`, creating the sections and lists on the way."""
    new = copy.deepcopy(spec)
    node: Any = new
    for part, following in zip(loc, (*loc[1:], None), strict=True):
        if following is None:
            break
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            if not node:
                node.append(empty)
            node = node[0] if isinstance(node[0], type(empty)) else empty
        else:
            if not isinstance(node.get(part), type(empty)):
                node[part] = empty
            node = node[part]
    last = loc[-1]
    if isinstance(last, int):
        if node:
            node[0] = value
        else:
            node.append(value)
    else:
        node[last] = value
    return new


def _check(root: Path) -> None:
    """validate never raises; a build succeeds or fails with one of our errors, and either
    way leaves no staging folder."""
    problems = validate(root)
    assert all(isinstance(p, Problem) for p in problems)
    for problem in problems:
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", problem.format())
    if any(p.severity == "error" for p in problems):
        return
    out = root.parent / "out"
    with contextlib.suppress(DsreportError):
        build(root, out, only=RENDERERS, formats=("html",))
    assert list(root.parent.rglob(".dsreport-*")) == []


def test_every_schema_field_is_reachable() -> None:
    assert len(LOCATIONS) > 150
    assert ("ladder", "rungs", 0, "metrics") in LOCATIONS
    assert _schema_at(("audiences", "ds", "paper"))["enum"] == ["A4", "Letter"]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), loc=st.sampled_from(LOCATIONS))
def test_one_field_from_the_schema_fails_only_with_our_errors(
    data: st.DataObject, loc: tuple[Any, ...], tmp_path_factory: Any
) -> None:
    value = data.draw(from_schema(_schema_at(loc)), label=".".join(map(str, loc)))
    draft = Draft.full()
    draft.spec = _put(full_spec(), loc, value)
    root = tmp_path_factory.mktemp("field") / "bundle"
    try:
        draft.write(root)
    except UnicodeEncodeError:  # a lone surrogate in a .md path cannot be a file name
        assume(False)
    _check(root)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=from_schema(SCHEMA))
def test_a_whole_bundle_from_the_schema_fails_only_with_our_errors(
    spec: dict[str, Any], tmp_path_factory: Any
) -> None:
    root = tmp_path_factory.mktemp("whole") / "bundle"
    shutil.copytree(Path(__file__).parent / "bundles" / "good-binary", root)
    (root / "dsreport.yaml").write_text(yaml_text(spec), encoding="utf-8")
    _check(root)
