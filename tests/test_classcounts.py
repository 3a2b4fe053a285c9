"""`ClassCounts` adds the slice values' class histograms chunks at a time: the counts must
be those of each chunk counted at once, whenever it flushes."""

from __future__ import annotations

import numpy as np
import pytest

from dsreport.analyse.reduce import classcounts
from dsreport.analyse.reduce.classcounts import ClassCounts
from dsreport.analyse.reduce.multiproba import SIZE, ProbaSums


@pytest.mark.parametrize("flush", [1, 60_000, 10**9])
def test_counts_equal_each_values_own_bincount(flush: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classcounts, "FLUSH_BYTES", flush)
    k, rng = 3, np.random.default_rng(5)
    sums: dict[tuple[str, int], ProbaSums] = {}
    expected: dict[tuple[str, int], np.ndarray] = {}
    counts = ClassCounts(k, lambda column, number: sums[column, number])
    for rows in (1_000, 1, 2_500, 400):
        side = rng.integers(0, 2, (rows, k))
        cells = (np.arange(k)[None, :] * 2 + side) * SIZE + rng.integers(0, SIZE, (rows, k))
        numbers = {"a": rng.integers(0, 3, rows).astype(np.int32)}
        numbers["b"] = np.full(rows, 4 if rows == 1 else 1, dtype=np.int32)  # 4: one row
        if rows != 1_000:  # counted here from the second chunk on
            numbers["c"] = rng.integers(0, 2, rows).astype(np.int32)
        for column, found in numbers.items():
            for number in np.unique(found).tolist():
                key = (column, number)
                sums.setdefault(key, ProbaSums.empty(k))
                at = cells[found == number].ravel()
                add = np.bincount(at, minlength=k * 2 * SIZE).reshape(k, 2, SIZE)
                expected[key] = expected.get(key, 0) + add
        counts.add(cells, numbers)
    counts.flush()
    assert sorted(sums) == [("a", 0), ("a", 1), ("a", 2), ("b", 1), ("b", 4), ("c", 0), ("c", 1)]
    for key, got in sums.items():
        assert np.array_equal(got.classes, expected[key]), key
    assert counts.cells == [] and counts.pending == 0


def test_a_column_fits_while_its_values_counts_fit_in_one_array() -> None:
    counts = ClassCounts(10, lambda column, number: ProbaSums.empty(10))
    width = 10 * 2 * SIZE
    limit = classcounts.BY_VALUE_CELLS // width
    assert counts.fits(limit) and not counts.fits(limit + 1)
