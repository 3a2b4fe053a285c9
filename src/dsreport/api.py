"""The library API: everything the CLI does, callable from Python."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsreport import strictjson
from dsreport.buildtool.progress import SILENT, Progress
from dsreport.errors import Problem
from dsreport.importers import example as _examples
from dsreport.load.paths import LoadOptions
from dsreport.result import BuildResult

if TYPE_CHECKING:
    from dsreport.analyse.facts import Facts
    from dsreport.buildtool.worker import Worker
    from dsreport.importers.predictions import Started
    from dsreport.load.loaded import Bundle

TASK_EXAMPLES = _examples.TASK_EXAMPLES


def load_bundle(path: str | Path, options: LoadOptions | None = None) -> Bundle:
    """Load and validate a bundle; raise `BundleError` listing every problem."""
    from dsreport.load.loader import load_bundle as _load_bundle

    return _load_bundle(path, options)


load = load_bundle


def validate(path: str | Path, options: LoadOptions | None = None) -> list[Problem]:
    """Every problem with a bundle (errors and warnings); an empty list means clean."""
    from dsreport.load.loader import collect_problems

    return collect_problems(path, options)


def build(
    bundle: str | Path,
    out_dir: str | Path,
    *,
    only: Sequence[str] | None = None,
    formats: Sequence[str] = (),
    template_dirs: Sequence[Path] = (),
    options: LoadOptions | None = None,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    since: str | Path | None = None,
) -> BuildResult:
    """Load, analyse and render a bundle into `out_dir`, atomically.

    `since` is the last review (its PDF, facts.json or output folder): every artifact
    then says what changed since, and whether it matters.

    Unless `force`, an unchanged bundle (same files, templates, options and dsreport)
    whose outputs are intact is not rebuilt (the result says `cached`), and a bundle
    whose prose alone changed is re-rendered without re-running the analysis
    (`analysis_reused`). `jobs` caps the processes used; `progress` hears of each stage.
    """
    from dsreport.buildtool.cache import BuildCache, build_key
    from dsreport.buildtool.gcpause import fewer_collections
    from dsreport.buildtool.staging import check_output_folder, recover

    root = Path(bundle)
    if root.name == "dsreport.yaml" and root.is_file():
        root = root.parent  # the key covers the whole folder, however it was named
    check_output_folder(Path(out_dir), root)  # before anything reads or writes there
    recover(Path(out_dir))  # a build cut short in its commit is undone first
    cache = BuildCache(Path(out_dir))
    lookup = not force and cache.holds(root)
    # a build that will render (nothing to look up) starts its PDF worker first, so that
    # the worker's imports overlap with this process's own imports, loading and analysis
    spare = None if lookup else _pdf_worker(only, jobs)
    try:
        with fewer_collections():  # the start-up's imports: objects that all live on
            key = build_key(root, Path(out_dir), only, formats, template_dirs, options)
            if since is not None:  # the outputs depend on the last review too
                digest = since_digest(Path(since), options)
                key = hashlib.sha256(f"{key}:{digest}".encode()).hexdigest()
            if lookup and (hit := cache.lookup(root, key)) is not None:
                return hit
            spare = spare or _pdf_worker(only, jobs)
            from dsreport.buildtool import stop
            from dsreport.pipeline import build as _build

        with stop.recorded():
            result = _build(
                bundle,
                out_dir,
                only=only,
                formats=formats,
                template_dirs=template_dirs,
                options=options,
                force=force,
                jobs=jobs,
                progress=progress or SILENT,
                since=since,
                spare=spare,
            )
    finally:
        if spare is not None:
            spare.stop()
    cache.store(root, key, result)
    return result


def _pdf_worker(only: Sequence[str] | None, jobs: int | None) -> Worker | None:
    """A worker importing what the PDF needs, when the build may render it beside the rest."""
    from dsreport.buildtool.worker import Worker, default_jobs

    if (jobs or default_jobs()) < 2 or (only and "ds" not in only):
        return None
    try:
        return Worker(warm="dsreport.render.run:warm_up")
    except OSError:  # no interpreter to start (an embedded Python)
        return None


def since_digest(path: Path, options: LoadOptions | None = None) -> str:
    """The bytes a `since` build depends on: the file, or a folder's facts files, read
    with the same checks as the build reads them (a regular file, capped; no link)."""
    from dsreport.load.previous import FACTS_SUFFIX, PreviousError, read_capped

    limit = (options or LoadOptions()).limits.file_bytes
    digest = hashlib.sha256()
    if path.is_dir():
        files = sorted(p for p in path.glob(f"*{FACTS_SUFFIX}") if not p.is_symlink())
    else:
        files = [path]
    for file in files:
        try:
            digest.update(file.name.encode() + b"\0" + read_capped(file, limit))
        except PreviousError:
            digest.update(b"unreadable")  # the build itself says what is wrong with it
    return digest.hexdigest()


def diff(previous: str | Path, bundle: str | Path, options: LoadOptions | None = None) -> Facts:
    """What changed from the last review (`previous`: its PDF, facts.json or output folder)
    to `bundle`: the facts, with `since` holding the comparison."""
    from dsreport.analyse.engine import analyse
    from dsreport.analyse.since.compose import with_since
    from dsreport.load.previous import read_previous

    loaded = load_bundle(bundle, options)
    before = read_previous(previous, options, loaded.slug)
    return with_since(analyse(loaded), before)


def facts_schema() -> dict[str, Any]:
    """The JSON Schema of facts.json (what `--since` validates the last review against)."""
    from dsreport.analyse.facts import Facts

    schema: dict[str, Any] = Facts.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dsreport facts (facts.json)"
    return schema


def check(path: str | Path, options: LoadOptions | None = None) -> Facts:
    """Load and analyse a bundle: the facts hold the findings and the recommendation."""
    from dsreport.analyse.engine import analyse

    return analyse(load_bundle(path, options))


SQL_READS = (
    "project.task",
    "ladder",
    "interrogation.predictions",
    "interrogation.threshold",
    "interrogation.positive_label",
    "interrogation.classes",
    "interrogation.top_k",
    "interrogation.seed",
    "ecosystem.outcome.gate",
    "system_design.settings",
)
"""The keys of dsreport.yaml the statistics table's SQL is written from: an open item at
one of them, inside one or around one stops it."""


def statistics_sql(
    bundle: str | Path,
    *,
    dialect: str = "duckdb",
    binning: str = "grid",
    table: str = "predictions",
    position: str | None = None,
    options: LoadOptions | None = None,
) -> str:
    """One SQL statement that reduces the bundle's predictions table where it lives to the
    statistics table a bundle names with `format: statistics`, written from dsreport.yaml
    alone (its columns, rungs and threshold): no other file is read, so the table need not
    exist here. `binning`: "grid", or "exact" for at most 50,000 distinct scores."""
    from dsreport.analyse.reduce.sql import DIALECTS, one_statement
    from dsreport.analyse.reduce.sql import statistics_sql as queries
    from dsreport.errors import UsageError
    from dsreport.load.specdoc import read_spec

    if dialect not in DIALECTS:
        raise UsageError(f"unknown SQL dialect '{dialect}'", hint="use " + ", ".join(DIALECTS))
    if binning not in ("grid", "exact"):
        raise UsageError(f"unknown binning '{binning}'", hint="use grid or exact")
    spec = read_spec(bundle, SQL_READS, options)
    if spec.interrogation.predictions is None:
        raise UsageError(
            "the bundle declares no predictions table (interrogation.predictions)",
            hint="declare its columns (label_column, split_column, slice_columns) and each "
            "rung's score_column",
        )
    if not any(rung.score_column for rung in spec.ladder.rungs):
        raise UsageError(
            "no rung of the ladder names its score_column: the statistics table is made from "
            "the rungs' scores",
            hint="give each rung with scores in the predictions table its score_column",
        )
    found = queries(spec, dialect, binning, table, position)
    return one_statement(found, spec.project.task, dialect, binning)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of dsreport.yaml, for editors and CI validation."""
    from dsreport.bundle.spec import BundleSpec

    schema: dict[str, Any] = _as_loaded(BundleSpec.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dsreport bundle (dsreport.yaml)"
    return schema


_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def _bound_numbers(node: Any, bounds: dict[str, Any]) -> None:
    if isinstance(node, list):
        for item in node:
            _bound_numbers(item, bounds)
    elif isinstance(node, dict):
        if node.get("type") == "number":
            node.update(bounds)
        for key in ("anyOf", "oneOf", "allOf"):
            if key in node:
                _bound_numbers(node[key], bounds)


_PERCENT = {"type": "string", "pattern": r"^\s*-?[0-9_.]+\s*%\s*$"}


def _as_loaded(node: Any) -> Any:
    """Make the schema accept what the loader accepts: numbers and true/false where text is
    expected (`version: 1.10` is kept as "1.10"), and "83%" where a number is expected."""
    if isinstance(node, list):
        return [_as_loaded(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _as_loaded(value) for key, value in node.items()}
    # pydantic leaves a bound it cannot place (the number may arrive as "83%") as a raw
    # `ge`/`gt`/`le`/`lt`, which JSON Schema does not know: put it on the number branch
    bounds = {_BOUNDS[k]: out.pop(k) for k in list(out) if k in _BOUNDS}
    if bounds:
        _bound_numbers(out, bounds)
    if (
        out.get("type") == "string"
        and "enum" not in out
        and "const" not in out
        and "format" not in out
    ):
        out["type"] = ["string", "number", "boolean"]
    elif out.get("type") == "number":
        bounds = {
            k: out.pop(k)
            for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
            if k in out
        }
        number = {"type": "number", **bounds}
        rest = {k: v for k, v in out.items() if k != "type"}
        out = {**rest, "anyOf": [number, _PERCENT]}
    return out


def json_schema_text() -> str:
    return strictjson.dumps(json_schema(), indent=2) + "\n"


def init_bundle(directory: str | Path, task: str = "binary") -> Path:
    """Write the complete, commented example bundle for `task` into `directory`, named
    after the folder (project name and slug)."""
    from dsreport.importers.example import init_from_example

    return init_from_example(directory, task)


def init_from_predictions(
    directory: str | Path,
    predictions: str | Path,
    *,
    task: str | None = None,
    chosen: str | None = None,
) -> Started:
    """Write a bundle in `directory` around a predictions table: the task and the columns
    are inferred; what only a person can write is left open (`dsreport validate` lists it)."""
    from dsreport.importers.predictions import init_from_predictions as _init

    return _init(directory, predictions, task=task, chosen=chosen)


def import_mlflow(
    runs: Sequence[str],
    into: str | Path,
    *,
    rungs: dict[str, str] | None = None,
    chosen: str | None = None,
    uri: str | None = None,
    task: str | None = None,
    table: str | None = None,
) -> Started:
    """Write a bundle in `into` from MLflow runs (simplest first): one rung per run, its
    metrics, the chosen run's signature, input example and environment, and the runs'
    evaluation or predictions tables. Needs `dsreport[mlflow]`; docs/import.md."""
    from dsreport.importers.mlflowimport import import_mlflow as _import

    return _import(list(runs), into, rungs=rungs, chosen=chosen, uri=uri, task=task, table=table)
