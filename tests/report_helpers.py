"""Helpers for the PDF report tests: builds run as real processes (several at once, so the
suite stays fast), and readers for what they write: poppler's pdfinfo, pdffonts,
pdftotext and pdfdetach, qpdf's --check and --json, and a small HTML tree."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from helpers import BUNDLES, EXAMPLES, QUIET_ENV, edit_yaml

TOOLS = ("qpdf", "pdfinfo", "pdffonts", "pdftotext", "pdfdetach")
# The section list, in order: the outline and the table of contents must show each,
# numbered from the first section after the summary to the last before the appendix.
SECTION_TITLES = [
    "Executive summary",
    "1 Ecosystem",
    "2 Operator view",
    "3 System design",
    "4 The model ladder",
    "5 Metrics",
    "6 Slices",
    "7 Error analysis",
    "8 Findings",
    "9 Limitations and caveats",
    "Appendix",
]
SECTION_IDS = [
    "summary",
    "ecosystem",
    "operator",
    "design",
    "ladder",
    "metrics",
    "slices",
    "errors",
    "findings",
    "limitations",
    "appendix",
]


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def process_env() -> dict[str, str]:
    """The environment of a build or tool run: no SOURCE_DATE_EPOCH (the outputs must carry
    the bundle's date), no colour, UTC, UTF-8."""
    drop = ("SOURCE_DATE_EPOCH", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    env = {k: v for k, v in os.environ.items() if k not in drop and k != "PYTHONWARNINGS"}
    env.update(QUIET_ENV)
    env.update({"TZ": "UTC", "PYTHONIOENCODING": "utf-8"})
    return env


# --- builds -----------------------------------------------------------------------------------


@dataclass
class Build:
    """One `dsreport build BUNDLE -o OUT ARGS...` run in its own process."""

    bundle: Path
    out: Path
    args: Sequence[str] = ()
    cache: Path | None = None
    """A build cache of its own (DSREPORT_CACHE_DIR), never the user's."""
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0

    def run(self) -> Build:
        command = [sys.executable, "-m", "dsreport.cli", "build", str(self.bundle)]
        command += ["-o", str(self.out), *self.args]
        start = time.perf_counter()
        env = process_env()
        if self.cache is not None:
            env["DSREPORT_CACHE_DIR"] = str(self.cache)
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=600,
            check=False,
        )
        self.seconds = time.perf_counter() - start
        self.exit_code, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr
        return self

    def file(self, suffix: str) -> Path:
        """The one output whose name ends in `suffix` (e.g. "-report.pdf")."""
        found = sorted(p for p in self.out.iterdir() if p.name.endswith(suffix))
        assert len(found) == 1, f"expected one *{suffix} in {self.out}, found {found}"
        return found[0]

    def ok(self) -> Build:
        assert self.exit_code == 0, f"build of {self.bundle} failed:\n{self.stderr}"
        return self


def run_chains(chains: Sequence[Sequence[Build]], workers: int = 2) -> None:
    """Run the builds of each chain one after another, and the chains side by side."""

    def run_chain(chain: Sequence[Build]) -> None:
        for build in chain:
            build.run()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(run_chain, chain) for chain in chains]:
            future.result()


# --- editing bundle copies --------------------------------------------------------------------


