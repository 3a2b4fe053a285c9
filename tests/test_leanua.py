"""The report is read with WeasyPrint's stylesheet minus styles for pseudo-elements it
never has, and with WeasyPrint's own whenever the HTML could have them."""

from __future__ import annotations

import pytest

from dsreport.render.leanua import html_class

weasyprint = pytest.importorskip("weasyprint")

PLAIN = "<html><body><ol><li>one</li></ol><p>text</p></body></html>"


def test_a_plain_report_gets_the_lean_stylesheet() -> None:
    lean = html_class(PLAIN)
    assert lean is not weasyprint.HTML and issubclass(lean, weasyprint.HTML)
    (sheet,) = lean(string=PLAIN)._ua_stylesheets()
    default = weasyprint.HTML(string=PLAIN)._ua_stylesheets()[0]
    assert sheet is not default


@pytest.mark.parametrize(
    "html",
    [
        '<p style="float: footnote">a footnote</p>',
        '<p style="position: note(side)">a note</p>',
        '<div style="display: list-item">an item</div>',
        "<details><summary>more</summary></details>",
    ],
)
def test_html_that_may_use_those_pseudo_elements_gets_weasyprints_own(html: str) -> None:
    assert html_class(html) is weasyprint.HTML


def test_list_markers_and_text_lay_out_as_with_the_default_stylesheet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    html = "<html><body><ol><li>one</li><li>two</li></ol><p>10 11</p></body></html>"
    ours = html_class(html)(string=html).write_pdf()
    theirs = weasyprint.HTML(string=html).write_pdf()
    assert ours == theirs


def test_a_waiting_pdf_worker_has_the_lean_stylesheet_parsed_before_its_work() -> None:
    import subprocess
    import sys

    code = (
        "import dsreport.render.run as run\n"
        "from dsreport.render import leanua\n"
        "steps = run.warm_up()\n"
        "next(steps)\n"
        "before = leanua._lean_class.cache_info().currsize\n"
        "next(steps)\n"
        "print(before, leanua._lean_class.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "1"]
