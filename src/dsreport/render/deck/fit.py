"""Make text fit its box by the font's metrics; never rely on PowerPoint's autofit.

Text is wrapped greedily into lines of the box's width, as PowerPoint and LibreOffice
do. When it does not fit, the size steps down to the floor. Slides show text that is
short by construction (the bundle's slide texts have validated lengths), so cutting is
the last resort: only when nothing fits whole at the floor is text shortened, at a
sentence boundary, else at a word boundary (or between characters, for scripts without
spaces), always with an ellipsis, and the build warns. A list drops its last items
instead and says how many went to the speaker notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from dsreport.render.deck.fonts import FALLBACK_LINE_EM, face

ELLIPSIS = "…"
WIDTH_SAFETY = 0.98
"""Share of a box's inner width text may fill: renderers round and kern differently."""
HEIGHT_SAFETY = 0.97
BULLET_EM = 1.0
"""Hanging indent of a bulleted paragraph, in em of its size."""
FLOOR = 14.0
BODY_SIZES = (24.0, 22.0, 20.0, 18.0, 16.0, 14.0)

_WIDE = "\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(rf"[{_WIDE}]\s*|[^\s{_WIDE}]+\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box, as the deck writes it."""

    text: str
    bold: bool = False
    bullet: bool = False
    colour: str | None = None
    """`accent`, `muted`, `white` or `#RRGGBB`; None for the body colour."""
    gap: float = 0.0
    """Space before the paragraph, in em of its size (not before the first)."""
    scale: float = 1.0
    """Size relative to the box's size."""
    lead: str = ""
    """A bold lead-in before the text (`Model said: `), kept when the text is shortened."""
    lead_colour: str | None = None


@dataclass(frozen=True)
class Frame:
    """The inner area of a box (insets taken off), in points, and the font it is set in."""

    width: float
    height: float
    family: str


@dataclass(frozen=True)
class Fitted:
    size: float
    paras: list[Para]
    dropped: int = 0
    """Paragraphs left out (they are in the speaker notes)."""


def tokens(text: str) -> list[str]:
    """Words with their trailing spaces; each CJK character is a word of its own."""
    return _TOKEN.findall(text)


def wrap(
    text: str, family: str, bold: bool, size: float, width: float, max_lines: int | None = None
) -> list[str]:
    """Lines of `text` set at `size` pt in a column `width` pt wide (greedy, as renderers do).
    With `max_lines`, stops as soon as there are more lines than that (the text cannot fit)."""
    metrics = face(family, bold)
    limit = width * WIDTH_SAFETY
    most = max_lines if max_lines is not None else len(text) + 1
    lines: list[str] = []
    line = ""
    pen = 0.0
    for match in _TOKEN.finditer(text.strip()):
        if len(lines) > most:
            return lines
        token = match.group()
        word = token.rstrip()
        advance = metrics.width_em(word) * size
        if line and pen + advance > limit:
            lines.append(line.rstrip())
            line, pen = "", 0.0
        if not line and advance > limit:  # a word wider than the line breaks anywhere
            for char in word:
                step = metrics.char_em(char) * size
                if line and pen + step > limit:
                    lines.append(line)
                    line, pen = "", 0.0
                line += char
                pen += step
        else:
            line += word
            pen += advance
        spaces = token[len(word) :]
        line += spaces
        pen += metrics.width_em(spaces) * size
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def para_height(para: Para, size: float, frame: Frame, budget: float | None = None) -> float:
    """Height of `para` in pt; once it is taller than `budget` pt, measuring stops early."""
    points = size * para.scale
    width = frame.width - (BULLET_EM * points if para.bullet else 0.0)
    bold = para.bold or bool(para.lead)  # measured all bold when it has a bold lead: wider
    text = f"{para.lead} {para.text}" if para.lead else para.text
    metrics = face(frame.family, bold)
    most = None if budget is None else int(budget / (metrics.line_em * points)) + 1
    if most is not None:  # only the start that could show matters (4x: margin for narrow glyphs)
        text = text[: 4 * (most + 1) * (int(width / (0.2 * points)) + 1)]
    line = (FALLBACK_LINE_EM if metrics.lacking(text) else metrics.line_em) * points
    return len(wrap(text, frame.family, bold, points, width, most)) * line


def height(paras: Sequence[Para], size: float, frame: Frame, budget: float | None = None) -> float:
    total = 0.0
    for index, para in enumerate(paras):
        if index:
            total += para.gap * size * para.scale
        total += para_height(para, size, frame, None if budget is None else budget - total)
        if budget is not None and total > budget:
            break
    return total


