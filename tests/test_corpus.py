"""Every hostile and broken bundle, built end to end through every renderer (issue 8).

Each case is a folder under tests/bundles/ or a bundle written by tests/corpus/make.py into
tmp_path (large files, symbolic links, FIFOs, bytes that are not UTF-8, the loopback
server's URL). `dsreport build CASE -o OUT --only facts,summary,ds,pm,engineer` runs as a
real process, and whatever the case, the build:

- exits with the expected code and prints exactly the expected lines on standard error
  (an error's `error: FILE:LINE: key: message`, or a build's warnings), never a traceback;
- sends no request to a loopback HTTP server whose URL the bundle is full of;
- writes no byte of a host file outside the bundle (a marker string) into any output,
  searched inside zip, pptx and xlsx members and in the PDF's decompressed streams, its
  text and its attachments;
- leaves no staging folder behind, and on error leaves a pre-existing output folder as it
  was; on success writes every artifact, each of which opens;
- takes less than 60 s of CPU time and 2 GB of memory.

docs/security.md lists the cases with their expected outcomes;
`test_docs_list_every_case_with_its_outcome` keeps that table and this file in step.
Run with `-s` to see each build's time and peak memory.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pptx import Presentation

from corpus.make import (
    GENERATED,
    JINJA,
    KEEP,
    LOOP,
    MARKER,
    field_of,
    kept,
    make,
    plant_host,
    text_fields,
    text_locations,
)
from helpers import BUNDLES, REPO
from report_helpers import (
    LoopbackServer,
    attachment_names,
    detach_all,
    missing_tools,
    pdf_text,
    process_env,
    squeeze,
    tool,
    uncompressed,
)
from test_messages import CASES as MESSAGES

pytestmark = pytest.mark.skipif(
    bool(missing_tools()) or sys.platform == "win32",
    reason=f"needs poppler-utils, qpdf and POSIX: missing {missing_tools()}",
)

RENDERERS = "facts,summary,ds,pm,engineer"
SECONDS = 60.0
MAX_RSS = 2 * 1024**3
ARTIFACTS = ("-deck.pptx", "-facts.json", "-handoff", "-handoff.zip", "-report.pdf", "-summary.md")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ACTIONS = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/SubmitForm", b"/ImportData")
NO_EXAMPLE = (
    "note: handoff: no example request (no usable example for: tenure_months); the "
    "package's contract test will fail until the bundle gives one"
)
NO_EXAMPLE_TEXT = NO_EXAMPLE.replace("tenure_months", "text")
NO_REVIEW = "note: deck: no reviewed examples, so the examples slide is left out"


@dataclass(frozen=True)
class Case:
    """One corpus bundle and what building it must do."""

    code: int
    """Exit code: 0 for a build, 1 for a refused bundle."""
    stderr: list[str]
    """Exactly the lines on standard error (progress lines aside); `{url}` stands for the
    loopback server's URL."""
    notes: list[str] = field(default_factory=list)
    """For a build: exactly the `note:` lines on standard output."""
    slug: str = "churn-radar"


def _refused(lines: list[str]) -> list[str]:
    """`dsreport validate`'s lines as `dsreport build` prints them: the same problems, then
    the count of errors and that nothing was written."""
    errors = sum(line.startswith("error: ") for line in lines)
    problems = [line for line in lines if line.startswith(("error: ", "warning: ", "  hint:"))]
    return [*problems, f"{errors} error{'s' if errors != 1 else ''}; nothing was written"]


def _error(*lines: str) -> Case:
    return Case(1, _refused(list(lines)))


def _built(*notes: str, warnings: tuple[str, ...] = ()) -> Case:
    return Case(0, list(warnings), list(notes))


