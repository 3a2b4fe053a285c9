"""Reference docs generated from the models, so the docs cannot drift from the format.

`docs/bundle.md` documents dsreport.yaml; `docs/facts.md` documents facts.json; the
thresholds table in the hand-written `docs/analysis.md` comes from `CheckThresholds`.
A test fails when either is stale; `python -m dsreport.docgen` rewrites them.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from dsreport.bundle.fields import FileMarker, ProseMarker

BUNDLE_INTRO = """\
# The bundle format: `dsreport.yaml`

A bundle is one folder: a `dsreport.yaml` and the files it names (Markdown
prose, CSV or Parquet tables, images, code). Every path is relative to the
folder and must stay inside it; symbolic links and special files are refused.
Prose fields take inline Markdown, or a path to a `.md` file in the bundle.

`dsreport schema` prints the JSON Schema of this file; point your editor at it
with a first line `# yaml-language-server: $schema=dsreport.schema.json`.
`dsreport init DIR --task binary|multiclass|regression` writes a complete,
commented bundle to start from, named after its folder; text and files still
as the example wrote them are `validate` warnings until rewritten.
`dsreport init DIR --from-predictions FILE` and `dsreport import mlflow RUN...
--into DIR` start from your own predictions table or MLflow runs instead:
[import.md](import.md) says what each fills in, field by field.

A value that starts with `TODO` is an **open item**: a part only a person can
write. `validate` lists each as an error with the question it answers (the
importers write the question after `TODO:`), and nothing is built until every
one is answered.

Reviewed-examples columns are also read under a plain other name when their
own is absent (`expected` for `expected_output`, `output` or `prediction` for
`model_output`, `category` for `error_category`, `notes` or `comment` for
`note`), with a warning; a predictions column the table lacks is suggested
from the columns it has (`target` or `y` for `label`), never guessed.

This page is generated from the models in `src/dsreport/bundle/`
(`python -m dsreport.docgen`); do not edit it by hand.

## Tables

**Predictions** (`interrogation.predictions.path`): one row per evaluated
example: the id column, the label column, optional split and slice columns,
and one column per rung named by the rung's `score_column` (binary: the score
of the positive class, in [0, 1]; multiclass: the predicted label, with
optional per-class probabilities in `<proba_prefix><class>` columns, each row
summing to 1; regression: the predicted value). Cells are read as text:
identifiers keep leading zeros and nothing is missing unless listed in
`missing_values`. Only rows whose split is `test` are the test split; every
value of the split column must be declared in `system_design.data.splits` (an
undeclared value is an error, so no row is left out unnoticed).

**Reviewed examples** (`interrogation.reviewed_examples.path`): columns
`id, input, model_output, expected_output, verdict, error_category, severity,
note`; `verdict` is one of `correct`, `incorrect`, `partial` (these judge the
output), `ambiguous` (the reviewer could not tell) or `not_applicable` (the
case is outside what the model is asked to do), in any case; `verdict_map`
maps your own words onto these. The error rate counts judged cases only.
`severity` is one of `none`, `low`, `medium`, `high`, `critical` (or empty for
correct rows).

## Units

Latency is in milliseconds per request (`latency_ms`, `budget_ms`,
`measured_ms`), or as measured: `latency: {value: 1.2, unit: s, batch_size:
256}` (units `us`, `ms`, `s`, `min`, `h`), read once at load as
`value / batch_size` in milliseconds; the reports print what was given beside
it. Cost is optional: without `operator_view.cost.budget` costs are shown and
not judged.

## What `validate` warns about

Beyond the schema: a metric name dsreport does not know but that is close to
one it does (`recal`, `AUC`, `sensitivity`), with the known name; a rung the
chosen rung would be compared with that has reported values but no
predictions column (the comparison is weak), with the column to add; split
values that are not declared; every problem in a table at once (missing
columns and bad cells together).
"""

FACTS_INTRO = """\
# `facts.json`: the shape of the facts

`dsreport build` always writes `<slug>-facts.json`: the normalised bundle plus
every fact derived from it. Renderers read these facts and nothing else, so
the deck, the PDF and the handoff print the same strings. `facts_version`
(major.minor) versions the shape: a minor bump only adds keys.

Numbers come as `{value, text, text_pm}`: the raw value, the string the staff
DS report prints and the (shorter) string the PM deck prints. The rounding rule:
`text` gives rates as percentages with one decimal and other values to three
significant digits; `text_pm` is `text` rounded again, half up, to whole
percentages and two significant digits; a bound never reads 0% or 100% unless it
is. Values shown side by side come as a `ShownFact` (`shown`), printed at one
precision so that the change is the difference of the printed values and values
that differ never print alike; `text_pm` there keeps more digits only when that
is what it takes.

