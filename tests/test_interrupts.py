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

from dsreport.buildtool import stop
from helpers import EXAMPLES
from report_helpers import process_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

BUNDLE = EXAMPLES / "tumour-triage"
ONLY = "facts,summary,ds,engineer"

# Runs `dsreport build ...` after wrapping TARGET (module:attribute.path) so that its
# PAUSE-th call (counting only calls that name a `.dsreport-` path, when FILTER is "staged")
# touches READY and then waits for a stop request (or a signal's exception).
WRAPPER = """
import importlib, pathlib, sys, time
target, ready, pause, only = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
module, _, path = target.partition(":")
owner = importlib.import_module(module)
*parents, name = path.split(".")
for part in parents:
    owner = getattr(owner, part)
original = getattr(owner, name)
calls = []

def wrapped(*args, **kwargs):
    if only != "staged" or any(".dsreport-" in str(a) for a in args):
        calls.append(1)
        if len(calls) == pause:
            from dsreport.buildtool import stop
            ready.touch()
            deadline = time.monotonic() + 60
            while not stop.requested() and time.monotonic() < deadline:
                time.sleep(0.05)
    return original(*args, **kwargs)

setattr(owner, name, wrapped)
from dsreport.cli import main
sys.argv = ["dsreport", *sys.argv[5:]]
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


def _paused(
    target: str, out: Path, tmp_path: Path, pause: int = 1, only: str = "all", jobs: int = 1
) -> subprocess.Popen[str]:
    """A build of BUNDLE into `out`, once it is inside `target`."""
    ready = tmp_path / "ready"
    command = [sys.executable, "-c", WRAPPER, target, str(ready), str(pause), only]
    command += ["build", str(BUNDLE), "-o", str(out), "--only", ONLY, "--force", "-j", str(jobs)]
    env = {**process_env(), "DSREPORT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the wrapped function was never reached"
        time.sleep(0.05)
    return proc


def _interrupted(
    target: str, out: Path, tmp_path: Path, signum: int, pause: int = 1, only: str = "all"
) -> subprocess.Popen[str]:
    """A build of BUNDLE into `out`, sent `signum` once it is inside `target`."""
    proc = _paused(target, out, tmp_path, pause, only)
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


@pytest.mark.parametrize("pause", [1, 2, 5, 9])
def test_a_stop_during_the_commit_leaves_the_previous_set_whole(
    previous: Path, tmp_path: Path, pause: int
) -> None:
    """SIGTERM between two renames of the commit printed 'previous outputs are unchanged'
    while facts.json and the deck were new, the rest old and the handoff folder gone. The
    commit now finishes its rename, sees the request and puts everything back."""
    out = _copy(previous, tmp_path)
    before = _hashes(out)
    proc = _interrupted("os:rename", out, tmp_path, signal.SIGTERM, pause, "staged")
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == "interrupted; previous outputs are unchanged"
    assert _hashes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".dsreport")]


def test_a_commit_killed_outright_is_undone_by_the_next_build(
    previous: Path, tmp_path: Path
) -> None:
    """SIGKILL cannot be deferred: the commit stops half way, a mix of old and new. The
    next build into the folder (even one that then fails) puts the previous set back from
    the commit's journal and removes every leftover."""
    out = _copy(previous, tmp_path)
    before = _hashes(out)
    proc = _interrupted("os:rename", out, tmp_path, signal.SIGKILL, 4, "staged")
    assert proc.returncode == -signal.SIGKILL
    assert _hashes(out) != before
    assert {p.name.split("-")[1] for p in out.iterdir() if p.name.startswith(".dsreport")} == {
        "staging",
        "commit",
    }
    broken = tmp_path / "broken"
    shutil.copytree(BUNDLE, broken)
    (broken / "dsreport.yaml").write_text("project: [\n", encoding="utf-8")
    command = [sys.executable, "-m", "dsreport.cli", "build", str(broken), "-o", str(out)]
    again = subprocess.run(command, capture_output=True, text=True, env=process_env())
    assert again.returncode == 1, again.stderr
    assert _hashes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".dsreport")]


