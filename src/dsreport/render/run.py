"""Run the selected renderers, side by side where the machine has the cores.

The PDF dominates a build (WeasyPrint's layout is single-threaded Python), so it stays
in this process while the deck and the handoff render in a worker process beside it
(`dsreport.buildtool.worker`).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from pathlib import Path

from dsreport.buildtool import stop
from dsreport.buildtool.progress import SILENT, Progress
from dsreport.buildtool.worker import Call
from dsreport.errors import BuildError, DsreportError
from dsreport.render.base import _BUILTIN, RenderContext, get_renderer

MAIN = "ds"
"""The renderer that keeps this process; the others may move to a worker."""


def default_jobs() -> int:
    """Processes a build may use: DSREPORT_JOBS if set, else the cores this process may
    run on that other work is not already keeping busy (a second process on a busy
    machine only competes with the first: measured 1.08 times slower at load 3 on two
    cores)."""
    value = os.environ.get("DSREPORT_JOBS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except OSError:  # pragma: no cover - no load average on this system
        busy = 0
    return max(1, cores - busy)


def run_renderer(name: str, ctx: RenderContext) -> tuple[list[Path], list[str], float]:
    """Render one artifact; a failure becomes a BuildError naming the renderer."""
    start = time.perf_counter()
    notes_before = len(ctx.notes)
    try:
        paths = get_renderer(name)().render(ctx)
    except DsreportError:
        raise
    except (OSError, ValueError, RuntimeError) as exc:
        stop.check()  # a stop request is why it failed
        raise BuildError(
            f"the {name} renderer failed: {type(exc).__name__}: {exc}",
            hint="run with -v for details; no output was changed",
        ) from exc
    stop.check()  # a stop request a library swallowed while this renderer ran
    return paths, ctx.notes[notes_before:], time.perf_counter() - start


def _side_renderers(names: Sequence[str], jobs: int) -> list[str]:
    """Renderers worth moving to a worker: only beside the PDF, and only built-in ones
    (a renderer registered at run time exists in this process alone)."""
    if jobs < 2 or MAIN not in names:
        return []
    return [n for n in names if n in ("pm", "engineer") and n in _BUILTIN]


def _for_worker(ctx: RenderContext) -> RenderContext:
    """What the deck and the handoff read, without what they do not: the predictions
    table and the tables' raw bytes (10 million rows would cross the pipe for nothing)."""
    bundle = ctx.bundle
    interrogation = bundle.spec.interrogation
    tables = {s.path for s in (interrogation.predictions, interrogation.reviewed_examples) if s}
    tables.update(bundle.predictions.sources if bundle.predictions is not None else [])
    files = {k: v for k, v in bundle.files.items() if k not in tables}
    return dataclasses.replace(
        ctx, bundle=dataclasses.replace(bundle, predictions=None, files=files), notes=[]
    )


def render_all(
    ctx: RenderContext, names: Sequence[str], *, jobs: int = 1, progress: Progress = SILENT
) -> dict[str, float]:
    """Render every named artifact into `ctx.out_dir`; return seconds per renderer."""
    timings: dict[str, float] = {}
    side = _side_renderers(names, jobs)
    worker = None
    if side:
        try:
            worker = Call("dsreport.render.run:render_some", side, _for_worker(ctx))
        except OSError:  # no interpreter to start (an embedded Python): render in turn
            side = []
    try:
        for name in side:
            progress.begin(f"render:{name}")
        for name in (n for n in names if n not in side):
            progress.begin(f"render:{name}")
            _, _, seconds = run_renderer(name, ctx)
            timings[f"render:{name}"] = seconds
            progress.end(f"render:{name}", seconds)
        if worker is not None:
            try:
                done = worker.result()
            except DsreportError:
                stop.check()  # the worker was stopped by the same Ctrl-C
                raise
            for name, notes, seconds in done:
                ctx.notes.extend(notes)
                timings[f"render:{name}"] = seconds
                progress.end(f"render:{name}", seconds)
    finally:
        if worker is not None:
            worker.stop()  # before the caller removes the staging folder it writes into
    return {f"render:{n}": timings[f"render:{n}"] for n in names}


def render_some(names: list[str], ctx: RenderContext) -> list[tuple[str, list[str], float]]:
    """In a worker: render `names` in turn; return each one's notes and seconds."""
    return [(name, *run_renderer(name, ctx)[1:]) for name in names]
