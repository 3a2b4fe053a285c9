"""Native, editable PowerPoint charts whose data are the numbers the slide prints.

Columns (or bars), ours in the accent colour and the others grey. Each label is linked to
its value (PowerPoint's "show value") with a number format that prints the facts' own
string, so "Edit Data" changes the label with the bar; the cell holds the number as the
slide prints it. Error bars come from the facts' intervals, only on columns that have one
(two series share the slots, so none gets a zero-length bar). A target is a dashed line
across the whole plot (a line on secondary axes whose points sit on the plot's edges).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_MARK
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from dsreport.analyse import format as F
from dsreport.render.deck.draw import clean, rgb, set_alt
from dsreport.render.deck.fit import wrap
from dsreport.render.deck.fonts import face
from dsreport.render.deck.geometry import EMU_PER_PT, Box
from dsreport.render.deck.theme import GREY, INK, MUTED, Deck, hex_rgb
from dsreport.render.deck.words import plain

AXIS_PT = 16.0
LABEL_SIZES = (20.0, 18.0, 16.0, 14.0)
GAP_WIDTH = 70
"""Space between columns, in percent of a column's width."""


@dataclass(frozen=True)
class Column:
    label: str
    text: str
    """The number as the slide prints it (`53`, `95.3%`, `0.67`): the label shows it."""
    ours: bool = False
    low: float | None = None
    high: float | None = None
    """The interval, in the same units as `text`'s value."""


@dataclass(frozen=True)
class Reference:
    """A dashed line across the chart: a target or a budget."""

    name: str
    text: str


def value_of(text: str) -> float:
    """The number a label prints, as the chart's cell holds it (a share for a percentage)."""
    number = float(F.parse(text))
    return number / 100 if text.strip().endswith("%") else number


def number_format(text: str) -> str:
    """The Excel number format that prints `value_of(text)` as `text`."""
    decimals = F.decimals_of(text)
    body = ("#,##0" if "," in text else "0") + ("." + "0" * decimals if decimals else "")
    return body + "%" if text.strip().endswith("%") else body


def _fits(deck: Deck, texts: Sequence[str], width_pt: float, bold: bool = True) -> float:
    """The largest label size at which every text is one line of at most `width_pt`."""
    metrics = face(deck.family, bold)
    for size in LABEL_SIZES:
        if all(metrics.width_em(clean(t)) * size <= width_pt for t in texts):
            return size
    return LABEL_SIZES[-1]


def _label(series: Any, index: int, text: str, size: float, colour: str, position: Any) -> None:
    """A data label showing the point's own value in the number format that prints `text`."""
    label = series.points[index].data_label
    label.position = position
    dlbl = label._dLbl
    for child in list(dlbl):
        if child.tag != qn("c:idx"):
            dlbl.remove(child)
    fmt = etree.SubElement(dlbl, qn("c:numFmt"))
    fmt.set("formatCode", number_format(text))
    fmt.set("sourceLinked", "0")
    sppr = etree.SubElement(dlbl, qn("c:spPr"))
    etree.SubElement(sppr, qn("a:noFill"))
    etree.SubElement(etree.SubElement(sppr, qn("a:ln")), qn("a:noFill"))
    txpr = etree.SubElement(dlbl, qn("c:txPr"))
    etree.SubElement(txpr, qn("a:bodyPr"), wrap="none")
    etree.SubElement(txpr, qn("a:lstStyle"))
    ppr = etree.SubElement(etree.SubElement(txpr, qn("a:p")), qn("a:pPr"))
    rpr = etree.SubElement(ppr, qn("a:defRPr"), sz=str(int(size * 100)), b="1")
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=colour.lstrip("#").upper())
    etree.SubElement(dlbl, qn("c:dLblPos"), val=_POSITIONS[position])
    for flag, on in (
        ("showLegendKey", "0"),
        ("showVal", "1"),
        ("showCatName", "0"),
        ("showSerName", "0"),
        ("showPercent", "0"),
        ("showBubbleSize", "0"),
    ):
        etree.SubElement(dlbl, qn(f"c:{flag}"), val=on)


