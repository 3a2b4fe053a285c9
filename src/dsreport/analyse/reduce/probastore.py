"""The chosen rung's probabilities of the rows the slice values' samples hold, once a row.

Every slice value keeps the rows of its own first by the position hash (`multisample`),
so a test row whose hash is low sits in the sample of its value in every slice column:
kept by each group, its ten probabilities were held up to eight times. With eight slice
columns of 10 M rows, the samples held 8 M rows of probabilities for 1.7 M distinct rows
(610 MB for 130). The samples now keep positions and truth; their probabilities live
here and come back by position.

A sample holds exactly the rows of its group whose place in the sample order is at most
its bar (all of them while it has none), so a row is still wanted while, in some slice
column, it is at most the bar of its value's sample: the store keeps each row's sample in
every column and drops the others together once a quarter more rows have come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.reduce.multisample import sample_order

Array = NDArray[np.float64]
Codes = NDArray[np.int64]
Groups = NDArray[np.int32]
SLACK = 200_000
"""Rows added since the last compaction, past a quarter of the rows then kept, before the
next one."""
OPEN = np.iinfo(np.int64).max
"""The bar of a sample that has none yet: it holds every row."""


@dataclass
class Segment:
    """Rows added between two compactions, in table order."""

    positions: Codes
    order: Codes
    """Each row's place in the sample order (`sample_order`)."""
    proba: Array
    groups: Groups
    """(slice columns, rows): each row's sample number in every slice column."""

    def wanted(self, bars: list[Codes]) -> NDArray[np.bool_]:
        out = np.zeros(len(self.order), dtype=bool)
        for column, column_bars in enumerate(bars):
            out |= self.order <= column_bars[self.groups[column]]
        return out

    def only(self, rows: NDArray[np.bool_]) -> Segment:
        return Segment(
            self.positions[rows], self.order[rows], self.proba[rows], self.groups[:, rows]
        )


class ProbaStore:
    """Segments of rows in table order (positions only grow: rows arrive in table order),
    each row with its sample's number in every slice column; `bars()` gives each column's
    bars by number. A compaction looks at every row but copies only a segment a quarter of
    whose rows are no longer wanted (the others keep theirs until then)."""

    def __init__(self, classes: int, bars: Callable[[], list[Codes]]) -> None:
        self.segments: list[Segment] = []
        self.parts: list[tuple[Codes, Array, Groups]] = []
        self.classes, self.bars = classes, bars
        self.added = 0
        self.live = 0

    def add(self, positions: Codes, proba: Array, groups: Groups) -> None:
        """Rows after every row already added, some sample holding each; `groups`: (rows,
        slice columns)."""
        if not len(positions):
            return
        self.parts.append((positions, proba, groups))
        self.added += len(positions)
        if self.added > self.live // 4 + SLACK:
            self._compact()

    def take(self, positions: Codes) -> Array:
        """The probabilities of rows a sample holds, in the order given (table order)."""
        self._seal()
        out = np.zeros((len(positions), self.classes))
        found = 0
        for segment in self.segments:
            if not len(segment.positions) or not len(positions):
                continue
            lo = int(np.searchsorted(positions, segment.positions[0], side="left"))
            hi = int(np.searchsorted(positions, segment.positions[-1], side="right"))
            if lo == hi:
                continue
            at = np.searchsorted(segment.positions, positions[lo:hi])
            if not np.array_equal(segment.positions[at], positions[lo:hi]):
                raise AssertionError("a sample's row is missing from the probability store")
            out[lo:hi] = segment.proba[at]
            found += hi - lo
        if found != len(positions):
            raise AssertionError("a sample's row is missing from the probability store")
        return out

    def _compact(self) -> None:
        self._seal()
        bars = self.bars()
        segments, live = [], 0
        for segment in self.segments:
            wanted = segment.wanted(bars)
            count = int(wanted.sum())
            if count:
                segments.append(segment if count * 4 > len(wanted) * 3 else segment.only(wanted))
            live += count
        self.segments, self.live, self.added = segments, live, 0

    def _seal(self) -> None:
        """The rows added since the last compaction as one segment."""
        if not self.parts:
            return
        positions = np.concatenate([p[0] for p in self.parts])
        proba = np.concatenate([p[1] for p in self.parts])
        groups = np.ascontiguousarray(np.concatenate([p[2] for p in self.parts]).T)
        self.segments.append(Segment(positions, sample_order(positions), proba, groups))
        self.parts = []
