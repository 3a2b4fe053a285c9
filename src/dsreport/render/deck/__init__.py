"""The product manager's slide deck (.pptx): the story and the decision, in plain words.

Registered as the `pm` renderer. Modules by concern: `fonts` and `fit` (measuring and
fitting text), `geometry` (the grid), `theme` (template, layouts, colours), `draw`,
`blocks`, `tables` and `charts` (what goes on a slide), `slides_*` (one function per
slide kind), `compose` (the order, footers, properties) and `package` (byte-identical
output).
"""

from __future__ import annotations

from pathlib import Path

from dsreport.render.base import RenderContext, Renderer, register


@register
class DeckRenderer(Renderer):
    name = "pm"
    audience = "pm"
    description = "slide deck for the product manager (.pptx)"

    def render(self, ctx: RenderContext) -> list[Path]:
        from dsreport.load.pptxcheck import check_output_deck
        from dsreport.render.deck.compose import build_deck

        path = ctx.path("-deck.pptx")
        path.write_bytes(check_output_deck(build_deck(ctx)))
        return [path]
