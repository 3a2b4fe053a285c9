"""A multiclass task's statistics-table queries in the SQL of DuckDB, Spark or BigQuery:
what docs/analysis.md documents, written out with the bundle's columns, classes, rungs,
gate and top-k.

The arithmetic is the reducer's, row by row: a rung's probabilities are divided by their
sum when it is off 1 by more than 1e-6 (the sum taken in numpy's pairwise order, so the
quotient is numpy's to the bit); the top probability is the largest, its class the first
that holds it; a row's position counts from 0 in the order the rows are read (by default
the engine's row order: name an ordering where the engine has none), and a group past
100,000 rows keeps the 100,000 first by (`values.position_hash` of the position, seed 0;
position). Grid bins are `LEAST(FLOOR(p * 10000 + 1e-9), 10000)`, as the binary table's.
"""

from __future__ import annotations

from dsreport.analyse.binstats import EPS, EXACT_LIMIT
from dsreport.analyse.multiproba import EXACT_TOLERANCE
from dsreport.analyse.outcomes import gate_of
from dsreport.analyse.reduce.multisample import BOUND
from dsreport.analyse.reduce.sql import POSITION, _number, _Sql
from dsreport.bundle.spec import BundleSpec
from dsreport.load.bins import GRID, NUDGE
from dsreport.load.multiclass_statistics import COLUMNS, INTS, PROBA, TEXT_COLUMNS

GROUP = "g_split, g_column, g_value"
"""A group: a split (no slice), or a slice value of the test split."""


def pairwise(terms: list[str]) -> str:
    """The sum of `terms` in the order numpy adds a row's values (pairwise, 8 at a time)."""
    n = len(terms)
    if n < 8:
        out = terms[0]
        for term in terms[1:]:
            out = f"({out} + {term})"
        return out
    if n > 128:
        half = n // 2 - (n // 2) % 8
        return f"({pairwise(terms[:half])} + {pairwise(terms[half:])})"
    r = list(terms[:8])
    end = n - n % 8
    for i in range(8, end, 8):
        r = [f"({r[j]} + {terms[i + j]})" for j in range(8)]
    out = f"((({r[0]} + {r[1]}) + ({r[2]} + {r[3]})) + (({r[4]} + {r[5]}) + ({r[6]} + {r[7]})))"
    for term in terms[end:]:
        out = f"({out} + {term})"
    return out


