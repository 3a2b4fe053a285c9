"""What runs inside each measured process, so every measurement starts a fresh interpreter.

Usage (from benchmarks/run.py, not by hand):
  _child.py build REPORT [--stages] -- ARGS...   run `dsreport ARGS` through its real CLI
  _child.py charts REPORT FACTS OUTDIR           draw the report's charts as SVG and PNG
  _child.py typst REPORT IN.typ OUT.pdf FONTS     compile with the typst Python module

Each mode writes a JSON report to REPORT: when its code started and how long it ran
(`started_at`, `in_process`: the runner derives interpreter start-up and shutdown from
its own clock), the stage times dsreport does not record itself (imports, chart drawing,
the PDF's parts) and the peak resident memory (`VmHWM`, this process's own high-water
mark, unlike `ru_maxrss`, which Linux carries over from the parent across exec).
"""

from __future__ import annotations

import time

START, STARTED_AT = time.perf_counter(), time.time()  # the runner knows when it spawned us

import builtins  # noqa: E402  (after START: the standard library is part of the run)
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

LAZY = ("weasyprint", "matplotlib")


def peak_mb() -> float:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timer(report: dict[str, Any], owner: Any, name: str, key: str) -> None:
    """Replace `owner.name` with a wrapper adding its seconds to `report[key]`; a name the
    code under test no longer has is left alone (its row is then not shown)."""
    original = getattr(owner, name, None)
    if original is None:
        return
    report[key] = 0.0

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            report[key] += time.perf_counter() - began

    setattr(owner, name, timed)


def lazy_imports(report: dict[str, Any]) -> None:
    """Time the first import of WeasyPrint and of matplotlib where dsreport makes it, inside
    the PDF renderer, instead of importing them early: that would move them off a
    rendering phase that may overlap with a worker process."""
    real = builtins.__import__
    depth = 0
    for top in LAZY:
        report[f"import_{top}"] = 0.0

    def timed(name: str, *args: Any, **kwargs: Any) -> Any:
        nonlocal depth
        top = name.partition(".")[0]
        relative = (args[3] if len(args) > 3 else kwargs.get("level", 0)) > 0
        if depth or relative or top not in LAZY or name in sys.modules:
            return real(name, *args, **kwargs)
        depth += 1  # their own imports of their submodules count once
        began = time.perf_counter()
        try:
            return real(name, *args, **kwargs)
        finally:
            depth -= 1
            report[f"import_{top}"] += time.perf_counter() - began

    builtins.__import__ = timed


def import_stages(report: dict[str, Any]) -> None:
    """Import dsreport with every renderer, as the CLI does before building, timing it; then
    wrap the steps dsreport does not time itself: the lazy imports, the chart drawing, the
    PDF's parts (templates, WeasyPrint layout, WeasyPrint writing) and the rendering phase
    as a whole, whose renderers may run side by side."""
    t0 = time.perf_counter()
    import dsreport.pipeline as pipeline
    from dsreport.render.base import available

    available()  # imports every renderer module (python-pptx comes with the deck)
    report["import_dsreport"] = time.perf_counter() - t0
    lazy_imports(report)
    from dsreport.render import charts
    from dsreport.render import report as pdf_report

    timer(report, charts, "all_charts", "charts")  # looked up on the module at call time
    timer(report, getattr(pdf_report, "HtmlReport", None), "html", "pdf_html")
    timer(report, pipeline, "render_all", "render_wall")
    if "weasyprint" in sys.modules:  # imported with dsreport: its methods can be wrapped now
        wrap_weasyprint(report)
    else:  # wrapped once the PDF renderer imports it
        hook_after_import(report, "weasyprint", wrap_weasyprint)


def wrap_weasyprint(report: dict[str, Any]) -> None:
    import weasyprint
    from weasyprint.document import Document

    timer(report, weasyprint.HTML, "render", "pdf_layout")
    timer(report, Document, "write_pdf", "pdf_write")


def hook_after_import(report: dict[str, Any], module: str, then: Any) -> None:
    """Call `then(report)` once `module` is imported, when the outermost import returns
    (a nested one may see the module half initialised)."""
    real = builtins.__import__
    depth = 0

    def watch(name: str, *args: Any, **kwargs: Any) -> Any:
        nonlocal depth
        depth += 1
        try:
            done = real(name, *args, **kwargs)
        finally:
            depth -= 1
        if not depth and module in sys.modules and builtins.__import__ is watch:
            builtins.__import__ = real
            then(report)
        return done

    builtins.__import__ = watch


def build(report: dict[str, Any], argv: list[str]) -> None:
    stages = argv[0] == "--stages"
    args = argv[argv.index("--") + 1 :]
    if stages:
        import_stages(report)
    from dsreport.cli import main

    try:
        main(args=args, prog_name="dsreport")
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    report["exit"] = code if isinstance(code, int) else (0 if code is None else 1)


def charts(report: dict[str, Any], facts_path: str, out: str) -> None:
    """The alternative's chart step: dsreport's own matplotlib charts, read from facts.json,
    saved as SVG (for Typst) and PNG at 200 dpi (for PowerPoint)."""
    t0 = time.perf_counter()
    from dsreport.analyse.facts import Facts
    from dsreport.render import charts as module

    t1 = time.perf_counter()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    from dsreport.render import chartsvg

    save_svg = chartsvg.svg
    pngs: list[bytes] = []

    def both(fig: Any) -> str:  # one call per chart made, in all_charts' order
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=200, bbox_inches="tight")
        pngs.append(buffer.getvalue())
        return save_svg(fig)

    for name, loaded in list(sys.modules.items()):  # every module that imported it by name
        if name.startswith("dsreport.render") and getattr(loaded, "svg", None) is save_svg:
            loaded.svg = both  # type: ignore[attr-defined]
    facts = Facts.model_validate_json(Path(facts_path).read_bytes())
    made = module.all_charts(facts)
    for (key, chart), png in zip(made.items(), pngs, strict=True):
        (folder / f"{key}.svg").write_text(chart.svg, encoding="utf-8")
        (folder / f"{key}.png").write_bytes(png)
    t2 = time.perf_counter()
    report.update(import_s=t1 - t0, draw=t2 - t1, count=len(made))


def typst(report: dict[str, Any], source: str, output: str, fonts: str) -> None:
    t0 = time.perf_counter()
    import typst as engine

    t1 = time.perf_counter()
    engine.compile(source, output=output, root=str(Path(source).parent), font_paths=[fonts])
    report.update(import_s=t1 - t0, compile=time.perf_counter() - t1)


def main() -> int:
    mode, target, *rest = sys.argv[1:]
    report: dict[str, Any] = {}
    if mode == "build":
        build(report, rest)
    elif mode == "charts":
        charts(report, *rest)
    elif mode == "typst":
        typst(report, *rest)
    else:
        raise SystemExit(f"unknown mode {mode}")
    report["in_process"] = time.perf_counter() - START
    report["started_at"] = STARTED_AT
    report["peak_mb"] = peak_mb()
    Path(target).write_text(json.dumps(report), encoding="utf-8")
    code = int(report.get("exit", 0))
    if mode == "build":  # end as the dsreport command does once its outputs are written
        from dsreport import cli

        if hasattr(cli, "console_main"):  # an older checkout tears everything down
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
