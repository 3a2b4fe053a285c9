"""Report charts drawn with matplotlib from the facts alone, as deterministic SVG.

Each chart answers one question in its title, marks "ours" in the accent
colour and everything else in grey, draws targets as a dashed line and
intervals as error bars. Text is drawn as paths with the shipped Inter font,
so the SVG looks the same everywhere; the alt text carries the words.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from dsreport.analyse.facts import Facts
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


def _setup() -> Any:
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


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # a glyph Inter lacks (CJK, emoji) is measured with a fallback box and drawn by
        # the PDF engine's fonts; one warning per character is noise, not news
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def short(text: str, limit: int = 40) -> str:
    """A name as a chart label: at most `limit` characters, an ellipsis marking a cut (the
    caption and the alt text carry it whole), so one long name cannot shrink a chart."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def accent(facts: Facts) -> str:
    branding = facts.bundle.get("audiences", {}).get("branding", {})
    return str(branding.get("accent") or OKABE_ITO[0])


def ladder(facts: Facts) -> Chart | None:
    rungs = [r for r in facts.ladder if r.headline is not None and r.headline.value is not None]
    if facts.headline is None or len(rungs) < 2:
        return None
    plt = _setup()
    metric = facts.headline.metric
    fig, ax = plt.subplots(figsize=(6.0, 0.36 * len(rungs) + 0.8))
    names = [short(r.name) for r in rungs][::-1]
    values = [r.headline.value for r in rungs if r.headline][::-1]
    colours = [accent(facts) if r.chosen else GREY for r in rungs][::-1]
    # by position, not by name: two rungs may share a (shortened) name
    ax.barh(range(len(rungs)), values, color=colours, height=0.6)
    ax.set_yticks(range(len(rungs)), names)
    for y, r in enumerate(rungs[::-1]):
        assert r.headline is not None
        ax.text(r.headline.value or 0, y, f"  {r.headline.text}", va="center", color=INK)
    if metric.target is not None and metric.target.value is not None:
        ax.axvline(metric.target.value, color=TARGET, linestyle="--", linewidth=1)
        ax.text(
            metric.target.value,
            len(rungs) - 0.45,
            f" target {metric.target.text}",
            color=TARGET,
            va="bottom",
        )
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(metric.label)
    ax.set_xlim(
        0,
        max([v or 0 for v in values] + [metric.target.value or 0 if metric.target else 0]) * 1.18
        or 1,
    )
    chosen = next(r for r in rungs if r.chosen)
    title = f"{metric.label} of every model tried; {chosen.name} ships"
    alt = (
        f"Bar chart of {metric.label} by model: "
        + "; ".join(f"{r.name} {r.headline.text if r.headline else ''}" for r in rungs)
        + "."
    )
    return Chart("ladder", title, alt, f"{metric.label} on the test split, by rung.", _svg(fig))


def curves(facts: Facts, kind: str) -> Chart | None:
    data = {"roc": facts.charts.roc, "pr": facts.charts.pr}[kind]
    chosen = next((r for r in facts.ladder if r.chosen), None)
    if chosen is None or chosen.id not in data:
        return None
    plt = _setup()
    fig, ax = plt.subplots(figsize=(3.1, 3.0))
    names = {r.id: r.name for r in facts.ladder}
    others = [rung for rung in data if rung != chosen.id]
    for index, rung in enumerate(others):
        xs, ys = zip(*data[rung], strict=True)
        # a legend has room for a few names; past that, one entry stands for the rest
        label = (
            short(names.get(rung, rung), 28)
            if len(others) <= MAX_LEGEND
            else (f"{len(others)} other rungs" if index == 0 else "_nolegend_")
        )
        ax.plot(xs, ys, color=GREY, linewidth=1, label=label)
    xs, ys = zip(*data[chosen.id], strict=True)
    ax.plot(xs, ys, color=accent(facts), linewidth=2, label=short(chosen.name, 28))
    if kind == "roc":
        ax.plot([0, 1], [0, 1], color="#CCCCCC", linewidth=0.8, linestyle=":")
        ax.set(xlabel="False positive rate", ylabel="True positive rate (recall)")
    else:
        ax.set(xlabel="Recall", ylabel="Precision")
    ax.set(xlim=(0, 1), ylim=(0, 1.02))
    ax.legend(loc="lower right" if kind == "roc" else "lower left", fontsize=7)
    metric = "roc_auc" if kind == "roc" else "average_precision"
    value = next(
        (
            m
            for m in facts.metrics
            if m.name == metric
            and m.rung == chosen.id
            and m.slice_key is None
            and m.split == "test"
        ),
        None,
    )
    label = "ROC curve" if kind == "roc" else "Precision–recall curve"
    title = f"{label}: {chosen.name}" + (f", {value.label} {value.value.text}" if value else "")
    alt = f"{label} of {chosen.name} against the other rungs" + (
        f"; {value.label} {value.value.text}." if value else "."
    )
    return Chart(
        kind, title, alt, f"{label} on the test split; grey lines are other rungs.", _svg(fig)
    )


