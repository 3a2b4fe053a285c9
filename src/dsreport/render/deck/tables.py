"""Native tables whose every cell fits by the font's metrics.

Rows are as tall as their tallest cell, measured; when the table is taller than its
box the size steps down to the floor, then cells are shortened to a few lines (at a
sentence or word boundary, with an ellipsis), then the last rows are left out and the
caller is told how many (they are in the speaker notes, or on a continuation slide).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree
from pptx.enum.text import MSO_ANCHOR
from pptx.oxml.ns import qn
from pptx.util import Emu

from dsreport.render.deck.draw import clean, rgb, set_alt, write
from dsreport.render.deck.fit import (
    HEIGHT_SAFETY,
    WIDTH_SAFETY,
    Fitted,
    Frame,
    Para,
    clip_lines,
    para_height,
)
from dsreport.render.deck.fonts import face
from dsreport.render.deck.geometry import EMU_PER_PT, Box, inches
from dsreport.render.deck.theme import LIGHT, MUTED, Deck

CELL_X = inches(0.08)
CELL_Y = inches(0.05)
TABLE_SIZES = (20.0, 18.0, 16.0, 14.0)
RULE = "#D9D9D9"
NO_GRID = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False
    colour: str | None = None


@dataclass
class TableFit:
    size: float
    rows: list[list[Cell]]
    """Header first, then the body rows kept, with their texts as shown."""
    heights: list[int]
    dropped: int


def _height(
    row: Sequence[Cell], widths: Sequence[int], size: float, family: str, budget: float
) -> int:
    """The row's height in EMU; measuring stops once a cell is taller than `budget` EMU."""
    tallest = 0.0
    for cell, width in zip(row, widths, strict=True):
        frame = Frame((width - 2 * CELL_X) / EMU_PER_PT, 0.0, family)
        para = Para(cell.text, bold=cell.bold)
        tallest = max(tallest, para_height(para, size, frame, budget / EMU_PER_PT))
    return int(tallest * EMU_PER_PT) + 2 * CELL_Y + 1


def _clip(
    row: Sequence[Cell], widths: Sequence[int], size: float, family: str, lines: int
) -> list[Cell]:
    return [
        Cell(
            clip_lines(c.text, family, c.bold, size, (w - 2 * CELL_X) / EMU_PER_PT, lines),
            c.bold,
            c.colour,
        )
        for c, w in zip(row, widths, strict=True)
    ]


def _clipped(
    table: list[list[Cell]], widths: Sequence[int], size: float, family: str, lines: int
) -> list[list[Cell]]:
    return [
        _clip(row, widths, size, family, min(lines, 2) if i == 0 else lines)
        for i, row in enumerate(table)
    ]


def _words_fit(
    table: Sequence[Sequence[Cell]], widths: Sequence[int], size: float, family: str
) -> bool:
    """No word is wider than its column at `size`: a header never breaks mid-word."""
    for row in table:
        for cell, width in zip(row, widths, strict=True):
            room = (width - 2 * CELL_X) / EMU_PER_PT * WIDTH_SAFETY
            metrics = face(family, cell.bold)
            if any(metrics.width_em(word) * size > room for word in cell.text.split()):
                return False
    return True


def column_widths(
    rows: Sequence[Sequence[Cell]], weights: Sequence[float], total: int, family: str, size: float
) -> list[int]:
    """Widths by `weights`, except that a column narrower than its longest word (at the
    floor `size`) takes the room it needs from the columns with room to spare."""
    widths = [total * w / sum(weights) for w in weights]
    need = [2 * CELL_X + 1.0] * len(widths)
    for row in rows:
        for c, cell in enumerate(row):
            metrics = face(family, cell.bold)
            for word in clean(cell.text).split():
                width = metrics.width_em(word) * size * EMU_PER_PT / WIDTH_SAFETY + 2 * CELL_X
                need[c] = max(need[c], width + 1)
    if sum(need) > total:  # words too long for any layout: they will break, within the box
        return [int(total * n / sum(need)) for n in need]
    short = sum(max(n - w, 0.0) for n, w in zip(need, widths, strict=True))
    spare = sum(max(w - n, 0.0) for n, w in zip(need, widths, strict=True))
    if short <= 0 or spare <= 0:
        return [int(w) for w in widths]
    take = min(short, spare)
    return [
        int(n if n > w else w - (w - n) * take / spare) for n, w in zip(need, widths, strict=True)
    ]


