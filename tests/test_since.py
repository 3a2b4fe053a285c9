"""What changed since the last review, end to end: build the binary example, retrain its
chosen rung, move its threshold and retype one input field, then build with `--since` the
first build's PDF. Every artifact must show the same changes, the metric changes must be
paired, the contract change breaking; `dsreport diff` must print it and fail on a new
warning; and a bad previous review must stop the build with one line, touching nothing."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from dsreport.analyse.facts import Facts
from dsreport.cli import main
from helpers import EXAMPLES, QUIET_ENV, Run, edit_yaml
from report_helpers import missing_tools, pdf_text, squeeze

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(missing_tools()), reason=f"needs poppler-utils and qpdf: {missing_tools()}"
    ),
]
SLUG = "tumour-triage"


def invoke(*args: str | Path) -> Run:
    runner = CliRunner(env={**QUIET_ENV, "FORCE_COLOR": None, "TTY_COMPATIBLE": None})
    result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def retrain(root: Path) -> None:
    """The chosen rung retrained: its scores move towards the truth on most rows."""
    path = root / "data" / "predictions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(7)
    for row in rows:
        score = float(row["score_logreg"])
        step = 0.08 * rng.random()
        moved = score + step if row["label"] == "1" else score - step
        row["score_logreg"] = f"{min(1.0, max(0.0, moved)):.6f}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@dataclass
class Pair:
    first: Path
    """The first build's output folder."""
    second: Path
    """The build with --since the first PDF."""
    bundle: Path
    """The changed bundle."""
    original: Path
    facts: Facts
    build: Run

    @property
    def pdf(self) -> Path:
        return self.first / f"{SLUG}-report.pdf"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    root = tmp_path_factory.mktemp("since")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DSREPORT_CACHE_DIR", str(root / "cache"))
        original = root / "before"
        shutil.copytree(EXAMPLES / SLUG, original)
        first = root / "out-before"
        run = invoke("build", original, "-o", first)
        assert run.exit_code == 0, run.stderr
        bundle = root / "after"
        shutil.copytree(original, bundle)
        retrain(bundle)
        edit_yaml(bundle, "uses it.\n  threshold: 0.2\n", "uses it.\n  threshold: 0.3\n")
        # the served setting moves with the threshold; the golden responses were the old
        # model's, so a retrained model ships without them until they are regenerated
        edit_yaml(
            bundle,
            "    - name: threshold\n      default: 0.2\n",
            "    - name: threshold\n      default: 0.3\n",
        )
        edit_yaml(bundle, "  golden_set:\n    path: data/golden.jsonl\n", "")
        edit_yaml(
            bundle,
            "    - name: mean_area\n      type: number",
            "    - name: mean_area\n      type: integer",
        )
        second = root / "out-after"
        build = invoke("build", bundle, "-o", second, "--since", first / f"{SLUG}-report.pdf")
        assert build.exit_code == 0, build.stderr
        facts = Facts.model_validate_json((second / f"{SLUG}-facts.json").read_bytes())
        yield Pair(first, second, bundle, original, facts, build)


def test_the_facts_hold_the_changes_with_paired_intervals(pair: Pair) -> None:
    since = pair.facts.since
    assert since is not None
    assert since.previous.source == "pdf"
    assert since.previous.file == f"{SLUG}-facts.json"
    assert since.pairing == "paired"
    assert since.pairing_reason == "both reviews scored the same 228 test rows"
    decision = since.metrics[0]
    assert decision.metric == "recall" and decision.decision_metric
    for change in since.metrics:
        assert change.change.kind == "paired", change.metric
        assert change.change.interval is not None
        assert change.change.interval.method in ("exact", "bootstrap")
    brier = next(m for m in since.metrics if m.metric == "brier")
    assert brier.change.method == "paired bootstrap, 1,000 resamples, 228 rows"
    texts = [c.text for c in since.changes]
    assert "Logistic regression was retrained: its output changed on 202 of 228 test rows." in texts
    assert "Operating threshold: 0.2 → 0.3." in texts
    contract = [c for c in since.changes if c.area == "contract"]
    assert [(c.subject, c.breaking) for c in contract] == [("input field mean_area", True)]
    assert contract[0].text == "Input field mean_area: type number → integer; breaking."
    assert since.breaking
    assert since.actions[:3] == [
        "Redeploy Logistic regression: the model itself changed.",
        "Update every client before deploying: input field mean_area, type number → integer.",
        "Set the operating threshold to 0.3 where the model is served (it was 0.2).",
    ]
    assert since.recommendation.text == "Ship with conditions, unchanged"


