"""The command line: a thin layer over `dsreport.api`, with one error handler."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from dsreport import __version__
from dsreport.errors import BundleError, DsreportError, Problem, UsageError

F = TypeVar("F", bound=Callable[..., Any])


class Out:
    """Terminal output: rich colour on a terminal, plain lines otherwise. Never markup."""

    def __init__(self, quiet: bool = False) -> None:
        from rich.console import Console

        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self.out = Console(highlight=False, soft_wrap=True)
        self.quiet = quiet

    def problem(self, problem: Problem) -> None:
        style = "bold red" if problem.severity == "error" else "yellow"
        self.err.print(problem.format(), style=style, markup=False)
        if problem.hint:
            self.err.print(f"  hint: {problem.hint}", style="dim", markup=False)

    def info(self, text: str) -> None:
        if not self.quiet:
            self.out.print(text, markup=False)


def handle_errors(func: F) -> F:
    """The one place failures become messages: `error: FILE:LINE: ...`, a hint, an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        verbose = bool(ctx.find_root().params.get("verbose"))
        out = Out()
        try:
            return func(*args, **kwargs)
        except BundleError as exc:
            for problem in exc.problems:
                out.problem(problem)
            errors = len(exc.errors)
            out.err.print(
                f"{errors} error{'s' if errors != 1 else ''}; nothing was written", markup=False
            )
            if verbose:
                raise
            sys.exit(exc.exit_code)
        except DsreportError as exc:
            out.err.print(f"error: {exc.message}", style="bold red", markup=False)
            if exc.hint:
                out.err.print(f"  hint: {exc.hint}", style="dim", markup=False)
            if verbose:
                raise
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            out.err.print("interrupted; previous outputs are unchanged", markup=False)
            sys.exit(130)
        except Exception as exc:  # a bug: say so plainly, traceback only with -v
            if verbose:
                raise
            out.err.print(
                f"error: internal error: {type(exc).__name__}: {exc}",
                style="bold red",
                markup=False,
            )
            out.err.print(
                "  hint: run again with -v for the traceback and report it",
                style="dim",
                markup=False,
            )
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dsreport")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
def main(verbose: bool) -> None:
    """Turn a model-evaluation results bundle into a PM deck, a staff DS report and an
    engineer's handoff package."""


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--task",
    type=click.Choice(["binary", "multiclass", "regression"]),
    default="binary",
    show_default=True,
    help="Kind of model the bundle describes.",
)
@handle_errors
def init(directory: Path, task: str) -> None:
    """Write a complete, commented example bundle into DIRECTORY."""
    from dsreport.api import init_bundle

    init_bundle(directory, task)
    Out().info(
        f"wrote a {task} bundle to {directory}; edit {directory / 'dsreport.yaml'}, "
        f"then run: dsreport build {directory} -o OUT"
    )


def _max_size(value: str | None) -> Any:
    from dsreport.load.paths import Limits, LoadOptions

    if value is None:
        return None
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = value.strip().lower().removesuffix("b").removesuffix("i")
    factor = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    try:
        amount = float(number)
    except ValueError:
        amount = float("nan")
    if not (amount > 0 and math.isfinite(amount)):
        raise UsageError(
            f"--max-file-size: '{value}' is not a size",
            hint="give a positive size such as 200M or 2G",
        )
    size = int(amount * factor)
    return LoadOptions(limits=Limits(table_bytes=size, file_bytes=size))


_size_option = click.option(
    "--max-file-size",
    metavar="SIZE",
    help="Largest table, image or code file read from a bundle (e.g. 500M). Defaults: 2G "
    "for tables, 50M for other files; dsreport.yaml and prose are capped at 2M.",
)


