"""Helpers the tests import: where things are, editing bundle files, a CLI run's result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BUNDLES = TESTS / "bundles"
REPO = TESTS.parent
EXAMPLES = REPO / "examples"

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
        return self.stderr.splitlines()