def test_paired_threshold_metrics_keep_the_last_reviews_decisions(pair: Pair) -> None:
    """The last review's recall, precision and specificity were at 0.2; the paired test
    judges its scores with the decisions they had then, so its values are the last facts'."""
    before = Facts.model_validate_json((pair.first / f"{SLUG}-facts.json").read_bytes())
    chosen = {
        m.name: m.value.value
        for m in before.metrics
        if m.rung == "logreg" and m.split == "test" and m.slice_key is None
    }
    assert pair.facts.since is not None
    for change in pair.facts.since.metrics:
        c = change.change
        assert c.other_value.value == chosen[change.metric]
        assert c.chosen_value.value is not None and c.other_value.value is not None
        assert c.delta.value == pytest.approx(c.chosen_value.value - c.other_value.value)


def test_the_pdf_has_the_section_after_the_executive_summary(pair: Pair) -> None:
    pdf = pair.second / f"{SLUG}-report.pdf"
    text = pdf_text(pdf)
    body = text[text.index("Executive summary", text.index("Contents") + 200) :]
    assert body.index("Since the last review") < body.index("Ecosystem")
    since = pair.facts.since
    assert since is not None
    flat = squeeze(body)
    for change in since.changes:
        assert squeeze(change.text) in flat, change.text
    for action in since.actions:
        assert squeeze(action) in flat, action
    table = flat[flat.index("Metricsofthechosenmodel") : flat.index("Ladder,design,operatorview")]
    for m in since.metrics:  # the label (its last word may wrap), then before, now, change
        start = table.index(squeeze(m.label.split()[0]))
        values = squeeze(
            f"{m.change.other_value.text}{m.change.chosen_value.text}{m.change.delta.text}"
        )
        assert values in table[start : start + 80], m.metric
    assert squeeze(since.verdict) in flat


def test_the_deck_has_a_slide_after_the_title(pair: Pair) -> None:
    since = pair.facts.since
    assert since is not None
    deck = Presentation(str(pair.second / f"{SLUG}-deck.pptx"))
    slide = deck.slides[1]
    assert slide.shapes.title.text == since.verdict_pm
    tables = [s.table for s in slide.shapes if s.has_table]
    cells = [[c.text for c in row.cells] for row in tables[0].rows]
    assert cells[0] == ["What we measure", "Last review", "Now", "Change"]
    recall = next(m for m in since.metrics if m.metric == "recall")
    assert cells[1][1:3] == [recall.change.other_value.text_pm, recall.change.chosen_value.text_pm]
    words = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "Operating threshold: 0.2 → 0.3." in words
    assert "Breaking change:" in words
    notes = slide.notes_slide.notes_text_frame.text
    for line in (since.verdict, *[m.text for m in since.metrics], *[c.text for c in since.changes]):
        assert line in notes


