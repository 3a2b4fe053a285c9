"""How many processes a build uses when it is not told: the cores not busy right now."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from dsreport.buildtool import worker
from dsreport.buildtool.worker import default_jobs


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DSREPORT_JOBS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (3.0, 3.0, 3.0))


def loadavg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "loadavg"
    path.write_text(text)
    monkeypatch.setattr(worker, "LOADAVG", str(path))


@pytest.mark.usefixtures("two_cores")
def test_a_quiet_machine_gets_both_cores_whatever_the_load_average_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loadavg(tmp_path, monkeypatch, "0.95 0.60 0.30 1/112 27981\n")
    assert default_jobs() == 2


@pytest.mark.usefixtures("two_cores")
def test_a_machine_running_other_work_keeps_the_build_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loadavg(tmp_path, monkeypatch, "0.10 0.10 0.10 3/112 27981\n")
    assert default_jobs() == 1


@pytest.mark.usefixtures("two_cores")
def test_without_proc_the_load_average_decides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "LOADAVG", str(tmp_path / "missing"))
    assert default_jobs() == 1


@pytest.mark.usefixtures("two_cores")
def test_dsreport_jobs_overrides_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSREPORT_JOBS", "2")
    assert default_jobs() == 2


def test_picking_the_renderers_imports_none_of_them() -> None:
    """The PDF's worker waits for the analysis, which waits for this process's imports:
    the deck's and the handoff's come after it, when they render."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from dsreport import pipeline\n"
        "from dsreport.render.base import available\n"
        "assert pipeline.check_formats((), None) == ()\n"
        "assert pipeline.select_renderers(None, ['pm', 'ds', 'engineer']) == "
        "['facts', 'summary', 'pm', 'ds', 'engineer']\n"
        "loaded = [m for m in ('pptx', 'jinja2', 'dsreport.render.report', "
        "'dsreport.render.handoff') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "from dsreport.render.base import names\n"
        "assert names() == list(available())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.mark.usefixtures("two_cores")
def test_a_pdf_worker_already_started_is_used_though_it_keeps_a_core_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker importing WeasyPrint is the one other runnable process the rule sees when
    the renderers start: asked again, it would say one process and leave the worker idle."""
    from dsreport.pipeline import _jobs

    loadavg(tmp_path, monkeypatch, "0.50 0.40 0.30 2/112 27981\n")
    spare: Any = object()
    assert default_jobs() == 1
    assert _jobs(None, spare) == 2
    assert _jobs(None, None) == 1
    assert _jobs(1, spare) == 1


@pytest.mark.usefixtures("two_cores")
@pytest.mark.parametrize(
    ("running", "jobs"), [((1, 2, 1, 1, 1), 2), ((2, 2, 1, 2, 3), 1), ((1, 1, 2, 2, 1), 2)]
)
def test_a_process_runnable_in_one_read_only_does_not_make_the_machine_busy(
    running: tuple[int, ...], jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = iter(running)

    class Reads:
        def __init__(self, path: str) -> None:
            pass

        def read_text(self, encoding: str) -> str:
            return f"0.10 0.10 0.10 {next(reads)}/112 27981\n"

    monkeypatch.setattr(worker, "Path", Reads)
    assert default_jobs() == jobs


def test_a_task_that_is_not_text_does_not_stop_the_loader() -> None:
    from dsreport.load.loader import _rows_may_stream

    assert not _rows_may_stream({"project": {"task": []}})
    assert _rows_may_stream({"project": {"task": "binary"}})
