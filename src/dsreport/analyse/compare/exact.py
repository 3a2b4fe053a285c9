"""Exact tests for paired proportions: McNemar's test and its matching interval.

For a proportion counted on the same rows by two rungs (accuracy on all rows, recall on
the positives, specificity on the negatives), only the discordant rows carry information:
`b` where the chosen rung is right and the other wrong, `c` the reverse. Given b + c = m,
b is Binomial(m, π) and the difference of the proportions is (2π − 1)·m / n.

The interval of the difference comes from the Clopper-Pearson interval of π, so it
excludes zero exactly when the two-sided exact McNemar p-value (twice the smaller tail)
is below 0.05: the interval and the p-value never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

NORMAL_FROM = 20_000
"""Above this many discordant pairs the binomial is replaced by its normal approximation."""


def _log_pmf(m: int, p: float) -> NDArray[np.float64]:
    steps = np.arange(m, dtype=np.float64)
    log_choose = np.concatenate([[0.0], np.cumsum(np.log(m - steps) - np.log(steps + 1))])
    k = np.arange(m + 1, dtype=np.float64)
    with np.errstate(divide="ignore"):
        out: NDArray[np.float64] = log_choose + k * math.log(p) + (m - k) * math.log1p(-p)
    return out


def _tail(log_pmf: NDArray[np.float64], upto: int) -> float:
    part = log_pmf[: upto + 1]
    top = float(part.max())
    if not math.isfinite(top):
        return 0.0
    return math.exp(top) * float(np.exp(part - top).sum())


def mcnemar(b: int, c: int) -> float:
    """Exact two-sided McNemar p-value from the discordant counts (binomial, p = 1/2).

    Summed in log space, so a million discordant pairs cost milliseconds.
    """
    n = b + c
    if n == 0:
        return 1.0
    return min(1.0, 2.0 * _tail(_log_pmf(n, 0.5), min(b, c)))


def _bisect(f: Callable[[float], bool], lo: float, hi: float) -> float:
    for _ in range(60):
        mid = (lo + hi) / 2
        if f(mid):
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def clopper_pearson(k: int, m: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a binomial proportion k / m."""
    if m == 0:
        return (0.0, 1.0)
    alpha = (1 - level) / 2
    if m > NORMAL_FROM:
        from statistics import NormalDist

        z = NormalDist().inv_cdf(1 - alpha)
        p = k / m
        half = z * math.sqrt(max(p * (1 - p), 0.25 / m) / m)
        return (max(0.0, p - half), min(1.0, p + half))

    def upper_tail(p: float) -> float:  # P(X >= k | p)
        return 1.0 - _tail(_log_pmf(m, p), k - 1) if k > 0 else 1.0

    def lower_tail(p: float) -> float:  # P(X <= k | p)
        return _tail(_log_pmf(m, p), k)

    low = 0.0 if k == 0 else _bisect(lambda p: upper_tail(p) >= alpha, 0.0, 1.0)
    high = 1.0 if k == m else _bisect(lambda p: lower_tail(p) <= alpha, 0.0, 1.0)
    return (low, high)


def paired_difference(b: int, c: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Interval of (b − c) / n from the exact interval of b / (b + c)."""
    m = b + c
    if m == 0 or n == 0:
        return (0.0, 0.0)
    low, high = clopper_pearson(b, m, level)
    return ((2 * low - 1) * m / n, (2 * high - 1) * m / n)
