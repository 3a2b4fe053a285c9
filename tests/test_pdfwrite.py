"""The PDF's objects are serialised once: the same file as pydyf writes alone at its own
level, the same pages at zlib's default level, and nothing changed outside the write."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from dsreport.render.pdfwrite import written_once

weasyprint = pytest.importorskip("weasyprint")
pydyf = pytest.importorskip("pydyf")

HTML = (
    '<html lang="en"><body><h1>Title</h1><p>Some text, 10 11.</p>'
    "<table><thead><tr><th>a</th><th>b</th></tr></thead>"
    "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
    '<img alt="chart" src="data:image/svg+xml,'
    "%3Csvg xmlns='http://www.w3.org/2000/svg' width='40' height='20'%3E"
    "%3Ctext x='2' y='12' style='font-size: 8px'%3Elabel%3C/text%3E%3C/svg%3E\"></body></html>"
)


def _pdf(monkeypatch: pytest.MonkeyPatch, finisher: Any = None) -> bytes:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    document = weasyprint.HTML(string=HTML)
    pdf: bytes = document.write_pdf(
        finisher=finisher, pdf_variant="pdf/ua-1", pdf_identifier=b"0123456789abcdef"
    )
    return pdf


def test_at_pydyfs_level_the_file_is_byte_for_byte_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    theirs = _pdf(monkeypatch)
    ours = _pdf(monkeypatch, lambda _, pdf: written_once(pdf, level=9))
    assert ours == theirs
    assert b"/ID" in ours


def test_at_the_default_level_the_pages_and_the_identifier_are_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    theirs = _pdf(monkeypatch)
    ours = _pdf(monkeypatch, lambda _, pdf: written_once(pdf))
    assert ours != theirs  # compressed differently
    texts = []
    for name, data in (("theirs", theirs), ("ours", ours)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        texts.append(run.stdout)
    assert texts[0] == texts[1] and "Some text, 10 11." in texts[0]
    # the identifier's first half is ours, the second the hash of the bytes written
    ids = [re.search(rb"/ID \[\((\w+)\) \((\w+)\)\]", pdf) for pdf in (theirs, ours)]
    assert ids[0] and ids[1]
    assert ids[0].group(1) == ids[1].group(1) == b"0123456789abcdef"
    assert ids[0].group(2) != ids[1].group(2)


def test_outside_the_write_pydyf_serialises_as_before() -> None:
    written_once(pydyf.PDF())  # installs the override
    stream = pydyf.Stream([b"0 0 m"], compress=True)
    stream.number = 1
    first = stream.data
    stream.stream.append(b"1 1 l")  # not remembered: a changed stream serialises anew
    assert stream.data != first
    assert b"/FlateDecode" in first
