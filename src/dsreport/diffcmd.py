"""`dsreport diff PREVIOUS BUNDLE`: what changed since the last review, in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dsreport import strictjson
from dsreport.console import Out, fail_on_option, handle_errors, max_size, size_option

if TYPE_CHECKING:
    from dsreport.analyse.since.model import SinceFact

COLOURS = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
VERDICTS = {
    "better": ("better", "green"),
    "worse": ("worse", "bold red"),
    "inside_noise": ("inside the noise", "dim"),
    "unchanged": ("unchanged", "dim"),
    "not_comparable": ("cannot tell", "yellow"),
}


@click.command(
    short_help="What changed since the last review PREVIOUS; exit 1 at --fail-on or above."
)
@click.argument("previous", type=click.Path(path_type=Path))
@click.argument("bundle", type=click.Path(path_type=Path))
@fail_on_option("Exit 1 when a finding at or above this severity appeared since the last review.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@size_option
@handle_errors
def diff(
    previous: Path, bundle: Path, fail_on: str, as_json: bool, max_file_size: str | None
) -> None:
    """What changed from the last review PREVIOUS (its PDF, facts.json or output folder) to
    BUNDLE, and whether it matters; exit 1 at --fail-on or above (a CI gate)."""
    from dsreport.analyse.since.changes import new_at
    from dsreport.api import diff as run

    since = run(previous, bundle, max_size(max_file_size)).since
    assert since is not None
    new = [f for f in since.findings if new_at(f, fail_on)]
    if as_json:
        report = {
            "since": since.model_dump(),
            "fail_on": fail_on,
            "failed": bool(new),
            "new_findings": [f.id for f in new],
        }
        click.echo(strictjson.dumps(report, indent=2))
    else:
        _print(since)
        out = Out()
        for f in new:
            out.err.print(f"new {f.severity}: {f.message}", style=COLOURS[f.severity], markup=False)
    sys.exit(1 if new else 0)


def _print(since: SinceFact) -> None:
    from rich.table import Table
    from rich.text import Text

    out = Out().out
    p = since.previous
    out.print(
        f"since the last review: {p.name} {p.version} of {p.build_date} ({p.recommendation})",
        markup=False,
    )
    out.print(since.verdict, markup=False)
    out.print(f"metric changes are {since.pairing}: {since.pairing_reason}", markup=False)
    if since.metrics:
        table = Table(header_style="bold")
        for column in ("metric", "before", "now", "change", "95% interval", "how", "verdict"):
            table.add_column(column)
        for m in since.metrics:
            c = m.change
            words, style = VERDICTS[m.verdict]
            table.add_row(
                Text(m.label),
                Text(c.other_value.text),
                Text(c.chosen_value.text),
                Text(c.delta.text),
                Text(c.interval.text if c.interval else "—"),
                Text(c.kind.replace("_", " ")),
                Text(words, style=style),
            )
        out.print(table)
    if since.findings:
        table = Table(header_style="bold")
        for column in ("status", "severity", "id", "finding"):
            table.add_column(column)
        for f in since.findings:
            severity = f.severity if not f.escalated else f"{f.severity_before} → {f.severity}"
            table.add_row(
                Text(f.status),
                Text(severity, style=COLOURS[f.severity]),
                Text(f.id),
                Text(f.message),
            )
        out.print(table)
    if since.changes:
        table = Table(header_style="bold")
        for column in ("area", "change", "breaking"):
            table.add_column(column)
        for change in since.changes:
            breaking = "" if change.breaking is None else ("yes" if change.breaking else "no")
            table.add_row(
                Text(change.area),
                Text(change.text),
                Text(breaking, style="bold red" if change.breaking else ""),
            )
        out.print(table)
    for action in since.actions:
        out.print(f"  to do: {action}", markup=False)
