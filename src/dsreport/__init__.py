"""dsreport: one results bundle in, three audience-tuned artifacts out.

The API is `validate`, `load_bundle`, `check`, `build`, `build_many`, `watch`, `diff`,
`init_bundle`, `init_from_predictions`, `import_mlflow`, `json_schema`,
`facts_schema` and `statistics_sql` (`dsreport.load` is the loading subpackage, so the loader is
`load_bundle`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dsreport.api import (
        build,
        check,
        diff,
        facts_schema,
        import_mlflow,
        init_bundle,
        init_from_predictions,
        json_schema,
        load_bundle,
        statistics_sql,
        validate,
    )
    from dsreport.buildtool.batch import build_many
    from dsreport.buildtool.watch import watch
    from dsreport.errors import BuildError, BundleError, DsreportError, Problem

_LAZY = {
    "build": "dsreport.api",
    "build_many": "dsreport.buildtool.batch",
    "watch": "dsreport.buildtool.watch",
    "check": "dsreport.api",
    "diff": "dsreport.api",
    "facts_schema": "dsreport.api",
    "init_bundle": "dsreport.api",
    "init_from_predictions": "dsreport.api",
    "import_mlflow": "dsreport.api",
    "json_schema": "dsreport.api",
    "load_bundle": "dsreport.api",
    "statistics_sql": "dsreport.api",
    "validate": "dsreport.api",
    "BuildError": "dsreport.errors",
    "BundleError": "dsreport.errors",
    "DsreportError": "dsreport.errors",
    "Problem": "dsreport.errors",
}


def __getattr__(name: str) -> Any:
    """Import the API on first use, so `dsreport --help` does not load pandas."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dsreport' has no attribute {name!r}")


__all__ = [
    "BuildError",
    "BundleError",
    "DsreportError",
    "Problem",
    "__version__",
    "build",
    "build_many",
    "check",
    "diff",
    "facts_schema",
    "import_mlflow",
    "init_bundle",
    "init_from_predictions",
    "json_schema",
    "load_bundle",
    "statistics_sql",
    "validate",
    "watch",
]
