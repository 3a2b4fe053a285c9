"""Strict table reading: CSV (always) and Parquet (when pyarrow is installed).

Every CSV cell is read as text. Identifiers keep their leading zeros, "NA" stays
"NA" unless the bundle declares it missing, and numbers are parsed later, per
column, by whoever knows the column's type, so a bad cell is reported with its
line. Ragged rows and bytes that are not UTF-8 are errors with a line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dsreport.bundle.fields import clean_text, clean_utf8
from dsreport.errors import Problem
from dsreport.load.pandasmeta import pandas_ready

csv.field_size_limit(16 * 1024 * 1024)
MAX_RAGGED = 20
MAX_COLUMNS = 1_000
"""Most columns a table may have: every cell is kept, so width multiplies memory."""
MAX_PARQUET_VALUES = 250_000_000
"""Most rows x columns a Parquet file may declare: it compresses a constant column to
almost nothing, and each value takes 8 bytes or more once read."""


def too_wide(count: int, file: str) -> Problem:
    return Problem(
        f"the table has {count:,} columns, over the limit of {MAX_COLUMNS:,}",
        file=file,
        line=1,
        hint="keep the columns the bundle names (ids, labels, splits, slices, scores)",
    )


BATCH_ROWS = 1_000_000
"""Rows per batch handed to the analysis: about 100 MB for a dozen columns."""


@dataclass
class Part:
    """One file of a table read from several (a folder or a glob), in reading order."""

    file: str
    rows: int
    row_lines: list[int] | None = None


@dataclass
class Table:
    """A table read from the bundle, with a way back from a row to its line in the file."""

    frame: pd.DataFrame
    file: str
    row_lines: list[int] | None = None
    text_cells: bool = True
    """CSV cells arrive as text; Parquet columns keep their own types."""
    _: KW_ONLY
    parts: list[Part] = field(default_factory=list)
    """The files the rows come from when there are several; empty for one file."""
    numeric: tuple[str, ...] = ()
    """Columns that `batches` gives as numbers (a CSV holds every cell as text)."""
    unheld: list[Any] = field(default_factory=list)
    """The `source.SourceFile`s read from where they lie rather than held as bytes (large
    Parquet files): the digest and caches key them by `source.fingerprint`."""

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def sources(self) -> list[str]:
        """The bundle paths of the files the rows come from."""
        return [p.file for p in self.parts] or [self.file]

    def where(self, row: int) -> tuple[str, int | None, int]:
        """(file, line or None, row within that file) of data row `row` (0-based)."""
        if not self.parts:
            return self.file, self.line(row), row
        start = 0
        for part in self.parts:
            if row < start + part.rows:
                inner = row - start
                lines = part.row_lines
                return part.file, lines[inner] if lines is not None else None, inner
            start += part.rows
        return self.file, None, row

    def line(self, row: int) -> int | None:
        """File line of data row `row` (0-based); None for formats without lines."""
        if self.parts:
            return self.where(row)[1]
        if self.row_lines is None:
            return None
        return self.row_lines[row] if 0 <= row < len(self.row_lines) else None

    def batches(self, columns: Sequence[str], rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
        """The rows of `columns`, `rows` at a time (views, not copies): text columns as
        Categorical, `numeric` columns and floats as float64, as a streamed table gives them."""
        frame = self.frame[list(columns)]
        for start in range(0, len(frame), max(1, rows)):
            yield as_batch(frame.iloc[start : start + rows], self.numeric)


def as_batch(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> pd.DataFrame:
    """`frame` with text columns as Categorical and numbers as float64 (integers and
    booleans keep their type: an id beyond 2**53 stays exact, True stays True)."""
    out: dict[Any, pd.Series] = {}
    for name in frame.columns:
        values: pd.Series = frame[name]
        if name in numeric and not pd.api.types.is_numeric_dtype(values.dtype):
            values = pd.to_numeric(values, errors="coerce").astype(np.float64)
        elif pd.api.types.is_float_dtype(values.dtype):
            values = values.astype("float64")
        elif not isinstance(values.dtype, pd.CategoricalDtype) and (
            values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
        ):
            values = values.astype("category")
        out[name] = values
    return pd.DataFrame(out, index=frame.index, copy=False)


def read_table(
    data: bytes,
    file: str,
    *,
    missing: list[str] | None = None,
    categorical: list[str] | None = None,
) -> tuple[Table | None, list[Problem]]:
    """Read a table; `categorical` names low-cardinality text columns (labels, splits,
    slices) that Parquet reads dictionary-encoded, never as millions of strings."""
    if file.lower().endswith(".parquet"):
        return _read_parquet(data, file, categorical or [])
    return _read_csv(data, file, missing or [])


def _read_csv(data: bytes, file: str, missing: list[str]) -> tuple[Table | None, list[Problem]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = clean_utf8(data)  # line breaks are kept, so lines still count right
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
                file=file,
                line=line,
                hint="save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
            )
        ]
    if not text.strip():
        return None, [Problem("the table is empty: it needs a header line", file=file, line=1)]
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    if first.count(",") >= MAX_COLUMNS and first.count('"') % 2 == 0:
        width = len(next(csv.reader([first])))  # before the whole text is copied for csv
        if width > MAX_COLUMNS:
            return None, [too_wide(width, file)]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        return None, [Problem(f"the header cannot be read: {exc}", file=file, line=1)]
    header = [name.strip() for name in header]
    if len(header) > MAX_COLUMNS:
        return None, [too_wide(len(header), file)]
    problems += _header_problems(header, file)
    width = len(header)
    columns: list[list[str]] = [[] for _ in header]
    row_lines: list[int] = []
    ragged = 0
    start = reader.line_num + 1
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row:
                continue
            if len(row) != width:
                ragged += 1
                if ragged <= MAX_RAGGED:
                    problems.append(
                        Problem(
                            f"row has {len(row)} fields, the header has {width}",
                            file=file,
                            line=line,
                            hint="every row needs one value per column",
                        )
                    )
                continue
            for column, cell in zip(columns, row, strict=True):
                column.append(cell)
            row_lines.append(line)
    except csv.Error as exc:
        problems.append(
            Problem(
                f"the CSV cannot be parsed: {exc}",
                file=file,
                line=start,
                hint="check the quoting on this line",
            )
        )
    if ragged > MAX_RAGGED:
        problems.append(
            Problem(
                f"{ragged - MAX_RAGGED:,} more rows like this",
                file=file,
                line=problems[MAX_RAGGED - 1].line,
            )
        )
    if problems:
        return None, problems
    frame = pd.DataFrame(
        {
            name: pd.Series(values, dtype=object)
            for name, values in zip(header, columns, strict=True)
        }
    )
    if missing:
        frame = frame.mask(frame.isin(missing))
    return Table(frame=frame, file=file, row_lines=row_lines), []


def _header_problems(header: list[str], file: str) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem("a column has an empty name", file=file, line=1))
        elif name in seen:
            problems.append(Problem(f"column '{name}' appears twice", file=file, line=1))
        seen.add(name)
    return problems


def no_pyarrow(file: str) -> Problem:
    return Problem(
        "Parquet tables need pyarrow, which is not installed",
        file=file,
        hint="pip install 'dsreport[parquet]', or save the table as CSV",
    )


def _read_parquet(
    data: bytes, file: str, categorical: list[str]
) -> tuple[Table | None, list[Problem]]:
    arrow, problems = read_arrow(data, file, categorical)
    if arrow is None:
        return None, problems
    return Table(frame=arrow_frame(arrow), file=file, row_lines=None, text_cells=False), []


def parquet_too_large(rows: int, columns: int, file: str) -> Problem | None:
    """The declared size over the in-memory limits, before anything is read."""
    if columns > MAX_COLUMNS:
        return too_wide(columns, file)
    if rows * columns > MAX_PARQUET_VALUES:
        return Problem(
            f"the table declares {rows:,} rows of {columns} columns, "
            f"over the limit of {MAX_PARQUET_VALUES:,} values",
            file=file,
            hint="keep the rows and columns the evaluation needs",
        )
    return None


def read_arrow(data: bytes | Path, file: str, categorical: list[str]) -> tuple[Any, list[Problem]]:
    """A Parquet file (its bytes, or its path when it is not held) as a cleaned Arrow
    table, `categorical` columns dictionary-encoded (read straight into pandas Categorical,
    never as strings)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return None, [no_pyarrow(file)]
    try:
        meta = pq.read_metadata(parquet_source(data))
        large = parquet_too_large(meta.num_rows, meta.num_columns, file)
        if large is not None:
            return None, [large]
        names = set(meta.schema.to_arrow_schema().names)
        arrow = pq.read_table(
            parquet_source(data), read_dictionary=[c for c in categorical if c in names]
        )
        return clean_arrow(arrow), []
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        return None, [unreadable(exc, file)]


