"""One pass over the predictions, batch by batch, to `PredictionStats`.

Each batch costs one `np.bincount` per (histogram, quantity) over a combined index
(split or slice value, score bin, label), so the work is linear in the rows and nothing
per row outlives its batch. Scores are binned exactly while the whole table holds at
most `binstats.EXACT_LIMIT` distinct scores (over every rung); past that, the histograms
so far are re-binned onto the 1/10,000 grid and the pass continues there, so the result
does not depend on how the rows are cut into batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.analyse import binstats
from dsreport.analyse.reduce.model import PredictionStats, TestRows, pairs_needed
from dsreport.analyse.reduce.pairs import pair_bin
from dsreport.bundle.spec import BundleSpec
from dsreport.load.bins import GRID, ROWS_KEPT, grid_index, pair_values
from dsreport.load.columns import MISSING, factor

Array = NDArray[np.float64]
Codes = NDArray[np.int64]


class Dictionary:
    """The texts one column has shown so far; batch codes -> stable global codes."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def codes(self, series: pd.Series) -> Codes:
        codes, texts = factor(series)
        remap = np.array([self.index.setdefault(t, len(self.index)) for t in texts], np.int64)
        return remap[codes] if len(codes) else np.zeros(0, dtype=np.int64)

    @property
    def texts(self) -> list[str]:
        return list(self.index)

    def order(self) -> list[int]:
        return order(self.texts)


def order(texts: list[str]) -> list[int]:
    """Positions of `texts` in the order every table lists them: by text, a missing value
    last (so the order, and each group's bootstrap draws, never depend on the batches or
    on a column's type)."""
    return sorted(range(len(texts)), key=lambda i: (texts[i] == MISSING, texts[i]))


def _floats(series: pd.Series) -> Array:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _grow(arr: Array, axis: int, size: int) -> Array:
    if arr.shape[axis] >= size:
        return arr
    pad = [(0, 0)] * arr.ndim
    pad[axis] = (0, size - arr.shape[axis])
    return np.pad(arr, pad)


