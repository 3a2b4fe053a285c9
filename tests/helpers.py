"""Helpers the tests import: where things are, editing bundle files, a CLI run's result."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BUNDLES = TESTS / "bundles"
REPO = TESTS.parent
EXAMPLES = REPO / "examples"

PROGRESS = re.compile(r"^dsreport: .+ \d+\.\d\d s( \(.*\))?$")

# Plain, uncoloured, unwrapped output whatever terminal the tests run in.
QUIET_ENV = {"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file at `path` (fails loudly if not one)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_yaml(root: Path, old: str, new: str) -> None:
    edit(root / "dsreport.yaml", old, new)


@dataclass
class Run:
    """What a `dsreport` invocation left behind."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def err_lines(self) -> list[str]:
        """Standard error without the progress lines a build prints when not on a terminal."""
        return [line for line in self.stderr.splitlines() if not PROGRESS.match(line)]

    @property
    def progress_lines(self) -> list[str]:
        """The progress lines, each with its time replaced by `T`."""
        return [
            re.sub(r"\d+\.\d\d s", "T s", line)
            for line in self.stderr.splitlines()
            if PROGRESS.match(line)
        ]
