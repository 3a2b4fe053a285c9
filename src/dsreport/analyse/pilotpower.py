"""A pilot on a proportion of cases, sized by the exact binomial power of its stop rule.

The stop rule reads the pilot's Wilson bound once, at its end. Its power at a size n is
exact: the rule fires on a count of at most k successes (at least k, for a metric where
lower is better), so the power is a binomial tail. The score test's normal formula, which
this replaces, left some examples' pilots a few points short of 80% (recall: 76% at its
185 cases) and, for a target near 0 or 1 (where a share's spread vanishes), asked for up
to twice the cases needed.
"""

from __future__ import annotations

import math
from itertools import pairwise

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
    """P(X <= k) for X ~ Binomial(n, p), summed over the counts within 40 standard
    deviations of the mean (what lies beyond is below 1e-300), so a pilot of millions
    costs milliseconds."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    reach = 40.0 * math.sqrt(n * p * (1 - p)) + 40.0
    low = max(0, math.floor(n * p - reach))
    if k < low:
        return 0.0
    if k >= n * p + reach:
        return 1.0
    x = np.arange(low, k + 1, dtype=np.float64)
    first = math.lgamma(n + 1) - math.lgamma(low + 1) - math.lgamma(n - low + 1)
    steps = np.log((n - x[:-1]) / (x[:-1] + 1))  # from C(n, x) to C(n, x + 1)
    terms = first + np.concatenate(([0.0], np.cumsum(steps)))
    terms += x * math.log(p) + (n - x) * math.log1p(-p)
    top = float(terms.max())
    return min(1.0, math.exp(top) * float(np.exp(terms - top).sum()))


def power(n: int, target: float, level: float, higher: bool, z: float) -> float:
    """How often a pilot of n cases fires its stop rule when the proportion is `level`."""
    k = _edge(n, target, higher, z)
    return _at_most(k, n, level) if higher else _at_most(n - k, n, 1 - level)


def cases(target: float, level: float, higher: bool, z: float, want: float, start: int) -> int:
    """The fewest cases (at least `start`) from which on the power stays at `want` or more.

    The power grows with the cases but saws by a few points as the count's steps cross the
    bound (recall 95% against 90%: 80.6% at 182 cases, 76.4% at 185), and a condition asks
    for *at least* so many: the size is past every dip below `want` over the next quarter
    of the cases (at most 400 more) beyond the size where its rising trend reaches `want`.
    The power falls as a case is added where the rule's count stands still (where lower is
    better: where it moves) and rises otherwise, so only the sizes where a fall ends are
    computed."""
    first = _first(target, level, higher, z, want, start)
    end = min(first + min(400, max(20, first // 4)), LIMIT)
    edges = [_edge(n, target, higher, z) for n in range(first, end + 2)]
    falls = [(b <= a) if higher else (b > a) for a, b in pairwise(edges)]
    dipped = 0  # falls[i]: from first + i to first + i + 1
    for i in range(len(falls) - 1):
        n = first + i + 1
        ends = falls[i] and (not falls[i + 1] or n == end)
        if ends and power(n, target, level, higher, z) < want:
            dipped = n
    if not dipped:
        return first
    size = dipped + 1  # then climbs back to `want`
    while size < LIMIT and power(size, target, level, higher, z) < want:
        size += 1
    return size


def _first(target: float, level: float, higher: bool, z: float, want: float, start: int) -> int:
    """Where the power's rising trend reaches `want`: a size at which it does, one case
    fewer falling short, found by bisection on the count (`start` when it already does)."""
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
