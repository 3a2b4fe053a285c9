"""The report is safe on untrusted bundles (issue 4, Safety).

Hostile payloads go into prose (Markdown) and plain text fields, a reviewed-examples table
and SVG diagrams; a loopback HTTP server started here must receive no connection at all, and
a marker planted in a file outside the bundle must appear nowhere in what a build writes.
The URL fetcher is also tested on its own, and under WeasyPrint with every way HTML and CSS
can ask for a resource, so that safety does not rest on the sanitiser alone.
"""

from __future__ import annotations

import base64
import csv
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus.make import JINJA, LOOP, MARKER, markdown_payload, payload, svg_b64
from dsreport.errors import BuildError
from dsreport.render.fetcher import RefusedURL, SafeFetcher
from dsreport.render.markdown import to_html
from dsreport.resources import asset
from helpers import BUNDLES, EXAMPLES, Run, edit_yaml
from report_helpers import (
    Build,
    HtmlTree,
    LoopbackServer,
    attachment_names,
    detach_all,
    missing_tools,
    pdf_text,
    read_spec,
    run_chains,
    squeeze,
    uncompressed,
    write_spec,
)

ACTIVE = {"script", "style", "link", "iframe", "object", "embed", "svg", "base", "form", "input"}
ACTIONS = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/SubmitForm", b"/ImportData")

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
needs_tools = pytest.mark.skipif(
    bool(missing_tools()), reason=f"needs poppler-utils and qpdf: missing {missing_tools()}"
)


# --- the builds: a hostile tumour-triage, and two hostile SVG diagrams ------------------------


@dataclass
class Hostile:
    build: Build
    server: LoopbackServer
    secret: Path
    work: Path


@dataclass
class Builds:
    prose: Hostile
    svg_font: Hostile
    svg_image: Hostile


def hostile_tumour(root: Path, server: LoopbackServer, secret: Path) -> Path:
    bundle = root / "bundle"
    shutil.copytree(EXAMPLES / "tumour-triage", bundle)
    url = server.url
    # Prose written as files in the bundle, and prose written inline.
    for name in ("problem.md", "limitations.md"):
        text = markdown_payload(url, secret, f"prose-{name}")
        (bundle / "prose" / name).write_text(text, encoding="utf-8")
    spec = read_spec(bundle)
    spec["project"]["summary"] = markdown_payload(url, secret, "summary")
    spec["ecosystem"]["users"] = markdown_payload(url, secret, "users")
    spec["operator_view"]["fallback"] = markdown_payload(url, secret, "fallback")
    spec["system_design"]["model_structure"] = markdown_payload(url, secret, "structure")
    # Plain text fields: shown as text, escaped, never parsed. A text a slide shows has a
    # length limit, so it gets a payload that fits it.
    spec["project"]["authors"][0]["role"] = f"<script>fetch('{url}/role')</script>"[:80]
    spec["ecosystem"]["statement"]["improves"] = f"<script>fetch('{url}/st')</script>{JINJA}"
    spec["operator_view"]["safest_default"] = f"<img src={url}/d.png onerror=alert(1)>{JINJA}"
    mode = spec["operator_view"]["failure_modes"][0]
    mode["name"] = f"<b>{JINJA}</b>"
    for key in ("impact", "detail"):
        mode[key] = payload(url, secret, f"failure-{key}")
    spec["system_design"]["data"]["leakage_guards"][0] = payload(url, secret, "guard")
    for rung in spec["ladder"]["rungs"]:
        rung["reason"] = payload(url, secret, f"reason-{rung['id']}")
    write_spec(bundle, spec)
    # The reviewed examples: text cells and one error category (a heading, a bookmark and a
    # chart label in the report).
    path = bundle / "data" / "reviewed.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    category = rows[[r["verdict"] for r in rows].index("incorrect")]["error_category"]
    short = f"<img src={url}/category.png onerror=alert(1)> {JINJA}"
    for i, row in enumerate(rows):
        if row["error_category"] == category:
            row["error_category"] = short
            row["note"] = payload(url, secret, f"note-{i}")
        if i < 10:
            row["input"] = payload(url, secret, f"input-{i}")
            row["model_output"] = f"<b>bold</b> {JINJA}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return bundle


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">{}</svg>'


