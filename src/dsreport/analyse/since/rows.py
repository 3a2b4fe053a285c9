"""The per-row digest a build keeps, and pairing two builds' digests on the same rows.

A metric's change between two reviews is paired, like a comparison of two rungs, only
when both models scored the same rows with the same truth. The facts of a build
therefore carry the chosen rung's test output row by row (`Facts.test_rows`: ids, truth,
output; up to `ROWS_KEPT` rows), so the last review's PDF, facts.json or output folder is
all a later build needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsreport.analyse import reduce
from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.facts import RowsFact
from dsreport.bundle.spec import BundleSpec
from dsreport.load.tables import Table

ROWS_KEPT = reduce.ROWS_KEPT
"""Above this many test rows the facts keep no digest (it would be megabytes of JSON in
every PDF); a later review then compares unpaired, from both builds' intervals. A binary
task's reducer keeps the chosen rung's test rows only up to this many."""


def _floats(values: Any) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def row_digest(spec: BundleSpec, table: Table | None, ev: Evaluation | None) -> RowsFact | None:
    """The chosen rung's test rows, or None (no predictions, no column, too many rows)."""
    section = spec.interrogation.predictions
    if section is not None and ev is not None and spec.project.task == "binary":
        return _binary_digest(spec, ev)
    if section is not None and ev is not None and spec.project.task == "regression":
        return _regression_digest(spec, ev)
    if section is not None and ev is not None and spec.project.task == "multiclass":
        return _multiclass_digest(spec, ev)
    return None


def _binary_digest(spec: BundleSpec, ev: Evaluation) -> RowsFact | None:
    """The test rows the reducer kept (none from a statistics table, or above ROWS_KEPT)."""
    kept = ev.stats.test_rows if ev.stats is not None else None
    if kept is None or not 0 < len(kept.ids) <= ROWS_KEPT:
        return None
    return RowsFact(
        rung=spec.ladder.chosen,
        ids=list(kept.ids),
        truth=list(kept.labels),
        output=list(_floats(kept.scores)),
        threshold=spec.interrogation.operating_threshold,
    )


def _regression_digest(spec: BundleSpec, ev: Evaluation) -> RowsFact | None:
    """The test rows the reducer kept (none from a statistics table, or above ROWS_KEPT)."""
    kept = ev.regression.test_rows if ev.regression is not None else None
    if kept is None or not 0 < len(kept.ids) <= ROWS_KEPT:
        return None
    return RowsFact(
        rung=spec.ladder.chosen,
        ids=list(kept.ids),
        truth=list(_floats(kept.truth)),
        output=list(_floats(kept.output)),
        threshold=None,
    )


def _multiclass_digest(spec: BundleSpec, ev: Evaluation) -> RowsFact | None:
    """The chosen rung's test rows the reducer kept (none above ROWS_KEPT)."""
    kept = ev.multi.digest if ev.multi is not None else None
    if kept is None or not 0 < len(kept[0]) <= ROWS_KEPT:
        return None
    ids, truth, output = kept
    return RowsFact(
        rung=spec.ladder.chosen,
        ids=ids,
        truth=list[str | float | None](truth),
        output=list[str | float | None](output),
        threshold=None,
    )


@dataclass
class Pairs:
    """Both models' outputs on the same rows, in the current build's order, as
    `compare.paired` reads them."""

    rows: dict[str, Any]
    n: int
    changed: int
    """Rows whose output differs between the two builds."""


def _same_truth(a: str | float | None, b: str | float | None) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def pair(
    before: RowsFact | None,
    after: RowsFact | None,
    task: str,
    positive: str | None,
    classes: list[str],
    names: tuple[str, str],
) -> Pairs | str:
    """The two digests lined up by id, or why they cannot be (a phrase for the facts).

    `names` are the keys the two outputs get in `rows` (now, before)."""
    if before is None or after is None:
        missing = "the last review" if before is None else "this review"
        return f"{missing} kept no per-row predictions of its chosen model"
    if len(set(after.ids)) != len(after.ids) or len(set(before.ids)) != len(before.ids):
        return "the test ids are not unique, so rows cannot be matched"
    position = {row_id: i for i, row_id in enumerate(before.ids)}
    if set(position) != set(after.ids):
        new = len(set(after.ids) - set(position))
        gone = len(set(position) - set(after.ids))
        return (
            f"the test rows differ ({new:,} new, {gone:,} no longer there, of {len(after.ids):,})"
        )
    order = [position[row_id] for row_id in after.ids]
    old_truth = [before.truth[i] for i in order]
    relabelled = sum(not _same_truth(a, b) for a, b in zip(old_truth, after.truth, strict=True))
    if relabelled:
        return f"{relabelled:,} test rows have a different truth than in the last review"
    old = [before.output[i] for i in order]
    if any(v is None for v in (*old, *after.output)):
        return "some test rows have no output in one of the reviews"
    now_key, before_key = names
    if task == "multiclass":
        index = {c: i for i, c in enumerate(classes)}
        if any(v not in index for v in (*old, *after.truth)):
            return "the last review used classes this one does not declare"
        truth: Any = np.array([index[str(v)] for v in after.truth], dtype=np.int64)
        outputs = {
            now_key: np.array([index[str(v)] for v in after.output], dtype=np.int64),
            before_key: np.array([index[str(v)] for v in old], dtype=np.int64),
        }
        key = "predicted"
    else:
        if task == "binary":
            truth = np.array([v == positive for v in after.truth], dtype=bool)
        else:
            truth = np.array(after.truth, dtype=float)
        outputs = {
            now_key: np.array(after.output, dtype=float),
            before_key: np.array(old, dtype=float),
        }
        key = "scores" if task == "binary" else "predicted"
    changed = int((outputs[now_key] != outputs[before_key]).sum())
    return Pairs({"truth": truth, key: outputs}, len(order), changed)


def at_threshold(scores: Any, old: float, new: float) -> Any | None:
    """The last review's scores mapped monotonically so that judging them at `new` gives
    the decisions they had at `old`: score ≥ old exactly when mapped ≥ new. Ranking metrics
    are unchanged by the map; probability metrics are computed on the scores as they were.
    None when no map can (a threshold of 0 or 1 on one side only)."""
    scores = np.asarray(scores, dtype=float)
    if old == new:
        return scores
    if not (0 < old < 1 and 0 < new < 1):
        return None
    low = np.minimum(scores * (new / old), np.nextafter(new, -math.inf))
    high = np.maximum(new + (scores - old) * ((1 - new) / (1 - old)), new)
    return np.where(scores < old, low, high)
