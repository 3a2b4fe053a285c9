"""A content-hash cache: rebuilding an unchanged bundle renders nothing.

The key covers everything an output depends on: every byte the loader may read (the
bundle's dsreport.yaml and each file it names, found and read through the loader's own
checks, wherever it sits in the folder), the user's template folders, the installed
dsreport (its code, templates and assets) and the versions of the libraries it renders and
computes with, the renderers and formats asked for, the load limits and
SOURCE_DATE_EPOCH. A hit also requires every recorded output to be present with the bytes
it was written with, so an output edited or deleted by hand is rebuilt. `--force` skips
the lookup.

Every entry carries a digest of its content, checked when it is read: an entry edited by
hand or cut short is ignored and rebuilt. The digest is not a signature: whoever can write
to the cache folder (DSREPORT_CACHE_DIR) can write an entry dsreport will trust, so that
folder must be as private as the outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from dsreport import __version__
from dsreport.errors import Problem
from dsreport.load.paths import LoadOptions
from dsreport.result import BuildResult

_PACKAGE = Path(__file__).resolve().parents[1]


def _files(root: Path) -> Iterable[Path]:
    for folder, dirs, names in os.walk(root):  # symlinks are neither followed nor hashed
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")  # bytecode: per interpreter
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _hash_file(digest: Any, path: Path) -> None:
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)


def _tree_digest(root: Path) -> str:
    """Names and bytes of every file under `root` (the installation, a template folder)."""
    digest = hashlib.sha256()
    if root.is_dir():
        for path in _files(root):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            _hash_file(digest, path)
            digest.update(b"\0")
    return digest.hexdigest()


def bundle_digest(root: Path, options: LoadOptions | None) -> str:
    """Every byte the loader may read from the bundle: dsreport.yaml and each file it names,
    resolved as the loader resolves them, every file of a model folder included (a symbolic
    link, a special file or a file over its cap is hashed as the refusal the loader will
    give, never read). The predictions' files are keyed by `load.source.fingerprint`: a
    Parquet file over 64 MB by its footer and file status, not by its every byte."""
    from dsreport.bundle.fields import FileMarker, ProseMarker, is_prose_path
    from dsreport.bundle.introspect import iter_marked
    from dsreport.bundle.spec import BundleSpec
    from dsreport.load.paths import cap_of, read_checked, read_folder, resolve_inside
    from dsreport.load.source import table_key
    from dsreport.load.yamlsrc import parse_yaml

    limits = (options or LoadOptions()).limits
    digest = hashlib.sha256()
    spec = "dsreport.yaml"
    raw, problem = read_checked(root, spec, limits.yaml_bytes, file=spec, line=None, key="")
    if raw is None:
        digest.update(f"unreadable\0{problem.message if problem else ''}".encode())
        return digest.hexdigest()
    digest.update(raw)
    try:
        doc, _ = parse_yaml(raw.decode("utf-8-sig"), spec)
    except UnicodeDecodeError:
        doc = None
    data = doc.data if doc is not None else None
    for _, marker, value, _ in iter_marked(BundleSpec, data):
        if isinstance(marker, ProseMarker) and not is_prose_path(value):
            continue
        if isinstance(marker, FileMarker) and marker.many:
            digest.update(f"\0{value}\0{table_key(root, value, marker.kinds)}".encode())
            continue
        cap = cap_of(marker, limits)
        path, message, _ = resolve_inside(root, value, cap, folder_ok=True)
        digest.update(f"\0{value}\0".encode())
        if path is not None and path.is_dir():  # a model folder: every file in it
            parts, problem = read_folder(root, value, cap, file="", line=None, key="")
            message = problem.message if problem else None
            for rel, blob in (parts or {}).items():
                digest.update(f"{rel}\0{len(blob)}\0".encode() + blob)
        if message is not None:
            digest.update(f"refused\0{message}".encode())
        elif path is not None and not path.is_dir():
            _hash_file(digest, path)
    return digest.hexdigest()


LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "fonttools",
    "pillow",
    "python-pptx",
    "xlsxwriter",
    "matplotlib",
    "jinja2",
    "markdown",
    "nh3",
    "lxml",
    "pydantic",
    "pyyaml",
    "numpy",
    "pandas",
    "pyarrow",
    "vermin",
)
"""The libraries whose versions can change an output's bytes."""


