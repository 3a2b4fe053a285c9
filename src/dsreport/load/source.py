"""Where a table's rows come from: one file, a folder of Parquet files, or a glob.

The files a folder or a glob names are found the way one file is: relative to the bundle,
with every folder on the way and every match checked with lstat, so nothing outside the
bundle is ever read and a symbolic link anywhere is an error. A folder means its Parquet
files, at any depth, in name order (names starting with `.` or `_`, such as Spark's
`_SUCCESS`, are skipped); a glob matches one folder level per `/`-separated part (`*`, `?`
and `[...]` as in a shell; `**` is one level too).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from dsreport.errors import Problem
from dsreport.load.paths import _CONTROL, RENAME, human_size, resolve_inside

PATTERN = frozenset("*?[")
SAME_SCHEMA = "write every file of the table with the same columns and types"
"""The hint for files of one table that cannot be read as one."""
FINGERPRINT_BYTES = 64 * 1024**2
"""Parquet files larger than this are keyed by their footer and file status instead of
every byte (see `fingerprint`)."""


@dataclass(frozen=True)
class SourceFile:
    """One file of a table: its path in the bundle and on disk, and its size."""

    name: str
    path: Path
    size: int


def is_pattern(ref: str) -> bool:
    return any(c in PATTERN for c in ref)


def is_source(root: Path, ref: str) -> bool:
    """Whether `ref` names several files at once: a glob, or a folder in the bundle."""
    if is_pattern(ref):
        return True
    path, _, _ = resolve_inside(root, ref, cap=2**62, folder_ok=True)
    return path is not None and path.is_dir()


def source_files(
    root: Path, ref: str, kinds: tuple[str, ...]
) -> tuple[list[SourceFile], str | None, str | None]:
    """(files, None, None), or ([], message, hint): the files `ref` names, in order.

    No size cap here: a streamed table may be any size, and the caller caps what it holds.
    """
    pure = PurePosixPath(ref.replace("\\", "/"))
    if ".." in pure.parts:
        return [], f"'{ref}' leaves the bundle folder", "keep every file inside the bundle"
    if not is_pattern(ref):
        path, message, hint = resolve_inside(root, ref, cap=2**62, folder_ok=True)
        if path is None:
            return [], message, hint
        if path.is_dir():
            return _folder(root, ref, path)
        return [SourceFile(pure.as_posix(), path, path.lstat().st_size)], None, None
    parts = list(pure.parts)
    fixed = next(i for i, part in enumerate(parts) if is_pattern(part))
    base_ref = PurePosixPath(*parts[:fixed]).as_posix() if fixed else "."
    base, message, hint = resolve_inside(root, base_ref, cap=2**62, folder_ok=True)
    if base is None or not base.is_dir():
        return [], message or f"'{base_ref}' is not a folder", hint
    found = [base]
    for depth, part in enumerate(parts[fixed:], start=fixed):
        last = depth == len(parts) - 1
        step = []
        for folder in found:
            for entry in sorted(folder.iterdir()):
                if not fnmatch.fnmatchcase(entry.name, part):
                    continue
                info = entry.lstat()
                name = entry.relative_to(root).as_posix()
                if stat.S_ISLNK(info.st_mode):
                    return (
                        [],
                        f"'{name}' (matched by '{ref}') is a symbolic link",
                        "copy the file into the bundle",
                    )
                if stat.S_ISDIR(info.st_mode) and not last:
                    step.append(entry)
                elif last and not stat.S_ISDIR(info.st_mode):
                    if not stat.S_ISREG(info.st_mode):
                        return [], f"'{name}' (matched by '{ref}') is not a regular file", None
                    step.append(entry)
        found = step
    if not found:
        return [], f"'{ref}' matches no file", "check the pattern, relative to dsreport.yaml"
    files = [SourceFile(p.relative_to(root).as_posix(), p, p.lstat().st_size) for p in found]
    for file in files:
        if _CONTROL.search(file.name):
            return [], f"'{file.name}' holds a line break or another control character", RENAME
        if file.path.suffix.lower() not in kinds:
            return (
                [],
                f"'{file.name}' (matched by '{ref}') is not a table ({', '.join(kinds)})",
                "narrow the pattern to the table's files",
            )
    if len({f.path.suffix.lower() for f in files}) > 1:
        return [], f"'{ref}' matches both CSV and Parquet files", "keep the table in one format"
    return files, None, None


def _folder(root: Path, ref: str, path: Path) -> tuple[list[SourceFile], str | None, str | None]:
    """Every Parquet file under a folder, at any depth, in name order."""
    files: list[SourceFile] = []
    for folder, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for entry in [Path(folder) / d for d in dirs] + [Path(folder) / n for n in names]:
            info = entry.lstat()
            name = entry.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                return [], f"'{name}' is a symbolic link", "copy the file into the bundle"
            if _CONTROL.search(name):
                return [], f"'{name}' holds a line break or another control character", RENAME
        for entry_name in sorted(names):
            if entry_name.startswith((".", "_")):
                continue
            entry = Path(folder) / entry_name
            name = entry.relative_to(root).as_posix()
            if entry.suffix.lower() != ".parquet":
                return (
                    [],
                    f"'{name}' is not a Parquet file",
                    "a predictions folder holds Parquet files only: move the file out, or "
                    "name the table's files with a glob",
                )
            if not entry.is_file():
                return [], f"'{name}' is not a regular file", None
            files.append(SourceFile(name, entry, entry.lstat().st_size))
    if not files:
        return (
            [],
            f"folder '{ref}' holds no Parquet file",
            "names starting with . or _ are skipped",
        )
    return sorted(files, key=lambda f: f.name), None, None


def over_cap(ref: str, files: list[SourceFile], cap: int) -> tuple[str, str] | None:
    """(message, hint) when the files together are over `cap` (read into memory)."""
    total = sum(f.size for f in files)
    if total <= cap:
        return None
    what = f"file '{ref}' is" if len(files) == 1 else f"the {len(files)} files of '{ref}' are"
    return (
        f"{what} {human_size(total)}, over the {human_size(cap)} limit",
        f"make the file{'s' if len(files) > 1 else ''} smaller, or raise the limit with "
        "--max-file-size",
    )


def fingerprint(file: SourceFile) -> str:
    """What keys a table file in the caches: every byte of a small file; of a Parquet file
    over FINGERPRINT_BYTES, its footer (schema, row groups and their per-column statistics)
    with its size, modification time and status-change time in nanoseconds.

    Hashing 100 GB takes minutes on every warm rebuild; the footer and status take
    milliseconds. Rewriting the file in place changes its ctime, which no user tool can set
    back (`touch` and `cp -p` restore the mtime only), so a changed file is never taken for
    the one cached. A copy of an unchanged file (a fresh clone) is rebuilt once.
    """
    digest = hashlib.sha256()
    info = file.path.stat()
    if file.size <= FINGERPRINT_BYTES or file.path.suffix.lower() != ".parquet":
        with file.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return "sha256:" + digest.hexdigest()
    with file.path.open("rb") as handle:
        handle.seek(-8, os.SEEK_END)
        tail = handle.read(8)
        length = int.from_bytes(tail[:4], "little")
        if tail[4:] != b"PAR1" or length + 8 > info.st_size:
            raise OSError(f"{file.name} has no Parquet footer")
        handle.seek(-(length + 8), os.SEEK_END)
        digest.update(handle.read(length + 8))
    digest.update(f"{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}".encode())
    return "footer:" + digest.hexdigest()


def table_key(root: Path, ref: str, kinds: tuple[str, ...]) -> str:
    """What keys the table `ref` names in the build cache: each file's fingerprint, or the
    refusal the loader will give."""
    files, message, _ = source_files(root, ref, tuple(k.lower() for k in kinds))
    if not files:
        return f"refused\0{message}"
    try:
        return "\0".join(f"{f.name}\0{fingerprint(f)}" for f in files)
    except OSError as exc:
        return f"unreadable\0{exc}"


def type_kind(kind: Any) -> str:
    """What a column's Arrow type means to the analysis: text, integer or float whatever its
    width or encoding. Engines spell one Parquet column differently (pandas writes
    `large_string` where Spark, DuckDB and BigQuery write `string`; Spark writes `int` where
    pandas writes int64), and files of one table written by different ones are one table."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return type_kind(kind.value_type)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return "binary"
    if pa.types.is_integer(kind) or (pa.types.is_decimal(kind) and kind.scale == 0):
        return "integer"  # Snowflake's integers, and DuckDB's sums, are decimals of scale 0
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "float"
    return str(kind)


