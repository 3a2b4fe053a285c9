"""Reuse the analysis when only prose changed.

Editing the problem statement or a design note should re-render the artifacts, not
recompute every metric, interval and bootstrap. The analysis reads numbers, tables,
identifiers and settings, never the prose, so its key is the bundle with every prose
field blanked: the typed spec (not the YAML bytes, whose inline prose may change),
every table and file except the prose files (a streamed table's files by their
`load.source.fingerprint`), the installed dsreport and the numeric
libraries, and SOURCE_DATE_EPOCH. On a hit the stored facts are dressed with what
does depend on the prose: the normalised bundle, its digest and the load warnings.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from dsreport import __version__
from dsreport.analyse.facts import Facts, ProblemFact
from dsreport.buildtool.cache import (
    cache_dir,
    installation_digest,
    library_versions,
    sealed,
    unsealed,
)
from dsreport.bundle.fields import ProseMarker
from dsreport.bundle.introspect import iter_marked
from dsreport.bundle.spec import BundleSpec
from dsreport.load.loaded import Bundle
from dsreport.load.specdoc import SPEC_FILE
from dsreport.load.streamed import StreamedTable

_NUMERIC = ("numpy", "pandas", "pyarrow")


def normalised(bundle: Bundle) -> dict[str, Any]:
    """dsreport.yaml with defaults filled and prose inlined: `Facts.bundle`."""
    dumped: dict[str, Any] = bundle.spec.model_dump(mode="json", by_alias=True)
    return dumped


def analysis_key(bundle: Bundle) -> str:
    spec = normalised(bundle)
    for loc, marker, _value, container in list(iter_marked(BundleSpec, spec)):
        if isinstance(marker, ProseMarker):
            container[loc[-1]] = ""
    digest = hashlib.sha256()
    parts = {
        "dsreport": __version__,
        "installation": installation_digest(),
        "libraries": library_versions(_NUMERIC),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        "spec": spec,
    }
    digest.update(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode())
    prose_files = set(bundle.prose_sources.values())
    for name in sorted(bundle.files):
        if name == SPEC_FILE or name in prose_files:
            continue
        digest.update(f"\0{name}\0{len(bundle.files[name])}\0".encode())
        digest.update(bundle.files[name])
    for name in sorted(bundle.fingerprints):  # a streamed table's files, never held
        digest.update(f"\0{name}\0{bundle.fingerprints[name]}\0".encode())
    return digest.hexdigest()


def dress(facts: Facts, bundle: Bundle) -> Facts:
    """Stored facts with this bundle's prose, digest and warnings (a streamed table's own
    warnings come from its pass over the rows, which a hit skips: they are kept)."""
    streamed = bundle.predictions if isinstance(bundle.predictions, StreamedTable) else None
    kept = [w for w in facts.warnings if streamed and w.file in {streamed.file, *streamed.sources}]
    return facts.model_copy(
        update={
            "bundle": normalised(bundle),
            "bundle_digest": bundle.digest,
            "warnings": [ProblemFact(**p.as_dict()) for p in bundle.warnings] + kept,
        }
    )


class AnalysisCache:
    """Facts by analysis key, one JSON file each, beside the build cache."""

    KEEP = 32
    """Newest entries kept; older ones are pruned when a new one is stored."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or cache_dir() / "analysis"

    def lookup(self, key: str, bundle: Bundle) -> tuple[Facts, bool] | None:
        """The stored facts dressed for `bundle`, if their entry is intact (its digest
        matches) and is this key's, and whether its prose differs from the bundle they were
        computed for (False for the very same bundle: a fresh clone of a bundle built
        before finds its analysis, but nothing changed)."""
        try:
            entry = unsealed(json.loads((self.folder / f"{key}.json").read_bytes()))
            if entry is None or entry.get("key") != key:
                return None
            facts = Facts.model_validate_json(entry["facts"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return dress(facts, bundle), facts.bundle_digest != bundle.digest

    def store(self, key: str, facts: Facts) -> None:
        target = self.folder / f"{key}.json"
        staged = target.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            entry = sealed({"key": key, "facts": facts.model_dump_json()})
            staged.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            staged.replace(target)
            entries = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
            for old in entries[: -self.KEEP]:
                old.unlink(missing_ok=True)
        except OSError:
            staged.unlink(missing_ok=True)  # a cache that cannot be written is no error
