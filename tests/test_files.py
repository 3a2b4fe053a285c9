"""Files a bundle names: resolved inside the bundle only, size-capped, prose inlined.

Symlinks to host files and FIFOs cannot live in git, so they are made here in tmp_path.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport.errors import BundleError
from dsreport.load.loader import LoadOptions, collect_problems, load_bundle
from dsreport.load.paths import Limits
from helpers import Run, edit_yaml

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="symlinks and FIFOs")


def formatted(path: Path, options: LoadOptions | None = None) -> list[str]:
    return [p.format() for p in collect_problems(path, options)]


# --- prose: a `.md` path is read and inlined -----------------------------------------------------


def test_prose_path_is_read_and_inlined(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    text = (path / "prose" / "problem.md").read_text(encoding="utf-8")
    loaded = load_bundle(path)
    assert loaded.spec.ecosystem.problem == text.strip()  # text fields are stripped
    assert loaded.prose_sources == {"ecosystem.problem": "prose/problem.md"}
    assert loaded.files["prose/problem.md"] == text.encode()
    assert loaded.spec.ecosystem.current_process == (
        "Agents sort a weekly export by contract end date."
    )  # inline prose stays inline


def test_prose_file_changes_the_digest(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    before = load_bundle(path).digest
    (path / "prose" / "problem.md").write_text("# Problem\nChurn is higher.\n", encoding="utf-8")
    after = load_bundle(path)
    assert after.digest != before
    assert after.spec.ecosystem.problem == "# Problem\nChurn is higher."


def test_prose_control_characters_are_dropped(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "prose" / "problem.md").write_bytes(b"\xef\xbb\xbf# Pro\x00blem\x1b[31m\n")
    assert load_bundle(path).spec.ecosystem.problem == "# Problem[31m"


def test_prose_that_is_not_utf8_is_located_in_the_prose_file(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    (path / "prose" / "problem.md").write_bytes(b"# Problem\nChurn is \xe9lev\xe9.\n")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.err_lines == [
        "error: prose/problem.md:2: the file is not UTF-8 text",
        "  hint: save it as UTF-8",
        "1 error, 0 warnings",
    ]


@pytest.mark.parametrize(
    "value",
    ["prose/problem.txt", "The problem is described in the notes", "A\nmultiline.md\ntext"],
)
def test_values_that_are_not_a_single_md_path_stay_text(
    value: str, bundle: Callable[[str], Path]
) -> None:
    path = bundle("good-binary")
    quoted = value.replace("\n", "\\n")
    edit_yaml(path, "problem: prose/problem.md", f'problem: "{quoted}"')
    loaded = load_bundle(path)
    assert loaded.spec.ecosystem.problem == value
    assert loaded.prose_sources == {}


def test_a_dot_slash_prose_path_is_read(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "problem: prose/problem.md", "problem: ./prose/problem.md")
    loaded = load_bundle(path)
    assert loaded.spec.ecosystem.problem == (path / "prose/problem.md").read_text("utf-8").strip()


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("/etc/motd.md", "'/etc/motd.md' is an absolute path"),
        ("../outside.md", "'../outside.md' leaves the bundle folder"),
    ],
)
def test_prose_paths_outside_the_bundle_are_refused(
    ref: str, message: str, bundle: Callable[[str], Path]
) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "problem: prose/problem.md", f"problem: {ref}")
    assert formatted(path) == [f"error: dsreport.yaml:10: ecosystem.problem: {message}"]


def test_a_sentence_ending_in_an_md_name_is_prose(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(
        path,
        "  fallback: Use the contract-end list.",
        "  fallback: Follow the steps in the runbook.md",
    )
    assert load_bundle(path).spec.operator_view.fallback == "Follow the steps in the runbook.md"


# --- where a referenced file may be ----------------------------------------------------------


def test_missing_prose_file(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "prose" / "problem.md").unlink()
    problems = collect_problems(path)
    assert [(p.format(), p.hint) for p in problems] == [
        (
            "error: dsreport.yaml:10: ecosystem.problem: file 'prose/problem.md' does not exist",
            "check the path, relative to dsreport.yaml",
        )
    ]


@pytest.mark.parametrize(
    ("ref", "message", "hint"),
    [
        (
            "C:/data/predictions.csv",
            "'C:/data/predictions.csv' is an absolute path",
            "name files relative to the bundle folder",
        ),
        (
            "data/../data/predictions.csv",
            "'data/../data/predictions.csv' leaves the bundle folder",
            "keep every file inside the bundle",
        ),
        ("data/predictions.json", "'data/predictions.json' is not a table (.csv, .parquet)", None),
        (
            "data/predictions.CSV",
            "file 'data/predictions.CSV' does not exist",
            "check the path, relative to dsreport.yaml",
        ),
    ],
)
def test_table_references_are_checked(
    ref: str, message: str, hint: str | None, bundle: Callable[[str], Path]
) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "path: data/predictions.csv", f"path: '{ref}'")
    problems = collect_problems(path)
    assert [(p.format(), p.hint) for p in problems] == [
        (f"error: dsreport.yaml:53: interrogation.predictions.path: {message}", hint)
    ]


def test_a_backslash_path_is_read_as_a_relative_path(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "path: data/predictions.csv", "path: 'data\\predictions.csv'")
    loaded = load_bundle(path)
    assert loaded.predictions is not None
    assert len(loaded.predictions.frame) == 3


@needs_posix
def test_symlink_to_a_host_file_is_refused(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    prose = path / "prose" / "problem.md"
    prose.unlink()
    prose.symlink_to("/etc/passwd")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.err_lines == [
        "error: dsreport.yaml:10: ecosystem.problem: 'prose/problem.md' is a symbolic link",
        "  hint: copy the file into the bundle",
        "1 error, 0 warnings",
    ]


@needs_posix
def test_symlink_inside_the_bundle_is_refused_too(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "data" / "predictions.csv").rename(path / "predictions.csv")
    (path / "data" / "predictions.csv").symlink_to("../predictions.csv")
    assert formatted(path) == [
        "error: dsreport.yaml:53: interrogation.predictions.path: 'data/predictions.csv' is a "
        "symbolic link"
    ]


@needs_posix
@pytest.mark.parametrize("target", ["relative", "absolute", "host"])
def test_a_symlinked_parent_folder_is_refused(target: str, bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "data").rename(path / "real-data")
    if target == "host":
        outside = path.parent / "outside-data"
        (path / "real-data").rename(outside)
        (path / "data").symlink_to(outside)
    else:
        (path / "data").symlink_to("real-data" if target == "relative" else path / "real-data")
    problems = collect_problems(path)
    assert [(p.line, p.key, p.hint) for p in problems] == [
        (53, "interrogation.predictions.path", "copy the file into the bundle"),
        (55, "interrogation.reviewed_examples.path", "copy the file into the bundle"),
    ]
    assert all("symbolic link" in p.message for p in problems)


@needs_posix
def test_a_symlinked_parent_folder_is_named(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "data").rename(path / "real-data")
    (path / "data").symlink_to("real-data")
    message = collect_problems(path)[0].message
    assert "'data'" in message


@needs_posix
@pytest.mark.parametrize(
    ("rel", "line", "key"),
    [
        ("prose/problem.md", 10, "ecosystem.problem"),
        ("data/reviewed.csv", 55, "interrogation.reviewed_examples.path"),
    ],
)
def test_a_fifo_is_refused_without_blocking(
    rel: str, line: int, key: str, bundle: Callable[[str], Path]
) -> None:
    path = bundle("good-binary")
    (path / rel).unlink()
    os.mkfifo(path / rel)  # opening this for reading would block forever

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the loader opened the FIFO")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        problems = collect_problems(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [(p.format(), p.hint) for p in problems] == [
        (
            f"error: dsreport.yaml:{line}: {key}: '{rel}' is not a regular file",
            "name a plain file inside the bundle",
        )
    ]


def test_a_folder_is_refused(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "prose" / "problem.md").unlink()
    (path / "prose" / "problem.md").mkdir()
    assert formatted(path) == [
        "error: dsreport.yaml:10: ecosystem.problem: 'prose/problem.md' is a folder, not a file"
    ]


def test_a_folder_named_like_a_table_is_refused(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "data" / "reviewed.csv").unlink()
    (path / "data" / "reviewed.csv").mkdir()
    assert formatted(path) == [
        "error: dsreport.yaml:55: interrogation.reviewed_examples.path: 'data/reviewed.csv' is a "
        "folder, not a file"
    ]


# --- size caps --------------------------------------------------------------------------------


def test_table_cap_through_load_options(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    problems = collect_problems(path, LoadOptions(limits=Limits(table_bytes=100)))
    assert [(p.format(), p.hint) for p in problems] == [
        (
            "error: dsreport.yaml:55: interrogation.reviewed_examples.path: "
            "file 'data/reviewed.csv' is 135 bytes, over the 100 bytes limit",
            "make the file smaller, or raise the limit with --max-file-size",
        )
    ]
    with pytest.raises(BundleError) as caught:
        load_bundle(path, LoadOptions(limits=Limits(table_bytes=100)))
    assert caught.value.problems == problems


def test_file_cap_through_load_options(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "img").mkdir()
    (path / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    edit_yaml(
        path,
        "  owners: [{name: Ana Ruiz}]\n",
        "  owners: [{name: Ana Ruiz}]\n  branding: {logo: img/logo.png}\n",
    )
    assert formatted(path) == []
    assert formatted(path, LoadOptions(limits=Limits(file_bytes=100))) == [
        "error: dsreport.yaml:58: audiences.branding.logo: file 'img/logo.png' is 208 bytes, "
        "over the 100 bytes limit"
    ]


def test_prose_cap_through_load_options(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    assert formatted(path, LoadOptions(limits=Limits(prose_bytes=10))) == [
        "error: dsreport.yaml:10: ecosystem.problem: file 'prose/problem.md' is 26 bytes, over "
        "the 10 bytes limit"
    ]


def test_table_cap_through_the_command_line(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    result = cli("validate", "--max-file-size", "100", path)
    assert result.exit_code == 1
    assert result.err_lines == [
        "error: dsreport.yaml:55: interrogation.reviewed_examples.path: file 'data/reviewed.csv' "
        "is 135 bytes, over the 100 bytes limit",
        "  hint: make the file smaller, or raise the limit with --max-file-size",
        "1 error, 0 warnings",
    ]


@pytest.mark.parametrize(("size", "code"), [("1K", 0), ("1KiB", 0), ("0.1k", 1), ("134", 1)])
def test_max_file_size_units(
    size: str, code: int, bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    assert cli("validate", "--max-file-size", size, bundle("good-binary")).exit_code == code


def test_build_honours_max_file_size(
    bundle: Callable[[str], Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli("build", bundle("good-binary"), "-o", out, "--max-file-size", "100")
    assert result.exit_code == 1
    assert "over the 100 bytes limit" in result.err_lines[0]
    assert not out.exists()


def test_sizes_are_printed_to_one_true_decimal(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    rows = "".join(f"{i:03d},1,0.5,0.5\n" for i in range(112))
    (path / "data" / "predictions.csv").write_text("id,label,score_rules,score_gbm\n" + rows)
    size = (path / "data" / "predictions.csv").stat().st_size
    assert 1_580 < size < 1_640
    assert formatted(path, LoadOptions(limits=Limits(table_bytes=1024))) == [
        "error: dsreport.yaml:53: interrogation.predictions.path: file 'data/predictions.csv' is "
        "1.6 KiB, over the 1.0 KiB limit"
    ]


@pytest.mark.parametrize("size", ["abc", "inf", "-5"])
def test_a_bad_max_file_size_is_a_usage_error(
    size: str, bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    result = cli("validate", "--max-file-size", size, bundle("good-binary"))
    assert result.exit_code == 2
    assert "internal error" not in result.stderr
    assert "--max-file-size" in result.stderr


@pytest.mark.parametrize("name", ["weights\n0000  evil.py", "tab\there.bin", "sep\u2028.bin"])
def test_a_file_in_a_model_folder_whose_name_holds_a_control_character_is_refused(
    tmp_path: Path, name: str
) -> None:
    """Model folder listings go into the handoff's MANIFEST.sha256 line by line."""
    from dsreport.load.paths import read_folder

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "ok.bin").write_bytes(b"x")
    (folder / name).write_bytes(b"y")
    parts, problem = read_folder(tmp_path, "model", 1024, file="dsreport.yaml", line=3, key="k")
    assert parts is None and problem is not None
    assert problem.message == f"'model/{name}' holds a line break or another control character"