def parquet_source(data: bytes | Path) -> Any:
    """What pyarrow reads from: a zero-copy view of bytes in memory, or the file itself."""
    import pyarrow as pa

    return str(data) if isinstance(data, Path) else pa.BufferReader(pa.py_buffer(data))


def unreadable(exc: Exception, file: str) -> Problem:
    return Problem(f"not a readable Parquet file ({type(exc).__name__}: {exc})", file=file)


def arrow_frame(arrow: Any) -> pd.DataFrame:
    """The Arrow table as pandas without a second copy (its buffers are freed as they go),
    its pandas metadata first made readable (`pandas_ready`)."""
    return pandas_ready(arrow).to_pandas(  # type: ignore[no-any-return]
        split_blocks=True, self_destruct=True
    )


_RE2_FORBIDDEN = (
    r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{7f}-\x{9f}\x{fffe}\x{ffff}"
    r"\x{061c}\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]"
)
"""`clean_text`'s characters as an RE2 class (Arrow strings are valid UTF-8: no surrogates)."""
_UTF8_FORBIDDEN = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]"
    rb"|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
"""The same characters as UTF-8 bytes."""


def clean_arrow(table: Any) -> Any:
    """The Parquet counterpart of cleaning CSV text: column names and every string column
    (dictionary-encoded ones through their dictionaries) rewritten only where they hold a
    character `clean_text` drops."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def text(kind: Any) -> bool:
        return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))

    def dirty(values: Any) -> bool:
        """Whether any string holds such a character, read from the raw UTF-8 bytes without
        a copy: byte counts settle the usual all-ASCII column (ids, labels) in a few passes
        (0.1 s for 10 million ids); other bytes go through a regular expression."""
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        for chunk in chunks:
            data = chunk.buffers()[2]
            if data is None or data.size == 0:
                continue
            raw = np.frombuffer(data, dtype=np.uint8)
            controls = np.count_nonzero(raw < 0x20)
            if controls and controls != sum(np.count_nonzero(raw == c) for c in (9, 10, 13)):
                return True
            if np.count_nonzero(raw == 0x7F):
                return True
            if np.count_nonzero(raw >= 0x80) and _UTF8_FORBIDDEN.search(memoryview(data)):
                return True
        return False

    columns, changed = [], False
    for column in table.columns:
        kind = column.type
        if pa.types.is_dictionary(kind) and text(kind.value_type):
            if any(dirty(chunk.dictionary) for chunk in column.chunks):
                plain = column.cast(kind.value_type)
                cleaned = pc.replace_substring_regex(plain, _RE2_FORBIDDEN, "")
                column, changed = pc.dictionary_encode(cleaned), True
        elif text(kind) and dirty(column):
            column, changed = pc.replace_substring_regex(column, _RE2_FORBIDDEN, ""), True
        columns.append(column)
    names = [clean_text(str(n)) for n in table.column_names]
    if not changed and names == table.column_names:
        return table
    return pa.Table.from_arrays(columns, names=names, metadata=table.schema.metadata)
