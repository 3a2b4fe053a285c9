"""The generated reference docs are current, and the README keeps its two-command start."""

from __future__ import annotations

import re
from pathlib import Path

from dsreport.docgen import documents

ROOT = Path(__file__).resolve().parents[1]


def test_generated_docs_are_current() -> None:
    for name, text in documents(ROOT / "docs").items():
        on_disk = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert on_disk == text, f"docs/{name} is stale: run python -m dsreport.docgen docs"


def test_every_bundle_field_is_documented_with_a_type_and_an_example() -> None:
    text = (ROOT / "docs" / "bundle.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) > 100
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        key, kind, required, example = cells[0], cells[1], cells[2], cells[-1]
        assert kind, row
        assert example.startswith("`"), f"no example: {row}"
        assert required in ("yes", "no"), row
        assert key.startswith("`"), row


def test_readme_quick_start_is_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- quickstart -->\n```bash\n(.*?)```\n<!-- /quickstart -->", readme, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "dsreport build examples/" in commands[0]
    assert "pytest" in commands[1]
