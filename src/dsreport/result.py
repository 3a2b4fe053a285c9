"""What a build returns; kept light so that a cache hit imports neither pandas nor the facts'
models: its facts are read from the recorded facts.json when asked for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsreport.errors import Problem

if TYPE_CHECKING:
    from dsreport.analyse.facts import Facts

WARNING = "warning: "
"""A renderer note that starts so is a warning: text shortened to fit, a font substituted.
It goes to standard error and into the build report's warnings."""


def note_warnings(notes: list[str]) -> list[dict[str, object]]:
    """The warnings among renderer notes, shaped like a bundle problem's `as_dict`."""
    return [
        {
            "severity": "warning",
            "file": None,
            "line": None,
            "key": None,
            "message": note.removeprefix(WARNING),
            "hint": None,
        }
        for note in notes
        if note.startswith(WARNING)
    ]


@dataclass
class BuildResult:
    facts_or_file: Facts | Path
    """The facts, or (a cache hit) the facts.json they are read from on first use."""
    artifacts: list[Path]
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cached: bool = False
    """True when nothing changed since the last build and nothing was rendered."""
    analysis_reused: bool = False
    """True when only prose changed: the stored analysis was reused, the rest re-rendered."""
    outcome: dict[str, Any] | None = None
    """A cache hit's `outcome(facts)`, recorded by the build that wrote the facts: the
    build report then reads neither the facts nor their models (a fifth of a second)."""

    @property
    def facts(self) -> Facts:
        if isinstance(self.facts_or_file, Path):
            from dsreport.analyse.facts import Facts

            self.facts_or_file = Facts.model_validate_json(self.facts_or_file.read_bytes())
        return self.facts_or_file

    def report(self) -> dict[str, Any]:
        """The build report `dsreport build --json` prints: every file written, with its size
        and SHA-256, the time of each stage, the recommendation and the findings."""
        files = []
        for artifact in self.artifacts:
            paths = (
                sorted(p for p in artifact.rglob("*") if p.is_file())
                if artifact.is_dir()
                else [artifact]
            )
            for path in paths:
                data = path.read_bytes()
                files.append(
                    {
                        "path": str(path),
                        "bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(),
                    }
                )
        said = self.outcome if self.outcome is not None else outcome(self.facts)
        return {
            "slug": said["slug"],
            "cached": self.cached,
            "analysis_reused": self.analysis_reused,
            "artifacts": files,
            "timings_s": {k: round(v, 4) for k, v in self.timings.items()},
            "recommendation": said["recommendation"],
            "findings": said["findings"],
            "warnings": [w.as_dict() for w in self.warnings] + note_warnings(self.notes),
            "notes": self.notes,
        }


def outcome(facts: Facts) -> dict[str, Any]:
    """What the build report says of the facts: the slug, the recommendation, the findings."""
    rec = facts.recommendation
    return {
        "slug": facts.slug,
        "recommendation": rec.model_dump() if rec else None,
        "findings": [f.model_dump() for f in facts.findings],
    }
