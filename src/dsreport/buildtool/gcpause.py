"""Fewer garbage collections while a step makes many objects that all live on.

WeasyPrint builds hundreds of thousands of small objects (computed styles, boxes, text
runs) that all live until the PDF is written; a build's start-up imports (pydantic's
models, pandas, numpy) make as many that live as long as the process. Each time enough
of them have been made, Python's cycle collector walks every object the process holds
and finds almost nothing to free: about a fifth of the PDF's time on the examples, and
a twentieth of the start-up's. Inside `fewer_collections()` what existed before is left
out of collections (`gc.freeze`) and the youngest generation is collected every
hundred thousand allocations instead of every seven hundred. Nothing is kept longer
than the step: the previous settings come back on the way out, and a cycle left behind
is freed by the next collection as before. Steps that read data (the load, the
analysis) keep the usual settings: a cycle holding a large table is freed at once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 100_000
"""Allocations between two collections of the youngest generation (Python's default is
700): WeasyPrint's objects outlive the step, so collecting them sooner frees nothing."""

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect less while the block runs; nested or concurrent uses share one setting,
    and the last to leave restores the thresholds and unfreezes."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            if _saved[0]:  # 0 means never: left so
                gc.set_threshold(max(YOUNG_THRESHOLD, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
                gc.unfreeze()
