"""Other names for the columns dsreport reads, accepted or suggested, never guessed silently.

A reviewed-examples table whose `expected` column plainly is `expected_output` is read so,
with a warning that says it; a predictions column the bundle names but the table lacks is
suggested from the table's own columns (`target` for `label`); per-class probability
columns no rung declares are pointed out. Nothing is renamed where two columns could be
meant, and nothing changes what a column means.
"""

from __future__ import annotations

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import suggest
from dsreport.load.streamed import StreamedTable
from dsreport.load.tables import Table

REVIEW_SYNONYMS = {
    "expected_output": ("expected", "expected_answer", "truth", "reference"),
    "model_output": ("output", "prediction", "predicted", "model_answer"),
    "error_category": ("category", "error_type"),
    "note": ("notes", "comment", "comments"),
}
"""Reviewed-examples columns -> the names read as them when the column itself is absent."""
PREDICTION_SYNONYMS = {
    "label_column": ("label", "target", "y", "y_true", "truth", "ground_truth", "actual"),
    "id_column": ("id", "row_id", "case_id", "example_id", "uid"),
    "split_column": ("split", "subset", "partition", "fold", "set"),
}
"""Predictions keys -> column names that usually hold what the key names."""
PROBA_PREFIXES = ("proba_", "prob_", "probability_", "p_")


def adopt_review_synonyms(table: Table) -> list[Problem]:
    """Rename, in place, each synonym column whose canonical column is absent (one synonym
    only); a warning says so."""
    columns = [str(c) for c in table.frame.columns]
    renames: dict[str, str] = {}
    problems = []
    for canonical, names in REVIEW_SYNONYMS.items():
        present = [c for c in columns if c.lower() in names]
        if canonical in columns or len(present) != 1:
            continue
        renames[present[0]] = canonical
        problems.append(
            Problem(
                f"column '{present[0]}' is read as '{canonical}'",
                file=table.file,
                line=1,
                key=present[0],
                hint=f"rename the column to {canonical} to silence this",
                severity="warning",
            )
        )
    if renames:
        table.frame = table.frame.rename(columns=renames)
    return problems


def column_hint(column: str, columns: list[str], key: str) -> str | None:
    """The hint for a predictions column the table lacks: a close spelling, else a column
    that usually holds what `key` names, else the columns there are."""
    close = suggest(column, columns)
    if close and close.startswith("did you mean"):
        return close
    names = PREDICTION_SYNONYMS.get(key, ())
    found = [c for c in columns if c.lower() in names and c != column]
    if len(found) == 1:
        return f"the table has '{found[0]}': set `{key}: {found[0]}` if it holds this"
    return close


def undeclared_probabilities(spec: BundleSpec, table: Table | StreamedTable) -> list[Problem]:
    """Multiclass rungs with no `proba_prefix` while `<prefix><class>` columns for every
    class are there: the probabilities would be left unused."""
    classes = spec.interrogation.classes
    if spec.project.task != "multiclass" or not classes:
        return []
    columns = table.columns
    declared = {r.proba_prefix for r in spec.ladder.rungs if r.proba_prefix}
    prefixes = sorted(
        {
            column[: -len(classes[0])]
            for column in columns
            if column.endswith(classes[0])
            and column[: -len(classes[0])].lower().startswith(PROBA_PREFIXES)
        }
        - declared
    )
    complete = [p for p in prefixes if all(p + c in columns for c in classes)]
    undeclared = [r for r in spec.ladder.rungs if r.score_column and not r.proba_prefix]
    if not complete or not undeclared:
        return []
    return [
        Problem(
            f"columns {prefix}<class> hold per-class probabilities that no rung declares",
            file=table.file,
            line=1,
            key=prefix + "*",
            hint="set `proba_prefix: "
            + prefix
            + "` on the rung they belong to: they give macro ROC AUC, log loss and calibration",
            severity="warning",
        )
        for prefix in complete
    ]
