"""The staff data scientist's report: HTML from templates, then PDF through WeasyPrint.

`HtmlReport` builds the document; `PdfRenderer` ("ds") writes the PDF, or with
`--format html` the same document as one self-contained HTML file (fonts and charts
inside it) to preview without the PDF step; `--format html --format pdf` writes both.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup

from dsreport.buildtool.gcpause import fewer_collections
from dsreport.render import charts as charts_module
from dsreport.render import reportview as view
from dsreport.render.base import RenderContext, Renderer, register
from dsreport.render.facts_json import facts_json
from dsreport.render.leanua import html_class
from dsreport.render.markdown import soft_break_html
from dsreport.render.numbering import Numbering
from dsreport.render.pdftags import scope_header_cells
from dsreport.render.pdfwrite import written_once
from dsreport.resources import asset, assets_dir
from dsreport.templating import environment, render
from dsreport.vocabulary import DEFINITIONS, labels

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
CHART_KEYS = (
    "ladder",
    "roc",
    "pr",
    "calibration",
    "confusion",
    "coverage",
    "residuals",
    "slices",
    "categories",
)


def data_url(payload: bytes, media: str) -> str:
    return f"data:{media};base64,{base64.b64encode(payload).decode('ascii')}"


def _chart_view(chart: charts_module.Chart) -> dict[str, str]:
    return {
        "key": chart.key,
        "title": chart.title,
        "alt": chart.alt,
        "caption": chart.caption,
        "src": data_url(chart.svg.encode("utf-8"), "image/svg+xml"),
    }


def compile_templates() -> Iterator[None]:
    """Compile the shipped report templates, one per step: a fifth of a second the first
    report in a process would otherwise pay after the facts (a build with its own template
    folders compiles those when it renders)."""
    env = environment()
    for name in env.list_templates(filter_func=lambda n: n.startswith(("ds/", "base/"))):
        env.get_template(name)
        yield


class HtmlReport:
    """Everything the template needs, selected from the facts and the bundle."""

    def __init__(self, ctx: RenderContext) -> None:
        self.ctx = ctx

    def context(self) -> dict[str, Any]:
        facts, bundle = self.ctx.facts, self.ctx.bundle
        spec = bundle.spec
        made = charts_module.all_charts(facts)
        charts: dict[str, Any] = dict.fromkeys(CHART_KEYS)
        charts.update({key: _chart_view(chart) for key, chart in made.items()})
        reviewed = self.ctx.table("reviewed")
        names = sorted(
            {m.name for m in facts.metrics} | ({"error_rate"} if facts.review else set())
        )
        definitions = [
            {"name": n, "label": labels(n)[0], "text": DEFINITIONS[n]}
            for n in names
            if n in DEFINITIONS
        ]
        chosen = spec.ladder.chosen
        diagrams = [
            {
                "src": data_url(bundle.files[d.path], IMAGE_TYPES[Path(d.path).suffix.lower()]),
                "alt": d.alt,
                "caption": d.caption,
            }
            for d in spec.system_design.diagrams
        ]
        keywords = ["model evaluation", spec.project.task, spec.project.name]
        if facts.headline is not None:
            keywords.append(facts.headline.metric.label)
        aimed = view.targeted(facts)
        design = spec.system_design
        return {
            "facts": facts,
            "spec": spec,
            "charts": charts,
            "n": Numbering(),
            "overall_metrics": view.overall(facts, chosen),
            "other_splits": [
                x
                for x in facts.metrics
                if x.rung == chosen and x.slice_key is None and x.split != "test"
            ],
            "targeted": aimed,
            "rung_rows": view.rung_rows(facts, aimed),
            "slice_groups": view.slice_groups(facts, aimed),
            "metric_labels": view.metric_labels(facts),
            "fields_inline": max(len(design.inputs), len(design.outputs)) <= view.INLINE_FIELDS,
            "appendix_rows": list(reviewed.head) if reviewed is not None else [],
            "review_total": reviewed.rows if reviewed is not None else 0,
            "definitions": definitions,
            "diagrams": diagrams,
            "keywords": keywords,
            "attachments": self.attachment_names(),
            "attachments_left": attached_tables(self.ctx)[1],
            "inline_css": Markup(asset("css/report.css").read_text(encoding="utf-8")),
            "paper": spec.audiences.ds.paper,
            "accent": spec.audiences.branding.accent,
        }

    def attachment_names(self) -> list[str]:
        tables = [name for _, name, _ in attached_tables(self.ctx)[0]]
        return [f"{self.ctx.facts.slug}-facts.json", *tables]

    def html(self) -> str:
        """The report's HTML as the PDF engine reads it (fonts named by path)."""
        context = self.context()
        numbering: Numbering = context["n"]
        dirs = self.ctx.template_dirs
        html = render("ds/report.html.j2", dirs, **context)
        html = numbering.resolve(
            html, lambda entries: render("ds/contents.html.j2", dirs, entries=entries)
        )
        return soft_break_html(html)


_FONT_URL = re.compile(r'url\("fonts/([A-Za-z0-9_.-]+\.(otf|ttf))"\)')


def self_contained(html: str) -> str:
    """The HTML with the shipped fonts inside it, so it previews alone, anywhere, exactly
    as the PDF is set. Only our own stylesheet (the first <style>) names fonts."""
    head, sep, rest = html.partition("</style>")

    def embed(match: re.Match[str]) -> str:
        media = "font/otf" if match.group(2) == "otf" else "font/ttf"
        return f'url("{data_url(asset("fonts/" + match.group(1)).read_bytes(), media)}")'

    return _FONT_URL.sub(embed, head) + sep + rest


