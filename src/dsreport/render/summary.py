"""`<slug>-summary.md`: the results and findings in a few lines of Markdown, for a pull
request comment or a CI job summary (`cat out/*-summary.md >> $GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

from pathlib import Path

from dsreport.render.base import RenderContext, Renderer, register
from dsreport.templating import render


@register
class SummaryRenderer(Renderer):
    name = "summary"
    audience = "pull request"
    description = "a short Markdown summary of the results and findings"
    formats = ("md",)

    def render(self, ctx: RenderContext) -> list[Path]:
        path = ctx.path("-summary.md")
        text = render(
            "summary/summary.md.j2", ctx.template_dirs, facts=ctx.facts, spec=ctx.bundle.spec
        )
        path.write_text(text, encoding="utf-8")
        return [path]
