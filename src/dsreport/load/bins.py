"""The score grids of the binary statistics, shared by the reducer and the statistics
table's checks: arithmetic an SQL engine repeats bit for bit."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

GRID = 10_000
"""Score bins of 1/GRID once a table has too many distinct scores to keep each one."""
NUDGE = 1e-9
"""Added to score x GRID before the floor: 0.29 x 10,000 is 2899.9999999999995 in floating
point, and a score written as 0.29 must land in the bin of 0.29 (a threshold of 0.29 then
still counts it as at or above)."""
ROWS_KEPT = 100_000
"""Rows kept exactly, past which a group is summed and sampled: the chosen rung's test rows
(for a later review to pair on) and a multiclass group's probability rows. A statistics
table's checks need it as much as the reducers do."""
PAIR_GRID = 40
"""Bins of 1/PAIR_GRID for the joint histogram of two rungs (plus the threshold as an edge)."""


def pair_values(threshold: float) -> NDArray[np.float64]:
    """The pair grid's lower edges, ascending, with the operating threshold among them."""
    grid = np.arange(PAIR_GRID + 1, dtype=np.float64) / PAIR_GRID
    return np.unique(np.concatenate([grid, [float(threshold)]]))


def grid_index(scores: NDArray[np.float64]) -> NDArray[np.int64]:
    """Each score's bin on the grid of 1/GRID: FLOOR(score * 10000 + 1e-9) in SQL."""
    return np.minimum(np.floor(scores * GRID + NUDGE), GRID).astype(np.int64)
