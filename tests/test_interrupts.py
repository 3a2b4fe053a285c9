"""A build asked to stop never commits and never exits 0; a commit is all or nothing.

Each build runs as a real process that is sent a real signal. To reach a moment exactly
(inside a third-party `except BaseException`, between two renames of the commit), the
process is started through a small script that wraps one function to announce, with a
file, that it has been reached, and then to wait for the signal.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import EXAMPLES
from report_helpers import process_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

BUNDLE = EXAMPLES / "tumour-triage"
ONLY = "facts,summary,ds,engineer"

# Runs `dsreport build ...` after wrapping TARGET (module:attribute.path) so that its
# first call touches READY and then sleeps until a signal interrupts it.
WRAPPER = """
import importlib, pathlib, sys, time
module, _, path = sys.argv[1].partition(":")
ready = pathlib.Path(sys.argv[2])
owner = importlib.import_module(module)
*parents, name = path.split(".")
for part in parents:
    owner = getattr(owner, part)
original = getattr(owner, name)

def wrapped(*args, **kwargs):
    if not ready.exists():
        ready.touch()
        time.sleep(60)
    return original(*args, **kwargs)

setattr(owner, name, wrapped)
from dsreport.cli import main
sys.argv = ["dsreport", *sys.argv[3:]]
main()
"""


def _hashes(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "<dir>"
        for p in sorted(out.rglob("*"))
    }


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding a previous build's outputs (from an older bundle date)."""
    out = tmp_path_factory.mktemp("previous") / "out"
    env = {**process_env(), "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-m", "dsreport.cli", "build", str(BUNDLE), "-o", str(out)]
    subprocess.run([*command, "--only", ONLY], check=True, env=env, capture_output=True)
    return out


def _interrupted(target: str, out: Path, tmp_path: Path, signum: int) -> subprocess.Popen[str]:
    """A build of BUNDLE into `out`, sent `signum` once it is inside `target`."""
    ready = tmp_path / "ready"
    command = [sys.executable, "-c", WRAPPER, target, str(ready)]
    command += ["build", str(BUNDLE), "-o", str(out), "--only", ONLY, "--force", "-j", "1"]
    env = {**process_env(), "DSREPORT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the wrapped function was never reached"
        time.sleep(0.05)
    proc.send_signal(signum)
    proc.wait(timeout=120)
    return proc


def _copy(previous: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    return out


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_stop_swallowed_by_the_pdf_engine_still_stops_the_build(
    previous: Path, tmp_path: Path, signum: int
) -> None:
    """WeasyPrint draws each SVG inside `except BaseException`: the KeyboardInterrupt a
    signal raises there is swallowed, and the build went on to commit a PDF missing a
    chart, with exit 0. The request is recorded, so the build stops before committing."""
    out = _copy(previous, tmp_path)
    before = _hashes(out)
    proc = _interrupted("weasyprint.svg:SVG.draw", out, tmp_path, signum)
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == "interrupted; previous outputs are unchanged"
    assert _hashes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".dsreport")]


def test_a_library_build_records_ctrl_c_that_a_renderer_swallowed(
    previous: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called from Python, with Python's own Ctrl-C handler in place, the build records
    the interrupt too, and raises it before committing."""
    from dsreport.api import build
    from dsreport.render.base import available

    out = _copy(previous, tmp_path)
    before = _hashes(out)
    renderer = available()["summary"]
    original = renderer.render

    def swallowing(self: object, ctx: object) -> list[Path]:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except BaseException:  # what a careless library does
            pass
        return original(self, ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(renderer, "render", swallowing)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        build(BUNDLE, out, only=["facts", "summary"], force=True, jobs=1)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert _hashes(out) == before
