"""Run one dsreport function in a fresh interpreter beside this one.

Used to render the PDF beside the deck and the handoff (the worker is started before the
analysis, so that its imports overlap with it) and to build several bundles at once. Not
multiprocessing: its spawn mode re-runs the caller's main script (a library must not
do that to a script without a `__main__` guard), and a fork would copy whatever
threads the table readers left running. Arguments and the outcome travel pickled over
the child's stdin and stdout, between this process and its own child only; errors
cross back whole (see `DsreportError.__reduce__`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from collections.abc import Generator
from importlib import import_module
from pathlib import Path
from typing import Any

from dsreport.buildtool import stop
from dsreport.errors import BuildError


def default_jobs() -> int:
    """Processes a build may use: DSREPORT_JOBS if set, else the cores this process may
    run on that other work is not keeping busy right now.

    A second process on a busy machine only competes with the first: at a load of 4 to 5
    on two cores, a build of the largest example with the PDF's worker took 1.2 times as
    long as one in a single process. On a quiet machine it pays: 0.84 times as long
    (digit-routing, five interleaved runs each). "Busy" is the processes runnable at this
    moment besides this one, not the one-minute load average, which still counts the
    builds that just finished and kept a quiet machine in one process.
    """
    value = os.environ.get("DSREPORT_JOBS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - _busy())


LOADAVG = "/proc/loadavg"


def _busy() -> int:
    """Other processes runnable now: the running count in /proc/loadavg less this process,
    the median of five reads 2 ms apart; the rounded one-minute load average where there
    is no /proc. A process that keeps a core busy is runnable in every read, while a
    kernel thread writing files back shows in one now and then: the highest of three reads
    called a quiet machine busy in 16 of 300 tries (and more often right after a large
    build), the median of five in none, and both saw a busy loop in 200 of 200."""
    try:
        counts = []
        for read in range(5):
            if read:
                time.sleep(0.002)
            fields = Path(LOADAVG).read_text(encoding="ascii").split()
            counts.append(int(fields[3].split("/")[0]))
        return max(0, sorted(counts)[2] - 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return round(os.getloadavg()[0])
    except OSError:  # pragma: no cover - no load average on this system
        return 0


class Worker:
    """A fresh interpreter beside this one, started before its work is known.

    It first runs `warm` ("dsreport.pkg:function", no arguments; a failure there is left
    for the work itself to report), typically importing what the work will need, while this
    process goes on; then `call` gives it one function to run and `result` waits for it.
    A `warm` that is a generator runs to its first `yield` whatever happens, and then one
    step after another only while no work has been sent: what it does ahead (compiling
    templates, say) never delays the work.
    """

    def __init__(self, warm: str | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dsreport.buildtool.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._writer: threading.Thread | None = None
        assert self.process.stdin is not None
        self.process.stdin.write(pickle.dumps(warm, pickle.HIGHEST_PROTOCOL))  # a few bytes
        self.process.stdin.flush()

    def call(self, target: str, *args: Any, **kwargs: Any) -> None:
        """Start `target(*args, **kwargs)` in the worker; `result()` waits for it."""
        payload = pickle.dumps((target, args, kwargs), pickle.HIGHEST_PROTOCOL)
        # written from a thread: a pipe holds 64 KiB and a bundle's tables are larger
        self._writer = threading.Thread(target=self._send, args=(payload,), daemon=True)
        self._writer.start()

    def _send(self, payload: bytes) -> None:
        assert self.process.stdin is not None
        with contextlib.suppress(OSError):
            self.process.stdin.write(payload)
            self.process.stdin.close()

    def result(self) -> Any:
        """The function's return value; its exception is raised here."""
        assert self.process.stdout is not None
        data = self.process.stdout.read()
        self.process.wait()
        if self._writer is not None:
            self._writer.join()
        try:
            outcome = pickle.loads(data)  # written by our own child, never by a bundle
        except Exception as exc:
            raise BuildError(
                f"a dsreport worker process stopped (exit code {self.process.returncode})",
                hint="set DSREPORT_JOBS=1 to work in one process, and run with -v",
            ) from exc
        kind, value = outcome
        if kind == "error":
            raise value
        return value

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM), without waiting for it."""
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        """End the child (if still running) and wait for it: nothing of it outlives us."""
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        if self.process.poll() is None:  # pragma: no cover - a child ignoring SIGTERM
            self.process.kill()
            self.process.wait()
        if self._writer is not None:
            self._writer.join()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class Call(Worker):
    """`Call("dsreport.pkg:function", *args)` starts at once; `result()` waits for it."""

    def __init__(self, target: str, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.call(target, *args, **kwargs)


def _function(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(import_module(module), name)


def _sent() -> bool:
    """Whether our parent has written more (the work, or the end of its input)."""
    try:
        return bool(select.select([sys.stdin.buffer], [], [], 0)[0])
    except (OSError, ValueError):  # no select on a pipe here: warm no further
        return True


def _warm(target: str) -> None:
    steps = _function(target)()
    if isinstance(steps, Generator):
        for _ in steps:
            if _sent():
                steps.close()
                break


def main() -> None:
    try:  # both from our parent only; nothing more is sent when no work is left for us
        warm = pickle.load(sys.stdin.buffer)
        if warm is not None:
            with contextlib.suppress(Exception):  # the work itself reports what failed
                _warm(warm)
        target, args, kwargs = pickle.load(sys.stdin.buffer)
    except EOFError:
        return
    except KeyboardInterrupt:  # Ctrl-C reaches the whole group; our parent reports it
        sys.exit(130)
    outcome: tuple[str, Any]
    try:
        # stdout carries the outcome alone; SIGTERM (our parent's stop) is Ctrl-C's path,
        # recorded so that nothing swallows it and held while outputs are swapped in
        with contextlib.redirect_stdout(sys.stderr), stop.installed():
            outcome = ("ok", _function(target)(*args, **kwargs))
            stop.check()
    except KeyboardInterrupt:
        sys.exit(130)
    except BaseException as exc:  # every failure goes to the parent
        outcome = ("error", exc)
    try:
        data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception (or result) that will not pickle
        data = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    sys.stderr.flush()


if __name__ == "__main__":
    main()
    # the outcome is sent and what the function wrote is closed: tearing down every module
    # would only keep the parent waiting for the end of its output
    os._exit(0)
