"""One pass over a multiclass task's predictions, batch by batch, to `MultiStats`.

Counts, all exact and summed batch by batch: the confusion matrix and top-k hits of every
split and rung, and of every slice value of the chosen rung's test rows; the classes of
every split and the slice sizes; on the test rows, the joint (truth, prediction A,
prediction B) cube of the chosen rung with every other (paired comparisons), each rung's
top probability by correct or not (coverage, gates, settings, the confidence
distribution) and each rung's (acted, right) cells jointly with the baseline's (the
outcome). The gate reads the top probability as the table gives it: a row at 0.8 whose
rounded probabilities sum to 1.000001 stays at the gate 0.8, as its reader sees it.
Probabilities: per group the rows themselves while few (`multisample`), and sums and grid
histograms over every row for a group past the bound (`multiproba`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dsreport.analyse import multiproba as rowproba
from dsreport.analyse.reduce.classcounts import ClassCounts
from dsreport.analyse.reduce.multiproba import ProbaRows, ProbaSums
from dsreport.analyse.reduce.multisample import Sample, sample_order
from dsreport.analyse.reduce.probastore import OPEN, ProbaStore
from dsreport.analyse.reduce.reducer import order
from dsreport.analyse.reduce.scorebins import ScoreBins
from dsreport.bundle.spec import BundleSpec
from dsreport.load.bins import ROWS_KEPT
from dsreport.load.columns import factor, rows_by_code
from dsreport.load.tables import BATCH_ROWS

Array = NDArray[np.float64]
Codes = NDArray[np.int64]
CHUNK = 100_000
"""Rows reduced at once. Counts do not depend on it; the probability sums (log loss,
Brier) are added chunk by chunk from each batch's start, so their last bits follow where
the batches are cut: at whole multiples of the batch size, in memory and streamed alike
(`load.aligned`), whatever the files' row groups."""


@dataclass
class Group:
    """One split (every rung) or one slice value (the chosen rung): exact counts and the
    probabilities' rows and sums."""

    matrix: dict[str, Array] = field(default_factory=dict)
    hits: dict[str, float] = field(default_factory=dict)
    sample: Sample = field(default_factory=Sample)
    sums: dict[str, ProbaSums] = field(default_factory=dict)


@dataclass
class MultiStats:
    """What every multiclass fact reads from the predictions."""

    classes: list[str]
    chosen: str
    baseline: str
    gate: float
    top_k: dict[str, bool]
    """Rung -> whether it has top-k hits (scores for more than `top_k` classes)."""
    proba: list[str]
    """Rungs with per-class probabilities."""
    splits: dict[str, Group]
    split_counts: dict[str, dict[str, int]]
    slices: dict[str, dict[str, Group]]
    """Slice column -> value -> the chosen rung's test rows of that value."""
    slice_counts: dict[str, dict[str, int]]
    confidence: dict[str, ScoreBins]
    """Rung -> test rows by top probability: [wrong, right] per bin; `missing` rows."""
    cubes: dict[str, Array]
    """Other rung -> (truth, chosen's prediction, other's prediction) counts, test rows."""
    outcome: dict[str, Array]
    """Rung -> 16 cells: test rows by (acted, right) of the rung, then of the baseline
    (all in the baseline's (no, no) cell when the baseline has no probabilities)."""
    digest: tuple[list[str], list[str], list[str]] | None = None
    """The chosen rung's test rows (ids, truth, prediction) while at most ROWS_KEPT."""


