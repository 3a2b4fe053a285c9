"""Bounded, mergeable summaries of numbers that do not depend on how rows are batched.

`ValueCounts`: every distinct value with its count while a column holds at most
`EXACT_VALUES` of them (so its quantiles are numpy's, to the bit), else counts on
logarithmic bins of relative width `ACCURACY` (a value is read as its bin's middle,
within 0.01% of it; each quantile is then within 0.01% of a value between the two rows
numpy interpolates), each bin twice as wide while there would be more than `MAX_BINS`.
Both depend only on the set of values seen, never on the order or the cut of the rows.

`position_hash`: a row's 31-bit hash from its position in the whole table, in integer
arithmetic an SQL engine repeats bit for bit (a product never passes 2**62).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dsreport.analyse import binstats

Array = NDArray[np.float64]
Ints = NDArray[np.int64]
EXACT_VALUES = 50_000
ACCURACY = 1e-4
MAX_BINS = 100_000
GAMMA = (1 + ACCURACY) / (1 - ACCURACY)
OFFSET = 1 << 42
"""Bin codes: sign * (k + OFFSET), 0 for zero; codes ascend with the values."""
MASK = (1 << 31) - 1
MIX = (0x2C1B3C6D, 0x297A2D39, 0x45D9F3B)


def position_hash(positions: Ints, seed: int) -> Ints:
    """31-bit hash of each row position (taken modulo 2**31) and the analysis seed."""
    h = (np.asarray(positions, dtype=np.int64) & MASK) ^ ((seed * MIX[2]) & MASK)
    h = ((h ^ (h >> 15)) * MIX[0]) & MASK
    h = ((h ^ (h >> 12)) * MIX[1]) & MASK
    return np.asarray(h ^ (h >> 15), dtype=np.int64)


def bin_codes(values: Array, level: int = 0) -> Ints:
    """The logarithmic bin of each value (nonzero, finite) at `level`."""
    mag = np.abs(values)
    safe = np.where(mag > 0, mag, 1.0)
    k = np.ceil(np.log(safe) / math.log(GAMMA)).astype(np.int64)
    k = -((-k) >> level)  # ceil(k / 2**level): a coarser bin holds whole finer bins
    return np.where(mag > 0, np.sign(values).astype(np.int64) * (k + OFFSET), 0)


def _coarser(codes: Ints) -> Ints:
    sign = np.sign(codes)
    k = np.abs(codes) - OFFSET
    return np.where(codes != 0, sign * (-((-k) >> 1) + OFFSET), 0)


def bin_middles(codes: Ints, level: int) -> Array:
    """The value each bin stands for: the middle of [g**(k-1), g**k] (relative error
    at most (g - 1) / (g + 1)), with the sign."""
    g = GAMMA ** (1 << level)
    k = (np.abs(codes) - OFFSET).astype(np.float64)
    middle = np.exp(k * math.log(g)) * 2 / (g + 1)
    return np.where(codes != 0, np.sign(codes) * middle, 0.0)


@dataclass
class ValueCounts:
    """Ascending values (or bin middles) and how many rows each stands for."""

    values: Array
    counts: Array
    level: int = -1
    """-1: every distinct value exact; else the logarithmic bins' level."""

    @property
    def n(self) -> int:
        return round(float(self.counts.sum()))

    def quantiles(self, q: list[float]) -> list[float]:
        if not self.n:
            return []
        found = binstats.quantiles(self.values, self.counts, np.asarray(q, dtype=np.float64))
        return [float(x) for x in found[0]]

    def total(self) -> float:
        return float(np.dot(self.values, self.counts))

    def at_least(self, value: float) -> int:
        return round(float(self.counts[self.values >= value].sum()))


def _counted(codes: Ints) -> tuple[Ints, Array]:
    """Distinct bin codes, ascending, and their counts: one bincount per sign (a sign's
    codes are close together), a sort only where they are not."""
    keys, counts = [], []
    for part in (codes[codes < 0], codes[codes == 0], codes[codes > 0]):
        if not len(part):
            continue
        low = int(part.min())
        if int(part.max()) - low <= 4 * len(part):
            found = np.bincount(part - low)
            where = np.flatnonzero(found)
            keys.append(where + low)
            counts.append(found[where])
        else:
            distinct, many = np.unique(part, return_counts=True)
            keys.append(distinct)
            counts.append(many)
    return np.concatenate(keys), np.concatenate(counts).astype(np.float64)


class Summary:
    """Accumulates `ValueCounts` over batches (non-finite values are left out)."""

    def __init__(self) -> None:
        self.level = -1
        self.keys: Any = np.zeros(0, dtype=np.float64)  # exact values, or bin codes (int64)
        self.counts: Any = np.zeros(0, dtype=np.float64)

    def add(self, values: Array) -> None:
        values = values[np.isfinite(values)]
        if not len(values):
            return
        if self.level < 0:
            keys, counts = np.unique(values, return_counts=True)
            self._merge(keys, counts.astype(np.float64))
            if len(self.keys) > EXACT_VALUES:
                self.level = 0
                self._rekey(bin_codes(self.keys, 0))
        else:
            self._merge(*_counted(bin_codes(values, self.level)))
        while self.level >= 0 and len(self.keys) > MAX_BINS:
            self.level += 1
            self._rekey(_coarser(self.keys.astype(np.int64)))

    def _merge(self, keys: Array | Ints, counts: Array) -> None:
        union = np.union1d(self.keys, keys)
        merged = np.zeros(len(union))
        merged[np.searchsorted(union, self.keys)] += self.counts  # each side's keys distinct
        merged[np.searchsorted(union, keys)] += counts
        self.keys, self.counts = union, merged

    def _rekey(self, codes: Ints) -> None:
        keys, where = np.unique(codes, return_inverse=True)
        self.counts = np.bincount(where, weights=self.counts, minlength=len(keys))
        self.keys = keys

    def result(self) -> ValueCounts:
        if self.level < 0:
            return ValueCounts(self.keys.astype(np.float64), self.counts.copy())
        codes = self.keys.astype(np.int64)
        return ValueCounts(bin_middles(codes, self.level), self.counts.copy(), self.level)


def merged(values: Array, counts: Array, level: int = -1) -> ValueCounts:
    """`ValueCounts` of (value, count) pairs in any order, equal values summed."""
    keys, where = np.unique(values, return_inverse=True)
    sums: Array = np.bincount(where, weights=counts, minlength=len(keys)).astype(np.float64)
    return ValueCounts(keys, sums, level)
