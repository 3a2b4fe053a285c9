"""`dsreport build`: one bundle, several at once, or one watched and rebuilt on change."""

from __future__ import annotations

import contextlib
import glob
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dsreport import strictjson
from dsreport.console import (
    Listed,
    Out,
    format_names,
    handle_errors,
    max_size,
    renderer_names,
    size_option,
)
from dsreport.errors import BundleError, DsreportError, UsageError

if TYPE_CHECKING:
    from dsreport.buildtool.batch import BatchItem
    from dsreport.buildtool.progress import Progress
    from dsreport.result import BuildResult


@click.command(
    short_help="Build the artifacts for BUNDLE into OUT; nothing is redone when nothing changed."
)
@click.argument("bundles", nargs=-1, required=True, metavar="BUNDLE...")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder the artifacts are written to (with several bundles: OUT/<slug>/ each).",
)
@click.option(
    "--only",
    multiple=True,
    type=Listed(renderer_names),
    help="Render only these audiences: pm the deck, ds the report, engineer the handoff "
    "(repeatable or comma-separated; facts.json and the summary always).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=Listed(format_names),
    help="Formats where a renderer offers several: html writes the report as one "
    "self-contained HTML file instead of the PDF; add pdf for both.",
)
@click.option(
    "--templates",
    "template_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Folder of templates that override the shipped ones.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing has changed.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a build report (artifacts with sizes and SHA-256, timings, findings).",
)
@click.option(
    "--watch", is_flag=True, help="Rebuild whenever a file of the bundle changes (Ctrl-C stops)."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes to use (default: DSREPORT_JOBS, else the cores available).",
)
@click.option(
    "--since",
    type=click.Path(path_type=Path),
    metavar="PREVIOUS",
    help="The last review (its PDF, facts.json or output folder): every artifact says what "
    "changed since.",
)
@size_option
@handle_errors
def build(
    bundles: tuple[str, ...],
    out_dir: Path,
    only: tuple[str, ...],
    formats: tuple[str, ...],
    template_dirs: tuple[Path, ...],
    quiet: bool,
    force: bool,
    as_json: bool,
    watch: bool,
    jobs: int | None,
    since: Path | None,
    max_file_size: str | None,
) -> None:
    """Build the artifacts for BUNDLE into OUT (nothing is redone when nothing changed).

    Several bundles, or a quoted glob such as 'bundles/*', build side by side, each
    into OUT/<slug>/; the exit code is 1 if any of them failed.
    """
    only_names = [n.strip() for item in only for n in item.split(",") if n.strip()]
    options: dict[str, Any] = {
        "only": only_names or None,
        "formats": formats,
        "template_dirs": template_dirs,
        "options": max_size(max_file_size),
        "force": force,
    }
    out = Out(quiet=quiet)
    several = len(bundles) > 1 or any(glob.has_magic(b) for b in bundles)
    if several:
        if since is not None:
            raise UsageError("--since takes one bundle", hint="compare each bundle on its own")
        if watch:
            raise UsageError("--watch takes one bundle", hint="run one watcher per bundle")
        _batch(bundles, out_dir, options, jobs, out, as_json)
        return
    bundle = Path(bundles[0])
    if since is not None:
        options["since"] = since
    if watch:
        _watch(bundle, out_dir, options, jobs, out)
        return
    from dsreport.api import build as run

    with _progress(out, silent=as_json) as progress:
        result = run(bundle, out_dir, jobs=jobs, progress=progress, **options)
    if as_json:
        click.echo(strictjson.dumps(result.report(), indent=2))
        return
    _print_result(out, result)


@contextlib.contextmanager
def _progress(out: Out, *, silent: bool = False) -> Iterator[Progress]:
    """On standard error, so standard output lists the artifacts alone: a live display on
    a terminal, one log line per stage otherwise, nothing if quiet or printing JSON."""
    from dsreport.buildtool.progress import SILENT, LiveDisplay, LogLines

    if silent or out.quiet:
        yield SILENT
    elif out.err.is_terminal:
        with LiveDisplay(out.err) as display:
            yield display
    else:
        yield LogLines(sys.stderr)


def _print_result(out: Out, result: BuildResult) -> None:
    from dsreport.result import WARNING

    if not out.quiet:
        for problem in result.warnings:
            out.problem(problem)
    for note in result.notes:
        if note.startswith(WARNING):
            out.warning(note.removeprefix(WARNING))
        else:
            out.info(f"note: {note}")
    if result.analysis_reused:
        out.info("only prose changed: the analysis was reused")
    for path in result.artifacts:
        out.info(f"{'up to date:' if result.cached else 'wrote'} {path}")


def _batch(
    patterns: tuple[str, ...],
    out_dir: Path,
    options: dict[str, Any],
    jobs: int | None,
    out: Out,
    as_json: bool,
) -> None:
    from dsreport.buildtool.batch import build_many, expand

    bundles = expand(patterns)
    with _progress(out, silent=as_json) as progress:
        items = build_many(bundles, out_dir, jobs=jobs, progress=progress, **options)
    if as_json:
        click.echo(strictjson.dumps([_item_report(i) for i in items], indent=2))
    else:
        for item in items:
            if item.error is not None:
                out.err.print(f"{item.bundle}: failed", style="bold red", markup=False)
                out.error(item.error)
            elif item.result is not None:
                _print_result(out, item.result)
        failed = sum(not i.ok for i in items)
        summary = f"{len(items) - failed} of {len(items)} bundles built into {out_dir}"
        if failed:
            out.err.print(summary, markup=False)
        else:
            out.info(summary)
    if any(not i.ok for i in items):
        sys.exit(max(i.error.exit_code for i in items if i.error is not None))


def _item_report(item: BatchItem) -> dict[str, Any]:
    report: dict[str, Any] = {
        "bundle": str(item.bundle),
        "out": str(item.out_dir),
        "ok": item.ok,
        "seconds": round(item.seconds, 4),
    }
    if item.result is not None:
        report["report"] = item.result.report()
    if item.error is not None:
        report["error"] = {"message": item.error.message, "hint": item.error.hint}
        if isinstance(item.error, BundleError):
            report["error"]["problems"] = [p.as_dict() for p in item.error.problems]
    return report


def _watch(
    bundle: Path, out_dir: Path, options: dict[str, Any], jobs: int | None, out: Out
) -> None:
    from dsreport.buildtool.watch import watch

    def built(result: BuildResult) -> None:
        _print_result(out, result)
        out.info(f"watching {bundle} (Ctrl-C stops)")

    def failed(error: BaseException) -> None:
        if isinstance(error, DsreportError):
            out.error(error)
        else:
            out.err.print(f"error: internal error: {type(error).__name__}: {error}", markup=False)
        out.err.print("the previous outputs are unchanged; watching for the fix", markup=False)

    def starting(changes: list[str]) -> None:
        if changes:
            out.info("changed: " + ", ".join(changes))

    with contextlib.suppress(KeyboardInterrupt):
        watch(
            bundle,
            out_dir,
            on_start=starting,
            on_result=built,
            on_error=failed,
            jobs=jobs,
            **options,
        )
    out.info("stopped watching")
