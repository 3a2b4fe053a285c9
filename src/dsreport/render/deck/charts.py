"""Native, editable PowerPoint charts whose data are the facts' values.

One kind is enough for a PM deck: columns, ours in the accent colour and the others
grey, each labelled with the facts' own string (so the label reads exactly as the
PDF does), an optional dashed reference line (a target or a budget) labelled at its
end, and error bars where the facts have an interval. "Edit Data" in PowerPoint
opens the same numbers in the embedded workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE, XL_TICK_MARK
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from dsreport.render.deck.draw import clean, rgb, set_alt
from dsreport.render.deck.fit import clip_lines
from dsreport.render.deck.fonts import face
from dsreport.render.deck.geometry import EMU_PER_PT, Box
from dsreport.render.deck.theme import GREY, INK, MUTED, Deck, hex_rgb

AXIS_PT = 16.0
LABEL_SIZES = (20.0, 18.0, 16.0, 14.0)


@dataclass(frozen=True)
class Column:
    label: str
    value: float | None
    text: str
    """The facts' formatted value, shown on the column."""
    ours: bool = False
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Reference:
    """A dashed horizontal line across the chart: a target or a budget."""

    name: str
    value: float
    text: str


def _label(point: Any, text: str, size: float, colour: RGBColor, position: Any) -> None:
    label = point.data_label
    frame = label.text_frame
    frame.text = clean(text)
    font = frame.paragraphs[0].runs[0].font
    font.size = Pt(size)
    font.bold = True
    font.color.rgb = colour
    label.position = position
    body = label._dLbl.find(f"{qn('c:tx')}/{qn('c:rich')}/{qn('a:bodyPr')}")
    if body is not None:  # one line: the label was sized to fit without wrapping
        body.set("wrap", "none")


def _as_line(chart: Any) -> None:
    """Move the chart's second series from the bar plot into a line plot on the same axes."""
    area = chart._chartSpace.find(f".//{qn('c:plotArea')}")
    bar = area.find(qn("c:barChart"))
    series = bar.findall(qn("c:ser"))[1]
    bar.remove(series)
    for child in series.findall(qn("c:invertIfNegative")):
        series.remove(child)
    line = etree.SubElement(area, qn("c:lineChart"))
    bar.addnext(line)
    etree.SubElement(line, qn("c:grouping"), val="standard")
    etree.SubElement(line, qn("c:varyColors"), val="0")
    line.append(series)
    etree.SubElement(line, qn("c:marker"), val="1")
    for axis in bar.findall(qn("c:axId")):
        etree.SubElement(line, qn("c:axId"), val=axis.get("val"))
    plotted = chart.plots[1].series[0]
    plotted.smooth = False
    plotted.marker.style = XL_MARKER_STYLE.NONE
    pen = plotted.format.line
    pen.color.rgb = hex_rgb(INK)
    pen.width = Pt(2.25)
    pen.dash_style = MSO_LINE_DASH_STYLE.DASH


def _error_bars(series: Any, columns: Sequence[Column]) -> None:
    """Custom error bars from each column's interval (nothing where there is none)."""
    plus = [
        (c.high - c.value) if c.high is not None and c.value is not None else 0.0 for c in columns
    ]
    minus = [
        (c.value - c.low) if c.low is not None and c.value is not None else 0.0 for c in columns
    ]
    if not any(plus) and not any(minus):
        return
    bars = etree.Element(qn("c:errBars"))
    etree.SubElement(bars, qn("c:errBarType"), val="both")
    etree.SubElement(bars, qn("c:errValType"), val="cust")
    etree.SubElement(bars, qn("c:noEndCap"), val="1")  # no stray cap on a column without one
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        literal = etree.SubElement(etree.SubElement(bars, qn(tag)), qn("c:numLit"))
        etree.SubElement(literal, qn("c:formatCode")).text = "General"
        etree.SubElement(literal, qn("c:ptCount"), val=str(len(values)))
        for index, value in enumerate(values):
            point = etree.SubElement(literal, qn("c:pt"), idx=str(index))
            etree.SubElement(point, qn("c:v")).text = repr(float(value))
    sp = etree.SubElement(bars, qn("c:spPr"))
    ln = etree.SubElement(sp, qn("a:ln"), w="28575")
    fill = etree.SubElement(ln, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=INK.lstrip("#"))
    series._element.find(qn("c:cat")).addprevious(bars)


def _label_size(deck: Deck, texts: Sequence[str], width_pt: float) -> float:
    """The largest label size at which every label is one line of at most `width_pt`."""
    metrics = face(deck.family, True)
    for size in LABEL_SIZES:
        if all(metrics.width_em(clean(t)) * size <= width_pt for t in texts):
            return size
    return LABEL_SIZES[-1]


