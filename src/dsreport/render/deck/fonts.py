"""Font metrics for measuring deck text, from the font files of the font the deck names.

python-pptx cannot embed fonts, so the deck names a font (the template's, else Calibri) and
measures every line with that font's own file, found through fontconfig. Calibri and Arial
are measured with their open twins shipped in assets/ (Carlito, Liberation Sans: the same
advance widths); a font the machine lacks is measured with a metric-compatible substitute
when there is one (fontconfig's own list of them), else with a stand-in widened to be safe,
and the build says which. A character the font lacks (CJK, Arabic, emoji) is drawn by a
fallback font we cannot know; it is measured at a conservative width and line height.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from dsreport.resources import asset

TWINS: dict[str, tuple[str, str]] = {
    "Calibri": ("fonts/Carlito-Regular.ttf", "fonts/Carlito-Bold.ttf"),
    "Arial": ("fonts/LiberationSans-Regular.ttf", "fonts/LiberationSans-Bold.ttf"),
}
"""Deck font -> (regular, bold) files of its metric-compatible twin in assets/."""
ALIASES = {"Carlito": "Calibri", "Liberation Sans": "Arial", "Helvetica": "Arial", "Arimo": "Arial"}
METRIC_TWINS: dict[str, tuple[str, ...]] = {
    "Cambria": ("Caladea",),
    "Times New Roman": ("Liberation Serif", "Tinos", "Thorndale AMT"),
    "Times": ("Nimbus Roman", "Liberation Serif", "Tinos"),
    "Courier New": ("Liberation Mono", "Cousine", "Cumberland AMT"),
    "Courier": ("Nimbus Mono PS", "Liberation Mono", "Cousine"),
    "Helvetica Neue": ("Nimbus Sans", "Liberation Sans"),
    "Arial Narrow": ("Liberation Sans Narrow", "Nimbus Sans Narrow"),
    "Georgia": ("Gelasio",),
    "Segoe UI": ("Selawik",),
}
"""Fonts with a metric-compatible open substitute (fontconfig's 30-metric-aliases.conf)."""
DEFAULT_FAMILY = "Calibri"
STAND_IN_WIDEN = 1.15
"""A font with neither its file nor a metric twin is measured with a stand-in this much wider."""
FALLBACK_EM = 1.25
"""Advance assumed for a glyph the font lacks: CJK ideographs are 1 em, colour emoji ~1.25 em."""
FALLBACK_LINE_EM = 1.5
"""Line height of a line holding fallback glyphs (CJK fonts run taller than Latin ones)."""
MIN_LINE_EM = 1.2
"""PowerPoint's single spacing is at least 1.2 em, whatever the font says."""
_ZERO_WIDTH = frozenset({"Mn", "Me", "Cf"})
_SAFE_NAME = re.compile(r"^[A-Za-z0-9 ._&'()+]{1,64}$")
"""Font names passed to fontconfig: plain names only (its pattern syntax uses - : , =)."""


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


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0


@dataclass(frozen=True)
class Measured:
    """How a deck font is measured: which files, how much widened, and what to tell the user."""

    family: str
    """The name the deck writes on every run."""
    regular: FontFile
    bold: FontFile
    widen: float = 1.0
    note: str | None = None
    found: str = ""
    """The font actually measured, when it is not `family` itself."""


@cache
def _read(path: str, index: int, widen: float) -> Face:
    # fontTools logs a warning about the 'created' date in the Carlito files' head table
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    font = TTFont(path, lazy=True, fontNumber=index)
    upm = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    advances = {code: metrics[name][0] / upm * widen for code, name in font.getBestCmap().items()}
    hhea, os2 = font["hhea"], font["OS/2"]
    line = max(
        (hhea.ascent - hhea.descent + hhea.lineGap) / upm,
        (os2.usWinAscent + os2.usWinDescent) / upm,
        MIN_LINE_EM,
    )
    font.close()
    return Face(advances, line)


def _shipped(name: str) -> Measured:
    regular, bold = TWINS[name]
    return Measured(name, FontFile(str(asset(regular))), FontFile(str(asset(bold))))


@cache
def _fc_match(family: str, bold: bool) -> tuple[str, FontFile] | None:
    """fontconfig's best file for `family`: (its family names, file), or None without it."""
    binary = shutil.which("fc-match")
    if binary is None or not _SAFE_NAME.match(family):
        return None
    pattern = f"{family}:weight={'bold' if bold else 'regular'}:slant=roman"
    try:
        out = subprocess.run(
            [binary, "--format=%{family}|%{file}|%{index}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names, _, rest = out.partition("|")
    path, _, index = rest.partition("|")
    if not path or not Path(path).is_file():
        return None
    return names, FontFile(path, int(index) if index.isdigit() else 0)


def _installed(family: str) -> tuple[FontFile, FontFile] | None:
    """The files of `family` itself on this machine (not a fontconfig substitute)."""
    found = [_fc_match(family, bold) for bold in (False, True)]
    if any(f is None for f in found):
        return None
    names = [{n.strip().lower() for n in f[0].split(",")} for f in found if f is not None]
    if not all(family.lower() in n for n in names):
        return None
    regular, bold = (f[1] for f in found if f is not None)
    return regular, bold


@cache
def resolve(family: str) -> Measured:
    """How to measure text set in `family`: its own files, a metric twin, or a stand-in."""
    name = ALIASES.get(family, family)
    if name in TWINS:
        return _shipped(name)
    own = _installed(name)
    if own is not None:
        return Measured(name, *own)
    for twin in METRIC_TWINS.get(name, ()):
        files = _installed(twin)
        if files is not None:
            return Measured(
                name,
                *files,
                note=f"the template's font {name} is not on this machine; text is measured "
                f"with {twin}, which has the same widths",
                found=twin,
            )
    guess = _fc_match(name, False)
    stand_in = guess[0].split(",")[0] if guess is not None else "Carlito"
    files = _installed(stand_in) if guess is not None else None
    shipped = _shipped(DEFAULT_FAMILY)
    regular, bold = files if files is not None else (shipped.regular, shipped.bold)
    return Measured(
        name,
        regular,
        bold,
        widen=STAND_IN_WIDEN,
        note=f"the template's font {name} is not on this machine and has no metric-compatible "
        f"twin; text is measured with {stand_in} widened by {STAND_IN_WIDEN - 1:.0%}, so "
        f"it fits in {name} with room to spare",
        found=stand_in,
    )


def face(family: str, bold: bool = False) -> Face:
    """Metrics of `family` (a deck font name, e.g. Calibri), regular or bold."""
    measured = resolve(family)
    file = measured.bold if bold else measured.regular
    return _read(file.path, file.index, measured.widen)
