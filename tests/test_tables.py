"""Predictions and reviewed-examples tables: strict CSV, text cells, problems with their line.

Latin-1 bytes and big CSVs are generated here rather than committed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dsreport.load.loader import collect_problems, load_bundle
from helpers import Run, edit, edit_yaml

HEADER = "id,label,score_rules,score_gbm\n"
REVIEW_HEADER = "id,input,model_output,expected_output,verdict,error_category,severity,note\n"


def formatted(path: Path) -> list[str]:
    return [p.format() for p in collect_problems(path)]


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")


# --- reading CSV --------------------------------------------------------------------------------


def test_latin1_byte_is_reported_with_its_line(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("good-binary")
    (path / "data" / "predictions.csv").write_bytes(
        HEADER.encode() + b"001,1,0.7,0.9\n002,0,0.2,0.1\nd\xe9f,1,0.4,0.6\n"
    )
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.err_lines == [
        "error: data/predictions.csv:4: byte 0xe9 is not valid UTF-8",
        "  hint: save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
        "1 error, 0 warnings",
    ]


def test_utf8_bom_is_accepted(bundle: Callable[[str], Path]) -> None:
    path = bundle("csv-bom")
    assert (path / "data" / "predictions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    table = load_bundle(path).predictions
    assert table is not None
    assert list(table.frame.columns) == ["id", "label", "score_rules", "score_gbm"]
    assert table.frame["id"].tolist() == ["001", "002", "003"]


def test_cells_stay_text_leading_zeros_and_na_included(bundle: Callable[[str], Path]) -> None:
    table = load_bundle(bundle("csv-text-cells")).predictions
    assert table is not None
    assert table.frame["id"].tolist() == ["001", "002", "0003"]
    assert table.frame["region"].tolist() == ["NA", "EU", "NA"]
    assert table.frame["score_gbm"].tolist() == ["0.9", "0.1", "0.6"]  # numbers parsed later
    assert table.row_lines == [2, 3, 4]


def test_na_is_missing_only_when_declared(bundle: Callable[[str], Path]) -> None:
    path = bundle("csv-text-cells")
    edit_yaml(
        path,
        "    slice_columns: [region]\n",
        "    slice_columns: [region]\n    missing_values: [NA]\n",
    )
    table = load_bundle(path).predictions
    assert table is not None
    region = table.frame["region"].tolist()
    assert region[1] == "EU"
    assert all(isinstance(v, float) and math.isnan(v) for v in (region[0], region[2]))
    assert table.frame["id"].tolist() == ["001", "002", "0003"]


def test_declared_missing_label_is_reported_as_missing(bundle: Callable[[str], Path]) -> None:
    path = bundle("csv-na-label")
    edit_yaml(
        path,
        "    path: data/predictions.csv\n",
        "    path: data/predictions.csv\n    missing_values: [NA]\n",
    )
    assert formatted(path) == ["error: data/predictions.csv:3: label: the label is missing"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [("", "'NA' is not a number"), ("    missing_values: [NA]\n", "the value is missing")],
)
def test_na_score(missing: str, message: str, bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", HEADER + "001,1,0.7,0.9\n002,0,NA,0.1\n")
    edit_yaml(
        path, "    path: data/predictions.csv\n", "    path: data/predictions.csv\n" + missing
    )
    assert formatted(path) == [f"error: data/predictions.csv:3: score_rules: {message}"]


def test_quoted_newlines_shift_later_lines(bundle: Callable[[str], Path]) -> None:
    """Rows 001 and 003 span 2 and 3 lines; a bad score in the last row is on line 9."""
    path = bundle("csv-quoted-newline")
    csv = path / "data" / "predictions.csv"
    edit(csv, "004,1,0.4\n", "004,1,0.4,0.5,ok\n")
    edit(csv, "005,0,0.1,0.2,last", "005,0,0.1,1.5,last")
    problems = collect_problems(path)
    assert [p.format() for p in problems] == [
        "error: data/predictions.csv:9: score_gbm: score '1.5' is outside [0, 1]"
    ]


def test_row_lines_of_a_table_with_quoted_newlines(bundle: Callable[[str], Path]) -> None:
    path = bundle("csv-quoted-newline")
    edit(path / "data" / "predictions.csv", "004,1,0.4\n", "004,1,0.4,0.5,ok\n")
    table = load_bundle(path).predictions
    assert table is not None
    assert table.row_lines == [2, 4, 5, 8, 9]
    assert table.frame["note"].tolist() == [
        "a note\nover two lines",
        "plain",
        "three\nmore\nlines",
        "ok",
        "last",
    ]


def test_crlf_and_blank_lines_keep_line_numbers(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    text = HEADER + "001,1,0.7,0.9\n\n002,0,0.2\n"
    (path / "data" / "predictions.csv").write_bytes(text.replace("\n", "\r\n").encode())
    assert formatted(path) == ["error: data/predictions.csv:4: row has 3 fields, the header has 4"]


def test_a_big_csv_is_read_quickly_and_located_to_the_last_line(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("good-binary")
    rows = "".join(f"{i:06d},{i % 2},0.25,0.75\n" for i in range(60_000))
    write(path / "data" / "predictions.csv", HEADER + rows + "999999,1,0.25,7.5\n")
    start = time.perf_counter()
    problems = collect_problems(path)
    assert time.perf_counter() - start < 5
    assert [p.format() for p in problems] == [
        "error: data/predictions.csv:60002: score_gbm: score '7.5' is outside [0, 1]"
    ]


def test_many_bad_rows_are_summarised(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(
        path / "data" / "predictions.csv",
        HEADER + "".join(f"{i:03d},1,0.5,1.5\n" for i in range(12)),
    )
    assert formatted(path) == [
        *(
            f"error: data/predictions.csv:{n}: score_gbm: score '1.5' is outside [0, 1]"
            for n in range(2, 7)
        ),
        "error: data/predictions.csv:7: score_gbm: 7 more rows like this",
    ]


def test_many_ragged_rows_are_summarised(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", HEADER + "001,1,0.5\n" * 30)
    messages = [p.message for p in collect_problems(path)]
    assert "more rows like this" in messages[-1]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id,label,label,score_rules,score_gbm\n", "column 'label' appears twice"),
        ("id,label,,score_rules,score_gbm\n", "a column has an empty name"),
    ],
)
def test_header_problems(header: str, message: str, bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", header + "001,1,1,0.7,0.9\n")
    assert formatted(path) == [f"error: data/predictions.csv:1: {message}"]


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        ('001,1,0.7,0.9\n002,0,"0.2"x,0.1\n', 3, "',' expected after '\"'"),
        ('001,1,0.7,0.9\n002,0,"0.2,0.1\n003,1,0.4,0.6\n', 3, "unexpected end of data"),
    ],
    ids=["text-after-quote", "unterminated-quote"],
)
def test_quoting_errors_carry_their_line(
    rows: str, line: int, message: str, bundle: Callable[[str], Path]
) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", HEADER + rows)
    problems = collect_problems(path)
    assert [(p.format(), p.hint) for p in problems] == [
        (
            f"error: data/predictions.csv:{line}: the CSV cannot be parsed: {message}",
            "check the quoting on this line",
        )
    ]


def test_header_whitespace_is_trimmed(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", " id , label ,score_rules,score_gbm\n001,1,0.7,0.9\n")
    assert formatted(path) == []


# --- checks on predictions --------------------------------------------------------------------


def test_missing_label_column_suggests_the_nearest(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    edit_yaml(
        path,
        "    path: data/predictions.csv\n",
        "    path: data/predictions.csv\n    label_column: lable\n",
    )
    problems = collect_problems(path)
    assert [(p.format(), p.hint) for p in problems] == [
        (
            "error: dsreport.yaml:54: interrogation.predictions.label_column: "
            "column 'lable' is not in data/predictions.csv",
            "did you mean 'label'?",
        )
    ]


def test_missing_column_under_another_case_is_suggested(
    bundle: Callable[[str], Path],
) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", "ID,label,score_rules,score_gbm\n001,1,0.7,0.9\n")
    problems = collect_problems(path)
    assert [(p.format(), p.hint) for p in problems] == [
        (
            "error: dsreport.yaml:52: interrogation.predictions.id_column: column 'id' is not in "
            "data/predictions.csv",
            "the table has 'ID': set `id_column: ID` if it holds this",
        )
    ]


def test_duplicate_ids_are_a_warning(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", HEADER + "001,1,0.7,0.9\n001,0,0.2,0.1\n")
    problems = collect_problems(path)
    assert [(p.format(), p.hint) for p in problems] == [
        (
            "warning: data/predictions.csv:3: id: id '001' appears more than once",
            "ids must be unique",
        )
    ]


def test_an_empty_label_is_one_problem(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "predictions.csv", HEADER + "001,1,0.7,0.9\n002,,0.2,0.1\n")
    assert formatted(path) == ["error: data/predictions.csv:3: label: the label is missing"]


def test_parquet_predictions_load(bundle: Callable[[str], Path]) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = bundle("good-binary")
    frame = pd.DataFrame(
        {
            "id": ["001", "002"],
            "label": ["1", "0"],
            "score_rules": [0.7, 0.2],
            "score_gbm": [0.9, 0.1],
        }
    )
    frame.to_parquet(path / "data" / "predictions.parquet")
    edit_yaml(path, "path: data/predictions.csv", "path: data/predictions.parquet")
    table = load_bundle(path).predictions
    assert table is not None
    assert (table.row_lines, table.text_cells) == (None, False)
    assert table.frame["id"].tolist() == ["001", "002"]


def test_a_corrupt_parquet_file_is_a_problem(bundle: Callable[[str], Path]) -> None:
    pytest.importorskip("pyarrow")
    path = bundle("good-binary")
    (path / "data" / "predictions.parquet").write_bytes(b"PAR1 this is not parquet")
    edit_yaml(path, "path: data/predictions.csv", "path: data/predictions.parquet")
    problems = collect_problems(path)
    assert len(problems) == 1
    assert problems[0].file == "data/predictions.parquet"
    assert problems[0].message.startswith("not a readable Parquet file (")


def test_parquet_values_print_plainly(bundle: Callable[[str], Path]) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = bundle("good-binary")
    frame = pd.DataFrame(
        {
            "id": ["001", "002"],
            "label": ["1", "0"],
            "score_rules": [0.7, 0.2],
            "score_gbm": [1.2, 0.1],
        }
    )
    frame.to_parquet(path / "data" / "predictions.parquet")
    edit_yaml(path, "path: data/predictions.csv", "path: data/predictions.parquet")
    # Parquet has no lines, so the row number is part of the message; values print plainly.
    assert [p.message for p in collect_problems(path)] == ["score '1.2' is outside [0, 1] (row 1)"]


def test_parquet_text_is_cleaned_like_csv_text(bundle: Callable[[str], Path]) -> None:
    """Characters XML cannot carry (and C1 controls) leave Parquet strings, column names and
    dictionary-encoded labels as they leave CSV text; tabs and line breaks stay."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = bundle("good-binary")
    frame = pd.DataFrame(
        {
            "i\x00d": ["0\x1b01", "00\u00852", "003\ufffe"],
            "label": pd.Categorical(["1\x7f", "0", "1"]),
            "score_rules": [0.7, 0.2, 0.4],
            "score_gbm": [0.9, 0.1, 0.6],
            "note": ["tab\there", "line\nbreak", "é"],
        }
    )
    frame.to_parquet(path / "data" / "predictions.parquet")
    edit_yaml(path, "path: data/predictions.csv", "path: data/predictions.parquet")
    table = load_bundle(path).predictions
    assert table is not None
    assert list(table.frame.columns) == ["id", "label", "score_rules", "score_gbm", "note"]
    assert table.frame["id"].tolist() == ["001", "002", "003"]
    assert table.frame["label"].astype(str).tolist() == ["1", "0", "1"]
    assert table.frame["note"].tolist() == ["tab\there", "line\nbreak", "é"]