@cache
def library_versions(names: Sequence[str] = LIBRARIES) -> dict[str, str]:
    """Python's version and each library's ("" when it is not installed)."""
    found = {"python": sys.version}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


@cache
def installation_digest() -> str:
    """The installed dsreport: a change to its code, templates or assets is a new key."""
    from dsreport.resources import assets_dir, templates_dir

    return "".join(_tree_digest(p) for p in (_PACKAGE, templates_dir(), assets_dir()))


def sealed(entry: dict[str, Any]) -> dict[str, Any]:
    """`entry` with a digest of its content, which `unsealed` checks."""
    body = {k: v for k, v in entry.items() if k != "digest"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return {**body, "digest": hashlib.sha256(text.encode()).hexdigest()}


def unsealed(entry: Any) -> dict[str, Any] | None:
    """`entry` without its digest if the digest matches its content; None otherwise."""
    if not isinstance(entry, dict) or sealed(entry).get("digest") != entry.get("digest"):
        return None
    return {k: v for k, v in entry.items() if k != "digest"}


def build_key(
    bundle: Path,
    out_dir: Path,
    only: Sequence[str] | None,
    formats: Sequence[str],
    template_dirs: Sequence[Path],
    options: LoadOptions | None,
) -> str:
    parts = {
        "dsreport": __version__,
        "installation": installation_digest(),
        "libraries": library_versions(),
        "bundle": bundle_digest(bundle, options),
        "templates": [_tree_digest(d) for d in template_dirs],
        "only": sorted(only or []),
        "formats": sorted(f.lower() for f in formats),
        "limits": repr((options or LoadOptions()).limits),
        "stream_rows": (options or LoadOptions()).stream_rows,
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(out: Path, artifacts: list[Path]) -> dict[str, str]:
    found = {}
    for artifact in artifacts:
        paths = list(_files(artifact)) if artifact.is_dir() else [artifact]
        for path in paths:
            found[path.relative_to(out).as_posix()] = _sha(path)
    return found


def cache_dir() -> Path:
    """DSREPORT_CACHE_DIR, else $XDG_CACHE_HOME/dsreport, else ~/.cache/dsreport: the output
    folder holds the artifacts and nothing else."""
    explicit = os.environ.get("DSREPORT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dsreport"


class BuildCache:
    def __init__(self, out_dir: Path) -> None:
        self.out = out_dir
        name = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:24]
        self.file = cache_dir() / f"{name}.json"

    def _entries(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def lookup(self, bundle: Path, key: str) -> BuildResult | None:
        start = time.perf_counter()
        entry = unsealed(self._entries().get(str(bundle.resolve())))
        if entry is None or entry.get("key") != key:
            return None
        files: dict[str, str] = entry.get("files", {})
        try:
            if any(_sha(self.out / name) != sha for name, sha in files.items()):
                return None
            from dsreport.analyse.facts import Facts

            facts = Facts.model_validate_json((self.out / entry["facts"]).read_bytes())
        except (OSError, ValueError, KeyError):
            return None
        return BuildResult(
            facts=facts,
            artifacts=[self.out / a for a in entry.get("artifacts", [])],
            warnings=[Problem(**w) for w in entry.get("warnings", [])],
            timings={"cache": time.perf_counter() - start},
            notes=entry.get("notes", []),
            cached=True,
        )

    def store(self, bundle: Path, key: str, result: BuildResult) -> None:
        entries = self._entries()
        entries[str(bundle.resolve())] = sealed(
            {
                "key": key,
                "facts": f"{result.facts.slug}-facts.json",
                "artifacts": [a.relative_to(self.out).as_posix() for a in result.artifacts],
                "files": _snapshot(self.out, result.artifacts),
                "warnings": [w.as_dict() for w in result.warnings],
                "notes": result.notes,
            }
        )
        staged = self.file.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
            staged.replace(self.file)
        except OSError:
            staged.unlink(missing_ok=True)  # a cache that cannot be written is no error