def svg_bundle(root: Path, body: str) -> Path:
    """tests/bundles/minimal with one SVG diagram."""
    bundle = root / "bundle"
    shutil.copytree(BUNDLES / "minimal", bundle)
    (bundle / "img").mkdir()
    (bundle / "img" / "diagram.svg").write_text(SVG.format(body), encoding="utf-8")
    spec = read_spec(bundle)
    spec["system_design"]["diagrams"] = [
        {"path": "img/diagram.svg", "caption": "The system.", "alt": "Boxes and arrows."}
    ]
    write_spec(bundle, spec)
    return bundle


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    if missing_tools():
        pytest.skip(f"needs poppler-utils and qpdf: missing {missing_tools()}")
    made = {}
    for name in ("prose", "svg_font", "svg_image"):
        work = tmp_path_factory.mktemp(f"hostile-{name}")
        secret = work / "outside" / "secret.txt"
        secret.parent.mkdir()
        secret.write_text(MARKER, encoding="utf-8")
        (work / "outside.png").write_text(MARKER, encoding="utf-8")
        (work / "outside" / "secret.png").write_text(MARKER, encoding="utf-8")
        made[name] = (work, secret, LoopbackServer())
    work, secret, server = made["prose"]
    prose = Hostile(
        Build(
            hostile_tumour(work, server, secret),
            work / "out",
            ("--only", "ds", "--format", "html", "--format", "pdf"),
        ),
        server,
        secret,
        work,
    )
    work, secret, server = made["svg_font"]
    font = f'<style>@font-face {{ font-family: E; src: url("{server.url}/font.ttf") }}</style>'
    svg_font = Hostile(
        Build(
            svg_bundle(work, font + '<text x="5" y="30">hi</text>'), work / "out", ("--only", "ds")
        ),
        server,
        secret,
        work,
    )
    work, secret, server = made["svg_image"]
    u = server.url
    body = (
        f'<image href="{u}/image.png" width="9" height="9"/>'
        f'<image xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="{u}/xlink.png"'
        ' width="9" height="9"/>'
        f'<image href="{secret.as_uri()}" width="9" height="9"/>'
        '<image href="../outside.png" width="9" height="9"/>'
        f"<style>@import url({u}/import.css); rect {{ fill: url({u}/paint.svg#p) }}</style>"
        f'<use href="{u}/use.svg#shape"/><rect width="9" height="9"/>'
        '<text x="5" y="30">diagram</text>'
    )
    svg_image = Hostile(
        Build(svg_bundle(work, body), work / "out", ("--only", "ds")), server, secret, work
    )
    try:
        run_chains([[prose.build], [svg_font.build, svg_image.build]])
        yield Builds(prose, svg_font, svg_image)
    finally:
        for _, _, server in made.values():
            server.close()


@pytest.fixture(scope="module")
def prose(builds: Builds) -> Hostile:
    assert builds.prose.build.exit_code == 0, builds.prose.build.stderr
    return builds.prose


def test_hostile_bundle_builds(prose: Hostile) -> None:
    assert sorted(p.name for p in prose.build.out.iterdir()) == [
        "tumour-triage-facts.json",
        "tumour-triage-report.html",
        "tumour-triage-report.pdf",
        "tumour-triage-summary.md",
    ]
    # The payloads did reach the report: prose rendered as Markdown, text shown as text.
    html = prose.build.file("-report.html").read_text(encoding="utf-8")
    assert html.count("<h3>Heading</h3>") >= 5
    assert html.count("&lt;script&gt;fetch(") >= 10


def test_hostile_bundle_contacts_no_server(prose: Hostile) -> None:
    assert (prose.server.connections, prose.server.requests) == (0, []), prose.server.contacted()


def test_no_file_outside_the_bundle_reaches_the_pdf(prose: Hostile) -> None:
    pdf = prose.build.file("-report.pdf")
    assert MARKER not in pdf_text(pdf)
    assert MARKER.encode() not in uncompressed(pdf, prose.work / "report.qdf.pdf")
    for name, data in detach_all(pdf, prose.work / "detached").items():
        assert MARKER.encode() not in data, name


def test_no_file_outside_the_bundle_reaches_the_html_or_facts(prose: Hostile) -> None:
    html = prose.build.file("-report.html").read_text(encoding="utf-8")
    assert MARKER not in html
    for src in re.findall(r'src="data:[^;"]*;base64,([^"]+)"', html):
        assert MARKER.encode() not in base64.b64decode(src)
    assert MARKER not in prose.build.file("-facts.json").read_text(encoding="utf-8")


