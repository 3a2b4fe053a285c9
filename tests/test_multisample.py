"""A group's probability sample is the rows first in the sample order (position hash, then
position), in table order, however the rows arrive in batches."""

from __future__ import annotations

import numpy as np
import pytest

from dsreport.analyse.reduce import multisample
from dsreport.analyse.reduce.multisample import Sample, sample_order


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
