"""Safe YAML with line numbers.

Only the safe constructors run. The YAML 1.1 surprises are switched off: `no`
and `on` stay text, dates stay text until a date field parses them, and every
number remembers how it was written, so `version: 1.10` means "1.10".
Aliases are expanded on a budget, so an alias bomb fails in milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from dsreport.bundle.fields import SourcedFloat, SourcedInt, clean_text
from dsreport.errors import Problem

Loc = tuple[str | int, ...]
MAX_NODES = 200_000
MAX_DEPTH = 64


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {}  # start from nothing: only the resolvers below apply


def _resolver(tag: str, pattern: str, first: str | list[str]) -> None:
    _Loader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_resolver("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolver(
    "tag:yaml.org,2002:int",
    r"^(?:[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+)$",
    "-+0123456789",
)
_resolver(
    "tag:yaml.org,2002:float",
    r"""^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    "-+0123456789.",
)
_resolver("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])
_resolver("tag:yaml.org,2002:merge", r"^(?:<<)$", "<")


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(node.value).replace("_", "")
    base = 16 if text.startswith("0x") else 8 if text.startswith("0o") else 10
    digits = text[2:] if base != 10 else text
    value = SourcedInt(int(digits, base))
    value.source = str(node.value)
    return value


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float | str:
    text = str(node.value).replace("_", "").lower()
    if text in (".inf", "+.inf"):
        number = float("inf")
    elif text == "-.inf":
        number = float("-inf")
    elif text == ".nan":
        number = float("nan")
    else:
        try:
            number = float(text)
        except ValueError:  # YAML 1.1 resolves a lone "." (or "1.2.3") as a float
            return _construct_str(loader, node)
    value = SourcedFloat(number)
    value.source = str(node.value)
    return value


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    """Every string, key or value, cleaned as it is read (escapes such as "\\0", "\\e" or
    "\\uD800" reach here: the reader only refuses such characters written raw)."""
    return clean_text(str(node.value))


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)  # dates stay text


@dataclass
class YamlDoc:
    """Parsed data plus the line of every key and list item."""

    data: Any
    file: str
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """Line of `loc`, or of its nearest ancestor that exists in the file."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None


class _Walk:
    """Index lines, count aliased expansions and find duplicate keys and cycles."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self._active: set[int] = set()

    def visit(self, node: yaml.Node, loc: Loc, record: bool) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Abort("aliases expand to more than 200,000 values (an alias bomb?)", node)
        if len(loc) > MAX_DEPTH:
            raise _Abort("the document nests deeper than 64 levels", node)
        if id(node) in self._active:
            raise _Abort("an alias refers to the node that contains it (a recursive alias)", node)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, int] = {}
                for key, value in node.value:
                    name = (
                        clean_text(str(key.value))
                        if isinstance(key, yaml.ScalarNode)
                        else str(key.start_mark)
                    )
                    line = key.start_mark.line + 1
                    if not _is_text_key(key):
                        self.problems.append(
                            Problem(
                                f"key '{name}' is read as a {_kind(key)}, not as text",
                                file=self.file,
                                line=line,
                                key=_dotted(loc) or None,
                                hint=f'quote it: "{name}"' if name else "give the key a name",
                            )
                        )
                        continue
                    if name in seen and name != "<<":
                        self.problems.append(
                            Problem(
                                f"duplicate key '{name}' (first at line {seen[name]})",
                                file=self.file,
                                line=line,
                                key=_dotted((*loc, name)),
                                hint="keep one of the two entries",
                            )
                        )
                    seen.setdefault(name, line)
                    if record:
                        self.lines.setdefault((*loc, name), line)
                    self.visit(value, (*loc, name), record)
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    if record:
                        self.lines.setdefault((*loc, index), item.start_mark.line + 1)
                    self.visit(item, (*loc, index), record)
        finally:
            self._active.discard(id(node))


def _is_text_key(key: yaml.Node) -> bool:
    """Tags are resolved while composing, so a plain `1` already carries the int tag."""
    return isinstance(key, yaml.ScalarNode) and key.tag in (
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:merge",
    )


def _kind(key: yaml.Node) -> str:
    if not isinstance(key, yaml.ScalarNode):
        return "list or mapping"
    names = {"int": "number", "float": "number", "bool": "true/false", "null": "null"}
    return names.get(str(key.tag).rsplit(":", 1)[-1], "value")


class _Abort(Exception):
    def __init__(self, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.message = message
        self.line = node.start_mark.line + 1


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_KEPT: dict[tuple[str, str], tuple[YamlDoc | None, list[Problem]]] = {}


def parse_yaml(text: str, file: str, *, keep: bool = False) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse `text`; on failure return no document and the problems, never raise.

    With `keep` the result is also left for the next parse of the same text, which takes
    it: a cold build reads the file names in dsreport.yaml for its cache key just before
    the load parses the file (50-70 ms for each example). Whoever keeps it must not change
    the document; the one who takes it may."""
    kept = _KEPT.pop((file, text), None)
    if kept is not None:
        return kept
    result = _parse_yaml(text, file)
    if keep:
        _KEPT.clear()
        _KEPT[(file, text)] = result
    return result


def _parse_yaml(text: str, file: str) -> tuple[YamlDoc | None, list[Problem]]:
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        return None, [_reader_problem(exc, text, file)]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [
                Problem("the file is empty", file=file, line=1, hint="start from `dsreport init`")
            ]
        walk = _Walk(file)
        walk.visit(node, (), True)
        if walk.problems:
            return None, walk.problems
        data = loader.construct_document(node)
    except _Abort as exc:
        return None, [
            Problem(
                exc.message,
                file=file,
                line=exc.line,
                hint="write the values out instead of using anchors and aliases",
            )
        ]
    except yaml.reader.ReaderError as exc:
        return None, [_reader_problem(exc, text, file)]
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc, file)]
    except yaml.YAMLError as exc:  # unmarked errors are rare; report them plainly
        return None, [Problem(f"not valid YAML: {exc}", file=file)]
    except RecursionError:
        return None, [Problem("the document nests too deeply", file=file)]
    finally:
        loader.dispose()
    return YamlDoc(data=data, file=file, lines=walk.lines), []


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    line = text.count("\n", 0, exc.position) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
    return Problem(
        f"character U+{code:04X} is not allowed in YAML",
        file=file,
        line=line,
        hint="remove the control character (it may come from a copy and paste)",
    )


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = exc.problem or "not valid YAML"
    hint = "check the indentation and quoting around this line"
    if "another document" in problem:
        problem = "the file holds more than one YAML document"
        hint = "keep a single document: remove the extra '---' line and what follows"
        return Problem(problem, file=file, line=line, hint=hint)
    if "\\t" in problem or "'\t'" in problem:
        problem = "a tab character is used for indentation"
        hint = "indent with spaces; YAML does not allow tabs"
    elif isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        tag = problem.split("tag", 1)[1].strip().strip("'").replace("tag:yaml.org,2002:", "!!")
        problem = f"the tag '{tag}' is not allowed"
        hint = "bundles hold plain data only: remove the tag"
    return Problem(
        f"not valid YAML: {problem}" if "tag" not in problem else problem,
        file=file,
        line=line,
        hint=hint,
    )
