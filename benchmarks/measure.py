"""Running one measured process, summarising runs, and describing the machine.

The runner stays small (no numpy, no pandas) because Linux starts a child's `ru_maxrss`
at the parent's own high-water mark; for processes that cannot report their own peak
(pandoc, the `dsreport` console script) that floor is recorded in the results.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_child.py"
HOOK = HERE / "peakhook"


@dataclass
class Sample:
    """One finished process: wall seconds from spawn to reaped, peak RSS, what it said."""

    wall: float
    spawned_at: float
    maxrss_mb: float
    code: int
    stdout: str
    stderr: str
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.code == 0

    def failure(self) -> str:
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-3:]
        return f"exit {self.code}: " + " / ".join(tail)[:300]


def spawn(
    cmd: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 1800,
    report: Path | None = None,
) -> Sample:
    """Run `cmd` to completion; wall time and `ru_maxrss` come from `wait4` on its pid, and
    `tree_peak_mb` sums the peaks its Python processes report (peakhook/)."""
    env = dict(env or os.environ)
    path = [str(HOOK), *filter(None, [env.get("PYTHONPATH")])]
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.TemporaryDirectory(prefix="dsreport-peaks-") as peaks,
    ):
        env |= {"PYTHONPATH": os.pathsep.join(path), "DSREPORT_BENCH_PEAKS": peaks}
        start, spawned_at = time.perf_counter(), time.time()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        timer = threading.Timer(timeout, proc.kill)  # kills only this child, by its pid
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        reported = [int(f.read_text().split()[0]) for f in Path(peaks).glob("*.txt")]
    said: dict[str, Any] = {}
    if report is not None and report.exists():
        said = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
    said["tree_peak_mb"] = sum(reported) / 1024 if reported else usage.ru_maxrss / 1024
    said["processes"] = len(reported)
    return Sample(wall, spawned_at, usage.ru_maxrss / 1024, proc.returncode, stdout, stderr, said)


def child(mode: str, *args: str, **kwargs: Any) -> Sample:
    """Run benchmarks/_child.py in a fresh interpreter and collect its JSON report."""
    handle, name = tempfile.mkstemp(prefix="dsreport-bench-", suffix=".json")
    os.close(handle)
    report = Path(name)
    report.unlink()
    cmd = [sys.executable, str(CHILD), mode, str(report), *args]
    return spawn(cmd, report=report, **kwargs)


def stats(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def own_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def machine(tools: dict[str, str]) -> dict[str, Any]:
    """CPU, cores, memory, OS and the versions of everything measured."""
    kib = _first("/proc/meminfo", "MemTotal").split()[0]
    packages = {}
    for name in ("dsreport", "weasyprint", "matplotlib", "python-pptx", "pandas", "pyarrow"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "absent"
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(int(kib) / 1024**2, 1) if kib.isdigit() else None,
        "python": platform.python_version(),
        "bytecode_cache": not sys.flags.dont_write_bytecode,
        "os": _first("/etc/os-release", "PRETTY_NAME").strip('"'),
        "kernel": platform.release(),
        "packages": packages,
        "tools": tools,
    }


SOURCES = [HERE.parent / d for d in ("src", "templates", "assets")]


def source_stamp() -> list[float]:
    """Newest change to a file under src/, templates/ and assets/: a build's cache key
    covers them, so an edit during the run makes a warm rebuild a cold one. Files only: a
    folder's time moves when bytecode is first written beside its modules."""
    return [
        max(
            (
                p.stat().st_mtime
                for p in d.rglob("*")
                if "__pycache__" not in p.parts and p.is_file()
            ),
            default=0,
        )
        for d in SOURCES
    ]


def compile_bytecode(folders: list[Path | None]) -> bool:
    """Write the .pyc files of dsreport (and of the baseline's `src/`) before timing, as
    pip does when it installs a package: where PYTHONDONTWRITEBYTECODE is set, a checkout
    would otherwise compile every module from source in every run, which no installed
    dsreport does."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    ok = True
    for folder in folders:
        if folder is None:
            continue
        target = folder / "src" if (folder / "src").is_dir() else folder
        done = subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(target)], env=env, check=False
        )
        ok = ok and done.returncode == 0
    return ok


def source_version(checkout: Path | None = None) -> str:
    """The commit measured, and whether the checkout had uncommitted changes to dsreport."""
    git = ["git", "-C", str(checkout or HERE.parent)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "src", "templates", "assets"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}" + (" with uncommitted changes to dsreport" if dirty else "")
