"""load -> analyse -> render -> write, in that order and never backwards."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dsreport.analyse.engine import analyse
from dsreport.analyse.facts import Facts
from dsreport.analyse.since.compose import with_since
from dsreport.buildtool import stop
from dsreport.buildtool.progress import SILENT, Notes, Progress
from dsreport.buildtool.staging import Staging
from dsreport.buildtool.worker import Worker, default_jobs
from dsreport.errors import UsageError
from dsreport.load.loaded import Bundle
from dsreport.load.loader import load_bundle
from dsreport.load.paths import LoadOptions
from dsreport.load.previous import read_previous
from dsreport.load.streamed import StreamedTable
from dsreport.render.base import RenderContext, get_renderer, names
from dsreport.render.run import render_all
from dsreport.result import BuildResult

ALWAYS = ("facts", "summary")


def select_renderers(only: Sequence[str] | None, default: Sequence[str]) -> list[str]:
    """Renderer names to run: `only` if given, else the bundle's audiences; facts always."""
    wanted = list(only) if only else list(default)
    known = names()  # nothing imported: the PDF's worker gets its work before the rest
    unknown = [n for n in wanted if n not in known]
    if unknown and only:
        get_renderer(unknown[0])  # raises with the list of available renderers
    wanted = [n for n in wanted if n in known]
    return [*ALWAYS, *[n for n in wanted if n not in ALWAYS]]


def check_formats(formats: Sequence[str], only: Sequence[str] | None) -> tuple[str, ...]:
    """Lower-case the requested formats; one no selected renderer offers is a usage error."""
    wanted = tuple(f.strip().lower() for f in formats if f.strip())
    if not wanted:  # the usual case: no renderer needs importing before the analysis
        return ()
    pool = select_renderers(only, ()) if only else names()
    offered = {f for name in pool for f in get_renderer(name).formats}
    for fmt in wanted:
        if fmt not in offered:
            raise UsageError(
                f"no selected renderer writes the format '{fmt}'",
                hint="formats: " + ", ".join(sorted(offered)) if offered else None,
            )
    return wanted


def build(
    bundle_path: str | Path,
    out_dir: str | Path,
    *,
    only: Sequence[str] | None = None,
    formats: Sequence[str] = (),
    template_dirs: Sequence[Path] = (),
    options: LoadOptions | None = None,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress = SILENT,
    since: str | Path | None = None,
    spare: Worker | None = None,
) -> BuildResult:
    """Build every artifact; `force` recomputes the analysis even when only prose changed,
    `jobs` caps the processes used (default: DSREPORT_JOBS, else the cores available),
    `since` is the last review to compare with (its PDF, facts.json or output folder),
    `spare` a worker started with `dsreport.render.run:warm_up` (the caller stops it)."""
    timings: dict[str, float] = {}
    if only:
        select_renderers(only, ())  # an unknown name is a usage error before any work
    formats = check_formats(formats, only)
    with _stage("load", timings, progress):
        bundle = load_bundle(bundle_path, options)
        previous = None if since is None else read_previous(since, options, bundle.slug)
    with _stage("analyse", timings, progress), _rows_shown(bundle, progress):
        facts, reused = _facts(bundle, force)
        if previous is not None:
            facts = with_since(facts, previous)
    names = select_renderers(only, bundle.spec.audiences.outputs)
    out = Path(out_dir)
    stage = Staging(out)
    with stage as staging:
        ctx = RenderContext(
            facts=facts,
            bundle=bundle,
            out_dir=staging,
            formats=tuple(formats),
            template_dirs=tuple(template_dirs),
        )
        timings.update(
            render_all(ctx, names, jobs=_jobs(jobs, spare), progress=progress, spare=spare)
        )
        with _stage("write", timings, progress):
            artifacts = stage.commit()
    return BuildResult(
        facts_or_file=facts,
        artifacts=artifacts,
        warnings=bundle.warnings,
        timings=timings,
        notes=ctx.notes,
        analysis_reused=reused,
    )


def _facts(bundle: Bundle, force: bool) -> tuple[Facts, bool]:
    """The analysis, or the stored one when nothing but prose changed since; True when
    it was reused for changed prose (not for the very bundle it was computed for)."""
    from dsreport.analyse.reuse import AnalysisCache, analysis_key

    cache = AnalysisCache()
    key = analysis_key(bundle)
    if not force and (found := cache.lookup(key, bundle)) is not None:
        return found
    facts = analyse(bundle)
    cache.store(key, facts)
    return facts, False


def _jobs(jobs: int | None, spare: Worker | None) -> int:
    """Processes to render with. A worker started for the PDF was started because there
    were two to use, and it is itself the work `default_jobs` would now count as keeping
    a core busy (it is importing what the PDF needs): asked again, the rule would render
    the PDF in this process and leave the worker idle."""
    if jobs:
        return jobs
    return 2 if spare is not None else default_jobs()


@contextmanager
def _rows_shown(bundle: Bundle, progress: Progress, every: float = 0.2) -> Iterator[None]:
    """While a streamed table's rows are read, how many so far on a live display (a pass
    over 100 M rows takes most of a minute), at most every `every` seconds."""
    table = bundle.predictions
    if not isinstance(table, StreamedTable) or not isinstance(progress, Notes):
        yield
        return
    total, done, shown = table.rows, 0, 0.0

    def seen(rows: int) -> None:
        nonlocal done, shown
        done += rows
        now = time.perf_counter()
        if now - shown >= every or done >= total:
            shown = now
            progress.note("analyse", f"{min(done, total):,} of {total:,} rows read")

    table.on_rows = seen
    try:
        yield
    finally:
        table.on_rows = None


@contextmanager
def _stage(name: str, timings: dict[str, float], progress: Progress) -> Iterator[None]:
    progress.begin(name)
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
    progress.end(name, timings[name])
    stop.check()  # a stop swallowed inside the stage still stops the build here
