"""The build benchmark: one command measures everything and rewrites docs/performance.md.

Usage:
  python benchmarks/run.py              # five runs of everything (about half an hour)
  python benchmarks/run.py --quick      # one run, smallest sizes: a smoke test
  python benchmarks/run.py --runs 3 --workdir /tmp/bench   # keep and reuse bundles
  python benchmarks/run.py --from-json benchmarks/results.json   # only rewrite the doc
  python benchmarks/run.py --baseline ../old-checkout   # also an older dsreport, interleaved
  python benchmarks/run.py --skip reviewed csv         # leave out scaling families

Every measurement is a new process with a new output folder and cache folder (cold),
except the warm rebuild, which times the second of two `dsreport build`s. Runs are
interleaved (run 1 of every case, then run 2, ...) so that a noisy neighbour slows all
cases alike and ratios are taken within one run. Raw results go to
benchmarks/results.json; the doc is rewritten between its generated-block markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import alternative
import cases
import measure
import writeup

import dsreport

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "performance.md"
RESULTS = HERE / "results.json"
REVIEWED = (200, 2_000, 10_000)
PREDICTIONS = ((100_000, "parquet"), (1_000_000, "parquet"), (10_000_000, "parquet"))
PREDICTIONS += ((100_000, "csv"), (1_000_000, "csv"))


def fresh_env(work: Path) -> dict[str, str]:
    return {**os.environ, "DSREPORT_CACHE_DIR": tempfile.mkdtemp(dir=work, prefix="cache-")}


def cold(
    bundle: Path,
    work: Path,
    extra: tuple[str, ...] = (),
    jobs: str | None = None,
    source: Path | None = None,
) -> dict[str, Any]:
    """One instrumented `dsreport build --force` in a new process, new output and cache;
    `source` runs another checkout of dsreport (its `src/` first on the path)."""
    out = Path(tempfile.mkdtemp(dir=work, prefix="out-"))
    env = fresh_env(work) | ({"DSREPORT_JOBS": jobs} if jobs else {})
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    args = ["build", str(bundle), "-o", str(out / "o"), "--force", "--json", *extra]
    sample = measure.child("build", "--stages", "--", *args, env=env)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(env["DSREPORT_CACHE_DIR"], ignore_errors=True)
    if not sample.ok:
        return {"error": sample.failure()}
    t = json.loads(sample.stdout)["timings_s"]
    said = sample.report
    rendered = sum(v for k, v in t.items() if k.startswith("render:"))
    render_wall = said.get("render_wall", rendered)  # older pipelines render in turn
    lazy = said.get("import_weasyprint", 0.0) + said.get("import_matplotlib", 0.0)
    steps = said["import_dsreport"] + t["load"] + t["analyse"] + render_wall + t["write"]
    return {
        "startup": said["started_at"] - sample.spawned_at,
        "import_dsreport": said["import_dsreport"],
        "import_libs": lazy,  # inside the rendering phase, where dsreport imports them
        "load": t["load"],
        "analyse": t["analyse"],
        "charts": said["charts"] - said.get("import_matplotlib", 0.0),  # only charts use it
        "pdf": t.get("render:ds", 0.0) - said["charts"] - said.get("import_weasyprint", 0.0),
        **{k: said[k] for k in ("pdf_layout", "pdf_write") if k in said},
        **({"pdf_html": said["pdf_html"] - said["charts"]} if "pdf_html" in said else {}),
        "deck": t.get("render:pm", 0.0),
        "handoff": t.get("render:engineer", 0.0),
        "facts_summary": t.get("render:facts", 0.0) + t.get("render:summary", 0.0),
        "render_wall": render_wall,
        "write": t["write"],
        "other": said["in_process"] - steps,
        "shutdown": sample.wall - said["in_process"] - (said["started_at"] - sample.spawned_at),
        "total": sample.wall,
        "peak_mb": said["peak_mb"],
        "tree_peak_mb": said["tree_peak_mb"],
    }


def console(args: list[str], env: dict[str, str]) -> measure.Sample:
    """The `dsreport` command itself, uninstrumented: `python -m dsreport.cli`, which runs
    what the console script runs in whichever checkout is first on the path."""
    return measure.spawn([sys.executable, "-m", "dsreport.cli", *args], env=env)


def plain(
    bundle: Path,
    work: Path,
    out: Path | None = None,
    jobs: str | None = None,
    source: Path | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Wall time and peak of `dsreport build`; cold unless `out` is a built folder."""
    env = fresh_env(work) if out is None else {**os.environ, "DSREPORT_CACHE_DIR": str(work)}
    env |= {"DSREPORT_JOBS": jobs} if jobs else {}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    target = out or Path(tempfile.mkdtemp(dir=work, prefix="out-"))
    args = ["build", str(bundle), "-o", str(target), "--json", *extra]
    sample = console([*args, "--force"] if out is None else args, env=env)
    if out is None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(env["DSREPORT_CACHE_DIR"], ignore_errors=True)
    if not sample.ok:
        return {"error": sample.failure()}
    said = json.loads(sample.stdout)
    if out is not None and not said["cached"]:
        return {"error": "not a cache hit (was dsreport's code edited during the run?)"}
    lookup = said["timings_s"].get("cache", 0.0)
    peak = sample.report["tree_peak_mb"]
    return {"total": sample.wall, "tree_peak_mb": peak, "cached": said["cached"], "lookup": lookup}


