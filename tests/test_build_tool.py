"""`dsreport build` as a build tool: prose-only rebuilds, batches, watching, progress."""

from __future__ import annotations

import pickle
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport.api import build
from dsreport.buildtool.batch import build_many, expand, slug_of
from dsreport.buildtool.progress import LogLines
from dsreport.buildtool.watch import watch
from dsreport.errors import BuildError, BundleError, Problem, UsageError
from dsreport.result import BuildResult
from helpers import Run, edit_yaml

CHEAP = ["facts", "summary"]


def _bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


# --- prose-only changes ----------------------------------------------------------------------


def test_a_prose_edit_reuses_the_analysis_and_matches_a_full_rebuild(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    path = bundle("good-binary")
    first = build(path, tmp_path / "a", only=CHEAP)
    assert not first.analysis_reused
    (path / "prose" / "problem.md").write_text("# Problem\n\nChurn rose to 9%.\n", "utf-8")
    edit_yaml(path, "current_process: Agents sort", "current_process: Today agents sort")

    reused = build(path, tmp_path / "a", only=CHEAP)
    assert reused.analysis_reused and not reused.cached
    assert "analyse" in reused.timings and "render:facts" in reused.timings
    fresh = build(path, tmp_path / "b", only=CHEAP, force=True)
    assert not fresh.analysis_reused
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert reused.facts.bundle["ecosystem"]["problem"] == "# Problem\n\nChurn rose to 9%."


def test_a_first_build_of_a_fresh_copy_does_not_claim_that_prose_changed(
    bundle: Callable[[str], Path], tmp_path: Path, cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    build(path, tmp_path / "a", only=CHEAP)
    copy = tmp_path / "clone" / "good-binary"  # the same bundle in a fresh clone
    shutil.copytree(path, copy)
    result = build(copy, tmp_path / "b", only=CHEAP)
    assert not result.analysis_reused and not result.cached
    again = cli("build", copy, "-o", tmp_path / "c", "--only", "facts")
    assert again.exit_code == 0, again.stderr
    assert "prose" not in again.stdout + again.stderr


def test_a_number_edit_runs_the_analysis_again(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    path = bundle("good-binary")
    build(path, tmp_path / "a", only=CHEAP)
    edit_yaml(path, "budget: 500", "budget: 650")
    again = build(path, tmp_path / "a", only=CHEAP)
    assert not again.analysis_reused and not again.cached


def test_force_runs_the_analysis_even_when_only_prose_changed(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    path = bundle("good-binary")
    build(path, tmp_path / "a", only=CHEAP)
    (path / "prose" / "problem.md").write_text("# Problem\n\nNew words.\n", "utf-8")
    assert not build(path, tmp_path / "a", only=CHEAP, force=True).analysis_reused


# --- errors cross process boundaries whole ---------------------------------------------------


def test_errors_survive_pickling_with_their_hint_and_problems() -> None:
    error = pickle.loads(pickle.dumps(BuildError("the pm renderer failed", hint="run -v")))
    assert (type(error), error.message, error.hint, str(error)) == (
        BuildError,
        "the pm renderer failed",
        "run -v",
        "the pm renderer failed",
    )
    problem = Problem("'lots' is not a number", file="dsreport.yaml", line=26, key="a.b")
    bundle_error = pickle.loads(pickle.dumps(BundleError([problem])))
    assert bundle_error.problems == [problem]
    assert bundle_error.exit_code == 1
    assert pickle.loads(pickle.dumps(UsageError("x"))).exit_code == 2


# --- batches ---------------------------------------------------------------------------------


def _renamed(bundle: Callable[[str], Path], source: str, name: str) -> Path:
    path = bundle(source)
    target = path.with_name(name)
    path.rename(target)
    spec = target / "dsreport.yaml"
    text = spec.read_text("utf-8")
    spec.write_text(re.sub(r"(?m)^  name: .*$", f"  name: {name.title()}", text, count=1), "utf-8")
    return target


def test_a_batch_builds_each_bundle_into_its_slug_and_reports_the_broken_one(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    one = _renamed(bundle, "good-binary", "north")
    two = _renamed(bundle, "minimal", "south")
    broken = _renamed(bundle, "wrong-number", "west")
    out = tmp_path / "out"
    items = build_many([one, two, broken], out, jobs=2, only=CHEAP)
    assert [(i.bundle.name, i.out_dir, i.ok) for i in items] == [
        ("north", out / "north", True),
        ("south", out / "south", True),
        ("west", out / "west", False),
    ]
    assert sorted(p.name for p in (out / "north").iterdir()) == [
        "north-facts.json",
        "north-summary.md",
    ]
    assert isinstance(items[2].error, BundleError)
    assert [p.format() for p in items[2].error.errors] == [
        "error: dsreport.yaml:26: operator_view.cost.budget: 'lots' is not a number"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["north", "south"]


def test_a_batch_refuses_two_bundles_with_one_slug(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    one = bundle("good-binary")
    two = bundle("csv-bom")
    assert slug_of(one) == slug_of(two) == "churn-radar"
    with pytest.raises(UsageError) as caught:
        build_many([one, two], tmp_path / "out", only=CHEAP)
    assert caught.value.message == (
        f"{one} and {two} would both be written to {tmp_path / 'out' / 'churn-radar'}"
    )
    assert not (tmp_path / "out").exists()


def test_a_glob_expands_to_the_bundle_folders_only(tmp_path: Path) -> None:
    for name in ("b", "a"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "dsreport.yaml").write_text("project: {}\n", "utf-8")
    (tmp_path / "notes").mkdir()
    assert expand([str(tmp_path / "*")]) == [tmp_path / "a", tmp_path / "b"]
    with pytest.raises(UsageError, match="no bundle matches"):
        expand([str(tmp_path / "none-*")])


def test_the_cli_builds_a_batch_and_exits_1_when_one_fails(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    one = _renamed(bundle, "good-binary", "north")
    broken = _renamed(bundle, "wrong-number", "west")
    out = tmp_path / "out"
    result = cli("build", one, broken, "-o", out, "--only", "facts", "-j", "1")
    assert result.exit_code == 1
    assert result.progress_lines == [
        f"dsreport: {one} T s (-> {out / 'north'})",
        f"dsreport: {broken} T s (failed)",
    ]
    assert result.err_lines == [
        f"{broken}: failed",
        "error: dsreport.yaml:26: operator_view.cost.budget: 'lots' is not a number",
        "  hint: write a plain number, such as 0.82",
        f"1 of 2 bundles built into {out}",
    ]
    assert f"wrote {out / 'north' / 'north-facts.json'}" in result.stdout.splitlines()


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_batch_reads_no_bundle_file_before_the_checked_loader(
    bundle: Callable[[str], Path], tmp_path: Path, target: str
) -> None:
    """`dsreport build bundles/evil bundles/good`: the slug of each bundle was read with
    `read_bytes()` before the loader's checks, so a dsreport.yaml linked to /dev/zero took
    4 GB in seconds (and a FIFO would block). Now the evil one fails like a single build
    and the good one builds; measured as a real process."""
    import os
    import subprocess
    import sys

    from report_helpers import process_env

    good = _renamed(bundle, "good-binary", "north")
    evil = tmp_path / "bundles" / "evil"
    evil.mkdir()
    if target == "fifo":
        os.mkfifo(evil / "dsreport.yaml")
    else:
        (evil / "dsreport.yaml").symlink_to(target)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "dsreport.cli", "build", str(evil), str(good)]
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as err:
        proc = subprocess.Popen(
            [*command, "-o", str(out), "--only", "facts", "-j", "1"],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**process_env(), "DSREPORT_CACHE_DIR": str(tmp_path / "cache")},
        )
        timer = threading.Timer(30, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
    stderr = errors.read_text("utf-8")
    assert usage.ru_maxrss * 1024 < 1024**3  # kilobytes on Linux
    assert os.waitstatus_to_exitcode(status) == 1, stderr
    what = "is a symbolic link" if target != "fifo" else "is not a regular file"
    assert [line for line in stderr.splitlines() if not line.startswith("dsreport:")] == [
        f"{evil}: failed",
        f"error: dsreport.yaml: 'dsreport.yaml' {what}",
        "  hint: copy the file into the bundle"
        if target != "fifo"
        else "  hint: name a plain file inside the bundle",
        f"1 of 2 bundles built into {out}",
    ]
    assert sorted(p.name for p in out.iterdir()) == ["north"]


def test_an_output_folder_through_a_link_in_the_bundle_is_refused(
    bundle: Callable[[str], Path], tmp_path: Path, run_dsreport: Callable[..., Run]
) -> None:
    """`dsreport build . -o out/`, as the examples advise, with `out -> /elsewhere` planted
    in the bundle, wrote the outputs to /elsewhere. The link is refused before anything
    is read or written there."""
    root = bundle("good-binary")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the bundle's\n", "utf-8")
    (root / "out").symlink_to(elsewhere, target_is_directory=True)
    result = run_dsreport("build", ".", "-o", "out/", "--only", "facts", cwd=root)
    assert result.exit_code == 2, result.stderr
    assert result.err_lines == [
        f"error: the output folder out passes through {root / 'out'}, a symbolic link in the "
        f"bundle (to {elsewhere})",
        "  hint: write the outputs outside the bundle folder, or remove the link",
    ]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
    (root / "out").unlink()
    (root / "real").mkdir()
    (root / "real" / "sub").symlink_to(elsewhere, target_is_directory=True)
    deeper = run_dsreport("build", root, "-o", root / "real" / "sub" / "x", "--only", "facts")
    assert deeper.exit_code == 2 and "a symbolic link in the bundle" in deeper.stderr
    inside = run_dsreport("build", ".", "-o", "real/out", "--only", "facts", cwd=root)
    assert inside.exit_code == 0, inside.stderr


def _kind(result: BuildResult) -> str:
    if result.cached:
        return "cached"
    return "reused" if result.analysis_reused else "built"


# --- watching --------------------------------------------------------------------------------


def test_watch_rebuilds_on_change_and_keeps_going_after_a_failure(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    path = bundle("good-binary")
    out = path / "out"  # inside the bundle: its own writes must not trigger rebuilds
    stop = threading.Event()
    events: list[str] = []
    ready = threading.Condition()

    def record(event: str) -> None:
        with ready:
            events.append(event)
            ready.notify_all()

    def wait_for(count: int) -> None:
        with ready:
            assert ready.wait_for(lambda: len(events) >= count, timeout=60), events

    watcher = threading.Thread(
        target=watch,
        args=(path, out),
        kwargs={
            "on_result": lambda r: record(_kind(r)),
            "on_error": lambda e: record(f"error: {e}"),
            "stop": stop,
            "debounce_ms": 100,
            "only": CHEAP,
        },
    )
    watcher.start()
    try:
        wait_for(1)
        time.sleep(0.5)  # the watcher starts after the first build
        edit_yaml(path, "budget: 500", "budget: lots")
        wait_for(2)
        edit_yaml(path, "budget: lots", "budget: 500")
        wait_for(3)
        (path / "prose" / "problem.md").write_text("# Problem\n\nMore.\n", "utf-8")
        wait_for(4)
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert events == [
        "built",
        "error: error: dsreport.yaml:26: operator_view.cost.budget: 'lots' is not a number",
        "cached",  # the broken build changed nothing; the repaired bundle is the first again
        "reused",
    ]
    assert (out / "churn-radar-facts.json").is_file()


# --- progress --------------------------------------------------------------------------------


def test_log_lines_name_each_stage_with_its_time(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    class Sink:
        def __init__(self) -> None:
            self.text = ""

        def write(self, text: str) -> int:
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

    sink = Sink()
    build(bundle("good-binary"), tmp_path / "o", only=CHEAP, progress=LogLines(sink))  # type: ignore[arg-type]
    stages = [re.sub(r" \d+\.\d\d s$", "", line) for line in sink.text.splitlines()]
    assert stages == [
        "dsreport: load",
        "dsreport: analyse",
        "dsreport: render:facts",
        "dsreport: render:summary",
        "dsreport: write",
    ]


def test_a_cached_build_reports_no_stages(bundle: Callable[[str], Path], tmp_path: Path) -> None:
    path = bundle("good-binary")
    build(path, tmp_path / "o", only=CHEAP)
    seen: list[str] = []

    class Spy:
        def begin(self, stage: str) -> None:
            seen.append(stage)

        def end(self, stage: str, seconds: float, detail: str = "") -> None:
            seen.append(stage)

    result: BuildResult = build(path, tmp_path / "o", only=CHEAP, progress=Spy())
    assert result.cached and seen == []


def test_the_live_display_ticks_each_stage_on_a_terminal(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    import io

    from rich.console import Console

    from dsreport.buildtool.progress import LiveDisplay

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80, color_system=None)
    with LiveDisplay(console) as display:
        build(bundle("good-binary"), tmp_path / "o", only=CHEAP, progress=display)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # cursor movement
    final = [line.strip() for line in plain.splitlines() if line.strip()][-5:]
    assert [re.sub(r"\s+\d+\.\d\d s$", "", line) for line in final] == [
        "✓ load",
        "✓ analyse",
        "✓ render:facts",
        "✓ render:summary",
        "✓ write",
    ]


def test_watch_takes_one_bundle(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = cli("build", bundle("good-binary"), bundle("minimal"), "-o", tmp_path, "--watch")
    assert (result.exit_code, result.err_lines) == (
        2,
        ["error: --watch takes one bundle", "  hint: run one watcher per bundle"],
    )


def test_a_table_over_the_attachment_limit_stays_out_of_the_pdf_with_a_note(
    bundle: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from dsreport.render import report

    path = bundle("good-binary")
    size = (path / "data" / "reviewed.csv").stat().st_size
    assert (path / "data" / "predictions.csv").stat().st_size < size
    monkeypatch.setattr(report, "ATTACH_LIMIT", size - 1)
    result = build(path, tmp_path / "o", only=["ds"], jobs=1)
    assert result.notes == [
        "data/reviewed.csv (0 MB) is not attached to the PDF: tables over 0 MB stay beside it"
    ]
    listed = subprocess.run(
        ["pdfdetach", "-list", str(tmp_path / "o" / "churn-radar-report.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert [line.split(": ", 1)[1] for line in listed[1:]] == [
        "churn-radar-facts.json",
        "predictions.csv",
    ]


def test_the_pdf_renders_in_the_worker_started_early_unless_its_files_are_large(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker started before the analysis has imported what the PDF needs: the PDF goes
    there, unless the files it would carry through the pipe are large; a worker started
    at rendering time takes the deck and the handoff instead."""
    from types import SimpleNamespace

    from dsreport.render import run

    ctx = SimpleNamespace(bundle=SimpleNamespace(files={"data/t.csv": b"x" * 10}))
    names = ["facts", "summary", "pm", "ds", "engineer"]
    assert run._worker_renderers(ctx, names, 2, early=True) == ["ds"]
    assert run._worker_renderers(ctx, names, 2, early=False) == ["pm", "engineer"]
    assert run._worker_renderers(ctx, names, 1, early=True) == []
    assert run._worker_renderers(ctx, ["facts", "summary", "pm"], 2, early=True) == []
    monkeypatch.setattr(run, "CARRY_LIMIT", 9)
    assert run._worker_renderers(ctx, names, 2, early=True) == ["pm", "engineer"]
