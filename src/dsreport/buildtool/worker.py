"""Run one dsreport function in a fresh interpreter beside this one.

Used to render the deck beside the PDF and to build several bundles at once. Not
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
import subprocess
import sys
import threading
from importlib import import_module
from typing import Any

from dsreport.buildtool import stop
from dsreport.errors import BuildError


class Call:
    """`Call("dsreport.pkg:function", *args)` starts at once; `result()` waits for it."""

    def __init__(self, target: str, *args: Any, **kwargs: Any) -> None:
        self.target = target
        payload = pickle.dumps((target, args, kwargs), pickle.HIGHEST_PROTOCOL)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dsreport.buildtool.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
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
        self._writer.join()
        if self.process.stdout is not None:
            self.process.stdout.close()


def main() -> None:
    target, args, kwargs = pickle.loads(sys.stdin.buffer.read())  # from our parent only
    module, _, name = target.partition(":")
    outcome: tuple[str, Any]
    try:
        # stdout carries the outcome alone; SIGTERM (our parent's stop) is Ctrl-C's path,
        # recorded so that nothing swallows it and held while outputs are swapped in
        with contextlib.redirect_stdout(sys.stderr), stop.installed():
            outcome = ("ok", getattr(import_module(module), name)(*args, **kwargs))
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
