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


# --- what the cache may trust ---------------------------------------------------------------


def _flip_labels(table: Path) -> None:
    """Every label of a binary predictions table swapped: the recommendation changes."""
    lines = table.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    label = header.index("label")
    rows = []
    for line in lines[1:]:
        cells = line.split(",")
        cells[label] = {"0": "1", "1": "0"}.get(cells[label], cells[label])
        rows.append(",".join(cells))
    table.write_text("\n".join([lines[0], *rows]) + "\n", "utf-8")


@pytest.mark.parametrize("folder", [".dsreport-x", "__pycache__"])
def test_a_file_the_loader_reads_is_in_the_key_wherever_it_sits(
    bundle: Callable[[str], Path], tmp_path: Path, folder: str
) -> None:
    """The key skipped `.dsreport-*` and `__pycache__` folders, which the loader reads from
    when the bundle names a file there: a changed table gave 'up to date' and the old call."""
    from helpers import edit_yaml

    root = bundle("good-binary")
    (root / folder).mkdir()
    (root / "data" / "predictions.csv").rename(root / folder / "predictions.csv")
    edit_yaml(root, "path: data/predictions.csv", f"path: {folder}/predictions.csv")
    out = tmp_path / "out"
    first = build(root, out, only=["facts"])
    _flip_labels(root / folder / "predictions.csv")
    second = build(root, out, only=["facts"])
    assert not second.cached
    assert second.facts.metrics != first.facts.metrics


def test_an_unread_file_is_not_in_the_key(bundle: Callable[[str], Path], tmp_path: Path) -> None:
    """Files the bundle does not name are neither read nor hashed (a large unrelated file
    costs nothing)."""
    root = bundle("good-binary")
    out = tmp_path / "out"
    build(root, out, only=["facts"])
    (root / "notes.txt").write_text("not part of the bundle\n", "utf-8")
    assert build(root, out, only=["facts"]).cached


def test_a_tampered_analysis_entry_is_ignored(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    """An analysis cache entry edited by hand made a fresh output folder say what the edit
    said. Entries carry a digest of their content, checked on read."""
    import json
    import os

    root = bundle("good-binary")
    first = build(root, tmp_path / "a", only=["facts"])
    entries = list((Path(os.environ["DSREPORT_CACHE_DIR"]) / "analysis").glob("*.json"))
    assert len(entries) == 1
    text = entries[0].read_text("utf-8")
    label = first.facts.recommendation.label if first.facts.recommendation else ""
    assert label and json.dumps(label)[1:-1] in text
    entries[0].write_text(text.replace(json.dumps(label)[1:-1], "Ship"), "utf-8")
    second = build(root, tmp_path / "b", only=["facts"])
    assert not second.analysis_reused
    assert second.facts.recommendation == first.facts.recommendation
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "b")


def test_a_tampered_build_entry_is_ignored(copy: Path, tmp_path: Path) -> None:
    import json
    import os

    out = tmp_path / "out"
    build(copy, out, only=["facts"])
    cache = next(Path(os.environ["DSREPORT_CACHE_DIR"]).glob("*.json"))
    data = json.loads(cache.read_text("utf-8"))
    entry = next(iter(data.values()))
    entry["notes"] = ["a note nobody wrote"]
    cache.write_text(json.dumps(data), "utf-8")
    again = build(copy, out, only=["facts"])
    assert not again.cached and again.notes == []


