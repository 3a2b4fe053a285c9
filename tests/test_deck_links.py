"""A deck fetches nothing when it is opened, whatever its corporate template holds.

The template check parses every part as XML and walks every relationship: an external
target passes only as a hyperlink used as a hyperlink. LibreOffice is the judge: with a
loopback HTTP server counting requests, it fetches the linked picture of a hostile
template (so the judge can see a fetch), and nothing from a deck dsreport wrote.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.make import Draft, _rezip, _theme, linked_picture_template
from dsreport.api import build, validate
from dsreport.errors import BuildError
from dsreport.load.pptxcheck import check_output_deck, find_refusal
from report_helpers import LoopbackServer, soffice_pdf

MASTER = "ppt/slideMasters/slideMaster1.xml"
MASTER_RELS = "ppt/slideMasters/_rels/slideMaster1.xml.rels"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _edited(
    edits: dict[str, Callable[[bytes], bytes]], extra: dict[str, bytes] | None = None
) -> bytes:
    return _rezip(_theme(), lambda name, body: edits.get(name, lambda b: b)(body), extra or {})


def _add_rel(rel: str) -> Callable[[bytes], bytes]:
    return lambda body: body.replace(b"</Relationships>", rel.encode() + b"</Relationships>")


def _hyperlinked_title(url: str) -> bytes:
    """The theme with a hyperlink on the master's title placeholder: a link to click."""
    rel = (
        f'<Relationship Id="rId98" Type="{REL}/hyperlink" Target="{url}/clicked" '
        'TargetMode="External"/>'
    )
    title = b'<p:cNvPr id="2" name="Title Placeholder 1"'
    return _edited(
        {
            MASTER_RELS: _add_rel(rel),
            MASTER: lambda body: body.replace(
                title + b"/>", title + b'><a:hlinkClick r:id="rId98"/></p:cNvPr>'
            ),
        }
    )


URL = "http://127.0.0.1:9"
IMAGE = f"{REL}/image"
LINKED = f'<Relationship Id="rId97" Type="{IMAGE}" Target="{URL}/x.png" TargetMode="External"/>'


@pytest.mark.parametrize(
    "template",
    [
        pytest.param(lambda: linked_picture_template(URL, "image", "&#69;xternal"), id="char-ref"),
        pytest.param(lambda: linked_picture_template(URL, "image", "external"), id="lower-case"),
        pytest.param(
            lambda: linked_picture_template(URL, "hyperlink", "External"), id="as-picture"
        ),
        pytest.param(
            lambda: _edited(
                {
                    MASTER_RELS: _add_rel(
                        f'<Relationship Id="rId97" Type="{IMAGE}" Target="file:///etc/hostname"/>'
                    )
                }
            ),
            id="url-without-mode",
        ),
        pytest.param(
            lambda: _edited(
                {
                    MASTER_RELS: _add_rel(
                        f'<r:Relationship xmlns:r="urn:other" Id="rId97" Type="{IMAGE}" '
                        f'Target="{URL}/x.png" TargetMode="External"/>'
                    )
                }
            ),
            id="other-namespace",
        ),
        pytest.param(
            lambda: _edited({"ppt/slideLayouts/_rels/slideLayout2.xml.rels": _add_rel(LINKED)}),
            id="layout-unused",
        ),
    ],
)
def test_every_spelling_of_an_external_picture_is_refused(template: Callable[[], bytes]) -> None:
    refusal = find_refusal(template())
    assert refusal is not None and refusal.what == "link"


def test_a_part_with_a_dtd_or_broken_xml_is_refused() -> None:
    doctype = _edited({MASTER: lambda b: b.replace(b"?>", b"?><!DOCTYPE x [<!ENTITY e 'v'>]>", 1)})
    assert find_refusal(doctype) == find_refusal(doctype)  # deterministic
    refused = find_refusal(doctype)
    assert refused is not None and (refused.part, refused.what) == (MASTER, "dtd")
    broken = _edited({MASTER: lambda b: b[:-20]})
    refused = find_refusal(broken)
    assert refused is not None and (refused.part, refused.what) == (MASTER, "xml")


def test_a_hyperlink_used_as_a_hyperlink_stays() -> None:
    assert find_refusal(_theme()) is None
    assert find_refusal(_hyperlinked_title(URL)) is None


def _with_template(root: Path, template: bytes) -> Path:
    draft = Draft.full()
    draft.files["brand/corporate.pptx"] = template
    draft.spec["audiences"]["branding"]["pptx_template"] = "brand/corporate.pptx"
    return draft.write(root)


def test_the_output_deck_is_checked_before_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Had the template check missed a link, the deck renderer's own check stops it: the
    build fails and writes nothing."""
    root = _with_template(tmp_path / "b", linked_picture_template(URL, "image", "External"))
    assert [p.severity for p in validate(root)] == ["error"]
    monkeypatch.setattr("dsreport.load.deckcheck.package_problem", lambda data, path: None)
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="the deck would not be self-contained: ppt/slideMasters"):
        build(root, out, only=["pm"], jobs=1)
    assert not out.exists()
    with pytest.raises(BuildError):
        check_output_deck(linked_picture_template(URL, "image", "External"))


def _soffice_requests(deck: Path, server: LoopbackServer, tmp_path: Path) -> list[str]:
    outdir = tmp_path / deck.stem
    proc = soffice_pdf(deck, outdir)
    assert proc.returncode == 0 and (outdir / f"{deck.stem}.pdf").is_file(), proc.stderr
    return list(server.requests)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_fetches_from_a_hostile_template_and_nothing_from_our_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without either check (as before), the deck made from the `&#69;xternal` template
    makes LibreOffice fetch the picture; with them, a template whose master carries a
    hyperlink to the same server builds, keeps its link, and LibreOffice fetches nothing."""
    server = LoopbackServer()
    try:
        with monkeypatch.context() as unchecked:
            unchecked.setattr("dsreport.load.deckcheck.package_problem", lambda data, path: None)
            unchecked.setattr("dsreport.load.pptxcheck.check_output_deck", lambda data: data)
            template = linked_picture_template(server.url, "image", "&#69;xternal")
            hostile = _with_template(tmp_path / "hostile", template)
            built = build(hostile, tmp_path / "hostile-out", only=["pm"], jobs=1, force=True)
        deck = next(p for p in built.artifacts if p.suffix == ".pptx")
        assert _soffice_requests(deck, server, tmp_path) != []  # the judge sees a fetch
        server.requests.clear()
        root = _with_template(tmp_path / "b", _hyperlinked_title(server.url))
        result = build(root, tmp_path / "out", only=["pm"], jobs=1)
        deck = next(p for p in result.artifacts if p.suffix == ".pptx")
        with zipfile.ZipFile(io.BytesIO(deck.read_bytes())) as archive:
            assert f"{server.url}/clicked".encode() in archive.read(MASTER_RELS)
        assert _soffice_requests(deck, server, tmp_path) == []
    finally:
        server.close()
