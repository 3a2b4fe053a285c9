"""Build several bundles at once, each into `OUT/<slug>/`, side by side.

One bundle's failure is reported with its own problems and does not stop the others;
each build is atomic on its own, as a single build is.
"""

from __future__ import annotations

import glob
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dsreport.buildtool import stop
from dsreport.buildtool.progress import SILENT, Progress
from dsreport.errors import DsreportError, UsageError
from dsreport.result import BuildResult


@dataclass
class BatchItem:
    """One bundle's outcome: a result, or the error that stopped it."""

    bundle: Path
    out_dir: Path
    result: BuildResult | None = None
    error: DsreportError | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def expand(patterns: Sequence[str | Path]) -> list[Path]:
    """Bundle folders from paths and globs (`bundles/*`), in order, without repeats."""
    found: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        # a user pattern may be absolute or relative, which Path.glob cannot take whole
        matches = sorted(glob.glob(text)) if glob.has_magic(text) else [text]  # noqa: PTH207
        if not matches:
            raise UsageError(f"no bundle matches '{text}'", hint="check the path or the glob")
        for match in matches:
            path = Path(match)
            if path.name == "dsreport.yaml":
                path = path.parent
            if glob.has_magic(text) and not (path / "dsreport.yaml").is_file():
                continue  # a glob also matches folders that are not bundles
            if path not in found:
                found.append(path)
    if not found:
        raise UsageError("no bundle folder found", hint="each bundle holds a dsreport.yaml")
    return found


def slug_of(bundle: Path) -> str:
    """The slug a build of `bundle` will use, read cheaply from dsreport.yaml through the
    loader's own checks (no symbolic link, device or FIFO, the size capped); the folder's
    name when the file cannot be read (the build then reports why)."""
    from dsreport.load.loaded import slugify
    from dsreport.load.paths import Limits
    from dsreport.load.specdoc import read_document

    found, _ = read_document(bundle, Limits())
    project = found.doc.data.get("project") if found is not None else None
    if isinstance(project, dict):
        for key in ("slug", "name"):
            if isinstance(project.get(key), str) and project[key].strip():
                return slugify(project[key])
    return slugify(bundle.resolve().name)


def plan(bundles: Sequence[Path], out_root: Path) -> list[BatchItem]:
    """Where each bundle goes; two bundles with one slug would overwrite each other."""
    items: list[BatchItem] = []
    seen: dict[str, Path] = {}
    for bundle in bundles:
        slug = slug_of(bundle)
        if slug in seen:
            raise UsageError(
                f"{seen[slug]} and {bundle} would both be written to {out_root / slug}",
                hint="give one of them another project.slug",
            )
        seen[slug] = bundle
        items.append(BatchItem(bundle=bundle, out_dir=out_root / slug))
    return items


def _build_one(bundle: Path, out_dir: Path, options: dict[str, Any]) -> BuildResult:
    from dsreport.api import build

    return build(bundle, out_dir, **options)


def build_many(
    bundles: Sequence[Path],
    out_root: str | Path,
    *,
    jobs: int | None = None,
    progress: Progress = SILENT,
    **options: Any,
) -> list[BatchItem]:
    """Build each bundle into `out_root/<slug>/`, up to `jobs` at a time; `options` are
    those of `dsreport.build` (only, formats, template_dirs, options, force)."""
    from dsreport.buildtool.worker import Call, default_jobs

    items = plan(bundles, Path(out_root))
    workers = max(1, min(jobs or default_jobs(), len(items)))
    calls: list[Call] = []

    def run(item: BatchItem) -> BatchItem:
        label = str(item.bundle)
        progress.begin(label)
        start = time.perf_counter()
        try:
            if workers == 1:
                item.result = _build_one(item.bundle, item.out_dir, {**options, "jobs": jobs})
            else:  # one process each, one core each: the builds are the parallelism
                stop.check()  # no new build once a stop is asked for
                call = Call(
                    "dsreport.buildtool.batch:_build_one",
                    item.bundle,
                    item.out_dir,
                    {**options, "jobs": 1},
                )
                calls.append(call)
                try:
                    item.result = call.result()
                finally:
                    call.stop()
        except DsreportError as exc:
            item.error = exc
        item.seconds = time.perf_counter() - start
        detail = "failed" if item.error else f"-> {item.out_dir}"
        progress.end(label, item.seconds, detail)
        return item

    if workers == 1:
        return [run(item) for item in items]
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(run, item) for item in items]
        return [future.result() for future in futures]
    except BaseException:
        for call in calls:  # stopped too: each build undoes its own swap if it is in one
            call.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
