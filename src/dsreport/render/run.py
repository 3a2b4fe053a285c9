"""Run the selected renderers, side by side where the machine has the cores.

The PDF dominates a build (WeasyPrint's layout is single-threaded Python), so it renders
in a worker process (`dsreport.buildtool.worker`) started before the analysis, which has
imported WeasyPrint and matplotlib by the time the facts are ready, while the deck and the
handoff render here. Without such a worker the PDF stays here and the deck and the handoff
move to a worker started when rendering begins.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dsreport.buildtool import stop
from dsreport.buildtool.progress import SILENT, Progress
from dsreport.buildtool.worker import Worker
from dsreport.errors import BuildError, DsreportError
from dsreport.render.base import _BUILTIN, RenderContext, get_renderer

if TYPE_CHECKING:
    from dsreport.load.streamed import StreamedTable
    from dsreport.load.tables import Table

MAIN = "ds"
"""The PDF: the renderer that takes longest, which the others are run beside."""


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


CARRY_LIMIT = 64 * 1024**2
"""The most of the bundle's files sent to a worker rendering the PDF (which attaches the
tables): beyond it the copy through the pipe costs about what the worker saves."""


def warm_up() -> Iterator[None]:
    """In a worker started before the analysis: import what the PDF needs (the report's
    modules, matplotlib, WeasyPrint: about a second) while this process loads and analyses,
    and nothing it does not (the other renderers, python-pptx); then, while the facts are
    not there yet, read WeasyPrint's default stylesheet and compile the report's templates."""
    from dsreport.buildtool.gcpause import fewer_collections

    with fewer_collections():  # what is imported lives as long as the worker
        from dsreport.render import chartstyle, report
        from dsreport.render.weasyload import import_weasyprint

        get_renderer(MAIN)
        chartstyle.setup()
        import_weasyprint()

    yield
    from dsreport.render.leanua import prepare

    prepare()  # 0.05 s the PDF would otherwise pay after the facts
    yield
    yield from report.compile_templates()


def _worker_renderers(
    ctx: RenderContext, names: Sequence[str], jobs: int, early: bool
) -> list[str]:
    """Renderers to move to a worker, only beside the PDF and only built-in ones (a renderer
    registered at run time exists in this process alone): the PDF itself when the worker
    was started early (it has imported what the PDF needs) and the files it attaches are
    not too large to send, else the deck and the handoff."""
    if jobs < 2 or MAIN not in names:
        return []
    if early and sum(map(len, ctx.bundle.files.values())) <= CARRY_LIMIT:
        return [MAIN]
    return [n for n in names if n in ("pm", "engineer") and n in _BUILTIN]


def _sources_only(table: Table | StreamedTable | None) -> Table | StreamedTable | None:
    """The predictions without their rows (a streamed table holds none): the deck and the
    handoff read only which files they come from."""
    from dsreport.load.tables import Part, Table

    if isinstance(table, Table):
        parts = [Part(p.file, p.rows) for p in table.parts]
        return dataclasses.replace(table, frame=table.frame.iloc[:0], row_lines=None, parts=parts)
    return dataclasses.replace(table, checks=None) if table is not None else None


def _for_worker(ctx: RenderContext, names: Sequence[str]) -> RenderContext:
    """What the worker's renderers read, without what they do not: never the predictions
    table (10 million rows would cross the pipe for nothing), nor the tables' raw bytes
    unless the PDF, which attaches them, is among them.

    The PDF alone reads its tables through `ctx.table()`, so it gets those answers ready
    and the bundle without any table or golden row: unpickling it then imports neither
    the loader nor pandas, which keeps the worker's imports shorter than the analysis."""
    if list(names) == [MAIN]:
        from dsreport.render.facts_json import facts_json

        views = {which: ctx.table(which) for which in ("predictions", "reviewed")}
        bundle = dataclasses.replace(ctx.bundle, predictions=None, reviewed=None, golden=[])
        text = facts_json(ctx)  # the PDF attaches it: dumped here once, not again there
        return dataclasses.replace(ctx, bundle=bundle, notes=[], views=views, facts_text=text)
    bundle = dataclasses.replace(ctx.bundle, predictions=_sources_only(ctx.bundle.predictions))
    if MAIN not in names:
        interrogation = ctx.bundle.spec.interrogation
        tables = {s.path for s in (interrogation.predictions, interrogation.reviewed_examples) if s}
        tables.update(bundle.predictions.sources if bundle.predictions is not None else [])
        files = {k: v for k, v in ctx.bundle.files.items() if k not in tables}
        bundle = dataclasses.replace(bundle, files=files)
    return dataclasses.replace(ctx, bundle=bundle, notes=[])


def render_all(
    ctx: RenderContext,
    names: Sequence[str],
    *,
    jobs: int = 1,
    progress: Progress = SILENT,
    spare: Worker | None = None,
) -> dict[str, float]:
    """Render every named artifact into `ctx.out_dir`; return seconds per renderer. `spare`
    is a worker started early with `warm_up` (the caller stops it if it is not used)."""
    timings: dict[str, float] = {}
    notes: dict[str, list[str]] = {}
    before = len(ctx.notes)
    there = _worker_renderers(ctx, names, jobs, early=spare is not None)
    worker = None
    if there:
        try:
            worker = spare or Worker()
            worker.call("dsreport.render.run:render_some", there, _for_worker(ctx, there))
        except OSError:  # no interpreter to start (an embedded Python): render in turn
            there = []
    try:
        for name in there:
            progress.begin(f"render:{name}")
        for name in (n for n in names if n not in there):
            progress.begin(f"render:{name}")
            _, notes[name], seconds = run_renderer(name, ctx)
            timings[f"render:{name}"] = seconds
            progress.end(f"render:{name}", seconds)
        if worker is not None and there:
            try:
                done = worker.result()
            except DsreportError:
                stop.check()  # the worker was stopped by the same Ctrl-C
                raise
            for name, found, seconds in done:
                notes[name] = found
                timings[f"render:{name}"] = seconds
                progress.end(f"render:{name}", seconds)
    finally:
        if worker is not None:
            worker.stop()  # before the caller removes the staging folder it writes into
    del ctx.notes[before:]  # the notes in the renderers' order, wherever each ran
    for name in names:
        ctx.notes.extend(notes[name])
    return {f"render:{n}": timings[f"render:{n}"] for n in names}


def render_some(names: list[str], ctx: RenderContext) -> list[tuple[str, list[str], float]]:
    """In a worker: render `names` in turn; return each one's notes and seconds."""
    return [(name, *run_renderer(name, ctx)[1:]) for name in names]
