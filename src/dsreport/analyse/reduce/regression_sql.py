"""A regression task's statistics-table queries (group, values, decision and point rows)
in the SQL of DuckDB, Spark or BigQuery: what docs/analysis.md documents, written out with
the bundle's columns, rungs, gate, settings and seed.

The arithmetic is the reducer's: a row's position counts from 0 in the order the rows are
read (`position`: by default the engine's row order, which DuckDB keeps for one file; name
an ordering where the engine has none), its group is its ordinal in the cell while the
cell holds at most 2,000 rows, else its position hash modulo 2,000 (`values.position_hash`,
31-bit integer arithmetic), and values are exact or on the logarithmic bins of
`values.bin_codes` (with `LN` for numpy's `log`: a value on a bin's edge may fall on the
other side).
"""

from __future__ import annotations

import math

from dsreport.analyse.outcomes import gate_of
from dsreport.analyse.reduce.sql import POSITION, _number, _Sql
from dsreport.analyse.reduce.values import GAMMA
from dsreport.bundle.spec import BundleSpec
from dsreport.load.regression_statistics import COLUMNS, FLAGS, GROUPS, TEXT_COLUMNS

POINTS = 400
INTS = ("group", "n", "ape_n", *FLAGS)
KINDS = {c: "int" if c in INTS else "text" if c in TEXT_COLUMNS else "float" for c in COLUMNS}


