"""facts.json: the normalised bundle and every derived fact, for machines and for review."""

from __future__ import annotations

from pathlib import Path

from dsreport import strictjson
from dsreport.render.base import RenderContext, Renderer, register


def facts_json(ctx: RenderContext) -> str:
    """The facts as JSON, dumped once per build (a PDF rendered in a worker gets the text
    with its context, so it neither dumps them again nor builds the models' serialisers)."""
    if ctx.facts_text is None:
        ctx.facts_text = strictjson.dumps(ctx.facts.model_dump(mode="json"), indent=2) + "\n"
    return ctx.facts_text


@register
class FactsJsonRenderer(Renderer):
    name = "facts"
    audience = "all"
    description = "facts.json: the normalised bundle plus derived facts"

    def render(self, ctx: RenderContext) -> list[Path]:
        path = ctx.path("-facts.json")
        path.write_text(facts_json(ctx), encoding="utf-8")
        return [path]
