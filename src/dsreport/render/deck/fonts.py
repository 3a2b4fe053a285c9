"""Font metrics for measuring deck text, from the shipped metric twins of the fonts it names.

python-pptx cannot embed fonts, so the deck names a font the audience has (Calibri or
Arial) and measures with its open twin (Carlito, Liberation Sans), which has the same
advance widths. A character the font lacks (CJK, Arabic, emoji) is drawn by a fallback
font we cannot know; it is measured at a conservative width and line height instead.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import cache

from fontTools.ttLib import TTFont

from dsreport.resources import asset

TWINS: dict[str, tuple[str, str]] = {
    "Calibri": ("fonts/Carlito-Regular.ttf", "fonts/Carlito-Bold.ttf"),
    "Arial": ("fonts/LiberationSans-Regular.ttf", "fonts/LiberationSans-Bold.ttf"),
}
"""Deck font -> (regular, bold) files of its metric-compatible twin in assets/."""
ALIASES = {"Carlito": "Calibri", "Liberation Sans": "Arial", "Helvetica": "Arial"}
DEFAULT_FAMILY = "Calibri"
FALLBACK_EM = 1.25
"""Advance assumed for a glyph the font lacks: CJK ideographs are 1 em, colour emoji ~1.25 em."""
FALLBACK_LINE_EM = 1.5
"""Line height of a line holding fallback glyphs (CJK fonts run taller than Latin ones)."""
MIN_LINE_EM = 1.2
"""PowerPoint's single spacing is at least 1.2 em, whatever the font says."""
_ZERO_WIDTH = frozenset({"Mn", "Me", "Cf"})


@dataclass
class Face:
    """One font file's advance widths (in em) and line height."""

    advances: dict[int, float]
    line_em: float

    def char_em(self, char: str) -> float:
        advance = self.advances.get(ord(char))
        if advance is not None:
            return advance
        return 0.0 if unicodedata.category(char) in _ZERO_WIDTH else FALLBACK_EM

    def width_em(self, text: str) -> float:
        advances = self.advances
        total = 0.0
        for char in text:
            advance = advances.get(ord(char))
            total += advance if advance is not None else self.char_em(char)
        return total

    def lacking(self, text: str) -> set[str]:
        """The characters of `text` this font cannot draw (a fallback font will)."""
        advances = self.advances
        return {
            c for c in text if ord(c) not in advances and unicodedata.category(c) not in _ZERO_WIDTH
        }


@cache
def _face(relative: str) -> Face:
    # fontTools logs a warning about the 'created' date in the Carlito files' head table
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    font = TTFont(str(asset(relative)), lazy=True)
    upm = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    advances = {code: metrics[name][0] / upm for code, name in font.getBestCmap().items()}
    hhea, os2 = font["hhea"], font["OS/2"]
    line = max(
        (hhea.ascent - hhea.descent + hhea.lineGap) / upm,
        (os2.usWinAscent + os2.usWinDescent) / upm,
        MIN_LINE_EM,
    )
    font.close()
    return Face(advances, line)


def measurable(family: str) -> str | None:
    """The deck font name for `family` if we ship its twin, else None."""
    name = ALIASES.get(family, family)
    return name if name in TWINS else None


def face(family: str, bold: bool = False) -> Face:
    """Metrics of `family` (a deck font name, e.g. Calibri), regular or bold."""
    name = measurable(family) or DEFAULT_FAMILY
    return _face(TWINS[name][1 if bold else 0])
