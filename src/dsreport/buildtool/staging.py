"""Staged output: renderers write into a folder beside the target, swapped in on success.

A failed or interrupted build leaves the previous outputs as they were and no
staging folder behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from dsreport.buildtool import stop
from dsreport.errors import BuildError


class Staging:
    def __init__(self, target: Path) -> None:
        self.target = target
        self.path: Path | None = None
        self.created = False

    def __enter__(self) -> Path:
        self.created = not self.target.exists()
        try:
            self.target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"cannot create output folder {self.target}: {exc.strerror}") from exc
        if not self.target.is_dir():
            raise BuildError(f"output path {self.target} is not a folder")
        self.path = Path(tempfile.mkdtemp(prefix=".dsreport-staging-", dir=self.target))
        return self.path

    def commit(self) -> list[Path]:
        """Move every staged entry into the target; directories are swapped whole."""
        assert self.path is not None
        stop.check()
        moved = []
        for entry in sorted(self.path.iterdir()):
            final = self.target / entry.name
            if entry.is_dir():
                old = None
                if final.exists():
                    old = self.target / f".dsreport-old-{entry.name}-{os.getpid()}"
                    final.rename(old)
                entry.rename(final)
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
            else:
                if final.is_dir():
                    shutil.rmtree(final)
                entry.replace(final)
            moved.append(final)
        return moved

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
        if kind is not None and self.created:
            with contextlib.suppress(OSError):
                self.target.rmdir()
