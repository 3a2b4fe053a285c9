"""Model files and environment files: read as bytes, hashed and checked, never loaded.

dsreport never deserialises a model: a pickle or joblib file runs code when loaded, and
a bundle is untrusted. The bytes are hashed here and copied into the handoff package,
whose own loader checks the hash again before anything loads them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from dsreport.bundle.serving import MODEL_SUFFIXES, PICKLE_FORMATS, ModelFile
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector
from dsreport.load.yamlsrc import YamlDoc, parse_yaml


def model_parts(files: dict[str, bytes], path: str) -> dict[str, bytes]:
    """A model's bytes by bundle path: the file itself, or every file of the folder."""
    if path in files:
        return {path: files[path]}
    prefix = path.rstrip("/") + "/"
    return {name: data for name, data in files.items() if name.startswith(prefix)}


def listing(parts: dict[str, bytes], folder: str) -> str:
    """`sha256sum` lines of a folder's files, paths relative to it, sorted by path."""
    prefix = folder.rstrip("/") + "/"
    return "".join(
        f"{hashlib.sha256(parts[name]).hexdigest()}  {name[len(prefix) :]}\n"
        for name in sorted(parts)
    )


def model_digest(files: dict[str, bytes], path: str) -> str | None:
    """SHA-256 of a model file, or of a folder's listing; None when nothing was read."""
    parts = model_parts(files, path)
    if not parts:
        return None
    if path in files:
        return hashlib.sha256(files[path]).hexdigest()
    return hashlib.sha256(listing(parts, path).encode("utf-8")).hexdigest()


def model_format(model: ModelFile, files: dict[str, bytes]) -> str:
    if model.format is not None:
        return model.format
    if model.path not in files:
        return "folder"
    return MODEL_SUFFIXES.get(PurePosixPath(model.path).suffix.lower(), "folder")


@dataclass
class ResolvedEnvironment:
    """The model's Python version and pinned packages, from the bundle and its files."""

    python: str | None = None
    requirements: list[str] = field(default_factory=list)
    """One requirement per package, in the order first given."""


def _requirement_lines(text: str) -> list[tuple[int, str]]:
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


def _yaml_environment(
    name: str, data: bytes
) -> tuple[str | None, list[tuple[int | None, str]], list[Problem]]:
    doc, problems = parse_yaml(data.decode("utf-8", errors="replace"), name)
    if doc is None or not isinstance(doc.data, dict):
        return None, [], problems or [Problem("expected a mapping", file=name, line=1)]
    python: str | None = None
    packages: list[tuple[int | None, str]] = []
    if "python" in doc.data:  # python_env.yaml
        python = str(doc.data["python"])
    for dep in doc.data.get("dependencies") or []:
        if isinstance(dep, dict):  # conda.yaml: {pip: [...]}
            packages += [(None, str(p)) for p in dep.get("pip") or []]
        elif isinstance(dep, str) and dep.startswith("python="):
            python = dep.split("=", 1)[1].strip("=")
        elif isinstance(dep, str) and name.endswith(("python_env.yaml", "python_env.yml")):
            packages.append((None, dep))
    return python, packages, problems


def resolve_environment(
    spec: BundleSpec, files: dict[str, bytes], out: Collector
) -> ResolvedEnvironment:
    """Merge the declared environment with the files it names; report what does not fit."""
    model = spec.system_design.model
    env = ResolvedEnvironment()
    if model is None:
        return env
    declared = model.environment
    base = ("system_design", "model", "environment")
    env.python = declared.python
    found: list[tuple[tuple[Any, ...], str, str | None, int | None]] = [
        ((*base, "requirements", i), line, None, None)
        for i, line in enumerate(declared.requirements)
    ]
    for index, name in enumerate(declared.files):
        data = files.get(name)
        if data is None:
            continue
        loc = (*base, "files", index)
        if str(name).endswith(".txt"):
            found += [
                (loc, line, name, number)
                for number, line in _requirement_lines(data.decode("utf-8", errors="replace"))
            ]
            continue
        python, packages, problems = _yaml_environment(str(name), data)
        out.problems += problems
        found += [(loc, line, name, number) for number, line in packages]
        known = env.python or ""
        agree = not (python and known) or python.startswith(known) or known.startswith(python)
        if not agree:
            out.add(
                loc,
                f"{name} says Python {python}, the bundle says {env.python}",
                "state one version",
                warning=True,
            )
        env.python = env.python or python
    seen: set[str] = set()
    for loc, line, source, number in found:
        where = f"{source} line {number}: " if source else ""
        if line.startswith(("-r ", "-c ", "--")):
            continue  # a file reference or pip option, not a package
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            out.add(loc, f"{where}'{line}' is not a requirement", "write name==version")
            continue
        key = requirement.name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        env.requirements.append(str(requirement))
        specs = list(requirement.specifier)
        pinned = len(specs) == 1 and specs[0].operator in ("==", "===")
        pinned = pinned and "*" not in specs[0].version
        if not pinned:
            out.add(
                loc,
                f"{where}'{line}' is not pinned to one version",
                "write name==version, the version the model was evaluated with",
                warning=True,
            )
    return env


def check_model(
    spec: BundleSpec, doc: YamlDoc, files: dict[str, bytes]
) -> tuple[list[Problem], ResolvedEnvironment]:
    """Hashes against the declared ones, formats, and the environment, resolved."""
    model = spec.system_design.model
    out = Collector(doc)
    if model is None:
        return out.problems, ResolvedEnvironment()
    base = ("system_design", "model")
    for index, item in enumerate(model.files):
        loc = (*base, "files", index)
        digest = model_digest(files, item.path)
        if digest is None:
            continue  # the read already said why
        kind = model_format(item, files)
        if kind == "folder" and item.path in files:
            out.add((*loc, "format"), f"'{item.path}' is a file, not a folder")
        if digest != item.sha256:
            out.add(
                (*loc, "sha256"),
                f"'{item.path}' has SHA-256 {digest}, not the declared {item.sha256}",
                "if the model changed on purpose, declare the new hash; otherwise restore "
                "the file the evaluation used",
            )
        if kind in PICKLE_FORMATS:
            out.add(
                (*loc, "path"),
                f"'{item.path}' is a {kind} file: loading it runs code stored in it",
                "prefer skops or ONNX; the handoff's loader refuses it unless the caller "
                "passes allow_pickle=True",
                warning=True,
            )
    if spec.system_design.entry_point is None:
        out.add(
            base,
            "model files are given but no entry_point: the contract test cannot run the model",
            "set system_design.entry_point to module:function",
            warning=True,
        )
    environment = resolve_environment(spec, files, out)
    return out.problems, environment
