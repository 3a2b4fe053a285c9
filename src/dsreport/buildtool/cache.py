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

So that an unchanged bundle is found in a tenth of a second, the folder also keeps (in
`keys/`) what the key is made of and changes rarely, each under what it depends on: the
files dsreport.yaml names (under its bytes), the installation's digest (under its files'
sizes and times) and the libraries' versions (under the state of `sys.path`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

from dsreport import __version__
from dsreport.errors import Problem
from dsreport.load.paths import Limits, LoadOptions
from dsreport.result import BuildResult, outcome

_PACKAGE = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def _stats(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Each regular file under `root` with its `lstat`, in a stable order."""
    for folder, dirs, names in os.walk(root):  # symlinks are neither followed nor hashed
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")  # bytecode: per interpreter
        for name in sorted(names):
            path = os.path.join(folder, name)  # noqa: PTH118 - thousands of files, no Paths
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode):
                    yield path, info


def _files(root: Path) -> Iterator[Path]:
    return (Path(path) for path, _ in _stats(root))


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
    from dsreport.load.paths import read_checked, read_folder, resolve_inside
    from dsreport.load.source import table_key

    limits = (options or LoadOptions()).limits
    digest = hashlib.sha256()
    spec = "dsreport.yaml"
    raw, problem = read_checked(root, spec, limits.yaml_bytes, file=spec, line=None, key="")
    if raw is None:
        digest.update(f"unreadable\0{problem.message if problem else ''}".encode())
        return digest.hexdigest()
    digest.update(raw)
    for value, cap, kinds in named_files(root, raw, limits):
        if kinds:  # a table that may be a folder or a glob (predictions)
            digest.update(f"\0{value}\0{table_key(root, value, tuple(kinds))}".encode())
            continue
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


def named_files(root: Path, raw: bytes, limits: Limits) -> list[tuple[str, int, list[str]]]:
    """Each file `raw` (dsreport.yaml's bytes) names, with its size cap and, for a table
    that may be a folder or a glob, its suffixes (else none).

    They depend on nothing but those bytes, the caps and dsreport's code, so they are kept
    in the cache folder under a digest of the three: an unchanged bundle is looked up
    without parsing its YAML or importing the bundle's models."""
    key = "\0".join((installation_digest(), repr(limits), raw.hex()))
    found = _memo(f"named-{_short(str(root.resolve()))}", key, lambda: _named_files(raw, limits))
    return [(str(value), int(cap), list(kinds)) for value, cap, kinds in found]


def _named_files(raw: bytes, limits: Limits) -> list[list[Any]]:
    from dsreport.bundle.fields import FileMarker, ProseMarker, is_prose_path
    from dsreport.bundle.introspect import iter_marked
    from dsreport.bundle.spec import BundleSpec
    from dsreport.load.paths import cap_of
    from dsreport.load.yamlsrc import parse_yaml

    try:
        # kept for the load, which parses the same text next (this only reads it)
        doc, _ = parse_yaml(raw.decode("utf-8-sig"), "dsreport.yaml", keep=True)
    except UnicodeDecodeError:
        doc = None
    data = doc.data if doc is not None else None
    return [
        [
            value,
            cap_of(marker, limits),
            list(marker.kinds) if isinstance(marker, FileMarker) and marker.many else [],
        ]
        for _, marker, value, _ in iter_marked(BundleSpec, data)
        if not (isinstance(marker, ProseMarker) and not is_prose_path(value))
    ]


def _write_json(path: Path, data: Any) -> None:
    """Write `path` whole (staged, then renamed); a cache that cannot be written is no error.
    Keys keep their order: a recorded build report reads back as it was printed."""
    staged = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staged.write_text(json.dumps(data, indent=1), encoding="utf-8")
        staged.replace(path)
    except OSError:
        staged.unlink(missing_ok=True)


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
    """Python's version and each library's ("" when it is not installed).

    Kept in the cache folder under the state of every folder on `sys.path` (installing,
    upgrading or removing a package adds or removes its metadata folder, which changes
    the folder's times): a lookup then reads no package metadata."""
    places = []
    for place in sys.path:
        with contextlib.suppress(OSError):
            info = Path(place or ".").stat()
            places.append((place, info.st_ino, info.st_mtime_ns, info.st_ctime_ns))
    which = json.dumps([sys.executable, list(names)])
    key = json.dumps([which, sys.version, places])
    return _memo(f"libraries-{_short(which)}", key, lambda: _versions(names))


def _versions(names: Sequence[str]) -> dict[str, str]:
    from importlib import metadata

    found = {"python": sys.version}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


@cache
def installation_digest() -> str:
    """The installed dsreport: a change to its code, templates or assets is a new key.

    Kept in the cache folder under every file's name, size, times and inode: a lookup
    then reads no file of the installation (writing a file changes its change time, which
    cannot be set back)."""
    from dsreport.resources import assets_dir, templates_dir

    roots = (_PACKAGE, templates_dir(), assets_dir())
    listing = []
    for root in roots:
        for path, info in _stats(root):
            listing.append(
                f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}"
            )
    return _memo(
        f"installation-{_short(str(_PACKAGE))}",
        "\n".join(listing),
        lambda: "".join(_tree_digest(p) for p in roots),
    )


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _memo(name: str, key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache folder as keys/`name`.json under (a digest of) `key`."""
    memo = cache_dir() / "keys" / f"{name}.json"
    digest = hashlib.sha256(key.encode()).hexdigest()
    try:
        kept = unsealed(json.loads(memo.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        kept = None
    if kept is not None and kept.get("key") == digest:
        value: T = kept["value"]
        return value
    value = compute()
    _write_json(memo, sealed({"key": digest, "value": value}))
    return value


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

    @cached_property
    def _recorded(self) -> dict[str, Any]:
        return self._entries()

    def holds(self, bundle: Path) -> bool:
        """Whether an entry is recorded for `bundle` (the entries are read once, for both)."""
        return unsealed(self._recorded.get(str(bundle.resolve()))) is not None

    def lookup(self, bundle: Path, key: str) -> BuildResult | None:
        start = time.perf_counter()
        entry = unsealed(self._recorded.get(str(bundle.resolve())))
        if entry is None or entry.get("key") != key:
            return None
        files: dict[str, str] = entry.get("files", {})
        if entry.get("facts") not in files:
            return None  # the facts are read when asked for: they must be among the checked
        try:
            if any(_sha(self.out / name) != sha for name, sha in files.items()):
                return None
        except OSError:
            return None
        return BuildResult(
            facts_or_file=self.out / entry["facts"],
            artifacts=[self.out / a for a in entry.get("artifacts", [])],
            warnings=[Problem(**w) for w in entry.get("warnings", [])],
            timings={"cache": time.perf_counter() - start},
            notes=entry.get("notes", []),
            cached=True,
            outcome=entry.get("outcome"),
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
                "outcome": outcome(result.facts),
            }
        )
        _write_json(self.file, entries)
