"""Per-row probabilities of one group of rows, kept exactly while few, sampled when many.

A group (a split, or a slice value of the chosen rung's test rows) keeps every row while
it has at most `BOUND`; past that, the `BOUND` rows first by the hash of their position in
the table, then by position (a uniform sample without replacement that does not depend on
how the rows are cut into batches; the hash is `values.position_hash`, 31-bit arithmetic
an SQL engine repeats, so a statistics table keeps the same rows). Either way the rows
come back in table order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse.reduce.values import position_hash
from dsreport.load.bins import ROWS_KEPT

if TYPE_CHECKING:
    from dsreport.analyse.reduce.probastore import ProbaStore

Array = NDArray[np.float64]
Codes = NDArray[np.int64]
BOUND = ROWS_KEPT
"""Rows a group keeps exactly; its probability metrics are then the row-based ones."""


def sample_order(positions: Codes) -> Codes:
    """Each row's place in the sample order, as one integer: the position hash (seed 0: the
    sample does not depend on the analysis seed), then the position for the rows 2**31
    apart whose hashes tie."""
    return np.asarray((position_hash(positions, 0) << 32) | (positions >> 31), dtype=np.int64)


@dataclass
class Sample:
    """The kept rows of one group: positions, truth (class index) and each rung's
    normalised probabilities (rows x classes).

    Once a group has more rows than it keeps, the last it keeps in the sample order is a
    bar: a later row past it can never be among the first, so it is dropped on arrival
    and the group holds little more than `BOUND` rows however many pass."""

    seen: int = 0
    parts: list[tuple[Codes, Codes, dict[str, Array]]] = field(default_factory=list)
    held: int = 0
    bar: np.int64 | None = None
    store: ProbaStore | None = None
    """Where the probabilities of `rung` are kept instead (a slice value's sample: parts
    then carry none)."""
    rung: str = ""

    def add(self, positions: Codes, truth: Codes, proba: dict[str, Array]) -> None:
        under = self.admit(positions)
        if under is not None:
            if not under.any():
                return
            if not under.all():
                positions, truth = positions[under], truth[under]
                proba = {r: p[under] for r, p in proba.items()}
        self.keep(positions, truth, proba)

    def admit(self, positions: Codes, order: Codes | None = None) -> NDArray[np.bool_] | None:
        """Counts the rows as seen and says which of them may enter the sample (None: all;
        `order`: their `sample_order`, when the caller has it), so a caller can leave the
        others' probabilities unread. Those rows are then given to `keep`."""
        self.seen += len(positions)
        if self.bar is None or not len(positions):
            return None
        return np.asarray((sample_order(positions) if order is None else order) < self.bar)

    def keep(self, positions: Codes, truth: Codes, proba: dict[str, Array]) -> None:
        """Rows `admit` let through (already counted as seen)."""
        if not len(positions):
            return
        self.parts.append((positions, truth, proba))
        self.held += len(positions)
        if self.held > BOUND + BOUND // 4:
            self._compact()

    def _compact(self) -> None:
        positions, truth, proba = self._joined()
        if len(positions) > BOUND:
            order = sample_order(positions)
            keep = np.sort(np.argpartition(order, BOUND)[:BOUND])
            self.bar = order[keep].max()
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

    def kept(self) -> tuple[Codes, Codes, dict[str, Array]]:
        """(positions, truth, probabilities by rung) of the kept rows, in table order."""
        self._compact()
        positions, truth, proba = self._joined()
        if self.store is not None and len(positions):
            proba = {self.rung: self.store.take(positions)}
        return positions, truth, proba

    def rows(self) -> tuple[Codes, dict[str, Array]]:
        """(truth, probabilities by rung) of the kept rows, in table order."""
        _, truth, proba = self.kept()
        return truth, proba

    @property
    def exact(self) -> bool:
        """Every row of the group is kept."""
        return self.seen <= BOUND
