"""Build progress: the pipeline reports stages; the caller decides how they look.

A library user gets nothing printed (`SILENT`); the CLI shows a live rich display on a
terminal and one plain log line per finished stage otherwise, so CI logs stay readable.
"""

from __future__ import annotations

import sys
import threading
from typing import IO, TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichBar
    from rich.progress import TaskID


class Progress(Protocol):
    """Told when a stage (`load`, `analyse`, `render:ds`, `write`, a bundle) starts and ends.

    Stages may overlap (renderers and batch builds run in parallel), so both calls name
    the stage; they may come from different threads.
    """

    def begin(self, stage: str) -> None: ...

    def end(self, stage: str, seconds: float, detail: str = "") -> None: ...


@runtime_checkable
class Notes(Protocol):
    """A display that also shows how far a running stage has got (a streamed table's rows
    read so far); a `Progress` without it is told nothing more."""

    def note(self, stage: str, text: str) -> None: ...


class _Silent:
    def begin(self, stage: str) -> None:
        pass

    def end(self, stage: str, seconds: float, detail: str = "") -> None:
        pass


SILENT: Progress = _Silent()


class LogLines:
    """One plain line per finished stage, for logs: `dsreport: render:ds 4.21 s`."""

    def __init__(self, stream: IO[str] | None = None, prefix: str = "dsreport") -> None:
        self.stream = stream
        self.prefix = prefix
        self._lock = threading.Lock()

    def begin(self, stage: str) -> None:
        pass

    def end(self, stage: str, seconds: float, detail: str = "") -> None:
        stream = self.stream or sys.stderr
        with self._lock:
            print(
                f"{self.prefix}: {stage} {seconds:.2f} s" + (f" ({detail})" if detail else ""),
                file=stream,
                flush=True,
            )


class LiveDisplay:
    """A spinner per running stage and a tick with its time once it is done (rich)."""

    def __init__(self, console: Console) -> None:
        from rich.progress import Progress as RichBar
        from rich.progress import SpinnerColumn, TextColumn

        self._bar: RichBar = RichBar(
            SpinnerColumn(finished_text="[green]✓[/]"),
            TextColumn("{task.description}"),
            TextColumn("[dim]{task.fields[took]}"),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> LiveDisplay:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def begin(self, stage: str) -> None:
        with self._lock:
            self._tasks[stage] = self._bar.add_task(stage, total=1, took="")

    def note(self, stage: str, text: str) -> None:
        with self._lock:
            task = self._tasks.get(stage)
            if task is not None:
                self._bar.update(task, took=text)

    def end(self, stage: str, seconds: float, detail: str = "") -> None:
        with self._lock:
            task = self._tasks.get(stage)
            if task is None:
                task = self._tasks[stage] = self._bar.add_task(stage, total=1, took="")
            took = f"{seconds:.2f} s" + (f"  {detail}" if detail else "")
            self._bar.update(task, completed=1, took=took)
