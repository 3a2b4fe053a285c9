"""Watch a bundle and rebuild when one of its files changes.

A failed build is reported and watching goes on: the fix is usually one save away,
and the previous outputs stay in place meanwhile (every build is atomic). Changes are
debounced, so an editor's save-rename-touch counts once, and the output folder's own
writes never trigger a rebuild.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dsreport.result import BuildResult


def _filter(out_dir: Path) -> Callable[[Any, str], bool]:
    from watchfiles import DefaultFilter

    ignored = [out_dir.resolve()]
    default = DefaultFilter()

    def keep(change: Any, path: str) -> bool:
        resolved = Path(path).resolve()
        if any(resolved == p or p in resolved.parents for p in ignored):
            return False
        if any(part.startswith(".dsreport-") for part in resolved.parts):
            return False
        return bool(default(change, path))

    return keep


def watch(
    bundle: str | Path,
    out_dir: str | Path,
    *,
    on_result: Callable[[BuildResult], None],
    on_error: Callable[[BaseException], None],
    on_start: Callable[[list[str]], None] | None = None,
    stop: threading.Event | None = None,
    debounce_ms: int = 300,
    **build_options: Any,
) -> None:
    """Build now, then after every change, until `stop` is set (or Ctrl-C).

    `on_start` hears the changed paths (relative to the bundle) before each rebuild;
    `build_options` are those of `dsreport.build`.
    """
    from watchfiles import watch as changes

    from dsreport.api import build

    root, out = Path(bundle), Path(out_dir)
    folders = [root, *build_options.get("template_dirs", ())]

    def once(changed: list[str]) -> None:
        if on_start is not None:
            on_start(changed)
        try:
            result = build(root, out, **build_options)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # reported, and watching goes on
            on_error(exc)
        else:
            on_result(result)

    once([])
    for batch in changes(
        *folders,
        watch_filter=_filter(out),
        debounce=debounce_ms,
        stop_event=stop,
        raise_interrupt=True,
    ):
        once(sorted({_relative(root, path) for _, path in batch}))


def _relative(root: Path, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path
