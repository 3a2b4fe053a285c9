"""Binary predictions reduced to sufficient statistics, from rows or from a statistics
table, and the binary analysis from those statistics alone."""

from dsreport.analyse.reduce.model import PredictionStats, TestRows
from dsreport.analyse.reduce.pairs import PairStats, pair_from_rows
from dsreport.analyse.reduce.reducer import reduce_rows
from dsreport.analyse.reduce.table import from_statistics, to_frame
from dsreport.load.bins import ROWS_KEPT

__all__ = [
    "ROWS_KEPT",
    "PairStats",
    "PredictionStats",
    "TestRows",
    "from_statistics",
    "pair_from_rows",
    "reduce_rows",
    "to_frame",
]