@main.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@_size_option
@handle_errors
def validate(bundle: Path, as_json: bool, max_file_size: str | None) -> None:
    """Report every problem with BUNDLE at once; exit 1 if any is an error."""
    from dsreport.api import validate as run

    problems = run(bundle, _max_size(max_file_size))
    errors = [p for p in problems if p.severity == "error"]
    out = Out()
    if as_json:
        click.echo(
            json.dumps(
                {"ok": not errors, "problems": [p.as_dict() for p in problems]},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for problem in problems:
            out.problem(problem)
        warnings = len(problems) - len(errors)
        if errors:
            out.err.print(
                f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
                f"{warnings} warning{'s' if warnings != 1 else ''}",
                markup=False,
            )
        else:
            out.info(
                f"{bundle}: valid"
                + (f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else "")
            )
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder the artifacts are written to.",
)
@click.option(
    "--only",
    multiple=True,
    metavar="NAME",
    help="Render only these audiences/renderers (repeatable; facts.json always).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FMT",
    help="Output format where a renderer offers several (e.g. html).",
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
@_size_option
@handle_errors
def build(
    bundle: Path,
    out_dir: Path,
    only: tuple[str, ...],
    formats: tuple[str, ...],
    template_dirs: tuple[Path, ...],
    quiet: bool,
    force: bool,
    as_json: bool,
    max_file_size: str | None,
) -> None:
    """Build the artifacts for BUNDLE into OUT (nothing is redone when nothing changed)."""
    from dsreport.api import build as run

    only_names = [n.strip() for item in only for n in item.split(",") if n.strip()]
    result = run(
        bundle,
        out_dir,
        only=only_names or None,
        formats=formats,
        template_dirs=template_dirs,
        options=_max_size(max_file_size),
        force=force,
    )
    if as_json:
        click.echo(json.dumps(result.report(), indent=2, ensure_ascii=False))
        return
    out = Out(quiet=quiet)
    for problem in result.warnings:
        if not quiet:
            out.problem(problem)
    for note in result.notes:
        out.info(f"note: {note}")
    for path in result.artifacts:
        out.info(f"{'up to date:' if result.cached else 'wrote'} {path}")


@main.command()
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    help="Write the schema to this file instead of standard output.",
)
@handle_errors
def schema(out_file: Path | None) -> None:
    """Print the JSON Schema of dsreport.yaml (for editors: `# yaml-language-server: $schema=`)."""
    from dsreport.api import json_schema_text

    text = json_schema_text()
    if out_file is None:
        click.echo(text, nl=False)
    else:
        out_file.write_text(text, encoding="utf-8")


SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


@main.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option(
    "--fail-on",
    type=click.Choice(["info", "warning", "critical"]),
    default="critical",
    show_default=True,
    help="Exit 1 when a finding at or above this severity is present.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print findings and the recommendation as JSON."
)
@_size_option
@handle_errors
def check(bundle: Path, fail_on: str, as_json: bool, max_file_size: str | None) -> None:
    """Run the reviewer's checks on BUNDLE; exit 1 at --fail-on or above (a CI gate)."""
    from dsreport.api import check as run

    facts = run(bundle, _max_size(max_file_size))
    failing = [f for f in facts.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on]]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "recommendation": facts.recommendation.model_dump()
                    if facts.recommendation
                    else None,
                    "findings": [f.model_dump() for f in facts.findings],
                    "fail_on": fail_on,
                    "failed": bool(failing),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        _print_findings(facts)
    sys.exit(1 if failing else 0)


def _print_findings(facts: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    out = Out()
    colours = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
    if facts.findings:
        table = Table(header_style="bold")
        for column in ("severity", "id", "finding", "recommendation"):
            table.add_column(column)
        for f in facts.findings:
            table.add_row(
                Text(f.severity, style=colours[f.severity]),
                Text(f.id),
                Text(f.message),
                Text(f.recommendation),
            )
        out.out.print(table)
    else:
        out.out.print("no findings", markup=False)
    rec = facts.recommendation
    if rec is not None:
        style = {
            "ship": "bold green",
            "ship_with_conditions": "bold yellow",
            "do_not_ship": "bold red",
        }[rec.decision]
        out.out.print(Text("recommendation: ") + Text(rec.label, style=style))
        for reason in rec.reasons:
            out.out.print(f"  - {reason}", markup=False)


if __name__ == "__main__":  # pragma: no cover
    main()
