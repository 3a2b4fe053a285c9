"""`MultiStats` as the documented statistics table (`load/multiclass_statistics.py`), and
back: the count, matrix, top-k, cube, outcome and confidence rows (exact counts), the
sample rows (the rows each group keeps) and, for a group past the bound, its sums and
grid histograms: what an SQL engine writes too (`multiclass_sql`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.analyse import multiproba as rowproba
from dsreport.analyse.outcomes import gate_of
from dsreport.analyse.reduce.multiclass import Group, MultiStats
from dsreport.analyse.reduce.multiproba import SIZE, ProbaSums
from dsreport.analyse.reduce.multisample import Sample
from dsreport.analyse.reduce.reducer import order
from dsreport.analyse.reduce.scorebins import ScoreBins
from dsreport.bundle.spec import BundleSpec
from dsreport.load.bins import GRID
from dsreport.load.multiclass_statistics import (
    COLUMNS,
    INTS,
    NUMBER_COLUMNS,
    PROBA,
    TEXT_COLUMNS,
    WHERE,
    grouped,
)
from dsreport.load.statcells import Text, numbers

Array = NDArray[np.float64]
Index = NDArray[np.intp]
Key = tuple[str, str | None, str | None]
"""A group: (split, slice column, slice value); a split's own group has no slice."""
SUMS = ("n", "loss_sum", "sq_sum")
GRID_VALUES = np.arange(SIZE, dtype=np.float64) / GRID


def to_frame(stats: MultiStats) -> pd.DataFrame:
    """The statistics table, part by part."""
    classes = np.array(stats.classes, dtype=object)
    parts: list[dict[str, Any]] = [
        {"part": "count", "split": split, "label": list(counts), "n": list(counts.values())}
        for split, counts in stats.split_counts.items()
    ]
    groups: list[tuple[Key, Group]] = [((s, None, None), g) for s, g in stats.splits.items()]
    groups += [
        (("test", column, value), g)
        for column, values in stats.slices.items()
        for value, g in values.items()
    ]
    for (split, column, value), group in groups:
        where = {"split": split, "slice_column": column, "slice_value": value}
        parts += _group(where, group, classes)
    parts += _test(stats, classes)
    out = pd.concat([pd.DataFrame(p) for p in parts], ignore_index=True)
    proba = [f"{PROBA}{c}" for c in stats.classes]
    for column in (*COLUMNS, *proba):
        if column not in out.columns:
            out[column] = None if column in TEXT_COLUMNS else np.nan
    out = out[[*COLUMNS, *proba]]
    for column in (*NUMBER_COLUMNS, *proba):
        out[column] = out[column].astype("Int64" if column in INTS else "float64")
    return out.astype(dict.fromkeys(TEXT_COLUMNS, "object"))


def _group(where: dict[str, Any], group: Group, classes: Any) -> list[dict[str, Any]]:
    """A group's matrix, top_k and sample rows, and past the bound its sums."""
    parts = []
    for rung, matrix in group.matrix.items():
        truth, out = np.nonzero(matrix)
        cells = {"label": classes[truth], "predicted": classes[out], "n": matrix[truth, out]}
        parts.append({"part": "matrix", **where, "rung": rung, **cells})
    for rung, hits in group.hits.items():
        parts.append({"part": "top_k", **where, "rung": rung, "n": [hits]})
    positions, kept, proba = group.sample.kept()
    for rung, p in proba.items():
        row = {"part": "sample", **where, "rung": rung, "position": positions}
        row |= {"label": classes[kept]}
        parts.append(row | {f"{PROBA}{c}": p[:, i] for i, c in enumerate(classes)})
    if not group.sample.exact:
        for rung, sums in group.sums.items():
            parts += _sums(where | {"rung": rung}, sums, classes)
    return parts