def test_no_active_content_survives_into_the_html(prose: Hostile) -> None:
    tree = HtmlTree(prose.build.file("-report.html").read_text(encoding="utf-8"))
    assert tree.errors == []
    [head] = tree.find_all("head")
    # <style> and <link> come from the template only, in <head>; none from the bundle.
    in_head = set(map(id, head.find_all("style") + head.find_all("link")))
    tags = [e.tag for e in tree.elements if id(e) not in in_head]
    assert sorted({t for t in tags if t in ACTIVE}) == []
    for link in head.find_all("link"):
        assert link.attrs.get("rel") == "stylesheet"
        assert not (link.attrs.get("href") or "").startswith(("http", "file", "//")), link.attrs
    for style in head.find_all("style"):
        assert "127.0.0.1" not in style.text and MARKER not in style.text
    for element in tree.elements:
        attrs = element.attrs
        assert [a for a in attrs if a.startswith("on")] == [], element.tag
        assert "style" not in attrs, element.tag
        assert id(element) in in_head or "rel" not in attrs, element.tag
        for key in ("src", "href", "data", "poster", "action", "srcset", "xlink:href"):
            value = (attrs.get(key) or "").strip().lower()
            if element.tag == "img" and key == "src":
                assert value.startswith("data:image/"), value[:80]
            elif value and id(element) not in in_head:
                assert value.startswith(("#", "http://", "https://", "mailto:")), value[:80]
                assert "127.0.0.1" not in value, value


def test_jinja_in_bundle_text_is_printed_literally(prose: Hostile) -> None:
    html = prose.build.file("-report.html").read_text(encoding="utf-8")
    assert JINJA in html and LOOP in html
    assert "JINJA49END" not in html and "LOOPXXXPOOL" not in html
    text = squeeze(pdf_text(prose.build.file("-report.pdf")))
    assert squeeze(JINJA) in text and squeeze(LOOP) in text
    assert "JINJA49END" not in text and "LOOPXXXPOOL" not in text


def test_hostile_text_fields_are_shown_as_text(prose: Hostile) -> None:
    text = " ".join(pdf_text(prose.build.file("-report.pdf")).split())
    assert "<script>fetch(" in text  # a text field's markup is printed, escaped, not run
    assert "<b>bold</b>" in text


def test_pdf_has_no_actions_and_no_foreign_links(prose: Hostile) -> None:
    pdf = prose.build.file("-report.pdf")
    raw = uncompressed(pdf, prose.work / "actions.qdf.pdf")
    assert [a for a in ACTIONS if a in raw] == []
    uris = re.findall(rb"/URI \(([^)]*)\)", raw)
    assert [u for u in uris if u.lower().startswith((b"javascript:", b"file:", b"data:"))] == []
    assert [u for u in uris if b"127.0.0.1" in u] == []
    # rel=attachment added nothing: the facts and the two tables, as for the clean bundle.
    assert sorted(attachment_names(pdf)) == [
        "predictions.csv",
        "reviewed.csv",
        "tumour-triage-facts.json",
    ]


def test_svg_font_face_fails_the_build_without_a_request(builds: Builds) -> None:
    hostile = builds.svg_font
    assert hostile.build.exit_code == 1, hostile.build.stderr
    assert "asked for a resource outside the bundle" in hostile.build.stderr
    assert not hostile.build.out.exists(), "a failed build writes nothing"
    assert hostile.server.connections == 0, hostile.server.contacted()


def test_svg_diagram_contacts_no_server_and_leaks_no_file(builds: Builds) -> None:
    hostile = builds.svg_image
    assert hostile.server.connections == 0, hostile.server.contacted()
    assert MARKER not in hostile.build.stdout + hostile.build.stderr
    if hostile.build.exit_code == 0:
        pdf = hostile.build.file("-report.pdf")
        assert MARKER.encode() not in uncompressed(pdf, hostile.work / "svg.qdf.pdf")


def test_svg_diagram_refused_url_fails_the_build(builds: Builds) -> None:
    hostile = builds.svg_image
    assert hostile.build.exit_code == 1
    assert "asked for a resource outside the bundle" in hostile.build.stderr
    assert not hostile.build.out.exists()


