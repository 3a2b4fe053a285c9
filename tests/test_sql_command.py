"""`dsreport sql`: the statistics table's SQL for a bundle whose rows stay in a warehouse,
written from dsreport.yaml alone; DuckDB runs it, Spark's and BigQuery's parse."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dsreport.analyse.engine import analyse
from dsreport.analyse.reduce.sql import statistics_sql as queries
from dsreport.api import statistics_sql
from dsreport.errors import UsageError
from dsreport.load.loader import load_bundle
from dsreport.load.specdoc import read_spec
from helpers import EXAMPLES, Run, differences, edit_yaml

duckdb = pytest.importorskip("duckdb")
sqlglot = pytest.importorskip("sqlglot")

TASKS = {
    "tumour-triage": "binary",
    "digit-routing": "multiclass",
    "disease-progression": "regression",
}
HEAD = (
    "-- The dsreport statistics table of a binary bundle, in Spark SQL.\n"
    "-- Run it where the predictions table is, save the result as Parquet (a file, a folder\n"
    "-- or files matching a glob) inside the bundle and name it in dsreport.yaml:\n"
    "--   interrogation.predictions.path: data/statistics.parquet\n"
    "--   interrogation.predictions.format: statistics\n"
    "SELECT * FROM (\nWITH base AS (\n"
)


def rows_view(con: Any, bundle: Path) -> None:
    """The example's predictions as the table `predictions`, read by DuckDB itself."""
    csv = next((bundle / "data").glob("predictions*.csv"))
    con.execute(f"CREATE VIEW predictions AS SELECT * FROM read_csv_auto('{csv}')")


def test_the_command_prints_one_statement(cli: Callable[..., Run]) -> None:
    run = cli("sql", EXAMPLES / "tumour-triage", "--dialect", "spark", "--binning", "exact")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(HEAD)
    assert run.stdout.count("\nUNION ALL\nSELECT * FROM (\n") == 2  # count, score, pair
    assert run.stdout.endswith(") AS pair_rows;\n")
    assert run.stdout == statistics_sql(
        EXAMPLES / "tumour-triage", dialect="spark", binning="exact"
    )


@pytest.mark.parametrize("example", list(TASKS))
def test_duckdb_runs_the_statement_into_one_table(example: str, tmp_path: Path) -> None:
    text = statistics_sql(EXAMPLES / example)
    assert f"of a {TASKS[example]} bundle, in DuckDB SQL" in text
    con = duckdb.connect()
    rows_view(con, EXAMPLES / example)
    statement = text.rstrip(";\n")
    found = dict(con.execute(f"SELECT part, COUNT(*) FROM ({statement}) GROUP BY part").fetchall())
    each = queries(read_spec(EXAMPLES / example, ()), "duckdb", "grid")
    alone = {
        part: con.execute(f"SELECT COUNT(*) FROM ({q})").fetchone()[0] for part, q in each.items()
    }
    assert found == {part: n for part, n in alone.items() if n}  # a part may hold no rows


@pytest.mark.parametrize("dialect", ["spark", "bigquery", "duckdb"])
@pytest.mark.parametrize("example", list(TASKS))
def test_every_engine_s_statement_parses_in_its_dialect(example: str, dialect: str) -> None:
    text = statistics_sql(EXAMPLES / example, dialect=dialect, table="db.predictions")
    tree = sqlglot.parse_one(text, read=dialect)
    assert isinstance(tree, sqlglot.exp.Union)
    tables = {t.sql(dialect=dialect) for t in tree.find_all(sqlglot.exp.Table)}
    assert "db.predictions" in tables


