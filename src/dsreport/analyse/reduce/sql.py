"""The statistics table's three queries (count, score, pair rows) for one bundle, in the
SQL of DuckDB, Spark or BigQuery: what docs/analysis.md documents, written out with the
bundle's columns, rungs and threshold so that a warehouse can run them as they are.

The arithmetic is the reducer's, so the table equals `PredictionStats.to_frame()` up to
the order of a sum's terms: bins by `FLOOR(score * 10000 + 1e-9)` (grid) or the score itself
(exact), pair bins by `FLOOR(score * 40)` with the threshold as an edge, losses clipped
at machine epsilon. (`LN(1 - p)` stands in for numpy's `log1p(-p)`: within 1e-16 a row.)
"""

from __future__ import annotations

from collections.abc import Mapping

from dsreport.analyse.binstats import EPS
from dsreport.analyse.reduce.model import pairs_needed
from dsreport.analyse.reduce.values import MASK, MIX
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import UsageError
from dsreport.load.bins import GRID, NUDGE, PAIR_GRID
from dsreport.load.columns import MISSING
from dsreport.load.statistics import COLUMNS

DIALECTS = {"duckdb": ('"', "VARCHAR", "DOUBLE"), "spark": ("`", "STRING", "DOUBLE")}
DIALECTS["bigquery"] = ("`", "STRING", "FLOAT64")
NAMES = {"duckdb": "DuckDB", "spark": "Spark", "bigquery": "BigQuery"}
FLOATS = ("score", "other_score", "log_loss_sum", "sq_sum", "other_log_loss_sum", "other_sq_sum")
TYPES = dict.fromkeys(COLUMNS, "text") | dict.fromkeys(FLOATS, "float") | {"n": "int"}
POSITION = {
    "duckdb": "ROW_NUMBER() OVER () - 1",
    "bigquery": "ROW_NUMBER() OVER () - 1",
    "spark": "ROW_NUMBER() OVER (ORDER BY monotonically_increasing_id()) - 1",
}
"""Each row's 0-based position, by default: the engine's own row order."""


def _number(x: float) -> str:
    """A float literal every engine reads as the same double (17 significant digits)."""
    return f"{float(x):.16e}"