def read_spec(root: Path) -> dict[str, Any]:
    """dsreport.yaml as PyYAML reads it: right for bundles that quote every value YAML 1.1
    would misread (the examples, `minimal`); edit other bundles as text (helpers.edit_yaml)."""
    data = yaml.safe_load((root / "dsreport.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write_spec(root: Path, spec: dict[str, Any]) -> None:
    text = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=100_000)
    (root / "dsreport.yaml").write_text(text, encoding="utf-8")


# --- PDF tools --------------------------------------------------------------------------------


def tool(*args: str | Path, ok_codes: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=process_env(),
        timeout=120,
        check=False,
    )
    assert proc.returncode in ok_codes, f"{args[0]} exited {proc.returncode}: {proc.stderr}"
    return proc


def pdf_text(
    pdf: Path, first: int | None = None, last: int | None = None, layout: bool = False
) -> str:
    args: list[str | Path] = ["pdftotext", "-enc", "UTF-8"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    if layout:
        args.append("-layout")
    return tool(*args, pdf, "-").stdout


def squeeze(text: str) -> str:
    """Text without whitespace or line-end hyphens: robust to how a PDF wraps a string."""
    return re.sub(r"\s+", "", re.sub(r"-\n", "", text))


def pdf_info(pdf: Path) -> dict[str, str]:
    info = {}
    for line in tool("pdfinfo", "-isodates", pdf).stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts rows as {name, type, emb}; the type column may hold spaces, so read from the
    right: ... encoding emb sub uni object-id generation."""
    lines = tool("pdffonts", pdf).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        if len(parts) < 8:
            continue
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": parts[-5]})
    return rows


def outline(pdf: Path) -> list[tuple[int, str, int | None]]:
    """The PDF outline (bookmarks) as (level, title, page) in document order."""
    data = json.loads(tool("qpdf", "--json", "--json-key=outlines", pdf).stdout)
    found: list[tuple[int, str, int | None]] = []

    def walk(items: list[dict[str, Any]], level: int) -> None:
        for item in items:
            found.append((level, item["title"], item.get("destpageposfrom1")))
            walk(item.get("kids", []), level + 1)

    walk(data["outlines"], 1)
    return found


def attachment_streams(pdf: Path) -> dict[str, dict[str, Any]]:
    """qpdf's view of the embedded files: name -> {description, streams: {/F: {...dates}}}."""
    data = json.loads(tool("qpdf", "--json", "--json-key=attachments", pdf).stdout)
    attachments: dict[str, dict[str, Any]] = data["attachments"]
    return attachments


def attachment_names(pdf: Path) -> list[str]:
    """Names as `pdfdetach -list` prints them (duplicates kept)."""
    lines = tool("pdfdetach", "-list", pdf).stdout.splitlines()
    return [line.split(": ", 1)[1] for line in lines[1:] if ": " in line]


def detach_all(pdf: Path, dest: Path) -> dict[str, bytes]:
    dest.mkdir(parents=True, exist_ok=True)
    tool("pdfdetach", "-saveall", "-o", dest, pdf)
    return {p.name: p.read_bytes() for p in sorted(dest.iterdir())}


def uncompressed(pdf: Path, dest: Path) -> bytes:
    """The PDF rewritten by qpdf with every stream decompressed (for searching raw bytes)."""
    tool("qpdf", "--qdf", "--object-streams=disable", pdf, dest, ok_codes=(0, 3))
    return dest.read_bytes()


def qdf_differences(a: Path, b: Path, work: Path, limit: int = 12) -> list[str]:
    """Which lines of two PDFs differ once both are decompressed: the evidence for a
    non-reproducible build (timestamps, ids, font tables)."""
    left = uncompressed(a, work / "a.qdf.pdf").split(b"\n")
    right = uncompressed(b, work / "b.qdf.pdf").split(b"\n")
    if len(left) != len(right):
        return [f"decompressed PDFs differ in length: {len(left)} vs {len(right)} lines"]
    diffs = []
    for number, (x, y) in enumerate(zip(left, right, strict=True), start=1):
        if x == y:
            continue
        if x.isascii() and len(x) < 200:
            diffs.append(f"line {number}: {x.decode('ascii').strip()} != {y.decode().strip()}")
        else:
            pairs = enumerate(zip(x, y, strict=False))
            at = next((i for i, (p, q) in pairs if p != q), min(len(x), len(y)))
            kind = "font data with a 'head' table" if b"head" in x else "binary data"
            diffs.append(f"line {number}: {len(x)} bytes of {kind} differ from byte {at}")
    return diffs[:limit] + ([f"... {len(diffs) - limit} more"] if len(diffs) > limit else [])


# --- HTML -------------------------------------------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find_all(self, tag: str) -> list[Element]:
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found += child.find_all(tag)
        return found


class HtmlTree(HTMLParser):
    """A strict little tree: every non-void element must be closed, in order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack: list[Element] = [self.root]
        self.errors: list[str] = []
        self.elements: list[Element] = []
        self.feed(html)
        self.close()
        for element in self.stack[1:]:
            self.errors.append(f"<{element.tag}> never closed")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        line = self.getpos()[0]
        if self.stack[-1].tag == tag:
            self.stack.pop()
            return
        self.errors.append(f"line {line}: </{tag}> closes <{self.stack[-1].tag}>")
        if any(e.tag == tag for e in self.stack[1:]):
            while self.stack[-1].tag != tag:
                self.stack.pop()
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data

    def find_all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


# --- a loopback server that must never be asked anything --------------------------------------


class LoopbackServer:
    """An HTTP server on 127.0.0.1 that counts every connection and every request.

    A build that is safe on untrusted bundles never connects to it."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self) -> None:
                owner.requests.append(f"{self.command} {self.path}")
                body = b"body { color: red }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_PUT = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                owner.connections += 1
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def contacted(self) -> str:
        return f"{self.connections} connection(s), requests: {self.requests}"


def soffice_pdf(deck: Path, outdir: Path) -> subprocess.CompletedProcess[str]:
    """LibreOffice converting `deck` to PDF in `outdir`, with a profile of its own there (so
    runs side by side do not share one)."""
    command = ["soffice", f"-env:UserInstallation=file://{outdir}/lo", "--headless"]
    command += ["--convert-to", "pdf", "--outdir", str(outdir), str(deck)]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)


# --- the example builds every report test reads ---------------------------------------------

EXAMPLE_NAMES = ["tumour-triage", "digit-routing", "disease-progression"]
BOTH = ("--only", "ds", "--format", "html", "--format", "pdf")
OVERRIDE = (
    '{% extends "builtin/ds/report.html.j2" %}'
    '{% import "ds/macros.html.j2" as m with context %}'
    '{% block limitations %}<section id="limitations">'
    "{{ m.h1('limitations', 'Limitations and caveats') }}"
    "<p>OVERRIDE-MARKER</p></section>{% endblock %}"
)


@dataclass
class Builds:
    examples: dict[str, Build]
    again: Build
    html_only: Build
    override: Build
    same_basename: Build
    work: Path


def make_builds(root: Path) -> Builds:
    """Build the examples (PDF and HTML), a second tumour-triage, an HTML-only one, one with
    a template override and one whose tables share a name, two processes at a time."""
    examples = {n: Build(EXAMPLES / n, root / n, BOTH) for n in EXAMPLE_NAMES}
    # Built after the first tumour-triage build has finished, so the two run at different times.
    again = Build(EXAMPLES / "tumour-triage", root / "again", BOTH)
    html_only = Build(
        EXAMPLES / "tumour-triage", root / "html-only", ("--only", "ds", "--format", "html")
    )
    templates = root / "templates"
    (templates / "ds").mkdir(parents=True)
    (templates / "ds" / "report.html.j2").write_text(OVERRIDE, encoding="utf-8")
    override = Build(
        EXAMPLES / "tumour-triage", root / "override", (*BOTH, "--templates", str(templates))
    )
    same_basename = Build(
        _same_basename_bundle(root / "same-basename"), root / "same-basename-out", ("--only", "ds")
    )
    for build in [*examples.values(), again, html_only, override, same_basename]:
        build.cache = root / "cache"
    run_chains(
        [
            [examples["tumour-triage"], again],
            [examples["digit-routing"]],
            [examples["disease-progression"]],
            [override],
            [same_basename],
            [html_only],
        ]
    )
    return Builds(examples, again, html_only, override, same_basename, root)


def _same_basename_bundle(target: Path) -> Path:
    """tests/bundles/good-binary with its two tables in different folders under one name."""
    shutil.copytree(BUNDLES / "good-binary", target)
    for name, folder in (("predictions", "p"), ("reviewed", "r")):
        (target / "data" / folder).mkdir()
        (target / "data" / f"{name}.csv").rename(target / "data" / folder / "table.csv")
        edit_yaml(target, f"path: data/{name}.csv", f"path: data/{folder}/table.csv")
    return target


def example(builds: Builds, name: str) -> Build:
    """The build of one example, checked to have succeeded."""
    return builds.examples[name].ok()


def facts_of(build: Build) -> dict[str, Any]:
    return json.loads(build.file("-facts.json").read_text(encoding="utf-8"))
