"""A Parquet predictions table read batch by batch, never held in memory.

The loader returns one for a task in `loader.STREAMED_TASKS` whose Parquet rows (counted
from the files' footers, nothing else read) are more than `LoadOptions.stream_rows`
(`paths.STREAM_ROWS` by default). Its cells are checked
while the analysis reads them: the first pass over the batches runs the same checks, with
the same messages, as the in-memory table's, and raises the loader's `BundleError` once
the last batch is read, before anything is rendered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from dsreport.errors import BundleError, Problem, sort_problems
from dsreport.load.aligned import Segment, cut
from dsreport.load.multitable import cast_table, common_schema
from dsreport.load.pandasmeta import nullable_ints
from dsreport.load.source import SourceFile, schema_problems
from dsreport.load.tables import (
    BATCH_ROWS,
    MAX_COLUMNS,
    clean_arrow,
    no_pyarrow,
    too_wide,
    unreadable,
)


class BatchChecks(Protocol):
    """Checks run on each batch of the first pass (`load.rowchecks.StreamChecks`)."""

    columns: list[str]

    def batch(self, frame: pd.DataFrame, file: str, offset: int) -> None: ...

    def finish(self, table: StreamedTable) -> list[Problem]: ...

    def fresh(self) -> BatchChecks:
        """The same checks with nothing seen yet."""
        ...


@dataclass
class StreamedTable:
    """The rows of one or more Parquet files, read `rows` at a time on demand."""

    file: str
    """The path the bundle gives (a file, a folder or a glob)."""
    files: list[SourceFile]
    schema: Any
    """The Arrow schema shared by every file."""
    part_rows: list[int]
    checks: BatchChecks | None = None
    plain: list[str] = field(default_factory=list)
    """Text columns given as Arrow-backed strings, never Categorical: ids, whose every
    value is distinct (a dictionary as large as the column costs 1.5 s a million rows)."""
    common: Any = None
    """The schema every file's rows are cast to (`multitable.common_schema`, as the
    in-memory table's files are), so every batch has the same types whatever file it
    comes from; None: the first file's."""
    warnings: list[Problem] = field(default_factory=list)
    """Where the first pass puts its warnings: the loaded bundle's own list."""
    rows_read: int = BATCH_ROWS
    """The batch size of the last pass that ran the checks: a later pass that locates what
    they found reads the same batches (an id's text can follow its batch's type)."""
    on_rows: Callable[[int], None] | None = None
    """Told how many rows each batch of a pass holds (a build's live display), while set."""

    @property
    def rows(self) -> int:
        return sum(self.part_rows)

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)

    @property
    def sources(self) -> list[str]:
        return [f.name for f in self.files]

    def batches(self, columns: Sequence[str], rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
        """The rows of `columns`, `rows` at a time, cut where an in-memory table's batches
        are cut (`aligned`): string columns as Categorical (read as dictionaries),
        floating-point columns as float64. The first complete pass also runs the value
        checks and, once past the last batch, raises every error found."""
        checks, self.checks = self.checks, None  # one pass checks; a pass beside it reads
        wanted = list(dict.fromkeys(columns))
        read = list(dict.fromkeys([*wanted, *(checks.columns if checks else [])]))
        if checks is not None:
            self.rows_read = rows
        try:
            for frame, segments in self.aligned(read, rows, told=True):
                if checks is not None:
                    _check(checks, frame, segments)
                yield frame[wanted] if len(read) != len(wanted) else frame
        except GeneratorExit:
            if checks is not None:  # left before the end: the next pass checks afresh
                self.checks = checks.fresh()
            raise
        if checks is not None:
            problems = checks.finish(self)
            if any(p.severity == "error" for p in problems):
                raise BundleError(sort_problems(problems))
            self.warnings.extend(problems)

    def check(self) -> list[Problem]:
        """Read every batch once for the value checks alone (validate, no analysis)."""
        checks = self.checks
        if checks is None:
            return []
        self.rows_read = BATCH_ROWS
        for frame, segments in self.aligned(checks.columns, BATCH_ROWS):
            _check(checks, frame, segments)
        self.checks = None
        return checks.finish(self)

    @property
    def types(self) -> Any:
        """The schema every piece is cast to: `common`, or the first file's."""
        return self.common if self.common is not None else self.schema

    def aligned(
        self, columns: list[str], rows: int = BATCH_ROWS, told: bool = False
    ) -> Iterator[tuple[pd.DataFrame, list[Segment]]]:
        """Batches cut at whole multiples of `rows` (`load.aligned`), unchecked, each with
        the file and row where each of its parts comes from; `told`: `on_rows` hears of
        each piece read."""
        convert = functools.partial(_frame, nullable=nullable_ints(self.types))
        return cut(self._pieces(columns, rows, told), rows, convert)

    def _pieces(
        self, columns: list[str], rows: int, told: bool = False
    ) -> Iterator[tuple[str, int, Any]]:
        """(file, first row's number in that file, Arrow table) of every batch the reader
        gives, text cleaned, dictionaries kept; `told`: `on_rows` hears of each."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = self.types
        strings = [c for c in columns if c not in self.plain and _is_text(types.field(c).type)]
        for file in self.files:
            offset = 0
            # read column chunks through a 1 MiB buffer instead of whole row groups at once:
            # a quarter less memory at a million rows a batch, no slower
            with pq.ParquetFile(
                file.path, read_dictionary=strings, pre_buffer=False, buffer_size=1 << 20
            ) as reader:
                for batch in reader.iter_batches(batch_size=max(1, rows), columns=columns):
                    size = batch.num_rows
                    if told and self.on_rows is not None:
                        self.on_rows(size)
                    piece = self._cast(pa.Table.from_batches([batch]), file.name, strings)
                    yield file.name, offset, clean_arrow(piece)
                    offset += size

    def _cast(self, piece: Any, file: str, strings: list[str]) -> Any:
        """A piece in the table's common types (the `strings` as dictionaries), each
        column nullable, the first file's metadata: the same schema for every piece."""
        import pyarrow as pa

        common = self.types
        fields = []
        for found in piece.schema:
            kind = common.field(found.name).type
            if found.name in strings and not pa.types.is_dictionary(kind):
                kind = pa.dictionary(pa.int32(), kind)
            fields.append(pa.field(found.name, kind, nullable=True))
        target = pa.schema(fields, metadata=common.metadata)
        cast, problem = cast_table(piece, target, file)
        if problem is not None:
            raise BundleError([problem])
        return cast

    def test_ids(self, ids: set[str], id_column: str, split_column: str | None) -> set[str]:
        """Which of `ids` are ids of test rows (a golden set's check), one pass over the
        id and split columns."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        wanted = pa.array(sorted(ids), type=pa.string())
        columns = [id_column] + ([split_column] if split_column else [])
        found: set[str] = set()
        for file in self.files:
            with pq.ParquetFile(file.path) as reader:
                for batch in reader.iter_batches(batch_size=BATCH_ROWS, columns=columns):
                    keys = pc.cast(batch.column(0), pa.string())
                    hit = pc.is_in(keys, value_set=wanted)
                    if split_column:
                        split = pc.cast(batch.column(1), pa.string())
                        hit = pc.and_(hit, pc.equal(split, "test"))
                    found.update(k for k in pc.filter(keys, hit).to_pylist() if k is not None)
        return found


def open_streamed(
    ref: str, files: list[SourceFile], threshold: int
) -> tuple[StreamedTable | None, list[Problem]]:
    """A streamed table when the files' footers declare more than `threshold` rows (None
    when they do not: read it into memory), or the problems that stop it."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return None, [no_pyarrow(ref)]
    schemas: list[tuple[str, Any]] = []
    rows: list[int] = []
    for file in files:
        try:
            meta = pq.read_metadata(file.path)
        except Exception as exc:  # pyarrow raises many types for a corrupt file
            return None, [unreadable(exc, file.name)]
        schemas.append((file.name, meta.schema.to_arrow_schema()))
        rows.append(meta.num_rows)
    if sum(rows) <= threshold:
        return None, []
    problems = schema_problems(schemas)
    if problems:
        return None, problems
    names = schemas[0][1].names
    if len(names) > MAX_COLUMNS:
        return None, [too_wide(len(names), ref)]
    common = common_schema([s for _, s in schemas])
    return StreamedTable(
        file=ref, files=files, schema=schemas[0][1], part_rows=rows, common=common
    ), []


