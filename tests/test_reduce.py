"""The binary analysis from sufficient statistics: the same facts whether the rows are read
in memory, streamed in small batches, handed over as a statistics table, or reduced by the
documented SQL in DuckDB."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dsreport.analyse.engine import analyse
from dsreport.analyse.predictions import prediction_stats
from dsreport.analyse.reduce import PredictionStats, reduce_rows
from dsreport.analyse.reduce.sql import statistics_sql
from dsreport.errors import BundleError
from dsreport.load.loaded import Bundle
from dsreport.load.loader import collect_problems, load_bundle
from dsreport.load.tables import Table
from helpers import EXAMPLES, differences, edit_yaml

pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")

ROW_ONLY = {
    "/test_rows": "the chosen rung's test rows (a later review's pairing): rows only",
    "/data/shared_ids": "test ids shared with other splits: needs the ids",
    "/data/shared_feature_rows": "test rows equal to another split's: needs the inputs",
    "/operations/features": "per-input reference distributions: needs the inputs",
}
"""What a statistics table cannot give: every fact that needs the rows themselves."""
IDENTITY = {"/bundle_digest", "/bundle/interrogation/predictions"}
STATISTICS = "data/statistics.parquet"
"""The bundle's own identity: another file and `format: statistics`."""


def facts(bundle: Bundle, rows_file: str | None = None) -> dict[str, Any]:
    """The facts as JSON; `rows_file`: name the statistics table so (in hints) instead."""
    out = analyse(bundle).model_dump(mode="json")
    out.pop("environment")
    if rows_file is None:
        return dict(out)
    return dict(json.loads(json.dumps(out).replace(STATISTICS, rows_file)))


def parquet(frame: pd.DataFrame, path: Path, scores: Sequence[str], group: int) -> Path:
    """The rows as the streamed table reads them: texts dictionary-encoded, scores float64."""
    out = frame.copy()
    for column in out.columns:
        if column in scores:
            out[column] = pd.to_numeric(out[column]).astype("float64")
        else:
            out[column] = out[column].astype("string")
    pq.write_table(pa.Table.from_pandas(out, preserve_index=False), path, row_group_size=group)
    return path


@dataclasses.dataclass
class Streamed(Table):
    """A table that also hands out its rows in small batches, from Parquet row groups."""

    source: Path = Path()
    size: int = 0

    def batches(self, columns: Sequence[str], rows: int = 1_000_000) -> Iterator[pd.DataFrame]:
        reader = pq.ParquetFile(self.source, read_dictionary=list(columns))
        names = [c for c in columns if c in reader.schema_arrow.names]
        for batch in reader.iter_batches(batch_size=self.size, columns=names):
            yield batch.to_pandas()


def streamed(bundle: Bundle, source: Path, size: int) -> Bundle:
    table = bundle.predictions
    assert table is not None
    return dataclasses.replace(
        bundle, predictions=Streamed(table.frame, table.file, table.row_lines, True, source, size)
    )


def as_statistics(root: Path, frame: pd.DataFrame, target: Path, old_path: str) -> Path:
    """A copy of the bundle at `root` whose predictions are the statistics table `frame`."""
    shutil.copytree(root, target)
    frame.to_parquet(target / STATISTICS, index=False)
    edit_yaml(target, f"path: {old_path}\n", f"path: {STATISTICS}\n    format: statistics\n")
    return target


def duckdb_statistics(spec: Any, rows: Path, binning: str) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW predictions AS SELECT * FROM read_parquet('{rows}')")
    parts = [con.execute(q).df() for q in statistics_sql(spec, "duckdb", binning).values()]
    return pd.concat(parts, ignore_index=True)


def only(found: list[str], allowed: set[str] | dict[str, str]) -> list[str]:
    return sorted(d for d in found if not any(d.startswith(a) for a in allowed))


def check_all_paths(
    root: Path, tmp_path: Path, predictions: str, group: int, lost: Sequence[str]
) -> PredictionStats:
    """(a) in memory, (b) streamed, (c) a statistics table, (d) DuckDB running the SQL:
    the same facts, but for the row-only facts `lost` (keys of ROW_ONLY) in (c) and (d)."""
    bundle = load_bundle(root)
    spec = bundle.spec
    assert bundle.predictions is not None
    scores = [r.score_column for r in spec.ladder.rungs if r.score_column]
    memory = facts(bundle)
    rows = parquet(bundle.predictions.frame, tmp_path / "rows.parquet", scores, group)
    # (b) streamed in batches far smaller than the table: every fact, the digest too
    assert differences(memory, facts(streamed(bundle, rows, group))) == []
    # (c) the statistics table, written to Parquet and read back as a bundle
    stats = prediction_stats(spec, bundle.predictions)
    table = as_statistics(root, stats.to_frame(), tmp_path / "statistics", predictions)
    from_table = facts(load_bundle(table), predictions)
    found = differences(memory, from_table)
    assert only(found, {*ROW_ONLY, *IDENTITY}) == []
    assert {key for key in ROW_ONLY if any(d.startswith(key) for d in found)} == set(lost)
    if importlib.util.find_spec("duckdb") is None:
        return stats  # (d) needs the duckdb extra
    # (d) the documented SQL, run by DuckDB on the rows
    sql = duckdb_statistics(spec, rows, stats.binning)
    by_sql = facts(
        load_bundle(as_statistics(root, sql, tmp_path / "sql", predictions)), predictions
    )
    assert differences(from_table, by_sql) == ["/bundle_digest"]  # another file
    return stats