_ESCAPES = {"\\": "\\\\", "'": "\\'", "`": "\\`", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
"""Backslash escapes, for the strings of Spark and BigQuery and BigQuery's quoted names,
where a backslash starts an escape; DuckDB's standard SQL has none."""
BIGQUERY = str.maketrans(_ESCAPES)
SPARK = str.maketrans(_ESCAPES | {"{": "\\{"})
"""Spark also replaces `${name}` anywhere in a statement's text, strings included, with a
variable's or the environment's value before it parses it (`${env:SECRET}`); an escaped
brace is a brace again after that step."""


class _Sql:
    def __init__(self, spec: BundleSpec, dialect: str, table: str) -> None:
        self.dialect = dialect
        self.quote, self.string, self.double = DIALECTS[dialect]
        self.spec, self.table = spec, table
        section = spec.interrogation.predictions
        assert section is not None
        self.section = section
        self.rungs = [(r.id, r.score_column or "") for r in spec.ladder.rungs if r.score_column]
        self.threshold = spec.interrogation.operating_threshold

    def name(self, column: str) -> str:
        """A column of the bundle's as a quoted name the dialect reads back as `column`."""
        if self.dialect == "bigquery":
            return "`" + column.translate(BIGQUERY) + "`"
        if self.dialect == "spark" and "${" in column:  # a name has no escape for it
            raise UsageError(
                f"the column name {column!r} holds '${{', which Spark would replace with a "
                "variable's value",
                hint="rename the column (or the class it is named after), or write the SQL for "
                "another engine",
            )
        q = self.quote
        return q + column.replace(q, q + q) + q

    def lit(self, value: str) -> str:
        """Bundle text (a label, a class, a column's name) as a string literal the dialect
        reads back as `value`, and nothing more: DuckDB doubles a quote and takes a backslash
        as itself; Spark and BigQuery read backslash escapes, where a doubled quote would
        end the string and let the rest of the value run as SQL."""
        if self.dialect == "duckdb":
            return "'" + value.replace("'", "''") + "'"
        return "'" + value.translate(SPARK if self.dialect == "spark" else BIGQUERY) + "'"

    def text(self, column: str) -> str:
        """A column as dsreport reads it: trimmed text, a missing value '(missing)'."""
        return f"COALESCE(TRIM(CAST({self.name(column)} AS {self.string})), {self.lit(MISSING)})"

    def select(self, values: dict[str, str]) -> str:
        """Every column of the table in its order, NULL (typed) where `values` has none."""
        kinds = {"text": self.string, "float": self.double, "int": "BIGINT"}
        if self.double == "FLOAT64":
            kinds["int"] = "INT64"
        parts = []
        for column in COLUMNS:
            value = values.get(column, f"CAST(NULL AS {kinds[TYPES[column]]})")
            parts.append(f"{value} AS {column}")
        return "SELECT " + ",\n       ".join(parts)

    def typed(self, values: dict[str, str], kinds: Mapping[str, str]) -> str:
        """Every column of `kinds` (column -> text, float or int) in its order, NULL (typed)
        where `values` has none."""
        sql = {"text": self.string, "float": self.double, "int": "BIGINT"}
        if self.double == "FLOAT64":
            sql["int"] = "INT64"
        parts = []
        for column, kind in kinds.items():
            value = values.get(column, f"CAST(NULL AS {sql[kind]})")
            parts.append(f"{value} AS {self.name(column)}")
        return "SELECT " + ",\n       ".join(parts)

    def xor(self, a: str, b: str) -> str:
        return f"xor({a}, {b})" if self.dialect == "duckdb" else f"({a} ^ {b})"

    def shift(self, a: str, bits: int) -> str:
        return f"shiftright({a}, {bits})" if self.dialect == "spark" else f"({a} >> {bits})"

    def hashed(self, source: str, seed: int) -> str:
        """CTEs `mix0` to `mix2`, then `hashed`: the rows of `source` (with their position
        `pos`) and each one's position hash `h` (`values.position_hash`), in 64-bit integers
        throughout (Spark's ROW_NUMBER is a 32-bit one, and a product passes 2**31)."""
        big = "INT64" if self.double == "FLOAT64" else "BIGINT"
        rounds = [
            f"{self.xor(f'(CAST(pos AS {big}) & {MASK})', str((seed * MIX[2]) & MASK))} AS a0",
            f"(({self.xor('a0', self.shift('a0', 15))}) * CAST({MIX[0]} AS {big})) & {MASK} AS a1",
            f"(({self.xor('a1', self.shift('a1', 12))}) * CAST({MIX[1]} AS {big})) & {MASK} AS a2",
            f"{self.xor('a2', self.shift('a2', 15))} AS h",
        ]
        out = []
        for i, expression in enumerate(rounds):
            name = f"mix{i}" if i < len(rounds) - 1 else "hashed"
            out.append(f"{name} AS (SELECT *, {expression} FROM {source})")
            source = name
        return ",\n".join(out)

    def base(self) -> str:
        """The rows as text keys and float scores (r0, r1, ... per rung; s0, ... per slice)."""
        section = self.section
        split = self.text(section.split_column) if section.split_column else self.lit("test")
        columns = [f"{split} AS split", f"{self.text(section.label_column)} AS label"]
        columns += [f"{self.text(c)} AS s{i}" for i, c in enumerate(section.slice_columns)]
        columns += [
            f"CAST({self.name(c)} AS {self.double}) AS r{i}" for i, (_, c) in enumerate(self.rungs)
        ]
        return "base AS (\n  SELECT " + ",\n         ".join(columns) + f"\n  FROM {self.table}\n)"

    def losses(self, score: str) -> tuple[str, str]:
        """(log loss, squared error) of one row, as numpy computes them."""
        positive = self.lit(self.spec.interrogation.positive_label or "")
        low, high = _number(EPS), _number(1 - EPS)
        p = f"LEAST(GREATEST({score}, {low}), {high})"
        y = f"CASE WHEN label = {positive} THEN 1.0 ELSE 0.0 END"
        loss = f"CASE WHEN label = {positive} THEN -LN({p}) ELSE -LN(1 - {p}) END"
        return loss, f"({score} - {y}) * ({score} - {y})"

    def count(self) -> str:
        branches = [
            self.select({"part": "'count'", "split": "split", "label": "label", "n": "COUNT(*)"})
            + "\nFROM base\nGROUP BY split, label"
        ]
        for i, column in enumerate(self.section.slice_columns):
            values = {"part": "'count'", "split": "'test'", "slice_column": self.lit(column)}
            values |= {"slice_value": f"s{i}", "label": "label", "n": "COUNT(*)"}
            branches.append(
                self.select(values) + f"\nFROM base\nWHERE split = 'test'\nGROUP BY s{i}, label"
            )
        return f"WITH {self.base()}\n" + "\nUNION ALL\n".join(branches)

    def score(self, binning: str) -> str:
        rows = [
            f"  SELECT split, label, {self.lit(rung)} AS rung, CAST(NULL AS {self.string}) "
            f"AS slice_column, CAST(NULL AS {self.string}) AS slice_value, r{i} AS score "
            "FROM base"
            for i, (rung, _) in enumerate(self.rungs)
        ]
        chosen = next(
            (i for i, (r, _) in enumerate(self.rungs) if r == self.spec.ladder.chosen), None
        )
        if chosen is not None:
            rows += [
                f"  SELECT split, label, {self.lit(self.spec.ladder.chosen)}, {self.lit(column)}, "
                f"s{i}, r{chosen} FROM base WHERE split = 'test'"
                for i, column in enumerate(self.section.slice_columns)
            ]
        grid = f"LEAST(FLOOR(score * {GRID} + {NUDGE:g}), {GRID}) / {GRID}"
        bin_ = "score" if binning == "exact" else grid
        loss, sq = self.losses("score")
        cells = (
            "cells AS (\n  SELECT split, label, rung, slice_column, slice_value, "
            f"{bin_} AS bin,\n         {loss} AS loss,\n         {sq} AS sq\n  FROM scored\n)"
        )
        values = {
            "part": "'score'",
            "split": "split",
            "rung": "rung",
            "slice_column": "slice_column",
            "slice_value": "slice_value",
            "label": "label",
            "binning": self.lit(binning),
            "score": "bin",
            "n": "COUNT(*)",
            "log_loss_sum": "SUM(loss)",
            "sq_sum": "SUM(sq)",
        }
        scored = "scored AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        return (
            f"WITH {self.base()},\n{scored},\n{cells}\n{self.select(values)}\nFROM cells\n"
            "GROUP BY split, rung, slice_column, slice_value, label, bin"
        )

    def pair_bin(self, score: str) -> str:
        t = _number(self.threshold)
        low = f"LEAST(FLOOR({score} * {PAIR_GRID}), {PAIR_GRID}) / {PAIR_GRID}"
        return f"CASE WHEN {score} >= {t} AND {low} < {t} THEN {t} ELSE {low} END"

    def pair(self) -> str:
        index = {rung: i for i, (rung, _) in enumerate(self.rungs)}
        wanted = pairs_needed(list(index), self.spec.ladder.chosen, self.spec.ladder.baseline)
        if not wanted:
            return ""
        rows = [
            f"  SELECT label, {self.lit(a)} AS rung, {self.lit(b)} AS other_rung, "
            f"r{index[a]} AS a, r{index[b]} AS b FROM base WHERE split = 'test'"
            for a, b in wanted
        ]
        loss_a, sq_a = self.losses("a")
        loss_b, sq_b = self.losses("b")
        cells = (
            "cells AS (\n  SELECT label, rung, other_rung,\n"
            f"         {self.pair_bin('a')} AS bin_a,\n"
            f"         {self.pair_bin('b')} AS bin_b,\n"
            f"         {loss_a} AS loss_a,\n         {sq_a} AS sq_a,\n"
            f"         {loss_b} AS loss_b,\n         {sq_b} AS sq_b\n  FROM paired\n)"
        )
        values = {
            "part": "'pair'",
            "split": "'test'",
            "rung": "rung",
            "other_rung": "other_rung",
            "label": "label",
            "score": "bin_a",
            "other_score": "bin_b",
            "n": "COUNT(*)",
            "log_loss_sum": "SUM(loss_a)",
            "sq_sum": "SUM(sq_a)",
            "other_log_loss_sum": "SUM(loss_b)",
            "other_sq_sum": "SUM(sq_b)",
        }
        paired = "paired AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        return (
            f"WITH {self.base()},\n{paired},\n{cells}\n{self.select(values)}\nFROM cells\n"
            "GROUP BY rung, other_rung, label, bin_a, bin_b"
        )


