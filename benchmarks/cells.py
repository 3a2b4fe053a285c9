"""Runs -> Markdown table cells: min / median / max, and ratios taken within one run.

A run is a dict of measured values, or `{"error": ...}` when that process failed; failed
runs are left out of the statistics and reported in place of a figure when none passed.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from typing import Any

Row = dict[str, Any]
Pick = str | Callable[[Row], float]
STAGES = {
    "startup": "interpreter start-up",
    "import_dsreport": "import dsreport and its renderers (with python-pptx)",
    "load": "load the bundle",
    "analyse": "analysis",
    "import_libs": "import WeasyPrint and matplotlib (inside the PDF renderer)",
    "charts": "charts (matplotlib, SVG)",
    "pdf": "PDF without charts (HTML, WeasyPrint layout and writing)",
    "deck": "deck (python-pptx)",
    "handoff": "handoff package and zip",
    "facts_summary": "facts.json and summary",
    "render_wall": "rendering, wall time (all renderers; side by side when they overlap)",
    "write": "write (move into place)",
    "other": "other (CLI, cache key, build report)",
    "shutdown": "interpreter shutdown (freeing modules and memory at exit)",
    "total": "**total: wall time, process start to exit**",
}
PDF_PARTS = {
    "pdf_html": "· of which HTML from the templates",
    "pdf_layout": "· of which WeasyPrint laying out the pages",
    "pdf_write": "· of which WeasyPrint writing the PDF (fonts, tags, attachments)",
}


def ok(rows: list[Row]) -> list[Row]:
    return [r for r in rows if "error" not in r]


def _get(key: Pick) -> Callable[[Row], float]:
    return key if callable(key) else (lambda r: float(r[key]))


def num(v: float, unit: str = "s") -> str:
    if math.isnan(v):
        return "—"
    if unit == "MB":
        return f"{v:,.0f}"
    if unit == "x":
        return f"{v:.2f}"
    return f"{v:.3f}" if abs(v) < 0.1 else f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def cell(values: list[float], unit: str = "s") -> str:
    """min / **median** / max."""
    if not values:
        return "—"
    lo, mid, hi = min(values), statistics.median(values), max(values)
    return f"{num(lo, unit)} / **{num(mid, unit)}** / {num(hi, unit)}"


def med(rows: list[Row], key: Pick) -> float:
    good = ok(rows)
    return statistics.median([_get(key)(r) for r in good]) if good else math.nan


def col(rows: list[Row], key: Pick, unit: str = "s") -> str:
    good = ok(rows)
    if not good:
        return f"failed: {rows[0]['error']}" if rows else "—"
    return cell([_get(key)(r) for r in good], unit)


def ratios(a: list[Row], b: list[Row], fa: Pick, fb: Pick | None = None) -> list[float]:
    """fa(a[i]) / fb(b[i]) for each run i in which both succeeded."""
    top, bottom = _get(fa), _get(fb or fa)
    return [top(x) / bottom(y) for x, y in zip(a, b, strict=False) if "error" not in x | y]


def overlapped(rows: list[Row]) -> bool:
    """Whether the renderers ran side by side: their times add up to more than the phase."""
    keys = ("import_libs", "charts", "pdf", "deck", "handoff", "facts_summary")
    return med(rows, lambda r: sum(r[k] for k in keys) - r["render_wall"]) > 0.1