def test_only_dsreport_yaml_is_read(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """The statistics table does not exist yet: that is what the SQL is for."""
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    (root / "data" / "predictions.csv").unlink()
    edit_yaml(
        root,
        "path: data/predictions.csv\n",
        "path: data/statistics.parquet\n    format: statistics\n",
    )
    run = cli("sql", root, "-o", tmp_path / "stats.sql")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")
    assert (tmp_path / "stats.sql").read_text() == statistics_sql(EXAMPLES / "tumour-triage")


def test_an_open_item_the_sql_needs_stops_it_others_do_not(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    edit_yaml(root, '    - name: "Dr. Ilse Brandt"\n', "    - name: TODO\n")
    assert cli("sql", root).exit_code == 0
    edit_yaml(root, "score_column: score_logreg\n", "score_column: TODO\n")
    run = cli("sql", root)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.splitlines()[:2] == [
        "error: dsreport.yaml:570: ladder.rungs[1].score_column: to write: Which column holds "
        "this rung's score of the positive class?",
        "  hint: write your answer in place of TODO",
    ]


@pytest.mark.parametrize(
    ("example", "old", "new", "where"),
    [
        (
            "tumour-triage",
            "metric uses it.\n  threshold: 0.2\n",
            "metric uses it.\n  threshold: TODO\n",
            "interrogation.threshold",
        ),
        ("disease-progression", "    gate: 200\n", "    gate: TODO\n", "ecosystem.outcome.gate"),
    ],
    ids=["threshold", "gate"],
)
def test_an_open_threshold_or_gate_stops_it(
    tmp_path: Path, cli: Callable[..., Run], example: str, old: str, new: str, where: str
) -> None:
    """Both are in the SQL (the pairs' bins, what counts as acted on): a stand-in value would
    write a statement that looks right and counts at the wrong threshold."""
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / example, root)
    edit_yaml(root, old, new)
    run = cli("sql", root)
    assert (run.exit_code, run.stdout) == (1, "")
    assert f": {where}: to write: " in run.stderr.splitlines()[0]


def test_an_open_outcome_section_stops_it_an_open_metric_target_does_not(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    """The gate is read from inside `ecosystem.outcome`: an open item for the whole section
    holds it; a metric's target is never in the SQL."""
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "disease-progression", root)
    lines = (root / "dsreport.yaml").read_text(encoding="utf-8").splitlines(True)
    start = lines.index("  outcome:\n")
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"^  [a-z_]+:", lines[i]))
    text = "".join([*lines[:start], "  outcome: TODO\n", *lines[end:]])
    (root / "dsreport.yaml").write_text(text, encoding="utf-8")
    run = cli("sql", root)
    assert (run.exit_code, run.stdout) == (1, "")
    assert f"dsreport.yaml:{start + 1}: ecosystem.outcome: to write: " in run.stderr
    other = tmp_path / "target"
    shutil.copytree(EXAMPLES / "tumour-triage", other)
    edit_yaml(other, "      target: 0.97\n", "      target: TODO\n")
    assert cli("sql", other).exit_code == 0


def test_a_ladder_without_score_columns_is_told_what_to_name(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    text = (root / "dsreport.yaml").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(True) if "score_column:" not in line]
    (root / "dsreport.yaml").write_text("".join(kept), encoding="utf-8")
    run = cli("sql", root)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        "error: no rung of the ladder names its score_column: the statistics table is made "
        "from the rungs' scores",
        "  hint: give each rung with scores in the predictions table its score_column",
    ]


def test_spark_never_sees_a_variable_in_bundle_text(tmp_path: Path) -> None:
    """Spark puts a variable's or the environment's value in place of `${...}` anywhere in a
    statement, strings included, before it parses: in a literal the brace is escaped (Spark
    reads `$\\{` back as `${`); a column name, which has no escapes, is refused."""
    root = tmp_path / "labels"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    edit_yaml(
        root,
        '  positive_label: "1"\n  classes: ["0", "1"]\n',
        '  positive_label: "${env:HOME}"\n  classes: ["0", "${env:HOME}"]\n',
    )
    spark = statistics_sql(root, dialect="spark")
    assert "'$\\{env:HOME}'" in spark and "${" not in spark
    assert "'${env:HOME}'" in statistics_sql(root, dialect="duckdb")  # DuckDB replaces nothing
    named = renamed(tmp_path, "band ${env:HOME}")
    assert statistics_sql(named, dialect="duckdb")
    with pytest.raises(UsageError) as raised:
        statistics_sql(named, dialect="spark")
    assert str(raised.value) == (
        "the column name 'band ${env:HOME}' holds '${', which Spark would replace with a "
        "variable's value"
    )


def test_a_bundle_without_a_predictions_table_is_told_what_to_declare(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    text = (root / "dsreport.yaml").read_text()
    start = text.index("  predictions:\n")
    (root / "dsreport.yaml").write_text(text[:start] + text[text.index("  reviewed_examples:") :])
    run = cli("sql", root)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        "error: the bundle declares no predictions table (interrogation.predictions)",
        "  hint: declare its columns (label_column, split_column, slice_columns) and each "
        "rung's score_column",
    ]


def test_broken_yaml_is_located(tmp_path: Path, cli: Callable[..., Run]) -> None:
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    edit_yaml(root, "    id_column: id\n", "    id_column: [id\n")
    run = cli("sql", root)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.splitlines()[0].startswith("error: dsreport.yaml:788: not valid YAML: ")


