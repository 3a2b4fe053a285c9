"""JSON read and written one strict way, for every JSON file dsreport writes.

Python's `json` accepts and writes `NaN` and `Infinity`, which strict parsers (browsers,
Go, Java, jq) reject; it recurses once per level of nesting, so a deep enough value is a
RecursionError; and it turns a number of any length into an int, which Python refuses to
convert back to text past 4,300 digits. `loads` refuses all three with a plain message,
and `dumps` refuses non-finite numbers and escapes U+2028 and U+2029 (line separators to
JavaScript and to any reader that splits lines the way Python's `str.splitlines` does).
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects in a JSON value read from a bundle."""
MAX_DIGITS = 30
"""Longest number literal (sign, digits, point and exponent) in a JSON value read from a bundle."""


class JsonProblem(ValueError):
    """Why a text is not a JSON value dsreport will carry."""


def _depth(text: str) -> int:
    """The deepest nesting of `[` and `{` outside strings, scanning no further than needed."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return depth
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _number(literal: str, kind: type[int] | type[float]) -> int | float:
    if len(literal) > MAX_DIGITS:
        raise JsonProblem(f"a number of {len(literal)} characters (at most {MAX_DIGITS})")
    value = kind(literal)
    if value in (float("inf"), float("-inf")):
        raise JsonProblem(f"{literal} is too large for a JSON number")
    return value


def _constant(name: str) -> Any:
    raise JsonProblem(f"{name} is not a number JSON allows")


def loads(text: str) -> Any:
    """A JSON value, or JsonProblem: no NaN or Infinity, at most MAX_DEPTH levels, number
    literals of at most MAX_DIGITS characters."""
    if _depth(text) > MAX_DEPTH:
        raise JsonProblem(f"nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(
            text,
            parse_constant=_constant,
            parse_int=lambda s: _number(s, int),
            parse_float=lambda s: _number(s, float),
        )
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"not JSON ({exc.msg} at character {exc.pos + 1})") from exc


def dumps(value: Any, **options: Any) -> str:
    """`json.dumps` that refuses NaN and Infinity (ValueError) and escapes U+2028/U+2029."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, **options)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
