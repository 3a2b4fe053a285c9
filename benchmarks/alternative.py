"""The nearest alternative, measured beside dsreport: Markdown rendered by pandoc and Typst.

Quarto renders `format: typst` by having pandoc write Typst source and then compiling
it with Typst, and `format: pptx` with pandoc alone; this is that path without Quarto's
own start-up or a Jupyter kernel, so it is a lower bound for Quarto.

Equal content: the Markdown is dsreport's own report HTML (`--format html`) converted by
pandoc once, before timing, into plain Markdown (headings, paragraphs, lists, pipe
tables, images with captions), so it has the same sections, tables and words. The charts
are drawn in every run by dsreport's matplotlib chart code from facts.json, as SVG for
Typst and PNG for PowerPoint. Typst comes from PyPI as a Python module, so it is called
in a fresh interpreter (`_child.py typst`) rather than through `pandoc --pdf-engine`.
"""

from __future__ import annotations

import base64
import importlib.util
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import measure

MARKDOWN = "markdown-fenced_divs-bracketed_spans-native_divs-native_spans-raw_html"
FONTS = str(Path(__file__).resolve().parent.parent / "assets" / "fonts")  # dsreport's, for SVG text
SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}


def pandoc() -> str | None:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return shutil.which("pandoc")


def available() -> str | None:
    """None when both tools are installed, else what is missing."""
    missing = [n for n, ok in (("pypandoc-binary", pandoc()), ("typst", _has_typst())) if not ok]
    return f"not installed: {', '.join(missing)}" if missing else None


def _has_typst() -> bool:
    return importlib.util.find_spec("typst") is not None


def versions() -> dict[str, str]:
    found = {}
    if path := pandoc():
        text = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
        found["pandoc"] = text.split()[1] if text else "unknown"
    if _has_typst():
        found["typst (PyPI)"] = version("typst")
    return found


def _rewrite(html: str, folder: Path) -> str:
    """Charts point at files drawn in each run, other images become files, links to charts
    become their text, and section ids move to their headings so the contents list still
    links."""
    html = re.sub(
        r'(<figure[^>]*\bid="fig-([\w-]+)"[^>]*>\s*<img\b[^>]*?\bsrc=")data:[^"]*"',
        r'\1charts/\2.svg"',
        html,
    )
    images = folder / "images"
    images.mkdir(exist_ok=True)

    def extract(match: re.Match[str]) -> str:
        name = f"images/img-{len(list(images.iterdir())) + 1}{SUFFIX.get(match[1], '.bin')}"
        (folder / name).write_bytes(base64.b64decode(match[2]))
        return f'src="{name}"'

    html = re.sub(r'src="data:([\w/+.-]+);base64,([^"]*)"', extract, html)
    # pandoc keeps no label on a figure, so a link to one would not compile in Typst
    html = re.sub(r'<a\b[^>]*\bhref="#fig-[\w-]+"[^>]*>(.*?)</a>', r"\1", html, flags=re.S)
    return re.sub(
        r'<section id="([\w-]+)"([^>]*)>(\s*)<h1([^>]*)>', r'<section\2>\3<h1 id="\1"\4>', html
    )


@dataclass
class Source:
    folder: Path
    facts: Path


def prepare(bundle: Path, folder: Path, env: dict[str, str]) -> Source:
    """Write report.md (charts as SVG) and deck.md (the same, charts as PNG). Not timed."""
    html_dir = folder / "dsreport-html"
    cmd = ["build", str(bundle), "-o", str(html_dir), "--only", "ds", "--format", "html"]
    done = measure.child("build", "--", *cmd, "--force", "-q", env=env)
    if not done.ok:
        raise RuntimeError(f"dsreport could not write the HTML report: {done.failure()}")
    html = next(html_dir.glob("*-report.html")).read_text(encoding="utf-8")
    (folder / "report.html").write_text(_rewrite(html, folder), encoding="utf-8")
    tool = pandoc() or "pandoc"
    subprocess.run(
        [tool, "-f", "html", "-t", MARKDOWN, "-o", "report.md", "report.html"],
        cwd=folder,
        check=True,
    )
    text = (folder / "report.md").read_text(encoding="utf-8")
    deck = re.sub(r"\(charts/([\w-]+)\.svg\)", r"(charts/\1.png)", text)
    (folder / "deck.md").write_text(deck, encoding="utf-8")
    return Source(folder, next(html_dir.glob("*-facts.json")))


def measure_once(source: Source) -> dict[str, Any]:
    """One run: charts, pandoc -> Typst source, Typst -> PDF, pandoc -> PPTX; each a new
    process, timed from spawn to exit."""
    folder = source.folder
    tool = pandoc() or "pandoc"
    charts = measure.child("charts", str(source.facts), str(folder / "charts"))
    typ = measure.spawn([tool, "report.md", "-s", "-t", "typst", "-o", "report.typ"], cwd=folder)
    pdf = measure.child("typst", str(folder / "report.typ"), str(folder / "report.pdf"), FONTS)
    pptx = measure.spawn([tool, "deck.md", "-o", "deck.pptx"], cwd=folder)
    for step, sample in (("charts", charts), ("pandoc", typ), ("typst", pdf), ("pptx", pptx)):
        if not sample.ok:
            return {"error": f"{step}: {sample.failure()}"}
    return {
        "charts": charts.wall,
        "charts_draw": charts.report["draw"],
        "pandoc_typst": typ.wall,
        "typst": pdf.wall,
        "typst_compile": pdf.report["compile"],
        "pandoc_pptx": pptx.wall,
        "startup": (charts.wall - charts.report["draw"]) + (pdf.wall - pdf.report["compile"]),
        "total": charts.wall + typ.wall + pdf.wall + pptx.wall,
        "peak_mb": max(
            charts.report["peak_mb"], typ.maxrss_mb, pdf.report["peak_mb"], pptx.maxrss_mb
        ),
        "pdf_pages": _pages(folder / "report.pdf"),
    }


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
