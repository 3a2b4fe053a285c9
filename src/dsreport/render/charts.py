"""Report charts drawn with matplotlib from the facts alone, as deterministic SVG.

Each chart answers one question in its title, marks "ours" in the accent colour and
everything else in grey, draws targets as a dashed line and intervals as error bars
whenever the facts have them. Axes of rates read in percent, as the tables do
(`format.is_rate`); value labels sit in a column of their own, clear of every reference
line. The alt text carries the words and the numbers.
"""

from __future__ import annotations

from typing import Any

from dsreport.analyse import format as F
from dsreport.analyse.facts import Facts
from dsreport.render.chartstyle import (
    GREY,
    INK,
    MAX_LEGEND,
    TARGET,
    Chart,
    accent,
    percent_axis,
    setup,
    short,
)
from dsreport.render.chartsvg import svg
from dsreport.render.dotplots import categories, ladder, slices

__all__ = ["Chart", "all_charts"]


def _sqrt(x: Any) -> Any:
    import numpy as np

    return np.sqrt(np.clip(x, 0, None))


def _square(x: Any) -> Any:
    import numpy as np

    return np.square(x)


def curves(facts: Facts, kind: str) -> Chart | None:
    data = {"roc": facts.charts.roc, "pr": facts.charts.pr}[kind]
    chosen = next((r for r in facts.ladder if r.chosen), None)
    if chosen is None or chosen.id not in data:
        return None
    plt = setup()
    fig, ax = plt.subplots(figsize=(3.1, 2.75))
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
    point = facts.charts.operating_points.get(chosen.id, {})
    at = ""
    if kind == "roc":
        ax.plot([0, 1], [0, 1], color="#CCCCCC", linewidth=0.8, linestyle=":")
        ax.set(xlabel="False positive rate", ylabel="True positive rate (recall)")
        xy = (point.get("fpr"), point.get("tpr"))
        if None not in xy:
            at = f"false positives {point['fpr_text']}, recall {point['tpr_text']}"
    else:
        ax.set(xlabel="Recall", ylabel="Precision")
        xy = (point.get("tpr"), point.get("precision"))
        if None not in xy:
            at = f"recall {point['tpr_text']}, precision {point['precision_text']}"
    if at:
        ax.scatter([xy[0]], [xy[1]], s=42, color="white", edgecolors=INK, linewidths=1.3, zorder=4)
        ax.annotate(
            f"threshold {point['threshold_text']}",
            xy,
            xytext=(8, -12) if kind == "roc" else (-8, -14),
            textcoords="offset points",
            ha="left" if kind == "roc" else "right",
            fontsize=7,
            color=INK,
        )
    ax.set(xlim=(0, 1), ylim=(0, 1.02))
    percent_axis(ax.xaxis, "recall")
    percent_axis(ax.yaxis, "recall")
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
    alt = (
        f"{label} of {chosen.name} against the other rungs"
        + (f"; {value.label} {value.value.text}" if value else "")
        + (f"; at the threshold {point['threshold_text']}: {at}" if at else "")
        + "."
    )
    caption = f"{label} on the test split; grey lines are the other rungs"
    if at:
        caption += f"; the ring marks the operating threshold {point['threshold_text']} ({at})"
    return Chart(kind, title, alt, caption + ".", svg(fig))


