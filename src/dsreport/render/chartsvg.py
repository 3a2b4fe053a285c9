"""A chart as SVG: cropped as matplotlib's `bbox_inches="tight"` crops it, from one draw,
and written the way the PDF engine reads fastest.

`bbox_inches="tight"` draws the whole figure once only to measure it, then again to write
it: a quarter of the charts' time. Here the box is measured right after the one real
draw, with the same renderer in the same state, and the SVG's viewport is set to it: the
same size and the same picture (coordinates differ in their sixth decimal). A figure
with a raster image (the confusion matrix) is still drawn twice: its pixels are
resampled on the grid of the cropped figure, which the crop would shift.

matplotlib styles every element through a `style` attribute and one stylesheet rule for
all elements (`*{stroke-linejoin: round; stroke-linecap: butt}`); the PDF engine parses
each `style` with a CSS parser and matches the rule against each element, about a fifth
of its time drawing the report's charts. The same values as presentation attributes are
read as they are; for an SVG renderer the two say the same (a `style` declaration wins
over an attribute, as the rule does, and here no attribute names the same property). A
value with quotes (the font family) stays in `style`, parsed as before.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import xml.etree.ElementTree as ET
from typing import Any


def svg(fig: Any) -> str:
    """The figure as SVG, cropped to what it draws plus matplotlib's padding (and closed)."""
    import matplotlib.pyplot as plt

    try:
        if not any(ax.images for ax in fig.axes):
            with contextlib.suppress(ValueError):  # not the SVG expected: the usual way
                return lean(presentational(_drawn_once(fig)))
        return lean(presentational(_saved(fig, bbox_inches="tight")))
    finally:
        plt.close(fig)


def _drawn_once(fig: Any) -> str:
    boxes: list[Any] = []
    draw = fig.draw

    def draw_and_measure(renderer: Any) -> None:
        draw(renderer)
        boxes.append(fig.get_tightbbox(renderer))

    fig.draw = draw_and_measure
    try:
        text = _saved(fig, bbox_inches=None)
    finally:
        del fig.draw
    from matplotlib import rcParams

    box = boxes[-1].padded(rcParams["savefig.pad_inches"])
    top = fig.get_size_inches()[1] - box.y1
    return _cropped(text, [v * 72 for v in (box.x0, top, box.width, box.height)])


