"""Batches cut at whole multiples of the batch size, wherever the files cut them.

A Parquet reader ends a batch at every row group and every file. The reducers' counts do
not care, but their float sums (log loss, Brier score, a regression's sums of squares) are
added batch by batch, so their last bits would follow how the table was written: the same
rows as one file, as a folder of files or with other row groups would give other digits.
Re-cut here, a streamed table hands the analysis exactly the batches an in-memory table
does (rows 0 to `rows`, then `rows` to 2 `rows`, ...), so both give the same facts, bit
for bit, whatever the files' layout. The pieces are cut and joined as Arrow tables, which
costs no copy: the one copy is the conversion to pandas that every batch pays anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import pandas as pd
from pandas.api.types import union_categoricals


class Segment(NamedTuple):
    """Rows of one batch that come from one file."""

    file: str
    offset: int
    """The first row's number in its file (0-based)."""
    start: int
    """The first row's place in the batch."""
    rows: int


def cut(
    pieces: Iterable[tuple[str, int, Any]], rows: int, convert: Callable[[Any], pd.DataFrame]
) -> Iterator[tuple[pd.DataFrame, list[Segment]]]:
    """The rows of `pieces` ((file, offset, Arrow table), in order), `rows` at a time (the
    last batch may hold fewer), each batch with the files its rows come from."""
    rows = max(1, rows)
    held: list[Any] = []
    segments: list[Segment] = []
    count = 0
    for file, offset, table in pieces:
        start, size = 0, table.num_rows
        while start < size:
            take = min(rows - count, size - start)
            held.append(table if take == size else table.slice(start, take))
            segments.append(Segment(file, offset + start, count, take))
            count += take
            start += take
            if count == rows:
                frame, done = joined(held, convert), segments
                held, segments, count = [], [], 0  # the pieces go while the batch is used
                yield frame, done
    if count:
        yield joined(held, convert), segments


def joined(tables: list[Any], convert: Callable[[Any], pd.DataFrame]) -> pd.DataFrame:
    """Arrow tables one after another, as one pandas frame. Tables of one schema are joined
    before converting (no copy); files whose types differ (an integer column as a decimal
    in one of them) are converted one by one and joined as pandas frames."""
    import pyarrow as pa

    if len(tables) == 1:
        return convert(tables[0])
    if all(t.schema.equals(tables[0].schema) for t in tables[1:]):
        return convert(pa.concat_tables(tables))
    frames = [convert(t) for t in tables]
    columns: dict[str, pd.Series] = {}
    for name in frames[0].columns:
        parts = [f[name] for f in frames]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            columns[name] = pd.Series(union_categoricals(parts, ignore_order=True), name=name)
        else:
            columns[name] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns, columns=frames[0].columns)