def calibration(facts: Facts) -> Chart | None:
    """The binary calibration curve, or the multiclass top-label one: the same chart."""
    chosen = next((r for r in facts.ladder if r.chosen), None)
    binary = chosen is not None and chosen.id in facts.charts.calibration
    curves = facts.charts.calibration if binary else facts.charts.top_label_calibration
    if chosen is None or chosen.id not in curves:
        return None
    plt = setup()
    rows = curves[chosen.id]
    colour = accent(facts)
    fig, ax = plt.subplots(figsize=(3.1, 2.75))
    # square-root axes: a confident model's bins crowd near zero, and this spreads them
    # out while keeping the diagonal straight
    ax.set_xscale("function", functions=(_sqrt, _square))
    ax.set_yscale("function", functions=(_sqrt, _square))
    ticks = [0, 0.05, 0.2, 0.5, 1]
    ax.set_xticks(ticks, [F.plain(t) for t in ticks])
    ax.set_yticks(ticks, [F.plain(t) for t in ticks])
    ax.plot([0, 1], [0, 1], color="#CCCCCC", linewidth=0.8, linestyle=":")
    xs, ys = [r[1] for r in rows], [r[2] for r in rows]
    for r in rows:
        if len(r) >= 6:
            ax.plot([r[1], r[1]], [r[4], r[5]], color=colour, linewidth=1.1, alpha=0.7)
    ax.plot(xs, ys, color=colour, linewidth=1, zorder=2)
    ax.scatter(xs, ys, s=18, color=colour, zorder=3)
    last = -1.0
    for r in rows:  # each bin's count, where it does not crowd the previous label
        if _sqrt(r[1]) - last >= 0.09:
            ax.annotate(
                f"{int(r[3])}",
                (r[1], r[2]),
                xytext=(4, -9),
                textcoords="offset points",
                fontsize=6.5,
                color=GREY,
            )
            last = float(_sqrt(r[1]))
    xlabel, ylabel = (
        ("Mean predicted probability", "Observed rate")
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
    counts = [int(r[3]) for r in rows]
    what = "Calibration" if binary else "Top-label calibration"
    title = what + (f": expected calibration error {ece.value.text}" if ece else "")
    alt = (
        f"{what} plot: {ylabel.lower()} against {xlabel.lower()} in {len(rows)} equal-count "
        "bins: " + "; ".join(f"{r[1]:.2f} → {r[2]:.2f} ({int(r[3]):,} cases)" for r in rows) + "."
    )
    sizes = (
        f"{min(counts)} to {max(counts)} cases" if min(counts) != max(counts) else f"{counts[0]}"
    )
    scores = "score" if binary else "top-class probability"
    return Chart(
        "calibration",
        title,
        alt,
        f"{len(rows)} bins cut at quantiles of the {scores}, {sizes} each (grey figures; "
        "tied values share a bin); vertical lines are 95% Wilson intervals; the dotted "
        "diagonal is perfect calibration; both axes on a square-root scale, which spreads "
        "the bins near zero.",
        svg(fig),
    )


def confusion(facts: Facts) -> Chart | None:
    data = facts.charts.confusion
    if not data:
        return None
    plt = setup()
    labels = [short(str(x), 24) for x in data["labels"]]
    matrix = data["matrix"]
    k = len(labels)
    size = 2.9 if k <= 3 else min(3.5, 1.4 + 0.21 * k)
    fig, ax = plt.subplots(figsize=(size, size * 0.92))
    ax.imshow(matrix, cmap="Blues")
    ax.grid(False)
    peak = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if k > 6 and value == 0:
                continue  # a large matrix reads better with its zeros left blank
            ax.text(
                j,
                i,
                f"{int(value):,}",
                ha="center",
                va="center",
                fontsize=6.5 if k > 6 else 9,
                color="white" if value > peak * 0.55 else INK,
            )
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.tick_params(length=0)
    ax.set(xlabel="Predicted", ylabel="Actual")
    ax.spines[:].set_visible(False)
    threshold = data.get("threshold")
    where = f" at threshold {F.plain(threshold)}" if threshold is not None else ""
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
    caption = "Counts on the test split; the diagonal is right"
    caption += ", empty cells are zero." if k > 6 else "."
    return Chart("confusion", title, alt, caption, svg(fig))


def coverage(facts: Facts) -> Chart | None:
    """What a confidence gate trades: the share handled alone against the errors in it."""
    chosen = next((r for r in facts.ladder if r.chosen), None)
    data = facts.charts.coverage
    if chosen is None or not data.get(chosen.id):
        return None
    plt = setup()
    colour = accent(facts)
    names = {r.id: r.name for r in facts.ladder}
    fig, ax = plt.subplots(figsize=(5.6, 2.7))
    for rung, points in data.items():
        if rung == chosen.id or not points:
            continue
        ax.plot([p[1] for p in points], [p[2] for p in points], color=GREY, linewidth=1)
        end = points[-1]
        ax.annotate(
            short(names.get(rung, rung), 24),
            (end[1], end[2]),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=7,
            color=GREY,
            va="center",
        )
    points = data[chosen.id]
    ax.plot([p[1] for p in points], [p[2] for p in points], color=colour, linewidth=2)
    gate = facts.charts.operating_points.get(chosen.id, {})
    at = ""
    if "coverage" in gate and "error_rate" in gate:
        ax.scatter(
            [gate["coverage"]],
            [gate["error_rate"]],
            s=46,
            color="white",
            edgecolors=INK,
            linewidths=1.3,
            zorder=4,
        )
        ax.annotate(
            f"gate {gate['threshold_text']}",
            (gate["coverage"], gate["error_rate"]),
            xytext=(-8, 8),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color=INK,
        )
        at = (
            f"At the {gate['threshold_text']} confidence gate, {chosen.name} handles "
            f"{gate['coverage_text']} of cases alone, {gate['error_rate_text']} of them wrongly"
        )
    ax.set_xlim(0, 1.0)
    ax.set_ylim(bottom=0)
    percent_axis(ax.xaxis, "coverage")
    percent_axis(ax.yaxis, "error_rate")
    ax.set(xlabel="Cases handled without a person (coverage)", ylabel="Wrong among them")
    title = at or f"Coverage against errors: {chosen.name}"
    alt = (
        f"Coverage-error curve of {chosen.name} and the other rungs: lowering the confidence "
        "gate lets more cases through and more errors with them" + (f". {at}." if at else ".")
    )
    return Chart(
        "coverage",
        title,
        alt,
        "Each point is a confidence gate: the share of test cases at or above it and the "
        "error rate among those; grey lines are the other rungs"
        + ("; the ring marks the declared gate." if at else "."),
        svg(fig),
    )


def residuals(facts: Facts) -> Chart | None:
    data = facts.charts.residuals
    if not data or not data.get("points"):
        return None
    plt = setup()
    points = data["points"]
    actual = [p[0] for p in points]
    predicted = [p[1] for p in points]
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.3, 2.7))
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
    total = facts.data.test_n
    sampled = total is not None and len(points) < total
    what = (
        f"{len(points):,} of the {total:,} test cases, a seeded sample"
        if sampled and total is not None
        else f"All {len(points):,} test cases"
    )
    return Chart(
        "residuals",
        "Where the predictions miss",
        alt,
        f"{what}; the dotted diagonal is a perfect prediction.",
        svg(fig),
    )


def all_charts(facts: Facts) -> dict[str, Chart]:
    made = [
        ladder(facts),
        curves(facts, "roc"),
        curves(facts, "pr"),
        calibration(facts),
        confusion(facts),
        coverage(facts),
        residuals(facts),
        slices(facts),
        categories(facts),
    ]
    return {c.key: c for c in made if c is not None}