class MultiReducer:
    def __init__(self, spec: BundleSpec) -> None:
        section = spec.interrogation.predictions
        assert section is not None
        self.section = section
        self.classes = list(spec.interrogation.classes)
        self.lookup = {c: i for i, c in enumerate(self.classes)}
        self.top_k = spec.interrogation.top_k
        self.rungs = {r.id: r for r in spec.ladder.rungs if r.score_column}
        self.chosen, self.baseline = spec.ladder.chosen, spec.ladder.baseline
        outcome = spec.ecosystem.outcome
        gate = outcome.gate if outcome is not None else None
        self.gate = spec.interrogation.operating_threshold if gate is None else gate
        self.proba: list[str] = []
        self.splits: dict[str, Group] = {}
        self.split_counts: dict[str, dict[str, int]] = {}
        self.slices: dict[str, dict[str, Group]] = {c: {} for c in section.slice_columns}
        self.slice_counts: dict[str, dict[str, int]] = {c: {} for c in section.slice_columns}
        self.confidence: dict[str, ScoreBins] = {}
        self.cubes: dict[str, Array] = {}
        self.outcome: dict[str, Array] = {}
        self.has_k: dict[str, bool] = {}
        self.position = 0
        self.digest: list[tuple[list[str], list[str], list[str]]] | None = []
        self.test_seen = 0
        self.numbers: dict[str, dict[str, int]] = {c: {} for c in section.slice_columns}
        """Slice column -> value -> its number in the store's rows."""
        self.store = ProbaStore(len(self.classes), self._bars)
        self.by_number: dict[str, list[Group]] = {c: [] for c in section.slice_columns}
        self.counts = ClassCounts(
            len(self.classes), lambda column, n: self.by_number[column][n].sums[self.chosen]
        )

    def columns(self, present: list[str]) -> list[str]:
        """The columns a batch needs; a rung's probabilities only when all are present."""
        s = self.section
        wanted = [s.id_column, s.label_column, s.split_column, *s.slice_columns]
        for rung in self.rungs.values():
            wanted.append(rung.score_column)
            names = [f"{rung.proba_prefix}{c}" for c in self.classes] if rung.proba_prefix else []
            if names and all(n in present for n in names):
                self.proba.append(rung.id)
                wanted += names
        self.confidence = {r: ScoreBins() for r in self.proba}
        return list(dict.fromkeys(c for c in wanted if c))

    def _index(self, series: pd.Series) -> Codes:
        codes, texts = factor(series)
        index = np.array([self.lookup.get(t, -1) for t in texts], dtype=np.int64)
        return np.asarray(index[codes], dtype=np.int64)

    def add(self, batch: pd.DataFrame) -> None:
        """Rows in pieces of at most CHUNK: the per-row arrays of a piece (probabilities
        and their grid bins for every rung) then stay small whatever the batch."""
        for start in range(0, len(batch), CHUNK):
            self._add(batch.iloc[start : start + CHUNK])

    def _add(self, batch: pd.DataFrame) -> None:
        n = len(batch)
        if n == 0:
            return
        s, k = self.section, len(self.classes)
        positions = np.arange(self.position, self.position + n, dtype=np.int64)
        self.position += n
        truth = self._index(batch[s.label_column])
        predicted = {r: self._index(batch[rung.score_column]) for r, rung in self.rungs.items()}
        scores, proba = {}, {}
        for r in self.proba:
            prefix = self.rungs[r].proba_prefix
            columns = [f"{prefix}{c}" for c in self.classes]
            scores[r] = np.column_stack([_floats(batch[c]) for c in columns])
            proba[r] = rowproba.normalised(scores[r])
        tops = {r: scores[r].max(axis=1) for r in self.proba}  # the gate reads these
        hits = {r: _hits(truth, scores[r], self.top_k) for r in self.proba if k > self.top_k}
        if s.split_column:
            codes, names = factor(batch[s.split_column])
        else:
            codes, names = np.zeros(n, dtype=np.int32), ["test"]
        for code, name in enumerate(names):
            sel = codes == code
            if not sel.any():
                continue
            every = bool(sel.all())

            def pick(a: Any, sel: Any = sel, every: bool = every) -> Any:
                return a if every else a[sel]

            group = self.splits.setdefault(name, Group())
            _count(self.split_counts.setdefault(name, {}), batch[s.label_column], sel, every)
            t = pick(truth)
            rows = {r: pick(p) for r, p in proba.items()}
            for r in self.rungs:
                _confuse(group, r, t, pick(predicted[r]), k, pick(hits[r]) if r in hits else None)
                self.has_k[r] = r in hits
            values = {r: ProbaRows.of(t, p) for r, p in rows.items()}
            for r, v in values.items():
                group.sums.setdefault(r, ProbaSums.empty(k)).add_rows(v)
            group.sample.add(pick(positions), t, rows)
            if name == "test" or not s.split_column:
                tested = {r: pick(a) for r, a in predicted.items()}
                h = {r: pick(a) for r, a in hits.items()}
                top = {r: pick(a) for r, a in tops.items()}
                self._test(batch, sel, every, t, tested, (rows, top, values), h, pick(positions))

    def _test(
        self,
        batch: pd.DataFrame,
        sel: Any,
        every: bool,
        truth: Codes,
        predicted: dict[str, Codes],
        probabilities: tuple[dict[str, Array], dict[str, Array], dict[str, ProbaRows]],
        hits: dict[str, Any],
        positions: Codes,
    ) -> None:
        """The test rows of one batch (`sel` of it; all when `every`); `probabilities`: each
        rung's probabilities (renormalised), its top probability as the table gives it, and
        what each row adds to a group's probability sums."""
        k, chosen = len(self.classes), self.chosen
        proba, tops, values = probabilities
        right = {r: (p == truth) & (truth >= 0) for r, p in predicted.items()}
        for r, top in tops.items():
            self.confidence[r].add(top, right[r])
        if chosen in predicted:
            for other, out in predicted.items():
                if other != chosen:
                    cube = self.cubes.setdefault(other, np.zeros(k**3))
                    cube += np.bincount((truth * k + predicted[chosen]) * k + out, minlength=k**3)
        with np.errstate(invalid="ignore"):  # a missing confidence never passes the gate
            acted = {r: np.asarray(top >= self.gate) for r, top in tops.items()}
        base: Any = 0
        if self.baseline in tops:
            base = acted[self.baseline] * 2 + right[self.baseline]
        for r in tops:
            cells = (acted[r] * 2 + right[r]) * 4 + base
            joint = self.outcome.setdefault(r, np.zeros(16))
            joint += np.bincount(np.asarray(cells, dtype=np.int64), minlength=16)
        if chosen not in predicted:
            return
        ranks = sample_order(positions) if chosen in proba and self.slices else None
        entered = np.zeros(len(positions), dtype=bool)  # rows some sample keeps
        groups = np.zeros((len(positions), len(self.slices)), dtype=np.int32)
        counted: dict[str, NDArray[np.int32]] = {}  # columns whose class counts wait
        for place, column in enumerate(self.slices):
            codes, names = factor(batch[column] if every else batch[column][sel])
            counts = np.bincount(codes, minlength=len(names))
            ends = np.cumsum(counts)
            by_code = rows_by_code(codes)  # each value's rows, in table order
            into = self.slice_counts[column]
            found = [self.slices[column].get(n) or self._slice(column, n) for n in names]
            later = ranks is not None and self.counts.fits(len(self.numbers[column]))
            for code, name in enumerate(names):
                into[name] = into.get(name, 0) + int(counts[code])
                at = by_code[ends[code] - counts[code] : ends[code]]
                group = found[code]
                h = hits[chosen][at] if chosen in hits else None
                _confuse(group, chosen, truth[at], predicted[chosen][at], k, h)
                if ranks is not None:
                    group.sums.setdefault(chosen, ProbaSums.empty(k)).add_rows(
                        values[chosen].take(at, cells=not later)
                    )
                    # the probabilities are read only for rows that may enter the sample
                    under = group.sample.admit(positions[at], ranks[at])
                    kept = at if under is None else at[under]
                    group.sample.keep(positions[kept], truth[kept], {})
                    entered[kept] = True
            if ranks is not None:
                numbers = self.numbers[column]
                groups[:, place] = np.array([numbers[n] for n in names], np.int32)[codes]
                if later:
                    counted[column] = groups[:, place]
        if ranks is not None:
            cells = values[chosen].cells
            assert cells is not None
            self.counts.add(cells, counted)
            rows = np.flatnonzero(entered)
            self.store.add(positions[rows], proba[chosen][rows], groups[rows])
        self._keep(batch, sel, every, truth, predicted[chosen])

    def _slice(self, column: str, name: str) -> Group:
        """A new slice value's group: its sample keeps the chosen rung's probabilities in
        the reducer's one store (a row is in some eight samples at once)."""
        group = self.slices[column][name] = Group()
        group.sample.store, group.sample.rung = self.store, self.chosen
        self.numbers[column][name] = len(self.numbers[column])
        self.by_number[column].append(group)
        return group

    def _bars(self) -> list[Codes]:
        """Each slice column's samples' bars, by their number in `numbers`."""
        out = []
        for column, numbers in self.numbers.items():
            groups = self.slices[column]
            bars = [groups[name].sample.bar for name in numbers]
            out.append(np.array([OPEN if b is None else b for b in bars], dtype=np.int64))
        return out

    def _keep(self, batch: pd.DataFrame, sel: Any, every: bool, truth: Codes, out: Codes) -> None:
        self.test_seen += len(truth)
        if self.digest is None or self.test_seen > ROWS_KEPT:
            self.digest = None
            return
        if self.section.id_column not in batch.columns:
            self.digest = None
            return
        ids = batch[self.section.id_column]
        labels = batch[self.section.label_column]
        if not every:
            ids, labels = ids[sel], labels[sel]
        self.digest.append((_texts(ids), _texts(labels), [self.classes[i] for i in out.tolist()]))

    def result(self) -> MultiStats:
        self.counts.flush()
        digest: tuple[list[str], list[str], list[str]] | None = None
        if self.digest is not None and self.test_seen:
            digest = ([], [], [])
            for part in self.digest:
                for whole, bit in zip(digest, part, strict=True):
                    whole.extend(bit)
        return MultiStats(
            classes=self.classes,
            chosen=self.chosen,
            baseline=self.baseline,
            gate=self.gate,
            top_k=self.has_k,
            proba=self.proba,
            splits=_ordered(self.splits),
            split_counts=self.split_counts,
            slices={c: _ordered(g) for c, g in self.slices.items()},
            slice_counts=self.slice_counts,
            confidence=self.confidence,
            cubes=self.cubes,
            outcome=self.outcome,
            digest=digest,
        )


