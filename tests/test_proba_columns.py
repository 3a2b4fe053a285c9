"""Validation of a multiclass rung's per-class probability columns (`proba_prefix`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis_helpers import MulticlassData, multiclass_data, multiclass_frame, spec, write_bundle
from dsreport.load.loader import collect_problems


@pytest.fixture(scope="module")
def digits() -> MulticlassData:
    return multiclass_data()


def problems(
    tmp_path: Path, frame: pd.DataFrame, spec_dict: dict[str, Any] | None = None
) -> list[str]:
    root = write_bundle(tmp_path / "b", spec_dict or spec("multiclass"), frame)
    return [
        p.format() + (f"\n  hint: {p.hint}" if p.hint else "")
        for p in collect_problems(root)
        if p.severity == "error"
    ]


def test_probabilities_that_sum_to_one_are_accepted(digits: MulticlassData, tmp_path: Path) -> None:
    frame = multiclass_frame(digits)
    for k in range(10):  # three decimals: rows sum to 1 within a few thousandths
        frame[f"proba_lr_{k}"] = frame[f"proba_lr_{k}"].round(3)
    assert problems(tmp_path, frame) == []


def test_rows_that_do_not_sum_to_one_are_refused(digits: MulticlassData, tmp_path: Path) -> None:
    frame = multiclass_frame(digits)
    columns = [f"proba_lr_{k}" for k in range(10)]
    frame.loc[3, columns] *= 0.5
    smallest = frame.loc[7, columns].astype(float).idxmin()
    frame.loc[7, smallest] += 0.02
    sums = frame[columns].sum(axis=1)
    assert sums[3] == pytest.approx(0.5) and sums[7] == pytest.approx(1.02)
    hint = (
        "  hint: a row's probabilities must sum to 1 (within ±0.01, which is renormalised): "
        "export predict_proba, or apply a softmax to raw scores"
    )
    assert problems(tmp_path, frame) == [
        f"error: data/predictions.csv:5: proba_lr_*: row sum '{sums[3]:.4g}' of "
        f"proba_lr_<class> is not 1\n{hint}",
        f"error: data/predictions.csv:9: proba_lr_*: row sum '{sums[7]:.4g}' of "
        f"proba_lr_<class> is not 1\n{hint}",
    ]


def test_cells_outside_zero_one_are_refused_before_sums(
    digits: MulticlassData, tmp_path: Path
) -> None:
    frame = multiclass_frame(digits)
    frame["proba_nb_4"] = frame["proba_nb_4"].astype(object)
    frame.loc[0, "proba_nb_4"] = 1.5
    frame.loc[1, "proba_nb_4"] = "high"
    assert problems(tmp_path, frame) == [
        "error: data/predictions.csv:2: proba_nb_4: score '1.5' is outside [0, 1]\n"
        "  hint: per-class probabilities lie in [0, 1]",
        "error: data/predictions.csv:3: proba_nb_4: 'high' is not a number",
    ]


def test_missing_probability_columns_are_named(digits: MulticlassData, tmp_path: Path) -> None:
    frame = multiclass_frame(digits).drop(columns=["proba_lr_3", "proba_lr_9"])
    found = problems(tmp_path, frame)
    assert len(found) == 1
    assert found[0].startswith("error: dsreport.yaml:")
    assert found[0].endswith(
        ": ladder.rungs[1].proba_prefix: 2 of the 10 probability columns 'proba_lr_<class>' "
        "are not in data/predictions.csv: proba_lr_3, proba_lr_9\n"
        "  hint: each declared class needs its column, proba_lr_<class>"
    )


def test_a_wrong_prefix_is_one_problem(digits: MulticlassData, tmp_path: Path) -> None:
    s = spec("multiclass")
    s["ladder"]["rungs"][0]["proba_prefix"] = "p_nb_"
    found = problems(tmp_path, multiclass_frame(digits), s)
    assert len(found) == 1
    assert "10 of the 10 probability columns 'p_nb_<class>' are not in" in found[0]
    assert found[0].endswith(
        "p_nb_0, p_nb_1, p_nb_2, p_nb_3, p_nb_4, ...\n  hint: did you mean 'proba_nb_'?"
    )
