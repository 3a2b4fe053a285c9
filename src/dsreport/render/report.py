"""The staff data scientist's report: HTML from templates, then PDF through WeasyPrint.

`HtmlReport` builds the document; `PdfRenderer` ("ds") writes the PDF, or the
HTML too with `--format html`, so the HTML can be previewed and tested alone.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from markupsafe import Markup

from dsreport.render import charts as charts_module
from dsreport.render.base import RenderContext, Renderer, register
from dsreport.render.facts_json import facts_json
from dsreport.render.markdown import soft_break_html
from dsreport.resources import asset, assets_dir
from dsreport.templating import render
from dsreport.vocabulary import DEFINITIONS, labels

SECTIONS = [
    ("summary", "Executive summary"),
    ("ecosystem", "Ecosystem"),
    ("operator", "Operator view"),
    ("design", "System design"),
    ("ladder", "The model ladder"),
    ("metrics", "Metrics"),
    ("slices", "Slices"),
    ("errors", "Error analysis"),
    ("findings", "Findings"),
    ("limitations", "Limitations and caveats"),
    ("appendix", "Appendix"),
]
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


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


class HtmlReport:
    """Everything the template needs, selected from the facts and the bundle."""

    def __init__(self, ctx: RenderContext, appendix_rows: int | None = None) -> None:
        self.ctx = ctx
        self.appendix_rows = (
            ctx.bundle.spec.audiences.ds.appendix_rows if appendix_rows is None else appendix_rows
        )

    def context(self) -> dict[str, Any]:
        facts, bundle = self.ctx.facts, self.ctx.bundle
        spec = bundle.spec
        made = charts_module.all_charts(facts)
        charts: dict[str, Any] = dict.fromkeys(
            ("ladder", "roc", "pr", "calibration", "confusion", "residuals", "slices", "categories")
        )
        charts.update({key: _chart_view(chart) for key, chart in made.items()})
        reviewed = bundle.reviewed.frame if bundle.reviewed is not None else None
        rows: list[dict[str, str]] = []
        if reviewed is not None:
            head = reviewed.head(self.appendix_rows).astype("string").fillna("")
            rows = head.to_dict(orient="records")  # type: ignore[assignment]
        names = sorted(
            {m.name for m in facts.metrics} | ({"error_rate"} if facts.review else set())
        )
        definitions = [
            {"name": n, "label": labels(n)[0], "text": DEFINITIONS[n]}
            for n in names
            if n in DEFINITIONS
        ]
        chosen = spec.ladder.chosen
        overall = [
            x
            for x in facts.metrics
            if x.rung == chosen and x.slice_key is None and x.split == "test"
        ]
        others = [
            x
            for x in facts.metrics
            if x.rung == chosen and x.slice_key is None and x.split != "test"
        ]
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
        return {
            "facts": facts,
            "spec": spec,
            "charts": charts,
            "sections": SECTIONS[:1]
            + [("since", "Since the last review")] * bool(facts.since)
            + SECTIONS[1:],
            "overall_metrics": overall,
            "other_splits": others,
            "appendix_rows": rows,
            "review_total": len(reviewed) if reviewed is not None else 0,
            "definitions": definitions,
            "diagrams": diagrams,
            "keywords": keywords,
            "attachments": self.attachment_names(),
            "inline_css": Markup(asset("css/report.css").read_text(encoding="utf-8")),
            "paper": spec.audiences.ds.paper,
            "accent": spec.audiences.branding.accent,
        }

    def attachment_names(self) -> list[str]:
        tables = [name for _, name, _ in attached_tables(self.ctx)[0]]
        return [f"{self.ctx.facts.slug}-facts.json", *tables]

    def html(self) -> str:
        return soft_break_html(
            render("ds/report.html.j2", self.ctx.template_dirs, **self.context())
        )


@register
class PdfRenderer(Renderer):
    name = "ds"
    formats = ("pdf", "html")
    audience = "staff data scientist"
    description = "the detailed PDF report (and its HTML with --format html)"

    def render(self, ctx: RenderContext) -> list[Path]:
        report = HtmlReport(ctx)
        html = report.html()
        written = []
        formats = set(ctx.formats) or {"pdf"}
        if "html" in formats:
            path = ctx.path("-report.html")
            path.write_text(html, encoding="utf-8")
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
    """(bundle path, name in the PDF, description) of each table the PDF carries, and the
    paths of those too large to carry."""
    interrogation = ctx.bundle.spec.interrogation
    taken = {f"{ctx.facts.slug}-facts.json"}
    kept, left = [], []
    for section, what in (
        (interrogation.predictions, "Predictions table"),
        (interrogation.reviewed_examples, "Reviewed examples, all rows"),
    ):
        if section is None:
            continue
        if len(ctx.bundle.files[section.path]) > ATTACH_LIMIT:
            left.append(section.path)
        else:
            kept.append((section.path, attachment_name(section.path, taken), what))
    return kept, left


def attachment_name(path: str, taken: set[str]) -> str:
    """The file's own name, or its bundle path flattened when two tables share a name."""
    name = Path(path).name
    if name in taken:
        name = path.replace("/", "-")
    taken.add(name)
    return name


def pdf_bytes(ctx: RenderContext, html: str) -> bytes:
    """Write the PDF: tagged (PDF/UA-1), with the facts and tables attached, every date
    from the build date, and a build error for any resource the fetcher refused."""
    import datetime as dt
    import os

    from weasyprint import HTML, Attachment

    from dsreport.errors import BuildError
    from dsreport.render.fetcher import RefusedURL, SafeFetcher

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
                url=data_url(payload, media),
                url_fetcher=fetcher,
                name=name,
                description=what,
                **dated,
            )
        )
    for path in left:
        size = len(ctx.bundle.files[path]) / 1024 / 1024
        ctx.notes.append(
            f"{path} ({size:,.0f} MB) is not attached to the PDF: tables over "
            f"{ATTACH_LIMIT // 1024 // 1024} MB stay beside it"
        )
    # fontTools dates the font subsets from SOURCE_DATE_EPOCH, else from the clock
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        pdf = bytes(
            document.write_pdf(
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
