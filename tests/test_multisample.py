"""A group's probability sample is the rows first in the sample order (position hash, then
position), in table order, however the rows arrive in batches."""

from __future__ import annotations

import numpy as np
import pytest

from dsreport.analyse.reduce import multisample, probastore
from dsreport.analyse.reduce.multisample import Sample, sample_order
from dsreport.analyse.reduce.probastore import ProbaStore


@pytest.mark.parametrize("cuts", [1, 7, 50, 400])
def test_sample_keeps_the_smallest_hashes_in_table_order(
    cuts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(multisample, "BOUND", 40)
    rng = np.random.default_rng(3)
    positions = np.flatnonzero(rng.random(3_000) < 0.4).astype(np.int64)  # one group's rows
    truth = rng.integers(0, 3, len(positions)).astype(np.int64)
    proba = rng.random((len(positions), 3))
    sample = Sample()
    for part in np.array_split(np.arange(len(positions)), cuts):
        sample.add(positions[part], truth[part], {"m": proba[part]})
    wanted = np.sort(np.argsort(sample_order(positions))[:40])
    kept_truth, kept = sample.rows()
    assert sample.seen == len(positions) and not sample.exact
    assert kept_truth.tolist() == truth[wanted].tolist()
    assert np.array_equal(kept["m"], proba[wanted])
    assert sample.held == 40


@pytest.mark.parametrize("slack", [0, 50, 10_000])
def test_samples_sharing_a_store_keep_what_each_would_keep_alone(
    slack: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three columns' values over the same rows, each value's sample with its probabilities
    in one store: every sample gives the rows and probabilities a sample of its own gives,
    and the store keeps only rows some sample holds (and every one of them)."""
    monkeypatch.setattr(multisample, "BOUND", 40)
    monkeypatch.setattr(probastore, "SLACK", slack)
    rng = np.random.default_rng(5)
    n = 4_000
    positions = np.arange(n, dtype=np.int64)
    truth = rng.integers(0, 3, n).astype(np.int64)
    proba = rng.random((n, 3))
    values = [rng.integers(0, m, n) for m in (2, 5, 60)]  # 60 values: some stay under 40 rows
    shared: list[dict[int, Sample]] = [{}, {}, {}]
    alone: list[dict[int, Sample]] = [{}, {}, {}]

    def bars() -> list[np.ndarray]:
        return [
            np.array([probastore.OPEN if s.bar is None else s.bar for s in column.values()])
            for column in shared
        ]

    store = ProbaStore(3, bars)
    compactions = []
    original = store._compact

    def counted() -> None:
        original()
        compactions.append(store.live)

    monkeypatch.setattr(store, "_compact", counted)
    for part in np.array_split(positions, 13):
        entered = np.zeros(len(part), dtype=bool)
        numbers = np.zeros((len(part), 3), dtype=np.int32)
        for column, codes in enumerate(values):
            for value in np.unique(codes[part]).tolist():
                at = np.flatnonzero(codes[part] == value)
                rows = part[at]
                if value not in shared[column]:
                    shared[column][value] = Sample(store=store, rung="m")
                    alone[column][value] = Sample()
                alone[column][value].add(rows, truth[rows], {"m": proba[rows]})
                sample = shared[column][value]
                under = sample.admit(rows)
                kept = at if under is None else at[under]
                sample.keep(part[kept], truth[part[kept]], {})
                entered[kept] = True
                numbers[at, column] = list(shared[column]).index(value)
        rows = np.flatnonzero(entered)
        store.add(part[rows], proba[part[rows]], numbers[rows])
    assert bool(compactions) == (slack < n)  # and then rows were dropped:
    assert all(live < n for live in compactions[-3:])
    for column, samples in enumerate(shared):
        for value, sample in samples.items():
            got, expected = sample.kept(), alone[column][value].kept()
            assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
            assert np.array_equal(got[2]["m"], expected[2]["m"])
