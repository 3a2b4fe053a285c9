"""The model part of the package: its files under `model/`, the MLmodel-style descriptor,
the pinned environment and the oldest Python the package's code runs on.

The model's bytes come from `Bundle.files` and are copied as they are: dsreport never
loads them. The minimum Python version is computed from the code files with vermin
(which parses, and never runs, them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import vermin

from dsreport import strictjson
from dsreport.bundle.sections import ContractField
from dsreport.load.artifacts import model_format, model_parts
from dsreport.load.codecheck import common_depth, path_parts
from dsreport.load.loaded import Bundle

IMPORTS = {
    "skops": ["skops"],
    "onnx": ["onnxruntime"],
    "safetensors": ["safetensors"],
    "joblib": ["joblib"],
    "pickle": [],
    "folder": [],
}
"""Modules each format's loader imports."""
LIBRARY_IMPORTS = {"sklearn": "sklearn", "xgboost": "xgboost", "lightgbm": "lightgbm"}
LIBRARY_OF_FORMAT = {"skops": "sklearn", "onnx": "onnx", "safetensors": "safetensors"}
TEST_REQUIREMENTS = ("pytest>=7", "jsonschema>=4.18")
"""What the contract test adds to the model's environment (jsonschema for the full check)."""
MLFLOW_TYPES = {
    "integer": "long",
    "number": "double",
    "string": "string",
    "category": "string",
    "boolean": "boolean",
    "datetime": "datetime",
}


@dataclass
class ModelPackage:
    files: dict[str, bytes] = field(default_factory=dict)
    """Path in the package -> bytes."""
    entries: list[dict[str, str]] = field(default_factory=list)
    """{path, sha256, format} of each declared model file, in the package."""
    library: str | None = None
    imports: list[str] = field(default_factory=list)

    @property
    def pickles(self) -> list[str]:
        return [e["path"] for e in self.entries if e["format"] in ("joblib", "pickle")]


def model_package(bundle: Bundle) -> ModelPackage:
    model = bundle.spec.system_design.model
    out = ModelPackage()
    if model is None:
        return out
    refs = [path_parts(m.path) for m in model.files]
    skip = common_depth(refs)
    for item, parts in zip(model.files, refs, strict=True):
        target = "model/" + "/".join(parts[skip:])
        for name, data in model_parts(bundle.files, item.path).items():
            inner = name[len(item.path.rstrip("/")) :].lstrip("/")
            out.files[f"{target}/{inner}" if inner else target] = data
        out.entries.append(
            {"path": target, "sha256": item.sha256, "format": model_format(item, bundle.files)}
        )
    first = out.entries[0]["format"]
    out.library = model.library or LIBRARY_OF_FORMAT.get(first)
    imports = list(IMPORTS[first])
    if first in ("skops", "joblib", "pickle") and out.library in LIBRARY_IMPORTS:
        imports.append(LIBRARY_IMPORTS[out.library])
    out.imports = imports
    return out


def requirements(bundle: Bundle) -> list[str]:
    return [*bundle.environment.requirements, *TEST_REQUIREMENTS]


def minimum_python(sources: dict[str, bytes]) -> tuple[tuple[int, int], list[str]]:
    """The oldest Python 3 that runs every file, and the files vermin could not parse."""
    config = vermin.Config()
    floor = (3, 0)
    skipped = []
    for name, data in sorted(sources.items()):
        try:
            visitor = vermin.visit(data.decode("utf-8"), config, name)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            skipped.append(name)
            continue
        found = visitor.minimum_versions()[1]
        if found is None:  # vermin: not Python 3 at all
            skipped.append(name)
            continue
        floor = max(floor, (int(found[0]), int(found[1])))
    return floor, skipped


def _colspec(f: ContractField) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": f.name, "required": f.required}
    if f.type == "array":
        spec["type"] = "array"
        spec["items"] = {"type": MLFLOW_TYPES.get(f.items or "string", "string")}
    else:
        spec["type"] = MLFLOW_TYPES[f.type]
    return spec


def signature(bundle: Bundle) -> dict[str, str]:
    """MLflow's model signature: column specs and parameters, each as a JSON string."""
    design = bundle.spec.system_design
    params = [
        {"name": s.name, "type": "double", "default": s.default, "shape": None}
        for s in design.settings
    ]
    out = {
        "inputs": strictjson.dumps([_colspec(f) for f in design.inputs]),
        "outputs": strictjson.dumps([_colspec(f) for f in design.outputs]),
    }
    if params:
        out["params"] = strictjson.dumps(params)
    return out


def array_shapes(bundle: Bundle) -> dict[str, list[int | None]]:
    """Each array input's shape: [items] when min_items equals max_items, else [-1]."""
    shapes: dict[str, list[int | None]] = {}
    for f in bundle.spec.system_design.inputs:
        c = f.constraints
        if f.type == "array":
            fixed = c.min_items is not None and c.min_items == c.max_items
            shapes[f.name] = [c.min_items if fixed else -1]
    return shapes