def test_tumour_triage_every_path_gives_the_same_facts(tmp_path: Path) -> None:
    root = EXAMPLES / "tumour-triage"
    stats = check_all_paths(
        root, tmp_path, "data/predictions.csv", 17, ["/test_rows", "/operations/features"]
    )
    assert stats.binning == "exact" and stats.test_rows is not None


def test_the_statement_dsreport_sql_prints_gives_the_facts_of_the_rows(tmp_path: Path) -> None:
    """What a user runs: `dsreport sql`'s one statement, DuckDB reading the CSV itself."""
    duckdb = pytest.importorskip("duckdb")
    from dsreport.api import statistics_sql as one_statement

    root = EXAMPLES / "tumour-triage"
    memory = facts(load_bundle(root))
    con = duckdb.connect()
    csv = root / "data" / "predictions.csv"
    con.execute(f"CREATE VIEW predictions AS SELECT * FROM read_csv_auto('{csv}')")
    frame = con.execute(one_statement(root, binning="exact")).df()
    table = as_statistics(root, frame, tmp_path / "sql", "data/predictions.csv")
    found = facts(load_bundle(table), "data/predictions.csv")
    assert only(differences(memory, found), {*ROW_ONLY, *IDENTITY}) == []


def test_a_statistics_table_written_part_by_part_into_a_folder_is_one_table(
    tmp_path: Path,
) -> None:
    """As Spark writes one query's result after another into a folder: a file per part,
    each with its own schema (columns without nulls required, text as `string`, a column of
    nulls alone untyped), beside `_SUCCESS` and checksum files; the facts are those of the
    one-file table."""
    root = EXAMPLES / "tumour-triage"
    bundle = load_bundle(root)
    assert bundle.predictions is not None
    frame = prediction_stats(bundle.spec, bundle.predictions).to_frame()
    one_file = as_statistics(root, frame, tmp_path / "one", "data/predictions.csv")
    one = facts(load_bundle(one_file), "data/statistics")  # the folder's name in texts
    target = tmp_path / "folder"
    shutil.copytree(root, target)
    folder = target / "data" / "statistics"
    folder.mkdir()

    def written(column: Any) -> Any:
        """Text as `string`, required where it holds no null; a column of nulls alone with
        Arrow's null type (as pandas writes a column of None)."""
        if column.null_count == len(column):
            return pa.nulls(len(column))
        if pa.types.is_large_string(column.type):
            return column.cast(pa.string())
        return column

    for index, (part, rows) in enumerate(frame.groupby("part", sort=False)):
        table = pa.Table.from_pandas(rows.reset_index(drop=True), preserve_index=False)
        columns = [written(c) for c in table.columns]
        schema = pa.schema(
            pa.field(n, c.type, nullable=c.null_count > 0)
            for n, c in zip(table.column_names, columns, strict=True)
        )
        name = f"part-{index:05d}-{part}.snappy.parquet"
        pq.write_table(pa.Table.from_arrays(columns, schema=schema), folder / name)
        (folder / f".{name}.crc").write_bytes(b"crc")
    (folder / "_SUCCESS").write_bytes(b"")
    edit_yaml(
        target,
        "path: data/predictions.csv\n",
        "path: data/statistics\n    format: statistics\n",
    )
    loaded = load_bundle(target)
    assert loaded.predictions is not None and len(loaded.predictions.sources) == 3
    found = facts(loaded)
    assert only(differences(one, found), IDENTITY) == []


