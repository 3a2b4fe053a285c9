"""Predictions from a folder of Parquet files or a glob, and the streamed Parquet table.

The bundles are the examples and the small test bundles, with their tables rewritten in
tmp_path as Parquet parts or CSV parts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dsreport.analyse.engine import analyse
from dsreport.errors import BundleError
from dsreport.load import source
from dsreport.load.loader import LoadOptions, collect_problems, load_bundle
from dsreport.load.pandasmeta import nullable_ints
from dsreport.load.source import SourceFile
from dsreport.load.streamed import StreamedTable, open_streamed
from dsreport.load.tables import Table, arrow_frame, read_arrow
from helpers import EXAMPLES, edit_yaml

STREAM = LoadOptions(stream_rows=0)
MEMORY = LoadOptions(stream_rows=None)
TEXT = ["id", "label", "split", "nucleus_size_band", "texture_band"]


def tumour(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A copy of tumour-triage without its predictions file, and that table."""
    root = tmp_path / "tumour"
    shutil.copytree(EXAMPLES / "tumour-triage", root)
    csv = root / "data" / "predictions.csv"
    frame = pd.read_csv(csv, dtype=dict.fromkeys(TEXT, str))
    csv.unlink()
    return root, frame


def parts(frame: pd.DataFrame, folder: Path, count: int, suffix: str = "parquet") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-len(frame) // count)
    for index in range(count):
        part = frame.iloc[index * size : (index + 1) * size]
        path = folder / f"part-{index}.{suffix}"
        if suffix == "parquet":
            part.to_parquet(path, index=False)
        else:
            part.to_csv(path, index=False)


def point_at(root: Path, path: str) -> None:
    edit_yaml(root, "path: data/predictions.csv", f"path: {path}")


def messages(problems: list[object]) -> list[str]:
    return [p.format() for p in problems]  # type: ignore[attr-defined]


def metrics(root: Path, options: LoadOptions) -> list[object]:
    """Every metric as the facts give it, floats to 12 digits (the reducer's sums of a
    table cut into other batches may differ in the last bit)."""
    facts = analyse(load_bundle(root, options))
    return [rounded(m.model_dump()) for m in facts.metrics]


def rounded(value: object) -> object:
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


# --- several files, one table -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["data/predictions", "data/predictions/*.parquet"])
def test_a_folder_or_glob_of_parquet_files_loads_as_one_table(tmp_path: Path, path: str) -> None:
    root, frame = tumour(tmp_path)
    frame.to_parquet(root / "data" / "whole.parquet", index=False)
    point_at(root, "data/whole.parquet")
    whole = metrics(root, MEMORY)
    edit_yaml(root, "path: data/whole.parquet", f"path: {path}")
    (root / "data" / "whole.parquet").unlink()
    parts(frame, root / "data" / "predictions", 3)
    bundle = load_bundle(root, MEMORY)
    assert isinstance(bundle.predictions, Table)
    assert bundle.predictions.sources == [f"data/predictions/part-{i}.parquet" for i in range(3)]
    assert bundle.predictions.rows == len(frame)
    assert isinstance(bundle.predictions.frame["nucleus_size_band"].dtype, pd.CategoricalDtype)
    assert metrics(root, MEMORY) == whole


