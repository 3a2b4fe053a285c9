"""Read a bundle folder into a typed `Bundle`, collecting every problem before failing once."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dsreport.bundle.fields import ProseMarker, clean_text, is_prose_path
from dsreport.bundle.introspect import iter_marked
from dsreport.bundle.serving import MODEL_SUFFIXES
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import BundleError, Problem, sort_problems
from dsreport.load.artifacts import check_model
from dsreport.load.checks import Collector, check_spec
from dsreport.load.codecheck import check_code_files
from dsreport.load.deckcheck import check_deck_template
from dsreport.load.exampletext import example_text_problems
from dsreport.load.golden import read_golden
from dsreport.load.loaded import Bundle, slugify
from dsreport.load.messages import dotted, validation_problems
from dsreport.load.namechecks import check_names_and_comparisons
from dsreport.load.openitems import OpenItem, fold, take_open_items
from dsreport.load.paths import Limits, LoadOptions, cap_of, read_checked, read_folder
from dsreport.load.pmchecks import check_pm
from dsreport.load.predictionchecks import check_predictions
from dsreport.load.prosecheck import check_prose
from dsreport.load.readsource import Named, Reading, categorical, missing_values, read_source
from dsreport.load.servingchecks import check_serving
from dsreport.load.source import fingerprint, is_source
from dsreport.load.specdoc import SPEC_FILE, read_document
from dsreport.load.statistics import is_statistics, statistics_problems
from dsreport.load.streamed import StreamedTable
from dsreport.load.svgcheck import svg_problems
from dsreport.load.synonyms import adopt_review_synonyms, undeclared_probabilities
from dsreport.load.tablechecks import check_reviewed
from dsreport.load.tables import Table, read_table
from dsreport.load.yamlsrc import YamlDoc


def load_bundle(path: str | Path, options: LoadOptions | None = None) -> Bundle:
    """Load and validate; raise `BundleError` with every problem if any is an error."""
    bundle, problems = _load(Path(path), options or LoadOptions())
    if bundle is None or any(p.severity == "error" for p in problems):
        raise BundleError(problems)
    bundle.warnings = sort_problems([p for p in problems if p.severity == "warning"])
    if isinstance(bundle.predictions, StreamedTable):
        bundle.predictions.warnings = bundle.warnings  # its first pass adds its own
    return bundle


def collect_problems(path: str | Path, options: LoadOptions | None = None) -> list[Problem]:
    """Every problem with the bundle, errors and warnings, without raising (a streamed
    table's cells are read once here, as no analysis follows)."""
    bundle, problems = _load(Path(path), options or LoadOptions())
    if bundle is not None and isinstance(bundle.predictions, StreamedTable):
        problems += bundle.predictions.check()
    return sort_problems(problems)


def _load(path: Path, options: LoadOptions) -> tuple[Bundle | None, list[Problem]]:
    open_items: list[OpenItem] = []
    bundle, problems, doc = _read(path, options, open_items)
    return bundle, problems if doc is None else fold(problems, open_items, doc)


def _read(
    path: Path, options: LoadOptions, open_items: list[OpenItem]
) -> tuple[Bundle | None, list[Problem], YamlDoc | None]:
    """The bundle and its problems; `open_items` receives the values still to write."""
    document, problems = read_document(path, options.limits)
    if document is None:
        return None, problems, None
    root, raw, doc = document.root, document.raw, document.doc
    limits = options.limits
    files: dict[str, bytes] = {SPEC_FILE: raw}
    text_inputs = _text_inputs(doc.data)
    prose_sources: dict[str, str] = {}
    tables: dict[str, Table | StreamedTable] = {}
    stream = options.stream_rows if _rows_may_stream(doc.data) else None
    reading = Reading(root, limits, files, tables, text_inputs, stream)
    for loc, marker, value, container in list(iter_marked(BundleSpec, doc.data)):
        line, key = doc.line(loc), dotted(loc)
        if isinstance(marker, ProseMarker):
            if not is_prose_path(value):
                continue
            data, problem = read_checked(
                root,
                value,
                cap_of(marker, limits),
                file=SPEC_FILE,
                line=line,
                key=key,
                adjustable=False,
            )
            if data is not None:
                try:
                    container[loc[-1]] = clean_text(data.decode("utf-8-sig"))
                    prose_sources[key] = value
                    files[value] = data
                except UnicodeDecodeError as exc:
                    problem = Problem(
                        "the file is not UTF-8 text",
                        file=value,
                        line=data[: exc.start].count(b"\n") + 1,
                        hint="save it as UTF-8",
                    )
            if problem:
                problems.append(problem)
        else:
            section = container if marker.what == "table" else {}
            problems += _read_file(reading, Named(marker, value, line, key, section))
    problems += check_prose(doc.data, doc, prose_sources)
    open_items += take_open_items(doc)
    try:
        spec = BundleSpec.model_validate(doc.data)
    except ValidationError as exc:
        return None, problems + validation_problems(exc, doc, BundleSpec), doc
    problems += check_spec(spec, doc)
    problems += check_code_files(spec, doc)
    problems += check_names_and_comparisons(spec, doc)
    problems += check_serving(spec, doc)
    problems += check_deck_template(spec, doc, files)
    problems += check_pm(spec, doc)
    problems += example_text_problems(doc, spec.project.slug or slugify(spec.project.name), files)
    model_problems, environment = check_model(spec, doc, files)
    problems += model_problems
    predictions = _table(spec.interrogation.predictions, tables)
    found = _table(spec.interrogation.reviewed_examples, tables)
    reviewed = found if isinstance(found, Table) else None  # one file, never streamed
    if reviewed is not None:
        problems += adopt_review_synonyms(reviewed)
    rows = predictions
    if isinstance(predictions, Table) and is_statistics(spec):  # no rows: its own checks
        problems += statistics_problems(spec, predictions)
        rows = None
    if rows is not None:
        problems += undeclared_probabilities(spec, rows)
    table_checks = Collector(doc)
    if rows is not None:
        problems += check_predictions(spec, rows, table_checks)
    if reviewed is not None:
        problems += check_reviewed(spec, reviewed)
    problems += table_checks.problems
    golden, golden_problems = read_golden(spec, files, rows)
    problems += golden_problems
    if open_items or any(p.severity == "error" for p in problems):
        return None, problems, doc
    try:
        fingerprints = {
            f.name: fingerprint(f)
            for table in tables.values()
            for f in (table.files if isinstance(table, StreamedTable) else table.unheld)
        }
    except OSError as exc:  # a file changed or vanished since it was opened
        return None, [*problems, Problem(f"a predictions file cannot be read: {exc}")], doc
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{len(files[name])}\0".encode())
        digest.update(files[name])
    for name in sorted(fingerprints):
        digest.update(f"{name}\0{fingerprints[name]}\0".encode())
    bundle = Bundle(
        root=root,
        spec=spec,
        doc=doc,
        predictions=predictions,
        reviewed=reviewed,
        files=files,
        prose_sources=prose_sources,
        digest=digest.hexdigest(),
        golden=golden,
        environment=environment,
        fingerprints=fingerprints,
    )
    return bundle, problems, doc


STREAMED_TASKS = {"binary", "multiclass", "regression"}
"""Tasks whose analysis reads its predictions in one pass of batches (`analyse.reduce`)."""


def _rows_may_stream(data: dict[str, Any]) -> bool:
    """A predictions table of rows of a task in STREAMED_TASKS (a statistics table is
    never streamed)."""
    project, interrogation = data.get("project"), data.get("interrogation")
    section = interrogation.get("predictions") if isinstance(interrogation, dict) else None
    task = project.get("task") if isinstance(project, dict) else None
    return (
        isinstance(task, str)
        and task in STREAMED_TASKS
        and not (isinstance(section, dict) and section.get("format") == "statistics")
    )


def _table(section: Any, tables: dict[str, Table | StreamedTable]) -> Table | StreamedTable | None:
    return tables.get(section.path) if section is not None else None


def _read_file(reading: Reading, named: Named) -> list[Problem]:
    marker, value, line, key = named.marker, named.value, named.line, named.key
    root, limits, files, tables = reading.root, reading.limits, reading.files, reading.tables
    if marker.what == "model file":
        return _read_model(root, value, line, key, limits, files)
    if marker.many and value not in tables and is_source(root, value):
        return read_source(reading, named)
    suffix = Path(value).suffix.lower()
    if suffix not in {k.lower() for k in marker.kinds}:
        return [
            Problem(
                f"'{value}' is not {'an' if marker.what[0] in 'aeiou' else 'a'} {marker.what} "
                f"({', '.join(marker.kinds)})",
                file=SPEC_FILE,
                line=line,
                key=key,
            )
        ]
    if marker.many and suffix == ".parquet" and value not in tables:
        return read_source(reading, named)  # may be streamed: not read here
    data, problem = read_checked(
        root, value, cap_of(marker, limits), file=SPEC_FILE, line=line, key=key
    )
    if data is None:
        return [problem] if problem else []
    files[value] = data
    if suffix == ".svg":
        return svg_problems(data, value, line=line, key=key)
    if marker.what == "table" and value not in tables:
        table, table_problems = read_table(
            data,
            value,
            missing=missing_values(named.section),
            categorical=categorical(named.section, reading.text_inputs),
        )
        if table is None:
            return table_problems
        tables[value] = table
    return []


def _text_inputs(data: dict[str, Any]) -> list[str]:
    """Input fields whose prediction columns are read as text (categories keep "01")."""
    design = data.get("system_design")
    inputs = design.get("inputs") if isinstance(design, dict) else None
    if not isinstance(inputs, list):
        return []
    return [
        str(f.get("name"))
        for f in inputs
        if isinstance(f, dict) and f.get("type") in ("category", "string", "boolean", "datetime")
    ]


def _read_model(
    root: Path,
    value: str,
    line: int | None,
    key: str,
    limits: Limits,
    files: dict[str, bytes],
) -> list[Problem]:
    """A model file, or every file of a model folder, as bytes; never loaded."""
    parts, problem = read_folder(root, value, limits.file_bytes, file=SPEC_FILE, line=line, key=key)
    if parts is None:
        return [problem] if problem else []
    if list(parts) == [""]:
        suffix = Path(value).suffix.lower()
        if suffix not in MODEL_SUFFIXES:
            return [
                Problem(
                    f"'{value}' is not a model file ({', '.join(MODEL_SUFFIXES)}) or a folder",
                    file=SPEC_FILE,
                    line=line,
                    key=key,
                )
            ]
        files[value] = parts[""]
    else:
        folder = value.rstrip("/")
        files.update({f"{folder}/{rel}": data for rel, data in parts.items()})
    return []
