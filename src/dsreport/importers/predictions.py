"""`dsreport init DIR --from-predictions FILE`: a bundle around a predictions table.

The task and the columns' roles are inferred (`importers.columns`); the ladder, the
interrogation, the splits and the contract's outputs follow from them. What the table
cannot say (the problem, the operator view, the inputs, each rung's kind and reason)
is left open with the reviewer's question.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dsreport.bundle.questions import todo
from dsreport.errors import BundleError, UsageError
from dsreport.importers.columns import InferenceError, Inferred, RungColumns, infer, most_probable
from dsreport.importers.writer import skeleton, write_bundle
from dsreport.load.tables import Table, read_table

TABLE_SUFFIXES = (".csv", ".parquet")


@dataclass
class Started:
    """What an importer wrote, and what it inferred, for the person to check."""

    path: Path
    notes: list[str] = field(default_factory=list)


def read_predictions(file: str | Path) -> tuple[Table, bytes]:
    path = Path(file)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise UsageError(f"{path} is not a CSV or Parquet file", hint="give a .csv or .parquet")
    if not path.is_file():
        raise UsageError(f"{path} does not exist", hint="give the predictions table's path")
    data = path.read_bytes()
    table, problems = read_table(data, path.name)
    if table is None:
        raise BundleError(problems)
    return table, data


def init_from_predictions(
    directory: str | Path,
    file: str | Path,
    *,
    task: str | None = None,
    chosen: str | None = None,
) -> Started:
    """Write a bundle in `directory` around the predictions table `file`."""
    table, data = read_predictions(file)
    try:
        found = infer(table.frame, task)
    except InferenceError as exc:
        raise UsageError(f"{Path(file).name}: {exc}", hint="see docs/import.md") from exc
    ids = [r.id for r in found.rungs]
    if chosen is not None and chosen not in ids:
        raise UsageError(
            f"no rung '{chosen}' in {Path(file).name}", hint="rungs: " + ", ".join(ids)
        )
    frame, rewritten = _table_with_ids(table.frame, found)
    suffix = Path(file).suffix.lower()
    name = f"data/predictions{suffix if not rewritten else '.csv'}"
    content = _csv(frame) if rewritten else data
    spec = skeleton(Path(directory), found.task)
    spec["system_design"]["outputs"] = outputs(found)
    spec["system_design"]["data"]["splits"] = splits(frame, found)
    if found.probabilities:
        spec["system_design"]["scores_are_probabilities"] = True
    spec["ladder"] = ladder(found.rungs, chosen)
    spec["interrogation"] = predictions_section(found, name)
    target = write_bundle(
        directory,
        spec,
        {name: content},
        command=f"dsreport init --from-predictions {Path(file).name}",
    )
    return Started(target, found.notes)


def _table_with_ids(frame: pd.DataFrame, found: Inferred) -> tuple[pd.DataFrame, bool]:
    """The table as the bundle needs it: an id column (row numbers when it has none) and
    multiclass predicted labels written out when only probabilities were given."""
    rewritten = False
    if found.id is None:
        frame = frame.copy()
        name = "id" if "id" not in frame.columns else "row_id"
        frame.insert(0, name, [str(i) for i in range(1, len(frame) + 1)])
        found.id, rewritten = name, True
        found.notes.append(f"no id column: '{name}' is the row number")
    for rung in found.rungs:
        if rung.derived_score and rung.proba_prefix and rung.score:
            frame = frame.assign(
                **{rung.score: most_probable(frame, rung.proba_prefix, found.classes)}
            )
            rewritten = True
    return frame, rewritten


def _csv(frame: pd.DataFrame) -> bytes:
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue().encode("utf-8")


def outputs(found: Inferred) -> list[dict[str, Any]]:
    """The response side of the contract, as the task and the table imply it."""
    if found.task == "binary":
        case = f"'{found.positive}'" if found.positive else "positive"
        return [
            {
                "name": "score",
                "type": "number",
                "description": f"Score of the {case} class; at or above the threshold the "
                "case is flagged.",
                "constraints": {"minimum": 0, "maximum": 1},
            }
        ]
    if found.task == "multiclass":
        return [
            {
                "name": "label",
                "type": "category",
                "description": "The predicted class.",
                "constraints": {"allowed": found.classes},
            }
        ]
    return [
        {
            "name": "prediction",
            "type": "number",
            "description": f"The predicted value of {found.truth}.",
        }
    ]


def splits(frame: pd.DataFrame, found: Inferred) -> list[dict[str, Any]]:
    if found.split is None:
        return [{"name": "test", "rows": len(frame)}]
    counts = frame[found.split].astype("string").value_counts(sort=False)
    return [{"name": str(name), "rows": int(n)} for name, n in sorted(counts.items())]


def ladder(rungs: list[RungColumns], chosen: str | None, *, scored: bool = True) -> dict[str, Any]:
    """One rung per model in the source, in its order (the first is the baseline). With
    one rung it is the chosen one; with several, `chosen` names it or the choice is open.
    `scored`: every rung has predictions, so a missing score column is an open item."""
    if chosen is None and len(rungs) == 1:
        chosen = rungs[0].id
    out = []
    for rung in rungs:
        entry: dict[str, Any] = {
            "id": rung.id,
            "name": rung.name or rung.id.replace("_", " ").capitalize(),
            "kind": rung.kind or todo("ladder.rungs[].kind"),
        }
        if rung.description:
            entry["description"] = rung.description
        entry["decision"] = "chosen" if rung.id == chosen else todo("ladder.rungs[].decision")
        entry["reason"] = todo("ladder.rungs[].reason")
        if rung.score or scored:
            entry["score_column"] = rung.score or todo("ladder.rungs[].score_column")
        if rung.proba_prefix:
            entry["proba_prefix"] = rung.proba_prefix
        out.append(entry)
    return {
        "chosen": chosen if chosen is not None else todo("ladder.chosen"),
        "baseline": rungs[0].id,
        "rungs": out,
    }


def predictions_section(found: Inferred, path: str) -> dict[str, Any]:
    """`interrogation` for a predictions table at `path` whose columns are `found`."""
    out: dict[str, Any] = {}
    if found.task == "binary":
        out["threshold"] = (
            found.threshold if found.threshold is not None else todo("interrogation.threshold")
        )
        out["positive_label"] = found.positive or todo("interrogation.positive_label")
    if found.classes:
        out["classes"] = found.classes
    predictions: dict[str, Any] = {
        "path": path,
        "id_column": found.id,
        "label_column": found.truth,
    }
    if found.split:
        predictions["split_column"] = found.split
    if found.slices:
        predictions["slice_columns"] = found.slices
    out["predictions"] = predictions
    return out
