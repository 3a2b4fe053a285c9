"""`RegressionSummary` as the documented statistics table (`load/regression_statistics.py`),
and back: the group, values, decision and point rows an SQL engine writes too."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dsreport.analyse import regression
from dsreport.analyse.reduce.reducer import order
from dsreport.analyse.reduce.regression import (
    Cell,
    RegressionCell,
    RegressionSummary,
)
from dsreport.analyse.reduce.values import ValueCounts, merged
from dsreport.bundle.spec import BundleSpec
from dsreport.load.regression_statistics import COLUMNS, FLAGS, GROUPS, SUM_COLUMNS, TEXT_COLUMNS
from dsreport.load.statcells import numbers

INTS = ("group", "n", *FLAGS)


def to_frame(summary: RegressionSummary) -> pd.DataFrame:
    """The statistics table: group rows, values rows, decision rows, then point rows."""
    parts: list[pd.DataFrame] = []
    for (split, rung, column, value), cell in summary.cells.items():
        filled = np.flatnonzero(cell.sums[:, 0])
        frame: dict[str, Any] = {"part": "group", "split": split, "rung": rung}
        frame |= {"slice_column": column, "slice_value": value, "group": filled}
        frame |= {"n": cell.sums[filled, 0], "shift": cell.shift}
        for j, name in enumerate(SUM_COLUMNS, start=1):
            frame[name] = cell.sums[filled, j]
        parts.append(pd.DataFrame(frame))
    for (quantity, split), found in summary.values.items():
        frame = {"part": "values", "split": split, "quantity": quantity}
        parts.append(pd.DataFrame(frame | {"value": found.values, "n": found.counts}))
    for (rung, baseline), cube in summary.decisions.items():
        at, acted, other = np.nonzero(cube)
        frame = {"part": "decision", "split": "test", "rung": rung, "other_rung": baseline}
        frame |= {"at_gate": at, "acted": acted, "other_acted": other, "n": cube[at, acted, other]}
        parts.append(pd.DataFrame(frame))
    if len(summary.points):
        position, y, yhat = summary.points.T
        frame = {"part": "point", "split": "test", "rung": summary.chosen}
        parts.append(pd.DataFrame(frame | {"group": position, "value": y, "other_value": yhat}))
    out = pd.concat(parts, ignore_index=True)
    for column in COLUMNS:
        if column not in out.columns:
            out[column] = None if column in TEXT_COLUMNS else np.nan
    out = out[list(COLUMNS)]
    for column in COLUMNS:
        if column in INTS:
            out[column] = out[column].astype("Int64")
        elif column not in TEXT_COLUMNS:
            out[column] = out[column].astype("float64")
        else:
            out[column] = out[column].astype("object")
    return out


def from_statistics(spec: BundleSpec, frame: pd.DataFrame) -> RegressionSummary:
    """The `RegressionSummary` a statistics table holds (checked by `regression_problems`)."""
    text = {c: _texts(frame[c]) for c in TEXT_COLUMNS}
    v = {c: numbers(frame[c]) for c in COLUMNS if c not in TEXT_COLUMNS}
    part = text["part"]

    def texts(column: str, rows: Any) -> list[Any]:
        return list(text[column][rows])

    def pairs(a: str, b: str, rows: Any) -> list[tuple[Any, Any]]:
        """The distinct (a, b) texts of `rows`, in table order."""
        return list(dict.fromkeys(zip(texts(a, rows), texts(b, rows), strict=True)))

    grouped = np.flatnonzero(part == "group")
    keys = list(
        zip(
            texts("split", grouped),
            texts("rung", grouped),
            texts("slice_column", grouped),
            texts("slice_value", grouped),
            strict=True,
        )
    )
    by_cell: dict[Cell, list[int]] = {}
    for row, key in zip(grouped.tolist(), keys, strict=True):
        by_cell.setdefault(key, []).append(row)
    splits = [s for s in dict.fromkeys(k[0] for k in by_cell) if s is not None]
    splits = [splits[i] for i in order(splits)]
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    section = spec.interrogation.predictions
    assert section is not None
    slice_values = {}
    for column in section.slice_columns:
        found = [k[3] for k in by_cell if k[2] == column and k[3] is not None]
        names = list(dict.fromkeys(found))
        slice_values[column] = [names[i] for i in order(names)]
    wanted: list[Cell] = [(s, r, None, None) for s in splits for r in rungs]
    wanted += [
        ("test", spec.ladder.chosen, c, value)
        for c, names in slice_values.items()
        for value in names
    ]
    cells = {key: _cell(v, by_cell[key]) for key in wanted if key in by_cell}
    values: dict[tuple[str, str], ValueCounts] = {}
    rows = np.flatnonzero(part == "values")
    for quantity, split in pairs("quantity", "split", rows):
        mine = rows[(text["quantity"][rows] == quantity) & (text["split"][rows] == split)]
        values[(quantity, split)] = merged(v["value"][mine], v["n"][mine])
    decisions: dict[tuple[str, str], Any] = {}
    rows = np.flatnonzero(part == "decision")
    for rung, other in pairs("rung", "other_rung", rows):
        mine = rows[(text["rung"][rows] == rung) & (text["other_rung"][rows] == other)]
        cube = np.zeros((2, 2, 2))
        index = tuple(v[f][mine].astype(np.intp) for f in FLAGS)
        np.add.at(cube, index, v["n"][mine])
        decisions[(rung, other)] = cube
    rows = np.flatnonzero(part == "point")
    points = np.column_stack([v["group"][rows], v["value"][rows], v["other_value"][rows]])
    points = points[np.argsort(points[:, 0], kind="stable")]
    counts = {key[0]: cell.stats.n for key, cell in cells.items() if key[2] is None}
    return RegressionSummary(
        splits, cells, slice_values, values, decisions, points, None, counts, spec.ladder.chosen
    )


def _cell(v: dict[str, Any], rows: list[int]) -> RegressionCell:
    """A cell's groups: the rows themselves up to `GROUPS` rows, else `GROUPS` groups."""
    at = np.asarray(rows)
    n = v["n"][at]
    index = v["group"][at].astype(np.intp)
    size = GROUPS if n.sum() > GROUPS else int(index.max()) + 1
    sums = np.zeros((size, len(regression.SUMS)))
    sums[index, 0] = n
    for j, name in enumerate(SUM_COLUMNS, start=1):
        sums[index, j] = v[name][at]
    return RegressionCell(float(v["shift"][at][0]), sums)


def _texts(series: pd.Series) -> Any:
    """A text column as an object array of stripped texts, None where missing."""
    out = series.astype("string").str.strip().astype(object)
    return np.asarray(out.where(out.notna(), None), dtype=object)