def fit_table(
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[int],
    height: int,
    family: str,
    sizes: Sequence[float] = TABLE_SIZES,
) -> TableFit:
    """The largest size at which `rows` (header first) fit `height` whole; else, at the
    floor, as many whole rows as fit (the caller says how many more are in the notes), and
    only a cell too tall for the slide on its own is cut short."""
    limit = height * HEIGHT_SAFETY
    table = [[Cell(clean(c.text), c.bold, c.colour) for c in row] for row in rows]
    whole = [s for s in sizes if _words_fit(table, widths, s, family)] or [sizes[-1]]
    for size in whole:
        heights = [_height(row, widths, size, family, limit) for row in table]
        if sum(heights) <= limit:
            return TableFit(size, table, heights, 0)
    size = whole[-1]  # too tall at the floor: leave out the last rows, whole (the caller
    heights = [_height(row, widths, size, family, limit) for row in table]  # says so)
    kept = len(table)
    while kept > 2 and sum(heights[:kept]) > limit:
        kept -= 1
    if sum(heights[:kept]) <= limit:
        return TableFit(size, table[:kept], heights[:kept], len(table) - kept)
    for lines in (3, 2, 1):  # a cell too tall for the slide even alone: cut it short
        clipped = _clipped(table[:kept], widths, size, family, lines)
        heights = [_height(row, widths, size, family, limit) for row in clipped]
        if sum(heights) <= limit:
            break
    return TableFit(size, clipped, heights, len(table) - kept)


def _rule_below(cell: Any, colour: str, width: int) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    line = etree.Element(qn("a:lnB"), w=str(width))
    fill = etree.SubElement(line, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=colour.lstrip("#"))
    tcpr.insert(0, line)


def table(
    deck: Deck,
    slide: Any,
    box: Box,
    rows: Sequence[Sequence[Cell]],
    weights: Sequence[float],
    *,
    name: str,
    alt: str,
    aligns: Sequence[str] = (),
    highlight: Sequence[int] = (),
    sizes: Sequence[float] = TABLE_SIZES,
) -> TableFit:
    """A native table in `box`; `highlight` marks body rows (0-based) drawn as 'ours'."""
    # measured as drawn: the header and the highlighted rows are set in bold, which is
    # wider (a long name measured in regular type overflowed its bold cell by a line)
    rows = [
        [replace(c, bold=True) if r == 0 or r - 1 in highlight else c for c in row]
        for r, row in enumerate(rows)
    ]
    widths = column_widths(rows, weights, box.w, deck.family, sizes[-1])
    fitted = fit_table(rows, widths, box.h, deck.family, sizes)
    for original, kept in zip(rows, fitted.rows, strict=False):  # dropped rows: said by the
        texts = [clean(c.text) for c in original]  # caller, "+ N more in the speaker notes"
        for before, after in zip(texts, [c.text for c in kept], strict=True):
            if before != after:
                deck.shortened(f"{name} (a cell)", before, after)
    shape = slide.shapes.add_table(
        len(fitted.rows), len(widths), Emu(box.x), Emu(box.y), Emu(box.w), Emu(sum(fitted.heights))
    )
    shape.name = name
    set_alt(shape, alt)
    grid = shape.table
    props = grid._tbl.tblPr
    props.set("firstRow", "1")
    props.set("bandRow", "0")
    style = props.find(qn("a:tableStyleId"))
    if style is None:
        style = etree.SubElement(props, qn("a:tableStyleId"))
    style.text = NO_GRID
    for index, width in enumerate(widths):
        grid.columns[index].width = Emu(width)
    for r, (row, row_height) in enumerate(zip(fitted.rows, fitted.heights, strict=True)):
        grid.rows[r].height = Emu(row_height)
        ours = r - 1 in highlight
        for c, cell_fact in enumerate(row):
            cell = grid.cell(r, c)
            cell.margin_left = cell.margin_right = Emu(CELL_X)
            cell.margin_top = cell.margin_bottom = Emu(CELL_Y)
            cell.vertical_anchor = MSO_ANCHOR.TOP
            colour = cell_fact.colour or ("accent" if ours else "muted" if r == 0 else None)
            para = Para(cell_fact.text, bold=cell_fact.bold or r == 0 or ours, colour=colour)
            align = aligns[c] if c < len(aligns) else "l"
            write(deck, cell, Fitted(fitted.size, [para]), align=align, anchor="")
            _rule_below(cell, MUTED if r == 0 else RULE, 12700 if r == 0 else 6350)
            if ours:
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb(deck, LIGHT)
            else:
                cell.fill.background()
    return fitted
