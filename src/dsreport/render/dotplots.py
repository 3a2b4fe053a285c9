"""Dot plots with intervals: every rung on the headline metric, every slice on every
metric with a target, and the kinds of error among the reviewed examples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dsreport.analyse.facts import Facts, IntervalFact, MetricFact, Num, RungFact
from dsreport.render.chartstyle import (
    GREY,
    INK,
    WARN,
    Chart,
    accent,
    percent_axis,
    setup,
    short,
    span,
    target_line,
    ticks,
    wrapped,
)
from dsreport.render.chartsvg import svg
from dsreport.render.reportview import slice_groups, targeted


def _value_column(ax: Any, ys: Sequence[float], texts: list[str]) -> None:
    """Values printed in a column right of the plot, so no line or marker crosses them."""
    for y, text in zip(ys, texts, strict=True):
        ax.annotate(
            text,
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            color=INK,
            fontsize=7.5,
        )


def _overall_of(facts: Facts, rung: str, name: str) -> MetricFact | None:
    return next(
        (
            m
            for m in facts.metrics
            if m.name == name and m.rung == rung and m.slice_key is None and m.split == "test"
        ),
        None,
    )


def _ladder_metric(facts: Facts) -> MetricFact | None:
    """The metric the call rests on: the decision metric, else the headline."""
    if facts.decision_metric is not None:
        chosen = next((r.id for r in facts.ladder if r.chosen), "")
        found = _overall_of(facts, chosen, facts.decision_metric.name)
        if found is not None:
            return found
    return facts.headline.metric if facts.headline else None


def ladder(facts: Facts) -> Chart | None:
    metric = _ladder_metric(facts)
    if metric is None:
        return None
    # each rung's value with its interval where the facts have one; a value reported for a
    # rung without an interval is drawn as a dot alone
    rows: list[tuple[RungFact, Num, IntervalFact | None]] = []
    for r in facts.ladder:
        m = _overall_of(facts, r.id, metric.name)
        value = m.value if m else (r.decision_value if facts.decision_metric else r.headline)
        if value is not None and value.value is not None:
            rows.append((r, value, m.interval if m else None))
    if len(rows) < 2:
        return None
    plt = setup()
    colour = accent(facts)
    rows = rows[::-1]  # top to bottom in ladder order; by position (names may repeat)
    ys = list(range(len(rows)))
    lows = [i.low for _, _, i in rows if i] + [v.value for _, v, _ in rows if v.value is not None]
    highs = [i.high for _, _, i in rows if i] + [v.value for _, v, _ in rows if v.value is not None]
    if metric.target is not None and metric.target.value is not None:
        lows.append(metric.target.value)
        highs.append(metric.target.value)
    fig, ax = plt.subplots(figsize=(5.6, 0.34 * len(rows) + 0.85))
    for y, (r, value, interval) in zip(ys, rows, strict=True):
        tint = colour if r.chosen else GREY
        if interval is not None:
            ax.plot([interval.low, interval.high], [y, y], color=tint, linewidth=1.6)
        ax.scatter([value.value], [y], color=tint, s=28, zorder=3, clip_on=False)
    ax.set_yticks(ys, [short(r.name) for r, _, _ in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(*span(lows, highs, metric.name))
    target_line(ax, metric)
    percent_axis(ax.xaxis, metric.name)
    texts = [v.text + (f" ({i.text})" if i else "") for _, v, i in rows]
    _value_column(ax, ys, texts)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"{metric.label}, test split")
    chosen = next(r for r in facts.ladder if r.chosen)
    alt = (
        f"Dot plot of {metric.label} by model with 95% intervals: "
        + "; ".join(
            f"{r.name} {text}" for (r, _, _), text in zip(rows[::-1], texts[::-1], strict=True)
        )
        + (f"; target {metric.target.text}." if metric.target else ".")
    )
    return Chart(
        "ladder",
        _ladder_title(facts, chosen.name, metric),
        alt,
        f"{metric.label} of every rung on the test split with its 95% interval; "
        "the axis starts where the values do, not at zero.",
        svg(fig),
    )


def _ladder_title(facts: Facts, chosen: str, metric: MetricFact) -> str:
    """The comparison with the baseline, in words, when the facts have it."""
    base = next((r for r in facts.ladder if r.baseline and not r.chosen), None)
    comp = next(
        (
            c
            for c in facts.comparisons
            if base is not None and c.other == base.id and c.metric == metric.name
        ),
        None,
    )
    if base is None or comp is None or comp.significant is None:
        return f"{metric.label} of every rung tried; {chosen} ships"
    if comp.significant:
        word = "beats" if comp.better else "trails"
        return f"{chosen} {word} {base.name} on {metric.label} by {comp.delta.text.lstrip('+−')}"
    return f"{chosen} and {base.name} are within the noise of each other on {metric.label}"


def slices(facts: Facts) -> Chart | None:
    """Small multiples: one panel per metric with slices, judged slices coloured."""
    groups = slice_groups(facts, targeted(facts))
    if not groups:
        return None
    plt = setup()
    colour = accent(facts)
    names: list[str] = []
    for g in groups:
        for key, value in [(s.key, s.value) for s in g.judged] + [
            (m.slice_key or "", m.slice_value or "") for m in g.measured
        ]:
            if f"{key} = {value}" not in names:
                names.append(f"{key} = {value}")
    names = names[:30]
    per_row = len(groups) if len(groups) <= 4 else 3
    rows_n = (len(groups) + per_row - 1) // per_row
    height = 0.2 * len(names) + 0.7
    fig, axes = plt.subplots(
        rows_n, per_row, figsize=(6.3, height * rows_n), sharey=True, squeeze=False
    )
    behind: dict[str, list[str]] = {}
    for index, g in enumerate(groups):
        ax = axes[index // per_row][index % per_row]
        metric = g.metric
        lows: list[float] = []
        highs: list[float] = []
        for s in g.judged:
            if f"{s.key} = {s.value}" not in names:
                continue
            y = len(names) - 1 - names.index(f"{s.key} = {s.value}")
            tint = (
                WARN
                if s.judged and (s.below_target or s.below_overall)
                else (GREY if not s.judged else colour)
            )
            if s.judged and (s.below_target or s.below_overall):
                behind.setdefault(metric.label, []).append(f"{s.key} = {s.value}")
            _slice_point(ax, y, s.metric, tint, filled=True, lows=lows, highs=highs)
        for m in g.measured:
            name = f"{m.slice_key} = {m.slice_value}"
            if name in names:
                y = len(names) - 1 - names.index(name)
                _slice_point(ax, y, m, colour, filled=False, lows=lows, highs=highs)
        if metric.value.value is not None:
            ax.axvline(metric.value.value, color=colour, linewidth=0.8, alpha=0.5)
            lows.append(metric.value.value)
            highs.append(metric.value.value)
        if metric.target is not None and metric.target.value is not None:
            lows.append(metric.target.value)
            highs.append(metric.target.value)
        if lows:
            ax.set_xlim(*span(lows, highs, metric.name))
        target_line(ax, metric)
        ax.xaxis.set_major_locator(ticks(3))  # few ticks: the panels are narrow
        percent_axis(ax.xaxis, metric.name)
        ax.set_xlabel(short(metric.label, 30), fontsize=7.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", visible=False)
        ax.set_ylim(-0.6, len(names) - 0.4)
    for index in range(len(groups), rows_n * per_row):
        axes[index // per_row][index % per_row].set_visible(False)
    for row in axes:
        row[0].set_yticks(range(len(names)), [short(n, 34) for n in names[::-1]], fontsize=7.5)
    # fixed spacing instead of tight_layout, which draws the whole figure once more
    fig.subplots_adjust(wspace=0.3, hspace=0.75 if rows_n > 1 else 0.2)
    labels_ = ", ".join(g.metric.label for g in groups)
    slices_behind = sorted({name for names in behind.values() for name in names})
    on = _and(list(behind))
    title = (
        f"{slices_behind[0]} falls behind on {on}"
        if len(slices_behind) == 1
        else f"{len(slices_behind)} slices fall behind on {on}"
        if behind
        else f"No judged slice falls behind on {labels_}"
    )
    alt = (
        "Per-slice values with 95% intervals: "
        + " | ".join(
            f"{g.metric.label}: "
            + "; ".join(f"{s.key} = {s.value} {s.metric.value.text}" for s in g.judged)
            + "; ".join(f"{m.slice_key} = {m.slice_value} {m.value.text}" for m in g.measured)
            for g in groups
        )
        + "."
    )
    judged_note = (
        "filled dots are judged by the analysis (red: behind, grey: too small to judge), "
        "hollow dots measured only"
        if any(g.judged for g in groups) and any(g.measured for g in groups)
        else "red marks a slice behind, grey one too small to judge"
    )
    return Chart(
        "slices",
        title,
        alt,
        f"One panel per metric: dots are values, lines 95% intervals; {judged_note}; the "
        "solid line is the overall value, the dashed one the target.",
        svg(fig),
    )


def _slice_point(
    ax: Any,
    y: int,
    m: MetricFact,
    colour: str,
    *,
    filled: bool,
    lows: list[float],
    highs: list[float],
) -> None:
    if m.value.value is None:
        return
    if m.interval is not None:
        ax.plot([m.interval.low, m.interval.high], [y, y], color=colour, linewidth=1.3, alpha=0.8)
        lows.append(m.interval.low)
        highs.append(m.interval.high)
    lows.append(m.value.value)
    highs.append(m.value.value)
    ax.scatter(
        [m.value.value],
        [y],
        s=20,
        zorder=3,
        clip_on=False,  # a value at 100% sits on the axis' edge, whole
        color=colour if filled else "white",
        edgecolors=colour,
        linewidths=1.2,
    )


def categories(facts: Facts) -> Chart | None:
    review = facts.review
    if review is None or not review.categories:
        return None
    plt = setup()
    cats = review.categories[:15]
    labels = [wrapped(c.name) for c in cats]
    row = 0.4 if any("\n" in label for label in labels) else 0.3
    fig, ax = plt.subplots(figsize=(5.6, row * len(cats) + 0.8))
    with_intervals = any(c.share_interval is not None for c in cats)
    ys = list(range(len(cats)))[::-1]
    for y, c in zip(ys, cats, strict=True):
        ax.barh(y, c.share.value or 0, color=accent(facts) if y == ys[0] else GREY, height=0.6)
        if c.share_interval is not None:
            ax.plot([c.share_interval.low, c.share_interval.high], [y, y], color=INK, linewidth=0.8)
    ax.set_yticks(ys, labels)
    top_share = max(
        [c.share_interval.high if c.share_interval else c.share.value or 0 for c in cats]
    )
    ax.set_xlim(0, top_share * 1.05 or 1)
    percent_axis(ax.xaxis, "share")
    _value_column(ax, ys, [f"{c.count:,} ({c.share.text})" for c in cats])
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
    shares = (
        f"Bars are shares of the {review.judged} judged examples ({left_out} ambiguous or not "
        "applicable left out)"
        if left_out
        else "Bars are shares of all reviewed examples"
    )
    caption = shares + (
        ", lines 95% Wilson intervals."
        if with_intervals
        else "; the cases were chosen, not drawn at random, so the shares carry no interval."
    )
    return Chart("categories", title, alt, caption, svg(fig))


def _and(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