def _generated(root: Path, n: int) -> None:
    """tumour-triage with a generated table of `n` rows (seeded): two scored rungs (one with
    2-decimal scores, one continuous, so the table goes onto the 1/10,000 grid), two slice
    columns, a train and a test split; the original rows first (the golden set's ids)."""
    rng = np.random.default_rng(20261206)
    original = pd.read_csv(root / "data" / "predictions.csv", dtype=str)
    y = rng.random(n) < 0.37
    frame = pd.DataFrame(
        {
            "id": np.char.add("g", np.arange(n).astype(str)),
            "label": np.where(y, "1", "0"),
            "split": np.where(rng.random(n) < 0.4, "test", "train"),
            "nucleus_size_band": rng.choice(["small", "medium", "large"], n),
            "texture_band": rng.choice(["low", "middle", "high"], n),
            "score_size_rule": np.round(
                np.clip(np.where(y, 0.6, 0.3) + rng.normal(0, 0.2, n), 0, 1), 2
            ),
            "score_logreg": 1 / (1 + np.exp(-(np.where(y, 1.2, -1.2) + rng.normal(0, 1.5, n)))),
        }
    )
    head = original[list(frame.columns)].astype(
        {"score_size_rule": "float64", "score_logreg": "float64"}
    )
    rows = pd.concat([head, frame], ignore_index=True)
    rows.to_parquet(root / "data" / "predictions.parquet", index=False, row_group_size=100_000)
    (root / "data" / "predictions.csv").unlink()
    edit_yaml(root, "path: data/predictions.csv\n", "path: data/predictions.parquet\n")
    for rung in ("forest", "boosting"):
        edit_yaml(root, f"      score_column: score_{rung}\n", "")


def test_a_million_generated_rows_give_the_same_facts_every_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dsreport.analyse.overlap.MAX_ROWS", 10_000)  # a leakage join: not here
    root = tmp_path / "generated"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    _generated(root, 1_000_000)
    # no digest either way (400,000 test rows), no input columns, no leakage join
    stats = check_all_paths(root, tmp_path, "data/predictions.parquet", 50_000, [])
    assert stats.binning == "grid" and stats.test_rows is None
    assert stats.splits == ["test", "train"] and len(stats.pairs) == 1


def test_the_reduction_does_not_depend_on_the_batches() -> None:
    bundle = load_bundle(EXAMPLES / "tumour-triage")
    assert bundle.predictions is not None
    frame = bundle.predictions.frame
    whole = reduce_rows(bundle.spec, [frame]).to_frame()
    cuts = [frame.iloc[i : i + 5] for i in range(0, len(frame), 5)]
    pieces = reduce_rows(bundle.spec, cuts).to_frame()
    pd.testing.assert_frame_equal(whole, pieces, check_exact=False, rtol=1e-12)


def test_the_exact_scores_give_way_to_the_grid_past_the_limit() -> None:
    """50,001 distinct scores: exact until the batch that passes the limit, then the grid,
    the histograms so far re-binned (a score written as 0.29 stays in the bin of 0.29)."""
    bundle = load_bundle(EXAMPLES / "tumour-triage")
    spec = bundle.spec
    scores = np.concatenate([np.arange(50_001) / 50_001, [0.29]])
    frame = pd.DataFrame(
        {
            "id": np.arange(len(scores)).astype(str),
            "label": np.where(np.arange(len(scores)) % 3 == 0, "1", "0"),
            "split": "test",
            "nucleus_size_band": "small",
            "texture_band": "low",
            **{r.score_column: scores for r in spec.ladder.rungs if r.score_column},
        }
    )
    one = reduce_rows(spec, [frame])
    many = reduce_rows(spec, [frame.iloc[i : i + 20_000] for i in range(0, len(frame), 20_000)])
    assert one.binning == many.binning == "grid"
    assert np.array_equal(one.hist["logreg"], many.hist["logreg"])
    hist = one.histogram("test", "logreg")
    assert hist.values[2900] == 0.29 and hist.pos[2900] + hist.neg[2900] == 6  # 5 + 0.29


# --- bad statistics tables -------------------------------------------------------------------


@pytest.fixture
def statistics_bundle(tmp_path: Path) -> Path:
    root = EXAMPLES / "tumour-triage"
    bundle = load_bundle(root)
    assert bundle.predictions is not None
    frame = prediction_stats(bundle.spec, bundle.predictions).to_frame()
    return as_statistics(root, frame, tmp_path / "stats", "data/predictions.csv")


def _write(root: Path, change: Any) -> None:
    path = root / "data" / "statistics.parquet"
    frame = pd.read_parquet(path)
    frame = change(frame)
    frame.to_parquet(path, index=False)


def _errors(root: Path) -> list[str]:
    return [p.format() for p in collect_problems(root) if p.severity == "error"]


