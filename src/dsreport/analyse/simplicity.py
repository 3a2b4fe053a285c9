"""Which rung is simpler: by what it is, never by its place in the ladder.

Rung X is simpler than rung Y when X is no more complex by declared kind (heuristic <
simple < complex), no slower (latency, when both are known) and no costlier (cost, when
both are known), and strictly simpler on at least one of these. Two rungs can be
incomparable (one faster, the other cheaper): neither is then simpler.
"""

from __future__ import annotations

from dsreport.bundle.evaluation import Rung

COMPLEXITY = {"heuristic": 0, "simple": 1, "complex": 2}


def _dimensions(x: Rung, y: Rung) -> list[tuple[float, float]]:
    pairs: list[tuple[float, float]] = [(COMPLEXITY[x.kind], COMPLEXITY[y.kind])]
    if x.latency_ms is not None and y.latency_ms is not None:
        pairs.append((x.latency_ms, y.latency_ms))
    if x.cost is not None and y.cost is not None:
        pairs.append((x.cost, y.cost))
    return pairs


def simpler(x: Rung, y: Rung) -> bool:
    """True when `x` is simpler than `y` by the rule above."""
    pairs = _dimensions(x, y)
    return all(a <= b for a, b in pairs) and any(a < b for a, b in pairs)


def simplicity_key(rung: Rung) -> tuple[float, float, float]:
    """Sort key, simplest first: kind, then latency, then cost (unknown last)."""
    inf = float("inf")
    return (
        COMPLEXITY[rung.kind],
        rung.latency_ms if rung.latency_ms is not None else inf,
        rung.cost if rung.cost is not None else inf,
    )


def describe(rung: Rung, cost_unit: str | None) -> str:
    """`heuristic, 0.0067 ms, 0 EUR per month`: what makes a rung simple or not."""
    from dsreport.analyse import format as F

    parts: list[str] = [rung.kind]
    if rung.latency_ms is not None:
        parts.append(f"{F.sig(rung.latency_ms, 3)} ms")
    if rung.cost is not None:
        parts.append(f"{F.sig(rung.cost, 3)} {cost_unit}" if cost_unit else F.sig(rung.cost, 3))
    return ", ".join(parts)
