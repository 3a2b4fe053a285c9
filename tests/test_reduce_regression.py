"""The regression analysis from its reducer: the same facts whether the rows are read in
memory, streamed in small batches, handed over as a statistics table, or reduced by the
documented SQL in DuckDB."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dsreport.analyse.predictions import regression_summary
from dsreport.analyse.reduce.regression import RegressionSummary, reduce_regression
from dsreport.analyse.reduce.regression_sql import regression_sql
from dsreport.analyse.reduce.regression_table import to_frame
from dsreport.analyse.reduce.values import EXACT_VALUES, Summary
from dsreport.load.loader import LoadOptions, load_bundle
from helpers import EXAMPLES, edit_yaml
from test_reduce import (
    IDENTITY,
    ROW_ONLY,
    _errors,
    _write,
    as_statistics,
    differences,
    facts,
    only,
    parquet,
    streamed,
)

EXAMPLE = EXAMPLES / "disease-progression"
TEXT = ("id", "split", "age_band", "sex_group")


def duckdb_statistics(spec: Any, rows: Path, binning: str) -> pd.DataFrame:
    """The documented queries run by DuckDB, each row's position its row number in the file."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW predictions AS SELECT * FROM read_parquet('{rows}', file_row_number=true)"
    )
    queries = regression_sql(spec, "duckdb", binning, position="file_row_number")
    return pd.concat([con.execute(q).df() for q in queries.values()], ignore_index=True)


def check_all_paths(
    root: Path, tmp_path: Path, predictions: str, group: int, lost: list[str]
) -> RegressionSummary:
    """(a) in memory, (b) streamed in batches of `group` rows, (c) the statistics table,
    (d) DuckDB running the SQL: the same facts, but for the row-only facts `lost` in (c), (d)."""
    bundle = load_bundle(root, LoadOptions(stream_rows=None))
    spec = bundle.spec
    assert bundle.predictions is not None
    frame = bundle.predictions.frame
    numbers = [c for c in frame.columns if c not in TEXT]
    memory = facts(bundle)
    rows = parquet(frame, tmp_path / "rows.parquet", numbers, group)
    assert differences(memory, facts(streamed(bundle, rows, group))) == []
    summary = regression_summary(spec, bundle.predictions)
    table = as_statistics(root, to_frame(summary), tmp_path / "statistics", predictions)
    from_table = facts(load_bundle(table), predictions)
    found = differences(memory, from_table)
    assert only(found, {*ROW_ONLY, *IDENTITY}) == []
    assert {key for key in ROW_ONLY if any(d.startswith(key) for d in found)} == set(lost)
    if importlib.util.find_spec("duckdb") is None:
        return summary
    binning = "exact" if all(v.level < 0 for v in summary.values.values()) else "log"
    sql = duckdb_statistics(spec, rows, binning)
    by_sql = facts(
        load_bundle(as_statistics(root, sql, tmp_path / "sql", predictions)), predictions
    )
    assert differences(from_table, by_sql) == ["/bundle_digest"]  # another file
    return summary


def test_disease_progression_every_path_gives_the_same_facts(tmp_path: Path) -> None:
    summary = check_all_paths(
        EXAMPLE, tmp_path, "data/predictions.csv", 37, ["/test_rows", "/operations/features"]
    )
    cell = summary.cells[("test", "ridge", None, None)]
    assert cell.sums.shape == (111, 8)  # 111 test rows: each its own bootstrap group
    assert len(summary.points) == 111 and summary.test_rows is not None


def test_the_loader_streams_a_regression_table(tmp_path: Path) -> None:
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLE, root)
    frame = load_bundle(root).predictions.frame  # type: ignore[union-attr]
    parquet(frame, root / "data" / "predictions.parquet", [c for c in frame if c not in TEXT], 37)
    (root / "data" / "predictions.csv").unlink()
    edit_yaml(root, "path: data/predictions.csv", "path: data/predictions.parquet")
    memory = facts(load_bundle(root, LoadOptions(stream_rows=None)))
    bundle = load_bundle(root, LoadOptions(stream_rows=0))
    assert type(bundle.predictions).__name__ == "StreamedTable"
    found = differences(memory, facts(bundle))
    assert only(found, {"/bundle_digest", "/operations/features"}) == []


