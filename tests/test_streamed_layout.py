"""A streamed table gives the facts of the same rows in memory, bit for bit, however its
files are cut: one file or a folder of several, row groups of any size. The float sums of
multiclass probabilities and of regression residuals are added batch by batch, so this
holds only because a streamed table's batches are cut where an in-memory table's are."""

from __future__ import annotations

import itertools
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import test_reduce_multiclass as multiclass
import test_reduce_regression as regression
from dsreport.analyse.reduce import multisample
from dsreport.load.aligned import Segment, cut
from dsreport.load.loader import load_bundle
from dsreport.load.paths import LoadOptions
from dsreport.load.source import SourceFile
from dsreport.load.streamed import StreamedTable, open_streamed
from helpers import edit_yaml
from test_reduce import ROW_ONLY, facts

pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")

PARQUET = "data/predictions.parquet"
NAMED = {"/bundle_digest"}
"""The bundle's own identity: another file or a folder (hints name it: renamed)."""


def unequal(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths where two facts differ at all: a float in its last bit too."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}/{k}" for k in set(a) ^ set(b)]
        return out + [d for k in set(a) & set(b) for d in unequal(a[k], b[k], f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in unequal(x, y, f"{path}/{i}")
        ]
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return []
    return [] if a == b and type(a) is type(b) else [path]


def relaid(root: Path, target: Path, cuts: list[int], group: int) -> Path:
    """A copy of the bundle at `root` whose table is cut into files at `cuts` (a folder;
    one file when there are none), `group` rows to a row group."""
    shutil.copytree(root, target)
    table = pq.read_table(root / PARQUET)
    (target / PARQUET).unlink()
    if not cuts:
        pq.write_table(table, target / PARQUET, row_group_size=group)
        return target
    folder = target / "data" / "parts"
    folder.mkdir()
    edges = [0, *cuts, table.num_rows]
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        pq.write_table(table.slice(a, b - a), folder / f"part-{i}.parquet", row_group_size=group)
    edit_yaml(target, f"path: {PARQUET}\n", "path: data/parts\n")
    return target


def same_facts_every_layout(root: Path, tmp_path: Path) -> None:
    memory = load_bundle(root, LoadOptions(stream_rows=None))
    assert not isinstance(memory.predictions, StreamedTable)
    expected = facts(memory)
    layouts = {"row groups of 7,001": ([], 7_001), "three files": ([33_333, 90_001], 9_999)}
    for name, (cuts, group) in layouts.items():
        bundle = load_bundle(relaid(root, tmp_path / name, cuts, group), LoadOptions(stream_rows=0))
        assert isinstance(bundle.predictions, StreamedTable)
        got = json.loads(json.dumps(facts(bundle)).replace("data/parts", PARQUET))
        found = [
            d
            for d in unequal(expected, got)
            if not any(d.startswith(p) for p in [*NAMED, *ROW_ONLY])
        ]
        assert found == [], name


def test_multiclass_facts_do_not_depend_on_how_the_files_are_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dsreport.analyse.overlap.MAX_ROWS", 10_000)  # a leakage join: not here
    monkeypatch.setattr(multisample, "BOUND", 5_000)  # probabilities from sums, not the rows
    root = tmp_path / "generated"
    shutil.copytree(multiclass.ROOT, root)
    multiclass._generated(root, 150_000)  # chunks of 100,000 rows: two in memory
    same_facts_every_layout(root, tmp_path)


def test_regression_facts_do_not_depend_on_how_the_files_are_cut(tmp_path: Path) -> None:
    root = tmp_path / "generated"
    shutil.copytree(regression.EXAMPLE, root)
    regression._generated(root, 120_000)  # groups past the exact bound; one batch in memory
    same_facts_every_layout(root, tmp_path)


def pieces(sizes: list[int]) -> list[tuple[str, int, Any]]:
    """Arrow batches of the given sizes, numbered on, a text column dictionary-encoded with
    each batch's own dictionary."""
    out, start = [], 0
    for i, size in enumerate(sizes):
        numbers = pa.array(range(start, start + size), pa.int64())
        text = pa.array([f"v{(n * 5) % 7}" for n in range(start, start + size)]).dictionary_encode()
        out.append((f"part-{i}", 0, pa.table({"n": numbers, "text": text})))
        start += size
    return out


def convert(table: Any) -> pd.DataFrame:
    return table.to_pandas()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("sizes", "rows", "batches"),
    [
        ([3, 5, 0, 9, 1], 4, [4, 4, 4, 4, 2]),
        ([4, 4], 4, [4, 4]),
        ([10], 4, [4, 4, 2]),
        ([1, 1, 1], 5, [3]),
        ([], 4, []),
    ],
)
def test_batches_are_cut_at_whole_multiples_of_their_size(
    sizes: list[int], rows: int, batches: list[int]
) -> None:
    found = list(cut(pieces(sizes), rows, convert))
    assert [len(frame) for frame, _ in found] == batches
    total = sum(sizes)
    if found:
        whole = pd.concat([frame for frame, _ in found], ignore_index=True)
        assert whole["n"].tolist() == list(range(total))
        assert whole["text"].astype(str).tolist() == [f"v{(n * 5) % 7}" for n in range(total)]
    for frame, segments in found:
        assert isinstance(frame["text"].dtype, pd.CategoricalDtype)
        assert [s.start for s in segments] == list(
            itertools.accumulate([s.rows for s in segments[:-1]], initial=0)
        )
        assert sum(s.rows for s in segments) == len(frame)


