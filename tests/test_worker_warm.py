"""A worker's warm-up runs its first part whatever happens and its further steps only
while no work has been sent, so what it does ahead never delays the work."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dsreport.buildtool.worker import Worker

STEPS = """
import os, time
from pathlib import Path

LOG = Path(os.environ["WARM_LOG"])


def steps():
    LOG.write_text("first\\n")
    yield
    for i in range(40):
        time.sleep(0.05)
        with LOG.open("a") as log:
            log.write(f"step {i}\\n")
        yield


def work():
    return LOG.read_text().splitlines()
"""


@pytest.fixture
def warm_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "warmsteps.py").write_text(STEPS)
    paths = [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("WARM_LOG", str(tmp_path / "log.txt"))


@pytest.mark.usefixtures("warm_module")
def test_work_sent_at_once_stops_the_warm_up_after_its_first_part() -> None:
    worker = Worker(warm="warmsteps:steps")
    try:
        worker.call("warmsteps:work")
        lines = worker.result()
    finally:
        worker.stop()
    assert lines[0] == "first"
    assert len(lines) <= 2  # at most the step under way when the work arrived


@pytest.mark.usefixtures("warm_module")
def test_a_worker_waiting_for_its_work_goes_on_warming_up() -> None:
    worker = Worker(warm="warmsteps:steps")
    try:
        time.sleep(1.5)
        worker.call("warmsteps:work")
        lines = worker.result()
    finally:
        worker.stop()
    assert lines[0] == "first"
    assert 5 <= len(lines) - 1 < 40
