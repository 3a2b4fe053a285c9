"""Repeated ids are found without pyarrow too (the parquet extra is optional)."""

from __future__ import annotations

import builtins
from typing import Any

import pandas as pd
import pytest

from dsreport.load.tablechecks import duplicated


@pytest.mark.parametrize("arrow", [True, False])
def test_repeated_ids_are_found_with_or_without_pyarrow(
    arrow: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not arrow:
        real = builtins.__import__

        def no_arrow(name: str, *args: Any, **kwargs: Any) -> Any:
            if name.partition(".")[0] == "pyarrow":
                raise ImportError("No module named 'pyarrow'")
            return real(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", no_arrow)
    ids = pd.Series(["a1", "b22", None, "a1", "c", None], dtype="object")
    assert duplicated(ids).tolist() == [False, False, False, True, False, True]
    assert not duplicated(pd.Series(["x", "yy", "zzz"])).any()


@pytest.mark.parametrize("expected", [0, 5, 9, 20])
def test_id_tally_finds_the_same_repeats_whatever_row_count_it_was_told(expected: int) -> None:
    from dsreport.load.rowchecks import IdTally, id_hashes

    batches = [["a", "b", "c"], ["d", "a", "e"], ["f", "g", "d"]]
    tally = IdTally(expected=expected)
    for batch in batches:
        tally.update(pd.Series(batch, dtype="object"))
    assert tally.rows == 9
    assert sorted(tally.repeated().tolist()) == sorted(
        id_hashes(pd.Series(["a", "d"], dtype="object")).tolist()
    )
