"""Every size a bundle controls has a documented limit, checked by `validate` with the field
and the limit: a few bytes never ask for gigabytes or minutes. The hostile corpus holds
one bundle per blow-up found; these are the limits' edges."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport.errors import Problem
from dsreport.load.loader import collect_problems
from dsreport.load.svgcheck import MAX_ELEMENTS, svg_problems
from dsreport.load.tables import MAX_COLUMNS, read_table
from helpers import EXAMPLES, edit_yaml


def formatted(path: Path) -> list[str]:
    return [p.format() for p in collect_problems(path) if p.severity == "error"]


def messages(problems: list[Problem]) -> list[str]:
    return [p.format() for p in problems]


# --- the bootstrap and the classes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("100", None),
        ("10000", None),
        ("99", "99 is not a whole number from 100 to 10,000"),
        ("1000.5", "1000.5 is not a whole number from 100 to 10,000"),
        ("10001", "10,001 is not a whole number from 100 to 10,000"),
    ],
)
def test_bootstrap_resamples_bounds(
    value: str, problem: str | None, bundle: Callable[[str], Path]
) -> None:
    path = bundle("good-binary")
    edit_yaml(
        path, "interrogation:\n", f"interrogation:\n  checks:\n    bootstrap_resamples: {value}\n"
    )
    errors = formatted(path)
    assert errors == (
        [f"error: dsreport.yaml:48: interrogation.checks.bootstrap_resamples: {problem}"]
        if problem
        else []
    )


def _digits(tmp_path: Path, classes: int, resamples: int) -> Path:
    import shutil

    root = tmp_path / "digits"
    shutil.copytree(EXAMPLES / "digit-routing", root)
    ten = '  classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]'
    names = ", ".join(f'"{i}"' for i in range(classes))
    edit_yaml(root, ten, f"  classes: [{names}]\n  checks: {{bootstrap_resamples: {resamples}}}")
    return root


def test_resamples_times_classes_squared_is_bounded(tmp_path: Path) -> None:
    """Each multiclass resample draws a classes x classes matrix: 100 classes allow 1,000.
    (The classes added have no probability columns, which is an error of its own.)"""

    def budget(root: Path) -> list[str]:
        return [p for p in formatted(root) if "interrogation.c" in p]

    def line_of_classes(root: Path) -> int:
        lines = (root / "dsreport.yaml").read_text("utf-8").splitlines()
        return next(n for n, text in enumerate(lines, start=1) if text.startswith("  classes:"))

    assert budget(_digits(tmp_path / "a", 100, 1000)) == []
    root = _digits(tmp_path / "b", 100, 1001)
    assert budget(root) == [
        f"error: dsreport.yaml:{line_of_classes(root) + 1}: "
        "interrogation.checks.bootstrap_resamples: 1,001 resamples "
        "of 100 classes draw 10,010,000 cells, over the limit of 10,000,000"
    ]
    root = _digits(tmp_path / "c", 101, 100)
    assert budget(root) == [
        f"error: dsreport.yaml:{line_of_classes(root)}: interrogation.classes: the list should "
        "have at most 100 items, not 101"
    ]


# --- tables ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted-header"])
def test_a_table_over_the_column_limit_is_refused_before_its_rows(quoted: bool) -> None:
    names = [f'"x,{i}"' if quoted else f"x{i}" for i in range(MAX_COLUMNS + 1)]
    data = (",".join(names) + "\n" + ",".join("0" * 1 for _ in names) + "\n").encode()
    table, problems = read_table(data, "data/wide.csv")
    assert table is None
    assert messages(problems) == [
        "error: data/wide.csv:1: the table has 1,001 columns, over the limit of 1,000"
    ]
    at_limit = ",".join(names[:MAX_COLUMNS]) + "\n" + ",".join("0" for _ in range(MAX_COLUMNS))
    assert read_table(at_limit.encode(), "data/ok.csv")[1] == []


def test_a_parquet_file_is_measured_from_its_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")

    def parquet(columns: int, rows: int) -> bytes:
        buffer = io.BytesIO()
        table = pa.table({f"c{i}": pa.array([0] * rows, pa.int8()) for i in range(columns)})
        pq.write_table(table, buffer)
        return buffer.getvalue()

    wide = read_table(parquet(MAX_COLUMNS + 1, 1), "p.parquet")[1]
    assert [p.message for p in wide] == ["the table has 1,001 columns, over the limit of 1,000"]
    monkeypatch.setattr("dsreport.load.tables.MAX_PARQUET_VALUES", 1000)
    long = read_table(parquet(2, 501), "p.parquet")[1]
    assert [p.message for p in long] == [
        "the table declares 501 rows of 2 columns, over the limit of 1,000 values"
    ]
    assert read_table(parquet(2, 500), "p.parquet")[1] == []


# --- SVG ------------------------------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg">{}</svg>'


def _svg(body: str) -> list[str]:
    problems = svg_problems(SVG.format(body).encode(), "d.svg", line=1, key="k")
    return [p.message for p in problems]


def test_svg_elements_are_counted_once_references_are_expanded() -> None:
    rects = '<rect width="1" height="1"/>' * 100
    group = f'<g id="g">{rects}</g>'
    uses = (MAX_ELEMENTS - 103) // 102  # each use draws itself and the group's 101
    assert _svg(f"<defs>{group}</defs>" + '<use href="#g"/>' * uses) == []
    assert _svg(f"<defs>{group}</defs>" + '<use href="#g"/>' * (uses + 1)) == [
        "SVG 'd.svg' draws more than 20,000 elements once its references (<use>, url(#...)) "
        "are expanded"
    ]
    pattern = f'<pattern id="p">{rects}</pattern>'
    fills = '<rect fill="url(#p)"/><rect style="fill: url( \'#p\' )"/>' * (uses // 2 + 1)
    assert _svg(pattern + fills) != []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '<g id="a"><g><use href="#a"/></g></g>',
            "SVG 'd.svg' refers to itself through its references (<use>, url(#...)), which "
            "never ends",
        ),
        (
            "<g>" * 64 + "</g>" * 64,
            "SVG 'd.svg' nests its elements 65 levels deep, over the limit of 64",
        ),
        (
            "<g><rect></g>",
            "SVG 'd.svg' is not well-formed XML (Opening and ending tag mismatch: rect line 1 "
            "and g, line 1, column 54)",
        ),
    ],
    ids=["cycle", "depth", "not-xml"],
)
def test_svg_cycles_depth_and_broken_xml_are_refused(body: str, message: str) -> None:
    assert _svg(body) == [message]
    assert _svg("<g>" * 63 + "</g>" * 63) == []


# --- JSON values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[1, 2.5, -3e2]", None),
        ("[NaN]", "NaN is not a number JSON allows"),
        ("[-Infinity]", "-Infinity is not a number JSON allows"),
        ("[1e999]", "1e999 is too large for a JSON number"),
        ("[" + "9" * 31 + "]", "a number of 31 characters (at most 30)"),
        ("[" * 32 + "]" * 32, None),
        ("[" * 33 + "]" * 33, "nested more than 32 levels deep"),
        ('["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]', None),
        ("[1,", "not JSON (Expecting value at character 4)"),
    ],
)
def test_strict_json_refuses_what_strict_parsers_refuse(text: str, problem: str | None) -> None:
    from dsreport import strictjson

    if problem is None:
        strictjson.loads(text)
    else:
        with pytest.raises(strictjson.JsonProblem) as caught:
            strictjson.loads(text)
        assert str(caught.value) == problem


def test_strict_json_writes_no_nan_and_escapes_line_separators() -> None:
    from dsreport import strictjson

    assert strictjson.dumps({"a": "x\u2028y\u2029z"}) == '{"a": "x\\u2028y\\u2029z"}'
    with pytest.raises(ValueError):
        strictjson.dumps([float("nan")])


# --- prose and cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[link](https://example.com) " * 1000, None),
        ("\\[" * 5000, None),
        (
            "[" * 1001,
            "the prose has 1,001 '[' characters, over the limit of 1,000 (Markdown "
            "reads each as the start of a link or an image)",
        ),
        (
            "<a" * 1001,
            "the prose has 1,001 '<' characters, over the limit of 1,000 (Markdown "
            "reads each as the start of an HTML tag)",
        ),
        ("word " * 20_001, "the prose has 100,019 characters, over the limit of 100,000"),
    ],
)
def test_prose_budgets(bundle: Callable[[str], Path], text: str, problem: str | None) -> None:
    path = bundle("good-binary")
    # a short first paragraph: the deck quotes it, and has a limit of its own
    (path / "prose" / "problem.md").write_text("The problem.\n\n" + text, "utf-8")
    expected = f"error: dsreport.yaml:10: ecosystem.problem: prose/problem.md: {problem}"
    assert formatted(path) == ([expected] if problem else [])


def test_a_long_cell_is_refused_with_its_line(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    reviewed = path / "data" / "reviewed.csv"
    lines = reviewed.read_text("utf-8").splitlines()
    cells = lines[2].split(",")
    cells[7] = "x" * 5001
    lines[2] = ",".join(cells)
    reviewed.write_text("\n".join(lines) + "\n", "utf-8")
    assert formatted(path) == [
        "error: data/reviewed.csv:3: note: the cell has more than 5,000 characters, the most "
        "a report lays out"
    ]


def test_an_absurd_level_is_no_internal_error(bundle: Callable[[str], Path]) -> None:
    """A worst case of -6.7e161 (found by the schema fuzz test) overflowed a square in the
    pilot size: it is a finite number, so the analysis must carry it."""
    from dsreport.api import check

    path = bundle("good-binary")
    edit_yaml(path, "worst_case: 0.6}", "worst_case: -6.7e+161}")
    assert check(path).recommendation is not None


# --- the golden set ----------------------------------------------------------------------------


def _golden(tmp_path: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    import shutil

    root = tmp_path / "digits"
    shutil.copytree(EXAMPLES / "digit-routing", root)
    golden = root / "data" / "golden.jsonl"
    golden.write_text("\n".join(edit(golden.read_text("utf-8").splitlines())) + "\n", "utf-8")
    return root


def test_golden_rows_are_strict_json_one_per_line(tmp_path: Path) -> None:
    """A number too large for a float was read as Infinity (and failed the build when the
    handoff wrote it back); U+2028 inside a value split the line in two."""

    def edit(lines: list[str]) -> list[str]:
        lines[0] = lines[0].replace('"pixels": [0,', '"pixels": [1e400,', 1)
        lines[1] = lines[1].replace('"id": "', '"id": "\u2028', 1)
        lines[2] = lines[2].replace('"id": "', '"id": "\\u202e', 1)  # escaped: cleaned once read
        return lines

    errors = [p for p in formatted(_golden(tmp_path, edit)) if "golden" in p]
    assert errors == [
        "error: data/golden.jsonl:1: not a JSON object: 1e400 is too large for a JSON number",
        "error: data/golden.jsonl:2: id: id '\\u2028000096' is not a test row of"
        " data/predictions.csv",  # one row, read whole, its id shown escaped
    ]


def test_a_golden_set_over_its_row_limit_is_refused_before_its_rows_are_checked(
    tmp_path: Path,
) -> None:
    from dsreport.load.golden import GOLDEN_ROWS

    root = _golden(tmp_path, lambda lines: lines * (GOLDEN_ROWS // len(lines) + 1))
    errors = [p for p in formatted(root) if "golden" in p]
    assert errors == [
        f"error: data/golden.jsonl: the golden set holds more than {GOLDEN_ROWS:,} rows"
    ]
