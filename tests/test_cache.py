"""The build cache: an unchanged bundle is not rebuilt; any change, or --force, rebuilds."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport.api import build
from helpers import Run

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "disease-progression"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "bundle"
    shutil.copytree(EXAMPLE, target)
    return target


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_the_output_folder_holds_only_artifacts(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(copy, out, only=["facts"])
    assert build(copy, out, only=["facts"]).cached
    assert sorted(p.name for p in out.iterdir()) == [
        "disease-progression-facts.json",
        "disease-progression-summary.md",
    ]


def test_an_unchanged_bundle_is_not_rebuilt(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(copy, out, only=["facts", "engineer"])
    before = _outputs(out)
    second = build(copy, out, only=["facts", "engineer"])
    assert not first.cached and second.cached
    assert second.artifacts == first.artifacts
    assert second.facts == first.facts
    assert _outputs(out) == before


def test_a_prose_change_rebuilds(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(copy, out, only=["facts"])
    prose = next((copy / "prose").glob("*.md"))
    prose.write_text(prose.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    again = build(copy, out, only=["facts"])
    assert not again.cached
    assert "One more sentence." in (out / "disease-progression-facts.json").read_text("utf-8")


def test_an_edited_or_missing_output_is_rebuilt(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(copy, out, only=["facts"])
    summary = out / "disease-progression-summary.md"
    original = summary.read_bytes()
    summary.write_text("edited by hand\n", encoding="utf-8")
    assert not build(copy, out, only=["facts"]).cached
    assert summary.read_bytes() == original
    summary.unlink()
    assert not build(copy, out, only=["facts"]).cached
    assert summary.read_bytes() == original


def test_other_renderers_or_force_rebuild(
    copy: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    out = tmp_path / "out"
    assert cli("build", copy, "-o", out, "--only", "facts").exit_code == 0
    cached = cli("build", copy, "-o", out, "--only", "facts")
    assert cached.stdout.startswith("up to date: ")
    assert not build(copy, out, only=["engineer"]).cached
    forced = cli("build", copy, "-o", out, "--only", "facts", "--force")
    assert forced.stdout.startswith("wrote ")
