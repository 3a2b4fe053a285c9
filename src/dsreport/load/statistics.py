"""The statistics table: a binary task's predictions reduced to sufficient statistics by
an SQL engine (docs/analysis.md, "The statistics table"), checked cell by cell.

One row per (part, split, rung, slice, label, score bin):
- `count`: rows of each label in each split (slice empty), and in each slice value of
  the test split;
- `score`: a rung's histogram: rows, log-loss and squared-error sums of each
  (split, label, score) cell; with a slice, the chosen rung's test split per slice value;
- `pair`: two rungs on the test split, per (label, bin of rung, bin of other rung) on the
  pair grid, with both sides' sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.bins import GRID, pair_values
from dsreport.load.statcells import (
    SQL_HINT,
    Array,
    Layout,
    Text,
    binning_problems,
    missing_test_rows,
    read_cells,
    row_problems,
    rung_problems,
    slice_problems,
)
from dsreport.load.tables import Table

PARTS = ("count", "score", "pair")
TEXT_COLUMNS = ("part", "split", "rung", "other_rung", "slice_column", "slice_value", "label")
NUMBER_COLUMNS = (
    "score",
    "other_score",
    "n",
    "log_loss_sum",
    "sq_sum",
    "other_log_loss_sum",
    "other_sq_sum",
)
COLUMNS = (*TEXT_COLUMNS, "binning", *NUMBER_COLUMNS)
DICTIONARY = (*TEXT_COLUMNS, "binning")
"""The text columns, read dictionary-encoded (a few distinct values in a million rows)."""
NEEDED = {
    "count": ("split", "label", "n"),
    "score": ("split", "rung", "label", "score", "binning", "n", "log_loss_sum", "sq_sum"),
    "pair": ("split", "rung", "other_rung", "label", *NUMBER_COLUMNS),
}
"""The cells each part must fill; the others stay empty (NULL)."""


def cells(frame: pd.DataFrame) -> dict[str, Text]:
    return {c: Text.of(frame[c]) for c in DICTIONARY}


LAYOUT = Layout(COLUMNS, DICTIONARY, NUMBER_COLUMNS, NEEDED)


def is_statistics(spec: BundleSpec) -> bool:
    section = spec.interrogation.predictions
    return section is not None and section.format == "statistics"


def statistics_problems(spec: BundleSpec, table: Table) -> list[Problem]:
    """Every problem with a statistics table, each with its row and column."""
    if spec.project.task == "regression":
        from dsreport.load.regression_statistics import regression_problems

        return regression_problems(spec, table)
    if spec.project.task == "multiclass":
        from dsreport.load.multiclass_statistics import multiclass_problems

        return multiclass_problems(spec, table)
    found = read_cells(table, LAYOUT)
    if isinstance(found, list):
        return found
    text, values, problems = found
    problems += _numbers(table, values)
    problems += _names(spec, table, text)
    problems += _bins(spec, table, text, values)
    return problems


def _numbers(table: Table, values: dict[str, Array]) -> list[Problem]:
    n = values["n"]
    with np.errstate(invalid="ignore"):
        problems = row_problems(
            table,
            (n < 0) | (n > np.floor(n)),  # an empty cell (NaN) is neither
            "n {value} is not a count (a whole number, 0 or more)",
            "n",
            "n is the cell's COUNT(*)",
        )
        for column in ("log_loss_sum", "sq_sum", "other_log_loss_sum", "other_sq_sum"):
            v = values[column]
            problems += row_problems(
                table,
                (v < 0) | (v == np.inf),
                "{value} is not a sum of losses (finite, 0 or more)",
                column,
                "scores must be probabilities in [0, 1]; " + SQL_HINT,
            )
        for column in ("score", "other_score"):
            v = values[column]
            problems += row_problems(
                table,
                (v < 0) | (v > 1),
                "score {value} is outside [0, 1]",
                column,
                "scores must be probabilities of the positive class",
            )
    return problems


def _names(spec: BundleSpec, table: Table, text: dict[str, Text]) -> list[Problem]:
    section = spec.interrogation.predictions
    assert section is not None
    part, split = text["part"], text["split"]
    problems = rung_problems(spec, table, text)
    splits = [s.name for s in spec.system_design.data.splits] or ["test"]
    if section.split_column or spec.system_design.data.splits:
        problems += row_problems(
            table,
            split.present() & ~split.isin(splits),
            "split {value} is not declared in system_design.data.splits",
            "split",
            f"declared: {', '.join(splits)}",
        )
    else:
        problems += row_problems(
            table,
            split.present() & ~split.eq("test"),
            "split {value} is not 'test' (the predictions have no split_column)",
            "split",
        )
    problems += slice_problems(spec, table, text)
    sliced = text["slice_column"].present()
    paired, scored, counted = part.eq("pair"), part.eq("score"), part.eq("count")
    problems += row_problems(
        table,
        (sliced | paired) & split.present() & ~split.eq("test"),
        "slice and pair rows are of the test split, not {value}",
        "split",
    )
    rung = text["rung"]
    problems += row_problems(
        table,
        sliced & scored & rung.present() & ~rung.eq(spec.ladder.chosen),
        "slice rows are of the chosen rung (" + spec.ladder.chosen + "), not {value}",
        "rung",
    )
    problems += row_problems(table, sliced & paired, "pair rows have no slice", "slice_column")
    classes = spec.interrogation.classes
    if classes:
        problems += row_problems(
            table,
            text["label"].present() & ~text["label"].isin(classes),
            "label {value} is not one of the declared classes (" + ", ".join(classes) + ")",
            "label",
            "add it to interrogation.classes, or fix the query's label text",
        )
    counted_splits = split.found(counted & ~sliced)
    problems += row_problems(
        table,
        (scored | paired) & split.present() & ~split.isin(counted_splits),
        "split {value} has no count rows",
        "split",
        "the count query writes a row for every split and label",
    )
    if not counted.any():
        problems.append(
            Problem("the statistics table has no count rows", file=table.file, hint=SQL_HINT)
        )
    else:
        problems += missing_test_rows(table, counted, split, "count")
    return problems


def _bins(
    spec: BundleSpec, table: Table, text: dict[str, Text], values: dict[str, Array]
) -> list[Problem]:
    binning, part = text["binning"], text["part"]
    scored = part.eq("score")
    problems = binning_problems(table, scored, binning)
    grid_rows = scored & binning.eq("grid")
    if grid_rows.any() and (scored & binning.eq("exact")).any():
        first = int(np.flatnonzero(grid_rows)[0])
        problems.append(
            Problem(
                f"score rows mix exact and grid binning (first grid row: {first + 1:,})",
                file=table.file,
                line=table.line(first),
                key="binning",
                hint="run one query, the exact or the grid one, for every rung",
            )
        )
    scaled = values["score"] * GRID
    with np.errstate(invalid="ignore"):  # an empty score (NaN) is never off the grid
        off = grid_rows & (np.abs(scaled - np.rint(scaled)) > 1e-6)
    problems += row_problems(
        table,
        off,
        f"score {{value}} is not on the grid of 1/{GRID:,} (binning grid)",
        "score",
        "the grid query writes LEAST(FLOOR(score * 10000 + 1e-9), 10000) / 10000",
    )
    grid = pair_values(spec.interrogation.operating_threshold)
    paired = part.eq("pair")
    pair_rows = np.flatnonzero(paired)
    for column in ("score", "other_score"):
        v = values[column][pair_rows]
        wrong = np.zeros(len(paired), dtype=bool)
        wrong[pair_rows[~np.isnan(v) & ~np.isin(v, grid)]] = True
        problems += row_problems(
            table,
            wrong,
            "pair score {value} is not an edge of the pair grid (multiples of 1/40 and the "
            "operating threshold)",
            column,
            SQL_HINT,
        )
    return problems