@dataclass
class Plan:
    """Every bundle measured, prepared before the first timed run."""

    work: Path
    examples: dict[str, Path]
    scaled: dict[str, Path]
    sources: dict[str, alternative.Source]
    baseline: Path | None = None

    def one_run(self, res: dict[str, Any]) -> None:
        """Run i of every case, one after the other. The stage-by-stage builds run in one
        process (`DSREPORT_JOBS=1`): with a second process the PDF renders in a worker whose
        stages the instrumented process cannot see. The user's figure is the command's
        own wall time, uninstrumented, with its default choice of processes."""
        work = self.work
        for name, path in self.examples.items():
            res["cold"].setdefault(name, []).append(cold(path, work, jobs="1"))
            res["console"].setdefault(name, []).append(plain(path, work))
            if self.baseline is not None:  # right after, so both see the same load
                before = plain(path, work, source=self.baseline)
                res["baseline"].setdefault(name, []).append(before)
            res["sequential"].setdefault(name, []).append(plain(path, work, jobs="1"))
            if name in self.sources:  # the same work on both sides: a PDF and a deck
                only = ("--only", "pm", "--only", "ds")
                pm_ds = cold(path, work, only, jobs="1")
                res["pm_ds"].setdefault(name, []).append(pm_ds)
                as_run = plain(path, work, extra=only)  # the user's command, default processes
                res["pm_ds_command"].setdefault(name, []).append(as_run)
                alt = alternative.measure_once(self.sources[name])
                res["alternative"].setdefault(name, []).append(alt)
            plain(path, work / "warm", work / "warm" / name)  # a no-op unless code changed
            warm = plain(path, work / "warm", work / "warm" / name)  # the second, timed
            res["warm"].setdefault(name, []).append(warm)
        for key, path in self.scaled.items():
            res["scale"].setdefault(key, []).append(cold(path, work, jobs="1"))


def setup(args: argparse.Namespace, work: Path, res: dict[str, Any]) -> Plan:
    """Write the scaled bundles and the alternative's Markdown; warm the machine up."""
    reviewed = () if "reviewed" in args.skip else REVIEWED[:2] if args.quick else REVIEWED
    predictions = PREDICTIONS[:1] if args.quick else PREDICTIONS
    predictions = tuple(p for p in predictions if p[1] not in args.skip)
    examples = cases.examples()
    res["largest"] = cases.largest(examples)
    res["sizes"] = {name: cases.bundle_bytes(path) for name, path in examples.items()}
    res["not_measured"] = {}
    if args.quick:
        what = "reviewed 10,000; 1 M and 10 M prediction rows; CSV prediction tables"
        res["not_measured"][what] = "`--quick`"
    if "csv" not in args.skip:
        res["not_measured"]["10,000,000 prediction rows as CSV"] = "csv-10m"
    for family in args.skip:
        res["not_measured"][f"the {family} scaling family"] = f"`--skip {family}`"
    if args.baseline is not None:
        res["baseline_source"] = measure.source_version(args.baseline)
    scaled = {f"reviewed-{n}": cases.reviewed_bundle(work, n) for n in reviewed}
    scaled |= {f"{f}-{r}": cases.predictions_bundle(work, r, f) for r, f in predictions}
    for key, path in scaled.items():
        found = [p for p in (path / "data").iterdir() if p.name.startswith("predictions")]
        res["sizes"][key] = found[0].stat().st_size if found else cases.bundle_bytes(path)
    sources = {}
    if missing := alternative.available():
        res["not_measured"]["pandoc + Typst"] = missing
    else:
        for name, path in examples.items():
            folder = work / "alternative" / name
            folder.mkdir(parents=True, exist_ok=True)
            sources[name] = alternative.prepare(path, folder, fresh_env(work))
    res["bytecode"] = measure.compile_bytecode([Path(dsreport.__file__).parent, args.baseline])
    for name, path in examples.items():
        if not args.quick:  # warm-up: .pyc files, matplotlib's font list, the page cache
            cold(path, work)
            if name in sources:
                alternative.measure_once(sources[name])
    return Plan(work, examples, scaled, sources, args.baseline)


def measure_all(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    runs = args.runs if args.runs is not None else (1 if args.quick else 5)
    res: dict[str, Any] = {"runs": runs, "quick": args.quick}
    plan = setup(args, work, res)
    keys = ("cold", "baseline", "pm_ds", "pm_ds_command", "alternative", "console", "sequential")
    keys += ("warm", "scale")
    res |= {k: {} for k in keys}
    for run in range(runs):
        print(f"run {run + 1} of {runs}", file=sys.stderr, flush=True)
        plan.one_run(res)
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per case (default 5)")
    parser.add_argument("--quick", action="store_true", help="1 run, smallest sizes")
    parser.add_argument("--workdir", type=Path, help="keep bundles and outputs here")
    parser.add_argument("--doc", type=Path, default=DOC, help="the Markdown file to update")
    parser.add_argument("--from-json", type=Path, help="rewrite the doc from saved results")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of an older dsreport to time beside this one"
    )
    parser.add_argument(
        "--skip", nargs="+", default=[], choices=["reviewed", "parquet", "csv"],
        help="scaling families to leave out",
    )  # fmt: skip
    args = parser.parse_args()
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        began = time.perf_counter()
        work = args.workdir or Path(tempfile.mkdtemp(prefix="dsreport-bench-"))
        work.mkdir(parents=True, exist_ok=True)
        load_before, stamp = os.getloadavg(), measure.source_stamp()
        try:
            results = measure_all(args, work.resolve())
        finally:
            if args.workdir is None:
                shutil.rmtree(work, ignore_errors=True)
        results["meta"] = {
            "date": dt.date.today().isoformat(),
            "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
            "seconds": time.perf_counter() - began,
            "load_before": load_before,
            "load_after": os.getloadavg(),
            "runner_peak_mb": measure.own_peak_mb(),
            "source": measure.source_version(),
            "source_changed": measure.source_stamp() != stamp,
            "machine": measure.machine(alternative.versions()),
        }
        RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    writeup.update(args.doc, writeup.render(results))
    print(f"wrote {args.doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
