"""The loaded bundle, in a module of its own: the PDF's worker receives one without importing
the loader (and with it pandas), so its imports end before the analysis does."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dsreport.bundle.spec import BundleSpec
from dsreport.load.artifacts import ResolvedEnvironment

if TYPE_CHECKING:
    from dsreport.errors import Problem
    from dsreport.load.golden import GoldenRow
    from dsreport.load.streamed import StreamedTable
    from dsreport.load.tables import Table
    from dsreport.load.yamlsrc import YamlDoc


@dataclass
class Bundle:
    """A loaded, validated bundle: the spec with prose inlined, its tables and files."""

    root: Path
    spec: BundleSpec
    doc: YamlDoc
    predictions: Table | StreamedTable | None = None
    """In memory, or streamed (a large Parquet table of a task in STREAMED_TASKS:
    `load.streamed`)."""
    reviewed: Table | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    prose_sources: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    digest: str = ""
    golden: list[GoldenRow] = field(default_factory=list)
    """The golden set's rows, read and checked against the contract."""
    environment: ResolvedEnvironment = field(default_factory=ResolvedEnvironment)
    """The model's Python version and pinned packages."""
    fingerprints: dict[str, str] = field(default_factory=dict)
    """Files read where they lie rather than held in `files` (a streamed table's, a large
    Parquet file's), by path: what keys them in the digest and the caches
    (`source.fingerprint`)."""

    @property
    def slug(self) -> str:
        return self.spec.project.slug or slugify(self.spec.project.name)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64].strip("-")
    return slug or "report"
