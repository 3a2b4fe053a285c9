"""The statistics table of a multiclass task (docs/analysis.md, "The statistics table"),
checked cell by cell.

One row per:
- `count`: rows of a label in a split;
- `matrix`: a (label, predicted) cell of a rung's confusion matrix in a split, or in a
  slice value (chosen rung, test split);
- `top_k`: a rung's rows whose label is among its `top_k` highest probabilities, per
  split or slice value;
- `cube`: test rows by (label, the chosen rung's prediction, another rung's prediction);
- `outcome`: test rows of a rung with probabilities by (acted, right) of the rung and of
  the baseline;
- `confidence`: test rows of a rung by its top probability (exact or on the grid) and
  whether its prediction is right;
- `sample`: a row a group keeps (its position, label and the rung's probabilities, one
  column `proba_<class>` per class): every row while the group has at most 100,000,
  else the 100,000 first by the hash of their position;
- `sums`, `class_bin`, `top_bin`: a group past 100,000 rows, over every row: the
  log-loss and Brier sums, each class's probabilities on the 1/10,000 grid (by whether it
  is the row's class), and the top probability on the grid (by whether it is right).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.bins import GRID
from dsreport.load.bins import ROWS_KEPT as BOUND
from dsreport.load.statcells import (
    SQL_HINT,
    Array,
    Layout,
    Text,
    binning_problems,
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

TEXT_COLUMNS = (
    "part",
    "split",
    "rung",
    "other_rung",
    "slice_column",
    "slice_value",
    "label",
    "predicted",
    "other_predicted",
    "binning",
)
FLAGS = ("right", "acted", "other_right", "other_acted")
NUMBER_COLUMNS = ("position", "score", *FLAGS, "n", "loss_sum", "sq_sum")
COLUMNS = (*TEXT_COLUMNS, *NUMBER_COLUMNS)
INTS = ("position", *FLAGS, "n")
"""The number columns that hold whole numbers."""
PROBA = "proba_"
"""A sample row's probability of class c is in the column `proba_<c>`."""
GROUPED = ("sample", "sums", "class_bin", "top_bin")
"""Parts of a split's group or a slice value's."""
NEEDED = {
    "count": ("split", "label", "n"),
    "matrix": ("split", "rung", "label", "predicted", "n"),
    "top_k": ("split", "rung", "n"),
    "cube": ("split", "rung", "other_rung", "label", "predicted", "other_predicted", "n"),
    "outcome": ("split", "rung", "other_rung", *FLAGS, "n"),
    "confidence": ("split", "rung", "binning", "score", "right", "n"),
    "sample": ("split", "rung", "position", "label"),
    "sums": ("split", "rung", "n", "loss_sum", "sq_sum"),
    "class_bin": ("split", "rung", "label", "score", "right", "n"),
    "top_bin": ("split", "rung", "score", "right", "n", "loss_sum", "sq_sum"),
}
"""The cells each part must fill (a sample row its probabilities too); the others stay
empty (NULL)."""
WHERE = ("split", "slice_column", "slice_value")
"""The columns that name a group."""
Index = NDArray[np.intp]


def proba_columns(spec: BundleSpec) -> list[str]:
    return [f"{PROBA}{c}" for c in spec.interrogation.classes]


def layout(spec: BundleSpec) -> Layout:
    """The bundle's table: the fixed columns, then one probability column per class."""
    proba = tuple(proba_columns(spec))
    needed = dict(NEEDED) | {"sample": (*NEEDED["sample"], *proba)}
    return Layout((*COLUMNS, *proba), TEXT_COLUMNS, (*NUMBER_COLUMNS, *proba), needed)


def multiclass_problems(spec: BundleSpec, table: Table) -> list[Problem]:
    """Every problem with a multiclass statistics table, each with its row and column."""
    found = read_cells(table, layout(spec))
    if isinstance(found, list):
        return found
    text, values, problems = found
    problems += _numbers(spec, table, text, values)
    problems += _names(spec, table, text)
    if not any(p.severity == "error" for p in problems):
        problems += _groups(spec, table, text, values)
    return problems


def grouped(text: dict[str, Text], part: str, *columns: str) -> dict[tuple[str | None, ...], Index]:
    """The rows of `part` by the texts of `columns` (None: empty), each in table order."""
    rows = np.flatnonzero(text["part"].eq(part))
    if not len(rows):
        return {}
    key = np.zeros(len(rows), dtype=np.int64)
    for c in columns:  # one integer a row: its codes in mixed radix (-1, empty, is 0)
        key = key * (len(text[c].names) + 1) + text[c].codes[rows] + 1
    by = np.argsort(key, kind="stable")
    ordered = key[by]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    out: dict[tuple[str | None, ...], Index] = {}
    for start, mine in zip(starts, np.split(rows[by], starts[1:]), strict=True):
        codes: list[str | None] = []
        rest = int(ordered[start])
        for c in reversed(columns):
            rest, code = divmod(rest, len(text[c].names) + 1)
            codes.append(text[c].names[code - 1] if code else None)
        out[tuple(reversed(codes))] = mine
    return out