# Folders under tests/bundles/ whose `validate` output tests/test_messages.py pins: a build
# prints the same problems (and, the good bundle having no example request, one note).
FOLDERS: dict[str, Case] = {
    name: _error(*lines) if code else _built(NO_EXAMPLE, warnings=tuple(lines))
    for name, (code, lines) in MESSAGES.items()
}
FOLDERS.update(
    {
        "good-binary": _built(NO_EXAMPLE),
        "minimal": Case(0, [], [NO_REVIEW, NO_EXAMPLE_TEXT], slug="minimal"),
        "yaml11-surprises": _built(),
        "csv-bom": _built(NO_EXAMPLE),
        "csv-text-cells": _built(NO_EXAMPLE),
        "multi-document": _error(
            "error: dsreport.yaml:60: the file holds more than one YAML document",
            "  hint: keep a single document: remove the extra '---' line and what follows",
        ),
        # degenerate evaluations
        "one-class-only": _built(NO_EXAMPLE),
        "constant-scores": _built(NO_EXAMPLE),
        "metric-no-target": _built(NO_EXAMPLE),
        "reviewed-own-verdicts": _built(NO_EXAMPLE),
        "latency-per-batch": _built(NO_EXAMPLE),
        "no-reviewed-examples": _built(
            NO_REVIEW, NO_EXAMPLE, warnings=tuple(MESSAGES["no-reviewed-examples"][1])
        ),
        # the decision cases (tests/test_analysis_decision.py): built end to end, so every
        # renderer meets each kind of call
        "decision-reported-only-rung": Case(
            0,
            [
                "warning: dsreport.yaml:114: ladder.rungs[0]: rung 'engine' has reported values "
                "only, so comparing the chosen rung 'lr' with it is weak (no paired test on the "
                "same rows)",
                "  hint: add its scores as a column `score_engine` to data/predictions.csv and "
                "set `score_column: score_engine`",
            ],
            [NO_REVIEW],
            slug="decision-case",
        ),
        **{
            f"decision-{name}": Case(0, [], [NO_REVIEW], slug="decision-case")
            for name in (
                "below-majority",
                "near-perfect-rung",
                "prior-shift",
                "regression-below-median",
                "secondary-targets",
                "simpler-does-as-well",
                "slices-in-noise",
                "slower-not-simpler",
            )
        },
    }
)
GENERATED_CASES: dict[str, Case] = {
    "hostile-markup": _built(NO_EXAMPLE),
    "xml-illegal": _built(),
    "layout-text": _built(
        "note: deck: 53 characters (such as דוזחטילמ) are not in Calibri; PowerPoint draws "
        "them with a fallback font (measured at a wide, safe size)"
    ),
    "layout-many": _built(),
    "csv-million-rows": _built(
        "note: data/predictions.csv (30 MB) is not attached to the PDF: tables over 25 MB "
        "stay beside it"
    ),
    "yaml-50mb": _error(
        "error: dsreport.yaml: file 'dsreport.yaml' is 50.0 MiB, over the 2.0 MiB limit",
        "  hint: make the file smaller (split long prose into several files)",
    ),
    "csv-latin1": _error(
        "error: data/reviewed.csv:3: byte 0xe9 is not valid UTF-8",
        "  hint: save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
    ),
    "csv-surrogate": _error(
        "error: data/predictions.csv:4: byte 0xed is not valid UTF-8",
        "  hint: save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
    ),
    "symlink-to-host": _error(
        "error: dsreport.yaml:188: interrogation.reviewed_examples.path: 'data/reviewed.csv' "
        "is a symbolic link",
        "  hint: copy the file into the bundle",
    ),
    "special-file": _error(
        "error: dsreport.yaml:179: interrogation.predictions.path: 'data/predictions.csv' is "
        "not a regular file",
        "  hint: name a plain file inside the bundle",
    ),
    "svg-outside": _error(
        "error: img/diagram.svg:2: system_design.diagrams[0].path: SVG 'img/diagram.svg' "
        "asked for a resource outside the bundle: {url}/diagram.png",
        "  hint: embed the resource in the SVG (a data: URL) or remove the reference",
    ),
    "svg-entities": _error(
        "error: img/diagram.svg:2: system_design.diagrams[0].path: SVG 'img/diagram.svg' "
        "declares an entity (<!ENTITY>), which can hide a reference to another file or "
        "expand without end",
        "  hint: remove the DOCTYPE's entity declarations and write the text out",
    ),
    "pptx-external-link": _error(
        "error: dsreport.yaml:216: audiences.branding.pptx_template: 'brand/corporate.pptx' "
        "links to a resource outside it ({url}/pixel.png), which a deck made from it would "
        "fetch when opened",
        "  hint: embed the picture or font in the template instead of linking to it",
    ),
    "pptx-zip-bomb": _error(
        "error: dsreport.yaml:216: audiences.branding.pptx_template: 'brand/corporate.pptx' "
        "expands to 300.1 MiB, over the 256.0 MiB a template may hold (a zip bomb?)",
        "  hint: save the template again from PowerPoint",
    ),
    "image-bomb": _built(
        "note: deck: the logo img/logo.png could not be placed (DecompressionBombError); the "
        "title slide has none"
    ),
}
ALL: dict[str, Case] = {**FOLDERS, **GENERATED_CASES}
# The largest first, so that two workers finish together.
HEAVY = ["hostile-markup", "layout-many", "csv-million-rows", "layout-text", "xml-illegal"]


