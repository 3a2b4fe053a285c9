"""facts.json: the normalised bundle and every derived fact, for machines and for review."""

from __future__ import annotations

from pathlib import Path

from dsreport import strictjson
from dsreport.render.base import RenderContext, Renderer, register


def facts_json(ctx: RenderContext) -> str:
    data = ctx.facts.model_dump(mode="json")
    return strictjson.dumps(data, indent=2) + "\n"


@register
class FactsJsonRenderer(Renderer):
    name = "facts"
    audience = "all"
    description = "facts.json: the normalised bundle plus derived facts"

    def render(self, ctx: RenderContext) -> list[Path]:
        path = ctx.path("-facts.json")
        path.write_text(facts_json(ctx), encoding="utf-8")
        return [path]
