"""Terminal output and the one error handler every command goes through."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from functools import cached_property, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dsreport.buildtool import stop
from dsreport.errors import BundleError, DsreportError, Problem, UsageError, one_line

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


class Out:
    """Terminal output: rich colour on a terminal, plain lines otherwise. Never markup.
    rich is imported on the first line printed: a command that prints JSON, or nothing,
    does without it."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    @cached_property
    def err(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

    @cached_property
    def out(self) -> Console:
        from rich.console import Console

        return Console(highlight=False, soft_wrap=True, emoji=False)

    def problem(self, problem: Problem) -> None:
        style = "bold red" if problem.severity == "error" else "yellow"
        self.err.print(problem.format(), style=style, markup=False)
        if problem.hint:
            self.err.print(f"  hint: {one_line(problem.hint)}", style="dim", markup=False)

    def error(self, error: DsreportError) -> None:
        """A bundle's problems one by one, or the error and its hint."""
        if isinstance(error, BundleError):
            for problem in error.problems:
                self.problem(problem)
            return
        self.err.print(f"error: {one_line(error.message)}", style="bold red", markup=False)
        if error.hint:
            self.err.print(f"  hint: {one_line(error.hint)}", style="dim", markup=False)

    def info(self, text: str) -> None:
        if not self.quiet:
            self.out.print(text, markup=False)

    def warning(self, text: str) -> None:
        """A build's warning that is not a bundle problem (text the deck had to shorten)."""
        if not self.quiet:
            self.err.print(f"warning: {text}", style="yellow", markup=False)


def handle_errors(func: F) -> F:
    """The one place failures become messages: `error: FILE:LINE: ...`, a hint, an exit code.

    A stop request (Ctrl-C, SIGTERM) wins over whatever error it caused on its way, in
    this process or a worker: exit 130, the previous outputs unchanged."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        verbose = bool(ctx.find_root().params.get("verbose"))
        out = Out()
        try:
            with stop.installed():
                return func(*args, **kwargs)
        except (KeyboardInterrupt, Exception) as exc:
            if isinstance(exc, KeyboardInterrupt) or stop.requested():
                done = "the new outputs were already written"
                kept = "previous outputs are unchanged"
                out.err.print(f"interrupted; {done if stop.written() else kept}", markup=False)
                sys.exit(130)
            if verbose and not isinstance(exc, DsreportError):
                raise
            code = _report(exc, out)
            if verbose:
                raise
            sys.exit(code)

    return wrapper  # type: ignore[return-value]


def _report(exc: Exception, out: Out) -> int:
    """Print an error as dsreport prints errors; return the exit code."""
    if isinstance(exc, BundleError):
        out.error(exc)
        errors = len(exc.errors)
        out.err.print(
            f"{errors} error{'s' if errors != 1 else ''}; nothing was written", markup=False
        )
        return exc.exit_code
    if isinstance(exc, DsreportError):
        out.error(exc)
        return exc.exit_code
    # a bug: say so plainly, traceback only with -v
    out.err.print(
        f"error: internal error: {type(exc).__name__}: {exc}", style="bold red", markup=False
    )
    out.err.print(
        "  hint: run again with -v for the traceback and report it", style="dim", markup=False
    )
    return 3


def max_size(value: str | None) -> Any:
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


size_option = click.option(
    "--max-file-size",
    metavar="SIZE",
    help="Largest table, image or code file read from a bundle (e.g. 500M). Defaults: 2G "
    "for tables, 50M for other files; dsreport.yaml and prose are capped at 2M.",
)


class Listed(click.ParamType[str]):
    """Names given as repeated options or comma-separated; the help lists the choices.

    The choices come from the renderer registry, read only when the help is shown; the
    build checks the names and names the available ones when one is unknown."""

    name = "names"

    def __init__(self, choices: Callable[[], list[str]]) -> None:
        self.choices = choices

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "[" + "|".join(self.choices()) + "]"


def renderer_names() -> list[str]:
    from dsreport.render.base import available

    return list(available())


def format_names() -> list[str]:
    from dsreport.render.base import available

    return list(dict.fromkeys(f for cls in available().values() for f in cls.formats))


def fail_on_option(help_text: str) -> Callable[[F], F]:
    """`--fail-on info|warning|critical` (default critical): the CI gate of check and diff."""
    return click.option(
        "--fail-on",
        type=click.Choice(["info", "warning", "critical"]),
        default="critical",
        show_default=True,
        help=help_text,
    )


def out_option(what: str) -> Callable[[F], F]:
    """`-o/--out FILE`: the command's text into a file instead of standard output."""
    return click.option(
        "-o",
        "--out",
        "out_file",
        type=click.Path(path_type=Path),
        help=f"Write {what} to this file instead of standard output.",
    )


def emit(text: str, out_file: Path | None) -> None:
    """A command's text on standard output, or in `out_file`."""
    if out_file is None:
        click.echo(text, nl=False)
    else:
        out_file.write_text(text, encoding="utf-8")
