"""dsreport: one results bundle in, three audience-tuned artifacts out."""

from __future__ import annotations

__version__ = "0.1.0"

from dsreport.api import build, init_bundle, json_schema, load, validate
from dsreport.errors import BuildError, BundleError, DsreportError, Problem

__all__ = [
    "BuildError",
    "BundleError",
    "DsreportError",
    "Problem",
    "__version__",
    "build",
    "init_bundle",
    "json_schema",
    "load",
    "validate",
]
