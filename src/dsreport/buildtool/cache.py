"""A content-hash cache: rebuilding an unchanged bundle renders nothing.

The key covers everything an output depends on: every file in the bundle folder, the
user's template folders, the installed dsreport (its code, templates and assets), the
renderers and formats asked for, the load limits and SOURCE_DATE_EPOCH. A hit also
requires every recorded output to be present with the bytes it was written with, so
an output edited or deleted by hand is rebuilt. `--force` skips the lookup.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from dsreport import __version__
from dsreport.errors import Problem
from dsreport.load.paths import LoadOptions
from dsreport.result import BuildResult

_PACKAGE = Path(__file__).resolve().parents[1]


def _files(root: Path, skip: Path | None = None) -> Iterable[Path]:
    for folder, dirs, names in os.walk(root):  # symlinks are neither followed nor hashed
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".dsreport-")
            and d != "__pycache__"  # bytecode differs by interpreter, not by content
            and (skip is None or Path(folder, d) != skip)
        )
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _tree_digest(root: Path, skip: Path | None = None) -> str:
    """Names and bytes of every file under `root`, except the folder `skip` (the output
    folder, when it sits inside the bundle)."""
    digest = hashlib.sha256()
    if root.is_dir():
        for path in _files(root, skip):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            digest.update(b"\0")
    return digest.hexdigest()


@cache
def installation_digest() -> str:
    """The installed dsreport: a change to its code, templates or assets is a new key."""
    from dsreport.resources import assets_dir, templates_dir

    return "".join(_tree_digest(p) for p in (_PACKAGE, templates_dir(), assets_dir()))


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
        "bundle": _tree_digest(bundle, _inside(out_dir, bundle)),
        "templates": [_tree_digest(d) for d in template_dirs],
        "only": sorted(only or []),
        "formats": sorted(f.lower() for f in formats),
        "limits": repr((options or LoadOptions()).limits),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _inside(out_dir: Path, bundle: Path) -> Path | None:
    """`out_dir` as a path under `bundle` (as os.walk spells it), if it is one."""
    try:
        return bundle / out_dir.resolve().relative_to(bundle.resolve())
    except (ValueError, OSError):
        return None


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
        entry = self._entries().get(str(bundle.resolve()))
        if not isinstance(entry, dict) or entry.get("key") != key:
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
        entries[str(bundle.resolve())] = {
            "key": key,
            "facts": f"{result.facts.slug}-facts.json",
            "artifacts": [a.relative_to(self.out).as_posix() for a in result.artifacts],
            "files": _snapshot(self.out, result.artifacts),
            "warnings": [w.as_dict() for w in result.warnings],
            "notes": result.notes,
        }
        staged = self.file.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
            staged.replace(self.file)
        except OSError:
            staged.unlink(missing_ok=True)  # a cache that cannot be written is no error
