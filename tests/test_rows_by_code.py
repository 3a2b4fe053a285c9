"""`rows_by_code` sorts small codes as 16-bit integers; the order must be a stable sort's."""

from __future__ import annotations

import numpy as np
import pytest

from dsreport.load.columns import rows_by_code


@pytest.mark.parametrize("values", [1, 3, 17, 2**15 - 1, 2**15, 70_000])
def test_the_order_is_a_stable_sorts_of_the_codes(values: int) -> None:
    codes = np.random.default_rng(values).integers(0, values, 50_000).astype(np.int32)
    codes[-1] = values - 1  # the largest code present
    assert np.array_equal(rows_by_code(codes), np.argsort(codes, kind="stable"))


def test_no_rows() -> None:
    assert rows_by_code(np.zeros(0, dtype=np.int32)).tolist() == []
