"""Two rungs without shared predictions: a test from both rungs' own uncertainty, or none.

Each side's standard error comes from, in order: its interval (reported or computed,
half-width / z), its number of rows for a known proportion (sqrt(p(1 − p) / n)), or its
cross-validation spread (standard deviation over folds / sqrt(folds)). The difference's
interval is d ± z·sqrt(se_a² + se_b²). When the two values were measured on the same test
rows this ignores their correlation and is wider than a paired test: it can miss a real
difference, never invent one. When either side has none of the three, the rungs are "not
comparable": no interval and no claim of significance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from dsreport.analyse.compare.model import Comparison

PROPORTIONS = frozenset(
    {"accuracy", "precision", "recall", "specificity", "top_k_accuracy", "micro_f1", "error_rate"}
)
Z = NormalDist().inv_cdf(0.975)


@dataclass
class Estimate:
    """One rung's value of a metric and what is known of its uncertainty."""

    value: float
    se: float | None
    source: str
    """How `se` was found, for the method text (e.g. `reported interval`, `n = 85`)."""
    n: int | None = None


def estimate(
    metric: str,
    value: float,
    interval: tuple[float, float, float] | None,
    n: int | None,
    cv: tuple[float, int] | None = None,
) -> Estimate:
    """`interval` is (low, high, level); `cv` is (standard deviation, folds)."""
    if interval is not None:
        low, high, level = interval
        z = NormalDist().inv_cdf(0.5 + level / 2)
        if high > low:
            return Estimate(value, (high - low) / (2 * z), "its interval", n)
    if n and metric in PROPORTIONS and 0 <= value <= 1:
        p = min(max(value, 0.5 / n), 1 - 0.5 / n)  # never a zero spread at 0% or 100%
        return Estimate(value, math.sqrt(p * (1 - p) / n), f"n = {n:,}", n)
    if cv is not None and cv[1] > 1:
        std, folds = cv
        return Estimate(value, std / math.sqrt(folds), f"{folds}-fold cross-validation", n)
    return Estimate(value, None, "a value only", n)


def unpaired(
    metric: str,
    chosen: str,
    other: str,
    a: Estimate,
    b: Estimate,
    lower_is_better: bool | None = None,
) -> Comparison:
    delta = a.value - b.value
    if a.se is None or b.se is None:
        missing, source = (other, b.source) if b.se is None else (chosen, a.source)
        interval, n, kind = None, 0, "not_comparable"
        method = (
            f"not comparable: {missing} has {source} (no interval, n or cross-validation spread)"
        )
    else:
        half = Z * math.sqrt(a.se**2 + b.se**2)
        sizes = [x for x in (a.n, b.n) if x]
        interval, n, kind = (delta - half, delta + half), min(sizes) if sizes else 0, "unpaired"
        method = (
            f"unpaired, from both rungs' uncertainty ({chosen}: {a.source}; {other}: {b.source})"
        )
    return Comparison(
        chosen,
        other,
        metric,
        a.value,
        b.value,
        delta,
        interval,
        n,
        method,
        kind=kind,
        lower_is_better=lower_is_better,
    )