def test_csv_text_is_cleaned_and_keeps_its_lines(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(
        path / "data" / "predictions.csv",
        HEADER.replace("id", "i\x00d")
        + "0\x1b01,1,0.7,0.9\n002\u0085,0,0.2,0.1\n003,2\ufffe,0.4,0.6\n",
    )
    # the bad label is still found, on its own line, and printed without the U+FFFE
    assert formatted(path) == [
        "error: data/predictions.csv:4: label: label '2' is not one of the declared classes"
    ]


# --- reviewed examples -------------------------------------------------------------------------


def test_reviewed_without_category_warns_and_exits_0(
    bundle: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    path = bundle("reviewed-no-category")
    result = cli("validate", path)
    assert result.exit_code == 0
    assert result.stdout == f"{path}: valid (1 warning)\n"
    loaded = load_bundle(path)
    assert [p.format() for p in loaded.warnings] == [
        "warning: data/reviewed.csv:3: error_category: an incorrect example has no error_category"
    ]


def test_reviewed_header_only_is_a_warning(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "reviewed.csv", REVIEW_HEADER)
    assert formatted(path) == [
        "warning: data/reviewed.csv:1: no reviewed examples: the error analysis will be empty"
    ]


def test_reviewed_verdicts_ignore_case_and_spaces(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(
        path / "data" / "reviewed.csv",
        REVIEW_HEADER + "1,x,y,y, Correct ,,,\n2,x,y,z,INCORRECT,plan,High,\n",
    )
    assert formatted(path) == []


def test_reviewed_duplicate_ids_warn(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(
        path / "data" / "reviewed.csv", REVIEW_HEADER + "1,x,y,y,correct,,,\n1,x,y,y,correct,,,\n"
    )
    assert formatted(path) == ["warning: data/reviewed.csv:3: id: id '1' appears more than once"]


def test_reviewed_blank_verdict_is_an_error(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(path / "data" / "reviewed.csv", REVIEW_HEADER + "1,x,y,y,,,,\n")
    assert formatted(path) == [
        "error: data/reviewed.csv:2: verdict: verdict '' is not one of: correct, incorrect, "
        "partial, ambiguous, not_applicable"
    ]


def test_one_missing_review_column_is_singular(bundle: Callable[[str], Path]) -> None:
    path = bundle("good-binary")
    write(
        path / "data" / "reviewed.csv",
        "id,input,model_output,expected_output,verdict,error_category,note\n1,x,y,y,correct,,\n",
    )
    assert formatted(path) == ["error: data/reviewed.csv:1: missing column: severity"]