def _generated(root: Path, n: int) -> None:
    """disease-progression with a generated table of `n` rows (seeded): the baseline and
    the chosen rung, continuous targets (past 50,000 distinct values: logarithmic bins),
    two slice columns, a train and a test split; the original rows first (the golden set)."""
    rng = np.random.default_rng(20261206)
    original = pd.read_csv(root / "data" / "predictions.csv", dtype=dict.fromkeys(TEXT, str))
    y = np.exp(rng.normal(5, 0.5, n))
    frame = pd.DataFrame(
        {
            "id": np.char.add("g", np.arange(n).astype(str)),
            "label": y,
            "split": np.where(rng.random(n) < 0.4, "test", "train"),
            "age_band": rng.choice(["under 45", "45 to 54", "55 and over"], n),
            "sex_group": rng.choice(["group A", "group B"], n),
            "pred_bmi_rule": np.round(y * 0.6 + 60 + rng.normal(0, 40, n)),
            "pred_ridge": y * 0.8 + 30 + rng.normal(0, 30, n),
        }
    )
    rows = pd.concat([original[list(frame.columns)], frame], ignore_index=True)
    rows.to_parquet(root / "data" / "predictions.parquet", index=False, row_group_size=100_000)
    (root / "data" / "predictions.csv").unlink()
    edit_yaml(root, "path: data/predictions.csv\n", "path: data/predictions.parquet\n")
    for rung in ("forest", "boosting"):
        edit_yaml(root, f"      score_column: pred_{rung}\n", "")


def test_a_million_generated_rows_give_the_same_facts_every_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dsreport.analyse.overlap.MAX_ROWS", 10_000)  # a leakage join: not here
    root = tmp_path / "generated"
    shutil.copytree(EXAMPLE, root)
    _generated(root, 1_000_000)
    summary = check_all_paths(root, tmp_path, "data/predictions.parquet", 50_000, [])
    assert summary.splits == ["test", "train"] and summary.test_rows is None
    assert summary.cells[("test", "ridge", None, None)].sums.shape == (2000, 8)
    assert summary.values[("residual", "test")].level == 0 and len(summary.points) == 400


def test_the_reduction_does_not_depend_on_the_batches(tmp_path: Path) -> None:
    root = tmp_path / "generated"
    shutil.copytree(EXAMPLE, root)
    _generated(root, 60_000)  # 24,000 test rows: hashed groups; 60,000 targets: binned
    bundle = load_bundle(root)
    frame = bundle.predictions.frame  # type: ignore[union-attr]
    whole = to_frame(reduce_regression(bundle.spec, [frame]))
    cuts = [frame.iloc[i : i + 7_001] for i in range(0, len(frame), 7_001)]
    pieces = to_frame(reduce_regression(bundle.spec, cuts))
    pd.testing.assert_frame_equal(whole, pieces, check_exact=False, rtol=1e-12)
    assert (whole["part"] == "point").sum() == 400


def test_quantiles_are_numpy_s_while_exact_and_within_accuracy_when_binned() -> None:
    rng = np.random.default_rng(7)
    few = np.round(rng.normal(100, 30, 20_000), 1)
    many = rng.lognormal(3, 1, EXACT_VALUES + 1) * rng.choice([-1, 1], EXACT_VALUES + 1)
    q = [0.05, 0.25, 0.5, 0.75, 0.95]
    for values, level in ((few, -1), (many, 0)):
        summary = Summary()
        for part in np.array_split(values, 9):
            summary.add(part)
        found = summary.result()
        assert found.level == level and found.n == len(values)
        if level < 0:
            assert found.quantiles(q) == np.quantile(values, q).tolist()
        else:
            assert np.allclose(found.quantiles(q), np.quantile(values, q), rtol=1e-4, atol=0)


# --- a bad statistics table ------------------------------------------------------------------


