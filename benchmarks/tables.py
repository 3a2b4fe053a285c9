"""The measured tables of the build benchmark: cold, warm and the two scaling families."""

from __future__ import annotations

from typing import Any

from cells import PDF_PARTS, STAGES, Row, cell, col, ok, overlapped, ratios

PEAKS = (
    ("peak_mb", "peak memory, main process (MB, `VmHWM`)"),
    ("tree_peak_mb", "peak memory, all its processes (MB, sum of each one's `VmHWM`)"),
)


def cold_table(res: dict[str, Any]) -> list[str]:
    names = list(res["cold"])
    side = [n for n in names if ok(res["cold"][n]) and overlapped(res["cold"][n])]
    lines = [
        "### Cold full build, per stage",
        "",
        "`dsreport build EXAMPLE -o NEW_FOLDER --force` in a new process with an empty cache "
        "folder, all renderers, in one process (`DSREPORT_JOBS=1`: with two, the PDF renders "
        "in a worker started early, whose stages this process cannot time). "
        "Charts are drawn inside the PDF renderer and timed there by "
        "wrapping `dsreport.render.charts.all_charts`; the PDF row is the rest of `render:ds`. "
        "dsreport and its renderers are imported before the build, as the CLI does at that "
        "point; WeasyPrint and matplotlib are timed where dsreport imports them, inside the "
        "PDF renderer, so they count in the rendering wall time and not in the charts or PDF "
        "rows.",
        "",
    ]
    if side:
        lines += [
            f"The deck and the handoff rendered in a worker process beside the PDF "
            f"({', '.join(side)}), so the renderer rows add up to more than the rendering "
            "wall time; the other rows follow one another.",
            "",
        ]
    lines += ["| stage | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    parts = [
        (k, v)
        for k, v in PDF_PARTS.items()
        if all(k in r for n in names for r in ok(res["cold"][n]))
    ]
    at = list(STAGES).index("pdf") + 1  # the PDF's parts right under it
    rows = [*list(STAGES.items())[:at], *parts, *list(STAGES.items())[at:]]
    for key, label in [*rows, *PEAKS]:
        unit = "MB" if key in dict(PEAKS) else "s"
        lines.append(
            f"| {label} | " + " | ".join(col(res["cold"][n], key, unit) for n in names) + " |"
        )
    checks = []
    if rows := [res["console"].get(n, []) for n in names]:
        checks.append(
            "the `dsreport` command without instrumentation, with its default choice of "
            "processes, took "
            + ", ".join(f"{col(r, 'total')} s ({n})" for n, r in zip(names, rows, strict=True))
        )
    if rows := [res["sequential"].get(n, []) for n in names]:
        checks.append(
            "with `DSREPORT_JOBS=1` "
            + ", ".join(f"{col(r, 'total')} s ({n})" for n, r in zip(names, rows, strict=True))
        )
    if checks:
        lines += ["", "Cross-checks: " + "; ".join(checks) + "."]
    return [*lines, ""]


def warm_table(res: dict[str, Any]) -> list[str]:
    lines = [
        "### Warm rebuild, no change",
        "",
        "`dsreport build EXAMPLE -o OUT` twice in a row, the second timed: a new process "
        "that finds the bundle unchanged and the outputs intact. A second build that missed "
        "the cache counts as failed.",
        "",
        "| example | wall time | cache lookup (in process) | peak memory (MB) | every run cached |",
        "|---|---:|---:|---:|---|",
    ]
    for name, rows in res["warm"].items():
        cached = bool(ok(rows)) and all(r["cached"] for r in ok(rows))
        lines.append(
            f"| {name} | {col(rows, 'total')} | {col(rows, 'lookup')} | "
            f"{col(rows, 'tree_peak_mb', 'MB')} | {'yes' if cached else '**no**'} |"
        )
    return [*lines, ""]


def size_of(key: str) -> int:
    return int(key.rsplit("-", 1)[1])


def _pdf(r: Row) -> float:
    return float(r["charts"] + r["pdf"])


def reviewed_table(res: dict[str, Any]) -> list[str]:
    rows = {size_of(k): v for k, v in res["scale"].items() if k.startswith("reviewed-")}
    if not rows:
        return []
    lines = [
        "### Scaling: reviewed examples",
        "",
        "`tumour-triage` with its `reviewed.csv` grown to N rows (the 72 real reviews "
        "repeated under new ids); cold full build as above. The PDF lists the first 200 "
        "rows (`appendix_rows`) and attaches the whole table.",
        "",
        "| reviewed examples | load | analysis | PDF with charts | deck | handoff | total "
        "| peak memory, all processes (MB) | total ÷ total at 200, within a run |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = rows[min(rows)]
    for n in sorted(rows):
        runs = rows[n]
        lines.append(
            f"| {n:,} | {col(runs, 'load')} | {col(runs, 'analyse')} | {col(runs, _pdf)} | "
            f"{col(runs, 'deck')} | {col(runs, 'handoff')} | {col(runs, 'total')} | "
            f"{col(runs, 'tree_peak_mb', 'MB')} | {cell(ratios(runs, base, 'total'), 'x')} |"
        )
    return [*lines, ""]


def predictions_table(res: dict[str, Any]) -> list[str]:
    keys = [k for k in res["scale"] if not k.startswith("reviewed-")]
    if not keys:
        return []
    lines = [
        "### Scaling: prediction rows",
        "",
        "The synthetic binary bundle of `analysis_scale.py` (two rungs, 8 slice columns) "
        "with N prediction rows; cold full build, all renderers, in one process. Up to "
        "5 M rows the table is read into memory and attached to the PDF; above that it is "
        "streamed by batch through the reducer and not attached (the load row is then "
        "only the Parquet footers: the rows are read, and checked, in the analysis).",
        "",
        "| rows | format | table (MB) | load | analysis | PDF with charts | deck | handoff "
        "| total | peak memory, all processes (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sorted(keys, key=lambda k: (not k.startswith("parquet"), size_of(k))):
        runs, fmt = res["scale"][key], key.split("-")[0]
        mb = res["sizes"].get(key, 0) / 1024**2
        lines.append(
            f"| {size_of(key):,} | {fmt} | {mb:,.0f} | {col(runs, 'load')} | "
            f"{col(runs, 'analyse')} | {col(runs, _pdf)} | {col(runs, 'deck')} | "
            f"{col(runs, 'handoff')} | {col(runs, 'total')} | "
            f"{col(runs, 'tree_peak_mb', 'MB')} |"
        )
    return [*lines, ""]
