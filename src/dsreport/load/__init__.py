"""Load: files on disk -> a typed bundle, with every problem collected and located."""

from __future__ import annotations

from dsreport.load.loader import Bundle, LoadOptions, load_bundle

__all__ = ["Bundle", "LoadOptions", "load_bundle"]
