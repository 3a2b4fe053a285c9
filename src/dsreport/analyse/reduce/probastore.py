"""The chosen rung's probabilities of the rows the slice values' samples hold, once a row.

Every slice value keeps the rows of its own first by the position hash (`multisample`),
so a test row whose hash is low sits in the sample of its value in every slice column:
kept by each group, its ten probabilities were held up to eight times. With eight slice
columns of 10 M rows, the samples held 8 M rows of probabilities for 1.7 M distinct rows
(610 MB for 130). The samples now keep positions and truth; their probabilities live
here, counted by how many samples hold each row, and come back by position.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Codes = NDArray[np.int64]
Holders = NDArray[np.int32]


SLACK = 200_000
"""Rows added past a quarter more than the live rows of the last compaction before the next
one (each compaction copies the store once)."""


class ProbaStore:
    """Rows in table order (positions only grow: rows arrive in table order), each with
    how many samples hold it. A sample that drops rows says so (`release`); the rows no
    sample holds are dropped together once the store has grown by a quarter since."""

    def __init__(self, classes: int) -> None:
        self.positions: Codes = np.zeros(0, np.int64)
        self.proba: Array = np.zeros((0, classes))
        self.holders: Holders = np.zeros(0, np.int32)
        self.parts: list[tuple[Codes, Array, Holders]] = []
        self.released: list[Codes] = []
        self.rows = 0
        self.live = 0

    def add(self, positions: Codes, proba: Array, holders: Holders) -> None:
        """Rows after every row already added, each held by `holders` samples (> 0)."""
        if not len(positions):
            return
        self.parts.append((positions, proba, holders))
        self.rows += len(positions)
        if self.rows > self.live + self.live // 4 + SLACK:
            self._compact()

    def release(self, positions: Codes) -> None:
        """One sample no longer holds these rows."""
        if len(positions):
            self.released.append(positions)

    def take(self, positions: Codes) -> Array:
        """The probabilities of rows some sample holds, in the order given."""
        self._join()
        return self.proba[self._find(positions)]

    def _compact(self) -> None:
        self._join()
        if self.released:
            np.subtract.at(self.holders, self._find(np.concatenate(self.released)), 1)
            self.released = []
        held = self.holders > 0
        if not held.all():
            self.positions, self.proba = self.positions[held], self.proba[held]
            self.holders = self.holders[held]
        self.rows = self.live = len(self.positions)

    def _find(self, positions: Codes) -> Codes:
        if not len(positions):
            return np.zeros(0, np.int64)
        at = np.minimum(np.searchsorted(self.positions, positions), len(self.positions) - 1)
        if not len(self.positions) or not np.array_equal(self.positions[at], positions):
            raise AssertionError("a sample's row is missing from the probability store")
        return np.asarray(at, dtype=np.int64)

    def _join(self) -> None:
        if not self.parts:
            return
        self.positions = np.concatenate([self.positions, *(p[0] for p in self.parts)])
        self.proba = np.concatenate([self.proba, *(p[1] for p in self.parts)])
        self.holders = np.concatenate([self.holders, *(p[2] for p in self.parts)])
        self.parts = []