@pytest.mark.parametrize("example", list(TASKS))
def test_each_query_saved_alone_into_a_folder_gives_the_statement_s_facts(
    example: str, tmp_path: Path
) -> None:
    """The other way to run them: each part's query alone, its result saved as a file of its
    own, as DuckDB types it (a sum as DECIMAL(38, 0), a column of nulls untyped), with
    Spark's `_SUCCESS` beside them: one table, the facts of the one statement's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = EXAMPLES / example
    con = duckdb.connect()
    rows_view(con, source)
    declared = read_spec(source, ()).interrogation.predictions
    assert declared is not None

    def bundle(name: str, path: str) -> Path:
        root = tmp_path / name
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("predictions*"))
        edit_yaml(root, f"path: {declared.path}\n", f"path: {path}\n    format: statistics\n")
        return root

    whole = bundle("whole", "data/statistics.parquet")
    statement = statistics_sql(source, binning="exact").rstrip(";\n")
    pq.write_table(con.sql(statement).to_arrow_table(), whole / "data" / "statistics.parquet")
    parts = bundle("parts", "data/statistics")
    folder = parts / "data" / "statistics"
    folder.mkdir()
    kinds = set()
    for index, query in enumerate(queries(read_spec(source, ()), "duckdb", "exact").values()):
        table = con.sql(query).to_arrow_table()
        columns = [pa.nulls(len(c)) if c.null_count == len(c) else c for c in table.columns]
        kinds |= {str(c.type) for c in columns}
        pq.write_table(
            pa.Table.from_arrays(columns, table.column_names), folder / f"part-{index}.parquet"
        )
    (folder / "_SUCCESS").write_bytes(b"")
    assert "null" in kinds  # the count rows' rung, say
    if example != "tumour-triage":  # DuckDB sums integers into DECIMAL(38, 0), next to int32
        assert {"decimal128(38, 0)", "int32", "int64"} <= kinds
    one = analyse(load_bundle(whole)).model_dump(mode="json")
    found = json.loads(
        json.dumps(analyse(load_bundle(parts)).model_dump(mode="json")).replace(
            '"data/statistics"', '"data/statistics.parquet"'
        )
    )
    assert differences(one, found) == ["/bundle_digest"]


HOSTILE = "texture_band\\' AS slice_column, 1 AS s FROM predictions; DROP TABLE victims; --"
"""A column name that, quoted the standard way (a doubled quote), ends the string in Spark
and BigQuery, where a backslash escapes the quote, and runs the rest as SQL."""


def renamed(tmp_path: Path, name: str) -> Path:
    """tumour-triage with its slice column `texture_band` renamed `name`, table and YAML."""
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    edit_yaml(
        root,
        "slice_columns: [nucleus_size_band, texture_band]",
        f"slice_columns: [nucleus_size_band, {json.dumps(name)}]",
    )
    edit_yaml(root, "      - key: texture_band\n", f"      - key: {json.dumps(name)}\n")
    csv = root / "data" / "predictions.csv"
    head, rest = csv.read_text(encoding="utf-8").split("\n", 1)
    quoted = '"' + name.replace('"', '""') + '"'
    csv.write_text(head.replace("texture_band", quoted) + "\n" + rest, encoding="utf-8")
    return root


@pytest.mark.parametrize("dialect", ["spark", "bigquery", "duckdb"])
def test_bundle_text_stays_inside_its_quotes(tmp_path: Path, dialect: str) -> None:
    text = statistics_sql(renamed(tmp_path, HOSTILE), dialect=dialect)
    trees = [tree for tree in sqlglot.parse(text, read=dialect) if tree is not None]
    assert [type(tree) for tree in trees] == [sqlglot.exp.Union]  # one statement, no DROP
    [tree] = trees
    assert HOSTILE in {s.this for s in tree.find_all(sqlglot.exp.Literal) if s.is_string}
    assert HOSTILE in {c.name for c in tree.find_all(sqlglot.exp.Column)}


def test_duckdb_reads_back_a_column_named_with_quotes_and_a_backslash(tmp_path: Path) -> None:
    root = renamed(tmp_path, 'tex\'ture\\band `x` "q"')
    rows = analyse(load_bundle(root)).model_dump(mode="json")
    con = duckdb.connect()
    rows_view(con, root)
    frame = con.sql(statistics_sql(root, binning="exact").rstrip(";\n")).df()
    frame.to_parquet(root / "data" / "statistics.parquet", index=False)
    edit_yaml(
        root,
        "path: data/predictions.csv\n",
        "path: data/statistics.parquet\n    format: statistics\n",
    )
    found = analyse(load_bundle(root)).model_dump(mode="json")
    lost = ("/test_rows", "/operations/features", "/bundle_digest")  # rows only, identity
    named = {"/bundle/interrogation/predictions/path", "/bundle/interrogation/predictions/format"}
    assert {d for d in differences(rows, found) if not d.startswith(lost)} == named