def test_every_bundle_folder_is_a_corpus_case() -> None:
    """The corpus builds every folder under tests/bundles/, and each one has its outcome."""
    assert {p.name for p in BUNDLES.iterdir() if p.is_dir()} == set(FOLDERS)
    assert set(FOLDERS).isdisjoint(GENERATED_CASES)
    assert set(GENERATED_CASES) == set(GENERATED)


def test_docs_list_every_case_with_its_outcome() -> None:
    """docs/security.md has one row per case: generated or not, builds or refused."""
    text = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (.*?) \| (.*?) \|$", text, re.M)
    listed = {name: (what, outcome) for name, what, outcome in rows}
    assert len(listed) == len(rows), "a case is listed twice"
    assert set(listed) == set(ALL)
    for name, (what, outcome) in listed.items():
        assert what.startswith("*generated*") == (name in GENERATED), name
        assert outcome.startswith("builds" if ALL[name].code == 0 else "refused"), name


# --- running a build as a process, measured -------------------------------------------------------


@dataclass
class Run:
    name: str
    bundle: Path
    out: Path
    url: str
    code: int = -1
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    max_rss: int = 0
    """Peak resident memory of the build process and its workers, in bytes (an upper
    bound: on Linux a child's count starts at its parent's size when it was forked)."""
    requests: list[str] = field(default_factory=list)
    connections: int = 0
    before: dict[str, bytes] = field(default_factory=dict)
    """The output folder's files before the build: a previous build's outputs."""
    timed_out: bool = False

    def file(self, suffix: str) -> Path:
        """The artifact `<slug><suffix>` the build wrote."""
        path = self.out / f"{ALL[self.name].slug}{suffix}"
        assert path.exists(), f"no {path.name} in {self.out}"
        return path


