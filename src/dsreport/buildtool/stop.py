"""Stop requests (Ctrl-C, SIGTERM) that cannot be lost, and a commit they cannot split.

A signal becomes a KeyboardInterrupt in whatever code runs at that moment, and some
third-party code catches BaseException (WeasyPrint draws every SVG inside one): the
exception is swallowed and the build would go on to commit. So the request is also
recorded in a flag, which the pipeline checks between stages, after every renderer and
before it commits. While the outputs are being swapped into place the signal is only
recorded (`deferred`), so the swap is never cut in half.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

_requested = threading.Event()
_deferring = threading.Event()
_received: list[int] = []
_written = threading.Event()
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    # Only the first request raises. A later signal (Ctrl-C reaches a worker with its whole
    # process group, then its parent's SIGTERM follows) would land in the cleanup that
    # honours the first: a finally block, a finaliser, the unraisable hook (where Python
    # prints it with a traceback). It is recorded; `check()` stops the build all the same.
    first = not _requested.is_set()
    _received.append(signum)
    _requested.set()
    if first and not _deferring.is_set():
        raise KeyboardInterrupt


@contextmanager
def installed() -> Iterator[None]:
    """Ctrl-C and SIGTERM (a CI job's timeout, `kill`) both stop a build the same way: the
    previous outputs stay, workers stop, exit 130. For a command, on the main thread; the
    previous handlers come back when it ends (the CLI may run inside another program)."""
    _clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    hook = sys.unraisablehook
    for signum in SIGNALS:
        signal.signal(signum, _on_signal)
    sys.unraisablehook = _quiet_interrupts(hook)
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _quiet_interrupts(hook: Any) -> Any:
    """A stop's KeyboardInterrupt that lands in a weakref or finaliser callback cannot be
    raised there: Python would print it as "Exception ignored ... Traceback". The request
    is already recorded (`check()` raises it again), so that one is dropped silently;
    everything else goes to the previous hook."""

    def unraisable(info: Any) -> None:
        if not (isinstance(info.exc_value, KeyboardInterrupt) and _requested.is_set()):
            hook(info)

    return unraisable


def _clear() -> None:
    _requested.clear()
    _received.clear()
    _written.clear()


def outputs_written(done: bool) -> None:
    """Record whether the current build's outputs are in place (for the message a stop
    request prints: the previous outputs, or the new ones, stand)."""
    if done:
        _written.set()
    else:
        _written.clear()


def written() -> bool:
    return _written.is_set()


def requested() -> bool:
    return _requested.is_set()


def check() -> None:
    """Raise KeyboardInterrupt if a stop was asked for, even if its exception was swallowed."""
    if _requested.is_set():
        raise KeyboardInterrupt


@contextmanager
def recorded() -> Iterator[None]:
    """Record Ctrl-C for the length of a build called from Python, when Python's own
    handler is in place (a caller's handler is left alone)."""
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    _clear()
    signal.signal(signal.SIGINT, _on_signal)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM only recorded, never raised, inside the block (`requested()`
    tells). A signal whose handler was the default one (a library caller's SIGTERM, which
    ends the process) is delivered again once the block is over."""
    main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.getsignal(s) for s in SIGNALS} if main else {}
    taken = [s for s, h in previous.items() if h in (signal.default_int_handler, signal.SIG_DFL)]
    _deferring.set()
    try:
        for signum in taken:
            signal.signal(signum, _on_signal)
        yield
    finally:
        _deferring.clear()
        for signum in taken:
            signal.signal(signum, previous[signum])
        for signum in taken:
            if signum in _received and previous[signum] is signal.SIG_DFL:
                signal.raise_signal(signum)
