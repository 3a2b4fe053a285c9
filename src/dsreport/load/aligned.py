"""Batches cut at whole multiples of the batch size, wherever the files cut them.

A Parquet reader ends a batch at every row group and every file. The reducers' counts do
not care, but their float sums (log loss, Brier score, a regression's sums of squares) are
added batch by batch, so their last bits would follow how the table was written: the same
rows as one file, as a folder of files or with other row groups would give other digits.
Re-cut here, a streamed table hands the analysis exactly the batches an in-memory table
does (rows 0 to `rows`, then `rows` to 2 `rows`, ...), so both give the same facts, bit
for bit, whatever the files' layout. The pieces are cut and joined as Arrow tables; a
batch of two or more pieces is copied once, in its conversion to pandas (a batch that is
one piece often is not: its floats are read in place), and the reader's last piece stays
in memory while its rest waits for the next batch. With row groups in whole multiples of
the batch size, nothing is joined and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import pandas as pd


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
    """Arrow tables of one schema (`StreamedTable` casts every piece to its table's) one
    after another, as one pandas frame."""
    import pyarrow as pa

    if len(tables) == 1:
        return convert(tables[0])
    return convert(pa.concat_tables(tables, promote_options="default"))