def fits(paras: Sequence[Para], size: float, frame: Frame) -> bool:
    budget = frame.height * HEIGHT_SAFETY
    return height(paras, size, frame, budget) <= budget


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def _largest(count: int, ok: Callable[[int], bool]) -> int:
    """Largest k in 1..count with ok(k), assuming ok is monotone; 0 when none."""
    low, high = 0, count
    while low < high:
        middle = (low + high + 1) // 2
        if ok(middle):
            low = middle
        else:
            high = middle - 1
    return low


def shorten(text: str, ok: Callable[[str], bool], *, words: bool = True) -> str | None:
    """The longest start of `text` that passes `ok`, cut at a sentence boundary, else (if
    `words`) at a word or character boundary, ending in an ellipsis; None if nothing fits."""
    parts = sentences(text)
    if len(parts) > 1:
        k = _largest(len(parts) - 1, lambda n: ok(" ".join(parts[:n]) + " " + ELLIPSIS))
        if k:
            return " ".join(parts[:k]) + " " + ELLIPSIS
    if not words:
        return None
    pieces = tokens(text.strip())
    k = _largest(len(pieces) - 1, lambda n: ok("".join(pieces[:n]).rstrip() + ELLIPSIS))
    if k:
        return "".join(pieces[:k]).rstrip() + ELLIPSIS
    first = pieces[0].rstrip() if pieces else ""
    k = _largest(len(first) - 1, lambda n: ok(first[:n] + ELLIPSIS))
    if k:
        return first[:k] + ELLIPSIS
    return ELLIPSIS if ok(ELLIPSIS) else None


def clip_lines(
    text: str, family: str, bold: bool, size: float, width: float, max_lines: int
) -> str:
    """`text` shortened (with an ellipsis) to at most `max_lines` lines of `width` pt."""

    def ok(candidate: str) -> bool:
        return len(wrap(candidate, family, bold, size, width, max_lines)) <= max_lines

    if ok(text):
        return text
    return shorten(text, ok) or ELLIPSIS


def _squeeze(
    paras: list[Para],
    size: float,
    frame: Frame,
    *,
    words: bool,
    is_list: bool,
    more: Callable[[int], Para] | None,
) -> tuple[list[Para], int] | None:
    """Keep the paragraphs that fit whole, then the start of the next one (prose) or a
    line saying how many are left (list). None when not even the start fits."""
    kept = 0
    while kept < len(paras) and fits(paras[: kept + 1], size, frame):
        kept += 1
    if kept == len(paras):
        return paras, 0
    if is_list and more is not None:
        while kept and not fits([*paras[:kept], more(len(paras) - kept)], size, frame):
            kept -= 1
        if kept:
            return [*paras[:kept], more(len(paras) - kept)], len(paras) - kept
    head = paras[:kept]
    nxt = paras[kept]
    text = shorten(
        nxt.text, lambda t: fits([*head, replace(nxt, text=t)], size, frame), words=words
    )
    if text is None:
        return (head, len(paras) - kept) if head else None
    return [*head, replace(nxt, text=text)], len(paras) - kept - 1


def _sentence_cut(paras: list[Para], size: float, frame: Frame, is_list: bool) -> Fitted | None:
    """`paras` shortened at sentence boundaries to fit at `size`, or None."""
    if is_list:
        firsts = [replace(p, text=_first_sentence(p.text)) for p in paras]
        return Fitted(size, firsts) if firsts != paras and fits(firsts, size, frame) else None
    squeezed = _squeeze(paras, size, frame, words=False, is_list=False, more=None)
    return Fitted(size, *squeezed) if squeezed is not None and squeezed[0] else None


def fit(
    paras: Sequence[Para],
    frame: Frame,
    sizes: Sequence[float] = BODY_SIZES,
    *,
    is_list: bool = False,
    more: Callable[[int], Para] | None = None,
) -> Fitted:
    """The largest size in `sizes` at which `paras` fit `frame` whole. Only when they fit at
    no size is text cut, at the floor size: at a sentence boundary, else at a word boundary
    (prose) or by leaving out the last items (lists). The caller warns about any cut
    (`draw.report_cuts`)."""
    paras = [p for p in paras if p.text.strip()]
    for size in sizes:
        if fits(paras, size, frame):
            return Fitted(size, paras)
    floor = sizes[-1]  # nothing fits whole: cut, at the floor, where the most text fits
    cut = _sentence_cut(paras, floor, frame, is_list)
    if cut is not None:
        return cut
    if is_list:
        firsts = [replace(p, text=_first_sentence(p.text)) for p in paras]
        result = _squeeze(firsts, floor, frame, words=True, is_list=True, more=more)
    else:
        result = _squeeze(paras, floor, frame, words=True, is_list=False, more=None)
    if result is None:
        return Fitted(floor, [], len(paras))
    return Fitted(floor, result[0], result[1])


def _first_sentence(text: str) -> str:
    parts = sentences(text)
    return parts[0] if len(parts) <= 1 else parts[0] + " " + ELLIPSIS
