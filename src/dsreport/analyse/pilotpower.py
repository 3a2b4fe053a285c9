"""A pilot on a proportion of cases, sized by the exact binomial power of its stop rule.

The stop rule reads the pilot's Wilson bound once, at its end. Its power at a size n is
exact: the rule fires on a count of at most k successes (at least k, for a metric where
lower is better), so the power is a binomial tail. The score test's normal formula, which
this replaces, was a few points off 80% on the examples and, for a target near 0 or 1
(where a share's spread vanishes), several times too large.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from dsreport.analyse.intervals import wilson

LIMIT = 10_000_000
"""No pilot is sized past this: a fall that small is not one a pilot can tell."""


def _fires(x: int, n: int, target: float, higher: bool) -> bool:
    low, high = wilson(x, n)
    return high < target if higher else low > target


def _edge(n: int, target: float, higher: bool, z: float) -> int:
    """Higher is better: the most successes on which the rule fires (-1: none). Lower is
    better: the fewest (n + 1: none). The score test gives it to a step, the project's own
    Wilson bound settles it."""
    spread = z * math.sqrt(n * target * (1 - target))
    if higher:
        k = min(n, max(-1, math.ceil(n * target - spread) - 1))
        while k < n and _fires(k + 1, n, target, higher):
            k += 1
        while k >= 0 and not _fires(k, n, target, higher):
            k -= 1
        return k
    k = max(0, min(n + 1, math.floor(n * target + spread) + 1))
    while k > 0 and _fires(k - 1, n, target, higher):
        k -= 1
    while k <= n and not _fires(k, n, target, higher):
        k += 1
    return k


def _at_most(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    x = np.arange(k + 1)
    logs = _log_factorials(1 << n.bit_length())
    terms = logs[n] - logs[x] - logs[n - x] + x * math.log(p) + (n - x) * math.log1p(-p)
    top = float(terms.max())
    return min(1.0, math.exp(top) * float(np.exp(terms - top).sum()))


@cache
def _log_factorials(top: int) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    """log(i!) for i = 0 .. top."""
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, top + 1)))))


def power(n: int, target: float, level: float, higher: bool, z: float) -> float:
    """How often a pilot of n cases fires its stop rule when the proportion is `level`."""
    k = _edge(n, target, higher, z)
    return _at_most(k, n, level) if higher else _at_most(n - k, n, 1 - level)


def cases(target: float, level: float, higher: bool, z: float, want: float, start: int) -> int:
    """The fewest cases (at least `start`) from which on the power stays at `want` or more.

    The power grows with the cases but saws by a few points as the count's steps cross the
    bound (recall 95% against 90%: 80.6% at 182 cases, 76.4% at 185), and the condition asks
    for *at least* so many, so the size is past every dip below `want` found over the next
    quarter of the cases (at most 400 more) beyond the first size that reaches it. The power
    dips only where the rule's count stands still as a case is added (where lower is better:
    moves), and climbs between dips, so only those sizes are computed."""
    first = _first(target, level, higher, z, want, start)
    end = min(first + min(400, max(20, first // 4)), LIMIT)
    dipped, before = 0, _edge(first, target, higher, z)
    for n in range(first + 1, end + 1):
        edge = _edge(n, target, higher, z)
        dips = edge <= before if higher else edge > before
        if dips and power(n, target, level, higher, z) < want:
            dipped = n
        before = edge
    if not dipped:
        return first
    size = dipped + 1  # then climbs back to `want`
    while size < LIMIT and power(size, target, level, higher, z) < want:
        size += 1
    return size


def _first(target: float, level: float, higher: bool, z: float, want: float, start: int) -> int:
    """The first size at which the power reaches `want`, by bisection on the count."""
    if power(start, target, level, higher, z) >= want:
        return start
    low, high = start, start * 2
    while power(high, target, level, higher, z) < want:
        if high >= LIMIT:
            return LIMIT
        low, high = high, min(high * 2, LIMIT)
    while high - low > 1:
        middle = (low + high) // 2
        if power(middle, target, level, higher, z) >= want:
            high = middle
        else:
            low = middle
    return high
