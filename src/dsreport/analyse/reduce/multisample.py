"""Per-row probabilities of one group of rows, kept exactly while few, sampled when many.

A group (a split, or a slice value of the chosen rung's test rows) keeps every row while
it has at most `BOUND`; past that, the `BOUND` rows with the smallest hash of their
position in the table (a uniform sample without replacement that does not depend on how
the rows are cut into batches). Either way the rows come back in table order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.reduce.reducer import ROWS_KEPT

Array = NDArray[np.float64]
Codes = NDArray[np.int64]
BOUND = ROWS_KEPT
"""Rows a group keeps exactly; its probability metrics are then the row-based ones."""


def position_hash(positions: Codes) -> NDArray[np.uint64]:
    """SplitMix64 of each row's position: a bijection, so no two rows tie."""
    with np.errstate(over="ignore"):
        z = positions.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


@dataclass
class Sample:
    """The kept rows of one group: positions, truth (class index) and each rung's
    normalised probabilities (rows x classes).

    Once a group has more rows than it keeps, the largest hash it keeps is a bar: a later
    row with a larger hash can never be among the smallest, so it is dropped on arrival
    and the group holds little more than `BOUND` rows however many pass."""

    seen: int = 0
    parts: list[tuple[Codes, Codes, dict[str, Array]]] = field(default_factory=list)
    held: int = 0
    bar: np.uint64 | None = None

    def add(self, positions: Codes, truth: Codes, proba: dict[str, Array]) -> None:
        if not len(positions):
            return
        self.seen += len(positions)
        if self.bar is not None:
            under = position_hash(positions) < self.bar
            if not under.any():
                return
            if not under.all():
                positions, truth = positions[under], truth[under]
                proba = {r: p[under] for r, p in proba.items()}
        self.parts.append((positions, truth, proba))
        self.held += len(positions)
        if self.held > BOUND + BOUND // 4:
            self._compact()

    def _compact(self) -> None:
        positions, truth, proba = self._joined()
        if len(positions) > BOUND:
            hashes = position_hash(positions)
            keep = np.sort(np.argpartition(hashes, BOUND)[:BOUND])
            self.bar = hashes[keep].max()
            positions, truth = positions[keep], truth[keep]
            proba = {r: p[keep] for r, p in proba.items()}
        self.parts = [(positions, truth, proba)] if len(positions) else []
        self.held = len(positions)

    def _joined(self) -> tuple[Codes, Codes, dict[str, Array]]:
        if len(self.parts) == 1:
            return self.parts[0]
        if not self.parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), {}
        rungs = self.parts[0][2]
        return (
            np.concatenate([p[0] for p in self.parts]),
            np.concatenate([p[1] for p in self.parts]),
            {r: np.concatenate([p[2][r] for p in self.parts]) for r in rungs},
        )

    def rows(self) -> tuple[Codes, dict[str, Array]]:
        """(truth, probabilities by rung) of the kept rows, in table order."""
        self._compact()
        _, truth, proba = self._joined()
        return truth, proba

    @property
    def exact(self) -> bool:
        """Every row of the group is kept."""
        return self.seen <= BOUND