class _RegressionSql(_Sql):
    def __init__(self, spec: BundleSpec, dialect: str, table: str, position: str | None) -> None:
        super().__init__(spec, dialect, table)
        self.position = position or POSITION[dialect]
        names = [r for r, _ in self.rungs]
        self.chosen = names.index(spec.ladder.chosen) if spec.ladder.chosen in names else None
        self.baseline = names.index(spec.ladder.baseline) if spec.ladder.baseline in names else None

    def select(self, values: dict[str, str]) -> str:
        return self.typed(values, KINDS)

    def base(self) -> str:
        """The rows: position, split, target, slices (s0 ...) and predictions (r0 ...), then
        the position hash (h) in three mixing rounds."""
        section = self.section
        split = self.text(section.split_column) if section.split_column else self.lit("test")
        columns = [f"{self.position} AS pos", f"{split} AS split"]
        columns += [f"CAST({self.name(section.label_column)} AS {self.double}) AS y"]
        columns += [f"{self.text(c)} AS s{i}" for i, c in enumerate(section.slice_columns)]
        columns += [
            f"CAST({self.name(c)} AS {self.double}) AS r{i}" for i, (_, c) in enumerate(self.rungs)
        ]
        out = "base AS (\n  SELECT " + ",\n         ".join(columns) + f"\n  FROM {self.table}\n)"
        return out + ",\n" + self.hashed("base", self.spec.interrogation.seed)

    def group(self) -> str:
        rows = [
            f"  SELECT split, {self.lit(rung)} AS rung, "
            f"CAST(NULL AS {self.string}) AS slice_column,"
            f" CAST(NULL AS {self.string}) AS slice_value, pos, h, y, r{i} AS yhat FROM hashed"
            for i, (rung, _) in enumerate(self.rungs)
        ]
        if self.chosen is not None:
            rows += [
                f"  SELECT split, {self.lit(self.spec.ladder.chosen)}, {self.lit(column)}, "
                f"s{i}, pos, h,"
                f" y, r{self.chosen} FROM hashed WHERE split = 'test'"
                for i, column in enumerate(self.section.slice_columns)
            ]
        cell = "PARTITION BY split, rung, slice_column, slice_value"
        framed = (
            f"framed AS (\n  SELECT *,\n         ROW_NUMBER() OVER ({cell} ORDER BY pos) - 1 AS "
            f"ordinal,\n         COUNT(*) OVER ({cell}) AS cell_n,\n         FIRST_VALUE(y) OVER "
            f"({cell} ORDER BY pos) AS shift,\n         yhat - y AS e\n  FROM cells\n)"
        )
        grouped = (
            "grouped AS (\n  SELECT *, CASE WHEN cell_n <= "
            f"{GROUPS} THEN ordinal ELSE MOD(h, {GROUPS}) END AS grp\n  FROM framed\n)"
        )
        values = {
            "part": "'group'",
            "split": "split",
            "rung": "rung",
            "slice_column": "slice_column",
            "slice_value": "slice_value",
            "group": "grp",
            "n": "COUNT(*)",
            "shift": "shift",
            "abs_sum": "SUM(ABS(e))",
            "sq_sum": "SUM(e * e)",
            "ape_sum": "SUM(CASE WHEN y <> 0 THEN ABS(e) / ABS(y) ELSE 0 END)",
            "ape_n": "SUM(CASE WHEN y <> 0 THEN 1 ELSE 0 END)",
            "sape_sum": "SUM(CASE WHEN ABS(y) + ABS(yhat) > 0 "
            "THEN 2 * ABS(e) / (ABS(y) + ABS(yhat)) ELSE 0 END)",
            "y_sum": "SUM(y - shift)",
            "y2_sum": "SUM((y - shift) * (y - shift))",
        }
        cells = "cells AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        return (
            f"WITH {self.base()},\n{cells},\n{framed},\n{grouped}\n{self.select(values)}\n"
            "FROM grouped\nGROUP BY split, rung, slice_column, slice_value, grp, shift"
        )

    def bin(self, x: str, binning: str) -> str:
        if binning == "exact":
            return x
        log = _number(math.log(GAMMA))
        k = f"CEIL(LN(ABS({x})) / {log})"
        middle = f"EXP({k} * {log}) * 2 / {_number(GAMMA + 1)}"
        return f"CASE WHEN {x} = 0 THEN 0 ELSE SIGN({x}) * ({middle}) END"

    def values(self, binning: str) -> str:
        rows = ["  SELECT split, 'label' AS quantity, y AS x FROM base"]
        if self.chosen is not None:
            r = f"r{self.chosen}"
            test = "FROM base WHERE split = 'test'"
            rows += [f"  SELECT split, 'prediction', {r} {test}"]
            rows += [f"  SELECT split, 'residual', {r} - y {test}"]
            rows += [
                f"  SELECT split, {self.lit('prediction:' + s.name)}, {r} {test} AND y >= "
                f"{_number(s.default)}"
                for s in self.spec.system_design.settings
            ]
        quantities = "quantities AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        binned = f"binned AS (\n  SELECT split, quantity, {self.bin('x', binning)} AS v\n"
        binned += "  FROM quantities WHERE x IS NOT NULL\n)"
        values = {"part": "'values'", "split": "split", "quantity": "quantity", "value": "v"}
        values["n"] = "COUNT(*)"
        return (
            f"WITH {self.base()},\n{quantities},\n{binned}\n{self.select(values)}\nFROM binned\n"
            "GROUP BY split, quantity, v"
        )

    def decision(self) -> str:
        gate = _number(gate_of(self.spec))
        other = f"r{self.baseline}" if self.baseline is not None else None

        def acted(x: str | None) -> str:
            return "0" if x is None else f"CASE WHEN {x} >= {gate} THEN 1 ELSE 0 END"

        rows = [
            f"  SELECT {self.lit(rung)} AS rung, {acted('y')} AS at_gate, "
            f"{acted(f'r{i}')} AS acted,"
            f" {acted(other)} AS other_acted FROM base WHERE split = 'test'"
            for i, (rung, _) in enumerate(self.rungs)
        ]
        values = {"part": "'decision'", "split": "'test'", "rung": "rung"}
        values |= {"other_rung": self.lit(self.spec.ladder.baseline), "n": "COUNT(*)"}
        values |= {flag: flag for flag in FLAGS}
        decided = "decided AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        return (
            f"WITH {self.base()},\n{decided}\n{self.select(values)}\nFROM decided\n"
            "GROUP BY rung, at_gate, acted, other_acted"
        )

    def point(self) -> str:
        if self.chosen is None:
            return ""
        values = {"part": "'point'", "split": "'test'", "rung": self.lit(self.spec.ladder.chosen)}
        values |= {"group": "pos", "value": "y", "other_value": f"r{self.chosen}"}
        return (
            f"WITH {self.base()}\n{self.select(values)}\nFROM (SELECT * FROM hashed WHERE split "
            f"= 'test' ORDER BY h, pos LIMIT {POINTS}) AS sample"
        )


def regression_sql(
    spec: BundleSpec,
    dialect: str = "duckdb",
    binning: str = "exact",
    table: str = "predictions",
    position: str | None = None,
) -> dict[str, str]:
    """The group, values, decision and point queries of a regression bundle. `binning`:
    "exact" when no quantity holds more than 50,000 distinct values (`values.EXACT_VALUES`),
    else "log". `position`: an expression for each row's 0-based position (by default the
    engine's own row order)."""
    sql = _RegressionSql(spec, dialect, table, position)
    out = {
        "group": sql.group(),
        "values": sql.values(binning),
        "decision": sql.decision(),
        "point": sql.point(),
    }
    return {part: query for part, query in out.items() if query}