def _add(
    deck: Deck,
    slide: Any,
    box: Box,
    kind: Any,
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
) -> Any:
    data = CategoryChartData(number_format="General")  # type: ignore[no-untyped-call]
    data.categories = labels
    for name, values in series:
        data.add_series(clean(name)[:120], values)  # type: ignore[no-untyped-call]
    frame = slide.shapes.add_chart(kind, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h), data)
    chart = frame.chart
    chart.has_legend = False
    chart.has_title = False
    chart.font.size = Pt(AXIS_PT)
    chart.font.name = deck.family
    chart.font.color.rgb = hex_rgb(INK)
    values = chart.value_axis
    values.visible = False
    values.has_major_gridlines = False
    values.has_minor_gridlines = False
    categories = chart.category_axis
    categories.major_tick_mark = XL_TICK_MARK.NONE
    categories.has_major_gridlines = False
    categories.format.line.color.rgb = hex_rgb(MUTED)
    categories.tick_labels.font.size = Pt(AXIS_PT)
    plot = chart.plots[0]
    plot.gap_width = 70
    plot.vary_by_categories = False
    return frame


def column_chart(
    deck: Deck,
    slide: Any,
    box: Box,
    columns: Sequence[Column],
    *,
    series: str,
    alt: str,
    reference: Reference | None = None,
) -> Any:
    """Columns labelled at their base, ours in the accent colour, a dashed reference line
    (a target: the caller names it in the chart's heading, where no bar or error bar can
    hide its label), error bars for intervals, and alt text."""
    width_pt = box.w / EMU_PER_PT * 0.9 / max(len(columns), 1)
    size = _label_size(deck, [c.text for c in columns], width_pt)
    labels = [clip_lines(clean(c.label), deck.family, False, AXIS_PT, width_pt, 2) for c in columns]
    lines = [(series, [c.value for c in columns])]
    if reference is not None:
        lines.append((reference.name, [reference.value for _ in columns]))
    frame = _add(deck, slide, box, XL_CHART_TYPE.COLUMN_CLUSTERED, labels, lines)
    frame.name = f"Chart: {clean(series)}"[:200]
    chart = frame.chart
    bars = chart.plots[0].series[0]
    for index, column in enumerate(columns):
        point = bars.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(deck, "accent" if column.ours else GREY)
        if column.value is not None:
            text = clip_lines(clean(column.text), deck.family, True, size, width_pt, 1)
            _label(point, text, size, rgb(deck, "white"), XL_LABEL_POSITION.INSIDE_BASE)
    if all((c.value or 0) >= 0 for c in columns):
        chart.value_axis.minimum_scale = 0
    _error_bars(bars, columns)
    if reference is not None:
        _as_line(chart)
    set_alt(frame, alt)
    return frame


def bar_chart(
    deck: Deck,
    slide: Any,
    box: Box,
    bars: Sequence[Column],
    *,
    series: str,
    alt: str,
    budget: Reference | None = None,
) -> Any:
    """Horizontal bars, first at the top, labelled at their end; a budget is the last bar,
    drawn as a dashed outline (a limit, not a measurement) and labelled inside."""
    rows = [*bars, Column(budget.name, budget.value, budget.text)] if budget else list(bars)
    name_pt = box.w / EMU_PER_PT * 0.32
    labels = [clip_lines(clean(c.label), deck.family, False, AXIS_PT, name_pt, 2) for c in rows]
    label_pt = box.w / EMU_PER_PT * 0.3
    size = _label_size(deck, [c.text for c in rows], label_pt)

    def one_line(text: str) -> str:
        return clip_lines(clean(text), deck.family, True, size, label_pt * 1.5, 1)

    frame = _add(
        deck, slide, box, XL_CHART_TYPE.BAR_CLUSTERED, labels, [(series, [c.value for c in rows])]
    )
    frame.name = f"Chart: {clean(series)}"[:200]
    chart = frame.chart
    chart.category_axis.reverse_order = True
    chart.plots[0].gap_width = 50
    plotted = chart.plots[0].series[0]
    for index, row in enumerate(rows):
        point = plotted.points[index]
        if budget is not None and index == len(rows) - 1:
            point.format.fill.background()
            point.format.line.color.rgb = hex_rgb(INK)
            point.format.line.width = Pt(2)
            point.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            widest = budget.value >= max((c.value or 0.0) for c in rows)
            where = XL_LABEL_POSITION.INSIDE_END if widest else XL_LABEL_POSITION.OUTSIDE_END
            _label(point, one_line(row.text), size, hex_rgb(INK), where)
            continue
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(deck, "accent" if row.ours else GREY)
        if row.value is not None:
            colour = rgb(deck, "accent" if row.ours else INK)
            _label(point, one_line(row.text), size, colour, XL_LABEL_POSITION.OUTSIDE_END)
    values = [c.value for c in rows if c.value is not None]
    if values and min(values) >= 0:
        chart.value_axis.minimum_scale = 0
        if max(values) > 0:  # room right of the longest bar for its label (layout, not data)
            chart.value_axis.maximum_scale = max(values) * 1.45
    set_alt(frame, alt)
    return frame
