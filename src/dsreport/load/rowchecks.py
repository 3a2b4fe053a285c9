"""Offending rows collected over one batch or many, reported the same way either way.

The in-memory table is checked as one batch; a streamed table batch by batch while the
analysis reads it. Each check keeps the first few rows with their place (file, line or
row) and value, and counts the rest, so the messages do not depend on how the rows were
cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dsreport.errors import Problem, Severity
from dsreport.load.columns import MISSING

MAX_PER_CHECK = 5
Locate = Callable[[int], tuple[str, int | None, int]]
"""Row of a batch -> (file, line or None, row within that file)."""
DEDUPE_ROWS = 200_000_000
"""Most rows whose ids a streamed table checks for duplicates (8 bytes a row held)."""


@dataclass
class _Hits:
    count: int = 0
    shown: list[tuple[str, int | None, int, Any]] = field(default_factory=list)
    more: tuple[str, int | None] | None = None


@dataclass
class Findings:
    """Offending rows by check, in the order the checks first found one."""

    checks: dict[tuple[str, str, str | None, bool], _Hits] = field(default_factory=dict)

    def add(
        self,
        mask: Any,
        values: pd.Series,
        locate: Locate,
        message: str,
        column: str,
        hint: str | None = None,
        warning: bool = False,
    ) -> None:
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(rows):
            return
        hits = self.checks.setdefault((message, column, hint, warning), _Hits())
        room = MAX_PER_CHECK - len(hits.shown)
        for row in rows[: max(room, 0)]:
            cell = values.iloc[int(row)]
            file, line, inner = locate(int(row))
            hits.shown.append((file, line, inner, cell.item() if hasattr(cell, "item") else cell))
        if hits.more is None and len(rows) > room:
            file, line, _ = locate(int(rows[max(room, 0)]))
            hits.more = (file, line)
        hits.count += len(rows)

    def problems(self) -> list[Problem]:
        out = []
        for (message, column, hint, warning), hits in self.checks.items():
            severity: Severity = "warning" if warning else "error"
            for file, line, inner, shown in hits.shown:
                text = f"'{shown}'" if len(str(shown)) <= 60 else f"'{str(shown)[:57]}...'"
                where = "" if line is not None else f" (row {inner + 1:,})"
                out.append(
                    Problem(
                        message.format(value=text) + where,
                        file=file,
                        line=line,
                        key=column,
                        hint=hint,
                        severity=severity,
                    )
                )
            if hits.more is not None:
                out.append(
                    Problem(
                        f"{hits.count - MAX_PER_CHECK:,} more rows like this",
                        file=hits.more[0],
                        line=hits.more[1],
                        key=column,
                        severity=severity,
                    )
                )
        return out


@dataclass
class SplitTally:
    """Rows of each split value and where the first one is, over every batch."""

    found: dict[str, list[Any]] = field(default_factory=dict)

    def update(self, codes: np.ndarray[Any, Any], texts: list[str], locate: Locate) -> None:
        counts = np.bincount(codes, minlength=len(texts))
        for code, text in enumerate(texts):
            if not counts[code]:
                continue
            entry = self.found.get(text)
            if entry is None:
                first = locate(int(np.argmax(codes == code)))
                self.found[text] = [int(counts[code]), first]
            else:
                entry[0] += int(counts[code])

    def texts(self) -> list[str]:
        """Every split value seen, in text order, missing last (as `columns.factor` gives)."""
        return sorted(t for t in self.found if t != MISSING) + (
            [MISSING] if MISSING in self.found else []
        )


@dataclass
class IdTally:
    """64-bit hashes of every id, to find repeated ids after the pass without keeping the
    ids themselves; a second pass over the id column names the repeats.

    Given the table's row count (a streamed table knows it from its footers), the hashes
    go into one array of that size, sorted in place at the end: 8 bytes a row, where
    joining the batches' arrays would need twice that at its peak."""

    expected: int = 0
    hashes: list[np.ndarray[Any, Any]] = field(default_factory=list)
    rows: int = 0
    _filled: np.ndarray[Any, Any] | None = None

    def update(self, ids: pd.Series) -> None:
        start = self.rows
        self.rows += len(ids)
        if self.rows > DEDUPE_ROWS:
            return
        if self._filled is None and self.expected and not self.hashes:
            self._filled = np.empty(min(self.expected, DEDUPE_ROWS), dtype=np.uint64)
        if self._filled is not None and self.rows <= len(self._filled) and not self.hashes:
            self._filled[start : self.rows] = id_hashes(ids)
            return
        if self._filled is not None:  # more rows than expected: keep what was filled
            self.hashes.append(self._filled[:start])
            self._filled = None
        self.hashes.append(id_hashes(ids))

    def repeated(self) -> np.ndarray[Any, Any]:
        """The hashes that occur more than once."""
        if self._filled is not None:
            every, self._filled = self._filled[: self.rows], None
        elif self.hashes:
            every = np.concatenate(self.hashes)
        else:
            return np.zeros(0, dtype=np.uint64)
        self.hashes = []
        every.sort()
        return np.unique(every[1:][every[1:] == every[:-1]])


