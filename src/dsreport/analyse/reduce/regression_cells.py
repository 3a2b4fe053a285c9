"""The bootstrap groups of one regression cell, built batch by batch: the rows themselves
while the cell holds at most `GROUPS`, then `GROUPS` groups by the hash of each row's
position; and every value of a slice column at once, one bincount per sum for the values
whose cells are grouped (so eight slice columns cost little more than one)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse import regression
from dsreport.analyse.reduce.values import position_hash
from dsreport.load.columns import rows_by_code

Array = NDArray[np.float64]
Ints = NDArray[np.int64]
GROUPS = regression.GROUPS
SHIFTED = (6, 7)
"""Sums (columns of `regression.row_sums`, items of `row_columns`) that are about the
cell's shift: y and y²."""


class GroupCell:
    def __init__(self) -> None:
        self.shift: float | None = None
        self.rows: list[Array] = []
        self.positions: list[Ints] = []
        self.groups: Array | None = None
        self.n = 0

    def add(self, positions: Ints, y: Array, yhat: Array, seed: int) -> None:
        if not len(y):
            return
        if self.shift is None:
            self.shift = float(y[0])
        self.n += len(y)
        if self.groups is not None:
            columns = regression.row_columns(y, yhat, self.shift)
            self.groups += regression.group_columns(columns, positions, seed)
            return
        self.rows.append(regression.row_sums(y, yhat, self.shift))
        self.positions.append(positions)
        if self.n <= GROUPS:
            return
        rows, positions = np.concatenate(self.rows), np.concatenate(self.positions)
        self.rows, self.positions = [], []
        self.groups = np.zeros((GROUPS, len(regression.SUMS)))
        self.groups += regression.group_sums(rows, positions, seed)

    def fold(self, seed: int) -> Array:
        """The groups, the rows kept so far dealt into them first."""
        if self.groups is None:
            self.groups = np.zeros((GROUPS, len(regression.SUMS)))
            if self.rows:
                rows, positions = np.concatenate(self.rows), np.concatenate(self.positions)
                self.groups += regression.group_sums(rows, positions, seed)
            self.rows, self.positions = [], []
        return self.groups

    def sums(self) -> Array:
        return self.groups if self.groups is not None else np.concatenate(self.rows)


def add_slices(
    cell: Callable[[int], GroupCell],
    codes: Ints,
    positions: Ints,
    y: Array,
    yhat: Array,
    seed: int,
) -> None:
    """One batch of a slice column (`codes`: each row's value) into `cell(value)`: values
    whose cell stays small row by row, the others with one bincount per sum."""
    counts = np.bincount(codes)
    present = np.flatnonzero(counts).tolist()
    order: Ints | None = None  # each value's rows; needed only while a value has no groups
    if any(cell(value).groups is None for value in present):
        order = rows_by_code(codes)
    starts = np.cumsum(counts) - counts
    shifts = np.zeros(len(counts))
    grouped = np.zeros(len(counts), dtype=bool)
    for value in present:
        found = cell(value)
        if found.groups is None:
            assert order is not None
            rows = order[starts[value] : starts[value] + counts[value]]
            if found.n + counts[value] <= GROUPS:
                found.add(positions[rows], y[rows], yhat[rows], seed)
                continue
            if found.shift is None:
                found.shift = float(y[rows[0]])
        assert found.shift is not None
        shifts[value], grouped[value] = found.shift, True
    if not grouped.any():
        return
    take = grouped[codes]
    codes, positions, y, yhat = codes[take], positions[take], y[take], yhat[take]
    sums = regression.row_columns(y, yhat, 0.0)
    shifted = y - shifts[codes]
    sums[SHIFTED[0]], sums[SHIFTED[1]] = shifted, shifted**2
    index = codes * GROUPS + position_hash(positions, seed) % GROUPS
    size = len(counts) * GROUPS
    by_value = np.stack(
        [np.bincount(index, weights=column, minlength=size) for column in sums], axis=1
    ).reshape(len(counts), GROUPS, -1)
    for value in np.flatnonzero(grouped).tolist():
        found = cell(value)
        found.fold(seed)
        assert found.groups is not None
        found.groups += by_value[value]
        found.n += int(counts[value])
