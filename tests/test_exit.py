"""The `dsreport` command ends at once after its work (no teardown of every module), with
its outputs, streams and exit code exactly as a normal exit leaves them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from helpers import EXAMPLES
from report_helpers import process_env

# The command as its console script runs it, with an exit handler that says whether Python
# tore itself down.
SCRIPT = """
import atexit, sys
atexit.register(lambda: print("torn down", file=sys.stderr, flush=True))
from dsreport.cli import {name}
sys.argv = ["dsreport", *sys.argv[1:]]
{name}()
"""


def _run(*args: str, name: str = "console_main") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(name=name), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=process_env(),
        timeout=300,
        check=False,
    )


def test_the_console_script_is_the_fast_exit() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "dsreport"]
    assert script.value == "dsreport.cli:console_main"


@pytest.mark.slow
def test_a_build_ends_without_teardown_and_everything_is_written(tmp_path: Path) -> None:
    """The PDF renders here and the handoff in a worker (which ends the same way); the
    build report on standard output arrives whole and names every file with the bytes it
    has on disk, and nothing of the staging is left."""
    out = tmp_path / "out"
    bundle = EXAMPLES / "tumour-triage"
    run = _run("build", str(bundle), "-o", str(out), "--only", "ds,engineer", "-j", "2", "--json")
    assert run.returncode == 0, run.stderr
    assert "torn down" not in run.stderr
    report = json.loads(run.stdout)
    assert not report["cached"]
    assert {f["path"] for f in report["artifacts"]} == {
        str(p) for p in out.rglob("*") if p.is_file()
    }
    for item in report["artifacts"]:
        data = Path(item["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (item["bytes"], item["sha256"])
    assert not [p for p in out.iterdir() if p.name.startswith(".dsreport-")]
    again = _run("build", str(bundle), "-o", str(out), "--only", "ds,engineer", "-j", "2")
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == f"up to date: {out / 'tumour-triage-facts.json'}"


def test_errors_keep_their_message_and_exit_code(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    run = _run("build", str(missing), "-o", str(tmp_path / "out"))
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr.splitlines() == [
        f"error: {missing}: bundle folder {missing} does not exist",
        "1 error; nothing was written",
    ]
    usage = _run("build", "--no-such-option")
    assert usage.returncode == 2
    assert usage.stderr.splitlines()[-1] == "Error: No such option '--no-such-option'."
    assert "torn down" not in run.stderr + usage.stderr


def test_main_called_from_python_exits_as_usual() -> None:
    """`dsreport.cli.main` is a click group a program may call: it raises SystemExit and
    Python ends normally (its exit handlers run)."""
    from dsreport import __version__

    run = _run("--version", name="main")
    assert (run.returncode, run.stdout) == (0, f"dsreport, version {__version__}\n")
    assert run.stderr == "torn down\n"
    fast = _run("--version")
    assert (fast.returncode, fast.stdout, fast.stderr) == (0, run.stdout, "")


def test_the_exit_status_is_the_one_python_gives(capsys: pytest.CaptureFixture[str]) -> None:
    from dsreport.cli import _flushed

    assert [_flushed(None), _flushed(0), _flushed(130)] == [0, 0, 130]
    assert _flushed("stopped") == 1
    assert capsys.readouterr().err == "stopped\n"