class _MulticlassSql(_Sql):
    def __init__(self, spec: BundleSpec, dialect: str, table: str, position: str | None) -> None:
        super().__init__(spec, dialect, table)
        self.position = position or POSITION[dialect]
        self.classes = list(spec.interrogation.classes)
        self.proba = [f"{PROBA}{c}" for c in self.classes]
        kinds = {
            c: "int" if c in INTS else "text" if c in TEXT_COLUMNS else "float" for c in COLUMNS
        }
        self.kinds = kinds | dict.fromkeys(self.proba, "float")
        ids = [r for r, _ in self.rungs]
        prefixes = {r.id: r.proba_prefix for r in spec.ladder.rungs if r.score_column}
        self.with_proba = [i for i, r in enumerate(ids) if prefixes[r]]
        self.prefix = {i: prefixes[r] or "" for i, r in enumerate(ids)}
        self.chosen = ids.index(spec.ladder.chosen) if spec.ladder.chosen in ids else None
        self.baseline = ids.index(spec.ladder.baseline) if spec.ladder.baseline in ids else None
        self.top_k = spec.interrogation.top_k

    def select(self, values: dict[str, str]) -> str:
        return self.typed(values, self.kinds)

    def p(self, i: int, c: int) -> str:
        return f"p{i}_{c}"

    def q(self, i: int, c: int) -> str:
        return f"q{i}_{c}"

    def base(self) -> str:
        """CTEs up to `rows`: position, split, label and its class index `y`, slices (s0 ...),
        each rung's prediction (d0 ...) and, with probabilities, the raw ones (p0_0 ...),
        the divided ones (q0_0 ...), the top one (t0) and its class (m0), and the top raw
        one (u0), which the gate and the confidence rows read."""
        section, k = self.section, len(self.classes)
        split = self.text(section.split_column) if section.split_column else self.lit("test")
        label = self.text(section.label_column)
        columns = [f"{self.position} AS pos", f"{split} AS split", f"{label} AS label"]
        cases = " ".join(f"WHEN {self.lit(c)} THEN {j}" for j, c in enumerate(self.classes))
        columns.append(f"CASE {label} {cases} ELSE -1 END AS y")
        columns += [f"{self.text(c)} AS s{i}" for i, c in enumerate(section.slice_columns)]
        columns += [f"{self.text(c)} AS d{i}" for i, (_, c) in enumerate(self.rungs)]
        for i in self.with_proba:
            columns += [
                f"CAST({self.name(self.prefix[i] + c)} AS {self.double}) AS {self.p(i, j)}"
                for j, c in enumerate(self.classes)
            ]
        out = "raw AS (\n  SELECT " + ",\n         ".join(columns) + f"\n  FROM {self.table}\n)"
        totals = [
            f"{pairwise([self.p(i, j) for j in range(k)])} AS total{i}" for i in self.with_proba
        ]
        divided = []
        tops = []
        for i in self.with_proba:
            keep = f"ABS(total{i} - 1) <= {_number(EXACT_TOLERANCE)} OR total{i} <= 0"
            divided += [
                f"CASE WHEN {keep} THEN {self.p(i, j)} ELSE {self.p(i, j)} / total{i} END "
                f"AS {self.q(i, j)}"
                for j in range(k)
            ]
            qs = ", ".join(self.q(i, j) for j in range(k))
            tops.append(f"GREATEST({qs}) AS t{i}")
            given = ", ".join(self.p(i, j) for j in range(k))
            tops.append(f"GREATEST({given}) AS u{i}")  # as given: what the gate reads
        argmax = [
            "CASE "
            + " ".join(f"WHEN {self.q(i, j)} = t{i} THEN {j}" for j in range(k))
            + f" END AS m{i}"
            for i in self.with_proba
        ]
        steps = [("totalled", totals), ("divided", divided), ("topped", tops), ("rows", argmax)]
        source = "raw"
        for name, more in steps:
            if more:
                out += f",\n{name} AS (SELECT *, " + ", ".join(more) + f" FROM {source})"
            else:
                out += f",\n{name} AS (SELECT * FROM {source})"
            source = name
        return out

    def grouped(self) -> str:
        """CTEs up to `groups`: every row with its position hash `h`, in its split's group,
        and each test row again in its slice value's group (when the chosen rung has a
        prediction)."""
        null = f"CAST(NULL AS {self.string})"
        rows = [f"  SELECT split AS g_split, {null} AS g_column, {null} AS g_value, * FROM hashed"]
        if self.chosen is not None:
            rows += [
                f"  SELECT 'test', {self.lit(column)}, s{i}, * FROM hashed WHERE split = 'test'"
                for i, column in enumerate(self.section.slice_columns)
            ]
        groups = "groups AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        return f"{self.hashed('rows', 0)},\n{groups}"

    def rungs_of(self, among: list[int]) -> list[tuple[int, str, str]]:
        """(index, rung, the condition on a group) of the rungs `among` each group holds:
        a split's group every rung, a slice's the chosen rung."""
        return [
            (i, self.rungs[i][0], "" if i == self.chosen else " WHERE g_column IS NULL")
            for i in among
        ]

    def where(self) -> dict[str, str]:
        return {"split": "g_split", "slice_column": "g_column", "slice_value": "g_value"}

    def count(self) -> str:
        values = {"part": "'count'", "split": "split", "label": "label", "n": "COUNT(*)"}
        return f"WITH {self.base()}\n{self.select(values)}\nFROM rows\nGROUP BY split, label"

    def matrix(self) -> str:
        rows = [
            f"  SELECT {GROUP}, {self.lit(rung)} AS rung, label, d{i} AS predicted "
            f"FROM groups{cond}"
            for i, rung, cond in self.rungs_of(list(range(len(self.rungs))))
        ]
        cells = "cells AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        values = self.where() | {"part": "'matrix'", "rung": "rung", "label": "label"}
        values |= {"predicted": "predicted", "n": "COUNT(*)"}
        return (
            f"WITH {self.base()},\n{self.grouped()},\n{cells}\n{self.select(values)}\n"
            f"FROM cells\nGROUP BY {GROUP}, rung, label, predicted"
        )

    def hit(self, i: int) -> str:
        """Whether the label is among the rung's `top_k` highest raw probabilities (a tie
        counted above the label when its class comes later, as scikit-learn's)."""
        k = len(self.classes)
        true = "CASE y " + " ".join(f"WHEN {j} THEN {self.p(i, j)}" for j in range(k)) + " END"
        above = " + ".join(
            f"CASE WHEN {self.p(i, j)} > {true} OR ({self.p(i, j)} = {true} AND {j} > y) "
            "THEN 1 ELSE 0 END"
            for j in range(k)
        )
        return f"CASE WHEN {above} < {self.top_k} THEN 1 ELSE 0 END"

    def top_k_hits(self) -> str:
        if len(self.classes) <= self.top_k or not self.with_proba:
            return ""
        rows = [
            f"  SELECT {GROUP}, {self.lit(rung)} AS rung, {self.hit(i)} AS hit FROM groups{cond}"
            for i, rung, cond in self.rungs_of(self.with_proba)
        ]
        hits = "hits AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        values = self.where() | {"part": "'top_k'", "rung": "rung", "n": "SUM(hit)"}
        return (
            f"WITH {self.base()},\n{self.grouped()},\n{hits}\n{self.select(values)}\n"
            f"FROM hits\nGROUP BY {GROUP}, rung"
        )

    def cube(self) -> str:
        c = self.chosen
        others = [i for i in range(len(self.rungs)) if i != c]
        if c is None or not others:
            return ""
        rows = [
            f"  SELECT {self.lit(self.rungs[i][0])} AS other_rung, label, d{c} AS predicted, "
            f"d{i} AS other_predicted FROM rows WHERE split = 'test'"
            for i in others
        ]
        cells = "cells AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        values = {"part": "'cube'", "split": "'test'", "rung": self.lit(self.rungs[c][0])}
        values |= {"other_rung": "other_rung", "label": "label", "predicted": "predicted"}
        values |= {"other_predicted": "other_predicted", "n": "COUNT(*)"}
        return (
            f"WITH {self.base()},\n{cells}\n{self.select(values)}\nFROM cells\n"
            "GROUP BY other_rung, label, predicted, other_predicted"
        )

    def acted(self, i: int) -> str:
        return f"CASE WHEN u{i} >= {_number(gate_of(self.spec))} THEN 1 ELSE 0 END"

    def right(self, i: int) -> str:
        return f"CASE WHEN d{i} = label THEN 1 ELSE 0 END"

    def outcome(self) -> str:
        if not self.with_proba:
            return ""
        b = self.baseline
        known = b is not None and b in self.with_proba
        base_acted = self.acted(b) if known and b is not None else "0"
        base_right = self.right(b) if known and b is not None else "0"
        rows = [
            f"  SELECT {self.lit(self.rungs[i][0])} AS rung, {self.acted(i)} AS acted, "
            f"{self.right(i)} AS right_, {base_acted} AS other_acted, {base_right} AS "
            "other_right FROM rows WHERE split = 'test'"
            for i in self.with_proba
        ]
        cells = "cells AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        values = {"part": "'outcome'", "split": "'test'", "rung": "rung"}
        values |= {"other_rung": self.lit(self.spec.ladder.baseline), "acted": "acted"}
        values |= {"right": "right_", "other_acted": "other_acted", "other_right": "other_right"}
        values["n"] = "COUNT(*)"
        return (
            f"WITH {self.base()},\n{cells}\n{self.select(values)}\nFROM cells\n"
            "GROUP BY rung, acted, right_, other_acted, other_right"
        )

    def grid(self, x: str) -> str:
        return f"LEAST(FLOOR({x} * {GRID} + {NUDGE:g}), {GRID}) / {GRID}"

    def confidence(self) -> str:
        if not self.with_proba:
            return ""
        rows = [
            f"  SELECT {self.lit(self.rungs[i][0])} AS rung, u{i} AS conf, "
            f"{self.right(i)} AS right_ "
            "FROM rows WHERE split = 'test'"
            for i in self.with_proba
        ]
        tops = "tops AS (\n" + "\n  UNION ALL\n".join(rows) + "\n)"
        kinds = (
            "kinds AS (\n  SELECT rung, CASE WHEN COUNT(DISTINCT conf) > "
            f"{EXACT_LIMIT} THEN 'grid' ELSE 'exact' END AS binning\n  FROM tops GROUP BY rung\n)"
        )
        binned = (
            "binned AS (\n  SELECT tops.rung, binning, right_, CASE WHEN binning = 'grid' "
            f"THEN {self.grid('conf')} ELSE conf END AS bin\n"
            "  FROM tops JOIN kinds ON tops.rung = kinds.rung\n)"
        )
        values = {"part": "'confidence'", "split": "'test'", "rung": "rung"}
        values |= {"binning": "binning", "score": "bin", "right": "right_", "n": "COUNT(*)"}
        return (
            f"WITH {self.base()},\n{tops},\n{kinds},\n{binned}\n{self.select(values)}\n"
            "FROM binned\nGROUP BY rung, binning, bin, right_"
        )

    def ranked(self) -> str:
        """CTEs up to `ranked`: each group's rows with their place in its sample order
        (`place`) and the group's size."""
        window = f"PARTITION BY {GROUP}"
        return (
            f"{self.base()},\n{self.grouped()},\n"
            f"ranked AS (\n  SELECT *, ROW_NUMBER() OVER ({window} ORDER BY h, pos) AS place,\n"
            f"         COUNT(*) OVER ({window}) AS size\n  FROM groups\n)"
        )

    def sample(self) -> str:
        branches = []
        for i, rung, cond in self.rungs_of(self.with_proba):
            values = self.where() | {"part": "'sample'", "rung": self.lit(rung)}
            values |= {"position": "pos", "label": "label"}
            values |= {name: self.p(i, j) for j, name in enumerate(self.proba)}
            more = cond.replace(" WHERE", " AND")
            branches.append(f"{self.select(values)}\nFROM ranked\nWHERE place <= {BOUND}{more}")
        if not branches:
            return ""
        return f"WITH {self.ranked()}\n" + "\nUNION ALL\n".join(branches)

    def loss(self, p: str) -> str:
        return f"-LN(LEAST(GREATEST({p}, {_number(EPS)}), {_number(1 - EPS)}))"

    def large(self) -> str:
        """The sums, class_bin and top_bin rows of every group past the bound."""
        k = len(self.classes)
        sums, classes, tops = [], [], []
        for i, rung, cond in self.rungs_of(self.with_proba):
            more = cond.replace(" WHERE", " AND")
            source = f"FROM ranked WHERE size > {BOUND}{more}"
            true = "CASE y " + " ".join(f"WHEN {j} THEN {self.q(i, j)}" for j in range(k)) + " END"
            squares = [
                f"({self.q(i, j)} - CASE WHEN y = {j} THEN 1 ELSE 0 END) * "
                f"({self.q(i, j)} - CASE WHEN y = {j} THEN 1 ELSE 0 END)"
                for j in range(k)
            ]
            values = self.where() | {"part": "'sums'", "rung": self.lit(rung), "n": "COUNT(*)"}
            values |= {"loss_sum": f"SUM({self.loss(true)})", "sq_sum": f"SUM({pairwise(squares)})"}
            sums.append(f"{self.select(values)}\n{source}\nGROUP BY {GROUP}")
            for j, c in enumerate(self.classes):
                classes.append(
                    f"  SELECT {GROUP}, {self.lit(rung)} AS rung, {self.lit(c)} AS label, "
                    f"CASE WHEN y = {j} THEN 1 ELSE 0 END AS right_, "
                    f"{self.grid(self.q(i, j))} AS bin {source}"
                )
            hit = f"CASE WHEN m{i} = y THEN 1 ELSE 0 END"
            tops.append(
                f"  SELECT {GROUP}, {self.lit(rung)} AS rung, {hit} AS right_, "
                f"{self.grid(f't{i}')} "
                f"AS bin, CASE WHEN m{i} = y THEN {self.loss(f't{i}')} ELSE "
                f"-LN(1 - LEAST(GREATEST(t{i}, {_number(EPS)}), {_number(1 - EPS)})) END AS loss, "
                f"(t{i} - {hit}) * (t{i} - {hit}) AS sq {source}"
            )
        if not sums:
            return ""
        where = self.where() | {"rung": "rung", "right": "right_", "score": "bin"}
        by_class = self.select(where | {"part": "'class_bin'", "label": "label", "n": "COUNT(*)"})
        by_top = self.select(
            where
            | {"part": "'top_bin'", "n": "COUNT(*)", "loss_sum": "SUM(loss)", "sq_sum": "SUM(sq)"}
        )
        branches = [
            *sums,
            f"{by_class}\nFROM class_cells\nGROUP BY {GROUP}, rung, label, right_, bin",
            f"{by_top}\nFROM top_cells\nGROUP BY {GROUP}, rung, right_, bin",
        ]
        cells = [
            "class_cells AS (\n" + "\n  UNION ALL\n".join(classes) + "\n)",
            "top_cells AS (\n" + "\n  UNION ALL\n".join(tops) + "\n)",
        ]
        return (
            f"WITH {self.ranked()},\n" + ",\n".join(cells) + "\n" + "\nUNION ALL\n".join(branches)
        )


def multiclass_sql(
    spec: BundleSpec,
    dialect: str = "duckdb",
    table: str = "predictions",
    position: str | None = None,
) -> dict[str, str]:
    """The queries of a multiclass bundle's statistics table, by part (a part with nothing
    to write is left out): run each and append the results. `position`: an expression for
    each row's 0-based position (by default the engine's own row order)."""
    sql = _MulticlassSql(spec, dialect, table, position)
    out = {
        "count": sql.count(),
        "matrix": sql.matrix(),
        "top_k": sql.top_k_hits(),
        "cube": sql.cube(),
        "outcome": sql.outcome(),
        "confidence": sql.confidence(),
        "sample": sql.sample(),
        "large": sql.large(),
    }
    return {part: query for part, query in out.items() if query}
