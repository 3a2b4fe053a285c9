"""A table the bundle names by one file, a folder or a glob: streamed, or read into memory.

What `source.source_files` finds is either opened as a `StreamedTable` (Parquet rows of a
task that streams, over the threshold) or read, capped, into one in-memory `Table`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dsreport.bundle.fields import FileMarker
from dsreport.errors import Problem
from dsreport.load.multitable import read_parts
from dsreport.load.paths import Limits, read_checked
from dsreport.load.source import FINGERPRINT_BYTES, over_cap, source_files
from dsreport.load.statistics import DICTIONARY
from dsreport.load.streamed import StreamedTable, open_streamed
from dsreport.load.tables import Table

SPEC = "dsreport.yaml"


def missing_values(section: dict[str, Any]) -> list[str]:
    missing = section.get("missing_values")
    return [str(m) for m in missing] if isinstance(missing, list) else []


def categorical(section: dict[str, Any], text_inputs: list[str]) -> list[str]:
    """Low-cardinality text columns, read dictionary-encoded (pandas Categorical); a
    statistics table's own text columns too."""
    columns = [section.get("label_column", "label"), section.get("split_column")]
    slices = section.get("slice_columns")
    columns += slices if isinstance(slices, list) else []
    columns += text_inputs
    columns += DICTIONARY if section.get("format") == "statistics" else ()
    return [c for c in columns if isinstance(c, str)]


def read_source(
    root: Path,
    marker: FileMarker,
    value: str,
    line: int | None,
    key: str,
    limits: Limits,
    files: dict[str, bytes],
    tables: dict[str, Table | StreamedTable],
    section: dict[str, Any],
    text_inputs: list[str],
    stream: int | None,
) -> list[Problem]:
    """A table from one file, a folder or a glob: streamed when it is Parquet with more
    than `stream` rows, else read into memory as one table. A Parquet file over
    FINGERPRINT_BYTES is read from its path, its bytes not held (too large to attach to
    the PDF anyway; the digest keys it by its fingerprint)."""
    found, message, hint = source_files(root, value, tuple(k.lower() for k in marker.kinds))
    if not found:
        return [Problem(message or "cannot read", file=SPEC, line=line, key=key, hint=hint)]
    if stream is not None and found[0].path.suffix.lower() == ".parquet":
        streamed, problems = open_streamed(value, found, stream)
        if problems:
            return problems
        if streamed is not None:
            tables[value] = streamed
            return []
    too_big = over_cap(value, found, limits.table_bytes)
    if too_big is not None:
        return [Problem(too_big[0], file=SPEC, line=line, key=key, hint=too_big[1])]
    blobs: dict[str, bytes | Path] = {}
    for file in found:
        if file.path.suffix.lower() == ".parquet" and file.size > FINGERPRINT_BYTES:
            blobs[file.name] = file.path  # read where it lies: its bytes are never needed
            continue
        data, problem = read_checked(
            root, file.name, limits.table_bytes, file=SPEC, line=line, key=key
        )
        if data is None:
            return [problem] if problem else []
        blobs[file.name] = files[file.name] = data
    table, problems = read_parts(
        found,
        value,
        blobs,
        missing=missing_values(section),
        categorical=categorical(section, text_inputs),
    )
    if table is None:
        return problems
    tables[value] = table
    return []