def calibration(facts: Facts) -> Chart | None:
    """The binary calibration curve, or the multiclass top-label one: the same chart."""
    chosen = next((r for r in facts.ladder if r.chosen), None)
    binary = chosen is not None and chosen.id in facts.charts.calibration
    curves = facts.charts.calibration if binary else facts.charts.top_label_calibration
    if chosen is None or chosen.id not in curves:
        return None
    plt = _setup()
    rows = curves[chosen.id]
    fig, ax = plt.subplots(figsize=(3.1, 3.0))
    ax.plot([0, 1], [0, 1], color="#CCCCCC", linewidth=0.8, linestyle=":")
    sizes = [max(12.0, min(120.0, r[3] / 3)) for r in rows]
    ax.scatter([r[1] for r in rows], [r[2] for r in rows], s=sizes, color=accent(facts), zorder=3)
    ax.plot([r[1] for r in rows], [r[2] for r in rows], color=accent(facts), linewidth=1)
    xlabel, ylabel = (
        ("Mean predicted score", "Observed rate")
        if binary
        else ("Mean top-class probability", "Share where the top class is right")
    )
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel=xlabel, ylabel=ylabel)
    ece = next(
        (
            m
            for m in facts.metrics
            if m.name == "ece" and m.rung == chosen.id and m.slice_key is None and m.split == "test"
        ),
        None,
    )
    what = "Calibration" if binary else "Top-label calibration"
    title = what + (f": expected calibration error {ece.value.text}" if ece else "")
    alt = (
        f"{what} plot: {ylabel.lower()} against {xlabel.lower()} in {len(rows)} equal-count "
        "bins: " + "; ".join(f"{r[1]:.2f} → {r[2]:.2f} ({int(r[3]):,} cases)" for r in rows) + "."
    )
    scores = "score" if binary else "top-class probability"
    return Chart(
        "calibration",
        title,
        alt,
        f"Ten equal-count bins of the {scores} (bins of tied values merge); dot size shows the "
        "number of cases; the dotted diagonal is perfect calibration.",
        _svg(fig),
    )


def confusion(facts: Facts) -> Chart | None:
    data = facts.charts.confusion
    if not data:
        return None
    plt = _setup()
    labels = [short(str(x), 24) for x in data["labels"]]
    matrix = data["matrix"]
    k = len(labels)
    size = 3.0 if k <= 3 else min(6.3, 1.6 + 0.42 * k)
    fig, ax = plt.subplots(figsize=(size, size * 0.92))
    ax.imshow(matrix, cmap="Blues")
    ax.grid(False)
    peak = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(
                j,
                i,
                f"{int(value):,}",
                ha="center",
                va="center",
                fontsize=7 if k > 6 else 9,
                color="white" if value > peak * 0.55 else INK,
            )
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set(xlabel="Predicted", ylabel="Actual")
    ax.spines[:].set_visible(False)
    threshold = data.get("threshold")
    where = f" at threshold {threshold:g}" if threshold is not None else ""
    total = sum(sum(row) for row in matrix)
    right = sum(matrix[i][i] for i in range(k))
    title = f"Confusion matrix{where}: {int(right):,} of {int(total):,} right"
    alt = (
        f"Confusion matrix{where}; rows actual, columns predicted: "
        + "; ".join(
            f"actual {labels[i]}: "
            + ", ".join(f"{int(v):,} as {labels[j]}" for j, v in enumerate(r))
            for i, r in enumerate(matrix)
        )
        + "."
    )
    return Chart(
        "confusion", title, alt, "Counts on the test split; the diagonal is right.", _svg(fig)
    )


def residuals(facts: Facts) -> Chart | None:
    data = facts.charts.residuals
    if not data or not data.get("points"):
        return None
    plt = _setup()
    points = data["points"]
    actual = [p[0] for p in points]
    predicted = [p[1] for p in points]
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.3, 2.9))
    low, high = min(actual + predicted), max(actual + predicted)
    left.plot([low, high], [low, high], color="#CCCCCC", linewidth=0.8, linestyle=":")
    left.scatter(actual, predicted, s=8, alpha=0.6, color=accent(facts), linewidths=0)
    left.set(xlabel="Actual", ylabel="Predicted", title="Predicted against actual")
    errors = [b - a for a, b in points]
    right.hist(errors, bins=30, color=accent(facts), alpha=0.85)
    right.axvline(0, color=TARGET, linewidth=0.8, linestyle="--")
    right.set(xlabel="Residual (predicted − actual)", ylabel="Cases", title="Residuals")
    q = data.get("quantiles", {})
    alt = (
        f"Scatter of predicted against actual for {len(points)} test cases, and a histogram "
        f"of residuals; median residual {q.get('p50', 0):.3g}, 90% of residuals between "
        f"{q.get('p5', 0):.3g} and {q.get('p95', 0):.3g}."
    )
    return Chart(
        "residuals",
        "Where the predictions miss",
        alt,
        f"{len(points)} test cases (a seeded sample when there are more).",
        _svg(fig),
    )