def _groups(
    spec: BundleSpec, table: Table, text: dict[str, Text], values: dict[str, Array]
) -> list[Problem]:
    """What a group's rows must agree on: its sample rows are every row of the group up to
    100,000 (rows from the count rows of a split, the chosen rung's matrix of a slice
    value); past that it has its sums; a rung's confidence rows have one binning."""
    n, file = values["n"], table.file
    sizes: dict[tuple[str | None, ...], float] = {
        (split, None, None): n[rows].sum()
        for (split,), rows in grouped(text, "count", "split").items()
    }
    for (split, column, value, rung), rows in grouped(text, "matrix", *WHERE, "rung").items():
        if column is not None and rung == spec.ladder.chosen:
            sizes[(split, column, value)] = n[rows].sum()
    sampled = grouped(text, "sample", *WHERE, "rung")
    summed = grouped(text, "sums", *WHERE, "rung")
    problems = []
    for rung in dict.fromkeys(key[3] for key in sampled):
        for group, size in sizes.items():
            if group[1] is not None and rung != spec.ladder.chosen:
                continue
            found = len(sampled.get((*group, rung), ()))
            name = f"split {group[0]}" if group[1] is None else f"{group[1]} {group[2]}"
            if found != min(size, BOUND):
                problems.append(
                    Problem(
                        f"{name} has {round(size):,} rows but {found:,} sample rows of rung "
                        f"{rung} (every row while at most {BOUND:,}, else {BOUND:,})",
                        file=file,
                        key="sample",
                        hint=SQL_HINT,
                    )
                )
            if size > BOUND and len(summed.get((*group, rung), ())) != 1:
                problems.append(
                    Problem(
                        f"{name} has {round(size):,} rows, more than {BOUND:,}, but not one "
                        f"sums row of rung {rung}",
                        file=file,
                        key="sums",
                        hint="the large query writes the sums, class_bin and top_bin rows of "
                        f"every group past {BOUND:,} rows; " + SQL_HINT,
                    )
                )
    for (rung,), rows in grouped(text, "confidence", "rung").items():
        if len(text["binning"].found(rows)) > 1:
            first = int(rows[text["binning"].eq("grid")[rows]][0])
            problems.append(
                Problem(
                    f"the confidence rows of rung {rung} mix exact and grid binning (first grid "
                    f"row: {first + 1:,})",
                    file=file,
                    line=table.line(first),
                    key="binning",
                    hint="one rung's rows are all exact or all on the grid",
                )
            )
    return problems


def _numbers(
    spec: BundleSpec, table: Table, text: dict[str, Text], values: dict[str, Array]
) -> list[Problem]:
    problems = count_problems(table, values, ("n", "position"))
    with np.errstate(invalid="ignore"):  # an empty cell (NaN) is never a problem here
        for column in ("loss_sum", "sq_sum"):
            v = values[column]
            problems += row_problems(
                table,
                (v < 0) | (v == np.inf),
                column + " {value} is not a finite number, 0 or more",
                column,
                SQL_HINT,
            )
        problems += flag_problems(table, values, FLAGS)
        for column in ("score", *proba_columns(spec)):
            v = values[column]
            problems += row_problems(
                table,
                (v < 0) | (v > 1),
                "probability {value} is outside [0, 1]",
                column,
                "probabilities lie in [0, 1]; " + SQL_HINT,
            )
        grid = text["part"].isin(("class_bin", "top_bin")) | text["binning"].eq("grid")
        scaled = values["score"] * GRID
        problems += row_problems(
            table,
            grid & (np.abs(scaled - np.rint(scaled)) > 1e-6),
            f"score {{value}} is not on the grid of 1/{GRID:,}",
            "score",
            "the grid is LEAST(FLOOR(p * 10000 + 1e-9), 10000) / 10000",
        )
    return problems


def _names(spec: BundleSpec, table: Table, text: dict[str, Text]) -> list[Problem]:
    part, split, rung = text["part"], text["split"], text["rung"]
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    problems = rung_problems(spec, table, text)
    with_proba = [r.id for r in spec.ladder.rungs if r.score_column and r.proba_prefix]
    problems += row_problems(
        table,
        part.isin(("top_k", "outcome", "confidence", *GROUPED))
        & rung.isin(rungs)
        & ~rung.isin(with_proba),
        "rung {value} has no probabilities (no proba_prefix) for this part",
        "rung",
        "give the rung its proba_prefix, or leave these rows out",
    )
    problems += split_problems(spec, table, split)
    problems += slice_problems(spec, table, text)
    sliced = text["slice_column"].present()
    problems += row_problems(
        table,
        sliced & ~part.isin(("matrix", "top_k", *GROUPED)),
        "{value} rows have no slice",
        "part",
    )
    test_only = sliced | part.isin(("cube", "outcome", "confidence"))
    problems += row_problems(
        table,
        test_only & split.present() & ~split.eq("test"),
        "slice, cube, outcome and confidence rows are of the test split, not {value}",
        "split",
    )
    problems += row_problems(
        table,
        (sliced | part.eq("cube")) & rung.present() & ~rung.eq(spec.ladder.chosen),
        "slice and cube rows are of the chosen rung (" + spec.ladder.chosen + "), not {value}",
        "rung",
    )
    problems += row_problems(
        table,
        part.eq("outcome")
        & text["other_rung"].present()
        & ~text["other_rung"].eq(spec.ladder.baseline),
        "an outcome row's other rung is the baseline (" + spec.ladder.baseline + "), not {value}",
        "other_rung",
    )
    classes = spec.interrogation.classes
    for column in ("label", "predicted", "other_predicted"):
        problems += row_problems(
            table,
            text[column].present() & ~text[column].isin(classes),
            column + " {value} is not one of the declared classes (" + ", ".join(classes) + ")",
            column,
            "add it to interrogation.classes, or fix the query's text of the class",
        )
    problems += binning_problems(table, part.eq("confidence"), text["binning"])
    return problems + missing_test_rows(table, part.eq("count"), split, "count")
