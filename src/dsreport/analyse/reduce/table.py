"""`PredictionStats` as the documented statistics table (`load/statistics.py`), and back.

The table is long: one row per (part, split, rung, slice, label, score bin) with a count
and the sums, only for cells that hold rows. An SQL engine writes the same table with
one GROUP BY per part (docs/analysis.md), so a table that never leaves the warehouse
still gets the analysis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.analyse.reduce.model import PredictionStats, pairs_needed
from dsreport.analyse.reduce.reducer import order
from dsreport.bundle.spec import BundleSpec
from dsreport.load.bins import GRID, pair_values
from dsreport.load.statcells import Mask, Text, numbers
from dsreport.load.statistics import COLUMNS, cells

Array = NDArray[np.float64]
Index = NDArray[np.intp]
Rows = Mask | Index
"""Rows of the table: a mask, or their positions in table order."""


def to_frame(stats: PredictionStats) -> pd.DataFrame:
    """The statistics table: count rows, then score rows, then pair rows."""
    parts: list[pd.DataFrame] = []
    labels = np.array(stats.labels, dtype=object)
    splits = np.array(stats.splits, dtype=object)

    def cells(array: Array, axes: list[Any], **fixed: Any) -> pd.DataFrame:
        """One row per non-empty cell of `array` (quantity first), named along `axes`."""
        n = array[0]
        where = np.nonzero(n)
        columns: dict[str, Any] = dict(fixed)
        for (name, values), index in zip(axes, where, strict=True):
            columns[name] = values[index]
        columns["n"] = n[where].astype(np.int64)
        for q, name in enumerate(("log_loss_sum", "sq_sum", "other_log_loss_sum", "other_sq_sum")):
            if q + 1 < len(array):
                columns[name] = array[q + 1][where]
        return pd.DataFrame(columns)

    parts.append(cells(stats.counts[None], [("split", splits), ("label", labels)], part="count"))
    for column, counts in stats.slice_counts.items():
        values = np.array(stats.slice_values[column], dtype=object)
        parts.append(
            cells(
                counts[None],
                [("slice_value", values), ("label", labels)],
                part="count",
                split="test",
                slice_column=column,
            )
        )
    for rung, hist in stats.hist.items():
        parts.append(
            cells(
                hist,
                [("split", splits), ("score", stats.values), ("label", labels)],
                part="score",
                rung=rung,
                binning=stats.binning,
            )
        )
    for column, cube in stats.slices.items():
        values = np.array(stats.slice_values[column], dtype=object)
        parts.append(
            cells(
                cube,
                [("slice_value", values), ("score", stats.values), ("label", labels)],
                part="score",
                split="test",
                rung=stats.chosen,
                slice_column=column,
                binning=stats.binning,
            )
        )
    for (a, b), joint in stats.pairs.items():
        frame = cells(
            joint[[0, 1, 2]],
            [("label", labels), ("score", stats.pair_values), ("other_score", stats.pair_values)],
            part="pair",
            split="test",
            rung=a,
            other_rung=b,
        )
        where = np.nonzero(joint[0])
        frame["other_log_loss_sum"] = joint[3][where]
        frame["other_sq_sum"] = joint[4][where]
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    for column in COLUMNS:
        if column not in out.columns:
            out[column] = np.nan if column in ("score", "other_score") else None
    out = out[list(COLUMNS)]
    for column in ("score", "other_score", "log_loss_sum", "sq_sum"):
        out[column] = out[column].astype("float64")
    for column in ("other_log_loss_sum", "other_sq_sum"):
        out[column] = out[column].astype("float64")
    return out


def from_statistics(spec: BundleSpec, frame: pd.DataFrame) -> PredictionStats:
    """The `PredictionStats` a statistics table holds (checked by `statistics_problems`).

    Every text column is compared as codes and every histogram filled by one bincount
    over the cells' flat indices: a 1.6-million-row table reads in a fraction of a second.
    """
    t = cells(frame)
    v = {c: numbers(frame[c]) for c in ("score", "other_score", "n")}
    sums = {
        c: numbers(frame[c])
        for c in ("log_loss_sum", "sq_sum", "other_log_loss_sum", "other_sq_sum")
    }
    part = t["part"]
    sliced = t["slice_column"].present()
    counted, scored, paired = part.eq("count"), part.eq("score"), part.eq("pair")
    labels = _listed(t["label"], counted | scored | paired)
    splits = _listed(t["split"], counted & ~sliced)
    label_at = {x: i for i, x in enumerate(labels)}
    split_at = {x: i for i, x in enumerate(splits)}
    binning = "grid" if (scored & t["binning"].eq("grid")).any() else "exact"
    if binning == "grid":
        values = np.arange(GRID + 1, dtype=np.float64) / GRID
    else:
        values = np.unique(v["score"][scored])
    B, L, S = len(values), len(labels), len(splits)

    def bins(rows: Rows) -> Index:
        score = v["score"][rows]
        if binning == "grid":
            return np.asarray(np.rint(score * GRID), dtype=np.intp)
        return np.asarray(np.searchsorted(values, score), dtype=np.intp)

    def codes(column: str, rows: Rows, at: dict[str, int]) -> Index:
        """Positions in `at` of the column's cells on `rows` (-1: not there)."""
        text = t[column]
        lookup = np.array([at.get(name, -1) for name in text.names] + [-1], dtype=np.intp)
        return np.asarray(lookup[text.codes[rows]], dtype=np.intp)

    def fill(
        shape: tuple[int, ...], rows: Rows, index: tuple[Index, ...], weights: list[Array]
    ) -> Array:
        """`weights` summed on `rows` into cells `index` of `shape`, one array per weight
        (a -1 index wraps to the last cell, as numpy indexing does; an empty cell adds 0)."""
        flat = np.ravel_multi_index(index, shape, mode="wrap")
        size = int(np.prod(shape))

        def summed(w: Array) -> Array:
            found = w[rows]
            found[np.isnan(found)] = 0.0
            summed = np.bincount(flat, weights=found, minlength=size).reshape(shape)
            return np.asarray(summed, dtype=np.float64)

        return np.stack([summed(w) for w in weights])

    three = [v["n"], sums["log_loss_sum"], sums["sq_sum"]]
    rows = counted & ~sliced
    counts = fill(
        (S, L), rows, (codes("split", rows, split_at), codes("label", rows, label_at)), three[:1]
    )[0]
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    hist = {}
    index: tuple[Index, ...]
    for rung in rungs:
        rows = scored & ~sliced & t["rung"].eq(rung)
        if rows.any():
            index = (codes("split", rows, split_at), bins(rows), codes("label", rows, label_at))
            hist[rung] = fill((S, B, L), rows, index, three)
    section = spec.interrogation.predictions
    assert section is not None
    slice_values, slices, slice_counts = {}, {}, {}
    # the slice rows (most of a large table) taken once; each column's are then picked
    # from them by one comparison of codes, in table order
    taken = np.flatnonzero(sliced & (counted | scored))
    taken_column = t["slice_column"].codes[taken]
    for column in section.slice_columns:
        mine = taken[taken_column == _code(t["slice_column"], column)]
        names = _listed(t["slice_value"], mine)
        at = {x: i for i, x in enumerate(names)}
        slice_values[column] = names
        rows = mine[counted[mine]]
        index = (codes("slice_value", rows, at), codes("label", rows, label_at))
        slice_counts[column] = fill((len(names), L), rows, index, three[:1])[0]
        rows = mine[scored[mine]]
        index = (codes("slice_value", rows, at), bins(rows), codes("label", rows, label_at))
        slices[column] = fill((len(names), B, L), rows, index, three)
    grid = pair_values(spec.interrogation.operating_threshold)
    k = len(grid)
    pairs = {}
    for a, b in pairs_needed(rungs, spec.ladder.chosen, spec.ladder.baseline):
        rows = paired & t["rung"].eq(a) & t["other_rung"].eq(b)
        if not rows.any():
            continue
        index = (
            codes("label", rows, label_at),
            np.searchsorted(grid, v["score"][rows]),
            np.searchsorted(grid, v["other_score"][rows]),
        )
        weights = [*three, sums["other_log_loss_sum"], sums["other_sq_sum"]]
        pairs[(a, b)] = fill((L, k, k), rows, index, weights)
    return PredictionStats(
        binning=binning,
        values=values,
        labels=labels,
        positive=spec.interrogation.positive_label,
        splits=splits,
        chosen=spec.ladder.chosen,
        threshold=spec.interrogation.operating_threshold,
        hist=hist,
        slice_values=slice_values,
        slices=slices,
        counts=counts,
        slice_counts=slice_counts,
        pair_values=grid,
        pairs=pairs,
        test_rows=None,
    )


def _listed(text: Text, rows: Rows) -> list[str]:
    found = list(text.found(rows))
    return [found[i] for i in order(found)]


def _code(text: Text, name: str) -> int:
    """The code of `name` in `text` (-2, no cell's code, when no cell holds it)."""
    return text.names.index(name) if name in text.names else -2