def test_leftovers_of_an_older_dsreport_are_removed(previous: Path, tmp_path: Path) -> None:
    """What builds before the journal left: a staging folder without a process id, and a
    folder swapped out and never removed (`.dsreport-old-<name>-<pid>`)."""
    from dsreport.buildtool.staging import recover

    out = _copy(previous, tmp_path)
    before = _hashes(out)
    (out / ".dsreport-staging-k2j4x9aa").mkdir()
    (out / ".dsreport-old-tumour-triage-handoff-999999999").mkdir()
    (out / ".dsreport-old-tumour-triage-handoff-999999999" / "README.md").write_text("x")
    alive = out / f".dsreport-staging-{os.getppid()}-abc"
    alive.mkdir()  # a live build's: left alone
    recover(out)
    assert [p.name for p in out.iterdir() if p.name.startswith(".dsreport")] == [alive.name]
    alive.rmdir()
    assert _hashes(out) == before


def test_a_stopped_batch_stops_the_builds_in_its_worker_processes(tmp_path: Path) -> None:
    """`dsreport build A B -j 2` builds each bundle in a process of its own. SIGTERM to the
    command (a CI job's timeout) stops those builds too: neither commits."""
    bundles = []
    for name in ("north", "south"):
        root = tmp_path / name
        shutil.copytree(BUNDLE, root)
        spec = root / "dsreport.yaml"
        spec.write_text(
            spec.read_text("utf-8").replace("slug: tumour-triage", f"slug: {name}"), "utf-8"
        )
        bundles.append(str(root))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "dsreport.cli", "build", *bundles, "-o", str(out)]
    command += ["--only", "facts,summary,ds", "-j", "2", "--force"]
    env = {**process_env(), "DSREPORT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 120

    def staging(name: str) -> bool:
        folder = out / name
        return folder.is_dir() and any(p.name.startswith(".dsreport-") for p in folder.iterdir())

    while not (staging("north") and staging("south")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the builds never reached their staging folders"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == "interrupted; previous outputs are unchanged"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == []


def _children(pid: int) -> list[int]:
    task = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in task.read_text().split()] if task.exists() else []


def _assert_stopped_quietly(
    proc: subprocess.Popen[str], worker: int, out: Path, before: dict[str, str]
) -> None:
    """Exit 130 with dsreport's message and no traceback, the worker ended with it, and
    the previous outputs as they were with nothing left beside them."""
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == "interrupted; previous outputs are unchanged"
    assert "Traceback" not in err
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
    assert _hashes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".dsreport")]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="lists children from /proc")
def test_a_stop_during_the_analysis_ends_the_pdf_worker_started_before_it(
    previous: Path, tmp_path: Path
) -> None:
    """With two processes the PDF's worker starts before the analysis; SIGTERM to the
    command then (the worker importing, or waiting for the facts) ends both, exit 130."""
    out = _copy(previous, tmp_path)
    before = _hashes(out)
    proc = _paused("dsreport.analyse.engine:analyse", out, tmp_path, jobs=2)
    workers = _children(proc.pid)
    assert len(workers) == 1
    proc.send_signal(signal.SIGTERM)
    _assert_stopped_quietly(proc, workers[0], out, before)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="lists children from /proc")
def test_ctrl_c_while_the_worker_renders_the_pdf_stops_both(previous: Path, tmp_path: Path) -> None:
    """Ctrl-C in a terminal reaches the command and its worker at once: while the worker
    lays out the PDF (the deck is already staged here), both stop quietly, exit 130."""
    out = _copy(previous, tmp_path)
    before = _hashes(out)
    command = [sys.executable, "-m", "dsreport.cli", "build", str(BUNDLE), "-o", str(out)]
    command += ["--only", "facts,summary,ds,pm", "--force", "-j", "2"]
    env = {**process_env(), "DSREPORT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # a process group of its own, as a terminal's job is
    )
    deadline = time.monotonic() + 120
    deck = "tumour-triage-deck.pptx"
    while not any((p / deck).exists() for p in out.glob(".dsreport-staging-*")):
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the deck was never staged"
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert len(workers) == 1
    assert not any(out.glob(".dsreport-staging-*/tumour-triage-report.pdf"))
    os.killpg(proc.pid, signal.SIGINT)
    _assert_stopped_quietly(proc, workers[0], out, before)


def test_only_the_first_stop_request_raises() -> None:
    """Ctrl-C reaches a worker with its process group and its parent's SIGTERM follows: the
    second signal is recorded, not raised into the cleanup the first one started (where
    Python printed it as "Exception ignored in sys.unraisablehook" with a traceback)."""
    with stop.installed():
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        try:
            signal.raise_signal(signal.SIGTERM)
        except KeyboardInterrupt:
            pytest.fail("the second stop request was raised again")
        assert stop.requested()
        with pytest.raises(KeyboardInterrupt):
            stop.check()
    with stop.installed():  # a new command starts with no request
        assert not stop.requested()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