def _tree(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def _previous_outputs(out: Path) -> None:
    """What an earlier build left: a stale report, a handoff folder and an unrelated file."""
    (out / "churn-radar-handoff").mkdir(parents=True)
    (out / "churn-radar-handoff" / "README.md").write_text("previous build\n", encoding="utf-8")
    (out / "churn-radar-report.pdf").write_bytes(b"%PDF-1.7 previous build\n")
    (out / "notes.txt").write_text("not ours\n", encoding="utf-8")


def _prepare(name: str, work: Path, server: LoopbackServer) -> Run:
    case_dir = work / name
    url = f"{server.url}/{name}"
    if name in GENERATED:
        # in a process of its own: a million rows or a zip bomb built in this process would
        # stay in its memory, and a child starts with its parent's peak (ru_maxrss)
        generator = Path(__file__).parent / "corpus" / "make.py"
        command = [sys.executable, str(generator), str(work), name, "--url", url]
        subprocess.run(command, check=True, capture_output=True, env=process_env())
        bundle = case_dir / "bundle"
    else:
        plant_host(case_dir, url)
        bundle = case_dir / "bundle"
        shutil.copytree(BUNDLES / name, bundle, symlinks=True)
    out = case_dir / "out"
    _previous_outputs(out)
    return Run(name, bundle, out, url, before=_tree(out))


def _execute(run: Run) -> Run:
    command = [sys.executable, "-m", "dsreport.cli", "build", str(run.bundle), "-o", str(run.out)]
    command += ["--only", RENDERERS]
    stdout, stderr = run.out.parent / "stdout.txt", run.out.parent / "stderr.txt"
    start = time.perf_counter()
    killed = threading.Event()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=process_env())

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(3 * SECONDS, kill)
        timer.start()
        try:
            # the build's own resource use, and its workers', not this process's
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    run.seconds = time.perf_counter() - start
    run.timed_out = killed.is_set()
    run.code = proc.returncode
    run.cpu_seconds = usage.ru_utime + usage.ru_stime
    run.max_rss = usage.ru_maxrss * 1024  # kilobytes on Linux
    run.stdout = stdout.read_text(encoding="utf-8", errors="replace")
    run.stderr = stderr.read_text(encoding="utf-8", errors="replace")
    return run


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Run]:
    """Build every selected case, two at a time, each with its own loopback server."""
    selected = {
        item.callspec.params["name"]
        for item in request.session.items
        if item.module is sys.modules[__name__]
        and hasattr(item, "callspec")
        and "name" in item.callspec.params
    }
    order = sorted(selected, key=lambda n: (n not in HEAVY, HEAVY.index(n) if n in HEAVY else 0))
    work = tmp_path_factory.mktemp("corpus")
    servers = {name: LoopbackServer() for name in order}
    try:
        prepared = [_prepare(name, work, servers[name]) for name in order]
        with ThreadPoolExecutor(max_workers=2) as pool:
            done = {run.name: run for run in pool.map(_execute, prepared)}
        for name, server in servers.items():
            done[name].requests = list(server.requests)
            done[name].connections = server.connections
        for run in sorted(done.values(), key=lambda r: -r.seconds):  # shown with -s
            print(
                f"{run.name:28} exit {run.code}  {run.seconds:5.1f} s  {run.cpu_seconds:5.1f} s "
                f"CPU  {run.max_rss / 1024**2:6.0f} MiB"
            )
    finally:
        for server in servers.values():
            server.close()
    return done


# --- reading what a build wrote -------------------------------------------------------------------


def _zip_members(data: bytes, where: str) -> Iterator[tuple[str, bytes]]:
    """Every member of a zip, and of the zips inside it (the deck's chart workbooks)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None, where
        for info in archive.infolist():
            body = archive.read(info)
            yield f"{where}!{info.filename}", body
            if body[:4] == b"PK\x03\x04":
                yield from _zip_members(body, f"{where}!{info.filename}")


def output_bytes(run: Run) -> Iterator[tuple[str, bytes]]:
    """Every byte a build wrote, unpacked: files, zip members, and for a PDF its
    decompressed streams, its text and its attachments."""
    for path in sorted(run.out.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(run.out))
        data = path.read_bytes()
        yield name, data
        if data[:4] == b"PK\x03\x04":
            yield from _zip_members(data, name)
        if data[:5] == b"%PDF-" and b"previous build" not in data:
            scratch = run.out.parent / "pdf"
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            yield f"{name} (decompressed)", uncompressed(path, scratch / "qdf.pdf")
            yield f"{name} (text)", pdf_text(path).encode("utf-8")
            for attached, body in detach_all(path, scratch / "attachments").items():
                yield f"{name} attachment {attached}", body


def text_outputs(run: Run) -> Iterator[tuple[str, str]]:
    """Every text a build wrote: JSON, Markdown, Python, XML parts, and the PDF's text."""
    for name, data in output_bytes(run):
        if name.endswith((".json", ".jsonl", ".md", ".py", ".xml", ".rels", "(text)", ".sha256")):
            yield name, data.decode("utf-8")