def _ordered(groups: dict[str, Group]) -> dict[str, Group]:
    names = list(groups)
    return {names[i]: groups[names[i]] for i in order(names)}


def _floats(series: pd.Series) -> Array:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _texts(series: pd.Series) -> list[str]:
    codes, texts = factor(series)
    return [texts[c] for c in codes.tolist()]


def _count(into: dict[str, int], series: pd.Series, sel: Any, every: bool) -> None:
    codes, texts = factor(series if every else series[sel])
    for text, c in zip(texts, np.bincount(codes, minlength=len(texts)).tolist(), strict=True):
        if c:
            into[text] = into.get(text, 0) + c


def _confuse(group: Group, rung: str, truth: Codes, predicted: Codes, k: int, hits: Any) -> None:
    """Add rows to the group's confusion matrix (and top-k hits) of `rung`."""
    cells = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k)
    group.matrix[rung] = group.matrix.get(rung, np.zeros((k, k))) + cells
    if hits is not None:
        group.hits[rung] = group.hits.get(rung, 0.0) + float(hits.sum())


def _hits(truth: Codes, scores: Array, top_k: int) -> NDArray[np.bool_]:
    """Whether each row's true class is among its `top_k` highest scores (ties as
    scikit-learn: a stable sort reversed puts the higher class index first)."""
    k = scores.shape[1]
    true_score = scores[np.arange(len(truth)), truth]
    above = scores > true_score[:, None]
    tied = (scores == true_score[:, None]) & (np.arange(k)[None, :] > truth[:, None])
    return np.asarray((above | tied).sum(axis=1) < top_k)


