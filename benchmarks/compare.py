"""dsreport against pandoc + Typst, stage by stage, from runs measured one after the other.

dsreport's side is its own cold build with `--only pm --only ds`, the same work as the
alternative's (a PDF and a deck), in one process, less the load and the analysis, since the
alternative starts from numbers already computed. Beside it, the command as a user runs it
(default processes, its load and analysis included), timed whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cells import Pick, Row, cell, col, ok, ratios


def pdf_ds(r: Row) -> float:
    return float(r["charts"] + r["pdf"])


def e2e_ds(r: Row) -> float:
    """The whole `--only pm,ds` build less the load, the analysis and facts.json."""
    return float(r["total"] - r["load"] - r["analyse"] - r["facts_summary"])


def e2e_alt(a: Row) -> float:
    return float(a["total"])


ROWS: list[tuple[str, Callable[[Row], float], Callable[[Row], float]]] = [
    ("charts: matplotlib drawing in process", lambda r: r["charts"], lambda a: a["charts_draw"]),
    ("PDF without charts (dsreport: HTML, WeasyPrint; the other: pandoc to Typst source, "
     "then Typst compiling in process)", lambda r: r["pdf"],
     lambda a: a["pandoc_typst"] + a["typst_compile"]),
    ("PDF with charts", pdf_ds,
     lambda a: a["charts_draw"] + a["pandoc_typst"] + a["typst_compile"]),
    ("deck (dsreport: python-pptx, native charts; the other: pandoc, PNG charts)",
     lambda r: r["deck"], lambda a: a["pandoc_pptx"]),
    ("interpreter start-up, imports and shutdown", lambda r: r["startup"]
     + r["import_dsreport"] + r["import_libs"] + r["shutdown"], lambda a: a["startup"]),
    ("**end to end: the PDF and the deck from finished numbers**", e2e_ds, e2e_alt),
]  # fmt: skip


COMMAND = (
    "· the same as the command a user runs: `dsreport build --only pm --only ds`, whole, its "
    "default processes (the PDF in a second one), its bundle loaded and analysed too"
)


def table(res: dict[str, Any], name: str) -> list[str]:
    ds, alt = res["pm_ds"].get(name, []), res["alternative"].get(name, [])
    if not ok(alt) or not ok(ds):
        failed = [r["error"] for r in alt + ds if "error" in r]
        return [f"{name}: {failed[0] if failed else 'not measured'}", ""]
    lines = [
        f"| {name} | dsreport | pandoc + Typst | dsreport ÷ pandoc + Typst, within a run |",
        "|---|---:|---:|---:|",
    ]
    for label, fd, fa in ROWS:
        lines.append(
            f"| {label} | {col(ds, fd)} | {col(alt, fa)} | {cell(ratios(ds, alt, fd, fa), 'x')} |"
        )
    if ok(command := res.get("pm_ds_command", {}).get(name, [])):
        lines.append(
            f"| {COMMAND} | {col(command, 'total')} | {col(alt, e2e_alt)} | "
            f"{cell(ratios(command, alt, 'total', e2e_alt), 'x')} |"
        )
    peak = ratios(ds, alt, "tree_peak_mb", "peak_mb")
    lines.append(
        "| peak memory (MB; dsreport: sum over its processes; the other: its largest "
        f"process) | {col(ds, 'tree_peak_mb', 'MB')} | {col(alt, 'peak_mb', 'MB')} | "
        f"{cell(peak, 'x')} |"
    )
    return [*lines, ""]


def section(res: dict[str, Any]) -> list[str]:
    if not res["alternative"]:
        return []
    lines = [
        "### Against pandoc + Typst (the engines Quarto uses)",
        "",
        "The same report as Markdown (dsreport's report HTML converted by pandoc once, "
        "before timing: same sections, tables and words), rendered in every run by: "
        "matplotlib drawing the same charts from facts.json as SVG and PNG (a new Python "
        "process), pandoc writing Typst source, Typst compiling it to PDF (the `typst` "
        "module from PyPI in a new Python process), and pandoc writing a PPTX with the PNG "
        "charts. Each run of the alternative follows dsreport's `--only pm --only ds` "
        "builds of the same example, so both see the same load on the machine: one in a "
        "single process, timed stage by stage, and the command as a user runs it, timed whole "
        "(the row under the end-to-end one).",
        "",
    ]
    for name in res["alternative"]:
        lines += table(res, name)
    return lines


def overall(res: dict[str, Any], key: str = "pm_ds", pick: Pick = e2e_ds) -> list[float]:
    """Ratios to the alternative over every example and run: dsreport's end to end in one
    process (`pm_ds`), or the user's command timed whole (`pm_ds_command`, its `total`)."""
    return [
        x
        for name, alt in res["alternative"].items()
        for x in ratios(res.get(key, {}).get(name, []), alt, pick, e2e_alt)
    ]
