"""A chart's SVG is cropped as `bbox_inches="tight"` crops it, from one draw."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from dsreport.render import chartstyle

pytest.importorskip("matplotlib")

SIZE = re.compile(r'^<svg [^>]*?width="([0-9.]+)pt" height="([0-9.]+)pt" viewBox="([^"]+)"')


def _figure(image: bool = False) -> Any:
    plt = chartstyle.setup()
    fig, ax = plt.subplots(figsize=(3.1, 2.75))
    if image:
        ax.imshow([[1, 2], [3, 4]], cmap="Blues")
    else:
        ax.plot([0, 1], [0, 0.5], label="a long legend entry")
        ax.annotate("a label beyond the axes", (1, 0.5), xytext=(30, 0), textcoords="offset points")
        ax.legend()
    ax.set(xlabel="Recall", ylabel="Precision", title="A title")
    return fig


def _tight(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _draws(fig: Any) -> list[int]:
    count = [0]
    draw = fig.draw

    def counted(renderer: Any) -> None:
        count[0] += 1
        draw(renderer)

    fig.draw = counted
    return count


def test_the_size_is_tight_bboxs_from_one_draw() -> None:
    theirs = SIZE.match(_tight(_figure()))
    fig = _figure()
    draws = _draws(fig)
    ours = SIZE.match(chartstyle.svg(fig))
    assert theirs and ours
    assert ours.group(1, 2) == theirs.group(1, 2)
    x, y, w, h = ours.group(3).split()
    assert (w, h) == theirs.group(1, 2) and (x, y) != ("0", "0")
    assert draws == [1]


def test_the_background_covers_the_crop_alone() -> None:
    text = chartstyle.svg(_figure())
    x, y, w, h = (float(v) for v in SIZE.match(text).group(3).split())  # type: ignore[union-attr]
    start = text.index('<g id="patch_1">')
    corners = re.findall(r"([-0-9.]+) ([-0-9.]+) ", text[start : text.index("z", start)])
    xs = {round(float(a), 4) for a, _ in corners}
    ys = {round(float(b), 4) for _, b in corners}
    assert xs == {round(x, 4), round(x + w, 4)} and ys == {round(y, 4), round(y + h, 4)}


def test_a_figure_with_a_raster_image_is_drawn_as_matplotlib_crops_it() -> None:
    assert chartstyle.svg(_figure(image=True)) == _tight(_figure(image=True))
