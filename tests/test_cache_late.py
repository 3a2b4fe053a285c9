"""A build with nothing to look up reads its cache key while it renders, and stores it only
if nothing the key covers changed since before the load."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dsreport.api import build
from dsreport.buildtool.cache import BuildCache
from test_cache import _flip_labels

Events = list[str]


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> Events:
    """The order in which builds load their bundle and read their key."""
    from dsreport import pipeline
    from dsreport.buildtool import cache

    seen: Events = []
    load, key = pipeline.load_bundle, cache.build_key

    def loading(*args: Any, **kwargs: Any) -> Any:
        seen.append("load")
        return load(*args, **kwargs)

    def keying(*args: Any, **kwargs: Any) -> str:
        seen.append("key")
        return key(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load_bundle", loading)
    monkeypatch.setattr(cache, "build_key", keying)
    return seen


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundles here were copied a moment ago: count their files as settled."""
    from dsreport.buildtool import latekey

    monkeypatch.setattr(latekey, "SETTLED_NS", 0)


@pytest.mark.usefixtures("settled")
def test_a_first_build_reads_its_key_after_the_load_and_the_next_one_hits(
    bundle: Callable[[str], Path], tmp_path: Path, events: Events
) -> None:
    root, out = bundle("good-binary"), tmp_path / "out"
    first = build(root, out, only=["facts"])
    assert (first.cached, events) == (False, ["load", "key"])
    second = build(root, out, only=["facts"])
    assert second.cached and events == ["load", "key", "key"]  # a lookup needs it first
    forced = build(root, out, only=["facts"], force=True)  # nothing to look up
    assert not forced.cached and events[3:] == ["load", "key"]
    assert build(root, out, only=["facts"]).cached


def _flip_keeping_times(table: Path) -> None:
    """The labels flipped, the file's size and modification time kept: only its change
    time (which cannot be set back) says it was written."""
    before = table.stat()
    time.sleep(0.02)  # past the file system's clock tick since the bundle was copied
    _flip_labels(table)
    os.utime(table, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert table.stat().st_size == before.st_size


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("keep_times", [False, True])
def test_a_bundle_changed_during_the_build_is_not_cached(
    bundle: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    keep_times: bool,
) -> None:
    """The load read one set of labels and the key, read later, would have described the
    other: stored, the next build would have said 'up to date' with the old call."""
    from dsreport import pipeline

    root, out = bundle("good-binary"), tmp_path / "out"
    table = root / "data" / "predictions.csv"
    load = pipeline.load_bundle

    def load_then_edit(*args: Any, **kwargs: Any) -> Any:
        loaded = load(*args, **kwargs)
        if keep_times:
            _flip_keeping_times(table)
        else:
            with table.open("a", encoding="utf-8") as handle:
                handle.write(table.read_text("utf-8").splitlines()[1] + "\n")
        return loaded

    with monkeypatch.context() as during:
        during.setattr(pipeline, "load_bundle", load_then_edit)
        first = build(root, out, only=["facts"])
    assert not first.cached and not BuildCache(out).holds(root)
    second = build(root, out, only=["facts"])
    assert not second.cached
    assert second.facts.metrics != first.facts.metrics
    assert build(root, out, only=["facts"]).cached


def test_a_bundle_written_a_moment_ago_reads_its_key_first(
    bundle: Callable[[str], Path], tmp_path: Path, events: Events
) -> None:
    """Its files may change again within the same tick of the clock, unseen by stat."""
    root, out = bundle("good-binary"), tmp_path / "out"
    assert not build(root, out, only=["facts"]).cached
    assert events == ["key", "load"]
    assert build(root, out, only=["facts"]).cached


@pytest.mark.usefixtures("settled")
def test_an_output_folder_inside_the_bundle_reads_its_key_first(
    bundle: Callable[[str], Path], events: Events
) -> None:
    """The build writes there: the bundle's state would change under the key."""
    root = bundle("good-binary")
    assert not build(root, root / "out", only=["facts"]).cached
    assert events == ["key", "load"]
    assert build(root, root / "out", only=["facts"]).cached


@pytest.mark.usefixtures("settled")
def test_the_state_sees_files_added_edited_and_packages_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from dsreport.buildtool.latekey import state

    root, site = tmp_path / "bundle", tmp_path / "site-packages"
    (root / "data").mkdir(parents=True)
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(site)])
    (root / "data" / "a.parquet").write_bytes(b"one")
    before = state([root], [])
    assert before is not None and state([root], []) == before
    (root / "data" / "b.parquet").write_bytes(b"two")  # a folder of tables gained a file
    assert state([root], []) != before
    (root / "data" / "b.parquet").unlink()
    assert state([root], []) == before
    (site / "numpy-9.0.dist-info").mkdir()
    assert state([root], []) != before
    (site / "numpy-9.0.dist-info").rmdir()
    time.sleep(0.02)
    (root / "data" / "a.parquet").write_bytes(b"two")  # same size
    assert state([root], []) != before


def test_a_file_changed_a_moment_ago_or_too_many_files_cannot_be_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dsreport.buildtool import latekey

    root = tmp_path / "bundle"
    root.mkdir()
    (root / "dsreport.yaml").write_text("project: {}\n", "utf-8")
    assert latekey.state([root], []) is None  # written a moment ago
    monkeypatch.setattr(latekey, "SETTLED_NS", 0)
    assert latekey.state([root], []) is not None
    monkeypatch.setattr(latekey, "MAX_ENTRIES", 1)
    assert latekey.state([root], []) is None
