"""The house style every report chart shares: fonts, colours, SVG output, and the helpers
that keep rates in percent, axes zoomed on the values and labels clear of reference lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dsreport.analyse import format as F
from dsreport.analyse.facts import Facts, MetricFact
from dsreport.resources import assets_dir

GREY = "#8C8C8C"
INK = "#222222"
TARGET = "#444444"
WARN = "#B3261E"
MAX_LEGEND = 5
"""Rungs named in a curve chart's legend; more are one entry, "N other rungs"."""
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    alt: str
    caption: str
    svg: str


_READY = False


def setup() -> Any:
    global _READY
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    if not _READY:
        for path in sorted((assets_dir() / "fonts").glob("Inter-*.otf")):
            font_manager.fontManager.addfont(str(path))
        _READY = True
    plt.rcParams.update(
        {
            "font.family": "Inter",
            "font.size": 8.5,
            "svg.fonttype": "none",  # real text: searchable, and half the nodes to draw
            "svg.hashsalt": "dsreport",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#BBBBBB",
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "axes.grid": True,
            "grid.color": "#EEEEEE",
            "grid.linewidth": 0.6,
            "axes.axisbelow": True,
            "figure.dpi": 100,
            "legend.frameon": False,
            "path.simplify": True,
            "text.parse_math": False,  # bundle text is drawn as written: "$" is a dollar
        }
    )
    return plt


def short(text: str, limit: int = 40) -> str:
    """A name as a chart label: at most `limit` characters, an ellipsis marking a cut (the
    caption and the alt text carry it whole), so one long name cannot shrink a chart."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrapped(text: str, width: int = 30, limit: int = 60) -> str:
    """A name as a chart label on at most two lines at spaces, so a name of a few words is
    read whole; only one longer than `limit` is cut, as `short` cuts."""
    import textwrap

    lines = textwrap.wrap(short(text, limit), width, break_long_words=False)
    return "\n".join([lines[0], " ".join(lines[1:])]) if len(lines) > 1 else short(text, limit)


def accent(facts: Facts) -> str:
    branding = facts.bundle.get("audiences", {}).get("branding", {})
    return str(branding.get("accent") or OKABE_ITO[0])


def ticks(most: int) -> Any:
    """At most `most` round ticks on an axis (matplotlib loaded lazily, as everywhere)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(most, steps=[1, 2, 5, 10])


def percent_axis(axis: Any, metric: str) -> None:
    """Rates in percent on the axis too, as in every table and sentence; whole percents
    unless a tick falls between them (97.5% is never shown as 98%). Call once the axis
    limits and its locator are set."""
    if F.is_rate(metric):
        from matplotlib.ticker import FuncFormatter

        low, high = axis.get_view_interval()
        shown = [t for t in axis.get_majorticklocs() if low - 1e-9 <= t <= high + 1e-9]
        places = 0 if all(abs(t * 100 - round(t * 100)) < 1e-6 for t in shown) else 1
        axis.set_major_formatter(FuncFormatter(lambda value, _: F.percent(value, places)))


def span(lows: Sequence[float], highs: Sequence[float], metric: str) -> tuple[float, float]:
    """An axis zoomed on the values and their intervals (bars from zero would make 94.1%
    and 96.5% look the same), with a margin, inside [0, 1] for rates."""
    low, high = min(lows), max(highs)
    pad = (high - low) * 0.08 or abs(high) * 0.05 or 0.05
    low, high = low - pad, high + pad
    if F.is_rate(metric) or metric in ("roc_auc", "average_precision"):
        low, high = max(low, 0.0), min(high, 1.0)
    return low, high


def target_line(ax: Any, metric: MetricFact) -> None:
    """The target as a dashed line, labelled above the plot where no value label goes.
    Call once the axis limits are set."""
    if metric.target is None or metric.target.value is None:
        return
    ax.axvline(metric.target.value, color=TARGET, linestyle="--", linewidth=1, zorder=1)
    low, high = ax.get_xlim()
    where = (metric.target.value - low) / ((high - low) or 1)
    ax.annotate(
        f"target {metric.target.text}",
        (metric.target.value, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 3),
        textcoords="offset points",
        # inside its own panel: ends at the line near the right edge, starts there near the left
        ha="right" if where > 0.7 else "left" if where < 0.3 else "center",
        va="bottom",
        color=TARGET,
        fontsize=7.5,
    )
