"""The bundle's code files, placed under `code/` byte for byte.

The bytes come from `Bundle.files`, read once by the loader, which refuses symbolic
links and special files; nothing here touches the bundle folder again. Paths lose the
folder all code files share (`code/predict.py` becomes `code/predict.py` in the
package, not `code/code/predict.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from dsreport.errors import BuildError
from dsreport.load.loader import Bundle

GENERATED = (
    "test_contract.py",
    "handoff_contract.py",
    "handoff_model.py",
    "serve.py",
    "batch.py",
    "monitor.py",
)
"""Files the package generates inside `code/`; a bundle file may not take their names."""


@dataclass
class CodeFiles:
    files: dict[str, bytes]
    """Path inside `code/` -> bytes."""
    roles: dict[str, str]
    """Path inside `code/` -> role (inference, features, training, other)."""
    entry_dir: str | None = None
    """Folder inside `code/` the entry point's module is imported from ('' for `code/`)."""
    entry_file: str | None = None


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


def code_files(bundle: Bundle) -> CodeFiles:
    design = bundle.spec.system_design
    refs = [(c.path, c.role) for c in design.code]
    parts = [path_parts(ref) for ref, _ in refs]
    skip = common_depth(parts)
    out = CodeFiles(files={}, roles={})
    for (ref, role), split in zip(refs, parts, strict=True):
        if ref not in bundle.files:
            raise BuildError(f"code file '{ref}' was not loaded with the bundle")
        rel = "/".join(split[skip:])
        if rel in GENERATED:
            raise BuildError(
                f"code file '{ref}' would replace the generated code/{rel}",
                hint="rename the file in the bundle",
            )
        out.files[rel] = bundle.files[ref]
        out.roles[rel] = role
    if design.entry_point:
        module = design.entry_point.split(":", 1)[0].replace(".", "/")
        found = sorted(
            (rel for rel in out.files if rel.endswith((f"{module}.py", f"{module}/__init__.py"))),
            key=lambda rel: (rel.count("/"), rel),
        )
        for rel in found:
            suffix = f"{module}/__init__.py" if rel.endswith("__init__.py") else f"{module}.py"
            folder = rel[: -len(suffix)]
            if folder == "" or folder.endswith("/"):
                out.entry_dir, out.entry_file = folder.rstrip("/"), rel
                break
        if out.entry_dir is None:
            raise BuildError(
                f"system_design.entry_point '{design.entry_point}' names a module that is not "
                "among system_design.code",
                hint="list the module's file under system_design.code",
            )
    return out
