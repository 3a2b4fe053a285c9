"""The build key of a build with nothing to look up, computed while it renders.

`--force`, or a first build into an output folder, needs the key only to store the cache
entry at the end; computing it first (the YAML read again for the files it names, the
bundle hashed, and on a cold cache folder dsreport's installation hashed and the libraries'
versions read: 0.1-0.4 s) held up the load and the analysis. Instead it is computed in a
thread started once the facts are ready, while this process waits for the PDF's worker.

Read late, the key must still describe the bytes the build read. So the state of what it
covers (every file and folder of the bundle and of the template folders, and dsreport's
installation, by type, size, modification and change time and inode; the package metadata
on `sys.path`, by name) is taken before the load and again once the key is read, and the
entry is stored only if nothing changed. Writing a file sets its change time, which cannot
be set back, unless the write falls in the same tick of the file system's clock as the
change before it: a file changed less than `SETTLED_NS` before the build may change again
unseen, so such a build, a bundle of more than `MAX_ENTRIES` files, an output or cache
folder inside the bundle, or a `--since` build (the last review may be the output folder
it rewrites) takes its key before the load, as a build with an entry to look up does.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

SETTLED_NS = 2_000_000_000
"""How long ago a file's last change must be for stat to see the next one: FAT counts
times in 2 s steps, ext3 and HFS+ in 1 s, ext4, XFS and tmpfs in a few milliseconds."""
MAX_ENTRIES = 20_000
"""Files and folders past which taking the bundle's state twice may cost more than the key."""

Entry = tuple[Any, ...]
META = (".dist-info", ".egg-info")


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _entries(root: Path, prune: frozenset[str] = frozenset()) -> Iterator[Entry]:
    """`root` and everything under it, links not followed: a folder by its type, anything
    else by its type, size, times and inode (a missing path as its name alone)."""
    top = str(root)
    info = _lstat(top)
    if info is None or not os.path.isdir(top) or os.path.islink(top):  # noqa: PTH112, PTH114
        yield _entry(top, info)
        return
    yield (top, "folder")
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in prune)
        for name in (*dirs, *sorted(names)):
            path = os.path.join(folder, name)  # noqa: PTH118 - thousands of files, no Paths
            yield _entry(path, _lstat(path))


def _entry(path: str, info: os.stat_result | None) -> Entry:
    if info is None:
        return (path,)
    if os.path.isdir(path) and not os.path.islink(path):  # noqa: PTH112, PTH114
        return (path, "folder")
    return (path, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _metadata() -> list[Entry]:
    """The package metadata each folder on `sys.path` holds (its folder names carry the
    versions): installing, upgrading or removing a package changes it."""
    found: list[Entry] = []
    for place in sys.path:
        try:
            names = sorted(p.name for p in Path(place or ".").iterdir() if p.name.endswith(META))
        except OSError:
            names = []
        found.append((place, *names))
    return found


def state(roots: Sequence[Path], installation: Sequence[Path]) -> list[Entry] | None:
    """What a key covers, as `stat` sees it; None when a file changed too recently for
    stat to see its next change, or there are too many to take twice."""
    settled = time.time_ns() - SETTLED_NS
    found = []
    bytecode = frozenset({"__pycache__"})  # written by imports during the build
    places = [*((root, frozenset[str]()) for root in roots), *((r, bytecode) for r in installation)]
    for root, prune in places:
        for entry in _entries(root, prune):
            if len(entry) > 2 and max(entry[3], entry[4]) > settled:
                return None
            found.append(entry)
            if len(found) > MAX_ENTRIES:
                return None
    return [*_metadata(), *found]


class LateKey:
    """A key read while the build renders, kept only if nothing it covers changed since
    before the load. `usable` is False when that cannot be told (see the module)."""

    def __init__(
        self, compute: Callable[[], str], roots: Sequence[Path], installation: Sequence[Path]
    ) -> None:
        self._compute = compute
        self._roots, self._installation = tuple(roots), tuple(installation)
        self._before = state(self._roots, self._installation)
        self._thread: threading.Thread | None = None
        self._key: str | None = None
        self._error: Exception | None = None

    @property
    def usable(self) -> bool:
        return self._before is not None

    def start(self) -> None:
        """Read the key in a thread (called once the facts are ready)."""
        self._thread = threading.Thread(target=self._read, name="dsreport-key", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            key = self._compute()
            if state(self._roots, self._installation) == self._before:
                self._key = key
        except Exception as exc:  # raised again in the caller's thread by `result`
            self._error = exc

    def result(self) -> str | None:
        """The key, or None if something it covers changed during the build."""
        if self._thread is None:
            self._read()
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._key
