"""Resolve paths a bundle names, refusing anything that could reach outside it."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dsreport.errors import Problem

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""What no file name a bundle gives may hold: a tab, a line or paragraph break, any other
control character (text cleaning has dropped most of them already)."""
RENAME = "rename the file: a name like this can forge lines wherever paths are listed"


@dataclass(frozen=True)
class Limits:
    """Size caps for files read from a bundle; the caller may raise them."""

    yaml_bytes: int = 2 * 1024**2
    prose_bytes: int = 2 * 1024**2
    table_bytes: int = 2 * 1024**3
    file_bytes: int = 50 * 1024**2


STREAM_ROWS = 5_000_000
"""Default row count above which a task's Parquet predictions are streamed: where the
in-memory table passes about 1 GB, and where the in-memory path already leaves out the
overlap checks (`analyse.overlap.MAX_ROWS`)."""


@dataclass(frozen=True)
class LoadOptions:
    """What the caller (never the bundle) decides about loading: the size caps, and above
    how many Parquet rows a task's predictions are streamed rather
    than held in memory (None: never; 0: always). See `load.streamed`."""

    limits: Limits = field(default_factory=Limits)
    stream_rows: int | None = STREAM_ROWS


def cap_of(marker: object, limits: Limits) -> int:
    """The size cap of a file the bundle names: prose, a table, or any other file."""
    from dsreport.bundle.fields import FileMarker, ProseMarker

    if isinstance(marker, ProseMarker):
        return limits.prose_bytes
    if isinstance(marker, FileMarker) and marker.what == "table":
        return limits.table_bytes
    return limits.file_bytes


def human_size(size: float) -> str:
    if size < 1024:
        return f"{int(size):,} bytes"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        size /= 1024
        if size < 1024 or unit == "TiB":
            return f"{size:.1f} {unit}"
    return f"{size:.1f} TiB"


def resolve_inside(
    root: Path, ref: str, cap: int, *, adjustable: bool = True, folder_ok: bool = False
) -> tuple[Path | None, str | None, str | None]:
    """Return (path, None, None) or (None, message, hint) for a path named in the bundle.

    Every component is checked with lstat, so a symlink anywhere on the way is refused,
    not just at the end.
    """
    if _CONTROL.search(ref):
        return (
            None,
            f"'{ref}' holds a line break or another control character",
            RENAME,
        )
    pure = PurePosixPath(ref.replace("\\", "/"))
    if pure.is_absolute() or (len(ref) > 1 and ref[1] == ":"):
        return None, f"'{ref}' is an absolute path", "name files relative to the bundle folder"
    if ".." in pure.parts:
        return None, f"'{ref}' leaves the bundle folder", "keep every file inside the bundle"
    current = root
    for part in pure.parts:
        if part in ("", "."):
            continue
        current = current / part
        try:
            info = current.lstat()
        except FileNotFoundError:
            return None, f"file '{ref}' does not exist", "check the path, relative to dsreport.yaml"
        except OSError as exc:
            return None, f"file '{ref}' cannot be read ({exc.strerror})", None
        if stat.S_ISLNK(info.st_mode):
            name = current.relative_to(root).as_posix()
            where = f"'{ref}'" if name == pure.as_posix() else f"'{name}' (on the way to '{ref}')"
            return None, f"{where} is a symbolic link", "copy the file into the bundle"
    info = current.lstat()
    if stat.S_ISDIR(info.st_mode):
        if folder_ok:
            return current, None, None
        return None, f"'{ref}' is a folder, not a file", None
    if not stat.S_ISREG(info.st_mode):
        return None, f"'{ref}' is not a regular file", "name a plain file inside the bundle"
    if info.st_size > cap:
        return (
            None,
            f"file '{ref}' is {human_size(info.st_size)}, over the {human_size(cap)} limit",
            "make the file smaller, or raise the limit with --max-file-size"
            if adjustable
            else "make the file smaller (split long prose into several files)",
        )
    return current, None, None


def read_checked(
    root: Path,
    ref: str,
    cap: int,
    *,
    file: str,
    line: int | None,
    key: str,
    adjustable: bool = True,
) -> tuple[bytes | None, Problem | None]:
    """Read a bundle file's bytes, or say why not."""
    path, message, hint = resolve_inside(root, ref, cap, adjustable=adjustable)
    if path is None:
        return None, Problem(message or "cannot read", file=file, line=line, key=key, hint=hint)
    with path.open("rb") as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        return None, Problem(
            f"file '{ref}' grew past the size limit while read", file=file, line=line, key=key
        )
    return data, None


def read_folder(
    root: Path, ref: str, cap: int, *, file: str, line: int | None, key: str
) -> tuple[dict[str, bytes] | None, Problem | None]:
    """Every file under a bundle folder by its path relative to the folder, or why not.

    The same refusals as for one file: a symbolic link or special file anywhere inside is
    an error, and `cap` bounds the folder's total size.
    """
    path, message, hint = resolve_inside(root, ref, cap, folder_ok=True)
    if path is None:
        return None, Problem(message or "cannot read", file=file, line=line, key=key, hint=hint)
    if not path.is_dir():
        data, problem = read_checked(root, ref, cap, file=file, line=line, key=key)
        return (None, problem) if data is None else ({"": data}, None)

    def refuse(message: str, hint: str | None = None) -> tuple[None, Problem]:
        return None, Problem(message, file=file, line=line, key=key, hint=hint)

    out: dict[str, bytes] = {}
    total = 0
    pending = [path]
    while pending:
        folder = pending.pop()
        for entry in sorted(folder.iterdir()):
            rel = entry.relative_to(path).as_posix()
            info = entry.lstat()
            where = f"'{ref.rstrip('/')}/{rel}'"
            if stat.S_ISLNK(info.st_mode):
                return refuse(f"{where} is a symbolic link", "copy the file into the bundle")
            if _CONTROL.search(rel):
                return refuse(f"{where} holds a line break or another control character", RENAME)
            if stat.S_ISDIR(info.st_mode):
                pending.append(entry)
                continue
            if not stat.S_ISREG(info.st_mode):
                return refuse(f"{where} is not a regular file")
            total += info.st_size
            if total > cap:
                return refuse(
                    f"folder '{ref}' is over the {human_size(cap)} limit",
                    "make the model smaller, or raise the limit with --max-file-size",
                )
            out[rel] = entry.read_bytes()
    if not out:
        return refuse(f"folder '{ref}' holds no file")
    return dict(sorted(out.items())), None