_POSITIONS = {
    XL_LABEL_POSITION.INSIDE_BASE: "inBase",
    XL_LABEL_POSITION.INSIDE_END: "inEnd",
    XL_LABEL_POSITION.OUTSIDE_END: "outEnd",
}


def _error_bars(series: Any, points: Sequence[tuple[float, float, float] | None]) -> None:
    """Custom error bars: (value, low, high) per point, None where the series has no point."""
    bars = etree.Element(qn("c:errBars"))
    etree.SubElement(bars, qn("c:errBarType"), val="both")
    etree.SubElement(bars, qn("c:errValType"), val="cust")
    etree.SubElement(bars, qn("c:noEndCap"), val="0")
    plus = [max(p[2] - p[0], 0.0) if p else 0.0 for p in points]
    minus = [max(p[0] - p[1], 0.0) if p else 0.0 for p in points]
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


def _target_line(chart: Any) -> None:
    """Move the last series into a line plot on the same axes, drawn as a dashed linear
    trend extended half a category both ways: a line across the whole plot that still
    follows the series' value when the data are edited."""
    area = chart._chartSpace.find(f".//{qn('c:plotArea')}")
    bar = area.find(qn("c:barChart"))
    series = bar.findall(qn("c:ser"))[-1]
    bar.remove(series)
    for child in series.findall(qn("c:invertIfNegative")):
        series.remove(child)
    line = etree.Element(qn("c:lineChart"))
    etree.SubElement(line, qn("c:grouping"), val="standard")
    etree.SubElement(line, qn("c:varyColors"), val="0")
    line.append(series)
    etree.SubElement(line, qn("c:marker"), val="1")
    for axis in bar.findall(qn("c:axId")):
        etree.SubElement(line, qn("c:axId"), val=axis.get("val"))
    bar.addnext(line)
    for old in series.findall(qn("c:spPr")):
        series.remove(old)
    sppr = etree.fromstring(
        f'<c:spPr xmlns:c="{_C}" xmlns:a="{_A}"><a:ln><a:noFill/></a:ln></c:spPr>'
    )
    series.find(qn("c:cat")).addprevious(sppr)
    marker = etree.fromstring(f'<c:marker xmlns:c="{_C}"><c:symbol val="none"/></c:marker>')
    sppr.addnext(marker)
    trend = etree.fromstring(
        f'<c:trendline xmlns:c="{_C}" xmlns:a="{_A}"><c:name>Target</c:name><c:spPr>'
        f'<a:ln w="28575" cap="flat"><a:solidFill><a:srgbClr val="{INK.lstrip("#")}"/>'
        '</a:solidFill><a:prstDash val="dash"/></a:ln></c:spPr><c:trendlineType '
        'val="linear"/><c:forward val="0.5"/><c:backward val="0.5"/><c:dispRSqr val="0"/>'
        '<c:dispEq val="0"/></c:trendline>'
    )
    series.find(qn("c:cat")).addprevious(trend)
    etree.SubElement(series, qn("c:smooth"), val="0")