def reduce_multiclass(
    spec: BundleSpec, batches: Callable[[list[str]], Iterable[pd.DataFrame]], present: list[str]
) -> MultiStats:
    """The multiclass predictions' statistics, in one pass over the batches of the columns
    it needs (any cut); `present`: the table's columns."""
    reducer = MultiReducer(spec)
    for batch in batches(reducer.columns(present)):
        reducer.add(batch)
    return reducer.result()


def multiclass_stats(spec: BundleSpec, table: Any) -> MultiStats:
    """The statistics of a predictions table, batch by batch when it streams its rows."""

    def batches(columns: list[str]) -> Iterable[pd.DataFrame]:
        return cast(Iterable[pd.DataFrame], table.batches(columns, batch_rows(len(columns))))

    return reduce_multiclass(spec, batches, list(table.columns))


def batch_rows(columns: int) -> int:
    """Rows a batch of `columns` columns holds: about the cells of half a default batch of
    a dozen columns (ten classes' probabilities are some twenty columns with the rest, four
    rungs' some forty), in whole CHUNKs: batches start at whole multiples of their size,
    streamed or in memory (`load.aligned`), so the chunks start where a default batch's do
    and the facts are the same bits. Half: at ten million rows of 23 columns, a peak of
    1.33 GB instead of 1.50 GB (pyarrow's default row groups) for about 1.06 of the time."""
    return max(CHUNK, BATCH_ROWS * 6 // max(columns, 1) // CHUNK * CHUNK)
