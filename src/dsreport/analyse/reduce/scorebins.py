"""A score's rows by bin and by a yes/no, binned as the binary histograms are: each
distinct score its own bin while there are at most `binstats.EXACT_LIMIT`, else the
1/10,000 grid (the bins so far moved onto it), so the result does not depend on the
batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse import binstats
from dsreport.load.bins import GRID, grid_index

Array = NDArray[np.float64]


@dataclass
class ScoreBins:
    binning: str = "exact"
    values: Array = field(default_factory=lambda: np.zeros(0))
    """Each bin's score, ascending."""
    counts: Array = field(default_factory=lambda: np.zeros((0, 2)))
    """(bins, 2): rows of each bin, [no, yes]."""
    missing: int = 0
    """Rows without a score (in no bin)."""

    def add(self, scores: Array, yes: Any) -> None:
        known = np.isfinite(scores)
        self.missing += int((~known).sum())
        scores, yes = scores[known], np.asarray(yes)[known]
        if self.binning == "exact":
            union = np.union1d(self.values, scores)
            if len(union) > binstats.EXACT_LIMIT:
                target = grid_index(self.values)
                moved = np.zeros((GRID + 1, 2))
                np.add.at(moved, target, self.counts)
                self.binning, self.counts = "grid", moved
                self.values = np.arange(GRID + 1, dtype=np.float64) / GRID
            elif len(union) > len(self.values):
                moved = np.zeros((len(union), 2))
                moved[np.searchsorted(union, self.values)] = self.counts
                self.values, self.counts = union, moved
        if self.binning == "grid":
            bins = grid_index(scores)
        else:
            bins = np.searchsorted(self.values, scores).astype(np.int64)
        size = len(self.values)
        self.counts += np.bincount(bins * 2 + yes, minlength=2 * size).reshape(size, 2)

    @property
    def n(self) -> int:
        """Every row, with or without a score."""
        return round(float(self.counts.sum())) + self.missing

    def at_or_above(self, gate: float) -> tuple[int, int]:
        """(rows, yes rows) whose score is at or above `gate`."""
        above = self.counts[self.values >= gate]
        return round(float(above.sum())), round(float(above[:, 1].sum()))
