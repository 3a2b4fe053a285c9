"""The rules behind "since the last review", one at a time: which contract changes break,
how two builds' rows are paired, how findings are matched, when the comparison falls back
to unpaired, and how the last review is read."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

from dsreport.analyse.facts import Facts, FindingFact, RowsFact
from dsreport.analyse.since.changes import finding_changes, new_at
from dsreport.analyse.since.compose import previous_fact, since_fact
from dsreport.analyse.since.contract import contract_changes
from dsreport.analyse.since.rows import Pairs, at_threshold, pair
from dsreport.api import check, diff, facts_schema
from dsreport.errors import DsreportError
from dsreport.load.previous import read_previous
from helpers import EXAMPLES, Run

SLUG = "tumour-triage"


def field(name: str, kind: str = "number", **extra: Any) -> dict[str, Any]:
    constraints = extra.pop("constraints", {})
    return {"name": name, "type": kind, "required": True, "constraints": constraints, **extra}


def design(inputs: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"system_design": {"inputs": inputs, "outputs": outputs}}


def breaking(before: dict[str, Any], after: dict[str, Any], side: str = "inputs") -> list[Any]:
    old = design([before], [field("y")]) if side == "inputs" else design([field("x")], [before])
    new = design([after], [field("y")]) if side == "inputs" else design([field("x")], [after])
    return [(c.text, c.breaking) for c in contract_changes(old, new)]


@pytest.mark.parametrize(
    ("before", "after", "side", "expected"),
    [
        (field("a"), field("a", "string"), "inputs", ("type number → string", True)),
        (field("a"), field("a", unit="cm"), "inputs", ("unit none → cm", True)),
        (field("a", required=False), field("a"), "inputs", ("now required", True)),
        (field("a"), field("a", required=False), "inputs", ("now optional", False)),
        (field("a"), field("a", required=False), "outputs", ("now optional", True)),
        (field("a", required=False), field("a"), "outputs", ("now required", False)),
        (
            field("a", constraints={"minimum": 0}),
            field("a", constraints={"minimum": 1}),
            "inputs",
            ("constraints narrower", True),
        ),
        (
            field("a", constraints={"minimum": 1}),
            field("a", constraints={"minimum": 0}),
            "inputs",
            ("constraints wider", False),
        ),
        (
            field("a", constraints={"minimum": 1}),
            field("a", constraints={"minimum": 0}),
            "outputs",
            ("constraints wider", True),
        ),
        (
            field("a", "category", constraints={"allowed": ["x", "y"]}),
            field("a", "category", constraints={"allowed": ["x"]}),
            "outputs",
            ("constraints narrower", False),
        ),
        (
            field("a", "category", constraints={"allowed": ["x"]}),
            field("a", "category", constraints={"allowed": ["y"]}),
            "inputs",
            ("constraints narrower and wider", True),
        ),
        (
            field("a", constraints={"nullable": True}),
            field("a", constraints={"nullable": False}),
            "inputs",
            ("constraints narrower", True),
        ),
    ],
)
def test_a_changed_field_breaks_by_which_side_of_the_contract_it_is_on(
    before: dict[str, Any], after: dict[str, Any], side: str, expected: tuple[str, bool]
) -> None:
    noun = "Input" if side == "inputs" else "Output"
    what, broken = expected
    verdict = "breaking" if broken else "not breaking"
    assert breaking(before, after, side) == [(f"{noun} field a: {what}; {verdict}.", broken)]


def test_added_and_removed_fields() -> None:
    old = design([field("a")], [field("y")])
    new = design(
        [field("a"), field("b"), field("c", "string", required=False)],
        [field("z")],
    )
    found = [(c.text, c.breaking, c.action) for c in contract_changes(old, new)]
    assert found == [
        (
            "Input field b: new required field; breaking.",
            True,
            "Update every client before deploying: input field b, new required field.",
        ),
        (
            "Output field y: removed; breaking.",
            True,
            "Update every consumer of the response before deploying: output field y, removed.",
        ),
        ("Input field c: new optional field; not breaking.", False, None),
        (
            "Output field z: new required field; not breaking.",
            False,
            "Give consumers that validate responses the new response schema (output field z).",
        ),
    ]
    assert contract_changes(old, old) == []


def test_scores_mapped_to_a_new_threshold_keep_their_decisions() -> None:
    scores = np.array([0.0, 0.1, 0.19999999, 0.2, 0.2000001, 0.5, 1.0])
    mapped = at_threshold(scores, 0.2, 0.35)
    assert mapped is not None
    assert list(mapped >= 0.35) == list(scores >= 0.2)
    assert list(np.argsort(mapped, kind="stable")) == list(np.argsort(scores, kind="stable"))
    assert mapped.min() >= 0 and mapped.max() <= 1
    assert at_threshold(scores, 0.2, 0.2) is not None
    assert at_threshold(scores, 0.0, 0.3) is None  # every score was positive: no map can say so


def rows(ids: list[str], truth: list[Any], output: list[Any]) -> RowsFact:
    return RowsFact(rung="m", ids=ids, truth=truth, output=output, threshold=0.5)


def test_rows_pair_by_id_or_say_why_not() -> None:
    before = rows(["a", "b", "c"], ["1", "0", "1"], [0.9, 0.2, 0.4])
    after = rows(["c", "a", "b"], ["1", "1", "0"], [0.7, 0.9, 0.1])
    found = pair(before, after, "binary", "1", ["0", "1"], ("now", "then"))
    assert isinstance(found, Pairs)
    assert (found.n, found.changed) == (3, 2)
    assert list(found.rows["truth"]) == [True, True, False]
    assert list(found.rows["scores"]["then"]) == [0.4, 0.9, 0.2]
    moved = rows(["a", "b", "d"], ["1", "0", "1"], [0.9, 0.2, 0.4])
    assert pair(before, moved, "binary", "1", [], ("now", "then")) == (
        "the test rows differ (1 new, 1 no longer there, of 3)"
    )
    relabelled = rows(["a", "b", "c"], ["0", "0", "1"], [0.9, 0.2, 0.4])
    assert pair(before, relabelled, "binary", "1", [], ("now", "then")) == (
        "1 test rows have a different truth than in the last review"
    )
    assert pair(None, after, "binary", "1", [], ("now", "then")) == (
        "the last review kept no per-row predictions of its chosen model"
    )


def finding(
    id_: str, severity: str, metric: str | None = None, rung: str | None = None
) -> FindingFact:
    return FindingFact(
        id=id_,
        severity=severity,  # type: ignore[arg-type]
        title=id_,
        message=f"{id_} {severity}",
        message_pm=id_,
        recommendation="",
        metric=metric,
        rung=rung,
    )


def with_findings(facts: Facts, chosen: str, found: list[FindingFact]) -> Facts:
    bundle = json.loads(json.dumps(facts.bundle))
    bundle["ladder"]["chosen"] = chosen
    return facts.model_copy(update={"findings": found, "bundle": bundle})


@pytest.fixture(scope="module")
def example() -> Facts:
    return check(EXAMPLES / SLUG)


def test_findings_are_raised_resolved_or_still_open(example: Facts) -> None:
    before = with_findings(
        example,
        "old",
        [
            finding("reported-differs", "warning", "recall"),
            finding("reported-differs", "warning", "recall"),
            finding("target-not-secured", "info", "recall", rung="old"),
            finding("slice-left-behind", "warning", "recall"),
        ],
    )
    after = with_findings(
        example,
        "new",
        [
            finding("reported-differs", "warning", "recall"),
            finding("target-not-secured", "warning", "recall", rung="new"),
            finding("gain-inside-noise", "critical", "recall"),
        ],
    )
    found = [(f.status, f.id, f.severity, f.escalated) for f in finding_changes(before, after)]
    assert found == [
        ("raised", "gain-inside-noise", "critical", False),
        ("open", "target-not-secured", "warning", True),  # about the chosen rung, renamed
        ("open", "reported-differs", "warning", False),
        ("resolved", "reported-differs", "warning", False),  # two before, one now
        ("resolved", "slice-left-behind", "warning", False),
    ]
    changes = finding_changes(before, after)
    assert [f.id for f in changes if new_at(f, "warning")] == [
        "gain-inside-noise",
        "target-not-secured",
    ]
    assert [f.id for f in changes if new_at(f, "critical")] == ["gain-inside-noise"]


def retrained(tmp_path: Path) -> Path:
    root = tmp_path / SLUG
    shutil.copytree(EXAMPLES / SLUG, root)
    path = root / "data" / "predictions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    rng = random.Random(3)
    for row in table:
        step = 0.1 * rng.random() * (1 if row["label"] == "1" else -1)
        row["score_logreg"] = f"{min(1.0, max(0.0, float(row['score_logreg']) + step)):.6f}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    return root


def test_without_the_last_rows_the_changes_are_unpaired_and_wider(
    example: Facts, tmp_path: Path
) -> None:
    after = check(retrained(tmp_path))
    info = previous_fact(example, "facts", f"{SLUG}-facts.json")
    paired = since_fact(example, after, info)
    unpaired = since_fact(example.model_copy(update={"test_rows": None}), after, info)
    assert paired.pairing == "paired"
    assert unpaired.pairing == "unpaired"
    assert (
        unpaired.pairing_reason == "the last review kept no per-row predictions of its chosen model"
    )
    widths = {}
    for since in (paired, unpaired):
        brier = next(m for m in since.metrics if m.metric == "brier").change
        assert brier.interval is not None
        widths[brier.kind] = brier.interval.high - brier.interval.low
    assert widths["paired"] < widths["unpaired"] / 2
    brier = next(m for m in unpaired.metrics if m.metric == "brier").change
    assert brier.interval is not None and brier.interval.method == "normal"
    assert brier.method == (
        "unpaired, from both reviews' uncertainty (this review: its interval; the last "
        "review: its interval)"
    )


@pytest.mark.parametrize("name", ["digit-routing", "disease-progression"])
def test_multiclass_and_regression_builds_pair_too(name: str, tmp_path: Path) -> None:
    facts = check(EXAMPLES / name)
    path = tmp_path / f"{facts.slug}-facts.json"
    path.write_text(facts.model_dump_json(), encoding="utf-8")
    since = diff(path, EXAMPLES / name).since
    assert since is not None
    assert since.pairing == "paired"
    assert facts.test_rows is not None
    assert (
        since.pairing_reason == f"both reviews scored the same {len(facts.test_rows.ids)} test rows"
    )
    assert {m.verdict for m in since.metrics} == {"unchanged"}
    assert since.changes == [] and since.actions == []


def test_the_facts_json_schema_is_what_the_last_review_is_held_to(example: Facts) -> None:
    schema = facts_schema()
    data = json.loads(example.model_dump_json())
    jsonschema.validate(data, schema)
    data["metrics"][0]["value"] = "high"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_the_schema_command_prints_the_facts_schema(cli: Callable[..., Run]) -> None:
    run = cli("schema", "--facts")
    assert run.exit_code == 0
    assert json.loads(run.stdout) == json.loads(json.dumps(facts_schema()))


def test_reading_the_last_review_says_what_is_wrong(example: Facts, tmp_path: Path) -> None:
    def message(path: Path) -> str:
        with pytest.raises(DsreportError) as caught:
            read_previous(path)
        return caught.value.message

    assert message(tmp_path / "nowhere.pdf") == (
        f"{tmp_path / 'nowhere.pdf'}: no such file or folder; pass the last review's PDF, its "
        "facts.json or its output folder"
    )
    assert message(tmp_path) == (
        f"{tmp_path}: holds no *-facts.json; pass the last review's PDF, its facts.json or its "
        "output folder"
    )
    for name in ("a-facts.json", "b-facts.json"):
        (tmp_path / name).write_text(example.model_dump_json(), encoding="utf-8")
    assert message(tmp_path) == (
        f"{tmp_path}: holds several facts files (a-facts.json, b-facts.json); pass the one to "
        "compare with"
    )
    assert read_previous(tmp_path, slug="b").file == "b-facts.json"
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    assert message(tmp_path / "list.json").endswith(
        ": not a dsreport facts object; pass the "
        "last review's PDF, its facts.json or its output folder"
    )
    (tmp_path / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    assert message(tmp_path / "deep.json").endswith(
        ": not valid JSON; pass the last review's PDF, its facts.json or its output folder"
    )


def test_a_pdf_whose_attachment_inflates_past_the_limit_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import StreamObject

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment(f"{SLUG}-facts.json", b"{" + b" " * (60 * 1024 * 1024) + b"}")
    for i, obj in enumerate(writer._objects):  # compress the attachment: 60 MiB in ~60 KB
        if isinstance(obj, StreamObject) and obj.get("/Type") == "/EmbeddedFile":
            writer._objects[i] = obj.flate_encode(level=9)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(DsreportError) as caught:
        read_previous(path)
    assert caught.value.message == (
        f"{path}: the PDF's streams expand past the 50.0 MiB limit for a previous review "
        "(raise it with --max-file-size)"
    )


def test_the_last_reviews_text_is_cleaned_like_bundle_text(example: Facts, tmp_path: Path) -> None:
    data = json.loads(example.model_dump_json())
    data["findings"][0]["message"] = "\x1b]0;owned\x07\x1b[31mred\x00 text"
    path = tmp_path / f"{SLUG}-facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_previous(path).facts.findings[0].message == "]0;owned[31mred text"


def test_the_bundle_inside_the_last_facts_is_held_to_the_bundle_model(
    example: Facts, tmp_path: Path
) -> None:
    data = json.loads(example.model_dump_json())
    del data["bundle"]["ladder"]["chosen"]
    path = tmp_path / f"{SLUG}-facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DsreportError) as caught:
        read_previous(path)
    assert caught.value.message == (
        f"{path}: does not match the facts schema: bundle.ladder.chosen: field required"
    )
