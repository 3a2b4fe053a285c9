"""The slice values' class histograms (`ProbaSums.classes`), counted over several chunks
at once.

Each value's histogram has a cell for every class, side (the row's class or another) and
grid bin: 200,020 cells for ten classes, 1.6 MB. Counting one chunk's rows of a slice
column with one bincount over all its values (up to `BY_VALUE_CELLS` cells, 32 MB) filled
and added that whole array for each 100,000 rows, whatever few of its cells the rows
touched. Kept until `FLUSH_BYTES` of them have come, the same counts pay that once for
several chunks, and counting them one class at a time keeps the counts in cache: on ten
classes and eight slice columns, 0.6 of the histograms' time. What is left is one
increment per row, class and column. They are counts, exact in any order, so the facts
are the same bits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.reduce.multiproba import SIZE, ProbaSums

Codes = NDArray[np.int64]
Numbers = NDArray[np.int32]
BY_VALUE_CELLS = 4_000_000
"""Histogram cells a slice column's values may share in one array (32 MB: some twenty
values of ten classes); a column with more values has its rows counted value by value."""
FLUSH_BYTES = 16_000_000
"""Row cells and value numbers kept before they are counted: for ten classes and eight
slice columns, two chunks (22 MB); with many slice columns, their numbers count too."""


class ClassCounts:
    """Chunks of row cells (`ProbaRows.cells`), each with the slice values' numbers of its
    rows in the columns counted here, until `flush` adds them to the values' sums."""

    def __init__(self, classes: int, sums: Callable[[str, int], ProbaSums]) -> None:
        self.width = classes * 2 * SIZE
        self.sums = sums
        """(column, value number) -> that value's sums of the chosen rung."""
        self.cells: list[Codes] = []
        self.numbers: dict[str, list[tuple[int, Numbers]]] = {}
        """Column -> (chunk, its rows' value numbers) of the chunks counted here."""
        self.pending = 0

    def fits(self, values: int) -> bool:
        """Whether a column of `values` values can be counted here."""
        return values * self.width <= BY_VALUE_CELLS

    def add(self, cells: Codes, numbers: dict[str, Numbers]) -> None:
        """One chunk's rows: their cells, and their value numbers in each column counted
        here (columns with too many values are counted value by value instead)."""
        if not numbers or not len(cells):
            return
        chunk = len(self.cells)
        self.cells.append(cells)
        for column, found in numbers.items():
            self.numbers.setdefault(column, []).append((chunk, found))
        self.pending += cells.nbytes + sum(found.nbytes for found in numbers.values())
        if self.pending >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Count what is kept, class by class: one class's cells of a column's values
        (2.7 MB for seventeen values) stay in cache where all classes' (27 MB) did not,
        0.6 of the time of one bincount over every class."""
        if not self.cells:
            return
        k, side = self.width // (2 * SIZE), 2 * SIZE
        starts = np.cumsum([0] + [len(c) for c in self.cells])
        every = np.concatenate(self.cells)
        every -= (np.arange(k) * side)[None, :]  # each class's cells from 0
        by_class = np.ascontiguousarray(every.T)
        del every
        for column, parts in self.numbers.items():
            chunks = [chunk for chunk, _ in parts]
            local = by_class
            if chunks != list(range(len(self.cells))):  # counted here from a later chunk on
                rows = np.concatenate([np.arange(starts[c], starts[c + 1]) for c in chunks])
                local = by_class[:, rows]
            base = np.concatenate([found for _, found in parts]).astype(np.int64)
            values = int(base.max()) + 1
            present = np.flatnonzero(np.bincount(base, minlength=values)).tolist()
            base *= side
            sums = [self.sums(column, number).classes for number in present]
            for j in range(k):
                counts = np.bincount(base + local[j], minlength=values * side)
                counts = counts.reshape(values, 2, SIZE)
                for number, into in zip(present, sums, strict=True):
                    into[j] += counts[number]
        self.cells, self.numbers, self.pending = [], {}, 0
