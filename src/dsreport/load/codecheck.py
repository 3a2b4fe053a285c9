"""The code files handed to the engineers must not run when they run the contract test.

The handoff's `code/` folder holds the bundle's code files beside the generated
`test_contract.py`, run as `cd code && python -m pytest -q`. Python and pytest pick up some
files there on their own: `python -m` puts the folder first on the import path, so a
`jsonschema.py` would stand in for the validator the test uses (and make every schema
check pass) and a `pluggy.py` would run as pytest starts; pytest loads any `conftest.py`,
reads `pytest.ini`, `pyproject.toml`, `tox.ini` or `setup.cfg` at the folder's top as its
configuration, and collects and runs any `test_*.py` or `*_test.py`. A code file that would
take such a name in the package, or the name of a module the package generates
(`handoff_contract.py`, `serve.py`, ...), is refused when the bundle is loaded, naming the
file.
(The generated test also drops its own folder from the import path before it imports
pytest, and puts it back last, so a module missed here still cannot stand in for an
installed one.)
"""

from __future__ import annotations

import fnmatch
import sys
from pathlib import PurePosixPath

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector
from dsreport.load.yamlsrc import YamlDoc

PYTEST_CONFIG = frozenset({"pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"})
TEST_FILES = ("test_*.py", "*_test.py")
"""pytest's default `python_files`: what it collects and runs."""
TEST_RUN_MODULES = frozenset(
    {
        # what `python -m pytest` imports as it starts, and what the contract test imports
        "pytest",
        "_pytest",
        "py",
        "pluggy",
        "iniconfig",
        "packaging",
        "exceptiongroup",
        "tomli",
        "colorama",
        "pygments",
        "jsonschema",
        "jsonschema_specifications",
        "referencing",
        "rpds",
        "attr",
        "attrs",
        "typing_extensions",
        "importlib_metadata",
        "zipp",
        "sitecustomize",
        "usercustomize",
        # what the package's model loader imports to load the model
        "numpy",
        "scipy",
        "sklearn",
        "joblib",
        "threadpoolctl",
        "skops",
        "onnxruntime",
        "safetensors",
    }
)
GENERATED = (
    "test_contract.py",
    "handoff_contract.py",
    "handoff_model.py",
    "serve.py",
    "batch.py",
    "monitor.py",
)
"""Files the handoff package generates inside `code/`; a bundle file may not take their names."""
SHADOWED = TEST_RUN_MODULES | frozenset(sys.stdlib_module_names)


def path_parts(ref: str) -> tuple[str, ...]:
    pure = PurePosixPath(ref.replace("\\", "/"))
    return tuple(p for p in pure.parts if p not in ("", "."))


def common_depth(paths: list[tuple[str, ...]]) -> int:
    """Number of leading folders every path shares."""
    if not paths:
        return 0
    depth = 0
    shortest = min(len(p) for p in paths)
    while depth < shortest - 1 and len({p[depth] for p in paths}) == 1:
        depth += 1
    return depth


def package_paths(refs: list[str]) -> list[str]:
    """Where each code file sits inside the package's `code/` folder: its path without the
    leading folders every code file shares (`code/predict.py` -> `predict.py`)."""
    parts = [path_parts(ref) for ref in refs]
    depth = common_depth(parts)
    return ["/".join(p[depth:]) for p in parts]


def _why(rel: str, package: set[str]) -> str | None:
    """Why a code file at `rel` inside `code/` would run, or stand in for a module, when
    the contract test runs; None when it would not."""
    path = PurePosixPath(rel)
    top = len(path.parts) == 1
    if rel in GENERATED:
        return "which is the name of a file the package generates"
    if path.name == "conftest.py":
        return "which pytest loads before the contract test"
    if any(fnmatch.fnmatchcase(path.name, pattern) for pattern in TEST_FILES):
        return "which pytest collects and runs with the contract test"
    if top and path.name in PYTEST_CONFIG:
        return "which pytest reads as its configuration"
    if top and path.name == "__init__.py":
        return "which makes code/ a package that pytest imports"
    module = None
    if top and path.suffix == ".py":
        module = path.stem
    elif f"{path.parts[0]}/__init__.py" in package:
        module = path.parts[0]
    if module in SHADOWED:
        what = "Python's own" if module in sys.stdlib_module_names else "the test run's"
        return f"which Python would import instead of {what} '{module}' module"
    return None


def check_code_files(spec: BundleSpec, doc: YamlDoc) -> list[Problem]:
    code = spec.system_design.code
    out = Collector(doc)
    rels = package_paths([c.path for c in code])
    package = set(rels)
    for index, (item, rel) in enumerate(zip(code, rels, strict=True)):
        why = _why(rel, package)
        if why is not None:
            out.add(
                ("system_design", "code", index, "path"),
                f"'{item.path}' would be code/{rel} in the handoff, {why}",
                "rename the file, or leave it out of system_design.code",
            )
    return out.problems
