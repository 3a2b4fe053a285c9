"""dsreport.yaml on its own: found, read, parsed and validated before any file it names.

The loader starts here; so does what needs only the bundle's declarations, such as the
statistics table's SQL, which is written before the table it describes exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import BundleError, Problem
from dsreport.load.checks import check_spec
from dsreport.load.messages import dotted, validation_problems
from dsreport.load.openitems import fold, take_open_items
from dsreport.load.paths import Limits, LoadOptions, read_checked
from dsreport.load.yamlsrc import YamlDoc, parse_yaml

SPEC_FILE = "dsreport.yaml"


@dataclass
class SpecDocument:
    """The bundle's folder, dsreport.yaml's bytes and its parsed mapping."""

    root: Path
    raw: bytes
    doc: YamlDoc


def locate_spec(path: Path) -> tuple[Path, Problem | None]:
    """The bundle folder: `path` itself, or the folder of a dsreport.yaml given by name."""
    if path.name == SPEC_FILE and not path.is_dir():
        path = path.parent
    if not path.exists():
        return path, Problem(f"bundle folder {path} does not exist", file=str(path))
    if not path.is_dir():
        return path, Problem(
            f"{path} is not a folder",
            file=str(path),
            hint="give the folder that holds dsreport.yaml",
        )
    return path, None


def read_document(path: Path, limits: Limits) -> tuple[SpecDocument | None, list[Problem]]:
    """dsreport.yaml read and parsed, or the problems that stop it (nothing else is read)."""
    root, problem = locate_spec(path)
    if problem:
        return None, [problem]
    raw, problem = read_checked(
        root, SPEC_FILE, limits.yaml_bytes, file=SPEC_FILE, line=None, key="", adjustable=False
    )
    if problem:
        hint = (
            "run `dsreport init` to start a bundle"
            if "does not exist" in problem.message
            else problem.hint
        )
        return None, [Problem(problem.message, file=SPEC_FILE, hint=hint)]
    assert raw is not None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                "the file is not UTF-8 text",
                file=SPEC_FILE,
                line=line,
                hint="save dsreport.yaml as UTF-8",
            )
        ]
    doc, problems = parse_yaml(text, SPEC_FILE)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        message = "the top level must be a mapping of keys to values"
        return None, [Problem(message, file=SPEC_FILE, line=1)]
    return SpecDocument(root, raw, doc), problems


def read_spec(
    path: str | Path, needed: tuple[str, ...], options: LoadOptions | None = None
) -> BundleSpec:
    """The bundle's declarations, validated as a build validates them, without reading any
    file they name; raise `BundleError` with every problem. An open item (a TODO) stops it
    only at a key in `needed` (dotted, such as "ladder"), inside one, or around one (a whole
    section left to write)."""
    found, problems = read_document(Path(path), (options or LoadOptions()).limits)
    if found is None:
        raise BundleError(problems)
    doc = found.doc
    items = take_open_items(doc)
    blocking = [i for i in items if any(_related(dotted(i.loc), key) for key in needed)]
    try:
        spec = BundleSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise BundleError(fold(validation_problems(exc, doc, BundleSpec), items, doc)) from None
    problems += check_spec(spec, doc)
    errors = [p for p in fold(problems, blocking, doc) if p.severity == "error"]
    if errors:
        raise BundleError(errors)
    return spec


def _related(key: str, needed: str) -> bool:
    """Whether `key` is `needed`, inside it, or holds it."""
    inner, outer = (key, needed) if len(key) >= len(needed) else (needed, key)
    return inner == outer or inner.startswith((outer + ".", outer + "["))