def _check(checks: BatchChecks, frame: pd.DataFrame, segments: list[Segment]) -> None:
    """The checks of one batch, file by file (a problem names its file and row there)."""
    for file, offset, start, size in segments:
        if size == len(frame):
            checks.batch(frame, file, offset)
        else:
            checks.batch(frame.iloc[start : start + size].reset_index(drop=True), file, offset)


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _frame(table: Any, nullable: dict[str, Any]) -> pd.DataFrame:
    """An Arrow batch as pandas: dictionaries as Categorical, floats as float64, plain text
    left in Arrow's buffers (no Python string per cell), and the `nullable` integers (those
    pandas wrote as such: `pandasmeta.nullable_ints` of the table's common schema) as nullable
    integers, as a table in memory reads them (else a batch with a missing id would make
    its ids floats, and an id 1150 the text '1150.0')."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        if pa.types.is_floating(column.type) and not pa.types.is_float64(column.type):
            column = pc.cast(column, pa.float64())
        columns.append(column)
    cast = pa.Table.from_arrays(columns, names=table.column_names)
    kept = {n: (kind, cast.column(n)) for n, kind in nullable.items() if n in cast.column_names}
    text = {
        pa.string(): pd.ArrowDtype(pa.string()),
        pa.large_string(): pd.ArrowDtype(pa.large_string()),
    }
    frame: pd.DataFrame = cast.to_pandas(
        split_blocks=True, self_destruct=True, types_mapper=text.get
    )
    for name, (kind, column) in kept.items():
        frame[name] = kind.__from_arrow__(column)
    return frame