_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def _add(
    deck: Deck,
    slide: Any,
    box: Box,
    kind: Any,
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    axis_pt: float = AXIS_PT,
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
    categories.tick_labels.font.size = Pt(axis_pt)
    body = categories._element.find(f"{qn('c:txPr')}/{qn('a:bodyPr')}")
    if body is not None:  # labels stay level: they were broken into lines that fit
        body.set("rot", "0")
        body.set("vert", "horz")
    plot = chart.plots[0]
    plot.gap_width = GAP_WIDTH
    plot.vary_by_categories = False
    return frame


def _category_labels(deck: Deck, labels: Sequence[str], width_pt: float) -> tuple[float, list[str]]:
    """The axis size and the labels broken into at most two lines that fit their slot."""
    texts = [plain(clean(label)) for label in labels]
    for size in (AXIS_PT, 14.0):
        lines = [wrap(t, deck.family, False, size, width_pt) for t in texts]
        if all(len(found) <= 2 for found in lines):
            return size, ["\n".join(found) for found in lines]
    return 14.0, texts


def _split(columns: Sequence[Column]) -> list[tuple[str, list[int]]]:
    """Series names and the columns each holds: those with an interval, and the others."""
    ranged = [i for i, c in enumerate(columns) if c.low is not None and c.high is not None]
    bare = [i for i in range(len(columns)) if i not in ranged]
    return [(name, ids) for name, ids in (("with a likely range", ranged), ("", bare)) if ids]


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
    across the plot (the caller names it in the chart's heading, where no bar or error bar
    can hide its label), error bars for intervals, and alt text."""
    width_pt = box.w / EMU_PER_PT * 0.9 / max(len(columns), 1)
    bar_pt = width_pt / (1 + GAP_WIDTH / 100) * 0.9  # a label inside its column
    size = _fits(deck, [c.text for c in columns], bar_pt)
    axis, labels = _category_labels(deck, [c.label for c in columns], width_pt)
    values = [value_of(c.text) for c in columns]
    groups = _split(columns)
    lines: list[tuple[str, list[float | None]]] = [
        (f"{series} {name}".strip(), [values[i] if i in ids else None for i in range(len(values))])
        for name, ids in groups
    ]
    top = max([*values, *(c.high for c in columns if c.high is not None)], default=1.0)
    if reference is not None:
        top = max(top, value_of(reference.text))
        lines.append((reference.name, [value_of(reference.text)] * len(columns)))
    top = top * 1.12 if top > 0 else 1.0
    frame = _add(deck, slide, box, XL_CHART_TYPE.COLUMN_CLUSTERED, labels, lines, axis)
    frame.name = f"Chart: {clean(series)}"[:200]
    chart = frame.chart
    chart.plots[0].overlap = 100
    for number, (_, ids) in enumerate(groups):
        bars = chart.plots[0].series[number]
        for index in ids:
            column = columns[index]
            point = bars.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(deck, "accent" if column.ours else GREY)
            colour = "#FFFFFF" if values[index] > top * 0.18 else INK
            where = (
                XL_LABEL_POSITION.INSIDE_BASE
                if values[index] > top * 0.18
                else XL_LABEL_POSITION.OUTSIDE_END
            )
            _label(bars, index, column.text, size, colour, where)
        if number == 0 and groups[0][0]:
            _error_bars(
                bars,
                [
                    (values[i], columns[i].low or 0.0, columns[i].high or 0.0) if i in ids else None
                    for i in range(len(columns))
                ],
            )
    chart.value_axis.minimum_scale = 0
    chart.value_axis.maximum_scale = top
    if reference is not None:
        _target_line(chart)
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
    drawn as a dashed outline (a limit, not a measurement)."""
    rows = [*bars, Column(budget.name, budget.text)] if budget else list(bars)
    labels = [plain(clean(c.label)) for c in rows]
    values = [value_of(c.text) for c in rows]
    size = _fits(deck, [c.text for c in rows], box.w / EMU_PER_PT * 0.3)
    frame = _add(deck, slide, box, XL_CHART_TYPE.BAR_CLUSTERED, labels, [(series, list(values))])
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
            widest = values[index] >= max(values)
            where = XL_LABEL_POSITION.INSIDE_END if widest else XL_LABEL_POSITION.OUTSIDE_END
            _label(plotted, index, row.text, size, INK, where)
            continue
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(deck, "accent" if row.ours else GREY)
        colour = deck.accent if row.ours else INK
        _label(plotted, index, row.text, size, colour, XL_LABEL_POSITION.OUTSIDE_END)
    if values and min(values) >= 0:
        chart.value_axis.minimum_scale = 0
        if max(values) > 0:  # room right of the longest bar for its label (layout, not data)
            chart.value_axis.maximum_scale = max(values) * 1.45
    set_alt(frame, alt)
    return frame
