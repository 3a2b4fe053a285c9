"""One exception hierarchy, so the CLI has a single place that turns failures into messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with line breaks and other controls written as escapes (`\\n`): a name from a
    bundle cannot start a line of its own in a message, such as a forged `error:` line."""
    return _BREAKS.sub(lambda m: m.group(0).encode("unicode_escape").decode(), text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, located as precisely as the source allows."""

    message: str
    file: str = "dsreport.yaml"
    line: int | None = None
    key: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def format(self) -> str:
        key = f"{self.key}: " if self.key else ""
        return one_line(f"{self.severity}: {self.where}: {key}{self.message}")

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "message": self.message,
            "hint": self.hint,
        }


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Errors before warnings, then in file and line order, so output reads top to bottom."""
    return sorted(
        problems,
        key=lambda p: (p.severity != "error", p.file != "dsreport.yaml", p.file, p.line or 0),
    )


class DsreportError(Exception):
    """Base of every error dsreport raises on purpose; anything else is a bug."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # errors cross process boundaries (parallel renderers, batch builds) whole
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls: type[DsreportError], state: dict[str, object]) -> DsreportError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, state.get("message", ""))
    return error


class BundleError(DsreportError):
    """A bundle could not be loaded: carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sort_problems(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        first = errors[0] if errors else None
        summary = first.format() if first else "the bundle has errors"
        super().__init__(summary, hint=first.hint if first else None)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class BuildError(DsreportError):
    """A renderer or the writer failed; previous outputs are left untouched."""


class UsageError(DsreportError):
    """The caller asked for something that cannot be done (unknown renderer, bad option)."""

    exit_code = 2
