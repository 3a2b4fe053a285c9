"""A rebuild of an unchanged bundle: the same build report, without the cost of making one."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from report_helpers import process_env

HEAVY = ("dsreport.analyse.facts", "pydantic", "rich", "yaml", "pandas", "importlib.metadata")
"""What a cache hit printing its build report has no use for."""

PROGRAM = """
import json, sys
from dsreport.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"code": code, "imported": heavy}}), file=sys.stderr)
"""


def _build(*args: str | Path) -> tuple[dict[str, object], dict[str, object]]:
    """`dsreport build ARGS --json` in a new process: the report and what it imported."""
    program = [sys.executable, "-c", PROGRAM.format(heavy=HEAVY)]
    proc = subprocess.run(
        [*program, "build", *map(str, args), "--json"],
        capture_output=True,
        text=True,
        env=process_env(),
        timeout=120,
        check=False,
    )
    said = json.loads(proc.stderr.splitlines()[-1])
    assert said["code"] == 0, proc.stderr
    return json.loads(proc.stdout), said


def test_a_cache_hit_prints_the_build_report_without_reading_the_facts(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    """The recommendation and findings come from the entry the build recorded: byte for
    byte what the build printed, with neither the facts' models nor rich imported."""
    root, out = bundle("good-binary"), tmp_path / "out"
    first, _ = _build(root, "-o", out, "--only", "facts")
    second, said = _build(root, "-o", out, "--only", "facts")
    assert (first["cached"], second["cached"]) == (False, True)
    assert said["imported"] == []
    assert list(second["timings_s"]) == ["cache"]  # type: ignore[arg-type]
    same = {k: v for k, v in first.items() if k not in ("cached", "timings_s")}
    assert {k: v for k, v in second.items() if k not in ("cached", "timings_s")} == same
    assert json.dumps(second["findings"]) == json.dumps(first["findings"])  # key order too
    assert json.dumps(second["recommendation"]) == json.dumps(first["recommendation"])
    assert first["findings"] and first["recommendation"]


def test_an_entry_without_a_recorded_outcome_reads_the_facts(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    """An entry written before the outcome was recorded still serves a hit: its report
    reads the facts, as it did."""
    from dsreport.api import build
    from dsreport.buildtool.cache import BuildCache, sealed, unsealed

    root, out = bundle("good-binary"), tmp_path / "out"
    first = build(root, out, only=["facts"])
    cache = BuildCache(out)
    entries = json.loads(cache.file.read_text("utf-8"))
    for name, entry in entries.items():
        older = unsealed(entry)
        assert older is not None and older.pop("outcome")
        entries[name] = sealed(older)
    cache.file.write_text(json.dumps(entries), "utf-8")
    again = build(root, out, only=["facts"])
    assert again.cached and again.outcome is None
    assert again.report()["findings"] == first.report()["findings"]
