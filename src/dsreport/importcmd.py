"""`dsreport import mlflow`: the command line of the MLflow importer (`dsreport.importers`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dsreport.console import Out, handle_errors
from dsreport.errors import UsageError


def report_start(out: Out, started: Any, directory: Path) -> None:
    for note in started.notes:
        out.info(f"  {note}")
    out.info(
        f"wrote {directory / 'dsreport.yaml'}; `dsreport validate {directory}` lists what is "
        "left for you to write"
    )


@click.group(name="import")
def import_() -> None:
    """Start a bundle from where the numbers already live."""


@import_.command(name="mlflow")
@click.argument("runs", nargs=-1)
@click.option(
    "--into", type=click.Path(path_type=Path), required=True, help="The bundle folder to write."
)
@click.option(
    "--rung",
    "rungs",
    multiple=True,
    metavar="ID=RUN",
    help="Name a run's rung (repeatable); else the run's name.",
)
@click.option("--chosen", metavar="ID", help="The rung that ships.")
@click.option(
    "--tracking-uri",
    "uri",
    help="An mlruns folder, a file: URI or a server's URL [default: MLFLOW_TRACKING_URI, "
    "else ./mlruns].",
)
@click.option("--task", type=click.Choice(["binary", "multiclass", "regression"]))
@click.option("--table", metavar="ARTIFACT", help="The runs' predictions table artifact.")
@handle_errors
def import_mlflow(
    runs: tuple[str, ...],
    into: Path,
    rungs: tuple[str, ...],
    chosen: str | None,
    uri: str | None,
    task: str | None,
    table: str | None,
) -> None:
    """Write a bundle from MLflow runs RUN..., simplest first (the first is the baseline):
    one rung per run, with its metrics, model signature, environment and predictions."""
    from dsreport.api import import_mlflow as run_import

    named: dict[str, str] = {}
    for pair in rungs:
        rung, sep, run = pair.partition("=")
        if not sep or not rung or not run:
            raise UsageError(f"--rung {pair}: expected ID=RUN", hint="e.g. --rung logreg=4c0056ac")
        named[rung] = run
    started = run_import(
        list(runs), into, rungs=named, chosen=chosen, uri=uri, task=task, table=table
    )
    report_start(Out(), started, into)
