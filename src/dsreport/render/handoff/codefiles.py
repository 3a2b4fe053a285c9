"""The bundle's code files, placed under `code/` byte for byte.

The bytes come from `Bundle.files`, read once by the loader, which refuses symbolic
links and special files; nothing here touches the bundle folder again. Paths lose the
folder all code files share (`code/predict.py` becomes `code/predict.py` in the
package, not `code/code/predict.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dsreport.errors import BuildError
from dsreport.load.codecheck import GENERATED, package_paths
from dsreport.load.loaded import Bundle


@dataclass
class CodeFiles:
    files: dict[str, bytes]
    """Path inside `code/` -> bytes."""
    roles: dict[str, str]
    """Path inside `code/` -> role (inference, features, training, other)."""
    entry_dir: str | None = None
    """Folder inside `code/` the entry point's module is imported from ('' for `code/`)."""
    entry_file: str | None = None


def code_files(bundle: Bundle) -> CodeFiles:
    design = bundle.spec.system_design
    refs = [(c.path, c.role) for c in design.code]
    out = CodeFiles(files={}, roles={})
    for (ref, role), rel in zip(refs, package_paths([r for r, _ in refs]), strict=True):
        if ref not in bundle.files:
            raise BuildError(f"code file '{ref}' was not loaded with the bundle")
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
