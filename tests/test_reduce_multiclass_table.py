"""The multiclass statistics table: the same facts as the rows in memory whether the table
is written by `to_frame` or by the documented SQL in DuckDB, for the example and for a
generated million rows whose groups are past the bound (their samples by position hash)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dsreport.analyse.predictions import multiclass_summary, prediction_stats, regression_summary
from dsreport.analyse.reduce.multiclass import MultiStats
from dsreport.analyse.reduce.multiclass_sql import pairwise
from dsreport.analyse.reduce.multiclass_table import to_frame
from dsreport.analyse.reduce.multisample import BOUND
from dsreport.analyse.reduce.regression_table import to_frame as regression_frame
from dsreport.analyse.reduce.sql import statistics_sql
from dsreport.load.loader import load_bundle
from helpers import EXAMPLES, edit_yaml
from test_reduce import (
    IDENTITY,
    ROW_ONLY,
    STATISTICS,
    _errors,
    _write,
    as_statistics,
    differences,
    facts,
    only,
    parquet,
)
from test_reduce_multiclass import CSV, MEMORY, PARQUET, ROOT, _generated, _numeric

SAMPLE = ["split", "slice_column", "slice_value", "rung", "position"]


def duckdb_statistics(spec: Any, rows: Path) -> pd.DataFrame:
    """The documented queries run by DuckDB, each row's position its row number in the file."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW predictions AS SELECT * FROM read_parquet('{rows}', file_row_number=true)"
    )
    queries = statistics_sql(spec, "duckdb", position="file_row_number")
    return pd.concat([con.execute(q).df() for q in queries.values()], ignore_index=True)


def check_all_paths(
    root: Path, tmp_path: Path, predictions: str, group: int, lost: list[str]
) -> tuple[MultiStats, pd.DataFrame]:
    """(a) in memory, (b) the statistics table `to_frame` writes, (c) DuckDB running the SQL
    on the rows as Parquet: the same facts, but for the row-only facts `lost` in (b), (c).
    Returns the statistics and the table."""
    bundle = load_bundle(root, MEMORY)
    spec = bundle.spec
    assert bundle.predictions is not None
    memory = facts(bundle)
    stats = multiclass_summary(spec, bundle.predictions)
    frame = to_frame(stats)
    table = as_statistics(root, frame, tmp_path / "statistics", predictions)
    from_table = facts(load_bundle(table), predictions)
    found = differences(memory, from_table)
    assert only(found, {*ROW_ONLY, *IDENTITY}) == []
    assert {key for key in ROW_ONLY if any(d.startswith(key) for d in found)} == set(lost)
    if importlib.util.find_spec("duckdb") is None:
        return stats, frame
    rows = parquet(bundle.predictions.frame, tmp_path / "rows.parquet", _numeric(spec), group)
    sql = duckdb_statistics(spec, rows)
    # the same rows kept in every group, whatever its size
    kept = frame[frame["part"] == "sample"][SAMPLE].astype(str).sort_values(SAMPLE)
    by_engine = sql[sql["part"] == "sample"][SAMPLE].astype(str).sort_values(SAMPLE)
    assert kept.to_numpy().tolist() == by_engine.to_numpy().tolist()
    by_sql = facts(
        load_bundle(as_statistics(root, sql, tmp_path / "sql", predictions)), predictions
    )
    assert differences(from_table, by_sql) == ["/bundle_digest"]  # another file
    return stats, frame


def test_digit_routing_facts_from_a_statistics_table_are_the_rows_facts(tmp_path: Path) -> None:
    stats, frame = check_all_paths(ROOT, tmp_path, CSV, 37, ["/test_rows"])
    test = stats.splits["test"]
    assert test.sample.exact and test.sample.seen == 540
    assert set(frame["part"]) == {
        "count",
        "matrix",
        "top_k",
        "cube",
        "outcome",
        "confidence",
        "sample",
    }  # every group within the bound: no sums


def test_the_gate_reads_the_top_probability_as_given(tmp_path: Path) -> None:
    """Digit routing: eight random-forest test rows sit at exactly 0.8, one in a row whose
    rounded probabilities sum to 1.000001; divided by that sum it would fall below the gate
    0.8. In memory, in the statistics table and in the SQL the gate counts 279 rows, as the
    bundle's own auto-entry rate 51.67% does, not 278."""
    stats, frame = check_all_paths(ROOT, tmp_path, CSV, 37, ["/test_rows"])
    assert stats.outcome["forest"].reshape(2, 2, 4)[1].sum() == 279  # acted, right, baseline
    assert stats.confidence["forest"].at_or_above(0.8)[0] == 279
    rows = frame[(frame["part"] == "outcome") & (frame["rung"] == "forest")]
    assert rows[rows["acted"] == 1]["n"].sum() == 279
    outcome = facts(load_bundle(ROOT, MEMORY))["outcome"]
    entered = next(c for c in outcome["counts"] if c["kind"] == "acted")
    assert entered["by_rung"]["forest"]["text"] == "517,000"  # 279 / 540 of a million fields