# --- files outside the bundle are refused when the bundle is loaded ---------------------------


def _outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(f"# {MARKER}\n", encoding="utf-8")
    (folder / "secret.csv").write_text(f"id,note\n1,{MARKER}\n", encoding="utf-8")
    (folder / "secret.svg").write_text(SVG.format(f"<text>{MARKER}</text>"), encoding="utf-8")
    return folder


def _prose_symlink(root: Path, outside: Path) -> str:
    (root / "prose" / "evil.md").symlink_to(outside / "secret.md")
    edit_yaml(root, "problem: prose/problem.md", "problem: prose/evil.md")
    return "'prose/evil.md' is a symbolic link"


def _folder_symlink(root: Path, outside: Path) -> str:
    (root / "notes").symlink_to(outside, target_is_directory=True)
    edit_yaml(root, "problem: prose/problem.md", "problem: notes/secret.md")
    return "'notes' (on the way to 'notes/secret.md') is a symbolic link"


def _table_symlink(root: Path, outside: Path) -> str:
    (root / "data" / "reviewed.csv").unlink()
    (root / "data" / "reviewed.csv").symlink_to(outside / "secret.csv")
    return "'data/reviewed.csv' is a symbolic link"


def _diagram_symlink(root: Path, outside: Path) -> str:
    (root / "diagram.svg").symlink_to(outside / "secret.svg")
    edit_yaml(
        root,
        "  metric_choice: Recall at capacity.\n",
        "  metric_choice: Recall at capacity.\n"
        "  diagrams:\n    - {path: diagram.svg, caption: C, alt: A}\n",
    )
    return "'diagram.svg' is a symbolic link"


def _dotdot(root: Path, outside: Path) -> str:
    edit_yaml(root, "problem: prose/problem.md", "problem: ../outside/secret.md")
    return "leaves the bundle folder"


def _absolute(root: Path, outside: Path) -> str:
    edit_yaml(root, "problem: prose/problem.md", f"problem: {outside / 'secret.md'}")
    return "is an absolute path"


