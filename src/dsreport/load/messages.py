"""Turn pydantic's validation errors into located, plain-English problems."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from dsreport.bundle.introspect import keys_of, model_at
from dsreport.errors import Problem
from dsreport.load.yamlsrc import Loc, YamlDoc, _dotted

dotted = _dotted


def _show(value: Any) -> str:
    text = value.source if hasattr(value, "source") else value
    if isinstance(text, dict):
        return "a mapping"
    if isinstance(text, list):
        return "a list"
    text = str(text)
    return repr(text[:60] + ("..." if len(text) > 60 else ""))


def _suggest(word: str, options: list[str]) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _message(err: ErrorDetails, root: type[BaseModel]) -> tuple[str, str | None]:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    loc = tuple(err["loc"])
    if kind == "missing":
        if len(loc) == 1 and loc[0] in (
            "project",
            "ecosystem",
            "operator_view",
            "system_design",
            "ladder",
            "interrogation",
            "audiences",
        ):
            return f"required section '{loc[0]}' is missing", "add it (see docs/bundle.md)"
        return f"required key '{loc[-1]}' is missing", "add it (see docs/bundle.md)"
    if kind == "extra_forbidden":
        parent = model_at(root, loc[:-1])
        allowed = keys_of(parent) if parent else []
        hint = _suggest(str(loc[-1]), allowed) or (
            "allowed keys: " + ", ".join(allowed) if allowed else None
        )
        return f"unknown key '{loc[-1]}'", hint
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        whole = kind.startswith("int")
        return f"{_show(value)} is not a {'whole ' if whole else ''}number", (
            "write a plain number, such as 0.82" if not whole else "write a whole number"
        )
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [o.strip() for o in expected.replace(" or ", ", ").split(",")]
        return f"{_show(value)} is not one of: {', '.join(options)}", _suggest(str(value), options)
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return f"{_show(value)} is not a date", "write it as YYYY-MM-DD"
    if kind in ("bool_parsing", "bool_type"):
        return f"{_show(value)} is not true or false", None
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == r"\S" and loc[-1:] == ("[key]",):
        return (
            f"a metric's name is empty ({_show(value)})",
            "give each metric a name, such as recall",
        )
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == r"\S":
        return "must not be empty", "give it a name, such as recall"
    if kind == "string_pattern_mismatch":
        return f"{_show(value)} does not have the expected form ({ctx.get('pattern')})", None
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        limit = ctx.get("max_length")
        size = len(str(value)) if isinstance(value, str) else None
        return (
            f"is {size} characters long; it may be at most {limit}"
            if size is not None
            else f"may be at most {limit} characters long"
        ), "say it shorter: the deck shows it as it is, and the report carries the detail"
    if kind in ("too_short", "too_long"):
        text = err["msg"].replace("List", "the list").replace("String", "the text")
        return text.replace(" after validation", ""), None
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of keys to values, found {_show(value)}", None
    if kind == "list_type":
        return f"expected a list, found {_show(value)}", "write each item on a line starting '- '"
    if kind in ("string_type", "str_type"):
        return f"expected text, found {_show(value)}", None
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, "), None
    return err["msg"][:1].lower() + err["msg"][1:], None


def validation_problems(exc: ValidationError, doc: YamlDoc, root: type[BaseModel]) -> list[Problem]:
    errors = exc.errors(include_url=False)
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    explained: set[Loc] = set()
    problems = []
    for err in errors:
        loc: Loc = tuple(err["loc"])
        message, hint = _message(err, root)
        if loc[-1:] == ("[key]",):  # a mapping's key itself: name the mapping
            loc = loc[:-2]
        if err["type"] == "extra_forbidden" and hint and hint.startswith("did you mean"):
            meant = (*loc[:-1], hint.split("'")[1])
            if meant in missing:  # one typo, one problem: not also "required key missing"
                explained.add(meant)
                hint = f"did you mean '{meant[-1]}'? (it is required)"
        problems.append(
            Problem(message, file=doc.file, line=doc.line(loc), key=dotted(loc), hint=hint)
        )
    return [p for p, e in zip(problems, errors, strict=True) if tuple(e["loc"]) not in explained]