_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def id_hashes(ids: pd.Series) -> np.ndarray[Any, Any]:
    """64-bit FNV-1a hashes of the ids' text, computed on Arrow's string buffers (Python's
    per-string hashing costs 0.6 s a million ids). Repeats are confirmed on the ids
    themselves, so a collision never reports a repeat that is not there. Without pyarrow
    (an optional extra; CSV tables do not need it) pandas' own 64-bit hash of the text."""
    try:
        import pyarrow as pa
    except ImportError:
        hashes = pd.util.hash_pandas_object(ids.astype("string"), index=False)
        out: np.ndarray[Any, Any] = hashes.to_numpy(dtype=np.uint64, copy=True)
        out[ids.isna().to_numpy()] = 0
        return out
    if isinstance(ids.dtype, pd.CategoricalDtype):
        table = id_hashes(pd.Series(ids.cat.categories))
        codes = ids.cat.codes.to_numpy()
        return np.where(codes >= 0, table[np.maximum(codes, 0)] if len(table) else 0, 0)
    values = pa.array(ids, from_pandas=True)
    if not _is_text(values.type):
        values = pa.array(ids.astype("string"), from_pandas=True)
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    if not chunks:
        return np.zeros(0, dtype=np.uint64)
    return np.concatenate([_fnv(chunk.cast(pa.large_string())) for chunk in chunks])


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _fnv(values: Any) -> np.ndarray[Any, Any]:
    """FNV-1a over each string's UTF-8 bytes, all strings a byte position at a time."""
    count = len(values)
    _, offsets_buffer, data_buffer = values.buffers()
    offsets = np.frombuffer(
        offsets_buffer, dtype=np.int64, count=count + 1, offset=values.offset * 8
    )
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(1, np.uint8)
    starts, lengths = offsets[:-1], np.diff(offsets)
    hashes = np.full(count, _FNV_OFFSET, dtype=np.uint64)
    width = int(lengths[0]) if count else 0
    if count and width and (lengths == width).all():  # ids of one width: a byte matrix
        first = int(offsets[0])
        matrix = data[first : first + count * width].reshape(count, width)
        for column in range(width):
            hashes ^= matrix[:, column]
            hashes *= _FNV_PRIME
    else:
        rows = np.arange(count)
        step = 0
        while len(rows := rows[lengths[rows] > step]):
            byte = data[starts[rows] + step].astype(np.uint64)
            hashes[rows] = (hashes[rows] ^ byte) * _FNV_PRIME
            step += 1
    hashes = (hashes ^ lengths.astype(np.uint64)) * _FNV_PRIME
    if values.null_count:
        hashes[np.asarray(values.is_null())] = 0
    return hashes
