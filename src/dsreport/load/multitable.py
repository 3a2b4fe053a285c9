"""Several files of one table (a folder or a glob), read into memory as one table.

Every file must have the same columns with the same kinds of value (text, integer, float:
`source.type_kind`); a difference is an error that names both files and the column. Rows
keep their way back to their own file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dsreport.errors import Problem
from dsreport.load.source import SAME_SCHEMA, SourceFile, schema_problems, type_kind
from dsreport.load.tables import (
    Part,
    Table,
    arrow_frame,
    no_pyarrow,
    parquet_source,
    parquet_too_large,
    read_arrow,
    read_table,
    unreadable,
)


def read_parts(
    files: list[SourceFile],
    ref: str,
    blobs: dict[str, bytes | Path],
    *,
    missing: list[str],
    categorical: list[str],
) -> tuple[Table | None, list[Problem]]:
    """The files' rows as one table named `ref`; `blobs` holds each file's bytes, or its
    path when it is read where it lies."""
    if files[0].path.suffix.lower() == ".parquet":
        return _parquet(files, ref, blobs, categorical)
    texts = {name: blob for name, blob in blobs.items() if isinstance(blob, bytes)}
    if len(files) == 1:
        return read_table(texts[files[0].name], files[0].name, missing=missing)
    return _csv(files, ref, texts, missing)


def _csv(
    files: list[SourceFile], ref: str, blobs: dict[str, bytes], missing: list[str]
) -> tuple[Table | None, list[Problem]]:
    tables, problems = [], []
    for file in files:
        table, found = read_table(blobs[file.name], file.name, missing=missing)
        problems += found
        if table is not None:
            tables.append(table)
    if problems:
        return None, problems
    problems = _header_problems(tables)
    if problems:
        return None, problems
    names = list(tables[0].frame.columns)
    frame = pd.concat([t.frame[names] for t in tables], ignore_index=True)
    parts = [Part(t.file, len(t.frame), t.row_lines) for t in tables]
    return Table(frame=frame, file=ref, parts=parts), []


def _header_problems(tables: list[Table]) -> list[Problem]:
    first = tables[0]
    hint = "write every file of the table with the same columns"
    problems = []
    for table in tables[1:]:
        for has, lacks in ((first, table), (table, first)):
            problems += [
                Problem(
                    f"column '{c}' is in {has.file} but not in {lacks.file}",
                    file=table.file,
                    line=1,
                    hint=hint,
                )
                for c in has.columns
                if c not in lacks.columns
            ]
    return problems


def _parquet(
    files: list[SourceFile], ref: str, blobs: dict[str, bytes | Path], categorical: list[str]
) -> tuple[Table | None, list[Problem]]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None, [no_pyarrow(ref)]
    schemas: list[tuple[str, Any]] = []
    rows = 0
    for file in files:
        try:
            meta = pq.read_metadata(parquet_source(blobs[file.name]))
        except Exception as exc:  # pyarrow raises many types for a corrupt file
            return None, [unreadable(exc, file.name)]
        schemas.append((file.name, meta.schema.to_arrow_schema()))
        rows += meta.num_rows
    problems = schema_problems(schemas)
    if problems:
        return None, problems
    large = parquet_too_large(rows, len(schemas[0][1]), ref)
    if large is not None:
        return None, [large]
    arrows = []
    for file in files:
        arrow, problems = read_arrow(blobs[file.name], file.name, categorical)
        if arrow is None:
            return None, problems
        arrows.append(arrow)
    names = arrows[0].column_names
    parts = [Part(file.name, arrow.num_rows) for file, arrow in zip(files, arrows, strict=True)]
    arrows = [a.select(names) for a in arrows]
    if len(arrows) > 1:
        common = common_schema([a.schema for a in arrows])
        cast = [cast_table(a, common, f.name) for a, f in zip(arrows, files, strict=True)]
        problems = [p for _, p in cast if p is not None]
        if problems:
            return None, problems
        arrows = [a for a, _ in cast]
    whole = pa.concat_tables(arrows)
    del arrows
    frame = arrow_frame(whole.unify_dictionaries() if len(files) > 1 else whole)
    unheld = [f for f in files if isinstance(blobs[f.name], Path)]
    if len(files) == 1:
        return Table(frame=frame, file=ref, text_cells=False, unheld=unheld), []
    return Table(frame=frame, file=ref, text_cells=False, parts=parts, unheld=unheld), []


def common_schema(schemas: list[Any]) -> Any:
    """One schema the files' tables all cast to: each column nullable, as wide as its widest
    file (int64, float64, large_string) where the files spell it differently; the first
    file's metadata (pandas reads its column types back from it)."""
    import pyarrow as pa

    def widest(kinds: list[Any]) -> Any:
        kinds = [k for k in kinds if not pa.types.is_null(k)] or kinds[:1]
        if all(k.equals(kinds[0]) for k in kinds):
            return kinds[0]
        if all(pa.types.is_dictionary(k) for k in kinds):
            return pa.dictionary(pa.int32(), widest([k.value_type for k in kinds]))
        if all(type_kind(k) == "integer" for k in kinds):
            return pa.int64()
        if all(type_kind(k) == "float" for k in kinds):
            return pa.float64()
        if any(pa.types.is_large_string(k) for k in kinds):
            return pa.large_string()
        if any(pa.types.is_large_binary(k) for k in kinds):
            return pa.large_binary()
        return kinds[0]

    return pa.schema(
        [
            pa.field(field.name, widest([s.field(i).type for s in schemas]), nullable=True)
            for i, field in enumerate(schemas[0])
        ],
        metadata=schemas[0].metadata,
    )


def cast_table(arrow: Any, common: Any, file: str) -> tuple[Any, Problem | None]:
    """One file's table in the common schema, or the column whose values do not fit it."""
    import pyarrow as pa

    if arrow.schema.equals(common):
        return arrow, None
    columns = []
    for column, field in zip(arrow.columns, common, strict=True):
        source = column
        if pa.types.is_decimal(column.type) and pa.types.is_floating(field.type):
            source = column.cast(pa.string())  # Arrow's own cast is not correctly rounded
        try:
            columns.append(source.cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            return None, Problem(
                f"column '{field.name}' is {column.type} here and cannot be read as {field.type}, "
                f"as the table's other files have it: {exc}",
                file=file,
                key=field.name,
                hint=SAME_SCHEMA,
            )
    return pa.Table.from_arrays(columns, schema=common), None
