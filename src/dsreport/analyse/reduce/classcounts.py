"""The slice values' class histograms (`ProbaSums.classes`), counted over several chunks
at once.

Each value's histogram has a cell for every class, side (the row's class or another) and
grid bin: 200,020 cells for ten classes, 1.6 MB. Counting one chunk's rows of a slice
column with one bincount over all its values (up to `BY_VALUE_CELLS` cells, 32 MB) filled
and added that whole array for each 100,000 rows, whatever few of its cells the rows
touched. Kept until `FLUSH_CELLS` row cells have come, the same counts pay that once for
several chunks: a tenth less time for the histograms (ten classes, eight slice columns);
the rest is the bincount's one increment per row, class and column, which any order
pays. They are counts, exact in any order, so the facts are the same bits.
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
FLUSH_CELLS = 2_000_000
"""Row cells (rows times classes) kept before they are counted: 16 MB of cells, and each
column's bincount at most 16 MB of indices and `BY_VALUE_CELLS` of counts at a time."""


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
        self.pending += cells.size
        if self.pending >= FLUSH_CELLS:
            self.flush()

    def flush(self) -> None:
        k = self.width // (2 * SIZE)
        for column, parts in self.numbers.items():
            rows = sum(len(found) for _, found in parts)
            index = np.empty((rows, k), dtype=np.int64)
            at = 0
            for chunk, found in parts:
                part = index[at : at + len(found)]
                np.multiply(found[:, None], self.width, out=part, dtype=np.int64)
                part += self.cells[chunk]
                at += len(found)
            values = max(int(found.max()) for _, found in parts) + 1
            counts = np.bincount(index.ravel(), minlength=values * self.width)
            counts = counts.reshape(values, k, 2, SIZE)
            present = np.bincount(np.concatenate([found for _, found in parts]), minlength=values)
            for number in np.flatnonzero(present).tolist():
                self.sums(column, number).classes += counts[number]
        self.cells, self.numbers, self.pending = [], {}, 0