def test_a_statistics_table_with_problems_gets_every_one_located(statistics_bundle: Path) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[0, "n"] = -3
        frame.loc[1, "part"] = "histogram"
        frame.loc[frame.index[frame["part"] == "score"][0], "rung"] = "svm"
        frame.loc[frame.index[frame["part"] == "score"][1], "score"] = 1.5
        frame.loc[frame.index[frame["part"] == "pair"][0], "other_score"] = 0.3333
        frame.loc[frame.index[frame["part"] == "count"][2], "label"] = "2"
        return frame

    _write(statistics_bundle, spoil)
    # 14 count rows (2 of the split, 12 of the slices), 901 score rows, then the pair rows
    assert _errors(statistics_bundle) == [
        "error: data/statistics.parquet: part: part 'histogram' is not one of: count, score, "
        "pair (row 2)",
        "error: data/statistics.parquet: n: n '-3' is not a count (a whole number, 0 or more) "
        "(row 1)",
        "error: data/statistics.parquet: score: score '1.5' is outside [0, 1] (row 16)",
        "error: data/statistics.parquet: rung: rung 'svm' is not a rung of the ladder with a "
        "score_column (size_rule, logreg, forest, boosting) (row 15)",
        "error: data/statistics.parquet: label: label '2' is not one of the declared classes "
        "(0, 1) (row 4)",
        "error: data/statistics.parquet: other_score: pair score '0.3333' is not an edge of the "
        "pair grid (multiples of 1/40 and the operating threshold) (row 916)",
    ]


def test_a_statistics_table_without_its_columns_says_which(statistics_bundle: Path) -> None:
    _write(statistics_bundle, lambda f: f.drop(columns=["sq_sum", "binning"]))
    assert _errors(statistics_bundle) == [
        "error: data/statistics.parquet:1: the statistics table has no columns binning, sq_sum"
    ]
    problem = next(p for p in collect_problems(statistics_bundle) if p.severity == "error")
    assert problem.hint is not None and problem.hint.startswith("the columns are: part, split")


def test_a_statistics_table_without_test_counts_says_so(statistics_bundle: Path) -> None:
    """Count and score rows of the train split only: the table has nothing the reports show."""
    _write(
        statistics_bundle,
        lambda f: f[f.slice_column.isna() & (f.part != "pair")].assign(split="train"),
    )
    assert _errors(statistics_bundle) == [
        "error: data/statistics.parquet: the statistics table has no count row of the split 'test'"
    ]
    problem = next(p for p in collect_problems(statistics_bundle) if p.severity == "error")
    assert problem.hint == (
        "see docs/analysis.md, 'The statistics table', for the query that writes it"
    )


def test_a_statistics_table_is_read_as_its_task_s(statistics_bundle: Path) -> None:
    """A binary table named by a multiclass bundle: the multiclass table's columns are asked."""
    edit_yaml(statistics_bundle, "task: binary", "task: multiclass")
    with pytest.raises(BundleError) as err:
        load_bundle(statistics_bundle)
    assert (
        "error: data/statistics.parquet:1: the statistics table has no columns predicted, "
        "other_predicted, position, right, acted, other_right, other_acted, loss_sum, proba_0, "
        "proba_1" in [p.format() for p in err.value.problems]
    )


def test_the_queries_are_written_in_each_engine_s_sql() -> None:
    spec = load_bundle(EXAMPLES / "tumour-triage").spec
    duck = statistics_sql(spec, "duckdb", "exact")
    spark = statistics_sql(spec, "spark", "grid")
    bigquery = statistics_sql(spec, "bigquery", "grid")
    assert list(duck) == list(spark) == list(bigquery) == ["count", "score", "pair"]
    assert 'CAST("score_logreg" AS DOUBLE) AS r1' in duck["score"]
    assert "score AS bin" in duck["score"] and "'exact' AS binning" in duck["score"]
    assert "CAST(`score_logreg` AS DOUBLE) AS r1" in spark["score"]
    assert "LEAST(FLOOR(score * 10000 + 1e-09), 10000) / 10000 AS bin" in spark["score"]
    assert "CAST(`score_logreg` AS FLOAT64) AS r1" in bigquery["score"]
    assert (
        "CAST(NULL AS INT64)" not in bigquery["score"]
        and "CAST(NULL AS STRING)" in (bigquery["pair"])
    )


def test_score_rows_of_a_split_without_counts_are_each_located(statistics_bundle: Path) -> None:
    def spoil(f: pd.DataFrame) -> pd.DataFrame:  # the overall score rows move to 'train'
        return f.assign(split=f.split.where((f.part != "score") | f.slice_column.notna(), "train"))

    _write(statistics_bundle, spoil)
    assert _errors(statistics_bundle) == [
        f"error: data/statistics.parquet: split: split 'train' has no count rows (row {row})"
        for row in range(15, 20)
    ] + ["error: data/statistics.parquet: split: 503 more rows like this"]
