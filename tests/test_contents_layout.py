"""The contents' page numbers sit in a gutter of their own: a title too long for one line
wraps clear of its number on every line, and the number stays on the title's last line."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dsreport.resources import asset, assets_dir

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def test_a_long_title_wraps_clear_of_its_page_number(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    title = " ".join(["Recall by ink band falls below its target"] * 4)
    html = (
        f"<html lang='en'><head><style>{asset('css/report.css').read_text()}</style></head>"
        "<body><nav class='toc'><ol class='toc-items'>"
        f"<li><a href='#f'><span class='toc-num'>7</span>{title}</a></li></ol></nav>"
        "<h2 id='f' style='break-before: page'>Target</h2></body></html>"
    )
    pdf = tmp_path / "toc.pdf"
    weasyprint.HTML(string=html, base_url=assets_dir().as_uri() + "/").write_pdf(pdf)
    boxes = tmp_path / "boxes.html"
    subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, boxes], check=True)
    words = [
        (float(x0), float(y0), float(x1), text)
        for x0, y0, x1, _, text in WORD.findall(boxes.read_text())
    ]
    number = words[-1]
    text = words[1:-1]  # after the entry's own number
    lines = sorted({round(y) for _, y, _, _ in text})
    assert number[3] == "2" and len(lines) >= 2
    assert max(x1 for _, _, x1, _ in text) < number[0] - 5 * 72 / 25.4  # a 5 mm gap at least
    assert round(number[1]) == lines[-1]  # on the last line