class Reducer:
    """Accumulates one batch after another; `result()` gives the `PredictionStats`."""

    def __init__(self, spec: BundleSpec, keep_rows: bool = True) -> None:
        section = spec.interrogation.predictions
        assert section is not None
        self.section = section
        self.positive = spec.interrogation.positive_label
        self.threshold = spec.interrogation.operating_threshold
        self.rungs = {r.id: r.score_column for r in spec.ladder.rungs if r.score_column}
        self.chosen = spec.ladder.chosen
        self.pairs = pairs_needed(list(self.rungs), self.chosen, spec.ladder.baseline)
        self.pair_values = pair_values(self.threshold)
        self.splits, self.labels = Dictionary(), Dictionary()
        self.slice_dicts = {c: Dictionary() for c in section.slice_columns}
        self.binning = "exact"
        self.values = np.zeros(0, dtype=np.float64)
        k = len(self.pair_values)
        self.hist = {r: np.zeros((3, 0, 0, 0)) for r in self.rungs}
        self.slices = {c: np.zeros((3, 0, 0, 0)) for c in section.slice_columns}
        self.counts = np.zeros((0, 0))
        self.slice_counts = {c: np.zeros((0, 0)) for c in section.slice_columns}
        self.joint = {p: np.zeros((5, 0, k, k)) for p in self.pairs}
        self.keep_rows = keep_rows and self.chosen in self.rungs
        self.kept: list[tuple[list[str], Codes, Array]] = []
        self.test_seen = 0

    # --- bins ------------------------------------------------------------------------------

    def _bins(self, scores: dict[str, Array]) -> dict[str, Codes]:
        if self.binning == "exact":
            new = [s[~self._known(s)] for s in scores.values()]
            fresh = np.unique(np.concatenate(new)) if any(len(n) for n in new) else None
            if fresh is not None:
                union = np.union1d(self.values, fresh)
                if len(union) > binstats.EXACT_LIMIT:
                    self._to_grid()
                else:
                    self._reindex(union)
        if self.binning == "grid":
            return {r: grid_index(s) for r, s in scores.items()}
        return {r: np.searchsorted(self.values, s).astype(np.int64) for r, s in scores.items()}

    def _known(self, s: Array) -> NDArray[np.bool_]:
        if not len(self.values):
            return np.zeros(len(s), dtype=bool)
        at = np.minimum(np.searchsorted(self.values, s), len(self.values) - 1)
        return np.asarray(self.values[at] == s)

    def _reindex(self, union: Array) -> None:
        where = np.searchsorted(union, self.values)
        size = len(union)

        def move(arr: Array) -> Array:
            out = np.zeros((*arr.shape[:2], size, arr.shape[3]))
            if arr.shape[2]:  # else never filled (no scores for it yet)
                out[:, :, where, :] = arr
            return out

        self.hist = {r: move(a) for r, a in self.hist.items()}
        self.slices = {c: move(a) for c, a in self.slices.items()}
        self.values = union

    def _to_grid(self) -> None:
        target = grid_index(self.values)
        size = GRID + 1

        def move(arr: Array) -> Array:
            out = np.zeros((*arr.shape[:2], size, arr.shape[3]))
            if arr.shape[2]:
                index: Any = (slice(None), slice(None), target)
                np.add.at(out, index, arr)
            return out

        self.hist = {r: move(a) for r, a in self.hist.items()}
        self.slices = {c: move(a) for c, a in self.slices.items()}
        self.binning = "grid"
        self.values = np.arange(size, dtype=np.float64) / GRID

    # --- one batch -------------------------------------------------------------------------

    def add(self, batch: pd.DataFrame) -> None:
        n = len(batch)
        if n == 0:
            return
        section = self.section
        if section.split_column:
            split = self.splits.codes(batch[section.split_column])
        else:
            self.splits.index.setdefault("test", 0)
            split = np.zeros(n, dtype=np.int64)
        label = self.labels.codes(batch[section.label_column])
        slices = {c: d.codes(batch[c]) for c, d in self.slice_dicts.items()}
        S, L = len(self.splits.index), len(self.labels.index)
        test_code = self.splits.index.get("test", -1)
        test = split == test_code
        all_test = bool(test.all())
        y = label == self.labels.index.get(self.positive or "", -1)
        scores = {r: _floats(batch[c]) for r, c in self.rungs.items()}
        bins = self._bins(scores)
        B = len(self.values)

        self.counts = _grow(_grow(self.counts, 0, S), 1, L)
        self.counts += np.bincount(split * L + label, minlength=S * L).reshape(S, L)
        for column, codes in slices.items():
            V = len(self.slice_dicts[column].index)
            counts = _grow(_grow(self.slice_counts[column], 0, V), 1, L)
            index = _tested(codes * L + label, test, all_test, V * L)
            counts += _sums(index, V * L).reshape(V, L)
            self.slice_counts[column] = counts

        losses = {r: binstats.row_losses(y, s) for r, s in scores.items()}
        for rung in self.rungs:
            loss, sq = losses[rung]
            hist = _grow(_grow(_grow(self.hist[rung], 1, S), 2, B), 3, L)
            index = (split * B + bins[rung]) * L + label
            for q, weights in enumerate((None, loss, sq)):
                hist[q] += np.bincount(index, weights=weights, minlength=S * B * L).reshape(S, B, L)
            self.hist[rung] = hist
            if rung != self.chosen:
                continue
            for column, codes in slices.items():
                V = len(self.slice_dicts[column].index)
                cube = _grow(_grow(_grow(self.slices[column], 1, V), 2, B), 3, L)
                index = _tested((codes * B + bins[rung]) * L + label, test, all_test, V * B * L)
                for q, weights in enumerate((None, loss, sq)):
                    cube[q] += _sums(index, V * B * L, weights).reshape(V, B, L)
                self.slices[column] = cube
        self._add_pairs(scores, losses, label, test, all_test, L)
        self._keep(batch, label, scores, test, all_test)

    def _add_pairs(
        self,
        scores: dict[str, Array],
        losses: dict[str, tuple[Array, Array]],
        label: Codes,
        test: NDArray[np.bool_],
        all_test: bool,
        L: int,
    ) -> None:
        if not self.pairs:
            return
        k = len(self.pair_values)
        cells = {r: pair_bin(s, self.threshold, self.pair_values) for r, s in scores.items()}
        for a, b in self.pairs:
            joint = _grow(self.joint[(a, b)], 1, L)
            index = _tested((label * k + cells[a]) * k + cells[b], test, all_test, L * k * k)
            weights = (None, *losses[a], *losses[b])
            for q, w in enumerate(weights):
                joint[q] += _sums(index, L * k * k, w).reshape(L, k, k)
            self.joint[(a, b)] = joint

    def _keep(
        self,
        batch: pd.DataFrame,
        label: Codes,
        scores: dict[str, Array],
        test: NDArray[np.bool_],
        all_test: bool,
    ) -> None:
        """The chosen rung's test rows, while there are at most ROWS_KEPT of them."""
        count = int(test.sum())
        self.test_seen += count
        if not self.keep_rows or self.section.id_column not in batch.columns:
            self.keep_rows = False
        if not self.keep_rows or self.test_seen > ROWS_KEPT:
            self.keep_rows, self.kept = False, []
            return
        if not count:
            return
        ids = batch[self.section.id_column]
        chosen = scores[self.chosen]
        if not all_test:
            ids, label, chosen = ids[test], label[test], chosen[test]
        codes, texts = factor(ids)
        self.kept.append(([texts[c] for c in codes], label, chosen))

    # --- the result ------------------------------------------------------------------------

    def result(self) -> PredictionStats:
        split_order = self.splits.order()
        label_order = self.labels.order()
        values = self.values
        hist = {}
        for rung, arr in self.hist.items():
            arr = _grow(_grow(_grow(arr, 1, len(split_order)), 2, len(values)), 3, len(label_order))
            hist[rung] = arr[:, split_order][:, :, :, label_order]
        slices, slice_values, slice_counts = {}, {}, {}
        for column, d in self.slice_dicts.items():
            order = d.order()
            slice_values[column] = [d.texts[i] for i in order]
            counts = _grow(_grow(self.slice_counts[column], 0, len(order)), 1, len(label_order))
            slice_counts[column] = counts[order][:, label_order]
            if self.chosen in self.rungs:
                arr = self.slices[column]
                arr = _grow(_grow(_grow(arr, 1, len(order)), 2, len(values)), 3, len(label_order))
                slices[column] = arr[:, order][:, :, :, label_order]
        counts = _grow(_grow(self.counts, 0, len(split_order)), 1, len(label_order))
        joint = {p: _grow(a, 1, len(label_order))[:, label_order] for p, a in self.joint.items()}
        rows = None
        if self.keep_rows and self.chosen in self.rungs:
            texts = self.labels.texts
            rows = TestRows(
                [i for ids, _, _ in self.kept for i in ids],
                [texts[c] for _, labels, _ in self.kept for c in labels.tolist()],
                np.concatenate([s for _, _, s in self.kept]) if self.kept else np.zeros(0),
            )
        return PredictionStats(
            binning=self.binning,
            values=values,
            labels=[self.labels.texts[i] for i in label_order],
            positive=self.positive,
            splits=[self.splits.texts[i] for i in split_order],
            chosen=self.chosen,
            threshold=self.threshold,
            hist=hist,
            slice_values=slice_values,
            slices=slices,
            counts=counts[split_order][:, label_order],
            slice_counts=slice_counts,
            pair_values=self.pair_values,
            pairs=joint,
            test_rows=rows,
        )


def _tested(index: Codes, test: NDArray[np.bool_], all_test: bool, size: int) -> Codes:
    """`index` on the test rows; every other row goes to one extra cell, `size`."""
    return index if all_test else np.where(test, index, size)


def _sums(index: Codes, size: int, weights: Any = None) -> Array:
    """Count (or sum of `weights`) of each cell below `size`; the extra cell is dropped."""
    return np.bincount(index, weights=weights, minlength=size + 1)[:size].astype(np.float64)


def reduce_rows(
    spec: BundleSpec, batches: Iterable[pd.DataFrame], keep_rows: bool = True
) -> PredictionStats:
    """The predictions' sufficient statistics, in one pass over `batches` (any cut)."""
    reducer = Reducer(spec, keep_rows)
    for batch in batches:
        reducer.add(batch)
    return reducer.result()