def schema_problems(schemas: list[tuple[str, Any]]) -> list[Problem]:
    """Columns, or kinds of column (`type_kind`), that differ between the files of one table,
    each naming both files. The first file's columns are the reference, and for each column
    the kind of the first file that holds any value in it: a column of nulls alone (as
    pandas writes a column of None) fits any kind, and whether a column may hold nulls is
    no difference."""
    if len(schemas) < 2:
        return []
    first, reference = schemas[0]
    want = list(dict.fromkeys(f.name for f in reference))
    kinds: dict[str, tuple[str, Any]] = {}  # column -> (file, type) of its first typed file
    problems = []
    hint = SAME_SCHEMA
    for name, schema in schemas:
        have = {f.name: f.type for f in schema}
        for column in want:
            if column not in have:
                problems.append(
                    Problem(
                        f"column '{column}' is in {first} but not in {name}", file=name, hint=hint
                    )
                )
            elif type_kind(have[column]) == "null":
                continue
            elif column not in kinds:
                kinds[column] = (name, have[column])
            elif type_kind(have[column]) != type_kind(kinds[column][1]):
                where, kind = kinds[column]
                problems.append(
                    Problem(
                        f"column '{column}' is {kind} in {where} but {have[column]} in {name}",
                        file=name,
                        key=column,
                        hint=hint,
                    )
                )
        problems += [
            Problem(f"column '{column}' is in {name} but not in {first}", file=name, hint=hint)
            for column in have
            if column not in want
        ]
    return problems