This page is generated from `src/dsreport/analyse/facts.py`
(`python -m dsreport.docgen`); do not edit it by hand.
"""


def _type_name(annotation: Any, info: FieldInfo | None = None) -> str:
    metadata = list(info.metadata) if info else []
    origin = get_origin(annotation)
    if origin is Annotated:
        args = get_args(annotation)
        return (
            _type_name(args[0], None)
            if not any(isinstance(m, FileMarker | ProseMarker) for m in args[1:])
            else _marker_name(next(m for m in args[1:] if isinstance(m, FileMarker | ProseMarker)))
        )
    for marker in metadata:
        if isinstance(marker, FileMarker | ProseMarker):
            return _marker_name(marker)
    if origin in (Union, types.UnionType):
        parts = [_type_name(a) for a in get_args(annotation) if a is not type(None)]
        return " or ".join(parts)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in get_args(annotation))
    if origin is list:
        return f"list of {_type_name(get_args(annotation)[0])}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"mapping of {_type_name(key)} to {_type_name(value)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    names = {str: "text", float: "number", int: "integer", bool: "true/false"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _marker_name(marker: FileMarker | ProseMarker) -> str:
    if isinstance(marker, ProseMarker):
        return "Markdown, or path to a `.md` file"
    kinds = ", ".join(marker.kinds)
    if marker.many:
        return f"path to a {marker.what} ({kinds}), a folder of Parquet files or a glob"
    return f"path to a {marker.what} ({kinds})"


def _example_value(annotation: Any, info: FieldInfo | None, depth: int = 0) -> Any:
    """An example for a field: its own, else one built from a model's required fields."""
    if info is not None and info.examples:
        return info.examples[0]
    if (
        info is not None
        and info.default not in (PydanticUndefined, None)
        and not callable(info.default)
    ):
        return info.default
    if depth > 3:
        return None
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType, Annotated):
        for arg in get_args(annotation):
            if arg is not type(None):
                found = _example_value(arg, None, depth)
                if found is not None:
                    return found
        return None
    if origin is list:
        item = _example_value(get_args(annotation)[0], None, depth + 1)
        return [item] if item is not None else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out = {}
        for name, sub in annotation.model_fields.items():
            if sub.is_required():
                value = _example_value(sub.annotation, sub, depth + 1)
                if value is not None:
                    out[sub.alias or name] = value
        if not out:  # every field optional: show the first few that have examples
            for name, sub in annotation.model_fields.items():
                if sub.examples and len(out) < 3:
                    out[sub.alias or name] = sub.examples[0]
        return out or None
    return None


def _example(info: FieldInfo) -> str:
    value = _example_value(info.annotation, info)
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return "`" + (text if len(text) <= 160 else text[:157] + "...") + "`"


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in seen:
                seen.append(annotation)
                for info in annotation.model_fields.values():
                    visit(info.annotation)
            return
        for arg in get_args(annotation):
            visit(arg)

    visit(root)
    return seen


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def model_reference(root: type[BaseModel], intro: str) -> str:
    lines = [intro]
    for model in _models(root):
        lines += ["", f"## {model.__name__}", ""]
        if model.__doc__ and not model.__doc__.startswith(("A base", "Base")):
            lines += [_cell(model.__doc__), ""]
        lines += ["| key | type | required | description | example |", "|---|---|---|---|---|"]
        for name, info in model.model_fields.items():
            key = info.alias or name
            required = "yes" if info.is_required() else "no"
            description = _cell(info.description or "")
            lines.append(
                f"| `{key}` | {_type_name(info.annotation, info)} | {required} | "
                f"{description} | {_example(info)} |"
            )
    return "\n".join(lines) + "\n"


def thresholds_table() -> str:
    """The checks' thresholds with their defaults, from `CheckThresholds` itself."""
    import ast
    import inspect

    from dsreport.analyse import thresholds

    tree = ast.parse(inspect.getsource(thresholds.CheckThresholds))
    body = tree.body[0].body  # type: ignore[attr-defined]
    rows = ["| name | default | meaning |", "|---|---:|---|"]
    for node, after in zip(body, [*body[1:], None], strict=True):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            doc = ""
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                doc = _cell(str(after.value.value))
            default = getattr(thresholds.CheckThresholds(), node.target.id)
            rows.append(f"| `{node.target.id}` | {default:g} | {doc} |")
    return "\n".join(rows)


BEGIN, END = "<!-- thresholds: generated -->", "<!-- /thresholds -->"


def with_thresholds(text: str) -> str:
    """Replace the generated region of the hand-written docs/analysis.md."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{thresholds_table()}\n{END}{tail}"


def documents(docs: Path) -> dict[str, str]:
    from dsreport.analyse.facts import Facts
    from dsreport.bundle.spec import BundleSpec

    analysis = (docs / "analysis.md").read_text(encoding="utf-8")
    return {
        "bundle.md": model_reference(BundleSpec, BUNDLE_INTRO),
        "facts.md": model_reference(Facts, FACTS_INTRO),
        "analysis.md": with_thresholds(analysis),
    }


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("docs")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in documents(target).items():
        (target / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
