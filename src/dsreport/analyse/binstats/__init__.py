"""Binary classification from sufficient statistics.

One pass over the rows reduces them to per-class score histograms (with the
log-loss and squared-error sums of each bin) for every group (overall, each
slice value). Every metric, curve and bootstrap interval is then computed from
the histograms alone, so the cost after the pass does not depend on the row
count. With at most `EXACT_LIMIT` distinct scores each distinct score is its
own bin and the results equal scikit-learn's; above it scores are binned on a
grid of 1/10,000, exact for thresholds on that grid and within 1e-4 for the
ranking metrics. The pass is a group-by-bin count (`analyse.reduce`, streamed), and runs
as SQL too (docs/analysis.md, "The statistics table") for tables that never leave a
warehouse.
"""

from __future__ import annotations

from dsreport.analyse.binstats.curves import (
    CALIBRATION_BINS,
    calibration,
    ece_batch,
    pr_curve,
    quantiles,
    roc_curve,
)
from dsreport.analyse.binstats.histogram import (
    EPS,
    EXACT_LIMIT,
    Array,
    BinaryStats,
    grouped_stats,
    poisson,
    row_losses,
    score_bins,
)
from dsreport.analyse.binstats.metrics import (
    BEYOND_THRESHOLD,
    all_metrics,
    batch_metrics,
    confusion,
    point_metrics,
    replicates,
)

__all__ = [
    "BEYOND_THRESHOLD",
    "CALIBRATION_BINS",
    "EPS",
    "EXACT_LIMIT",
    "Array",
    "BinaryStats",
    "all_metrics",
    "batch_metrics",
    "calibration",
    "confusion",
    "ece_batch",
    "grouped_stats",
    "point_metrics",
    "poisson",
    "pr_curve",
    "quantiles",
    "replicates",
    "roc_curve",
    "row_losses",
    "score_bins",
]
