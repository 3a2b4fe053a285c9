"""Renderers: facts -> one artifact per audience, registered by name."""

from __future__ import annotations

from dsreport.render.base import RenderContext, Renderer, available, get_renderer, register

__all__ = ["RenderContext", "Renderer", "available", "get_renderer", "register"]
