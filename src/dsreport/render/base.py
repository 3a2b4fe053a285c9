"""The renderer interface and its registry (one small class per output, as nbconvert does).

Renderers only select, word and lay out facts; they never compute numbers.
Third-party renderers register through the `dsreport.renderers` entry-point group.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar, Literal

from dsreport.analyse.facts import Facts
from dsreport.errors import UsageError
from dsreport.load.loaded import Bundle
from dsreport.render.tableview import TableView, view_of


@dataclass
class RenderContext:
    """What every renderer gets: the facts, the bundle (for prose and files) and options."""

    facts: Facts
    bundle: Bundle
    out_dir: Path
    """The staging folder: write here, never to the final destination."""
    formats: tuple[str, ...] = ()
    """Formats asked for with --format; empty means the renderer's default."""
    template_dirs: tuple[Path, ...] = ()
    """User folders searched for templates before the shipped ones."""
    notes: list[str] = field(default_factory=list)
    """Things the renderer wants the user to know (a fallback taken, say)."""
    views: dict[str, TableView | None] = field(default_factory=dict)
    """`table()`'s answers, taken ahead for a worker given the bundle without its rows."""
    facts_text: str | None = None
    """facts.json's text once written: the PDF attaches the same text, not a second dump."""

    def table(self, which: Literal["predictions", "reviewed"]) -> TableView | None:
        """The predictions or the reviewed examples as the PDF shows them: their files, row
        count and (reviewed examples) the first `appendix_rows` rows as text."""
        if which not in self.views:
            head = self.bundle.spec.audiences.ds.appendix_rows if which == "reviewed" else 0
            self.views[which] = view_of(getattr(self.bundle, which), head)
        return self.views[which]

    def path(self, suffix: str) -> Path:
        """`<out>/<slug><suffix>`: every artifact's name starts with the bundle's slug."""
        return self.out_dir / f"{self.facts.slug}{suffix}"


class Renderer(abc.ABC):
    name: ClassVar[str]
    """Registry name, used by --only."""
    audience: ClassVar[str]
    description: ClassVar[str]
    formats: ClassVar[tuple[str, ...]] = ()
    """Formats this renderer can write with --format; the first is the default."""

    @abc.abstractmethod
    def render(self, ctx: RenderContext) -> list[Path]:
        """Write the artifact(s) into `ctx.out_dir`; return the paths written."""


_BUILTIN = {
    "facts": "dsreport.render.facts_json:FactsJsonRenderer",
    "summary": "dsreport.render.summary:SummaryRenderer",
    "pm": "dsreport.render.deck:DeckRenderer",
    "engineer": "dsreport.render.handoff:HandoffRenderer",
    "ds": "dsreport.render.report:PdfRenderer",
}
_REGISTRY: dict[str, type[Renderer]] = {}


def register(cls: type[Renderer]) -> type[Renderer]:
    """Class decorator: make a renderer available under `cls.name`."""
    _REGISTRY[cls.name] = cls
    return cls


def _load(spec: str) -> type[Renderer]:
    module, _, attr = spec.partition(":")
    cls: type[Renderer] = getattr(import_module(module), attr)
    return cls


def names() -> list[str]:
    """Every renderer's name, in `available()`'s order, without importing any renderer: a
    build picks its renderers before the analysis and imports them only to render."""
    found = {ep.name for ep in entry_points(group="dsreport.renderers")} | set(_REGISTRY)
    return [*_BUILTIN, *sorted(found - set(_BUILTIN))]


def available() -> dict[str, type[Renderer]]:
    """Every renderer by name: built-in ones, then entry points (imported lazily)."""
    for name, spec in _BUILTIN.items():
        if name not in _REGISTRY:
            _REGISTRY[name] = _load(spec)
    for ep in entry_points(group="dsreport.renderers"):
        if ep.name not in _REGISTRY:
            _REGISTRY[ep.name] = ep.load()
    # built-in ones in their own order, whichever was imported first, then the others
    order = [*_BUILTIN, *sorted(n for n in _REGISTRY if n not in _BUILTIN)]
    return {name: _REGISTRY[name] for name in order}


def get_renderer(name: str) -> type[Renderer]:
    if name in _BUILTIN:  # a built-in name is never an entry point's: import it alone
        if name not in _REGISTRY:
            _REGISTRY[name] = _load(_BUILTIN[name])
        return _REGISTRY[name]
    renderers = available()
    if name not in renderers:
        raise UsageError(
            f"no renderer named '{name}'", hint="available: " + ", ".join(sorted(renderers))
        )
    return renderers[name]
