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
from dsreport.load.columns import label_text
from dsreport.load.tablechecks import _rows
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
BINNINGS = ("exact", "grid")
NEEDED = {
    "count": ("split", "label", "n"),
    "score": ("split", "rung", "label", "score", "binning", "n", "log_loss_sum", "sq_sum"),
    "pair": ("split", "rung", "other_rung", "label", *NUMBER_COLUMNS),
}
"""The cells each part must fill; the others stay empty (NULL)."""
SQL_HINT = "see docs/analysis.md, 'The statistics table', for the query that writes it"


def text(series: pd.Series) -> pd.Series:
    """Cells as stripped text, missing as None (integers stay "1", not "1.0"); each
    distinct value is turned into text once."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = np.array([label_text(u) for u in uniques] + [None], dtype=object)
    return pd.Series(texts[codes], index=series.index, dtype=object)


def numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("float64")


def is_statistics(spec: BundleSpec) -> bool:
    section = spec.interrogation.predictions
    return section is not None and section.format == "statistics"


def statistics_problems(spec: BundleSpec, table: Table) -> list[Problem]:
    """Every problem with a statistics table, each with its row and column."""
    frame, file = table.frame, table.file
    section = spec.interrogation.predictions
    assert section is not None
    if spec.project.task != "binary":
        return [
            Problem(
                f"a statistics table needs a binary task, not {spec.project.task}",
                key="interrogation.predictions.format",
                hint="give the predictions as rows (format: rows)",
            )
        ]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return [
            Problem(
                f"the statistics table has no column{'s' if len(missing) > 1 else ''} "
                + ", ".join(missing),
                file=file,
                line=1,
                hint=f"the columns are: {', '.join(COLUMNS)}; {SQL_HINT}",
            )
        ]
    if len(frame) == 0:
        return [Problem("the statistics table has no rows", file=file, line=1, hint=SQL_HINT)]
    cells = {c: text(frame[c]) for c in (*TEXT_COLUMNS, "binning")}
    values = {c: numbers(frame[c]) for c in NUMBER_COLUMNS}
    part = cells["part"]
    problems = _rows(
        table,
        ~part.isin(PARTS),
        "part {value} is not one of: " + ", ".join(PARTS),
        "part",
        "each row is a count, score or pair row",
    )
    for name, needed in NEEDED.items():
        rows = part == name
        for column in needed:
            empty = rows & (cells[column].isna() if column in cells else values[column].isna())
            problems += _rows(table, empty, f"a {name} row needs a value here", column, SQL_HINT)
    problems += _numbers(table, values, part)
    problems += _names(spec, table, cells, part)
    problems += _bins(spec, table, cells, values, part)
    return problems


def _numbers(table: Table, values: dict[str, pd.Series], part: pd.Series) -> list[Problem]:
    n = values["n"]
    problems = _rows(
        table,
        n.notna() & ~((n >= 0) & (n == np.floor(n))),
        "n {value} is not a count (a whole number, 0 or more)",
        "n",
        "n is the cell's COUNT(*)",
    )
    for column in ("log_loss_sum", "sq_sum", "other_log_loss_sum", "other_sq_sum"):
        v = values[column]
        problems += _rows(
            table,
            v.notna() & ~(np.isfinite(v) & (v >= 0)),
            "{value} is not a sum of losses (finite, 0 or more)",
            column,
            "scores must be probabilities in [0, 1]; " + SQL_HINT,
        )
    for column in ("score", "other_score"):
        v = values[column]
        problems += _rows(
            table,
            v.notna() & ~((v >= 0) & (v <= 1)),
            "score {value} is outside [0, 1]",
            column,
            "scores must be probabilities of the positive class",
        )
    return problems


def _names(
    spec: BundleSpec, table: Table, cells: dict[str, pd.Series], part: pd.Series
) -> list[Problem]:
    section = spec.interrogation.predictions
    assert section is not None
    rungs = [r.id for r in spec.ladder.rungs if r.score_column]
    listed = ", ".join(rungs) or "none"
    problems = []
    for column in ("rung", "other_rung"):
        problems += _rows(
            table,
            cells[column].notna() & ~cells[column].isin(rungs),
            "rung {value} is not a rung of the ladder with a score_column (" + listed + ")",
            column,
            "name each rung by its id in ladder.rungs, and give it a score_column",
        )
    splits = [s.name for s in spec.system_design.data.splits] or ["test"]
    if section.split_column or spec.system_design.data.splits:
        problems += _rows(
            table,
            cells["split"].notna() & ~cells["split"].isin(splits),
            "split {value} is not declared in system_design.data.splits",
            "split",
            f"declared: {', '.join(splits)}",
        )
    else:
        problems += _rows(
            table,
            cells["split"].notna() & (cells["split"] != "test"),
            "split {value} is not 'test' (the predictions have no split_column)",
            "split",
        )
    sliced = cells["slice_column"].notna()
    problems += _rows(
        table,
        sliced & ~cells["slice_column"].isin(section.slice_columns),
        "slice column {value} is not one of interrogation.predictions.slice_columns ("
        + (", ".join(section.slice_columns) or "none")
        + ")",
        "slice_column",
        "list it in interrogation.predictions.slice_columns, or leave its rows out",
    )
    problems += _rows(
        table,
        sliced & cells["slice_value"].isna(),
        "a slice row needs its slice_value",
        "slice_value",
    )
    problems += _rows(
        table,
        (sliced | (part == "pair")) & cells["split"].notna() & (cells["split"] != "test"),
        "slice and pair rows are of the test split, not {value}",
        "split",
    )
    problems += _rows(
        table,
        sliced & (part == "score") & cells["rung"].notna() & (cells["rung"] != spec.ladder.chosen),
        "slice rows are of the chosen rung (" + spec.ladder.chosen + "), not {value}",
        "rung",
    )
    problems += _rows(
        table,
        sliced & (part == "pair"),
        "pair rows have no slice",
        "slice_column",
    )
    classes = spec.interrogation.classes
    if classes:
        problems += _rows(
            table,
            cells["label"].notna() & ~cells["label"].isin(classes),
            "label {value} is not one of the declared classes (" + ", ".join(classes) + ")",
            "label",
            "add it to interrogation.classes, or fix the query's label text",
        )
    counted = set(cells["split"][(part == "count") & ~sliced].dropna())
    problems += _rows(
        table,
        part.isin(("score", "pair")) & cells["split"].notna() & ~cells["split"].isin(counted),
        "split {value} has no count rows",
        "split",
        "the count query writes a row for every split and label",
    )
    if not (part == "count").any():
        problems.append(
            Problem("the statistics table has no count rows", file=table.file, hint=SQL_HINT)
        )
    elif not ((part == "count") & (cells["split"] == "test")).any():
        problems.append(
            Problem(
                "the statistics table has no count row of the split 'test'",
                file=table.file,
                hint=SQL_HINT,
            )
        )
    return problems


def _bins(
    spec: BundleSpec,
    table: Table,
    cells: dict[str, pd.Series],
    values: dict[str, pd.Series],
    part: pd.Series,
) -> list[Problem]:
    problems = []
    binning = cells["binning"]
    scored = part == "score"
    problems += _rows(
        table,
        scored & binning.notna() & ~binning.isin(BINNINGS),
        "binning {value} is not exact or grid",
        "binning",
    )
    kinds = sorted(set(binning[scored & binning.isin(BINNINGS)]))
    if len(kinds) > 1:
        first = int(np.flatnonzero((scored & (binning == "grid")).to_numpy())[0])
        problems.append(
            Problem(
                f"score rows mix exact and grid binning (first grid row: {first + 1:,})",
                file=table.file,
                line=table.line(first),
                key="binning",
                hint="run one query, the exact or the grid one, for every rung",
            )
        )
    score = values["score"]
    off = scored & (binning == "grid") & score.notna()
    off &= (score * GRID - np.rint(score * GRID)).abs() > 1e-6
    problems += _rows(
        table,
        off,
        f"score {{value}} is not on the grid of 1/{GRID:,} (binning grid)",
        "score",
        "the grid query writes LEAST(FLOOR(score * 10000 + 1e-9), 10000) / 10000",
    )
    grid = pair_values(spec.interrogation.operating_threshold)
    for column in ("score", "other_score"):
        v = values[column]
        problems += _rows(
            table,
            (part == "pair") & v.notna() & ~np.isin(v.to_numpy(), grid),
            "pair score {value} is not an edge of the pair grid (multiples of 1/40 and the "
            "operating threshold)",
            column,
            SQL_HINT,
        )
    return problems
