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
from dsreport.load.statistics import COLUMNS, numbers, text

Array = NDArray[np.float64]


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
    """The `PredictionStats` a statistics table holds (checked by `statistics_problems`)."""
    t = {c: text(frame[c]) for c in ("part", "split", "rung", "other_rung", "label")}
    t["slice_column"] = text(frame["slice_column"])
    t["slice_value"] = text(frame["slice_value"])
    v = {c: numbers(frame[c]).to_numpy() for c in ("score", "other_score", "n")}
    sums = {
        c: numbers(frame[c]).fillna(0.0).to_numpy()
        for c in ("log_loss_sum", "sq_sum", "other_log_loss_sum", "other_sq_sum")
    }
    part = t["part"].to_numpy()
    sliced = t["slice_column"].notna().to_numpy()
    counted = part == "count"
    scored = part == "score"
    paired = part == "pair"
    labels = _listed(t["label"][counted | scored | paired])
    splits = _listed(t["split"][counted & ~sliced])
    label_at = {x: i for i, x in enumerate(labels)}
    split_at = {x: i for i, x in enumerate(splits)}
    binning = "grid" if (text(frame["binning"])[scored] == "grid").any() else "exact"
    if binning == "grid":
        values = np.arange(GRID + 1, dtype=np.float64) / GRID
    else:
        values = np.unique(v["score"][scored])
    B, L, S = len(values), len(labels), len(splits)

    def bins(rows: NDArray[np.bool_]) -> NDArray[np.int64]:
        score = v["score"][rows]
        if binning == "grid":
            return np.asarray(np.rint(score * GRID), dtype=np.int64)
        return np.asarray(np.searchsorted(values, score), dtype=np.int64)

    def codes(column: str, rows: NDArray[np.bool_], at: dict[str, int]) -> NDArray[np.int64]:
        found = pd.Categorical(t[column][rows], categories=list(at))
        return np.asarray(found.codes, dtype=np.int64)

    def fill(shape: tuple[int, ...], rows: NDArray[np.bool_], index: tuple[Any, ...]) -> Array:
        out = np.zeros(shape)
        for q, weights in enumerate((v["n"], sums["log_loss_sum"], sums["sq_sum"])):
            np.add.at(out[q], index, weights[rows])
        return out

    counts = np.zeros((S, L))
    rows = counted & ~sliced
    index: tuple[Any, ...] = (codes("split", rows, split_at), codes("label", rows, label_at))
    np.add.at(counts, index, v["n"][rows])
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    hist = {}
    for rung in rungs:
        rows = scored & ~sliced & (t["rung"] == rung).to_numpy()
        if rows.any():
            index = (codes("split", rows, split_at), bins(rows), codes("label", rows, label_at))
            hist[rung] = fill((3, S, B, L), rows, index)
    section = spec.interrogation.predictions
    assert section is not None
    slice_values, slices, slice_counts = {}, {}, {}
    for column in section.slice_columns:
        mine = sliced & (t["slice_column"] == column).to_numpy()
        names = _listed(t["slice_value"][mine & (counted | scored)])
        at = {x: i for i, x in enumerate(names)}
        slice_values[column] = names
        shape = (len(names), L)
        slice_counts[column] = np.zeros(shape)
        rows = mine & counted
        index = (codes("slice_value", rows, at), codes("label", rows, label_at))
        np.add.at(slice_counts[column], index, v["n"][rows])
        rows = mine & scored
        index = (codes("slice_value", rows, at), bins(rows), codes("label", rows, label_at))
        slices[column] = fill((3, len(names), B, L), rows, index)
    grid = pair_values(spec.interrogation.operating_threshold)
    k = len(grid)
    pairs = {}
    for a, b in pairs_needed(rungs, spec.ladder.chosen, spec.ladder.baseline):
        rows = paired & (t["rung"] == a).to_numpy() & (t["other_rung"] == b).to_numpy()
        if not rows.any():
            continue
        joint = np.zeros((5, L, k, k))
        index = (
            codes("label", rows, label_at),
            np.searchsorted(grid, v["score"][rows]),
            np.searchsorted(grid, v["other_score"][rows]),
        )
        weights = [v["n"], sums["log_loss_sum"], sums["sq_sum"]]
        weights += [sums["other_log_loss_sum"], sums["other_sq_sum"]]
        for q, w in enumerate(weights):
            np.add.at(joint[q], index, w[rows])
        pairs[(a, b)] = joint
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


def _listed(series: pd.Series) -> list[str]:
    found = [str(x) for x in pd.unique(series.dropna())]
    return [found[i] for i in order(found)]