def test_a_batch_names_the_file_and_row_of_each_of_its_parts() -> None:
    found = list(cut(pieces([3, 5, 9]), 4, convert))
    assert [segments for _, segments in found] == [
        [Segment("part-0", 0, 0, 3), Segment("part-1", 0, 3, 1)],
        [Segment("part-1", 1, 0, 4)],
        [Segment("part-2", 0, 0, 4)],
        [Segment("part-2", 4, 0, 4)],
        [Segment("part-2", 8, 0, 1)],
    ]


def test_files_whose_types_differ_give_the_in_memory_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two files in one batch: the second's slice column all missing and one probability
    column as float32; each piece is cast to the table's common types before they are
    joined, as the in-memory table's files are."""
    monkeypatch.setattr("dsreport.analyse.overlap.MAX_ROWS", 10_000)  # a leakage join: not here
    root = tmp_path / "generated"
    shutil.copytree(multiclass.ROOT, root)
    multiclass._generated(root, 30_000)
    table = pq.read_table(root / PARQUET)
    (root / PARQUET).unlink()
    half = table.num_rows // 2 + 123
    first, second = table.slice(0, half), table.slice(half)
    for name, values in (
        ("ink_band", pa.nulls(second.num_rows, pa.string())),
        ("proba_templates_0", second["proba_templates_0"].cast(pa.float32())),
    ):
        at = second.schema.get_field_index(name)
        second = second.set_column(at, pa.field(name, values.type), values)
    folder = root / "data" / "parts"
    folder.mkdir()
    pq.write_table(first, folder / "part-0.parquet", row_group_size=7_001)
    pq.write_table(second, folder / "part-1.parquet", row_group_size=7_001)
    edit_yaml(root, f"path: {PARQUET}\n", "path: data/parts\n")
    expected = facts(load_bundle(root, LoadOptions(stream_rows=None)))
    bundle = load_bundle(root, LoadOptions(stream_rows=0))
    assert isinstance(bundle.predictions, StreamedTable)
    found = [
        d
        for d in unequal(expected, facts(bundle))
        if not any(d.startswith(p) for p in [*NAMED, *ROW_ONLY])
    ]
    assert found == []


def test_a_required_column_beside_text_cleaned_in_one_row_group_only(tmp_path: Path) -> None:
    """Cleaning a piece's text rebuilds its schema (every column nullable); the pieces of a
    batch still join."""
    schema = pa.schema(
        [pa.field("label", pa.string(), nullable=False), pa.field("band", pa.string())]
    )
    rows = pa.table(
        {"label": ["a"] * 6, "band": [None, None, None, "x\x01y", "z", "z"]}, schema=schema
    )
    path = tmp_path / "t.parquet"
    pq.write_table(rows, path, row_group_size=3)
    table, problems = open_streamed("t.parquet", [SourceFile("t.parquet", path, 0)], 0)
    assert problems == [] and table is not None
    [batch] = list(table.batches(["label", "band"], rows=6))
    assert batch["band"].astype(object).tolist()[3:] == ["xy", "z", "z"]
    assert isinstance(batch["band"].dtype, pd.CategoricalDtype)


def test_text_is_read_as_categories_though_the_first_file_has_none(tmp_path: Path) -> None:
    """The columns read as dictionaries follow the table's common types: a first file whose
    slice column is all missing (Arrow's null type) does not leave the column as text."""
    files = []
    for i, band in enumerate((pa.nulls(3), pa.array(["x", None, "y"]))):
        path = tmp_path / f"part-{i}.parquet"
        pq.write_table(pa.table({"label": ["a"] * 3, "band": band}), path)
        files.append(SourceFile(path.name, path, 0))
    table, problems = open_streamed("parts", files, 0)
    assert problems == [] and table is not None
    [batch] = list(table.batches(["label", "band"], rows=6))
    assert isinstance(batch["band"].dtype, pd.CategoricalDtype)
    assert batch["band"].cat.codes.tolist() == [-1, -1, -1, 0, -1, 1]