def test_the_key_covers_the_rendering_libraries(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dsreport.buildtool import cache

    key = cache.build_key(copy, tmp_path / "out", None, (), (), None)
    real = cache.library_versions()
    for name in ("weasyprint", "python-pptx", "matplotlib", "jinja2"):
        assert name in real
        changed = {**real, name: "0.0.1"}
        monkeypatch.setattr(cache, "library_versions", lambda changed=changed: changed)
        assert cache.build_key(copy, tmp_path / "out", None, (), (), None) != key


def test_every_file_of_a_model_folder_is_in_the_key(tmp_path: Path) -> None:
    """A model may be a folder the loader reads whole: a file changed inside it is a new key
    (hashing the folder's path alone would have kept the old one)."""
    from dsreport.buildtool.cache import bundle_digest
    from helpers import edit_yaml

    root = tmp_path / "digits"
    shutil.copytree(EXAMPLE.parent / "digit-routing", root)
    (root / "model" / "weights").mkdir()
    (root / "model" / "weights" / "part-1.bin").write_bytes(b"one")
    edit_yaml(root, "path: model/digit-routing.skops", "path: model/weights")
    first = bundle_digest(root, None)
    assert bundle_digest(root, None) == first
    (root / "model" / "weights" / "part-1.bin").write_bytes(b"two")
    assert bundle_digest(root, None) != first


def test_a_file_newly_named_by_the_yaml_is_in_the_key(
    bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    """The files dsreport.yaml names are kept by the yaml's bytes: naming another file
    refreshes them, so a later change to that file is a new key."""
    from helpers import edit_yaml

    root = bundle("good-binary")
    out = tmp_path / "out"
    build(root, out, only=["facts"])
    shutil.copy(root / "data" / "predictions.csv", root / "data" / "other.csv")
    edit_yaml(root, "path: data/predictions.csv", "path: data/other.csv")
    first = build(root, out, only=["facts"])
    assert not first.cached
    assert build(root, out, only=["facts"]).cached
    _flip_labels(root / "data" / "other.csv")
    second = build(root, out, only=["facts"])
    assert not second.cached
    assert second.facts.metrics != first.facts.metrics


def test_the_installation_digest_is_kept_by_the_state_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read again only when a file's name, size, times or inode changed: a file rewritten
    with the same size and its old modification time has a new change time."""
    import os
    import time

    from dsreport import resources
    from dsreport.buildtool import cache

    package = tmp_path / "package"
    package.mkdir()
    code = package / "code.py"
    code.write_text("one = 1\n", "utf-8")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    monkeypatch.setattr(resources, "templates_dir", lambda: tmp_path / "none")
    monkeypatch.setattr(resources, "assets_dir", lambda: tmp_path / "none")
    digest = cache.installation_digest.__wrapped__
    first = digest()
    with monkeypatch.context() as unread:
        unread.setattr(cache, "_tree_digest", lambda root: pytest.fail(f"read {root}"))
        assert digest() == first
    when = code.stat().st_mtime_ns
    time.sleep(0.05)  # past the file system's clock tick
    code.write_text("one = 2\n", "utf-8")
    os.utime(code, ns=(when, when))
    assert digest() != first
    assert digest() == cache._tree_digest(package) + 2 * cache._tree_digest(tmp_path / "none")


def test_library_versions_are_read_again_when_a_package_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from dsreport.buildtool import cache

    reads: list[tuple[str, ...]] = []

    def versions(names: tuple[str, ...]) -> dict[str, str]:
        reads.append(names)
        return {"python": sys.version, **dict.fromkeys(names, "1.0")}

    import os

    site = tmp_path / "site-packages"
    site.mkdir()
    os.utime(site, (1e9, 1e9))  # installed long ago
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    monkeypatch.setattr(cache, "_versions", versions)
    library_versions = cache.library_versions.__wrapped__
    assert library_versions(("numpy",)) == {"python": sys.version, "numpy": "1.0"}
    assert library_versions(("numpy",))["numpy"] == "1.0"
    assert reads == [("numpy",)]
    (site / "numpy-9.0.dist-info").mkdir()
    library_versions(("numpy",))
    assert reads == [("numpy",), ("numpy",)]


def test_a_build_with_nothing_to_look_up_starts_its_pdf_worker_first(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No entry for the bundle in this output folder (or --force): the worker's imports
    need not wait for the key. With an entry, the key is read first: a hit needs no worker."""
    from dsreport import api
    from dsreport.buildtool import cache

    seen: list[str] = []
    key, worker = cache.build_key, api._pdf_worker
    monkeypatch.setattr(cache, "build_key", lambda *a: seen.append("key") or key(*a))
    monkeypatch.setattr(api, "_pdf_worker", lambda *a: seen.append("worker") or worker(*a))
    out = tmp_path / "out"
    build(copy, out, only=["facts"])
    assert seen[0] == "worker"
    seen.clear()
    assert build(copy, out, only=["facts"]).cached and seen == ["key"]
    seen.clear()
    build(copy, out, only=["facts"], force=True)
    assert seen[0] == "worker"
