"""load -> analyse -> render -> write, in that order and never backwards."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from dsreport.analyse.engine import analyse
from dsreport.errors import BuildError, DsreportError, UsageError
from dsreport.load.loader import load_bundle
from dsreport.load.paths import LoadOptions
from dsreport.render.base import RenderContext, available, get_renderer
from dsreport.result import BuildResult
from dsreport.write import Staging

ALWAYS = ("facts", "summary")


def select_renderers(only: Sequence[str] | None, default: Sequence[str]) -> list[str]:
    """Renderer names to run: `only` if given, else the bundle's audiences; facts always."""
    names = list(only) if only else list(default)
    known = available()
    unknown = [n for n in names if n not in known]
    if unknown and only:
        get_renderer(unknown[0])  # raises with the list of available renderers
    names = [n for n in names if n in known]
    return [*ALWAYS, *[n for n in names if n not in ALWAYS]]


def check_formats(formats: Sequence[str], only: Sequence[str] | None) -> tuple[str, ...]:
    """Lower-case the requested formats; one no selected renderer offers is a usage error."""
    wanted = tuple(f.strip().lower() for f in formats if f.strip())
    pool = select_renderers(only, ()) if only else list(available())
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
) -> BuildResult:
    timings: dict[str, float] = {}
    if only:
        select_renderers(only, ())  # an unknown name is a usage error before any work
    formats = check_formats(formats, only)
    start = time.perf_counter()
    bundle = load_bundle(bundle_path, options)
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    facts = analyse(bundle)
    timings["analyse"] = time.perf_counter() - start
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
        for name in names:
            start = time.perf_counter()
            try:
                get_renderer(name)().render(ctx)
            except DsreportError:
                raise
            except (OSError, ValueError, RuntimeError) as exc:
                raise BuildError(
                    f"the {name} renderer failed: {type(exc).__name__}: {exc}",
                    hint="run with -v for details; no output was changed",
                ) from exc
            timings[f"render:{name}"] = time.perf_counter() - start
        start = time.perf_counter()
        artifacts = stage.commit()
        timings["write"] = time.perf_counter() - start
    return BuildResult(
        facts=facts, artifacts=artifacts, warnings=bundle.warnings, timings=timings, notes=ctx.notes
    )
