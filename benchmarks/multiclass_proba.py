"""Cost of the multiclass probability metrics: the one pass over the rows, and the bootstrap.

Usage: python benchmarks/multiclass_proba.py [--rows 10000 100000 1000000] [--runs 5]

Synthetic ten-class probabilities (a softmax of noisy logits). For each row count, times
`multiproba.build` (the pass: per-row losses, AUC pseudo-values, the top-probability
histogram), `multiproba.intervals` (1,000 resamples) and, for scale, the confusion-matrix
path every multiclass rung already takes (`multiclass.build_stats` and its 1,000-resample
bootstrap). Prints median (min-max) of the runs, all in one process, so compare as ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from dsreport.analyse import multiclass, multiproba
from dsreport.analyse.intervals import bootstrap


def data(rows: int, classes: int = 10) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    rng = np.random.default_rng(7)
    truth = rng.integers(0, classes, rows)
    logits = rng.normal(0, 1, (rows, classes))
    logits[np.arange(rows), truth] += 3.0
    proba = np.exp(logits)
    return truth.astype(np.int64), proba / proba.sum(axis=1, keepdims=True)


def timed(runs: int, fn: Callable[[], object]) -> str:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return f"{statistics.median(times):.3f} s ({min(times):.3f}–{max(times):.3f})"


def measure(rows: int, runs: int) -> str:
    """One table row: the three timings at `rows` rows."""
    truth, proba = data(rows)
    predicted = proba.argmax(axis=1)
    stats = multiproba.build(truth, proba, 512)
    rng = np.random.default_rng(1)
    names = [str(c) for c in range(10)]

    def confusion() -> object:
        matrix = multiclass.build_stats(names, truth, predicted, None)
        return bootstrap(matrix.resampled(rng, 1000), multiclass.all_metrics)

    return (
        f"| {rows:,} | {timed(runs, lambda: multiproba.build(truth, proba, 512))} | "
        f"{timed(runs, lambda: multiproba.intervals(stats, rng, 1000, 512))} | "
        f"{timed(runs, confusion)} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"runs: {args.runs}; median (min–max); 1,000 resamples\n")
    print("| rows | probability pass | probability bootstrap | confusion pass + bootstrap |")
    print("|---:|---:|---:|---:|")
    for rows in args.rows:
        print(measure(rows, args.runs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
