"""Confidence intervals: Wilson for proportions, seeded percentile bootstrap for the rest."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np


def wilson(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion; well-behaved at 0, 1 and small n."""
    if n <= 0:
        return (0.0, 1.0)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0)) / denom
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return (low, high)


def percentile_intervals(
    batches: dict[str, np.ndarray[Any, Any]], level: float = 0.95
) -> dict[str, tuple[float, float]]:
    """Percentile intervals from arrays of bootstrap replicates, by metric name.

    The metrics whose replicates are all finite (most) go through one `np.percentile`
    along rows: the same figures as one call each, at a fraction of the cost."""
    out = {}
    tail = (1 - level) / 2 * 100
    whole = [
        name
        for name, values in batches.items()
        if values.dtype == np.float64 and values.ndim == 1 and np.isfinite(values).all()
    ]
    together: dict[str, Any] = {}
    if len({len(batches[name]) for name in whole}) == 1 and len(batches[whole[0]]) >= 20:
        found = np.percentile(np.stack([batches[n] for n in whole]), [tail, 100 - tail], axis=1)
        together = dict(zip(whole, found.T, strict=True))
    for name, values in batches.items():
        if name in together:
            low, high = together[name]
            out[name] = (float(low), float(high))
            continue
        arr = values[np.isfinite(values)]
        if len(arr) < max(20, len(values) // 2):
            continue
        low, high = np.percentile(arr, [tail, 100 - tail])
        out[name] = (float(low), float(high))
    return out


def replicate_intervals(
    values: dict[str, np.ndarray[Any, Any]], level: float = 0.95
) -> dict[str, tuple[float, float]]:
    """Percentile intervals from each metric's replicates, one `np.percentile` each over
    the finite ones; none where fewer than 20 (or half) are finite."""
    out = {}
    tail = (1 - level) / 2 * 100
    for name, series in values.items():
        arr = series[np.isfinite(series)]
        if len(arr) < max(20, len(series) // 2):
            continue
        low, high = np.percentile(arr, [tail, 100 - tail])
        out[name] = (float(low), float(high))
    return out


def contain(point: float, interval: tuple[float, float]) -> tuple[float, float]:
    """Widen a percentile interval to contain its point estimate (skewed, tiny samples)."""
    low, high = interval
    return (min(low, point), max(high, point))
