"""One pass over a regression task's predictions, batch by batch, to `RegressionSummary`.

What the analysis reads, all bounded whatever the row count:

- per (split, rung) and per value of each slice column (chosen rung, test split): the
  metric sums of every bootstrap group (`analyse.regression`: the rows themselves while a
  cell holds at most 2,000, then 2,000 groups by the hash of a row's position in the table);
- `ValueCounts` (exact, or logarithmic bins past 50,000 distinct values) of the targets
  of every split and, on the test split, of the chosen rung's predictions, its residuals
  and its predictions where the target reaches each setting's default;
- every rung's decisions at the outcome's gate (target and prediction at or above it),
  jointly with the baseline's, so the change against today is paired on the same rows;
- the chosen rung's residual sample: the `POINTS` test rows with the smallest hash of
  their position (every row while there are at most that many), in table order;
- the chosen rung's test rows (ids, targets, predictions) while at most `ROWS_KEPT`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.analyse import regression
from dsreport.analyse.outcomes import gate_of
from dsreport.analyse.reduce.reducer import Dictionary, _floats
from dsreport.analyse.reduce.regression_cells import GroupCell, add_slices
from dsreport.analyse.reduce.values import Summary, ValueCounts, position_hash
from dsreport.bundle.spec import BundleSpec
from dsreport.load.bins import ROWS_KEPT
from dsreport.load.columns import factor

Array = NDArray[np.float64]
Ints = NDArray[np.int64]
POINTS = 400
Cell = tuple[str, str, str | None, str | None]
"""(split, rung, slice column, slice value); the slice None for the whole split."""


@dataclass
class RegressionCell:
    shift: float
    """y and y² sums are about this target (the cell's first), as `regression.row_sums`."""
    sums: Array
    """groups x len(regression.SUMS)."""

    @property
    def stats(self) -> regression.RegressionStats:
        return regression.RegressionStats(self.sums)


@dataclass
class KeptRows:
    ids: list[str]
    truth: Array
    output: Array


@dataclass
class RegressionSummary:
    splits: list[str]
    cells: dict[Cell, RegressionCell]
    slice_values: dict[str, list[str]]
    values: dict[tuple[str, str], ValueCounts]
    """(quantity, split) -> counts: "label" of every split; on "test", "prediction",
    "residual" and "prediction:<setting>" (rows whose target reaches its default)."""
    decisions: dict[tuple[str, str], Array]
    """(rung, baseline) -> (2, 2, 2) rows by target >= gate, rung acts, baseline acts."""
    points: Array
    """(k, 3): position, target, chosen rung's prediction."""
    test_rows: KeptRows | None = None
    rows_by_split: dict[str, int] = field(default_factory=dict)
    chosen: str = ""


class RegressionReducer:
    def __init__(self, spec: BundleSpec) -> None:
        section = spec.interrogation.predictions
        assert section is not None
        self.section, self.seed = section, spec.interrogation.seed
        self.rungs = {r.id: r.score_column for r in spec.ladder.rungs if r.score_column}
        self.chosen, self.baseline = spec.ladder.chosen, spec.ladder.baseline
        self.gate = gate_of(spec)
        self.defaults = {s.name: s.default for s in spec.system_design.settings}
        self.splits = Dictionary()
        self.slice_dicts = {c: Dictionary() for c in section.slice_columns}
        self.cells: dict[tuple[int, str, str | None, int | None], GroupCell] = {}
        self.values: dict[tuple[str, int], Summary] = {}
        self.decisions = {r: np.zeros((2, 2, 2)) for r in self.rungs}
        self.points = np.zeros((0, 4))  # hash, position, y, yhat
        self.kept: list[tuple[list[str], Array, Array]] = []
        self.keep = self.chosen in self.rungs and section.id_column is not None
        self.offset, self.test_seen = 0, 0
        self.split_rows: dict[int, int] = {}

    def _cell(self, split: int, rung: str, column: str | None, value: int | None) -> GroupCell:
        return self.cells.setdefault((split, rung, column, value), GroupCell())

    def _summary(self, quantity: str, split: int) -> Summary:
        return self.values.setdefault((quantity, split), Summary())

    def add(self, batch: pd.DataFrame) -> None:
        n = len(batch)
        if not n:
            return
        section = self.section
        positions = np.arange(self.offset, self.offset + n, dtype=np.int64)
        self.offset += n
        if section.split_column:
            split = self.splits.codes(batch[section.split_column])
        else:
            self.splits.index.setdefault("test", 0)
            split = np.zeros(n, dtype=np.int64)
        y = _floats(batch[section.label_column])
        outputs = {r: _floats(batch[c]) for r, c in self.rungs.items()}
        test_code = self.splits.index.get("test", -1)
        for code in np.unique(split).tolist():
            sel = split == code
            every = bool(sel.all())
            pos, ys = (positions, y) if every else (positions[sel], y[sel])
            self.split_rows[code] = self.split_rows.get(code, 0) + len(ys)
            self._summary("label", code).add(ys)
            for rung, out in outputs.items():
                self._cell(code, rung, None, None).add(
                    pos, ys, out if every else out[sel], self.seed
                )
            if code == test_code:
                self._test(batch if every else batch[sel], pos, ys, outputs, sel, every)

    def _test(
        self,
        batch: pd.DataFrame,
        pos: Ints,
        y: Array,
        outputs: dict[str, Array],
        sel: NDArray[np.bool_],
        every: bool,
    ) -> None:
        test = self.splits.index["test"]
        outs = {r: (o if every else o[sel]) for r, o in outputs.items()}
        with np.errstate(invalid="ignore"):
            truth = np.asarray(y >= self.gate)
            acted = {r: np.asarray(o >= self.gate) for r, o in outs.items()}
        base = acted.get(self.baseline, np.zeros(len(y), dtype=bool))
        for rung, a in acted.items():
            cells = (truth.astype(np.int64) * 2 + a) * 2 + base
            self.decisions[rung] += np.bincount(cells, minlength=8).reshape(2, 2, 2)
        self.test_seen += len(y)
        if self.chosen not in outs:
            return
        yhat = outs[self.chosen]
        self._summary("prediction", test).add(yhat)
        self._summary("residual", test).add(yhat - y)
        for name, default in self.defaults.items():
            with np.errstate(invalid="ignore"):
                self._summary(f"prediction:{name}", test).add(yhat[y >= default])
        for column, d in self.slice_dicts.items():
            codes = d.codes(batch[column])
            add_slices(
                partial(self._cell, test, self.chosen, column), codes, pos, y, yhat, self.seed
            )
        self._sample(pos, y, yhat)
        self._keep(batch, y, yhat)

    def _sample(self, pos: Ints, y: Array, yhat: Array) -> None:
        """The POINTS rows of smallest (hash, position) so far: only rows whose hash is at
        most the POINTS-th smallest of this batch can enter."""
        h = position_hash(pos, self.seed)
        if len(h) > POINTS:
            keep = h <= np.partition(h, POINTS - 1)[POINTS - 1]
            h, pos, y, yhat = h[keep], pos[keep], y[keep], yhat[keep]
        found = np.column_stack([h, pos, y, yhat]).astype(np.float64)
        points = np.concatenate([self.points, found])
        self.points = points[np.lexsort((points[:, 1], points[:, 0]))[:POINTS]]

    def _keep(self, batch: pd.DataFrame, y: Array, yhat: Array) -> None:
        column = self.section.id_column
        if not self.keep or column not in batch.columns or self.test_seen > ROWS_KEPT:
            self.keep, self.kept = False, []
            return
        codes, texts = factor(batch[column])
        self.kept.append(([texts[c] for c in codes], y, yhat))

    def result(self) -> RegressionSummary:
        names = self.splits.texts
        split_order = [names[i] for i in self.splits.order()]
        slice_names = {c: d.texts for c, d in self.slice_dicts.items()}
        cells: dict[Cell, RegressionCell] = {}
        test = self.splits.index.get("test", -1)
        wanted: list[tuple[int, str, str | None, int | None]]
        wanted = [(c, r, None, None) for c in self.splits.order() for r in self.rungs]
        wanted += [
            (test, self.chosen, col, i) for col, d in self.slice_dicts.items() for i in d.order()
        ]
        for key in wanted:  # splits, then rungs in ladder order, then slices
            if key in self.cells:
                code, rung, column, value = key
                name = names[code] if column is None else "test"
                text = None if column is None or value is None else slice_names[column][value]
                found = self.cells[key]
                cells[(name, rung, column, text)] = RegressionCell(found.shift or 0.0, found.sums())
        slice_values = {c: [d.texts[i] for i in d.order()] for c, d in self.slice_dicts.items()}
        values = {(q, names[s]): summary.result() for (q, s), summary in self.values.items()}
        points = self.points[np.argsort(self.points[:, 1], kind="stable")][:, 1:]
        kept = None
        if self.keep and self.kept:
            kept = KeptRows(
                [i for ids, _, _ in self.kept for i in ids],
                np.concatenate([t for _, t, _ in self.kept]),
                np.concatenate([o for _, _, o in self.kept]),
            )
        decisions = {(r, self.baseline): d for r, d in self.decisions.items() if d.sum()}
        rows = {names[c]: k for c, k in self.split_rows.items()}
        return RegressionSummary(
            split_order, cells, slice_values, values, decisions, points, kept, rows, self.chosen
        )


def reduce_regression(spec: BundleSpec, batches: Iterable[pd.DataFrame]) -> RegressionSummary:
    """The regression statistics in one pass over `batches` (any cut)."""
    reducer = RegressionReducer(spec)
    for batch in batches:
        reducer.add(batch)
    return reducer.result()
