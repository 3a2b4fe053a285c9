"""The pandas metadata a Parquet file may carry, read only when it is pandas' own.

pandas writes, beside a table, the dtype of each column: a nullable integer column
(`Int64`) comes back as one. Both ways of reading a table honour it, in memory through
`to_pandas` and streamed batch by batch, so the two give the same ids. A bundle's files are
untrusted: metadata that is not pandas' own is ignored rather than left to fail inside
pandas, and a column that a later file widens is read at its wider type.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd


def pandas_metadata(schema: Any) -> dict[str, Any] | None:
    """The pandas metadata of a schema when it is pandas' own; None when there is none or
    it is not (another tool's, or not JSON)."""
    if not schema.metadata or b"pandas" not in schema.metadata:
        return None
    try:
        meta = schema.pandas_metadata
    except ValueError:
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("index_columns"), list):
        return None
    columns = meta.get("columns")
    if not isinstance(columns, list) or not all(_column_entry(c) for c in columns):
        return None
    return meta


def _column_entry(column: Any) -> bool:
    """Whether a column's entry has what pyarrow reads of it."""
    return (
        isinstance(column, dict)
        and "name" in column
        and isinstance(column.get("numpy_type"), str)
        and isinstance(column.get("pandas_type"), str)
    )


def nullable_ints(schema: Any) -> dict[str, Any]:
    """The integer columns pandas wrote as nullable integers (`Int64`...), each with the
    nullable dtype of its Arrow type: a column a later file widens (Int32, then ids past
    2**31) is read at the wider type."""
    import pyarrow as pa

    out: dict[str, Any] = {}
    for column in (pandas_metadata(schema) or {}).get("columns", []):
        name, kind = column.get("name"), column.get("numpy_type")
        if not isinstance(name, str) or not isinstance(kind, str) or name not in schema.names:
            continue
        arrow = schema.field(name).type
        if kind.startswith(("Int", "UInt")) and pa.types.is_integer(arrow):
            text = str(arrow)  # int8 ... uint64
            kind = "UInt" + text[4:] if text[0] == "u" else text.title()
            out[name] = pd.api.types.pandas_dtype(kind)
    return out


def pandas_ready(arrow: Any) -> Any:
    """The table itself, or, when its pandas metadata would stop pandas from reading it, the
    same table without that metadata (not pandas' own) or with its nullable integers at
    their Arrow width (pandas would cast a widened column back to the first file's)."""
    meta = pandas_metadata(arrow.schema)
    if meta is None:
        if arrow.schema.metadata and b"pandas" in arrow.schema.metadata:
            kept = {k: v for k, v in arrow.schema.metadata.items() if k != b"pandas"}
            return arrow.replace_schema_metadata(kept)
        return arrow
    widths = {name: str(dtype) for name, dtype in nullable_ints(arrow.schema).items()}
    stale = [c for c in meta["columns"] if c.get("name") in widths]
    if all(c.get("numpy_type") == widths[c["name"]] for c in stale):
        return arrow
    for column in stale:
        column["numpy_type"] = widths[column["name"]]
    metadata = dict(arrow.schema.metadata)
    metadata[b"pandas"] = json.dumps(meta).encode()
    return arrow.replace_schema_metadata(metadata)