def slices(facts: Facts) -> Chart | None:
    judged = [s for s in facts.slices if s.decision_metric]
    if facts.headline is None or not judged:
        return None
    plt = _setup()
    first = judged[0].metric
    metric = next(
        (
            m
            for m in facts.metrics
            if (m.name, m.rung, m.split, m.slice_key) == (first.name, first.rung, "test", None)
        ),
        first,
    )
    judged = judged[:40]
    fig, ax = plt.subplots(figsize=(6.3, 0.28 * len(judged) + 1.0))
    for y, s in enumerate(judged[::-1]):
        colour = (
            WARN
            if (s.below_target or s.below_overall) and s.judged
            else (GREY if not s.judged else accent(facts))
        )
        value = s.metric.value.value or 0.0
        if s.metric.interval is not None:
            ax.plot(
                [s.metric.interval.low, s.metric.interval.high],
                [y, y],
                color=colour,
                linewidth=1.4,
                alpha=0.8,
            )
        ax.scatter([value], [y], color=colour, s=22, zorder=3)
    ax.set_yticks(range(len(judged)), [short(f"{s.key} = {s.value}") for s in judged[::-1]])
    if metric.value.value is not None:
        ax.axvline(metric.value.value, color=accent(facts), linewidth=0.8, alpha=0.6)
    if metric.target is not None and metric.target.value is not None:
        ax.axvline(metric.target.value, color=TARGET, linestyle="--", linewidth=1)
        ax.text(
            metric.target.value,
            len(judged) - 0.4,
            f" target {metric.target.text}",
            color=TARGET,
            va="bottom",
        )
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(metric.label)
    behind = [s for s in judged if s.judged and (s.below_target or s.below_overall)]
    title = (
        f"{len(behind)} slice{'s' if len(behind) != 1 else ''} fall behind on {metric.label}"
        if behind
        else f"Every judged slice holds up on {metric.label}"
    )
    alt = (
        f"{metric.label} by slice with 95% intervals: "
        + "; ".join(f"{s.key} = {s.value}: {s.metric.value.text}" for s in judged)
        + "."
    )
    return Chart(
        "slices",
        title,
        alt,
        "Dots are point estimates, lines 95% intervals; red "
        "marks a slice behind, grey a slice too small to judge; the solid line is the "
        "overall value.",
        _svg(fig),
    )


def categories(facts: Facts) -> Chart | None:
    review = facts.review
    if review is None or not review.categories:
        return None
    plt = _setup()
    cats = review.categories[:15]
    fig, ax = plt.subplots(figsize=(6.3, 0.32 * len(cats) + 0.9))
    for y, c in enumerate(cats[::-1]):
        ax.barh(
            y, c.share.value or 0, color=accent(facts) if y == len(cats) - 1 else GREY, height=0.6
        )
        if c.share_interval is not None:
            ax.plot([c.share_interval.low, c.share_interval.high], [y, y], color=INK, linewidth=0.8)
        ax.text(
            c.share_interval.high if c.share_interval else c.share.value or 0,
            y,
            f"  {c.count} ({c.share.text})",
            va="center",
            color=INK,
            fontsize=7.5,
        )
    ax.set_yticks(range(len(cats)), [short(c.name) for c in cats[::-1]])
    ax.grid(axis="y", visible=False)
    # shares are of the judged cases; say so when ambiguous or not-applicable ones were left out
    left_out = review.n - review.judged if review.judged is not None else 0
    base = "judged examples" if left_out else "reviewed examples"
    ax.set_xlabel(f"Share of {base}")
    top = cats[0]
    title = f"“{top.name}” is the most common error ({top.share.text} of {base})"
    alt = (
        f"Error categories by share of {base}: "
        + "; ".join(f"{c.name} {c.count} ({c.share.text})" for c in cats)
        + "."
    )
    note = (
        f"Bars are shares of the {review.judged} judged examples ({left_out} ambiguous or not "
        "applicable left out), lines 95% Wilson intervals."
        if left_out
        else "Bars are shares of all reviewed examples, lines 95% Wilson intervals."
    )
    return Chart("categories", title, alt, note, _svg(fig))


def all_charts(facts: Facts) -> dict[str, Chart]:
    made = [
        ladder(facts),
        curves(facts, "roc"),
        curves(facts, "pr"),
        calibration(facts),
        confusion(facts),
        residuals(facts),
        slices(facts),
        categories(facts),
    ]
    return {c.key: c for c in made if c is not None}