@needs_posix
@pytest.mark.parametrize(
    "plant",
    [_prose_symlink, _folder_symlink, _table_symlink, _diagram_symlink, _dotdot, _absolute],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_file_outside_the_bundle_is_refused_at_load(
    tmp_path: Path,
    bundle: Callable[[str], Path],
    cli: Callable[..., Run],
    plant: Callable[[Path, Path], str],
) -> None:
    root = bundle("good-binary")
    outside = _outside(root.parent.parent)
    message = plant(root, outside)
    out = tmp_path / "out"
    result = cli("build", root, "-o", out, "--only", "ds", "--format", "html")
    assert result.exit_code == 1
    assert message in result.stderr
    assert "nothing was written" in result.stderr
    assert MARKER not in result.stdout + result.stderr
    assert not out.exists()


# --- the fetcher on its own -------------------------------------------------------------------


@pytest.fixture
def jail(tmp_path: Path) -> Iterator[tuple[SafeFetcher, Path, LoopbackServer]]:
    """A SafeFetcher whose allowed root is tmp_path/assets, next to a secret outside it."""
    root = tmp_path / "assets"
    (root / "css").mkdir(parents=True)
    (root / "css" / "ok.css").write_text("p { color: black }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(MARKER, encoding="utf-8")
    (tmp_path / "secret.png").write_text(MARKER, encoding="utf-8")
    fetcher = SafeFetcher()
    fetcher.root = root.resolve()
    server = LoopbackServer()
    try:
        yield fetcher, root, server
    finally:
        server.close()


def test_fetcher_serves_a_shipped_asset() -> None:
    path = asset("css/report.css")
    response = SafeFetcher().fetch(path.as_uri())
    assert response.read() == path.read_bytes()
    assert response.content_type == "text/css"


def test_fetcher_serves_a_file_inside_its_root_and_data_urls(
    jail: tuple[SafeFetcher, Path, LoopbackServer],
) -> None:
    fetcher, root, _ = jail
    assert fetcher.fetch((root / "css" / "ok.css").as_uri()).read() == b"p { color: black }"
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    assert fetcher.fetch("data:text/plain,hello%20there").read() == b"hello there"


@needs_posix
@pytest.mark.parametrize(
    "make_url",
    [
        lambda root, server: f"{server.url}/x.css",
        lambda root, server: f"https://127.0.0.1:{server.port}/x.css",
        lambda root, server: f"ftp://127.0.0.1:{server.port}/x.css",
        lambda root, server: f"HTTP://127.0.0.1:{server.port}/upper.css",
        lambda root, server: "javascript:alert(1)",
        lambda root, server: "about:blank",
        lambda root, server: (root.parent / "secret.txt").as_uri(),
        lambda root, server: "file:///etc/passwd",
        lambda root, server: f"file://127.0.0.1{root.parent / 'secret.txt'}",
        lambda root, server: (root / "css").as_uri() + "/../../secret.txt",
        lambda root, server: (root / "css").as_uri() + "/%2e%2e/%2e%2e/secret.txt",
        lambda root, server: (root / "missing.css").as_uri(),
        lambda root, server: (root / "css").as_uri(),
        lambda root, server: root.as_uri(),
        lambda root, server: (root / "link-out.css").as_uri(),
        lambda root, server: (root / "folder-out" / "secret.txt").as_uri(),
    ],
    ids=[
        "http",
        "https",
        "ftp",
        "http-upper-case",
        "javascript",
        "about",
        "file-outside",
        "etc-passwd",
        "file-with-host",
        "dotdot",
        "dotdot-percent-encoded",
        "missing",
        "folder",
        "root-folder",
        "symlink-out",
        "symlinked-folder-out",
    ],
)
def test_fetcher_refuses(
    jail: tuple[SafeFetcher, Path, LoopbackServer],
    make_url: Callable[[Path, LoopbackServer], str],
) -> None:
    fetcher, root, server = jail
    (root / "link-out.css").symlink_to(root.parent / "secret.txt")
    (root / "folder-out").symlink_to(root.parent, target_is_directory=True)
    with pytest.raises(RefusedURL):
        fetcher.fetch(make_url(root, server))
    assert server.connections == 0, server.contacted()


# --- WeasyPrint with the fetcher: every way a document asks for a resource --------------------

# id -> HTML body; {u} is the loopback server, {secret} a file outside the allowed root.
VECTORS = {
    "img-http": '<img src="{u}/img.png">',
    "img-file": '<img src="{secret}">',
    "img-relative": '<img src="../secret.png">',
    "link-stylesheet": '<link rel="stylesheet" href="{u}/a.css"><p>x</p>',
    "css-import": '<style>@import url("{u}/i.css");</style><p>x</p>',
    "css-url-in-style-attribute": '<p style="background: url({u}/bg.png)">x</p>',
    "css-url-file": '<p style="background: url({secret})">x</p>',
    "font-face": (
        '<style>@font-face {{ font-family: X; src: url("{u}/f.ttf") }}'
        " p {{ font-family: X }}</style><p>x</p>"
    ),
    "list-style-image": '<ul style="list-style-image: url({u}/l.png)"><li>x</li></ul>',
    "content-url": "<style>p::before {{ content: url({u}/c.png) }}</style><p>x</p>",
    "attachment-file": '<a rel="attachment" href="{secret}">a</a>',
    "attachment-http": '<a rel="attachment" href="{u}/att.bin">a</a>',
    "object": '<object data="{u}/o.svg" type="image/svg+xml"></object>',
    "embed": '<embed src="{u}/e.svg" type="image/svg+xml">',
    "base-href": '<base href="{u}/"><img src="x.png">',
    "symlink-in-root": '<img src="{link}">',
    "svg-inline-image": (
        '<svg width="9" height="9"><image href="{u}/s.png" width="9" height="9"/></svg>'
    ),
    "svg-data-url-image": '<img src="data:image/svg+xml;base64,{svg}">',
    "iframe": '<iframe src="{u}/frame.html"></iframe>',
    "video": '<video poster="{u}/v.png" src="{u}/v.mp4"></video>',
}
# WeasyPrint never loads these at all, so there is nothing to refuse.
NOT_LOADED = {"iframe", "video"}


def render(html: str, jail: tuple[SafeFetcher, Path, LoopbackServer]) -> bytes:
    from weasyprint import HTML

    fetcher, root, server = jail
    link = root / "link.png"
    if not link.exists():
        link.symlink_to(root.parent / "secret.png")
    body = html.format(
        u=server.url,
        secret=(root.parent / "secret.txt").as_uri(),
        link=link.as_uri(),
        svg=svg_b64(server.url),
    )
    document = HTML(
        string=f"<!DOCTYPE html><html><body>{body}</body></html>",
        base_url=root.as_uri() + "/",
        url_fetcher=fetcher,
    )
    return bytes(document.write_pdf())


@needs_posix
@pytest.mark.parametrize("vector", sorted(VECTORS))
def test_weasyprint_makes_no_request_and_reads_no_outside_file(
    jail: tuple[SafeFetcher, Path, LoopbackServer], vector: str
) -> None:
    try:
        pdf = render(VECTORS[vector], jail)
    except RefusedURL:
        pdf = b""
    assert jail[2].connections == 0, jail[2].contacted()
    assert MARKER.encode() not in pdf


@needs_posix
@pytest.mark.parametrize("vector", [v for v in sorted(VECTORS) if v not in NOT_LOADED])
def test_weasyprint_stops_on_a_refused_url(
    jail: tuple[SafeFetcher, Path, LoopbackServer], vector: str
) -> None:
    """WeasyPrint stops on a refusal, except inside an SVG image, where it catches every
    exception and drops the image; the fetcher records those refusals, and pdf_bytes turns
    any recorded refusal into a build error."""
    fetcher = jail[0]
    if vector.startswith("svg-"):
        before = len(fetcher.refused)
        render(VECTORS[vector], jail)
        assert len(fetcher.refused) > before, "the refusal inside the SVG was not recorded"
    else:
        with pytest.raises(RefusedURL):
            render(VECTORS[vector], jail)


# --- the sanitiser and the templates ----------------------------------------------------------


def test_markdown_sanitiser_keeps_text_and_drops_everything_active(tmp_path: Path) -> None:
    html = str(to_html(markdown_payload("http://127.0.0.1:9", tmp_path / "secret.txt", "md")))
    tree = HtmlTree(f"<div>{html}</div>")
    assert tree.errors == []
    assert {e.tag for e in tree.elements} <= {"div", "p", "a", "h3", "em", "strong", "code"}
    for element in tree.elements:
        assert set(element.attrs) <= {"href", "title"}, element.attrs
        href = (element.attrs.get("href") or "").lower()
        assert not href.startswith(("javascript:", "file:", "data:")), href
    assert JINJA in html and LOOP in html
    assert "styled" in html  # the text of a dropped element's child is kept


def test_a_syntax_error_in_a_user_template_is_a_build_error(tmp_path: Path) -> None:
    from dsreport.templating import render as render_template

    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "broken.html.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape("broken.html.j2")):
        render_template("ds/broken.html.j2", [tmp_path])


def test_a_sandbox_violation_in_a_user_template_is_reported_as_such(tmp_path: Path) -> None:
    from dsreport.templating import render as render_template

    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "evil.html.j2").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(BuildError):
        render_template("ds/evil.html.j2", [tmp_path])


def test_dollar_signs_in_bundle_text_are_drawn_literally(bundle: Callable[[str], Path]) -> None:
    from dsreport.analyse.engine import analyse
    from dsreport.load.loader import load_bundle
    from dsreport.render import charts

    root = bundle("good-binary")
    # Two dollar signs make matplotlib typeset what lies between them; this one cannot parse.
    edit_yaml(root, "name: GBM,", 'name: "GBM $\\\\frac{a$ model",')
    facts = analyse(load_bundle(root))
    assert "GBM $\\frac{a$ model" in [rung.name for rung in facts.ladder]
    made = charts.all_charts(facts)
    assert "ladder" in made


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("@octocat", "@&#8203;octocat"),
        ("cc @acme/reviewers", "cc @&#8203;acme/reviewers"),
        ("fixes #123 and acme/app#67", "fixes #&#8203;123 and acme/app#&#8203;67"),
        ("see GH-45", "see GH&#8203;-45"),
        ("&#64;octocat", "\\&#&#8203;64;octocat"),
        ("ana@example.com, C#, #hashtag", "ana@example.com, C#, #hashtag"),
    ],
)
def test_the_summary_breaks_up_mentions_and_issue_references(text: str, escaped: str) -> None:
    from dsreport.render.markdown import md_escape

    assert md_escape(text) == escaped
