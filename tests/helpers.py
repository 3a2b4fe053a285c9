"""Helpers the tests import: where things are, editing bundle files, a CLI run's result."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
BUNDLES = TESTS / "bundles"
REPO = TESTS.parent
EXAMPLES = REPO / "examples"

PROGRESS = re.compile(r"^dsreport: .+ \d+\.\d\d s( \(.*\))?$")

# Plain, uncoloured, unwrapped output whatever terminal the tests run in.
QUIET_ENV = {"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths where two facts differ: any text or count, or a float beyond 1e-9 relative."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}/{k}" for k in set(a) ^ set(b)]
        return out + [d for k in set(a) & set(b) for d in differences(a[k], b[k], f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path} ({len(a)} vs {len(b)} items)"]
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in differences(x, y, f"{path}/{i}")]
    if isinstance(a, float) and isinstance(b, float):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300) else [path]
    return [] if a == b and type(a) is type(b) else [path]


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
