"""The command line: exit codes, `validate --json`, what `build` writes (and never leaves behind),
`init`, and two end-to-end runs in a real process."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport import api
from dsreport.errors import BuildError
from dsreport.load.loader import load_bundle
from dsreport.render import base as render_base
from helpers import Run

THREE_MISTAKES = [
    "error: dsreport.yaml:10: ecosystem.problem: file 'prose/problme.md' does not exist",
    "  hint: check the path, relative to dsreport.yaml",
    "error: dsreport.yaml:11: ecosystem.curent_process: unknown key 'curent_process'",
    "  hint: did you mean 'current_process'? (it is required)",
    "error: dsreport.yaml:51: interrogation.metrics[0].value: 'high' is not a number",
    "  hint: write a plain number, such as 0.82",
]
PROBLEM_KEYS = {"severity", "file", "line", "key", "message", "hint"}


def leftovers(folder: Path) -> list[str]:
    """Staging or swap folders a build may have left next to (or inside) its output."""
    names = [p.name for p in folder.rglob("*")] if folder.exists() else []
    return [n for n in names if n.startswith((".dsreport-staging-", ".dsreport-old-"))]


# --- validate ---------------------------------------------------------------------------------


def test_validate_json_shape_for_a_good_bundle(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    result = cli("validate", "--json", bundle("good-binary"))
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {"ok": True, "problems": []}


def test_validate_json_shape_for_errors(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    result = cli("validate", "--json", bundle("three-mistakes"))
    assert (result.exit_code, result.stderr) == (1, "")
    report = json.loads(result.stdout)
    assert set(report) == {"ok", "problems"}
    assert report["ok"] is False
    assert all(set(p) == PROBLEM_KEYS for p in report["problems"])
    assert report["problems"][1] == {
        "severity": "error",
        "file": "dsreport.yaml",
        "line": 11,
        "key": "ecosystem.curent_process",
        "message": "unknown key 'curent_process'",
        "hint": "did you mean 'current_process'? (it is required)",
    }
    assert [(p["line"], p["key"]) for p in report["problems"]] == [
        (10, "ecosystem.problem"),
        (11, "ecosystem.curent_process"),
        (51, "interrogation.metrics[0].value"),
    ]


def test_validate_json_for_warnings_only(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    result = cli("validate", "--json", bundle("interval-outside"))
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert [p["severity"] for p in report["problems"]] == ["warning"]
    assert report["problems"][0]["line"] == 51


def test_validate_json_for_a_missing_folder(tmp_path: Path, cli: Callable[..., Run]) -> None:
    missing = tmp_path / "nope"
    result = cli("validate", "--json", missing)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "problems": [
            {
                "severity": "error",
                "file": str(missing),
                "line": None,
                "key": None,
                "message": f"bundle folder {missing} does not exist",
                "hint": None,
            }
        ],
    }


def test_validate_accepts_the_spec_file_itself(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    result = cli("validate", path / "dsreport.yaml")
    assert result.exit_code == 0


def test_validate_refuses_a_file_that_is_not_a_folder(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    result = cli("validate", other)
    assert result.exit_code == 1
    assert result.err_lines == [
        f"error: {other}: {other} is not a folder",
        "  hint: give the folder that holds dsreport.yaml",
        "1 error, 0 warnings",
    ]


def test_warnings_only_exit_0_with_the_warning_shown(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("interval-outside")
    result = cli("validate", path)
    assert result.exit_code == 0
    assert result.stdout == f"{path}: valid (1 warning)\n"
    assert result.err_lines[0].startswith("warning: dsreport.yaml:51: ")


# --- build --------------------------------------------------------------------------------------


def test_build_writes_facts_with_the_normalised_bundle(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    path = bundle("good-binary")
    out = tmp_path / "out"
    result = cli("build", path, "-o", out, "--only", "facts")
    assert result.exit_code == 0
    # not on a terminal: one plain progress line per stage on stderr, artifacts on stdout
    assert result.progress_lines == [
        "dsreport: load T s",
        "dsreport: analyse T s",
        "dsreport: render:facts T s",
        "dsreport: render:summary T s",
        "dsreport: write T s",
    ]
    assert result.err_lines == []
    assert "\x1b[" not in result.stderr
    assert cli("build", path, "-o", tmp_path / "quiet", "--only", "facts", "-q").stderr == ""
    facts_file = out / "churn-radar-facts.json"
    summary = out / "churn-radar-summary.md"
    assert result.stdout == f"wrote {facts_file}\nwrote {summary}\n"
    assert sorted(p.name for p in out.iterdir()) == [facts_file.name, summary.name]
    text = facts_file.read_text(encoding="utf-8")
    assert "Traceback" not in text
    facts = json.loads(text)
    spec = load_bundle(path).spec
    assert facts["bundle"] == spec.model_dump(mode="json", by_alias=True)
    assert facts["bundle"]["project"]["version"] == "1.10"
    assert facts["bundle"]["ecosystem"]["statement"]["reduce"] == "no"
    problem_md = (path / "prose" / "problem.md").read_text(encoding="utf-8").strip()
    assert facts["bundle"]["ecosystem"]["problem"] == problem_md
    assert facts["slug"] == "churn-radar"
    assert facts["warnings"] == []
    assert leftovers(tmp_path) == []


def test_build_of_minimal_bundle_uses_the_derived_slug(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli("build", bundle("minimal"), "-o", out, "--only", "facts")
    assert result.exit_code == 0
    facts = json.loads((out / "minimal-facts.json").read_text(encoding="utf-8"))
    assert facts["bundle"]["format_version"] == 1
    assert facts["bundle"]["interrogation"]["seed"] == 20240101  # defaults are filled in
    assert facts["headline"]["metric"]["value"]["text"] == "85.0%"


def test_build_carries_warnings_into_facts(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli("build", bundle("reviewed-no-category"), "-o", out, "--only", "facts")
    assert result.exit_code == 0
    assert result.err_lines == [
        "warning: data/reviewed.csv:3: error_category: an incorrect example has no error_category",
        "  hint: name the kind of error, so errors can be counted by category",
    ]
    facts = json.loads((out / "churn-radar-facts.json").read_text(encoding="utf-8"))
    assert [(w["file"], w["line"], w["key"]) for w in facts["warnings"]] == [
        ("data/reviewed.csv", 3, "error_category")
    ]


def test_build_of_three_mistakes_prints_all_and_writes_nothing(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli("build", bundle("three-mistakes"), "-o", out)
    assert result.exit_code == 1
    assert result.err_lines == [*THREE_MISTAKES, "3 errors; nothing was written"]
    assert result.stdout == ""
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_build_of_a_bad_bundle_leaves_existing_outputs_alone(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "churn-radar-facts.json").write_text("previous", encoding="utf-8")
    result = cli("build", bundle("three-mistakes"), "-o", out)
    assert result.exit_code == 1
    assert [p.name for p in out.iterdir()] == ["churn-radar-facts.json"]
    assert (out / "churn-radar-facts.json").read_text(encoding="utf-8") == "previous"


def test_a_renderer_failure_leaves_no_output_and_no_staging(
    bundle: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Boom(render_base.Renderer):
        name = "boom"
        audience = "all"
        description = "fails on purpose"

        def render(self, ctx: render_base.RenderContext) -> list[Path]:
            (ctx.out_dir / "half-written.txt").write_text("x", encoding="utf-8")
            raise RuntimeError("disk on fire")

    render_base.available()
    monkeypatch.setitem(render_base._REGISTRY, "boom", Boom)
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="the boom renderer failed: RuntimeError: disk on fire"):
        api.build(bundle("good-binary"), out, only=["facts", "boom"])
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_build_only_unknown_renderer_is_a_usage_error(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli("build", bundle("good-binary"), "-o", out, "--only", "nosuch")
    assert result.exit_code == 2
    assert result.err_lines[0] == "error: no renderer named 'nosuch'"
    assert result.err_lines[1].startswith("  hint: available: ")
    assert "facts" in result.err_lines[1].removeprefix("  hint: available: ").split(", ")
    assert not out.exists()


def test_bundle_errors_never_show_a_traceback(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = cli("build", bundle("three-mistakes"), "-o", tmp_path / "out")
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


# --- init ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", sorted(api.TASK_EXAMPLES))
def test_init_refuses_a_non_empty_folder(
    task: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    target = tmp_path / "bundle"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    result = cli("init", target, "--task", task)
    assert result.exit_code == 2
    assert result.err_lines == [
        f"error: {target} already exists and is not empty",
        "  hint: choose a new folder; init never overwrites files",
    ]
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_init_refuses_a_file(tmp_path: Path, cli: Callable[..., Run]) -> None:
    target = tmp_path / "taken"
    target.write_text("mine", encoding="utf-8")
    result = cli("init", target)
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("task", sorted(api.TASK_EXAMPLES))
def test_init_writes_a_bundle_that_validates(
    task: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    target = tmp_path / "new"
    result = cli("init", target, "--task", task)
    assert result.exit_code == 0, result.stderr
    assert (target / "dsreport.yaml").is_file()
    checked = cli("validate", target)
    assert checked.exit_code == 0, checked.stderr
    assert load_bundle(target).spec.project.task == task


def test_init_with_a_missing_example_is_a_clear_error(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(api.TASK_EXAMPLES, "binary", "no-such-example")
    result = cli("init", tmp_path / "new", "--task", "binary")
    assert result.exit_code in (1, 2)
    assert "internal error" not in result.stderr
    assert not (tmp_path / "new").exists()


# --- schema ---------------------------------------------------------------------------------------


def test_schema_command_prints_the_api_schema(cli: Callable[..., Run], tmp_path: Path) -> None:
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == api.json_schema()
    target = tmp_path / "schema.json"
    assert cli("schema", "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == result.stdout


# --- end to end, in a real process ---------------------------------------------------------


def test_end_to_end_validate_three_mistakes(
    bundle: Callable[[str], Path], run_dsreport: Callable[..., Run]
) -> None:
    result = run_dsreport("validate", bundle("three-mistakes"))
    assert result.exit_code == 1
    assert result.err_lines == [*THREE_MISTAKES, "3 errors, 0 warnings"]
    assert "\x1b[" not in result.stderr  # no colour codes when not on a terminal


def test_end_to_end_build(
    bundle: Callable[[str], Path], run_dsreport: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_dsreport("build", bundle("good-binary"), "-o", out, "--only", "facts")
    assert (result.exit_code, result.err_lines) == (0, [])
    facts = json.loads((out / "churn-radar-facts.json").read_text(encoding="utf-8"))
    assert facts["headline"]["metric"]["name"] == "recall"
    assert leftovers(tmp_path) == []


def test_help_shows_whole_summaries_and_every_choice(cli: Callable[..., Run]) -> None:
    top = cli("--help")
    assert top.exit_code == 0
    commands = top.stdout.split("Commands:")[1]
    assert "..." not in commands, "a summary is cut short"
    text = " ".join(top.stdout.split())
    for summary in (
        "Build the artifacts for BUNDLE into OUT; nothing is redone when nothing changed.",
        "Run the reviewer's checks on BUNDLE; exit 1 at --fail-on or above.",
        "Report every problem with BUNDLE at once; exit 1 if any is an error.",
    ):
        assert summary in text
    build = " ".join(cli("build", "--help").stdout.split())
    assert "--only [facts|summary|pm|engineer|ds]" in build
    assert "--format [md|pdf|html]" in build
    assert "[binary|multiclass|regression]" in " ".join(cli("init", "--help").stdout.split())


def test_the_renderers_are_listed_in_one_order_whichever_was_imported_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The help's choices do not depend on which renderer an earlier call loaded."""
    first = render_base.available()
    monkeypatch.setattr(render_base, "_REGISTRY", {"ds": first["ds"]})
    assert list(render_base.available()) == ["facts", "summary", "pm", "engineer", "ds"]