def test_csv_parts_keep_each_rows_file_and_line(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    frame.loc[len(frame) - 2, "score_logreg"] = 1.5  # in the second file
    parts(frame, root / "data" / "parts", 2, "csv")
    point_at(root, "data/parts/*.csv")
    second = len(frame) - 2 - (-(-len(frame) // 2))
    assert messages(collect_problems(root))[:1] == [
        f"error: data/parts/part-1.csv:{second + 2}: score_logreg: score '1.5' is outside [0, 1]"
    ]


def test_files_that_disagree_name_both_files_and_the_column(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    parts(frame, root / "data" / "predictions", 2)
    odd = frame.iloc[:5].astype({"score_logreg": str}).drop(columns=["texture_band"])
    odd.to_parquet(root / "data" / "predictions" / "part-2.parquet", index=False)
    point_at(root, "data/predictions")
    assert messages(collect_problems(root)) == [
        "error: data/predictions/part-2.parquet: column 'texture_band' is in "
        "data/predictions/part-0.parquet but not in data/predictions/part-2.parquet",
        "error: data/predictions/part-2.parquet: score_logreg: column 'score_logreg' is double "
        "in data/predictions/part-0.parquet but large_string in data/predictions/part-2.parquet",
    ]


@pytest.mark.parametrize("options", [MEMORY, STREAM], ids=["memory", "streamed"])
def test_files_written_by_different_engines_are_one_table(
    tmp_path: Path, options: LoadOptions
) -> None:
    """pandas writes text as large_string and lets every column hold nulls; Spark, DuckDB and
    BigQuery write string, a narrower integer, and columns without nulls as required."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root, frame = tumour(tmp_path)
    frame.to_csv(root / "data" / "predictions.csv", index=False)
    whole = metrics(root, MEMORY)
    (root / "data" / "predictions.csv").unlink()
    frame["rank"] = range(len(frame))  # a column no check reads, as int32 and int64
    parts(frame, root / "data" / "predictions", 2)
    second = root / "data" / "predictions" / "part-1.parquet"
    table = pq.read_table(second)
    assert pa.types.is_large_string(table.schema.field("id").type)  # as pandas writes it

    def as_an_engine_writes(field: pa.Field) -> pa.Field:
        kind = pa.int32() if field.name == "rank" else field.type
        kind = pa.string() if kind == pa.large_string() else kind
        return pa.field(field.name, kind, nullable=field.name not in ("id", "label", "split"))

    engine = pa.schema([as_an_engine_writes(f) for f in table.schema])
    pq.write_table(table.cast(engine), second)
    point_at(root, "data/predictions")
    assert metrics(root, options) == whole
    if options is MEMORY:
        rank = load_bundle(root, MEMORY).predictions.frame["rank"]  # type: ignore[union-attr]
        assert rank.tolist() == list(range(len(frame)))


def test_a_value_that_does_not_fit_the_other_files_type_is_located(tmp_path: Path) -> None:
    """Integers as DECIMAL(38, 0) join int64 files, unless one does not fit in 64 bits."""
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    root, frame = tumour(tmp_path)
    frame["rank"] = range(len(frame))
    parts(frame, root / "data" / "predictions", 2)
    second = root / "data" / "predictions" / "part-1.parquet"
    table = pq.read_table(second)
    ranks = [decimal.Decimal(v) for v in table.column("rank").to_pylist()]
    where = table.column_names.index("rank")
    pq.write_table(table.set_column(where, "rank", pa.array(ranks, pa.decimal128(38, 0))), second)
    point_at(root, "data/predictions")
    assert messages(collect_problems(root)) == []
    ranks[0] = decimal.Decimal(10**30)
    pq.write_table(table.set_column(where, "rank", pa.array(ranks, pa.decimal128(38, 0))), second)
    assert messages(collect_problems(root)) == [
        "error: data/predictions/part-1.parquet: rank: column 'rank' is decimal128(38, 0) here "
        "and cannot be read as int64, as the table's other files have it: Integer value out "
        "of bounds",
    ]


def test_a_first_file_of_nulls_alone_does_not_hide_a_difference_after_it(
    tmp_path: Path,
) -> None:
    """A column of nulls fits any kind, so the files after it are compared with the first
    that holds values in it: text in one, numbers in the next is still refused."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root, frame = tumour(tmp_path)
    parts(frame, root / "data" / "predictions", 3)
    for index, column in enumerate([pa.nulls(0), pa.array(["yes"]), pa.array([0.5])]):
        path = root / "data" / "predictions" / f"part-{index}.parquet"
        table = pq.read_table(path)
        extra = pa.nulls(len(table)) if index == 0 else pa.repeat(column[0], len(table))
        pq.write_table(table.append_column("extra", extra), path)
    point_at(root, "data/predictions")
    assert messages(collect_problems(root)) == [
        "error: data/predictions/part-2.parquet: extra: column 'extra' is string in "
        "data/predictions/part-1.parquet but double in data/predictions/part-2.parquet",
    ]


@pytest.mark.parametrize("options", [MEMORY, STREAM], ids=["memory", "streamed"])
def test_decimal_scores_beside_float_ones_read_as_their_nearest_double(
    tmp_path: Path, options: LoadOptions
) -> None:
    """BigQuery's NUMERIC scores in one file, doubles in the other: each decimal is the
    double nearest it (as `float(Decimal)`), whichever path reads them."""
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    root, frame = tumour(tmp_path)
    frame["score_logreg"] = frame["score_logreg"].round(6)
    frame.to_csv(root / "data" / "predictions.csv", index=False)
    whole = metrics(root, MEMORY)
    (root / "data" / "predictions.csv").unlink()
    parts(frame, root / "data" / "predictions", 2)
    second = root / "data" / "predictions" / "part-1.parquet"
    table = pq.read_table(second)
    where = table.column_names.index("score_logreg")
    exact = [decimal.Decimal(f"{v:.6f}") for v in table.column("score_logreg").to_pylist()]
    numeric = pa.array(exact, pa.decimal128(38, 9))
    pq.write_table(table.set_column(where, "score_logreg", numeric), second)
    point_at(root, "data/predictions")
    assert metrics(root, options) == whole


def test_files_whose_values_differ_in_kind_are_refused(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    parts(frame, root / "data" / "predictions", 2)
    odd = frame.iloc[:5].astype({"label": int})
    odd.to_parquet(root / "data" / "predictions" / "part-2.parquet", index=False)
    point_at(root, "data/predictions")
    assert messages(collect_problems(root)) == [
        "error: data/predictions/part-2.parquet: label: column 'label' is large_string in "
        "data/predictions/part-0.parquet but int64 in data/predictions/part-2.parquet",
    ]


def test_csv_files_that_disagree_name_both_files(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    parts(frame, root / "data", 2, "csv")
    frame.iloc[:3].rename(columns={"score_forest": "score_trees"}).to_csv(
        root / "data" / "part-2.csv", index=False
    )
    point_at(root, "data/part-*.csv")
    assert messages(collect_problems(root)) == [
        "error: data/part-2.csv:1: column 'score_forest' is in data/part-0.csv but not in "
        "data/part-2.csv",
        "error: data/part-2.csv:1: column 'score_trees' is in data/part-2.csv but not in "
        "data/part-0.csv",
    ]


@pytest.mark.parametrize(
    ("path", "make", "message"),
    [
        ("data/preds/x*.parquet", None, "'data/preds/x*.parquet' matches no file"),
        ("data/*/../../x.parquet", None, "'data/*/../../x.parquet' leaves the bundle folder"),
        ("data/preds", "csv", "'data/preds/extra.csv' is not a Parquet file"),
        ("data/preds", "link", "'data/preds/outside.parquet' is a symbolic link"),
        (
            "data/preds/*.parquet",
            "link",
            "'data/preds/outside.parquet' (matched by 'data/preds/*.parquet') is a symbolic link",
        ),
        (
            "data/pre*/*.parquet",
            "linked-folder",
            "'data/preds' (matched by 'data/pre*/*.parquet') is a symbolic link",
        ),
        ("data/preds/*", "csv", "'data/preds/*' matches both CSV and Parquet files"),
        ("data/empty", "empty", "folder 'data/empty' holds no Parquet file"),
    ],
)
def test_a_folder_or_glob_stays_inside_the_bundle(
    tmp_path: Path, path: str, make: str | None, message: str
) -> None:
    root, frame = tumour(tmp_path)
    outside = tmp_path / "outside"
    parts(frame, outside, 1)
    preds = root / "data" / "preds"
    if make == "linked-folder":
        preds.symlink_to(outside)
    else:
        parts(frame, preds, 2)
    if make == "csv":
        frame.to_csv(preds / "extra.csv", index=False)
    if make == "link":
        (preds / "outside.parquet").symlink_to(outside / "part-0.parquet")
    if make == "empty":
        (root / "data" / "empty" / "_SUCCESS").parent.mkdir()
        (root / "data" / "empty" / "_SUCCESS").write_text("")
    point_at(root, path)
    [problem] = [p for p in collect_problems(root) if p.severity == "error"]
    assert (problem.file, problem.key, problem.message) == (
        "dsreport.yaml",
        "interrogation.predictions.path",
        message,
    )


# --- the streamed table -------------------------------------------------------------------------


def streamed_bundle(tmp_path: Path, count: int = 2) -> tuple[Path, pd.DataFrame]:
    root, frame = tumour(tmp_path)
    parts(frame, root / "data" / "predictions", count)
    point_at(root, "data/predictions")
    return root, frame


def test_a_large_binary_parquet_table_is_streamed_in_batches(tmp_path: Path) -> None:
    root, frame = streamed_bundle(tmp_path)
    table = load_bundle(root, STREAM).predictions
    assert isinstance(table, StreamedTable)
    assert (table.rows, table.sources) == (len(frame), [f.name for f in table.files])
    batches = list(table.batches(["label", "texture_band", "score_forest"], rows=50))
    assert [len(b) for b in batches] == [50, 50, 50, 50, 28]  # across the two files
    first = batches[0]
    assert list(first.columns) == ["label", "texture_band", "score_forest"]
    assert isinstance(first["label"].dtype, pd.CategoricalDtype)
    assert first["score_forest"].dtype == "float64"
    assert load_bundle(root).predictions.__class__ is Table  # under the threshold: in memory


def test_a_live_display_is_told_the_rows_read_while_a_streamed_table_is_analysed(
    tmp_path: Path,
) -> None:
    from dsreport.api import build

    root, frame = streamed_bundle(tmp_path, 3)
    notes: list[tuple[str, str]] = []

    class Display:
        def begin(self, stage: str) -> None:
            pass

        def end(self, stage: str, seconds: float, detail: str = "") -> None:
            pass

        def note(self, stage: str, text: str) -> None:
            notes.append((stage, text))

    build(root, tmp_path / "out", only=["facts"], options=STREAM, force=True, progress=Display())
    total = f"{len(frame):,}"
    assert notes[0] == ("analyse", f"{-(-len(frame) // 3)} of {total} rows read")  # one file
    assert notes[-1] == ("analyse", f"{total} of {total} rows read")


def test_the_live_display_shows_a_note_until_the_stage_ends() -> None:
    import io

    from rich.console import Console

    from dsreport.buildtool.progress import LiveDisplay

    console = Console(file=io.StringIO(), force_terminal=True, width=80, color_system=None)
    with LiveDisplay(console) as display:
        display.begin("analyse")
        display.note("analyse", "1,000 of 3,000 rows read")
        [task] = display._bar.tasks
        assert task.fields["took"] == "1,000 of 3,000 rows read"
        display.end("analyse", 1.5)
        assert task.fields["took"] == "1.50 s"


def test_in_memory_batches_give_the_same_types(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    frame.to_csv(root / "data" / "predictions.csv", index=False)
    table = load_bundle(root).predictions
    assert isinstance(table, Table)
    [batch] = list(table.batches(["label", "score_forest"]))
    assert isinstance(batch["label"].dtype, pd.CategoricalDtype)
    assert batch["score_forest"].dtype == "float64"
    assert [len(b) for b in table.batches(["label"], rows=100)] == [100, 100, 28]


def test_streaming_gives_the_in_memory_metrics(tmp_path: Path) -> None:
    root, _ = streamed_bundle(tmp_path, 3)
    assert metrics(root, STREAM) == metrics(root, MEMORY)


def test_a_streamed_tables_bad_cells_stop_the_build_with_the_in_memory_messages(
    tmp_path: Path,
) -> None:
    root, frame = tumour(tmp_path)
    frame.loc[3, "score_forest"] = 1.5
    frame.loc[150, "label"] = "2"
    frame.loc[[10, 130], "split"] = "tset"
    frame.loc[200, "id"] = frame.loc[0, "id"]
    parts(frame, root / "data" / "predictions", 2)
    point_at(root, "data/predictions")
    in_memory = messages(collect_problems(root, MEMORY))
    assert messages(collect_problems(root, STREAM)) == in_memory
    bundle = load_bundle(root, STREAM)  # the cells are read with the analysis, not before
    with pytest.raises(BundleError) as caught:
        analyse(bundle)
    shown = messages(caught.value.problems)
    assert shown == [m for m in in_memory if m.startswith("error")] + [
        m for m in in_memory if m.startswith("warning") and "part-" in m
    ]
    assert shown[:3] == [
        "error: data/predictions/part-0.parquet: score_forest: score '1.5' is outside [0, 1] "
        "(row 4)",
        "error: data/predictions/part-0.parquet: split: split 'tset' (2 rows) is not declared in "
        "system_design.data.splits",
        "error: data/predictions/part-1.parquet: label: label '2' is not one of the declared "
        "classes (row 37)",
    ]
    assert (
        "warning: data/predictions/part-1.parquet: id: id '000001' appears more than once "
        "(row 87)" in in_memory
    )


def test_a_pass_left_before_the_end_leaves_the_checks_to_the_next(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    frame.loc[200, "score_forest"] = -1.0
    parts(frame, root / "data" / "predictions", 2)
    point_at(root, "data/predictions")
    table = load_bundle(root, STREAM).predictions
    assert isinstance(table, StreamedTable)
    for _ in table.batches(["label"], rows=10):
        break
    with pytest.raises(BundleError) as caught:
        for _ in table.batches(["label"], rows=10):
            pass
    assert [p.message for p in caught.value.problems] == ["score '-1.0' is outside [0, 1] (row 87)"]
    assert len(list(table.batches(["label"]))) == 1  # checked once: later passes only read


def test_a_batch_across_two_files_locates_each_problem_in_its_own_file(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    frame.loc[[3, 200], "score_forest"] = [-1.0, 1.5]
    parts(frame, root / "data" / "predictions", 2)  # 114 rows each: one batch holds both
    point_at(root, "data/predictions")
    table = load_bundle(root, STREAM).predictions
    assert isinstance(table, StreamedTable)
    sizes = []
    with pytest.raises(BundleError) as caught:  # once the last batch is read
        for batch in table.batches(["label"]):
            sizes.append(len(batch))
    assert sizes == [len(frame)]
    assert [(p.file, p.message) for p in caught.value.problems] == [
        ("data/predictions/part-0.parquet", "score '-1.0' is outside [0, 1] (row 4)"),
        ("data/predictions/part-1.parquet", "score '1.5' is outside [0, 1] (row 87)"),
    ]


def test_a_repeated_id_is_located_in_the_batches_the_checks_read(tmp_path: Path) -> None:
    """A missing id in the first file once made the batch's integer ids floats (and the
    pass that locates a repeat read other batches, so it never found it); pandas' nullable
    integers are read back as such, so the id is named as a table in memory names it."""
    root, frame = tumour(tmp_path)
    ids = pd.array(range(1000, 1000 + len(frame)), dtype="Int64")
    ids[200], ids[10] = 1150, pd.NA  # row 200 repeats row 150's id, both in the second file
    frame["id"] = ids
    parts(frame, root / "data" / "predictions", 2)
    point_at(root, "data/predictions")
    edit_yaml(root, "  golden_set:\n    path: data/golden.jsonl\n", "")
    found = []
    for options in (STREAM, MEMORY):
        bundle = load_bundle(root, options)
        analyse(bundle)
        found.append([(p.file, p.message) for p in bundle.warnings])
    expected = [
        ("data/predictions/part-0.parquet", "the id is missing (row 11)"),
        ("data/predictions/part-1.parquet", "id '1150' appears more than once (row 87)"),
    ]
    assert found[0] == found[1] == expected


def test_missing_ids_are_reported_as_missing_not_as_repeats(tmp_path: Path) -> None:
    root, frame = tumour(tmp_path)
    ids = pd.array(range(1000, 1000 + len(frame)), dtype="Int64")
    ids[10], ids[20], ids[150] = pd.NA, pd.NA, pd.NA  # two in the first file, one in the second
    frame["id"] = ids
    parts(frame, root / "data" / "predictions", 2)
    point_at(root, "data/predictions")
    edit_yaml(root, "  golden_set:\n    path: data/golden.jsonl\n", "")
    for options in (STREAM, MEMORY):
        bundle = load_bundle(root, options)
        analyse(bundle)
        assert [(p.file, p.key, p.message) for p in bundle.warnings] == [
            ("data/predictions/part-0.parquet", "id", "the id is missing (row 11)"),
            ("data/predictions/part-0.parquet", "id", "the id is missing (row 21)"),
            ("data/predictions/part-1.parquet", "id", "the id is missing (row 37)"),
        ], options
        assert {p.hint for p in bundle.warnings} == {
            "give every row an id: a row without one is never matched or checked for repeats"
        }


def test_nullable_integers_read_back_as_pandas_wrote_them(tmp_path: Path) -> None:
    """Only integer columns whose pandas metadata names a nullable dtype change, and the
    first file's metadata holds for every file, as in memory: a later file written without
    it (by pyarrow, Spark...) reads its ids as Int64 too, even in a batch of its own."""
    first = pd.DataFrame({"id": pd.array([1150, None, 3], dtype="Int64"), "label": ["a"] * 3})
    first.to_parquet(tmp_path / "p0.parquet", index=False)
    later = pa.table({"id": pa.array([1150, None, 6], pa.int64()), "label": ["a"] * 3})
    pq.write_table(later, tmp_path / "p1.parquet")
    files = [SourceFile(f"p{i}.parquet", tmp_path / f"p{i}.parquet", 0) for i in range(2)]
    table, problems = open_streamed("parts", files, 0)
    assert problems == [] and table is not None
    for columns in (["id", "label"], ["id"]):
        batches = [frame["id"] for frame, _ in table.aligned(columns, 3)]
        assert [str(ids.dtype) for ids in batches] == ["Int64", "Int64"]
        assert [ids.astype("string").tolist() for ids in batches] == [
            ["1150", pd.NA, "3"],
            ["1150", pd.NA, "6"],
        ]
    assert nullable_ints(pq.read_schema(tmp_path / "p1.parquet")) == {}


def test_a_column_a_later_file_widens_reads_at_the_wider_type(tmp_path: Path) -> None:
    """Int32 ids in the first file, Int64 ids past 2**31 in the second: the first file's
    metadata says Int32, which pandas would cast the whole column back to."""
    root, frame = tumour(tmp_path)
    half = len(frame) // 2
    folder = root / "data" / "predictions"
    folder.mkdir()
    a, b = frame.iloc[:half].copy(), frame.iloc[half:].copy()
    a["id"] = pd.array(range(1, half + 1), dtype="Int32")
    b["id"] = pd.array(range(3_000_000_000, 3_000_000_000 + len(b)), dtype="Int64")
    a.to_parquet(folder / "part-0.parquet", index=False)
    b.to_parquet(folder / "part-1.parquet", index=False)
    point_at(root, "data/predictions")
    edit_yaml(root, "  golden_set:\n    path: data/golden.jsonl\n", "")
    for options in (STREAM, MEMORY):
        ids = load_bundle(root, options).predictions
        if isinstance(ids, StreamedTable):
            column = pd.concat([f["id"] for f in ids.batches(["id"])], ignore_index=True)
        else:
            assert isinstance(ids, Table)
            column = ids.frame["id"]
        assert str(column.dtype) == "Int64"
        assert int(column.iloc[-1]) == 3_000_000_000 + len(b) - 1


@pytest.mark.parametrize(
    "meta",
    [
        b"not json",
        b'{"columns": ["id"], "index_columns": []}',
        b'{"columns": [{"name": "id", "numpy_type": "Int64"}]}',
    ],
)
def test_pandas_metadata_not_pandas_own_is_ignored(tmp_path: Path, meta: bytes) -> None:
    """Another tool's (or a broken) `pandas` key in the file's metadata: the table reads as
    if it had none, streamed and in memory alike, instead of failing in pandas."""
    rows = pa.table({"id": pa.array([1, None, 3], pa.int64()), "label": ["a", "b", "c"]})
    path = tmp_path / "x.parquet"
    pq.write_table(rows.replace_schema_metadata({b"pandas": meta}), path)
    table, _ = open_streamed("x", [SourceFile("x.parquet", path, 0)], 0)
    assert table is not None
    streamed = next(iter(table.batches(["id", "label"])))
    arrow, problems = read_arrow(path, "x", ["label"])
    assert problems == []
    assert str(streamed["id"].dtype) == str(arrow_frame(arrow)["id"].dtype) == "float64"


def test_a_streamed_tables_columns_are_checked_at_load(tmp_path: Path) -> None:
    root, _ = streamed_bundle(tmp_path)
    edit_yaml(root, "score_column: score_forest", "score_column: score_forst")
    with pytest.raises(BundleError) as caught:
        load_bundle(root, STREAM)
    assert [p.message for p in caught.value.problems] == [
        "column 'score_forst' is not in data/predictions"
    ]


def test_golden_ids_are_looked_up_in_a_streamed_table(tmp_path: Path) -> None:
    root, _ = streamed_bundle(tmp_path)
    golden = root / "data" / "golden.jsonl"
    first = golden.read_text().splitlines()[0]
    golden.write_text(golden.read_text().replace(first, first.replace('"id": "', '"id": "9')))
    got = [p.message for p in collect_problems(root, STREAM) if "golden" in p.file]
    assert got == [m for m in [p.message for p in collect_problems(root, MEMORY)] if "9" in m][:1]
    assert got and "is not a test row of data/predictions" in got[0]


# --- keys ---------------------------------------------------------------------------------------


def test_a_large_parquet_file_is_keyed_by_footer_and_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "FINGERPRINT_BYTES", 0)
    root, frame = tumour(tmp_path)
    path = root / "data" / "p.parquet"
    frame.to_parquet(path, index=False)
    found = source.SourceFile("data/p.parquet", path, path.stat().st_size)
    key = source.fingerprint(found)
    assert key.startswith("footer:") and source.fingerprint(found) == key
    stamp = path.stat()
    frame.to_parquet(path, index=False)  # the same bytes again, its times set back
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert source.fingerprint(found) != key  # the status change time moved on


def test_a_large_parquet_file_read_into_memory_is_not_held_as_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dsreport.load import readsource

    root, _ = streamed_bundle(tmp_path)
    held = load_bundle(root, MEMORY)
    monkeypatch.setattr(readsource, "FINGERPRINT_BYTES", 0)
    monkeypatch.setattr(source, "FINGERPRINT_BYTES", 0)
    bundle = load_bundle(root, MEMORY)
    assert isinstance(bundle.predictions, Table)
    names = bundle.predictions.sources
    assert set(names) <= set(held.files) and not set(names) & set(bundle.files)
    assert sorted(bundle.fingerprints) == names
    assert bundle.predictions.frame.equals(held.predictions.frame)  # type: ignore[union-attr]


def test_the_build_cache_sees_a_changed_part(tmp_path: Path) -> None:
    from dsreport.buildtool.cache import bundle_digest

    root, frame = streamed_bundle(tmp_path)
    before = bundle_digest(root, None)
    assert bundle_digest(root, None) == before
    frame.iloc[:3].to_parquet(root / "data" / "predictions" / "part-1.parquet", index=False)
    assert bundle_digest(root, None) != before


def test_the_digest_covers_a_streamed_tables_files(tmp_path: Path) -> None:
    root, frame = streamed_bundle(tmp_path)
    bundle = load_bundle(root, STREAM)
    assert sorted(bundle.fingerprints) == bundle.predictions.sources  # type: ignore[union-attr]
    assert not set(bundle.files) & set(bundle.fingerprints)
    changed = frame.iloc[114:].copy()
    changed["score_forest"] = changed["score_forest"] / 2
    changed.to_parquet(root / "data" / "predictions" / "part-1.parquet", index=False)
    assert load_bundle(root, STREAM).digest != bundle.digest


# --- the PDF ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("options", [MEMORY, STREAM], ids=["files", "streamed"])
def test_the_pdf_attaches_each_file_and_never_a_streamed_table(
    tmp_path: Path, options: LoadOptions
) -> None:
    import dsreport
    from report_helpers import attachment_names, pdf_text

    root, _ = streamed_bundle(tmp_path)
    result = dsreport.build(root, tmp_path / "out", options=options, only=["ds"], force=True)
    pdf = tmp_path / "out" / "tumour-triage-report.pdf"
    text = " ".join(pdf_text(pdf).split())
    if options is MEMORY:
        assert sorted(attachment_names(pdf)) == [
            "part-0.parquet",
            "part-1.parquet",
            "reviewed.csv",
            "tumour-triage-facts.json",
        ]
        assert "tumour-triage-facts.json, part-0.parquet, part-1.parquet, reviewed.csv" in text
        assert result.notes == []
    else:
        note = (
            "data/predictions (228 rows, read in batches) is not attached to the PDF: a "
            "streamed table stays beside it"
        )
        assert sorted(attachment_names(pdf)) == ["reviewed.csv", "tumour-triage-facts.json"]
        assert note in text
        assert result.notes == [note]