def test_the_handoff_has_a_changelog(pair: Pair) -> None:
    since = pair.facts.since
    assert since is not None
    folder = pair.second / f"{SLUG}-handoff"
    changelog = (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "**This release breaks the contract:**" in changelog
    assert (
        "| Input field mean_area: type number → integer; breaking. | number, required, 143 to "
        "2510 | integer, required, 143 to 2510 | **yes** |"
    ) in changelog
    assert "- Operating threshold: 0.2 → 0.3." in changelog
    for i, action in enumerate(since.actions, start=1):
        assert f"{i}. {action}" in changelog
    with zipfile.ZipFile(pair.second / f"{SLUG}-handoff.zip") as archive:
        assert archive.read(f"{SLUG}-handoff/CHANGELOG.md").decode("utf-8") == changelog
    assert "  CHANGELOG.md\n" in (folder / "MANIFEST.sha256").read_text(encoding="utf-8")
    assert "| `CHANGELOG.md` |" in (folder / "README.md").read_text(encoding="utf-8")
    assert not (pair.first / f"{SLUG}-handoff" / "CHANGELOG.md").exists()


def test_the_summary_shows_the_same_changes(pair: Pair) -> None:
    since = pair.facts.since
    assert since is not None
    summary = (pair.second / f"{SLUG}-summary.md").read_text(encoding="utf-8")
    assert (
        "### Since the last review (1.0.0, 2026-11-20): Ship with conditions, unchanged" in summary
    )
    assert "- Input field mean\\_area: type number → integer; breaking. ⚠️" in summary
    assert "- Operating threshold: 0.2 → 0.3." in summary
    recall = next(m for m in since.metrics if m.metric == "recall")
    interval = recall.change.interval
    assert interval is not None
    assert f"| {recall.change.delta.text} ({interval.text}, paired) |" in summary


def test_diff_prints_the_comparison_and_fails_on_a_new_warning(pair: Pair) -> None:
    run = invoke("diff", pair.pdf, pair.bundle, "--fail-on", "warning")
    since = pair.facts.since
    assert since is not None
    assert run.exit_code == 1
    assert run.stdout.startswith(
        "since the last review: Tumour triage 1.0.0 of 2026-11-20 (Ship with conditions)\n"
    )
    assert "metric changes are paired: both reviews scored the same 228 test rows" in run.stdout
    assert "Operating threshold: 0.2 → 0.3." in run.stdout
    raised = [f for f in since.findings if f.status == "raised" and f.severity == "warning"]
    assert raised
    assert run.err_lines == [f"new warning: {f.message}" for f in raised]
    calm = invoke("diff", pair.pdf, pair.bundle, "--fail-on", "critical")
    assert calm.exit_code == 0 and calm.stderr == ""
    report = json.loads(
        invoke("diff", pair.pdf, pair.bundle, "--json", "--fail-on", "warning").stdout
    )
    assert report["failed"] is True
    assert report["since"]["metrics"][0]["change"]["kind"] == "paired"
    assert report["since"] == json.loads(since.model_dump_json())


def test_diff_is_quiet_about_an_unchanged_bundle(pair: Pair) -> None:
    run = invoke("diff", pair.first, pair.original, "--fail-on", "info", "--json")
    assert run.exit_code == 0, run.stderr
    since = json.loads(run.stdout)["since"]
    assert since["changes"] == [] and since["actions"] == []
    assert {m["verdict"] for m in since["metrics"]} == {"unchanged"}
    assert {f["status"] for f in since["findings"]} == {"open"}
    assert since["verdict"].endswith("Nothing that bears on the call changed beyond the noise.")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def refused(pair: Pair, previous: Path, *extra: str) -> Run:
    """Build the changed bundle with --since `previous` into the second build's folder."""
    before = snapshot(pair.second)
    run = invoke("build", pair.bundle, "-o", pair.second, "--since", previous, "--force", *extra)
    assert run.exit_code == 1
    assert snapshot(pair.second) == before
    assert not list(pair.second.glob(".dsreport-*"))
    return run


def test_an_unrelated_projects_review_stops_the_build(pair: Pair, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(pair.bundle, other)
    edit_yaml(other, 'name: "Tumour triage"', 'name: "Claims routing"')
    edit_yaml(other, "slug: tumour-triage", "slug: claims-routing")
    out = tmp_path / "out"
    run = invoke("build", other, "-o", out, "--since", pair.pdf)
    assert run.exit_code == 1
    assert run.err_lines == [
        "error: tumour-triage-facts.json is the review of 'Tumour triage' (tumour-triage), not "
        "of 'Claims routing' (claims-routing): the projects differ; pass this project's last "
        "review"
    ]
    assert not out.exists() or not any(out.iterdir())


def test_a_corrupted_pdf_is_one_line_and_touches_nothing(
    pair: Pair, tmp_path: Path, run_dsreport: Callable[..., Run]
) -> None:
    data = pair.pdf.read_bytes()
    broken = tmp_path / "last.pdf"
    broken.write_bytes(data[: len(data) // 3] + b"\x00garbage" * 50)
    line = (
        f"error: {broken}: not a readable PDF (damaged, or not a PDF); pass the last review's "
        "PDF, its facts.json or its output folder"
    )
    assert refused(pair, broken).err_lines == [line]
    before = snapshot(pair.second)
    # a real process: nothing the PDF library logs or warns reaches standard error
    run = run_dsreport("build", pair.bundle, "-o", pair.second, "--since", broken, "--force")
    assert (run.exit_code, run.err_lines) == (1, [line])
    assert snapshot(pair.second) == before
    renamed = tmp_path / "notes.pdf"
    renamed.write_text("not a pdf", encoding="utf-8")
    assert refused(pair, renamed).err_lines == [
        f"error: {renamed}: not a readable PDF (no PDF header); pass the last review's PDF, its "
        "facts.json or its output folder"
    ]


def test_an_oversized_pdf_is_one_line_and_touches_nothing(pair: Pair, tmp_path: Path) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.write(pair.pdf.read_bytes())
        handle.truncate(60 * 1024 * 1024)  # sparse: cheap to write
    assert refused(pair, huge).err_lines == [
        f"error: {huge}: 60.0 MiB, over the 50.0 MiB limit for a previous review (raise it "
        "with --max-file-size)"
    ]
    small = refused(pair, pair.pdf, "--max-file-size", "200K")
    assert small.err_lines[0].startswith(f"error: {pair.pdf}: ")
    assert small.err_lines[0].endswith(
        "over the 200.0 KiB limit for a previous review (raise it with --max-file-size)"
    )


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.99", "facts version 1.99 is newer than a version this dsreport understands"),
        ("2.0", "facts version 2.0 is newer than a version this dsreport understands"),
        ("0.9", "facts version 0.9 is not a version this dsreport understands"),
    ],
)
def test_a_facts_file_of_another_format_is_one_line(
    pair: Pair, tmp_path: Path, version: str, message: str
) -> None:
    data = json.loads((pair.first / f"{SLUG}-facts.json").read_text(encoding="utf-8"))
    data["facts_version"] = version
    path = tmp_path / f"{SLUG}-facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    (line,) = refused(pair, path).err_lines
    assert line.startswith(f"error: {path}: {message} (1.0 to ")


def test_a_facts_file_that_breaks_the_schema_is_one_line(pair: Pair, tmp_path: Path) -> None:
    data = json.loads((pair.first / f"{SLUG}-facts.json").read_text(encoding="utf-8"))
    data["metrics"][0]["value"] = "high"
    data["planted"] = True
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert refused(pair, path).err_lines == [
        f"error: {path}: does not match the facts schema: metrics.0.value: input should be a "
        "valid dictionary or instance of num (and 1 more)"
    ]


def test_the_output_folder_and_facts_json_are_read_too(pair: Pair) -> None:
    facts_file = invoke("diff", pair.first / f"{SLUG}-facts.json", pair.bundle, "--json")
    folder = invoke("diff", pair.first, pair.bundle, "--json")
    assert json.loads(facts_file.stdout)["since"]["previous"]["source"] == "facts"
    assert json.loads(folder.stdout)["since"]["previous"]["source"] == "folder"
    for run in (facts_file, folder):
        since = json.loads(run.stdout)["since"]
        since.pop("previous")
        pdf = json.loads(pair.facts.since.model_dump_json()) if pair.facts.since else {}
        pdf.pop("previous")
        assert since == pdf


def test_a_pdf_without_facts_is_refused(pair: Pair, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("evil-facts.txt", b"{}")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "blank.pdf"
    path.write_bytes(buffer.getvalue())
    assert refused(pair, path).err_lines == [
        f"error: {path}: the PDF carries no attached *-facts.json; pass the last review's PDF, "
        "its facts.json or its output folder"
    ]
