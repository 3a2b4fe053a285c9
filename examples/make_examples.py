"""Build the three example bundles from public data that ships with scikit-learn.

    /opt/venv/bin/python examples/make_examples.py                    # rebuild all three
    /opt/venv/bin/python examples/make_examples.py --measure-latency  # and re-time the rungs

Writes examples/tumour-triage/, examples/digit-routing/ and examples/disease-progression/,
replacing their contents. Needs scikit-learn; building the bundles afterwards does not.
No network: the data sets are bundled with scikit-learn.

The output is deterministic: a fixed seed for every split, model and bootstrap, and
latencies read from _generate/latency.json (timings are not reproducible, so they are
measured once and recorded; --measure-latency measures them again on this machine).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _generate import digits, kit, progression, tumour

BUILDERS = {
    "tumour-triage": tumour.build,
    "digit-routing": digits.build,
    "disease-progression": progression.build,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--measure-latency",
        action="store_true",
        help="time every rung again instead of reading _generate/latency.json",
    )
    parser.add_argument(
        "only",
        nargs="*",
        metavar="BUNDLE",
        help="build only these bundles (default: all): " + ", ".join(BUILDERS),
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.only if name not in BUILDERS]
    if unknown:
        parser.error("unknown bundle: " + ", ".join(unknown))
    warnings.filterwarnings("ignore", category=UserWarning, module="sklearn")
    book = kit.LatencyBook(remeasure=args.measure_latency)
    for name in args.only or BUILDERS:
        start = time.perf_counter()
        # One thread: on a small machine OpenMP thread pools only add contention, and
        # single-threaded fits are reproducible bit for bit.
        with threadpool_limits(limits=1):
            summary = BUILDERS[name](book)
        print(
            f"{summary.name}: chosen {summary.chosen}; {summary.headline} "
            f"({time.perf_counter() - start:.1f} s)"
        )
        for line in summary.lines:
            print(f"  {line}")
    book.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
