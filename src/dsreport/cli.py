"""The command line: a thin layer over `dsreport.api`, with one error handler."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from dsreport import __version__, strictjson
from dsreport.buildtool.command import build
from dsreport.console import (
    Out,
    emit,
    fail_on_option,
    handle_errors,
    max_size,
    out_option,
    size_option,
)
from dsreport.diffcmd import diff
from dsreport.importcmd import import_, report_start


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dsreport")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
def main(verbose: bool) -> None:
    """Turn a model-evaluation results bundle into a PM deck, a staff DS report and an
    engineer's handoff package."""


@main.command(short_help="Write a complete, commented example bundle into DIRECTORY.")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--task",
    type=click.Choice(["binary", "multiclass", "regression"]),
    default=None,
    help="Kind of model the bundle describes [default: binary; inferred with --from-predictions].",
)
@click.option(
    "--from-predictions",
    "predictions",
    type=click.Path(path_type=Path),
    help="Start from this predictions table (CSV or Parquet): task and columns are inferred.",
)
@click.option("--chosen", help="With --from-predictions: the rung that ships.")
@handle_errors
def init(directory: Path, task: str | None, predictions: Path | None, chosen: str | None) -> None:
    """Write a bundle into DIRECTORY, named after it: the task's complete, commented example,
    or, with --from-predictions, a bundle around your predictions table."""
    from dsreport.api import init_bundle, init_from_predictions

    out = Out()
    if predictions is None:
        init_bundle(directory, task or "binary")
        out.info(
            f"wrote a {task or 'binary'} bundle to {directory}; edit "
            f"{directory / 'dsreport.yaml'}, then run: dsreport build {directory} -o OUT"
        )
        return
    started = init_from_predictions(directory, predictions, task=task, chosen=chosen)
    report_start(out, started, directory)


@main.command(short_help="Report every problem with BUNDLE at once; exit 1 if any is an error.")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@size_option
@handle_errors
def validate(bundle: Path, as_json: bool, max_file_size: str | None) -> None:
    """Report every problem with BUNDLE at once; exit 1 if any is an error."""
    from dsreport.api import validate as run

    problems = run(bundle, max_size(max_file_size))
    errors = [p for p in problems if p.severity == "error"]
    out = Out()
    if as_json:
        click.echo(
            strictjson.dumps(
                {"ok": not errors, "problems": [p.as_dict() for p in problems]},
                indent=2,
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


@main.command(short_help="Print the JSON Schema of dsreport.yaml, for editor completion.")
@out_option("the schema")
@click.option("--facts", "of_facts", is_flag=True, help="The schema of facts.json instead.")
@handle_errors
def schema(out_file: Path | None, of_facts: bool) -> None:
    """Print the JSON Schema of dsreport.yaml (for editors: `# yaml-language-server: $schema=`)."""
    from dsreport.api import facts_schema, json_schema_text

    text = strictjson.dumps(facts_schema(), indent=2) + "\n" if of_facts else json_schema_text()
    emit(text, out_file)


@main.command(short_help="Print the SQL that reduces BUNDLE's predictions where they live.")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option(
    "--dialect",
    type=click.Choice(["duckdb", "spark", "bigquery"]),
    default="duckdb",
    show_default=True,
    help="The engine that runs it.",
)
@click.option(
    "--binning",
    type=click.Choice(["grid", "exact"]),
    default="grid",
    show_default=True,
    help="exact: every distinct score (binary) or value (regression) its own bin, for at "
    "most 50,000 of them; grid: any table. Multiclass tables choose for themselves.",
)
@click.option(
    "--table",
    default="predictions",
    show_default=True,
    help="The predictions table as the engine names it (BigQuery: `project.dataset.table`).",
)
@click.option(
    "--position",
    help="Multiclass and regression: an expression for each row's 0-based position "
    "(default: the engine's row order).",
)
@out_option("the SQL")
@handle_errors
def sql(
    bundle: Path,
    dialect: str,
    binning: str,
    table: str,
    position: str | None,
    out_file: Path | None,
) -> None:
    """Print one SQL statement that reduces BUNDLE's predictions table where it lives (a
    warehouse, Spark) to the statistics table dsreport reads (`format: statistics`), so the
    rows never move. Only dsreport.yaml is read."""
    from dsreport.api import statistics_sql

    text = statistics_sql(bundle, dialect=dialect, binning=binning, table=table, position=position)
    emit(text, out_file)


SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


@main.command(short_help="Run the reviewer's checks on BUNDLE; exit 1 at --fail-on or above.")
@click.argument("bundle", type=click.Path(path_type=Path))
@fail_on_option("Exit 1 when a finding at or above this severity is present.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print findings and the recommendation as JSON."
)
@size_option
@handle_errors
def check(bundle: Path, fail_on: str, as_json: bool, max_file_size: str | None) -> None:
    """Run the reviewer's checks on BUNDLE; exit 1 at --fail-on or above (a CI gate)."""
    from dsreport.api import check as run

    facts = run(bundle, max_size(max_file_size))
    failing = [f for f in facts.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on]]
    if as_json:
        click.echo(
            strictjson.dumps(
                {
                    "recommendation": facts.recommendation.model_dump()
                    if facts.recommendation
                    else None,
                    "findings": [f.model_dump() for f in facts.findings],
                    "fail_on": fail_on,
                    "failed": bool(failing),
                },
                indent=2,
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


main.add_command(build)
main.add_command(diff)
main.add_command(import_)


def console_main() -> NoReturn:
    """The `dsreport` command: `main`, then the process ends at once.

    By the time `main` returns every output is written and swapped into place (and every
    worker has ended), so tearing down each module and object, about half a second after a
    build, buys nothing: the streams and logging are flushed, then `os._exit`. Only for
    the command; `main` called from Python (a test, another program) returns as usual.
    An exception other than an exit (a bug shown with -v) ends the process the usual way.
    """
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    os._exit(_flushed(code))


def _flushed(code: object) -> int:
    """Flush logging and the standard streams; the exit status Python would give `code`."""
    status = 0 if code is None else code if isinstance(code, int) else 1
    if not isinstance(code, int | None):
        print(code, file=sys.stderr)
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = status or 120  # as Python does when it cannot flush at exit
    return status


if __name__ == "__main__":  # pragma: no cover
    console_main()
