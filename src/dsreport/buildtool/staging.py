"""Staged output: renderers write into a folder beside the target, swapped in on success.

A failed or interrupted build leaves the previous outputs as they were and no staging
folder behind. The swap itself is all or nothing: before it moves anything it writes a
journal (what is staged, and where what it replaces is kept); a stop request during the
swap is only recorded (`stop.deferred`) and undoes the moves made so far; and a swap cut
short outright (SIGKILL, a power cut) is undone from its journal by the next build into
the folder, which also removes what such a build left. Two builds into one folder swap one
at a time (an exclusive lock on the folder, where the system has one).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from dsreport.buildtool import stop
from dsreport.errors import BuildError, UsageError

STAGING = ".dsreport-staging-"
COMMIT = ".dsreport-commit-"
JOURNAL = "journal.json"
_OWNER = re.compile(r"^\.dsreport-(?:staging|commit)-(\d+)-|^\.dsreport-old-.*-(\d+)$")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` itself (no lock file to leave behind)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: one build at a time is on the user
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _undo(target: Path, saved: Path, staging: Path | None, names: list[str]) -> None:
    """Put back what a swap replaced: an entry that left `staging` went in and comes out;
    what `saved` holds goes back. Without the staging folder only `saved` is put back."""
    for name in reversed(names):
        final = target / name
        went_in = staging is not None and not _exists(staging / name)
        if went_in and _exists(final):
            _remove(final)
        if _exists(saved / name):
            if _exists(final):
                _remove(final)
            (saved / name).rename(final)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(target: Path) -> None:
    """Undo a swap a dead build left half done, and remove what dead builds left behind
    (`.dsreport-*` entries whose process is gone, or that name none: an older dsreport's)."""
    if not target.is_dir():
        return
    with _locked(target):
        leftovers = sorted(p for p in target.iterdir() if p.name.startswith(".dsreport-"))
        for path in leftovers:
            owner = _OWNER.match(path.name)
            pid = next((int(g) for g in owner.groups() if g), None) if owner else None
            if pid is not None and _alive(pid):
                continue
            if path.name.startswith(COMMIT) and (path / JOURNAL).is_file():
                try:
                    journal = json.loads((path / JOURNAL).read_text(encoding="utf-8"))
                    staging = target / journal["staging"]
                    _undo(
                        target,
                        path / "saved",
                        staging if staging.is_dir() else None,
                        list(journal["names"]),
                    )
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # kept, so that nothing is lost: a person can look
            with contextlib.suppress(OSError):
                _remove(path)


def check_output_folder(out_dir: Path, bundle: Path) -> None:
    """Refuse an output folder that passes through a symbolic link inside the bundle: the
    bundle's author made it (`out -> /elsewhere`), and `-o out/` would write where the link
    leads, not where the user pointed. Links outside the bundle are the user's own."""
    # lexically absolute, links not followed: the links are what is being looked for
    out, root = Path(os.path.abspath(out_dir)), Path(os.path.abspath(bundle))  # noqa: PTH100
    try:
        inside = out.relative_to(root)
    except ValueError:
        return
    current = root
    for part in inside.parts:
        current = current / part
        if current.is_symlink():
            raise UsageError(
                f"the output folder {out_dir} passes through {current}, a symbolic link in "
                f"the bundle (to {current.readlink()})",
                hint="write the outputs outside the bundle folder, or remove the link",
            )


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
        recover(self.target)
        stop.outputs_written(False)
        prefix = f"{STAGING}{os.getpid()}-"
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=self.target))
        return self.path

    def commit(self) -> list[Path]:
        """Swap every staged entry into the target, all or nothing."""
        assert self.path is not None
        names = sorted(entry.name for entry in self.path.iterdir())
        with stop.deferred(), _locked(self.target):
            stop.check()
            folder = Path(tempfile.mkdtemp(prefix=f"{COMMIT}{os.getpid()}-", dir=self.target))
            saved = folder / "saved"
            saved.mkdir()
            journal = {"staging": self.path.name, "names": names}
            with (folder / JOURNAL).open("w", encoding="utf-8") as out:
                json.dump(journal, out)
                out.flush()
                os.fsync(out.fileno())
            try:
                for name in names:
                    final = self.target / name
                    if _exists(final):
                        final.rename(saved / name)
                    (self.path / name).rename(final)
                    stop.check()  # asked to stop half way: everything goes back
            except BaseException:
                _undo(self.target, saved, self.path, names)
                shutil.rmtree(folder, ignore_errors=True)
                raise
            (folder / JOURNAL).unlink()  # from here on the new outputs stand
            stop.outputs_written(True)
        shutil.rmtree(folder, ignore_errors=True)
        return [self.target / name for name in names]

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
        if kind is not None and self.created:
            with contextlib.suppress(OSError):
                self.target.rmdir()
