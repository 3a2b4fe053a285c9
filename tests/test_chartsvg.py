"""A chart's SVG is cropped as `bbox_inches="tight"` crops it, from one draw, and says
with attributes what matplotlib says with styles: the same pages either way."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from dsreport.render import chartstyle
from dsreport.render.chartsvg import lean, presentational, svg

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
    ours = SIZE.match(svg(fig))
    assert theirs and ours
    assert ours.group(1, 2) == theirs.group(1, 2)
    x, y, w, h = ours.group(3).split()
    assert (w, h) == theirs.group(1, 2) and (x, y) != ("0", "0")
    assert draws == [1]


def test_the_background_covers_the_crop_alone() -> None:
    text = svg(_figure())
    x, y, w, h = (float(v) for v in SIZE.match(text).group(3).split())  # type: ignore[union-attr]
    start = text.index("<path ")  # the figure's background comes first
    corners = re.findall(r"([-0-9.]+) ([-0-9.]+) ", text[start : text.index("z", start)])
    xs = {round(float(a), 4) for a, _ in corners}
    ys = {round(float(b), 4) for _, b in corners}
    assert xs == {round(x, 4), round(x + w, 4)} and ys == {round(y, 4), round(y + h, 4)}


def test_a_figure_with_a_raster_image_is_drawn_as_matplotlib_crops_it() -> None:
    assert svg(_figure(image=True)) == lean(presentational(_tight(_figure(image=True))))


def test_styles_become_attributes_and_quoted_values_stay_styles() -> None:
    theirs = _tight(_figure())
    ours = presentational(theirs)
    assert "<style" in theirs and "<style" not in ours and "<metadata" not in ours
    assert 'style="fill: #ffffff"' in theirs and 'fill="#ffffff"' in ours
    assert "style=\"font-family: 'Inter'\"" in ours
    assert ours.count('stroke-linecap="butt"') > 10
    assert presentational("<svg><g/></svg>") == "<svg><g/></svg>"  # not matplotlib's


def test_lean_drops_what_draws_nothing_and_keeps_what_differs() -> None:
    text = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<g id="a" stroke-linecap="butt"><path d="M 0 0" stroke-linecap="butt"/></g>'
        '<g id="b" stroke-linecap="square"><path d="M 1 1" stroke-linecap="butt"/>'
        '<path d="M 2 2" stroke-linecap="square"/></g>'
        '<g id="c"><path d="M 3 3"/></g><use xlink:href="#c"/><defs/>'
        '<text transform="rotate(-0 1 2)">t</text><text transform="rotate(90 1 2)">u</text></svg>'
    )
    assert lean(text) == (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'stroke-linejoin="round" stroke-linecap="butt"><path d="M 0 0" />'
        '<g id="b" stroke-linecap="square"><path d="M 1 1" stroke-linecap="butt" />'
        '<path d="M 2 2" /></g><g id="c"><path d="M 3 3" /></g><use xlink:href="#c" />'
        '<text>t</text><text transform="rotate(90 1 2)">u</text></svg>'
    )
    assert lean("<svg><g/></svg>") == "<svg><g/></svg>"  # not in SVG's namespace: not ours
    assert lean("<svg><g></svg>") == "<svg><g></svg>"  # not XML


def test_a_chart_keeps_about_a_third_of_its_elements() -> None:
    ours, theirs = svg(_figure()), presentational(_tight(_figure()))
    assert ours.count("<") < theirs.count("<") * 0.4
    assert ours.count("<g") <= 2 and 'id="patch_' not in ours


def test_the_pdf_engine_draws_the_same_pixels(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    from dsreport.render.report import data_url

    pixels = []
    for name, text in (("theirs", _tight(_figure())), ("ours", svg(_figure()))):
        html = (
            f'<html lang="en"><body><img alt="" src="{data_url(text.encode(), "image/svg+xml")}">'
        )
        weasyprint.HTML(string=html).write_pdf(tmp_path / f"{name}.pdf")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-singlefile",
                str(tmp_path / f"{name}.pdf"),
                str(tmp_path / name),
            ],
            check=True,
        )
        pixels.append(Image.open(tmp_path / f"{name}.png").convert("L").tobytes())
    assert pixels[0] == pixels[1]