def _test(stats: MultiStats, classes: Any) -> list[dict[str, Any]]:
    """The cube, outcome and confidence rows (test split)."""
    k, parts = len(classes), []
    for other, cube in stats.cubes.items():
        cells = np.flatnonzero(cube)
        truth, rest = np.divmod(cells, k * k)
        mine, theirs = np.divmod(rest, k)
        row: dict[str, Any] = {
            "part": "cube",
            "split": "test",
            "rung": stats.chosen,
            "other_rung": other,
        }
        row |= {"label": classes[truth], "predicted": classes[mine]}
        parts.append(row | {"other_predicted": classes[theirs], "n": cube[cells]})
    for rung, joint in stats.outcome.items():
        cells = np.flatnonzero(joint)
        row = {"part": "outcome", "split": "test", "rung": rung}
        row["other_rung"] = stats.baseline
        row |= {"acted": cells // 8, "right": cells // 4 % 2}
        row |= {"other_acted": cells // 2 % 2, "other_right": cells % 2}
        parts.append(row | {"n": joint[cells]})
    for rung, bins in stats.confidence.items():
        at, right = np.nonzero(bins.counts)
        row = {"part": "confidence", "split": "test", "rung": rung, "binning": bins.binning}
        parts.append(row | {"score": bins.values[at], "right": right, "n": bins.counts[at, right]})
    return parts


def _sums(where: dict[str, Any], sums: ProbaSums, classes: Any) -> list[dict[str, Any]]:
    """A group's sums row, its class_bin rows and its top_bin rows (non-empty bins)."""
    rows = [where | {"part": "sums", "n": [sums.n], "loss_sum": sums.loss, "sq_sum": sums.brier}]
    c, own, at = np.nonzero(sums.classes)
    rows.append(
        where
        | {"part": "class_bin", "label": classes[c], "right": own, "score": GRID_VALUES[at]}
        | {"n": sums.classes[c, own, at]}
    )
    for right in (1, 0):  # top: [n, loss, sq] of the right rows, then of the wrong ones
        n, loss, sq = sums.top[1 - right], sums.top[3 - right], sums.top[5 - right]
        at = np.flatnonzero(n)
        row = {"part": "top_bin", "right": right, "score": GRID_VALUES[at], "n": n[at]}
        rows.append(where | row | {"loss_sum": loss[at], "sq_sum": sq[at]})
    return rows


class _Rows:
    """The table's cells as codes and numbers, and its rows grouped by text columns."""

    def __init__(self, spec: BundleSpec, frame: pd.DataFrame) -> None:
        self.text = {c: Text.of(frame[c]) for c in TEXT_COLUMNS}
        self.classes = list(spec.interrogation.classes)
        self.proba = [f"{PROBA}{c}" for c in self.classes]
        self.v = {c: numbers(frame[c]) for c in (*NUMBER_COLUMNS, *self.proba)}

    def of(self, part: str, *columns: str) -> dict[tuple[str | None, ...], Index]:
        return grouped(self.text, part, *columns)

    def index(self, column: str, rows: Index) -> Index:
        """Each row's class index (of `label`, `predicted` or `other_predicted`)."""
        text = self.text[column]
        lookup = np.array([self.classes.index(n) for n in text.names] + [0], dtype=np.intp)
        return np.asarray(lookup[text.codes[rows]], dtype=np.intp)

    def n(self, rows: Index) -> Array:
        return self.v["n"][rows]


def from_statistics(spec: BundleSpec, frame: pd.DataFrame) -> MultiStats:
    """The `MultiStats` a statistics table holds (checked by `multiclass_problems`)."""
    t = _Rows(spec, frame)
    classes, k = t.classes, len(t.classes)
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    chosen = spec.ladder.chosen
    sampled = t.of("sample", *WHERE, "rung")
    proba = [r for r in rungs if any(key[3] == r for key in sampled)]
    groups: dict[Key, Group] = {}
    for (*key, rung), rows in t.of("matrix", *WHERE, "rung").items():
        group = groups.setdefault(_key(key), Group())
        matrix = np.zeros(k * k)
        np.add.at(matrix, t.index("label", rows) * k + t.index("predicted", rows), t.n(rows))
        group.matrix[str(rung)] = matrix.reshape(k, k)
    for (*key, rung), rows in t.of("top_k", *WHERE, "rung").items():
        groups.setdefault(_key(key), Group()).hits[str(rung)] = float(t.n(rows).sum())
    split_counts: dict[str, dict[str, int]] = {}
    for (split, label), rows in t.of("count", "split", "label").items():
        split_counts.setdefault(str(split), {})[str(label)] = round(float(t.n(rows).sum()))
    for split in split_counts:
        groups.setdefault((split, None, None), Group())
    for (split, column, value), group in groups.items():
        group.matrix = {r: group.matrix[r] for r in rungs if r in group.matrix}
        group.hits = {r: group.hits[r] for r in rungs if r in group.hits}
        if column is None:
            seen = sum(split_counts.get(split, {}).values())
        else:
            mine = group.matrix.get(chosen)
            seen = round(float(mine.sum())) if mine is not None and chosen in proba else 0
        kept = {r: sampled.get((split, column, value, r)) for r in proba}
        group.sample = _sample(t, seen, kept)

    def sums_of(key: list[str | None], rung: str | None) -> ProbaSums:
        group = groups.setdefault(_key(key), Group())
        return group.sums.setdefault(str(rung), ProbaSums.empty(k))

    for (*key, rung), rows in t.of("sums", *WHERE, "rung").items():
        sums = sums_of(key, rung)
        sums.n, sums.loss, sums.brier = (float(t.v[c][rows].sum()) for c in SUMS)
    for (*key, rung), rows in t.of("class_bin", *WHERE, "rung").items():
        cells = (t.index("label", rows) * 2 + t.v["right"][rows].astype(np.intp)) * SIZE
        cells += np.rint(t.v["score"][rows] * GRID).astype(np.intp)
        filled = _counts(cells, t.n(rows), k * 2 * SIZE)
        sums_of(key, rung).classes = filled.reshape(k, 2, SIZE)
    for (*key, rung), rows in t.of("top_bin", *WHERE, "rung").items():
        top = sums_of(key, rung).top
        at = np.rint(t.v["score"][rows] * GRID).astype(np.intp)
        wrong = 1 - t.v["right"][rows].astype(np.intp)
        for q, column in enumerate(SUMS):
            np.add.at(top, (2 * q + wrong, at), t.v[column][rows])
    splits = {s: groups[(s, None, None)] for s in _ordered(list(split_counts))}
    section = spec.interrogation.predictions
    assert section is not None
    slices: dict[str, dict[str, Group]] = {}
    for column in section.slice_columns:
        found = {key[2]: g for key, g in groups.items() if key[1] == column and key[2] is not None}
        slices[column] = {v: found[v] for v in _ordered(list(found))}
    slice_counts = {
        column: {
            v: round(float(g.matrix[chosen].sum())) for v, g in values.items() if chosen in g.matrix
        }
        for column, values in slices.items()
    }
    cubes: dict[str, Array] = {}
    for (other,), rows in t.of("cube", "other_rung").items():
        cells = (t.index("label", rows) * k + t.index("predicted", rows)) * k
        cells += t.index("other_predicted", rows)
        cubes[str(other)] = _counts(cells, t.n(rows), k**3)
    outcome: dict[str, Array] = {}
    for (rung,), rows in t.of("outcome", "rung").items():
        f = [t.v[c][rows].astype(np.intp) for c in ("acted", "right", "other_acted", "other_right")]
        flags = f[0] * 8 + f[1] * 4 + f[2] * 2 + f[3]
        outcome[str(rung)] = _counts(flags, t.n(rows), 16)
    confidence = {r: ScoreBins() for r in proba}
    for (rung, binning), rows in t.of("confidence", "rung", "binning").items():
        scores, right = t.v["score"][rows], t.v["right"][rows]
        confidence[str(rung)] = _bins(str(binning), scores, right, t.n(rows))
    return MultiStats(
        classes=classes,
        chosen=chosen,
        baseline=spec.ladder.baseline,
        gate=gate_of(spec),
        top_k={r: any(r in g.hits for g in groups.values()) for r in rungs},
        proba=proba,
        splits=splits,
        split_counts=split_counts,
        slices=slices,
        slice_counts=slice_counts,
        confidence=confidence,
        cubes={r: cubes[r] for r in rungs if r in cubes},
        outcome={r: outcome[r] for r in proba if r in outcome},
    )


def _counts(cells: Index, n: Array, size: int) -> Array:
    return np.asarray(np.bincount(cells, weights=n, minlength=size), dtype=np.float64)


def _key(key: Any) -> Key:
    return str(key[0]), key[1], key[2]


def _ordered(names: list[str]) -> list[str]:
    return [names[i] for i in order(names)]


def _sample(t: _Rows, seen: int, rows: dict[str, Index | None]) -> Sample:
    """A group's kept rows in table order, each rung's probabilities as the pass has them
    (a row off 1 by more than rounding divided by its sum)."""
    sample = Sample(seen=seen)
    found = {r: np.asarray(at) for r, at in rows.items() if at is not None}
    if not found:
        return sample
    proba = {}
    positions = truth = np.zeros(0, np.int64)
    for rung, at in found.items():
        at = at[np.argsort(t.v["position"][at], kind="stable")]
        positions = t.v["position"][at].astype(np.int64)
        truth = t.index("label", at).astype(np.int64)
        scores = np.column_stack([t.v[c][at] for c in t.proba])
        proba[rung] = rowproba.normalised(scores)
    sample.parts = [(positions, truth, proba)]
    sample.held = len(positions)
    return sample


def _bins(binning: str, scores: Array, right: Array, n: Array) -> ScoreBins:
    values = GRID_VALUES if binning == "grid" else np.unique(scores)
    if binning == "grid":
        at = np.rint(scores * GRID).astype(np.intp)
    else:
        at = np.searchsorted(values, scores)
    counts = np.zeros((len(values), 2))
    np.add.at(counts, (at, right.astype(np.intp)), n)
    return ScoreBins(binning, values, counts)
