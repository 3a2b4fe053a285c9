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
    and the store drops the rows no sample holds any more."""
    monkeypatch.setattr(multisample, "BOUND", 40)
    monkeypatch.setattr(probastore, "SLACK", slack)
    rng = np.random.default_rng(5)
    n = 4_000
    positions = np.arange(n, dtype=np.int64)
    truth = rng.integers(0, 3, n).astype(np.int64)
    proba = rng.random((n, 3))
    values = [rng.integers(0, m, n) for m in (2, 5, 60)]  # 60 values: some stay under 40 rows
    store = ProbaStore(3)
    shared: dict[tuple[int, int], Sample] = {}
    alone: dict[tuple[int, int], Sample] = {}
    for part in np.array_split(positions, 13):
        holders = np.zeros(len(part), dtype=np.int32)
        for column, codes in enumerate(values):
            for value in np.unique(codes[part]).tolist():
                at = np.flatnonzero(codes[part] == value)
                rows = part[at]
                if (column, value) not in shared:
                    shared[column, value] = Sample(store=store, rung="m")
                    alone[column, value] = Sample()
                alone[column, value].add(rows, truth[rows], {"m": proba[rows]})
                sample = shared[column, value]
                under = sample.admit(rows)
                kept = at if under is None else at[under]
                sample.keep(part[kept], truth[part[kept]], {})
                holders[kept] += 1
        entered = np.flatnonzero(holders)
        store.add(part[entered], proba[part[entered]], holders[entered])
    for key, sample in shared.items():
        got, expected = sample.kept(), alone[key].kept()
        assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
        assert np.array_equal(got[2]["m"], expected[2]["m"])
    store._compact()
    held = np.unique(np.concatenate([s.kept()[0] for s in shared.values()]))
    assert np.array_equal(store.positions, held)  # every row some sample holds, no other