def deck_text(run: Run) -> str:
    prs = Presentation(str(run.file("-deck.pptx")))
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                plot = shape.chart.plots[0]
                parts += [str(c) for c in plot.categories]
                parts += [s.name for s in plot.series]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


# --- the rules every case obeys -------------------------------------------------------------------

PROGRESS = re.compile(r"^dsreport: \S+ \d+\.\d\d s( \(.*\))?$")


def problem_lines(stderr: str) -> list[str]:
    """Standard error without the progress lines a build logs when it has no terminal
    (`dsreport: render:ds 4.21 s`)."""
    return [line for line in stderr.splitlines() if not PROGRESS.match(line)]


@pytest.mark.parametrize("name", sorted(ALL))
def test_build_survives_the_case(runs: dict[str, Run], name: str) -> None:
    run, case = runs[name], ALL[name]
    assert not run.timed_out, f"killed after {run.seconds:.0f} s"
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    expected = [line.format(url=run.url) for line in case.stderr]
    assert problem_lines(run.stderr) == expected
    assert run.code == case.code, run.stderr
    notes = [line for line in run.stdout.splitlines() if line.startswith("note:")]
    assert notes == case.notes


@pytest.mark.parametrize("name", sorted(ALL))
def test_build_makes_no_request(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert (run.connections, run.requests) == (0, [])


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_host_file_reaches_an_output(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert MARKER not in run.stdout + run.stderr
    for where, data in output_bytes(run):
        assert MARKER.encode() not in data, where


@pytest.mark.parametrize("name", sorted(ALL))
def test_outputs_are_whole_or_untouched(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    left = list(run.out.parent.rglob(".dsreport-*"))
    assert left == [], "a staging folder was left behind"
    after = _tree(run.out)
    if run.code != 0:
        assert after == run.before, "a failed build changed the output folder"
        return
    slug = ALL[name].slug
    written = {p.name for p in run.out.iterdir()}
    assert written == {f"{slug}{suffix}" for suffix in ARTIFACTS} | {
        Path(p).parts[0] for p in run.before
    }
    # what the build did not write is left as it was; what it wrote replaced the old
    assert {k: v for k, v in after.items() if not k.startswith(slug)} == {
        k: v for k, v in run.before.items() if not k.startswith(slug)
    }
    assert b"previous build" not in b"".join(v for k, v in after.items() if k.startswith(slug))
    facts = json.loads(run.file("-facts.json").read_text(encoding="utf-8"))
    assert facts["slug"] == slug
    run.file("-summary.md").read_text(encoding="utf-8")
    pdf = run.file("-report.pdf")
    tool("qpdf", "--check", pdf, ok_codes=(0, 3))
    assert int(_pdf_pages(pdf)) >= 1
    prs = Presentation(str(run.file("-deck.pptx")))
    assert 1 <= len(prs.slides) <= 10
    for where, data in _zip_members(run.file("-deck.pptx").read_bytes(), "deck"):
        if where.endswith((".xml", ".rels")):
            etree.fromstring(data)
    package = run.file("-handoff")
    members = dict(_zip_members(run.file("-handoff.zip").read_bytes(), "zip"))
    folder = {
        f"zip!{package.name}/{p.relative_to(package).as_posix()}": p.read_bytes()
        for p in sorted(package.rglob("*"))
        if p.is_file()
    }
    assert members == folder


@pytest.mark.parametrize("name", sorted(ALL))
def test_build_stays_within_60_s_and_2_gb(runs: dict[str, Run], name: str) -> None:
    """CPU time of the build process and its workers, not wall time: builds run two at a
    time here, beside whatever else the machine does. A build still running after three
    times the budget is killed and fails `test_build_survives_the_case`."""
    run = runs[name]
    assert run.cpu_seconds < SECONDS, f"{run.cpu_seconds:.1f} s of CPU"
    assert run.max_rss < MAX_RSS, f"{run.max_rss / 1024**2:.0f} MiB"


def _pdf_pages(pdf: Path) -> str:
    for line in tool("pdfinfo", pdf).stdout.splitlines():
        if line.startswith("Pages:"):
            return line.split()[-1]
    raise AssertionError("pdfinfo gave no page count")


MARGIN = 22 / 25.4 * 72  # the report's left and right page margins, in points
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>'
)


def words_outside_the_margins(pdf: Path) -> list[str]:
    """Words of the PDF that start left of the left margin or end right of the right one."""
    out = tool("pdftotext", "-bbox", pdf, "-").stdout
    found = []
    for number, (width, body) in enumerate(
        re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', out, re.S), start=1
    ):
        for low, high, word in _WORD.findall(body):
            if float(low) < MARGIN - 1 or float(high) > float(width) - MARGIN + 1:
                found.append(f"page {number}: {word[:40]} ({float(low):.0f}-{float(high):.0f} pt)")
    return found


@pytest.mark.parametrize("name", sorted(n for n, c in ALL.items() if c.code == 0))
def test_report_text_stays_inside_the_margins(runs: dict[str, Run], name: str) -> None:
    """However long a token, a name or a table cell, no word of the PDF runs into the
    margins or off the page (running headers included)."""
    assert words_outside_the_margins(runs[name].file("-report.pdf")) == []


@pytest.mark.parametrize("name", ["layout-text", "layout-many", "hostile-markup", "xml-illegal"])
def test_deck_text_fits_and_shapes_stay_apart(runs: dict[str, Run], name: str) -> None:
    """The deck's own fitting holds for text that strains it (measured independently, as
    tests/test_deck.py does for the examples)."""
    from test_deck import assert_inside_and_apart, assert_text_fits

    prs = Presentation(str(runs[name].file("-deck.pptx")))
    assert_text_fits(prs)
    assert_inside_and_apart(prs)


# --- what particular cases must show --------------------------------------------------------------


def _only(name: str) -> Any:
    return pytest.mark.parametrize("name", [name])


@_only("hostile-markup")
def test_hostile_markup_is_text_and_runs_nothing(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    for where, text in text_outputs(run):
        assert "JINJA49END" not in text and "LOOPXXXPOOL" not in text, where
    pdf = run.file("-report.pdf")
    words = squeeze(pdf_text(pdf))
    assert squeeze(JINJA) in words and squeeze(LOOP) in words
    assert "<script>fetch(" in " ".join(pdf_text(pdf).split())  # text fields stay text
    deck = deck_text(run)
    assert JINJA in deck and "<script>" in deck
    summary = run.file("-summary.md").read_text(encoding="utf-8")
    assert JINJA in summary.replace("\\", "")  # Markdown-escaped, never evaluated
    raw = uncompressed(pdf, run.out.parent / "actions.qdf.pdf")
    assert [a for a in ACTIONS if a in raw] == []
    uris = re.findall(rb"/URI \(([^)]*)\)", raw)
    bad = (b"javascript:", b"file:", b"data:", b"../")
    assert [u for u in uris if u.lower().startswith(bad) or b"127.0.0.1" in u] == []
    assert sorted(attachment_names(pdf)) == [
        "churn-radar-facts.json",
        "predictions.csv",
        "reviewed.csv",
    ]


def test_hostile_markup_reaches_every_text_field(tmp_path: Path) -> None:
    """The hostile bundle holds the payload in every free text field of the schema, bar
    the few that must name something else (KEEP), so a field added later is covered."""
    import yaml

    from dsreport.bundle.fields import is_prose_path

    root, _ = make("hostile-markup", tmp_path / "case", "http://127.0.0.1:9")
    spec = yaml.safe_load((root / "dsreport.yaml").read_text(encoding="utf-8"))
    covered = set()
    for loc, text_field in text_locations(spec):
        value = spec
        for part in loc:
            value = value[part]
        if text_field.kind == "prose" and is_prose_path(value):
            value = (root / value).read_text(encoding="utf-8")
        if JINJA in value and "<script>" in value:
            covered.add(field_of(loc))
        else:
            assert kept(loc), f"{loc} holds no payload"
    fields = {loc for loc in text_fields() if loc[-1] != "<key>"}
    assert fields - covered - set(KEEP) == set()
    assert len(covered) >= 59  # split names now must name the predictions' splits (KEEP)


@_only("xml-illegal")
def test_xml_illegal_characters_are_cleaned_once_for_every_output(
    runs: dict[str, Run], name: str
) -> None:
    run = runs[name]
    for where, text in text_outputs(run):
        if where.endswith("(text)"):
            text = text.replace("\f", "")  # pdftotext ends each page with a form feed
        assert not XML_ILLEGAL.search(text), where
    facts = json.loads(run.file("-facts.json").read_text(encoding="utf-8"))
    assert facts["bundle"]["project"]["name"] == "Churn radar"
    assert [r["name"] for r in facts["ladder"]] == ["Contract-end rule", "Gradient boosting"]
    assert {s["value"] for s in facts["slices"]} >= {"a", "b", "c"}
    assert [c["name"] for c in facts["review"]["categories"]] == [
        "category 0",
        "category 1",
        "category 2",
    ]
    assert facts["headline"]["metric"]["name"] == "recall"
    deck = deck_text(run)
    assert "Churn radar" in deck and "Gradient boosting" in deck
    assert "Churn radar" in pdf_text(run.file("-report.pdf"))


@_only("one-class-only")
def test_one_class_only_leaves_undefined_curves_out(runs: dict[str, Run], name: str) -> None:
    """With no negative row, the ROC curve, ROC AUC and specificity do not exist: they are
    left out, not drawn from an empty list (which crashed the report); the precision-recall
    curve still exists and is drawn."""
    facts = json.loads(runs[name].file("-facts.json").read_text(encoding="utf-8"))
    assert facts["data"]["class_counts"] == {"1": 3}
    assert facts["charts"]["roc"] == {}
    assert sorted(facts["charts"]["pr"]) == ["gbm", "rules"]
    names = {m["name"] for m in facts["metrics"] if m["rung"] == "gbm" and m["slice_key"] is None}
    assert "recall" in names and not names & {"specificity", "roc_auc"}
    text = squeeze(pdf_text(runs[name].file("-report.pdf")))
    assert "ROCcurve" not in text and "Precision–recallcurve" in text


@_only("layout-many")
def test_many_rungs_slices_and_categories_are_summarised(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    facts = json.loads(run.file("-facts.json").read_text(encoding="utf-8"))
    assert len(facts["ladder"]) == 50
    assert len({s["value"] for s in facts["slices"]}) == 200
    assert len(facts["review"]["categories"]) == 500
    prs = Presentation(str(run.file("-deck.pptx")))
    cost = next(s for s in prs.slides if "budget" in s.shapes.title.text_frame.text)
    bars = [list(shape.chart.plots[0].categories) for shape in cost.shapes if shape.has_chart]
    # the baseline, the four rungs tried last, the chosen one, then the budget's own bar
    assert [len(b) for b in bars] == [7, 7]
    assert [c[:8] for c in bars[0]] == [
        "Model 00",
        "Model 45",
        "Model 46",
        "Model 47",
        "Model 48",
        "Model 49",
        "Budget",
    ]


@_only("yaml11-surprises")
def test_yaml_11_surprises_stay_as_written(runs: dict[str, Run], name: str) -> None:
    facts = json.loads(runs[name].file("-facts.json").read_text(encoding="utf-8"))
    bundle = facts["bundle"]
    assert bundle["project"]["version"] == "1.10"
    assert bundle["ecosystem"]["statement"]["increase"] == "on"
    assert bundle["ecosystem"]["statement"]["reduce"] == "no"
    assert bundle["audiences"]["retraining"] == "2027-01-01"


@_only("csv-text-cells")
def test_identifiers_keep_their_leading_zeros(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    facts = json.loads(run.file("-facts.json").read_text(encoding="utf-8"))
    assert {s["value"] for s in facts["slices"] if s["key"] == "region"} >= {"NA"}
    attached = detach_all(run.file("-report.pdf"), run.out.parent / "ids")
    assert b"\n001," in attached["predictions.csv"]