@register
class PdfRenderer(Renderer):
    name = "ds"
    formats = ("pdf", "html")
    audience = "staff data scientist"
    description = "the detailed PDF report (or, with --format html, its self-contained HTML)"

    def render(self, ctx: RenderContext) -> list[Path]:
        with fewer_collections():
            return self._render(ctx)

    def _render(self, ctx: RenderContext) -> list[Path]:
        report = HtmlReport(ctx)
        html = report.html()
        written = []
        formats = set(ctx.formats) & set(self.formats) or {"pdf"}
        if "html" in formats:
            path = ctx.path("-report.html")
            path.write_text(self_contained(html), encoding="utf-8")
            written.append(path)
        if "pdf" in formats:
            path = ctx.path("-report.pdf")
            path.write_bytes(pdf_bytes(ctx, html))
            written.append(path)
        return written


ATTACH_LIMIT = 25 * 1024 * 1024
"""Tables larger than this stay out of the PDF: base64-encoding 300 MB of predictions
took 31 of a 35 s build and would make a PDF nobody can mail."""


def attached_tables(ctx: RenderContext) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(bundle path, name in the PDF, description) of each table file the PDF carries, and
    a sentence for each table it does not: too large, or streamed (never read whole)."""
    bundle = ctx.bundle
    interrogation = bundle.spec.interrogation
    taken = {f"{ctx.facts.slug}-facts.json"}
    kept, left = [], []
    limit = f"tables over {ATTACH_LIMIT // 1024 // 1024} MB stay beside it"
    for section, table, what in (
        (interrogation.predictions, ctx.table("predictions"), "Predictions table"),
        (interrogation.reviewed_examples, ctx.table("reviewed"), "Reviewed examples, all rows"),
    ):
        if section is None:
            continue
        if table is not None and table.streamed:
            left.append(
                f"{section.path} ({table.rows:,} rows, read in batches) is not attached to the "
                "PDF: a streamed table stays beside it"
            )
            continue
        paths = list(table.sources) if table is not None else [section.path]
        size = sum(
            len(bundle.files[p]) if p in bundle.files else (bundle.root / p).stat().st_size
            for p in paths
        )
        if size > ATTACH_LIMIT:
            left.append(
                f"{section.path} ({size / 1024 / 1024:,.0f} MB) is not attached to the PDF: "
                + limit
            )
            continue
        for index, path in enumerate(paths, start=1):
            part = f", file {index} of {len(paths)}" if len(paths) > 1 else ""
            kept.append((path, attachment_name(path, taken), what + part))
    return kept, left


def attachment_name(path: str, taken: set[str]) -> str:
    """The file's own name, or its bundle path flattened when two tables share a name."""
    name = Path(path).name
    if name in taken:
        name = path.replace("/", "-")
    taken.add(name)
    return name


def _finish(document: Any, pdf: Any) -> None:
    """The finishing touches WeasyPrint lets us make before the PDF is written."""
    scope_header_cells(document, pdf)
    written_once(pdf)


def pdf_bytes(ctx: RenderContext, html: str) -> bytes:
    """Write the PDF: tagged (PDF/UA-1), with the facts and tables attached, every date
    from the build date, and a build error for any resource the fetcher refused."""
    import datetime as dt
    import os

    from dsreport.render.weasyload import import_weasyprint

    import_weasyprint()
    from weasyprint import Attachment

    from dsreport.errors import BuildError
    from dsreport.render.fetcher import BytesFetcher, RefusedURL, SafeFetcher

    fetcher = SafeFetcher()
    base_url = assets_dir().as_uri() + "/"  # the inline CSS names fonts as fonts/...
    when = dt.datetime.fromisoformat(ctx.facts.build_date).replace(tzinfo=dt.UTC)
    dated = {"created": when, "modified": when}
    attachments = [
        Attachment(
            string=facts_json(ctx),
            base_url=base_url,
            url_fetcher=fetcher,
            name=f"{ctx.facts.slug}-facts.json",
            description="Every number in this report, as JSON",
            **dated,
        )
    ]
    kept, left = attached_tables(ctx)
    for path, name, what in kept:
        payload = ctx.bundle.files[path]
        media = "text/csv" if path.endswith(".csv") else "application/octet-stream"
        attachments.append(
            Attachment(
                url=f"data:{media},",  # a name for the bytes BytesFetcher serves
                url_fetcher=BytesFetcher(payload, media),
                name=name,
                description=what,
                **dated,
            )
        )
    ctx.notes.extend(left)
    # fontTools dates the font subsets from SOURCE_DATE_EPOCH, else from the clock
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        document = html_class(html)(string=html, base_url=base_url, url_fetcher=fetcher)
        pdf = bytes(
            document.write_pdf(
                finisher=_finish,
                pdf_variant="pdf/ua-1",
                attachments=attachments,
                pdf_identifier=ctx.facts.bundle_digest[:32].encode(),
                uncompressed_pdf=False,
            )
        )
    except RefusedURL as exc:
        raise BuildError(
            f"the report asked for a resource outside the bundle: {exc.url[:80]}",
            hint="remove the reference; only files inside the bundle are used",
        ) from exc
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    if fetcher.refused:
        raise BuildError(
            f"the report asked for a resource outside the bundle: {fetcher.refused[0][:80]}",
            hint="an image (an SVG diagram, say) refers to another file or URL; embed it or "
            "remove the reference",
        )
    return pdf
