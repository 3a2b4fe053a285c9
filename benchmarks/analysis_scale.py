"""Analysis at scale: a binary predictions table of N rows with 8 slice columns.

Usage: python benchmarks/analysis_scale.py [--rows 1000000 10000000] [--runs 5] [--csv]

Each run is a fresh interpreter (so peak memory is that run's own); load and analyse are
timed separately. Results print as a Markdown table of min / median / max.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BUNDLE_YAML = (HERE / "scale_bundle.yaml").read_text()


def make_bundle(root: Path, rows: int, fmt: str) -> Path:
    rng = np.random.default_rng(7)
    bundle = root / f"scale-{rows}-{fmt}"
    (bundle / "data").mkdir(parents=True, exist_ok=True)
    y = rng.random(rows) < 0.12
    base = rng.normal(0, 1, rows) + 1.6 * y
    gbm = 1 / (1 + np.exp(-(base * 1.3 - 2.2)))
    rules = 1 / (1 + np.exp(-(base * 0.7 - 1.4) + rng.normal(0, 0.8, rows)))
    columns = {
        "id": np.char.zfill(np.arange(rows).astype(str), 9),
        "label": y.astype(np.int8).astype(str),
        "split": np.full(rows, "test"),
        "score_rules": np.round(rules, 6),
        "score_gbm": np.round(gbm, 6),
    }
    for i in range(8):
        levels = np.array([f"s{i}_{j}" for j in range(3 + 2 * i)])
        columns[f"slice{i}"] = levels[rng.integers(0, len(levels), rows)]
    import pandas as pd

    frame = pd.DataFrame(columns)
    path = bundle / "data" / f"predictions.{fmt}"
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    (bundle / "dsreport.yaml").write_text(BUNDLE_YAML.replace("PREDICTIONS", path.name))
    return bundle


RUN = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    import dsreport
    from dsreport.analyse.engine import analyse
    from dsreport.load.loader import LoadOptions
    from dsreport.load.paths import Limits
    t1 = time.perf_counter()
    bundle = dsreport.load_bundle(sys.argv[1], LoadOptions(limits=Limits(table_bytes=8 * 1024**3)))
    t2 = time.perf_counter()
    facts = analyse(bundle)
    t3 = time.perf_counter()
    # VmHWM is this process's own peak; ru_maxrss would include the parent's pages from
    # before exec (Linux keeps it across fork and exec)
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"import": t1 - t0, "load": t2 - t1, "analyse": t3 - t2,
                      "peak_mb": peak, "metrics": len(facts.metrics)}))
    """
)


def run_once(bundle: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(bundle)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(values: list[float], unit: str = "s") -> str:
    return f"{statistics.median(values):.2f} {unit} ({min(values):.2f}–{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"])
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="dsreport-bench-"))
    print(
        f"machine: {platform.machine()}, {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores; runs: {args.runs}; median (min–max)\n"
    )
    print("| rows | format | load | analyse | peak memory |")
    print("|---:|---|---:|---:|---:|")
    for rows in args.rows:
        for fmt in args.formats:
            bundle = make_bundle(root, rows, fmt)
            results = [run_once(bundle) for _ in range(args.runs)]
            print(
                f"| {rows:,} | {fmt} | {describe([r['load'] for r in results])} | "
                f"{describe([r['analyse'] for r in results])} | "
                f"{describe([r['peak_mb'] for r in results], 'MB')} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
