"""Builds are reproducible to the byte, and a failing renderer leaves the previous outputs."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from dsreport.api import build
from dsreport.errors import BuildError
from dsreport.render.base import available

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tumour-triage"


def _hashes(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    build(EXAMPLE, out, force=True, jobs=2)  # the PDF in a second process, started early
    return out


def test_two_builds_a_second_apart_in_one_or_two_processes_are_byte_identical(
    built: Path, tmp_path: Path
) -> None:
    time.sleep(1.1)  # a clock that leaked into any output would now differ
    again = tmp_path / "again"
    build(EXAMPLE, again, force=True, jobs=1)  # and everything in this one
    first, second = _hashes(built), _hashes(again)
    assert set(first) >= {
        "tumour-triage-deck.pptx",
        "tumour-triage-report.pdf",
        "tumour-triage-handoff.zip",
        "tumour-triage-facts.json",
        "tumour-triage-summary.md",
    }
    assert first == second


@pytest.mark.parametrize("name", ["facts", "summary", "ds", "pm", "engineer"])
def test_a_failing_renderer_leaves_previous_outputs_untouched(
    name: str, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _hashes(built)
    renderer = available()[name]

    def explode(self: object, ctx: object) -> list[Path]:
        raise RuntimeError(f"injected failure in {name}")

    monkeypatch.setattr(renderer, "render", explode)
    with pytest.raises(BuildError, match=f"the {name} renderer failed"):
        build(EXAMPLE, built, force=True, jobs=1)  # one process: the patch is in this one
    assert _hashes(built) == before
    assert not [p for p in built.iterdir() if p.name.startswith(".dsreport")]


def test_an_interrupt_leaves_previous_outputs_untouched(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _hashes(built)

    def interrupt(self: object, ctx: object) -> list[Path]:
        raise KeyboardInterrupt

    monkeypatch.setattr(available()["pm"], "render", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build(EXAMPLE, built, force=True, jobs=1)
    assert _hashes(built) == before
    assert not [p for p in built.iterdir() if p.name.startswith(".dsreport")]


def test_a_renderer_failing_in_the_worker_process_leaves_previous_outputs_untouched(
    built: Path, tmp_path: Path
) -> None:
    """With two jobs the deck and the handoff render in a second process; its failure
    comes back as the same build error, and the worker is gone before the cleanup."""
    before = _hashes(built)
    broken = tmp_path / "templates" / "handoff"
    broken.mkdir(parents=True)
    (broken / "README.md.j2").write_text("{% if %}\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(EXAMPLE, built, force=True, jobs=2, template_dirs=[tmp_path / "templates"])
    assert "handoff/README.md.j2" in caught.value.message
    assert _hashes(built) == before
    assert not [p for p in built.iterdir() if p.name.startswith(".dsreport")]


def test_every_date_in_the_outputs_follows_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PDF's info dates, the deck's core properties and the zip entries of the deck
    and the handoff: all 2026-01-01 when SOURCE_DATE_EPOCH says so (the bundle says
    2026-11-20)."""
    import re
    import subprocess
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / "out"
    result = build(EXAMPLE, out, force=True)
    assert result.facts.build_date == "2026-01-01"
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(out / "tumour-triage-report.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.findall(r"(?m)^(\w+Date): +(\S+)$", info) == [
        ("CreationDate", "2026-01-01T00:00:00Z"),
        ("ModDate", "2026-01-01T00:00:00Z"),
    ]
    for name in ("tumour-triage-deck.pptx", "tumour-triage-handoff.zip"):
        with zipfile.ZipFile(out / name) as archive:
            assert {i.date_time for i in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    with zipfile.ZipFile(out / "tumour-triage-deck.pptx") as deck:
        core = deck.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(\w+)[^>]*>([^<]*)<", core) == [
        ("created", "2026-01-01T00:00:00Z"),
        ("modified", "2026-01-01T00:00:00Z"),
    ]


def test_sigterm_mid_build_leaves_previous_outputs_and_no_staging_folder(built: Path) -> None:
    """A CI job's timeout sends SIGTERM: it takes Ctrl-C's path (exit 130), and the worker
    process rendering the deck beside the PDF is stopped too."""
    import signal
    import subprocess
    import sys

    before = _hashes(built)
    command = [sys.executable, "-m", "dsreport.cli", "build", str(EXAMPLE), "-o", str(built)]
    proc = subprocess.Popen(
        [*command, "--force", "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".dsreport-staging-") for p in built.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "no staging folder seen"
        time.sleep(0.05)
    time.sleep(0.5)  # into the renderers
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == "interrupted; previous outputs are unchanged"
    assert _hashes(built) == before
    assert not [p for p in built.iterdir() if p.name.startswith(".dsreport")]