@pytest.mark.slow
def test_a_million_generated_rows_give_the_same_facts_from_a_statistics_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dsreport.analyse.overlap.MAX_ROWS", 10_000)  # a leakage join: not here
    root = tmp_path / "generated"
    shutil.copytree(ROOT, root)
    _generated(root, 1_000_000)
    stats, frame = check_all_paths(root, tmp_path, PARQUET, 100_000, [])
    test = stats.splits["test"]
    assert not test.sample.exact and len(test.sample.rows()[0]) == BOUND
    # the gate's confidence is the top probability as given: a rung written to 4 decimals
    # has few enough values to count exactly, a continuous one goes onto the grid
    assert {r: bins.binning for r, bins in stats.confidence.items()} == {
        "templates": "exact",
        "logreg": "grid",
    }
    # past the bound: both splits (two rungs) and the three ink bands (the chosen rung)
    assert (frame["part"] == "sums").sum() == 2 * 2 + 3
    assert (frame["part"] == "sample").sum() == (2 * 2 + 3) * BOUND


def test_the_sum_of_a_row_is_numpy_s_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    for k in (2, 7, 8, 10, 13, 17, 129, 300):
        a = rng.random((2_000, k)) * rng.choice([1e-8, 1.0, 1e5], (2_000, k))
        columns = {f"c{j}": a[:, j] for j in range(k)}
        assert np.array_equal(eval(pairwise([f"c{j}" for j in range(k)]), {}, columns), a.sum(1))


def test_the_queries_are_written_in_each_engine_s_sql() -> None:
    spec = load_bundle(ROOT).spec
    duck = statistics_sql(spec, "duckdb")
    spark = statistics_sql(spec, "spark")
    bigquery = statistics_sql(spec, "bigquery", position="row_index")
    parts = ["count", "matrix", "top_k", "cube", "outcome", "confidence", "sample", "large"]
    assert list(duck) == list(spark) == list(bigquery) == parts
    assert 'CAST("proba_logreg_3" AS DOUBLE) AS p1_3' in duck["sample"]
    assert "CAST(`proba_logreg_3` AS DOUBLE) AS p1_3" in spark["sample"]
    assert "CAST(`proba_logreg_3` AS FLOAT64) AS p1_3" in bigquery["sample"]
    assert "xor(a2, (a2 >> 15)) AS h" in duck["sample"]
    assert "(a2 ^ shiftright(a2, 15)) AS h" in spark["large"]
    assert "(a2 ^ (a2 >> 15)) AS h" in bigquery["large"]
    assert "ROW_NUMBER() OVER (ORDER BY monotonically_increasing_id()) - 1 AS pos" in spark["count"]
    assert "row_index AS pos" in bigquery["count"]
    assert "WHERE place <= 100000 AND g_column IS NULL" in duck["sample"]
    assert "CAST(NULL AS INT64) AS `position`" in bigquery["matrix"]
    assert 'p1_3 AS "proba_3"' in duck["sample"] and "p1_3 AS `proba_3`" in spark["sample"]
    assert "CASE WHEN u1 >= 8.0000000000000004e-01 THEN 1 ELSE 0 END" in duck["outcome"]


# --- a bad statistics table ------------------------------------------------------------------


@pytest.fixture
def statistics_bundle(tmp_path: Path) -> Path:
    bundle = load_bundle(ROOT)
    assert bundle.predictions is not None
    frame = to_frame(multiclass_summary(bundle.spec, bundle.predictions))
    return as_statistics(ROOT, frame, tmp_path / "stats", CSV)


