"""A table the bundle names by one file, a folder or a glob: streamed, or read into memory.

What `source.source_files` finds is either opened as a `StreamedTable` (Parquet rows of a
task that streams, over the threshold) or read, capped, into one in-memory `Table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Reading:
    """What every file a bundle names is read with: its folder, the caps, the stores the
    bytes and tables go into, and when a table's rows stream instead."""

    root: Path
    limits: Limits
    files: dict[str, bytes]
    tables: dict[str, Table | StreamedTable]
    text_inputs: list[str]
    stream: int | None


@dataclass(frozen=True)
class Named:
    """One file the spec names, and where it names it (for the problems)."""

    marker: FileMarker
    value: str
    line: int | None
    key: str
    section: dict[str, Any] = field(default_factory=dict)
    """The mapping holding a table's path: its columns, missing values, format."""


def missing_values(section: dict[str, Any]) -> list[str]:
    """Cell values read as missing; in a statistics table an empty cell is NULL (a CSV
    file writes NULL as an empty cell)."""
    missing = section.get("missing_values")
    found = [str(m) for m in missing] if isinstance(missing, list) else []
    return [*found, ""] if section.get("format") == "statistics" else found


def categorical(section: dict[str, Any], text_inputs: list[str]) -> list[str]:
    """Low-cardinality text columns, read dictionary-encoded (pandas Categorical); a
    statistics table's own text columns too."""
    columns = [section.get("label_column", "label"), section.get("split_column")]
    slices = section.get("slice_columns")
    columns += slices if isinstance(slices, list) else []
    columns += text_inputs
    columns += DICTIONARY if section.get("format") == "statistics" else ()
    return [c for c in columns if isinstance(c, str)]


def read_source(reading: Reading, named: Named) -> list[Problem]:
    """A table from one file, a folder or a glob: streamed when it is Parquet with more
    than `stream` rows, else read into memory as one table. A Parquet file over
    FINGERPRINT_BYTES is read from its path, its bytes not held (too large to attach to
    the PDF anyway; the digest keys it by its fingerprint)."""
    found, message, hint = source_files(
        reading.root, named.value, tuple(k.lower() for k in named.marker.kinds)
    )
    if not found:
        return [
            Problem(message or "cannot read", file=SPEC, line=named.line, key=named.key, hint=hint)
        ]
    if reading.stream is not None and found[0].path.suffix.lower() == ".parquet":
        streamed, problems = open_streamed(named.value, found, reading.stream)
        if problems:
            return problems
        if streamed is not None:
            reading.tables[named.value] = streamed
            return []
    too_big = over_cap(named.value, found, reading.limits.table_bytes)
    if too_big is not None:
        return [Problem(too_big[0], file=SPEC, line=named.line, key=named.key, hint=too_big[1])]
    blobs: dict[str, bytes | Path] = {}
    for file in found:
        if file.path.suffix.lower() == ".parquet" and file.size > FINGERPRINT_BYTES:
            blobs[file.name] = file.path  # read where it lies: its bytes are never needed
            continue
        data, problem = read_checked(
            reading.root,
            file.name,
            reading.limits.table_bytes,
            file=SPEC,
            line=named.line,
            key=named.key,
        )
        if data is None:
            return [problem] if problem else []
        blobs[file.name] = reading.files[file.name] = data
    table, problems = read_parts(
        found,
        named.value,
        blobs,
        missing=missing_values(named.section),
        categorical=categorical(named.section, reading.text_inputs),
    )
    if table is None:
        return problems
    reading.tables[named.value] = table
    return []
