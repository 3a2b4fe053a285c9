"""Every Python process a measured build starts reports its own peak memory at exit.

benchmarks/measure.py puts this folder first on PYTHONPATH and names a folder in
DSREPORT_BENCH_PEAKS; each interpreter (the build and any worker it starts) then writes
`<pid>.txt` there with its `VmHWM`. A worker's own `ru_maxrss` would not do: Linux starts
it at its parent's peak. Any other sitecustomize on the path still runs. Only modules
Python has loaded anyway are used (no pathlib), so start-up is not made slower.
"""

# ruff: noqa: PTH100, PTH118, PTH120, PTH123
from __future__ import annotations

import atexit
import os
import sys
from importlib.machinery import PathFinder

HERE = os.path.dirname(os.path.abspath(__file__))


def _report() -> None:
    folder = os.environ.get("DSREPORT_BENCH_PEAKS")
    if not folder:
        return
    try:
        with open("/proc/self/status") as status:
            kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(os.path.join(folder, f"{os.getpid()}.txt"), "w") as out:
            out.write(f"{kib} {' '.join(sys.argv[:2])}\n")
    except (OSError, StopIteration):
        pass


atexit.register(_report)

_spec = PathFinder.find_spec(
    "sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != HERE]
)
if _spec is not None and _spec.loader is not None:
    from importlib.util import module_from_spec

    _spec.loader.exec_module(module_from_spec(_spec))