def _saved(fig: Any, bbox_inches: str | None) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # a glyph Inter lacks (CJK, emoji) is measured with a fallback box and drawn by
        # the PDF engine's fonts; one warning per character is noise, not news
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        fig.savefig(buffer, format="svg", bbox_inches=bbox_inches, metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


_VIEWPORT = re.compile(
    r'^<svg ([^>]*?)width="([0-9.]+)pt" height="([0-9.]+)pt" viewBox="0 0 \2 \3"'
)
_BACKGROUND = (
    ' <g id="patch_1">\n   <path d="M {left} {bottom} \nL {right} {bottom} \n'
    'L {right} {top} \nL {left} {top} \nz\n"'
)


def _cropped(text: str, box: list[float]) -> str:
    """`text` (matplotlib's SVG of the whole figure) showing only `box` (x, y from the top,
    width, height, in points), its background drawn over the box alone: the PDF engine
    does not clip an SVG to its viewport."""
    x, y, w, h = (_number(v) for v in box)
    match = _VIEWPORT.match(text)
    if match is None:
        raise ValueError("matplotlib's SVG does not start as expected")
    background = _BACKGROUND.format(left=0, top=0, right=match.group(2), bottom=match.group(3))
    if text.count(background) != 1:
        raise ValueError("matplotlib's SVG has no figure background where expected")
    right, bottom = _number(box[0] + box[2]), _number(box[1] + box[3])
    cropped = _BACKGROUND.format(left=x, top=y, right=right, bottom=bottom)
    head = f'<svg {match.group(1)}width="{w}pt" height="{h}pt" viewBox="{x} {y} {w} {h}"'
    return head + text[match.end() :].replace(background, cropped)


def _number(value: float) -> str:
    """A coordinate as matplotlib writes one in SVG."""
    return f"{value:f}".rstrip("0").rstrip(".")


_RULE = '  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>\n'
_RULED = {"stroke-linejoin": "round", "stroke-linecap": "butt"}
_METADATA = re.compile(r" <metadata>.*?</metadata>\n", re.DOTALL)
_START_TAG = re.compile(r"<([a-zA-Z][\w:]*)((?:\s[^<>]*?)?)(/?)>")
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_PLAIN = re.compile(r"[#\w.%, -]+")
_PROPERTY = re.compile(r"[a-z-]+")


def presentational(text: str) -> str:
    """matplotlib's SVG with its stylesheet rule and plain `style` values as presentation
    attributes on each element, and without its metadata (the engine never reads it); the
    SVG unchanged if it is not laid out as expected."""
    if text.count(_RULE) != 1 or text.count("<style") != 1:
        return text
    if any(f' {name}="' in text for name in _RULED):
        return text  # an attribute the rule would override: leave it to the rule
    text = _METADATA.sub("", text.replace(_RULE, ""), count=1)

    def element(match: re.Match[str]) -> str:
        name, attributes, end = match.groups()
        if name == "svg" or ":" in name:
            return match.group(0)
        values = dict(_RULED)
        kept = []
        style = _STYLE.search(attributes)
        if style is not None:
            attributes = attributes[: style.start()] + attributes[style.end() :]
            for declaration in filter(str.strip, style.group(1).split(";")):
                key, _, value = (part.strip() for part in declaration.partition(":"))
                plain = _PLAIN.fullmatch(value) and _PROPERTY.fullmatch(key)
                if plain and f' {key}="' not in attributes:
                    values[key] = value
                else:
                    kept.append(f"{key}: {value}")
        added = "".join(f' {key}="{value}"' for key, value in values.items())
        if kept:
            added += ' style="' + "; ".join(kept) + '"'
        return f"<{name}{attributes}{added}{end}>"

    return _START_TAG.sub(element, text)


_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_NO_TURN = re.compile(r"rotate\(-?0 [-0-9.e]+ [-0-9.e]+\)")
_REFERENCE = re.compile(r"#([\w.-]+)")


def lean(text: str) -> str:
    """`presentational`'s SVG without what draws nothing: groups that only carry an id no
    reference names, stroke properties equal to the ones inherited, empty `<defs>`, turns
    by zero degrees; the SVG unchanged if it is not one to read."""
    if not text.startswith("<svg") or "<style" in text:
        return text
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return text
    if root.tag != f"{{{_SVG}}}svg":
        return text
    ET.register_namespace("", _SVG)  # written as matplotlib writes them
    ET.register_namespace("xlink", _XLINK)
    root.attrib.update(_RULED)
    root[:] = _leaner(root, dict(_RULED), set(_REFERENCE.findall(text)))
    return ET.tostring(root, encoding="unicode")


def _leaner(parent: ET.Element, inherited: dict[str, str], named: set[str]) -> list[ET.Element]:
    kept: list[ET.Element] = []
    for child in parent:
        inside = dict(inherited)
        for key in _RULED:
            value = child.get(key)
            if value == inherited[key]:
                del child.attrib[key]
            elif value is not None:
                inside[key] = value
        turn = child.get("transform")
        if turn is not None and _NO_TURN.fullmatch(turn):
            del child.attrib["transform"]
        child[:] = _leaner(child, inside, named)
        tag = child.tag.rpartition("}")[2]
        if tag == "g" and set(child.attrib) <= {"id"} and child.get("id") not in named:
            kept.extend(child)  # what it groups, in its place
        elif not (tag == "defs" and len(child) == 0 and not child.attrib):
            kept.append(child)
    return kept
