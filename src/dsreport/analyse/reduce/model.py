"""`PredictionStats`: everything the binary analysis reads from the predictions.

Per split and rung, a histogram over score bins by label with the log-loss and
squared-error sums of each cell; per slice value, the same for the chosen rung's test
split; the label counts of every split and of every slice value; for each pair of rungs a
paired comparison or the outcome needs, the joint histogram on the pair grid
(`pairs.py`); and the chosen rung's test rows while they are few enough to keep. The
reducer (`reducer.py`) builds it from rows in one pass; `table.py` turns it into the
documented statistics table and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.analyse import binstats
from dsreport.analyse.reduce.pairs import PairStats

Array = NDArray[np.float64]
N, LOSS, SQ = 0, 1, 2
"""Quantities along the first axis of every histogram."""


@dataclass
class TestRows:
    """The chosen rung's test rows in table order: what a later review pairs on."""

    ids: list[str]
    labels: list[str]
    scores: Array


@dataclass
class PredictionStats:
    binning: str
    """"exact" (each distinct score its own bin) or "grid" (bins of 1/10,000)."""
    values: Array
    """Score of each bin, ascending; shared by every score histogram."""
    labels: list[str]
    positive: str | None
    splits: list[str]
    chosen: str
    threshold: float
    hist: dict[str, Array]
    """Rung -> (3, splits, bins, labels): n, log-loss sum, squared-error sum."""
    slice_values: dict[str, list[str]]
    slices: dict[str, Array]
    """Slice column -> (3, values, bins, labels): the chosen rung on the test split."""
    counts: Array
    """(splits, labels): rows of each label in each split."""
    slice_counts: dict[str, Array]
    """Slice column -> (values, labels): test rows of each value and label."""
    pair_values: Array
    pairs: dict[tuple[str, str], Array] = field(default_factory=dict)
    """(rung a, rung b) -> (5, labels, k, k): n, loss and squared error of a, then of b."""
    test_rows: TestRows | None = None

    # --- what the analysis reads ---------------------------------------------------------

    def _truth(self) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        positive = np.array([t == self.positive for t in self.labels], dtype=bool)
        return positive, ~positive

    def _binary(self, cube: Array, keep: NDArray[np.bool_]) -> binstats.BinaryStats:
        """BinaryStats of one (3, bins, labels) histogram, on the bins `keep` selects."""
        pos, neg = self._truth()
        part = cube if keep.all() else cube[:, keep, :]  # every grid bin: no copy
        return binstats.BinaryStats(
            self.values[keep],
            part[N][:, pos].sum(axis=1),
            part[N][:, neg].sum(axis=1),
            part[LOSS][:, pos].sum(axis=1),
            part[LOSS][:, neg].sum(axis=1),
            part[SQ][:, pos].sum(axis=1),
            part[SQ][:, neg].sum(axis=1),
        )

    def _kept(self, split: str, rung: str) -> NDArray[np.bool_]:
        """The bins a (split, rung) histogram keeps: all grid bins, or the scores it holds."""
        if self.binning == "grid":
            return np.ones(len(self.values), dtype=bool)
        index = self.splits.index(split)
        return np.asarray(self.hist[rung][N, index].sum(axis=1) > 0)

    def has(self, split: str, rung: str) -> bool:
        return rung in self.hist and split in self.splits

    def histogram(self, split: str, rung: str) -> binstats.BinaryStats:
        cube = self.hist[rung][:, self.splits.index(split)]
        return self._binary(cube, self._kept(split, rung))

    def slice_histograms(self, column: str) -> list[tuple[str, binstats.BinaryStats]]:
        """(value, histogram) of every value of `column` in the chosen rung's test split."""
        keep = self._kept("test", self.chosen)
        cubes = self.slices[column]
        return [
            (value, self._binary(cubes[:, i], keep))
            for i, value in enumerate(self.slice_values[column])
        ]

    def class_counts(self, split: str) -> dict[str, int]:
        row = self.counts[self.splits.index(split)]
        return {t: int(c) for t, c in sorted(zip(self.labels, row, strict=True)) if c}

    def slice_sizes(self, column: str) -> dict[str, int]:
        sizes = self.slice_counts[column].sum(axis=1)
        values = self.slice_values[column]
        return {t: int(c) for t, c in sorted(zip(values, sizes, strict=True)) if c}

    def rows(self, split: str) -> int:
        return int(self.counts[self.splits.index(split)].sum()) if split in self.splits else 0

    def pair(self, a: str, b: str) -> PairStats | None:
        """Rungs a and b on the test rows, truth collapsed to negative/positive."""
        if (a, b) not in self.pairs:
            found = self.pair(b, a) if (b, a) in self.pairs else None
            return found.swapped() if found is not None else None
        cube = self.pairs[(a, b)]
        pos, neg = self._truth()

        def collapse(q: int) -> Array:
            return np.stack([cube[q][neg].sum(axis=0), cube[q][pos].sum(axis=0)])

        return PairStats(
            self.pair_values,
            collapse(0),
            collapse(1),
            collapse(2),
            collapse(3),
            collapse(4),
            self.histogram("test", a),
            self.histogram("test", b),
        )

    def to_frame(self) -> pd.DataFrame:
        """The documented statistics table (docs/analysis.md)."""
        from dsreport.analyse.reduce.table import to_frame

        return to_frame(self)

    def at_gate(self, rung: str, gate: float) -> tuple[int, int, int, int]:
        """(tp, fp, fn, tn) of `rung` on the test split, acting at scores >= gate."""
        tp, fp, fn, tn = binstats.confusion(self.histogram("test", rung), gate)
        return round(tp), round(fp), round(fn), round(tn)


def pairs_needed(rungs: list[str], chosen: str, baseline: str) -> list[tuple[str, str]]:
    """The chosen rung against every other (comparisons), and every rung against the
    baseline (the outcome's change against today), each pair once."""
    out = [(chosen, r) for r in rungs if r != chosen] if chosen in rungs else []
    if baseline in rungs:
        out += [(r, baseline) for r in rungs if r not in (chosen, baseline)]
    return out
