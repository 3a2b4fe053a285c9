"""The statistics table of a regression task (docs/analysis.md, "The statistics table"),
checked cell by cell.

One row per:
- `group`: a bootstrap group of a (split, rung) cell, or of a slice value (chosen rung,
  test split): its rows and the eight sums, about the cell's first target (`shift`);
- `values`: a value (or a logarithmic bin's middle) of one quantity in one split, and
  how many rows hold it: `label` (every split), `prediction`, `residual` and
  `prediction:<setting>` (the chosen rung, test split);
- `decision`: test rows of a rung by target at or above the outcome's gate, the rung
  acting and the baseline acting;
- `point`: one row of the chosen rung's residual sample (position, target, prediction).
"""

from __future__ import annotations

import numpy as np

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.statcells import (
    SQL_HINT,
    Array,
    Layout,
    Text,
    count_problems,
    flag_problems,
    missing_test_rows,
    read_cells,
    row_problems,
    rung_problems,
    slice_problems,
    split_problems,
)
from dsreport.load.tables import Table

PARTS = ("group", "values", "decision", "point")
TEXT_COLUMNS = ("part", "split", "rung", "other_rung", "slice_column", "slice_value", "quantity")
SUM_COLUMNS = ("abs_sum", "sq_sum", "ape_sum", "ape_n", "sape_sum", "y_sum", "y2_sum")
NUMBER_COLUMNS = (
    "group",
    "value",
    "other_value",
    "n",
    "shift",
    *SUM_COLUMNS,
    "at_gate",
    "acted",
    "other_acted",
)
COLUMNS = (*TEXT_COLUMNS, *NUMBER_COLUMNS)
NEEDED = {
    "group": ("split", "rung", "group", "n", "shift", *SUM_COLUMNS),
    "values": ("split", "quantity", "value", "n"),
    "decision": ("split", "rung", "other_rung", "at_gate", "acted", "other_acted", "n"),
    "point": ("split", "rung", "group", "value", "other_value"),
}
"""The cells each part must fill; the others stay empty (NULL)."""
FLAGS = ("at_gate", "acted", "other_acted")
GROUPS = 2000
"""Bootstrap groups of a cell (`analyse.regression.GROUPS`, which reads this)."""
LAYOUT = Layout(COLUMNS, TEXT_COLUMNS, NUMBER_COLUMNS, NEEDED)
NONNEGATIVE = ("abs_sum", "sq_sum", "ape_sum", "sape_sum", "y2_sum")


def regression_problems(spec: BundleSpec, table: Table) -> list[Problem]:
    """Every problem with a regression statistics table, each with its row and column."""
    found = read_cells(table, LAYOUT)
    if isinstance(found, list):
        return found
    text, values, problems = found
    part = text["part"]
    problems += _numbers(table, values)
    problems += row_problems(
        table,
        part.eq("group") & (values["group"] >= GROUPS),
        "group {value} is past the last group (" + f"{GROUPS - 1:,})",
        "group",
        "a cell of more than 2,000 rows has 2,000 groups; " + SQL_HINT,
    )
    problems += _names(spec, table, text)
    return problems


def _numbers(table: Table, values: dict[str, Array]) -> list[Problem]:
    problems = count_problems(table, values, ("n", "group", "ape_n"))
    with np.errstate(invalid="ignore"):
        for column in ("value", "other_value", "shift", *SUM_COLUMNS):
            v = values[column]
            bad = ~np.isnan(v) & ~np.isfinite(v)
            if column in NONNEGATIVE:
                bad |= np.isfinite(v) & (v < 0)
            problems += row_problems(
                table,
                bad,
                column
                + " {value} is not a finite number"
                + (", 0 or more" if column in NONNEGATIVE else ""),
                column,
                SQL_HINT,
            )
    problems += flag_problems(table, values, FLAGS)
    return problems


def _names(spec: BundleSpec, table: Table, text: dict[str, Text]) -> list[Problem]:
    part, split, rung = text["part"], text["split"], text["rung"]
    problems = rung_problems(spec, table, text)
    problems += row_problems(
        table,
        text["other_rung"].present() & ~text["other_rung"].eq(spec.ladder.baseline),
        "a decision row's other rung is the baseline (" + spec.ladder.baseline + "), not {value}",
        "other_rung",
    )
    problems += split_problems(spec, table, split)
    problems += slice_problems(spec, table, text)
    sliced = text["slice_column"].present()
    grouped = part.eq("group")
    test_only = ~grouped | sliced
    problems += row_problems(
        table,
        test_only & part.isin(PARTS) & ~part.eq("values") & split.present() & ~split.eq("test"),
        "slice, decision and point rows are of the test split, not {value}",
        "split",
    )
    chosen_only = (sliced & grouped) | part.eq("point")
    problems += row_problems(
        table,
        chosen_only & rung.present() & ~rung.eq(spec.ladder.chosen),
        "slice and point rows are of the chosen rung (" + spec.ladder.chosen + "), not {value}",
        "rung",
    )
    quantities = ["label", "prediction", "residual"]
    quantities += [f"prediction:{s.name}" for s in spec.system_design.settings]
    problems += row_problems(
        table,
        part.eq("values") & text["quantity"].present() & ~text["quantity"].isin(quantities),
        "quantity {value} is not one of: " + ", ".join(quantities),
        "quantity",
    )
    return problems + missing_test_rows(table, grouped, split, "group")
