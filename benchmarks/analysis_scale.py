"""Analysis at scale: a predictions table of N rows with 8 slice columns.

Usage:
  python benchmarks/analysis_scale.py                      # 1 M and 10 M rows, Parquet
  python benchmarks/analysis_scale.py --task multiclass    # or regression; binary by default
  python benchmarks/analysis_scale.py --rows 100000000 --files 20 --statistics
  python benchmarks/analysis_scale.py --rows 1000000 --formats csv
  python benchmarks/analysis_scale.py --task regression --baseline ../old-checkout

Each run is a fresh interpreter (so peak memory is that run's own); load and analyse are
timed separately. Tables are written in chunks of at most 5 M rows (one Parquet file, or
`--files` files in a folder that the bundle names as its predictions), so a 100 M-row
table never sits in the benchmark's own memory. `--statistics` also times the path an
external engine takes: DuckDB runs the documented GROUP BY over the same Parquet rows and
a second bundle reads the small statistics table it produced (`format: statistics`).
Results print as a Markdown table of min / median / max; `--json FILE` keeps the raw runs.
`--baseline CHECKOUT` runs an older dsreport (its `src/` first on the path) right after each
run of this one on the same table, and prints its row and the ratio within each run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import measure
import numpy as np

HERE = Path(__file__).resolve().parent
TASKS = ("binary", "multiclass", "regression")
CLASSES = 10
CHUNK = 5_000_000
ROW_GROUP = 1_000_000


def _chunk(rng: np.random.Generator, start: int, rows: int, task: str) -> dict[str, Any]:
    """`rows` synthetic predictions of two rungs with 8 slice columns: binary (12%
    positives, scores), multiclass (10 classes, labels and the chosen rung's
    probabilities) or regression (a target and two predictions)."""
    columns: dict[str, Any] = {"id": np.arange(start, start + rows, dtype=np.int64)}
    if task == "binary":
        y = rng.random(rows) < 0.12
        base = rng.normal(0, 1, rows) + 1.6 * y
        gbm = 1 / (1 + np.exp(-(base * 1.3 - 2.2)))
        rules = 1 / (1 + np.exp(-(base * 0.7 - 1.4) + rng.normal(0, 0.8, rows)))
        columns |= {
            "label": np.where(y, "1", "0"),
            "split": np.full(rows, "test"),
            "score_rules": np.round(rules, 6),
            "score_gbm": np.round(gbm, 6),
        }
    elif task == "multiclass":
        names = np.array([str(c) for c in range(CLASSES)])
        truth = rng.integers(0, CLASSES, rows)
        logits = rng.normal(0, 1, (rows, CLASSES))
        logits[np.arange(rows), truth] += 2.5
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        wrong = rng.random(rows) < 0.25
        rules = np.where(wrong, rng.integers(0, CLASSES, rows), truth)
        columns |= {
            "label": names[truth],
            "split": np.full(rows, "test"),
            "pred_rules": names[rules],
            "pred_gbm": names[proba.argmax(axis=1)],
        }
        for c in range(CLASSES):
            columns[f"proba_gbm_{c}"] = np.round(proba[:, c], 6)
    else:
        x = rng.normal(0, 1, rows)
        y = 2.0 * x + rng.normal(0, 0.8, rows)
        columns |= {
            "label": np.round(y, 4),
            "split": np.full(rows, "test"),
            "pred_rules": np.round(1.5 * x, 4),
            "pred_gbm": np.round(2.0 * x + rng.normal(0, 0.3, rows), 4),
        }
    for i in range(8):
        levels = np.array([f"s{i}_{j}" for j in range(3 + 2 * i)])
        columns[f"slice{i}"] = levels[rng.integers(0, len(levels), rows)]
    return columns


def make_bundle(
    root: Path,
    rows: int,
    fmt: str,
    files: int = 1,
    task: str = "binary",
    row_group: int = ROW_GROUP,
) -> Path:
    """The scale bundle with `rows` predictions in one file or a folder of `files` files,
    `row_group` rows to a Parquet row group."""
    rng = np.random.default_rng(7)
    suffix = f"-{files}files" if files > 1 else ""
    suffix += f"-groups{row_group}" if row_group != ROW_GROUP else ""
    kind = "" if task == "binary" else f"{task}-"
    bundle = root / f"scale-{kind}{rows}-{fmt}{suffix}"
    data = bundle / "data"
    data.mkdir(parents=True, exist_ok=True)
    if files > 1:
        folder = data / "predictions"
        folder.mkdir(exist_ok=True)
        targets = [folder / f"part-{i:03d}.{fmt}" for i in range(files)]
        declared = "predictions"
    else:
        targets = [data / f"predictions.{fmt}"]
        declared = targets[0].name
    per_file = -(-rows // files)
    start = 0
    for target in targets:
        count = min(per_file, rows - start)
        _write(rng, target, start, count, fmt, task, row_group)
        start += count
    name = "scale_bundle.yaml" if task == "binary" else f"scale_bundle_{task}.yaml"
    text = (HERE / name).read_text()
    (bundle / "dsreport.yaml").write_text(text.replace("PREDICTIONS", declared))
    return bundle


def _write(
    rng: np.random.Generator,
    target: Path,
    start: int,
    rows: int,
    fmt: str,
    task: str,
    row_group: int = ROW_GROUP,
) -> None:
    if fmt == "csv":
        import pandas as pd

        for i, at in enumerate(range(0, rows, CHUNK)):
            frame = pd.DataFrame(_chunk(rng, start + at, min(CHUNK, rows - at), task))
            frame.to_csv(target, index=False, mode="w" if i == 0 else "a", header=i == 0)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for at in range(0, rows, CHUNK):
            table = pa.table(_chunk(rng, start + at, min(CHUNK, rows - at), task))
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table, row_group_size=row_group)
    finally:
        if writer is not None:
            writer.close()


def statistics_bundle(bundle: Path) -> tuple[Path, float]:
    """A copy of `bundle` whose predictions are the statistics table DuckDB computes from
    its rows with the documented queries (`statistics_sql`, written for this bundle);
    returns it and DuckDB's seconds."""
    import duckdb
    import yaml

    from dsreport.analyse.reduce.sql import statistics_sql
    from dsreport.bundle.spec import BundleSpec

    target = bundle.with_name(bundle.name + "-statistics")
    (target / "data").mkdir(parents=True, exist_ok=True)
    text = (bundle / "dsreport.yaml").read_text()
    declared = text.split("path: data/", 1)[1].split("\n", 1)[0].strip()
    source = bundle / "data" / declared
    pattern = str(source / "*.parquet") if source.is_dir() else str(source)
    spec = BundleSpec.model_validate(yaml.safe_load(text))
    queries = statistics_sql(spec, "duckdb", "grid")  # > 50,000 distinct scores
    began = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"CREATE VIEW predictions AS SELECT * FROM read_parquet('{pattern}')")
    out = target / "data" / "statistics.parquet"
    union = "\nUNION ALL BY NAME\n".join(f"SELECT * FROM ({q})" for q in queries.values())
    con.execute(f"COPY ({union}) TO '{out}' (FORMAT parquet)")
    seconds = time.perf_counter() - began
    text = text.replace(f"path: data/{declared}", "path: data/statistics.parquet")
    text = text.replace("  predictions:\n", "  predictions:\n    format: statistics\n", 1)
    (target / "dsreport.yaml").write_text(text)
    return target, seconds


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
    headline = facts.headline.metric if facts.headline else None
    print(json.dumps({"import": t1 - t0, "load": t2 - t1, "analyse": t3 - t2,
                      "peak_mb": peak, "metrics": len(facts.metrics),
                      "check": [headline.name, headline.value.text,
                                headline.interval.text if headline.interval else None]
                               if headline else None}))
    """
)


def run_once(bundle: Path, source: Path | None = None) -> dict[str, Any]:
    """One fresh interpreter's load and analysis; `source`: a checkout to import instead."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(source / "src"), *filter(None, [env.get("PYTHONPATH")])]
        )
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(bundle)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode:
        raise SystemExit(f"{bundle.name}: exit {done.returncode}\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - began
    return result


def describe(values: list[float], unit: str = "s") -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    if unit == "MB":
        return f"{low:,.0f} / **{mid:,.0f}** / {high:,.0f}"
    return f"{low:.2f} / **{mid:.2f}** / {high:.2f}"


def row(label: str, fmt: str, results: list[dict[str, Any]]) -> str:
    both = [r["load"] + r["analyse"] for r in results]
    return (
        f"| {label} | {fmt} | {describe([r['load'] for r in results])} | "
        f"{describe([r['analyse'] for r in results])} | {describe(both)} | "
        f"{describe([r['wall'] for r in results])} | "
        f"{describe([r['peak_mb'] for r in results], 'MB')} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", nargs="+", default=["parquet"])
    parser.add_argument("--files", type=int, default=1, help="Parquet files per table")
    parser.add_argument("--statistics", action="store_true", help="also the DuckDB path")
    parser.add_argument("--task", choices=TASKS, default="binary")
    parser.add_argument(
        "--row-group",
        type=int,
        default=ROW_GROUP,
        help="rows per Parquet row group (pyarrow's own default: 1048576)",
    )
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, help="save the raw runs here")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of an older dsreport to time beside this one"
    )
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="dsreport-bench-"))
    baseline = ""
    if args.baseline is not None:
        baseline = f"dsreport at {measure.source_version(args.baseline)}"
        measure.compile_bytecode([Path(measure.__file__).parent.parent / "src", args.baseline])
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {args.task} task; "
        f"{args.runs} runs; "
        "cells are min / **median** / max\n"
    )
    print("| rows | input | load | analysis | load + analysis | process wall | peak memory (MB) |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    raw: dict[str, Any] = {}
    for rows in args.rows:
        for fmt in args.formats:
            files = args.files if fmt == "parquet" else 1
            bundle = make_bundle(root, rows, fmt, files, args.task, args.row_group)
            cases = [(f"{fmt}, {files} files" if files > 1 else fmt, bundle)]
            if args.statistics and fmt == "parquet":
                duck = []
                for _ in range(args.runs):
                    stats_bundle, seconds = statistics_bundle(bundle)
                    duck.append(seconds)
                raw[f"{rows}-duckdb"] = duck
                print(f"| {rows:,} | DuckDB GROUP BY over the rows | | | {describe(duck)} | | |")
                cases.append(("statistics table (from DuckDB)", stats_bundle))
            for label, path in cases:
                results, before = [], []
                for _ in range(args.runs):
                    results.append(run_once(path))
                    if args.baseline is not None:  # right after, so both see the same load
                        before.append(run_once(path, args.baseline))
                raw[f"{rows}-{label}"] = results
                print(row(f"{rows:,}", label, results), flush=True)
                if before:
                    raw[f"{rows}-{label}-baseline"] = before
                    print(row(f"{rows:,}", f"{label}, {baseline}", before), flush=True)
                    ratios = [
                        (a["load"] + a["analyse"]) / (b["load"] + b["analyse"])
                        for a, b in zip(results, before, strict=True)
                    ]
                    print(
                        f"| | now ÷ {baseline}, load + analysis, within a run | | | "
                        f"{describe(ratios)} | | |",
                        flush=True,
                    )
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