@pytest.fixture
def statistics_bundle(tmp_path: Path) -> Path:
    bundle = load_bundle(EXAMPLE)
    assert bundle.predictions is not None
    frame = to_frame(regression_summary(bundle.spec, bundle.predictions))
    return as_statistics(EXAMPLE, frame, tmp_path / "stats", "data/predictions.csv")


def test_a_regression_statistics_table_gets_every_problem_located(
    statistics_bundle: Path,
) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype({"group": "float64", "at_gate": "float64"})
        frame.loc[0, "n"] = -1
        frame.loc[1, "part"] = "histogram"
        frame.loc[2, "rung"] = "lasso"
        frame.loc[3, "group"] = 2500
        frame.loc[4, "sq_sum"] = -2.0
        frame.loc[5, "abs_sum"] = np.nan
        values = frame.index[frame["part"] == "values"]
        frame.loc[values[0], "quantity"] = "prediction:unknown"
        frame.loc[values[1], "split"] = "holdout"
        decision = frame.index[frame["part"] == "decision"]
        frame.loc[decision[0], "at_gate"] = 2
        frame.loc[decision[1], "other_rung"] = "forest"
        point = frame.index[frame["part"] == "point"]
        frame.loc[point[0], "rung"] = "forest"
        return frame

    _write(statistics_bundle, spoil)
    file = "error: data/statistics.parquet"
    assert _errors(statistics_bundle) == [
        f"{file}: part: part 'histogram' is not one of: group, values, decision, point (row 2)",
        f"{file}: abs_sum: a group row needs a value here (row 6)",
        f"{file}: n: n '-1' is not a count (a whole number, 0 or more) (row 1)",
        f"{file}: sq_sum: sq_sum '-2.0' is not a finite number, 0 or more (row 5)",
        f"{file}: at_gate: at_gate '2.0' is not 0 or 1 (row 1,017)",
        f"{file}: group: group '2500.0' is past the last group (1,999) (row 4)",
        f"{file}: rung: rung 'lasso' is not a rung of the ladder with a score_column "
        "(bmi_rule, ridge, forest, boosting) (row 3)",
        f"{file}: other_rung: a decision row's other rung is the baseline (bmi_rule), not "
        "'forest' (row 1,018)",
        f"{file}: split: split 'holdout' is not one of the splits (train, test) (row 668)",
        f"{file}: rung: slice and point rows are of the chosen rung (ridge), not 'forest' "
        "(row 1,045)",
        f"{file}: quantity: quantity 'prediction:unknown' is not one of: label, prediction, "
        "residual, prediction:priority_at (row 667)",
    ]


def test_a_regression_statistics_table_without_test_groups_says_so(
    statistics_bundle: Path,
) -> None:
    _write(statistics_bundle, lambda f: f[f.part != "group"])
    assert _errors(statistics_bundle) == [
        "error: data/statistics.parquet: the statistics table has no group row of the split 'test'"
    ]


def test_the_queries_are_written_in_each_engine_s_sql() -> None:
    spec = load_bundle(EXAMPLE).spec
    duck = regression_sql(spec, "duckdb", "exact")
    spark = regression_sql(spec, "spark", "log")
    bigquery = regression_sql(spec, "bigquery", "log", position="row_index")
    assert list(duck) == list(spark) == list(bigquery) == ["group", "values", "decision", "point"]
    assert "xor(a2, (a2 >> 15)) AS h" in duck["group"]
    assert "(a2 ^ shiftright(a2, 15)) AS h" in spark["group"]
    assert "(a2 ^ (a2 >> 15)) AS h" in bigquery["group"]
    assert "ROW_NUMBER() OVER (ORDER BY monotonically_increasing_id()) - 1 AS pos" in spark["point"]
    assert (
        "row_index AS pos" in bigquery["values"]
        and "CAST(`pred_ridge` AS FLOAT64) AS r1" in (bigquery["values"])
    )
    assert "CEIL(LN(ABS(x)) / " in spark["values"] and "CEIL(LN" not in duck["values"]
    assert "CAST(NULL AS INT64) AS `at_gate`" in bigquery["group"]
    assert 'grp AS "group"' in duck["group"] and "grp AS `group`" in spark["group"]
