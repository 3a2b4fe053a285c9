"""The YAML layer: safe parsing, line numbers, and YAML's traps, unit and end to end."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsreport.bundle.fields import SourcedFloat, SourcedInt
from dsreport.load.loader import LoadOptions, collect_problems, load_bundle
from dsreport.load.paths import Limits
from dsreport.load.yamlsrc import parse_yaml
from helpers import Run, edit_yaml

# --- parse_yaml: line mapping ----------------------------------------------------------------

SOURCE = """\
project:
  name: Churn radar
  authors:
    - name: Ana
      role: DS
    - {name: Bo, role: PM}
  tags: [a, b]
ladder:

  chosen: gbm
"""


def test_parse_yaml_maps_every_key_and_item_to_its_line() -> None:
    doc, problems = parse_yaml(SOURCE, "dsreport.yaml")
    assert problems == []
    assert doc is not None
    assert doc.file == "dsreport.yaml"
    assert doc.lines == {
        ("project",): 1,
        ("project", "name"): 2,
        ("project", "authors"): 3,
        ("project", "authors", 0): 4,
        ("project", "authors", 0, "name"): 4,
        ("project", "authors", 0, "role"): 5,
        ("project", "authors", 1): 6,
        ("project", "authors", 1, "name"): 6,
        ("project", "authors", 1, "role"): 6,
        ("project", "tags"): 7,
        ("project", "tags", 0): 7,
        ("project", "tags", 1): 7,
        ("ladder",): 8,
        ("ladder", "chosen"): 10,
    }


def test_line_falls_back_to_the_nearest_ancestor_in_the_file() -> None:
    doc, _ = parse_yaml(SOURCE, "dsreport.yaml")
    assert doc is not None
    assert doc.line(("project", "authors", 0, "email")) == 4  # missing key: its mapping's line
    assert doc.line(("project", "authors", 7, "name")) == 3
    assert doc.line(("audiences", "pm")) is None
    assert doc.line(()) is None


# --- parse_yaml: YAML 1.1 surprises are switched off ---------------------------------------------

SURPRISES = """\
a: no
b: on
c: yes
d: off
e: 1.10
f: 007
g: 2024-01-01
h: 1:20
i: 0x1F
j: .inf
k: true
l: ~
m: 1_000
n: 017
o: 2024-01-01 10:30:00
"""


def test_yaml_11_surprises_keep_the_authors_text() -> None:
    doc, problems = parse_yaml(SURPRISES, "dsreport.yaml")
    assert problems == []
    assert doc is not None
    data = doc.data
    assert [data[k] for k in "abcd"] == ["no", "on", "yes", "off"]  # not booleans
    assert isinstance(data["e"], SourcedFloat)
    assert (data["e"], data["e"].source) == (1.1, "1.10")
    assert isinstance(data["f"], SourcedInt)
    assert (data["f"], data["f"].source) == (7, "007")
    assert data["g"] == "2024-01-01"  # a date stays text until a date field parses it
    assert data["o"] == "2024-01-01 10:30:00"
    assert data["h"] == "1:20"  # not sexagesimal 80
    assert (data["i"], data["i"].source) == (31, "0x1F")
    assert math.isinf(data["j"])
    assert data["k"] is True
    assert data["l"] is None
    assert data["m"] == 1000
    assert data["n"] == 17  # YAML 1.1 would read octal 15


def test_an_empty_value_is_null() -> None:
    doc, problems = parse_yaml("a:\nb:\n  - x\n  -\n", "dsreport.yaml")
    assert problems == []
    assert doc is not None
    assert doc.data == {"a": None, "b": ["x", None]}


# --- parse_yaml: refusals ----------------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_alias_bomb_is_refused_fast() -> None:
    start = time.perf_counter()
    doc, problems = parse_yaml(BOMB, "dsreport.yaml")
    elapsed = time.perf_counter() - start
    assert doc is None
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (
            1,
            "aliases expand to more than 200,000 values (an alias bomb?)",
            "write the values out instead of using anchors and aliases",
        )
    ]
    assert elapsed < 2.0


def test_alias_bomb_bundle_fails_fast(bundle: Callable[[str], Path]) -> None:
    path = bundle("alias-bomb")
    start = time.perf_counter()
    problems = collect_problems(path)
    assert time.perf_counter() - start < 2.0
    assert [p.format() for p in problems] == [
        "error: dsreport.yaml:60: aliases expand to more than 200,000 values (an alias bomb?)"
    ]


def test_modest_aliases_are_fine() -> None:
    doc, problems = parse_yaml("base: &b {x: 1}\nuse: [*b, *b]\nmerged: {<<: *b, y: 2}\n", "f")
    assert problems == []
    assert doc is not None
    assert doc.data == {"base": {"x": 1}, "use": [{"x": 1}, {"x": 1}], "merged": {"x": 1, "y": 2}}
    assert doc.lines[("use",)] == 2


@pytest.mark.parametrize(
    "text",
    ["a: &a [1, *a]\n", "a: &a\n  b: *a\n", "a: &a {b: [{c: *a}]}\n"],
    ids=["list", "mapping", "nested"],
)
def test_recursive_alias_is_refused(text: str) -> None:
    doc, problems = parse_yaml(text, "f")
    assert doc is None
    assert [p.message for p in problems] == [
        "an alias refers to the node that contains it (a recursive alias)"
    ]


def test_nesting_beyond_64_levels_is_refused() -> None:
    doc, problems = parse_yaml("a: " + "[" * 100 + "]" * 100 + "\n", "f")
    assert doc is None
    assert [(p.line, p.message) for p in problems] == [
        (1, "the document nests deeper than 64 levels")
    ]


def test_nesting_past_the_recursion_limit_is_a_problem_not_a_crash() -> None:
    doc, problems = parse_yaml("a: " + "[" * 1000 + "]" * 1000 + "\n", "f")
    assert doc is None
    assert [p.message for p in problems] == ["the document nests too deeply"]


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/object:collections.OrderedDict",
        "!!python/name:os.system",
        "!!python/tuple",
        "!custom",
    ],
)
def test_tags_that_build_objects_are_refused_and_never_run(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f'a: 1\nb: {tag} ["touch {marker}"]\n'
    doc, problems = parse_yaml(text, "dsreport.yaml")
    assert doc is None
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (2, f"the tag '{tag}' is not allowed", "bundles hold plain data only: remove the tag")
    ]
    assert not marker.exists()


def test_duplicate_keys_are_reported_at_every_depth() -> None:
    text = "a:\n  b: 1\n  c:\n    - {d: 1, d: 2}\n  b: 3\na: 4\n"
    doc, problems = parse_yaml(text, "dsreport.yaml")
    assert doc is None
    assert sorted((p.line, p.key, p.message) for p in problems) == [
        (4, "a.c[0].d", "duplicate key 'd' (first at line 4)"),
        (5, "a.b", "duplicate key 'b' (first at line 2)"),
        (6, "a", "duplicate key 'a' (first at line 1)"),
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "  \n# two\n"])
def test_an_empty_document_is_one_problem(text: str) -> None:
    doc, problems = parse_yaml(text, "dsreport.yaml")
    assert doc is None
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (1, "the file is empty", "start from `dsreport init`")
    ]


def test_tab_indentation_is_named() -> None:
    doc, problems = parse_yaml("a:\n  b: 1\n\tc: 2\n", "dsreport.yaml")
    assert doc is None
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (
            3,
            "not valid YAML: a tab character is used for indentation",
            "indent with spaces; YAML does not allow tabs",
        )
    ]


def test_syntax_errors_carry_their_line() -> None:
    doc, problems = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "dsreport.yaml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].line == 3
    assert problems[0].message.startswith("not valid YAML: ")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"], ids=["NUL", "ESC", "DEL"])
def test_control_characters_are_a_located_problem(char: str) -> None:
    doc, problems = parse_yaml(f"a: 1\nb: x{char}y\n", "dsreport.yaml")
    assert doc is None
    assert [p.line for p in problems] == [2]


YAMLISH = st.text(
    alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?~ \n\tab01."))
    | st.characters(blacklist_categories=("Cc", "Cs")),
    max_size=60,
)


@settings(derandomize=True, max_examples=150, database=None, deadline=None)
@given(YAMLISH)
def test_parse_yaml_never_raises_on_printable_text(text: str) -> None:
    doc, problems = parse_yaml(text, "f")
    assert (doc is None) == bool(problems)


# --- end to end: bundles whose YAML is wrong --------------------------------------------------


def test_multiple_documents_are_named(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    result = cli("validate", bundle("multi-document"))
    assert result.exit_code == 1
    first = result.err_lines[0]
    assert first.startswith("error: dsreport.yaml:60: ")
    assert "document" in first
    assert "but found" not in first


def test_multiple_documents_are_refused_at_the_second_one(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    result = cli("validate", bundle("multi-document"))
    assert result.exit_code == 1
    assert result.err_lines[0].startswith("error: dsreport.yaml:60: ")
    assert result.err_lines[-1] == "1 error, 0 warnings"


def test_a_leading_document_marker_is_fine(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    spec = path / "dsreport.yaml"
    spec.write_text("---\n" + spec.read_text(encoding="utf-8") + "...\n", encoding="utf-8")
    assert collect_problems(path) == []


def test_yaml_that_is_latin1_is_located(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    spec = path / "dsreport.yaml"
    raw = spec.read_bytes()
    assert raw.count(b"name: Ana Ruiz\n      role") == 1
    spec.write_bytes(raw.replace(b"name: Ana Ruiz\n      role", b"name: Ana Ru\xedz\n      role"))
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.err_lines == [
        "error: dsreport.yaml:7: the file is not UTF-8 text",
        "  hint: save dsreport.yaml as UTF-8",
        "1 error, 0 warnings",
    ]


def test_yaml_that_is_utf16_is_refused(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    spec = path / "dsreport.yaml"
    spec.write_bytes(spec.read_text(encoding="utf-8").encode("utf-16"))
    assert [p.format() for p in collect_problems(path)] == [
        "error: dsreport.yaml:1: the file is not UTF-8 text"
    ]


def test_yaml_with_a_utf8_bom_is_accepted(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    spec = path / "dsreport.yaml"
    spec.write_bytes(b"\xef\xbb\xbf" + spec.read_bytes())
    assert load_bundle(path).spec.project.name == "Churn radar"


def test_yaml_over_the_size_cap_is_refused(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    spec = path / "dsreport.yaml"
    with spec.open("a", encoding="utf-8") as handle:  # valid YAML, just too big
        handle.write("# " + "x" * (2 * 1024 * 1024) + "\n")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.err_lines[0] == (
        "error: dsreport.yaml: file 'dsreport.yaml' is 2.0 MiB, over the 2.0 MiB limit"
    )
    assert result.err_lines[-1] == "1 error, 0 warnings"


def test_yaml_size_cap_comes_from_limits(bundle: Callable[[str], Path]) -> None:
    path = bundle("minimal")
    size = (path / "dsreport.yaml").stat().st_size
    problems = collect_problems(path, LoadOptions(limits=Limits(yaml_bytes=size - 1)))
    assert [(p.file, p.line, p.message.endswith(" limit")) for p in problems] == [
        ("dsreport.yaml", None, True)
    ]
    assert problems[0].message.startswith("file 'dsreport.yaml' is ")
    assert collect_problems(path, LoadOptions(limits=Limits(yaml_bytes=size))) == []


@pytest.mark.parametrize("which", ["dsreport.yaml", "prose/problem.md"])
def test_size_hint_only_offers_a_flag_that_helps(
    which: str, bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    with (path / which).open("a", encoding="utf-8") as handle:
        handle.write("\n<!-- " + "x" * (2 * 1024 * 1024) + " -->\n")
    result = cli("validate", "--max-file-size", "10M", path)
    assert result.exit_code == 0 or "--max-file-size" not in result.stderr


def test_the_spec_file_may_not_be_a_symlink(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    (path / "dsreport.yaml").rename(path / "real.yaml")
    (path / "dsreport.yaml").symlink_to("real.yaml")
    assert [(p.format(), p.hint) for p in collect_problems(path)] == [
        (
            "error: dsreport.yaml: 'dsreport.yaml' is a symbolic link",
            "copy the file into the bundle",
        )
    ]


def test_a_folder_without_a_spec_points_to_init(tmp_path: Path, cli: Callable[..., Run]) -> None:
    result = cli("validate", tmp_path)
    assert result.exit_code == 1
    assert result.err_lines == [
        "error: dsreport.yaml: file 'dsreport.yaml' does not exist",
        "  hint: run `dsreport init` to start a bundle",
        "1 error, 0 warnings",
    ]


def test_control_character_in_bundle_is_a_located_error(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "  task: binary\n", "  task: binary\x00\n")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.err_lines[0].startswith("error: dsreport.yaml:5: ")


def test_yaml_11_surprises_reach_the_spec_as_written(bundle: Callable[[str], Path]) -> None:
    spec = load_bundle(bundle("yaml11-surprises")).spec
    assert spec.project.version == "1.10"
    assert spec.ecosystem.statement.reduce == "no"
    assert spec.ecosystem.statement.increase == "on"
    assert spec.audiences.retraining == "2027-01-01"
    assert spec.system_design.inputs[0].example == "0012"
    assert spec.project.date.isoformat() == "2026-11-20"  # a date field still gets a date


def test_a_required_field_left_empty_is_an_error(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "  users: Retention agents.\n", "  users:\n")
    problems = collect_problems(path)
    assert [(p.severity, p.line, p.key) for p in problems] == [("error", 12, "ecosystem.users")]


def test_a_non_text_key_is_located_on_its_own_line(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(path, "  task: binary\n", "  task: binary\n  1: x\n")
    problems = collect_problems(path)
    assert [p.line for p in problems] == [6]


def test_a_scalar_yaml_1_1_reads_as_a_float_but_python_cannot_stays_text() -> None:
    from dsreport.load.yamlsrc import parse_yaml

    doc, problems = parse_yaml("a: .\nb: 1.2.3\nc: 1.5\n", "x.yaml")
    assert doc is not None and problems == []
    assert doc.data == {"a": ".", "b": "1.2.3", "c": 1.5}


def test_a_kept_parse_is_taken_by_the_next_parse_of_the_same_text_only() -> None:
    text = "project:\n  name: x\n"
    kept, _ = parse_yaml(text, "dsreport.yaml", keep=True)
    other, _ = parse_yaml("a: 1\n", "dsreport.yaml")
    taken, _ = parse_yaml(text, "dsreport.yaml")
    again, _ = parse_yaml(text, "dsreport.yaml")
    assert other is not None and other.data == {"a": 1}
    assert taken is kept
    assert again is not kept and again is not None and kept is not None
    assert again.data == kept.data
