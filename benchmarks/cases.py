"""The bundles the build benchmark measures: the shipped examples and two scaled families.

Reviewed-examples scaling copies the binary example (`tumour-triage`) and replaces its
`reviewed.csv` with N rows, cycling the 72 real reviews under fresh ids, so everything
else in the report stays the same. Prediction-rows scaling reuses the synthetic bundle
of `analysis_scale.py` (8 slice columns, two rungs). Bundles already present in the
work folder are reused, since writing 10 M rows takes longer than building them.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
EXAMPLE_NAMES = ("tumour-triage", "digit-routing", "disease-progression")
REVIEWED_BASE = "tumour-triage"


def bundle_bytes(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())


def examples() -> dict[str, Path]:
    return {name: EXAMPLES / name for name in EXAMPLE_NAMES}


def largest(paths: dict[str, Path]) -> str:
    """The example with the most bytes on disk: the one the cold-build target names."""
    return max(paths, key=lambda name: bundle_bytes(paths[name]))


def reviewed_bundle(root: Path, rows: int) -> Path:
    """`tumour-triage` with `rows` reviewed examples."""
    bundle = root / f"reviewed-{rows}"
    target = bundle / "data" / "reviewed.csv"
    if target.exists():
        return bundle
    shutil.copytree(EXAMPLES / REVIEWED_BASE, bundle, dirs_exist_ok=True)
    with (EXAMPLES / REVIEWED_BASE / "data" / "reviewed.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        source = list(reader)
    staged = target.with_suffix(".tmp")
    with staged.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for i in range(rows):
            row = dict(source[i % len(source)])
            row["id"] = f"R{i + 1:07d}"
            writer.writerow(row)
    staged.replace(target)
    return bundle


def predictions_bundle(root: Path, rows: int, fmt: str) -> Path:
    """The synthetic scale bundle with `rows` predictions, written by a child process
    (numpy and pandas stay out of the runner, see measure.py)."""
    bundle = root / f"scale-{rows}-{fmt}"
    if (bundle / "data" / f"predictions.{fmt}").exists():
        return bundle
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from analysis_scale import make_bundle;"
        "make_bundle(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4])"
    )
    staging = root / f".staging-{os.getpid()}"
    subprocess.run(
        [sys.executable, "-c", code, str(HERE), str(staging), str(rows), fmt], check=True
    )
    (staging / bundle.name).replace(bundle)
    shutil.rmtree(staging, ignore_errors=True)
    return bundle