def statistics_sql(
    spec: BundleSpec,
    dialect: str = "duckdb",
    binning: str = "grid",
    table: str = "predictions",
    position: str | None = None,
) -> dict[str, str]:
    """The queries of the bundle's statistics table, by part (a part with nothing to write is
    left out). Binary: `binning` "exact" when the table holds at most 50,000 distinct scores
    over every rung (`binstats.EXACT_LIMIT`), else "grid". Multiclass (`multiclass_sql`) and
    regression (`regression_sql`, "exact" or else its logarithmic bins) count each row's
    `position`: an expression for it, by default the engine's own row order."""
    if spec.project.task == "multiclass":
        from dsreport.analyse.reduce.multiclass_sql import multiclass_sql

        return multiclass_sql(spec, dialect, table, position)
    if spec.project.task == "regression":
        from dsreport.analyse.reduce.regression_sql import regression_sql

        return regression_sql(
            spec, dialect, "exact" if binning == "exact" else "log", table, position
        )
    sql = _Sql(spec, dialect, table)
    out = {"count": sql.count(), "score": sql.score(binning), "pair": sql.pair()}
    return {part: query for part, query in out.items() if query}


def one_statement(queries: Mapping[str, str], task: str, dialect: str, binning: str) -> str:
    """The parts' queries as one statement whose rows are the whole table: every part has
    the table's columns in one order, so their rows append (`UNION ALL`), each query a
    subquery since a WITH clause may not follow UNION ALL. The comment above it says what
    to do with the result; it holds no text from the bundle."""
    head = [f"-- The dsreport statistics table of a {task} bundle, in {NAMES[dialect]} SQL."]
    if task == "binary" and binning == "grid":
        head += [
            "-- Scores in bins of 1/10,000 (ranking metrics within 1e-4 of the rows'); with at",
            "-- most 50,000 distinct scores over every rung, `--binning exact` gives the rows'.",
        ]
    if task == "regression" and binning == "grid":
        head += [
            "-- Values in logarithmic bins (a relative width of 2e-4); with at most 50,000",
            "-- distinct values in every quantity, `--binning exact` gives the rows' figures.",
        ]
    head += [
        "-- Run it where the predictions table is, save the result as Parquet (a file, a folder",
        "-- or files matching a glob) inside the bundle and name it in dsreport.yaml:",
        "--   interrogation.predictions.path: data/statistics.parquet",
        "--   interrogation.predictions.format: statistics",
    ]
    body = "\nUNION ALL\n".join(
        f"SELECT * FROM (\n{query}\n) AS {part}_rows" for part, query in queries.items()
    )
    return "\n".join(head) + "\n" + body + ";\n"
