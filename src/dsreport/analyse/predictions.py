"""Metrics computed from the predictions table, for every rung, split and slice.

Every task reduces the rows (or reads the statistics table) first, in one pass of batches
(`analyse.reduce`), and is evaluated from those statistics alone. Produces raw numbers
only (`Computed`); `engine` formats them into facts.
"""

from __future__ import annotations

from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.reduce import ROWS_KEPT, PredictionStats, from_statistics, reduce_rows
from dsreport.analyse.reduce.evaluate import evaluate_binary
from dsreport.analyse.reduce.multiclass import MultiStats, multiclass_stats
from dsreport.analyse.reduce.multiclass_table import from_statistics as multiclass_from_statistics
from dsreport.analyse.reduce.multieval import evaluate_multiclass
from dsreport.analyse.reduce.regression import RegressionSummary, reduce_regression
from dsreport.analyse.reduce.regression_eval import evaluate_regression
from dsreport.analyse.reduce.regression_table import from_statistics as regression_from_statistics
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec
from dsreport.load.streamed import StreamedTable
from dsreport.load.tables import Table


def evaluate(spec: BundleSpec, table: Table | StreamedTable, checks: CheckThresholds) -> Evaluation:
    """The task's statistics of the predictions, then every metric from them."""
    assert spec.interrogation.predictions is not None
    if spec.project.task == "binary":
        return evaluate_binary(spec, prediction_stats(spec, table), checks)
    if spec.project.task == "multiclass":
        return evaluate_multiclass(spec, multiclass_summary(spec, table), checks)
    return evaluate_regression(spec, regression_summary(spec, table), checks)


def prediction_stats(spec: BundleSpec, table: Table | StreamedTable) -> PredictionStats:
    """The binary statistics of a predictions table: given (`format: statistics`), or
    reduced from its rows, batch by batch when the table streams them."""
    section = spec.interrogation.predictions
    assert section is not None
    if section.format == "statistics":
        assert isinstance(table, Table)  # a statistics table is never streamed
        return from_statistics(spec, table.frame)
    rungs = [r.score_column for r in spec.ladder.rungs if r.score_column]
    wanted = [
        section.id_column,
        section.label_column,
        section.split_column,
        *section.slice_columns,
        *rungs,
    ]
    if not section.split_column and table.rows > ROWS_KEPT:
        wanted.remove(section.id_column)  # every row is a test row: too many to keep
    columns = list(dict.fromkeys(c for c in wanted if c))
    return reduce_rows(spec, table.batches(columns))


def multiclass_summary(spec: BundleSpec, table: Table | StreamedTable) -> MultiStats:
    """The multiclass statistics of a predictions table: given (`format: statistics`), or
    reduced from its rows, batch by batch when the table streams them."""
    section = spec.interrogation.predictions
    assert section is not None
    if section.format == "statistics":
        assert isinstance(table, Table)  # a statistics table is never streamed
        return multiclass_from_statistics(spec, table.frame)
    return multiclass_stats(spec, table)


def regression_summary(spec: BundleSpec, table: Table | StreamedTable) -> RegressionSummary:
    """The regression statistics of a predictions table: given (`format: statistics`), or
    reduced from its rows, batch by batch when the table streams them."""
    section = spec.interrogation.predictions
    assert section is not None
    if section.format == "statistics":
        assert isinstance(table, Table)  # a statistics table is never streamed
        return regression_from_statistics(spec, table.frame)
    rungs = [r.score_column for r in spec.ladder.rungs if r.score_column]
    wanted = [section.label_column, section.split_column, *section.slice_columns, *rungs]
    if section.split_column or table.rows <= ROWS_KEPT:
        wanted.insert(0, section.id_column)  # (else every row is a test row: too many)
    columns = list(dict.fromkeys(c for c in wanted if c))
    return reduce_regression(spec, table.batches(columns))
