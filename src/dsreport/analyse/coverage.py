"""What a confidence gate trades: the share of cases the model handles alone against the
error rate among them, for a multiclass model with per-class scores.

A model that acts only above a confidence (auto-entry above 0.8, say) is judged on the
cases it lets through; the curve shows every gate at once and the declared one is marked.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dsreport.analyse import format as F
from dsreport.analyse.reduce.scorebins import ScoreBins
from dsreport.bundle.spec import BundleSpec

MAX_POINTS = 200


def declared_gate(spec: BundleSpec) -> float | None:
    """The confidence gate of a multiclass bundle: its operating threshold, else the one
    threshold its reported metrics of the chosen rung were measured at."""
    if spec.project.task != "multiclass":
        return None
    if spec.interrogation.threshold is not None:
        return spec.interrogation.threshold
    chosen = spec.ladder.chosen
    found = {
        m.threshold
        for m in spec.interrogation.metrics
        if m.threshold is not None and (m.rung or chosen) == chosen
    }
    return found.pop() if len(found) == 1 else None


def curve(confidence: Any, correct: Any) -> list[list[float]]:
    """`curve_of` the rows' confidences and whether each is correct."""
    return curve_of(_bins(confidence, correct))


def curve_of(bins: ScoreBins) -> list[list[float]]:
    """[confidence, coverage, error rate among the covered] for every gate, from the most
    confident case down (at most `MAX_POINTS`, always ending at full coverage)."""
    n = bins.n
    every = bins.counts.sum(axis=1)[::-1]
    held = every > 0
    if n == 0 or not held.any():
        return []
    scores = bins.values[::-1][held]
    covered = np.cumsum(every[held])
    wrong = np.cumsum(bins.counts[::-1, 0][held])
    # a gate admits every case at or above it: one point per distinct score (or bin)
    points = np.column_stack([scores, covered / n, wrong / covered])
    if len(points) > MAX_POINTS:
        keep = np.unique(np.linspace(0, len(points) - 1, MAX_POINTS).astype(int))
        points = points[keep]
    return [[float(a), float(b), float(c)] for a, b, c in points]


def gate_point(confidence: Any, correct: Any, gate: float) -> dict[str, Any]:
    """`gate_point_of` the rows' confidences and whether each is correct."""
    return gate_point_of(_bins(confidence, correct), gate)


def _bins(confidence: Any, correct: Any) -> ScoreBins:
    bins = ScoreBins()
    bins.add(np.asarray(confidence, dtype=np.float64), np.asarray(correct, dtype=np.int64))
    return bins


def gate_point_of(bins: ScoreBins, gate: float) -> dict[str, Any]:
    """Coverage and error rate at `gate`, with their formatted strings."""
    n = bins.n
    covered, right = bins.at_or_above(gate)
    errors = covered - right
    point: dict[str, Any] = {
        "threshold": gate,
        "n": n,
        "covered": covered,
        "errors": errors,
        "coverage": covered / n if n else 0.0,
    }
    point["coverage_text"] = F.fmt("share", point["coverage"])
    if covered:
        point["error_rate"] = errors / covered
        point["error_rate_text"] = F.fmt("error_rate", point["error_rate"])
    return point


def with_texts(point: dict[str, float]) -> dict[str, Any]:
    """A binary operating point with its formatted strings (`fpr_text`, ...)."""
    out: dict[str, Any] = dict(point)
    out["threshold_text"] = F.plain(point["threshold"])
    for key in ("fpr", "tpr", "precision"):
        if key in point:
            out[f"{key}_text"] = F.fmt("share", point[key])
    return out


def coverage_charts(
    spec: BundleSpec, ev: Any
) -> tuple[dict[str, list[list[float]]], dict[str, dict[str, Any]]]:
    """Coverage curves of every rung with confidences, and the chosen rung's point at the
    declared gate (when there is one)."""
    stats = ev.multi
    curves = {}
    points = {}
    gate = declared_gate(spec)
    for rung, bins in (stats.confidence if stats is not None else {}).items():
        curves[rung] = curve_of(bins)
        if gate is not None and rung == spec.ladder.chosen:
            point = gate_point_of(bins, gate)
            point["threshold_text"] = F.plain(gate)
            points[rung] = point
    return curves, points
