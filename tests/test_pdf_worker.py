"""The PDF's worker gets the context without the tables' rows: it renders the same report
and, unpickling it, imports neither the loader nor pandas (so it is ready sooner)."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from dsreport.analyse.engine import analyse
from dsreport.load.loader import load_bundle
from dsreport.render.base import RenderContext
from dsreport.render.report import HtmlReport, attached_tables
from dsreport.render.run import _for_worker

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def context(name: str, out: Path) -> RenderContext:
    bundle = load_bundle(EXAMPLES / name)
    return RenderContext(facts=analyse(bundle), bundle=bundle, out_dir=out)


def test_the_worker_context_unpickles_without_the_loader_or_pandas(tmp_path: Path) -> None:
    ctx = context("digit-routing", tmp_path)
    payload = pickle.dumps(_for_worker(ctx, ["ds"]), pickle.HIGHEST_PROTOCOL)
    code = (
        "import pickle, sys\n"
        "import dsreport.render.run as run\n"
        "run.warm_up()\n"
        "ctx = pickle.loads(sys.stdin.buffer.read())\n"
        "print(ctx.table('reviewed').rows, ctx.table('predictions').sources)\n"
        "print(sorted(m for m in ('pandas', 'dsreport.load.loader', 'dsreport.load.tables')"
        " if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], input=payload, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
    reviewed = ctx.bundle.reviewed
    assert reviewed is not None
    assert run.stdout.decode().splitlines() == [
        f"{reviewed.rows} ('data/predictions.csv',)",
        "[]",
    ]


def test_the_worker_context_gives_the_same_report(tmp_path: Path) -> None:
    ctx = context("tumour-triage", tmp_path)
    there = pickle.loads(pickle.dumps(_for_worker(ctx, ["ds"]), pickle.HIGHEST_PROTOCOL))
    assert there.bundle.predictions is None and there.bundle.reviewed is None
    assert attached_tables(there) == attached_tables(ctx)
    assert [n for _, n, _ in attached_tables(ctx)[0]] == ["predictions.csv", "reviewed.csv"]
    reviewed = there.table("reviewed")
    assert reviewed is not None and ctx.bundle.reviewed is not None
    assert reviewed.rows == ctx.bundle.reviewed.rows
    assert len(reviewed.head) == min(200, reviewed.rows) > 0
    assert HtmlReport(there).html() == HtmlReport(ctx).html()


def test_the_worker_gets_facts_json_as_written_and_does_not_dump_the_facts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dsreport.render.facts_json import facts_json

    ctx = context("tumour-triage", tmp_path)
    text = facts_json(ctx)
    there = pickle.loads(pickle.dumps(_for_worker(ctx, ["ds"]), pickle.HIGHEST_PROTOCOL))

    def dumped_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the facts were dumped a second time")

    monkeypatch.setattr(type(there.facts), "model_dump", dumped_again)
    assert facts_json(there) == text
    assert json.loads(text)["slug"] == "tumour-triage"
