"""The bundle format: typed models that are the single definition of `dsreport.yaml`."""

from __future__ import annotations

from dsreport.bundle.spec import BundleSpec

__all__ = ["BundleSpec"]