def test_a_multiclass_statistics_table_gets_every_problem_located(
    statistics_bundle: Path,
) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype({"right": "float64", "position": "float64"})
        frame.loc[0, "n"] = -1
        frame.loc[1, "part"] = "histogram"
        frame.loc[2, "label"] = "10"
        rows = {p: frame.index[frame["part"] == p] for p in set(frame["part"])}
        frame.loc[rows["matrix"][0], "rung"] = "svm"
        frame.loc[rows["matrix"][1], "predicted"] = None
        frame.loc[rows["cube"][0], "rung"] = "forest"
        frame.loc[rows["outcome"][0], "other_rung"] = "forest"
        frame.loc[rows["confidence"][0], "right"] = 2
        frame.loc[rows["confidence"][1], "binning"] = "log"
        frame.loc[rows["sample"][0], "proba_3"] = 1.5
        frame.loc[rows["sample"][1], "position"] = 2.5
        frame.loc[rows["sample"][2], "split"] = "holdout"
        return frame

    _write(statistics_bundle, spoil)
    file = "error: data/statistics.parquet"
    # 10 count rows, the test split's matrix rows from row 11, its sample rows from row 111
    assert _errors(statistics_bundle) == [
        f"{file}: part: part 'histogram' is not one of: count, matrix, top_k, cube, outcome, "
        "confidence, sample, sums, class_bin, top_bin (row 2)",
        f"{file}: predicted: a matrix row needs a value here (row 12)",
        f"{file}: n: n '-1' is not a count (a whole number, 0 or more) (row 1)",
        f"{file}: position: position '2.5' is not a count (a whole number, 0 or more) (row 112)",
        f"{file}: right: right '2.0' is not 0 or 1 (row 2,992)",
        f"{file}: proba_3: probability '1.5' is outside [0, 1] (row 111)",
        f"{file}: rung: rung 'svm' is not a rung of the ladder with a score_column "
        "(templates, logreg, forest, boosting) (row 11)",
        f"{file}: split: split 'holdout' is not one of the splits (train, test) (row 113)",
        f"{file}: rung: slice and cube rows are of the chosen rung (logreg), not 'forest' "
        "(row 2,856)",
        f"{file}: other_rung: an outcome row's other rung is the baseline (templates), not "
        "'forest' (row 2,957)",
        f"{file}: label: label '10' is not one of the declared classes "
        "(0, 1, 2, 3, 4, 5, 6, 7, 8, 9) (row 3)",
        f"{file}: binning: binning 'log' is not exact or grid (row 2,993)",
    ]


def test_a_multiclass_statistics_table_without_test_counts_says_so(
    statistics_bundle: Path,
) -> None:
    _write(statistics_bundle, lambda f: f[f.part != "count"])
    assert _errors(statistics_bundle) == [
        "error: data/statistics.parquet: the statistics table has no count row of the split 'test'"
    ]


def test_a_multiclass_statistics_table_without_its_columns_says_which(
    statistics_bundle: Path,
) -> None:
    _write(statistics_bundle, lambda f: f.drop(columns=["proba_7", "cube"], errors="ignore"))
    assert _errors(statistics_bundle) == [
        "error: data/statistics.parquet:1: the statistics table has no column proba_7"
    ]


def test_a_group_s_rows_must_agree(
    statistics_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        sample = frame.index[(frame["part"] == "sample") & (frame["rung"] == "forest")]
        confidence = frame.index[(frame["part"] == "confidence") & (frame["rung"] == "logreg")]
        frame.loc[confidence[5], ["binning", "score"]] = ["grid", 0.5]
        return frame.drop(index=sample[-1])

    _write(statistics_bundle, spoil)
    file = "error: data/statistics.parquet"
    assert _errors(statistics_bundle) == [
        f"{file}: sample: split test has 540 rows but 539 sample rows of rung forest (every "
        "row while at most 100,000, else 100,000)",
        f"{file}: binning: the confidence rows of rung logreg mix exact and grid binning (first "
        "grid row: 3,089)",
    ]


def test_a_group_past_the_bound_needs_its_sums(
    statistics_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dsreport.load.multiclass_statistics.BOUND", 500)
    found = _errors(statistics_bundle)
    file = "error: data/statistics.parquet"
    assert found[:2] == [
        f"{file}: sample: split test has 540 rows but 540 sample rows of rung templates (every "
        "row while at most 500, else 500)",
        f"{file}: sums: split test has 540 rows, more than 500, but not one sums row of rung "
        "templates",
    ]
    assert len(found) == 2 * 4  # the test split: its four rungs (the slices are smaller)


@pytest.mark.parametrize("example", ["tumour-triage", "digit-routing", "disease-progression"])
def test_a_statistics_table_saved_as_csv_gives_the_same_facts(tmp_path: Path, example: str) -> None:
    """Every task's table written as CSV (an empty cell: NULL) reads as its Parquet file."""
    root = EXAMPLES / example
    bundle = load_bundle(root)
    spec, rows = bundle.spec, bundle.predictions
    assert rows is not None
    if spec.project.task == "binary":
        frame = prediction_stats(spec, rows).to_frame()
    elif spec.project.task == "multiclass":
        frame = to_frame(multiclass_summary(spec, rows))
    else:
        frame = regression_frame(regression_summary(spec, rows))
    table = as_statistics(root, frame, tmp_path / "parquet", CSV)
    csv = as_statistics(root, frame, tmp_path / "csv", CSV)
    (csv / STATISTICS).unlink()
    frame.to_csv(csv / "data" / "statistics.csv", index=False)
    edit_yaml(csv, f"path: {STATISTICS}\n", "path: data/statistics.csv\n")
    found = differences(facts(load_bundle(table)), facts(load_bundle(csv)))
    assert sorted(found) == ["/bundle/interrogation/predictions/path", "/bundle_digest"]
