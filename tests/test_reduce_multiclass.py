"""The multiclass analysis from its reducer: the same facts whether the rows are read in
memory or streamed (in small batches, or by the loader from Parquet), for the example and
for a generated million rows whose groups are past the exact bound."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dsreport.analyse.engine import analyse
from dsreport.analyse.multiproba import normalised
from dsreport.analyse.reduce import multisample
from dsreport.analyse.reduce.multiclass import (
    CHUNK,
    batch_rows,
    multiclass_stats,
    reduce_multiclass,
)
from dsreport.analyse.reduce.multieval import evaluate_multiclass
from dsreport.analyse.reduce.multisample import BOUND, sample_order
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.errors import BundleError
from dsreport.load.loader import collect_problems, load_bundle
from dsreport.load.paths import LoadOptions
from dsreport.load.streamed import StreamedTable
from helpers import EXAMPLES, edit_yaml
from test_reduce import ROW_ONLY, differences, facts, only, parquet, streamed

STREAM = LoadOptions(stream_rows=0)
MEMORY = LoadOptions(stream_rows=None)
ROOT = EXAMPLES / "digit-routing"
CSV, PARQUET = "data/predictions.csv", "data/predictions.parquet"


def _numeric(spec: Any) -> list[str]:
    """The probability columns: float64 in Parquet (the labels stay text)."""
    return [
        f"{r.proba_prefix}{c}"
        for r in spec.ladder.rungs
        if r.proba_prefix
        for c in spec.interrogation.classes
    ]


def _as_parquet(root: Path, target: Path, group: int) -> Path:
    """A copy of the bundle at `root` whose predictions are Parquet, `group` rows a group."""
    shutil.copytree(root, target)
    bundle = load_bundle(target, MEMORY)
    assert bundle.predictions is not None
    frame = bundle.predictions.frame
    parquet(frame, target / PARQUET, _numeric(bundle.spec), group)
    (target / CSV).unlink()
    edit_yaml(target, f"path: {CSV}\n", f"path: {PARQUET}\n")
    return target


def _renamed(found: dict[str, Any]) -> dict[str, Any]:
    """Facts with the Parquet file named as the CSV file (hints, the bundle's echo)."""
    return dict(json.loads(json.dumps(found).replace(PARQUET, CSV)))


def test_digit_routing_in_memory_and_streamed_give_the_same_facts(tmp_path: Path) -> None:
    bundle = load_bundle(ROOT)
    assert bundle.predictions is not None
    memory = facts(bundle)
    rows = parquet(bundle.predictions.frame, tmp_path / "rows.parquet", _numeric(bundle.spec), 37)
    # batches of 37 rows and of 5 rows, handed to the same reducer: every fact, the digest too
    assert differences(memory, facts(streamed(bundle, rows, 37))) == []
    assert differences(memory, facts(streamed(bundle, rows, 5))) == []
    # the loader's own streamed table, from Parquet row groups of 37 rows
    root = _as_parquet(ROOT, tmp_path / "parquet", 37)
    loaded = load_bundle(root, STREAM)
    assert isinstance(loaded.predictions, StreamedTable)
    found = differences(memory, _renamed(facts(loaded)))
    # a streamed table keeps no rows in memory: no per-input references, no leakage join
    assert only(found, {*ROW_ONLY, "/bundle_digest"}) == []
    assert {key for key in ROW_ONLY if any(d.startswith(key) for d in found)} <= {
        "/operations/features",
        "/data/shared_ids",
        "/data/shared_feature_rows",
    }


def test_the_reduction_does_not_depend_on_the_batches() -> None:
    bundle = load_bundle(ROOT)
    assert bundle.predictions is not None
    frame, spec = bundle.predictions.frame, bundle.spec
    whole = multiclass_stats(spec, bundle.predictions)

    def cut(columns: list[str]) -> Any:
        return (frame[columns].iloc[i : i + 7] for i in range(0, len(frame), 7))

    pieces = reduce_multiclass(spec, cut, list(frame.columns))
    test = whole.splits["test"]
    for rung, matrix in test.matrix.items():
        assert np.array_equal(matrix, pieces.splits["test"].matrix[rung])
    assert whole.cubes.keys() == pieces.cubes.keys()
    assert all(np.array_equal(whole.cubes[r], pieces.cubes[r]) for r in whole.cubes)
    assert all(np.array_equal(whole.outcome[r], pieces.outcome[r]) for r in whole.outcome)
    for rung, bins in whole.confidence.items():
        assert np.array_equal(bins.counts, pieces.confidence[rung].counts)
    assert whole.digest == pieces.digest and whole.digest is not None
    assert len(whole.digest[0]) == 540 and test.sample.exact


def _generated(root: Path, n: int, seed: int = 20261206) -> None:
    """digit-routing with a generated table of `n` rows (seeded) after its own rows (the
    golden set's ids): two rungs with probabilities, one continuous (the confidences go onto
    the grid) and one to 4 decimals; train and test splits, the ink bands as slices."""
    rng = np.random.default_rng(seed)
    original = pd.read_csv(root / "data" / "predictions.csv", dtype=str)
    classes = [str(c) for c in range(10)]
    truth = rng.integers(0, 10, n)
    frame: dict[str, Any] = {
        "id": np.char.add("g", np.arange(n).astype(str)),
        "label": np.array(classes)[truth],
        "split": np.where(rng.random(n) < 0.4, "test", "train"),
        "ink_band": rng.choice(["light", "medium", "heavy"], n),
    }
    for rung, strength, decimals in (("templates", 1.5, 4), ("logreg", 3.0, None)):
        logits = rng.normal(0, 1, (n, 10))
        logits[np.arange(n), truth] += strength
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        if decimals is not None:
            proba = np.round(proba, decimals)
        frame[f"pred_{rung}"] = np.array(classes)[proba.argmax(axis=1)]
        for i, c in enumerate(classes):
            frame[f"proba_{rung}_{c}"] = proba[:, i]
    generated = pd.DataFrame(frame)
    head = original[list(generated.columns)].astype(
        {c: "float64" for c in generated.columns if c.startswith("proba_")}
    )
    rows = pd.concat([head, generated], ignore_index=True)
    rows.to_parquet(root / PARQUET, index=False, row_group_size=100_000)
    (root / CSV).unlink()
    edit_yaml(root, f"path: {CSV}\n", f"path: {PARQUET}\n")
    for rung in ("forest", "boosting"):
        edit_yaml(root, f"      score_column: pred_{rung}\n", "")
        edit_yaml(root, f"      proba_prefix: proba_{rung}_\n", "")


def test_a_million_generated_rows_in_memory_and_streamed_give_the_same_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dsreport.analyse.overlap.MAX_ROWS", 10_000)  # a leakage join: not here
    root = tmp_path / "generated"
    shutil.copytree(ROOT, root)
    _generated(root, 1_000_000)
    memory = load_bundle(root, MEMORY)
    assert not isinstance(memory.predictions, StreamedTable)
    in_memory = facts(memory)
    stream = load_bundle(root, STREAM)
    assert isinstance(stream.predictions, StreamedTable)
    found = differences(in_memory, facts(stream))
    assert only(found, ROW_ONLY) == []
    # past the bound: the groups' probabilities come from sums, grids and the hashed sample
    stats = multiclass_stats(stream.spec, stream.predictions)
    test = stats.splits["test"]
    assert not test.sample.exact and len(test.sample.rows()[0]) == BOUND
    assert stats.confidence["logreg"].binning == "grid" and stats.digest is None


def test_past_the_bound_the_batches_do_not_matter_either(tmp_path: Path) -> None:
    """250,000 rows (test groups past the bound), whole and in uneven batches: the same
    metrics and intervals (the hashed sample does not depend on the cut)."""
    root = tmp_path / "generated"
    shutil.copytree(ROOT, root)
    _generated(root, 250_000, seed=7)
    bundle = load_bundle(root, MEMORY)
    assert bundle.predictions is not None
    frame, spec = bundle.predictions.frame, bundle.spec
    checks = CheckThresholds()

    def cut(columns: list[str]) -> Any:
        edges = [0, 1, 99_999, 100_001, 173_000, len(frame)]
        return (frame[columns].iloc[a:b] for a, b in itertools.pairwise(edges))

    one = evaluate_multiclass(spec, multiclass_stats(spec, bundle.predictions), checks)
    many = evaluate_multiclass(spec, reduce_multiclass(spec, cut, list(frame.columns)), checks)

    def key(m: Any) -> tuple[Any, ...]:
        return m.name, m.rung, m.split, m.n, m.slice_key, m.slice_value, m.method

    assert [key(m) for m in one.metrics] == [key(m) for m in many.metrics]
    for a, b in zip(one.metrics, many.metrics, strict=True):
        assert a.value == pytest.approx(b.value, rel=1e-9)
        assert (a.interval is None) == (b.interval is None)
        if a.interval is not None and b.interval is not None:
            assert a.interval == pytest.approx(b.interval, rel=1e-9)


def test_a_streamed_table_s_probabilities_are_checked_batch_by_batch(tmp_path: Path) -> None:
    root = _as_parquet(ROOT, tmp_path / "parquet", 37)
    frame = pd.read_parquet(root / PARQUET)
    frame.loc[3, "proba_logreg_2"] = 1.5
    forest = [f"proba_forest_{c}" for c in range(10)]
    frame.loc[100, str(frame.loc[100, forest].astype(float).idxmin())] += 0.2
    frame.to_parquet(root / PARQUET, index=False, row_group_size=37)
    with pytest.raises(BundleError, match=r"score '1\.5' is outside"):
        analyse(load_bundle(root, STREAM))  # the analysis's pass raises, before any output
    found = [p for p in collect_problems(root, STREAM) if p.severity == "error"]
    assert found == [p for p in collect_problems(root, MEMORY) if p.severity == "error"]
    assert [(p.message, p.key) for p in found] == [
        ("score '1.5' is outside [0, 1] (row 4)", "proba_logreg_2"),
        ("row sum '1.2' of proba_forest_<class> is not 1 (row 101)", "proba_forest_*"),
    ]


def test_a_streamed_table_without_a_rung_s_probabilities_says_which(tmp_path: Path) -> None:
    root = _as_parquet(ROOT, tmp_path / "parquet", 37)
    frame = pd.read_parquet(root / PARQUET).drop(columns=["proba_forest_3"])
    frame.to_parquet(root / PARQUET, index=False)
    found = [str(p) for p in collect_problems(root, STREAM) if p.severity == "error"]
    assert found == [str(p) for p in collect_problems(root, MEMORY) if p.severity == "error"]
    assert any("1 of the 10 probability columns 'proba_forest_<class>'" in p for p in found)


@pytest.mark.parametrize("variant", ["no split column", "a train split"])
def test_every_branch_gives_the_same_facts_in_batches(tmp_path: Path, variant: str) -> None:
    """No split column, a rung without probabilities and blank slice values; or a train
    split and a baseline without probabilities (the outcome then unpaired)."""
    root = tmp_path / "bundle"
    shutil.copytree(ROOT, root)
    frame = pd.read_csv(root / CSV, dtype=str, keep_default_na=False)
    if variant == "no split column":
        edit_yaml(root, "    split_column: split\n", "")
        edit_yaml(root, "      proba_prefix: proba_forest_\n", "")
        frame.loc[frame.index % 50 == 3, "ink_band"] = ""
    else:
        golden = {json.loads(line)["id"] for line in (root / "data" / "golden.jsonl").open()}
        frame.loc[(frame.index < 200) & ~frame["id"].isin(golden), "split"] = "train"
        edit_yaml(root, "      proba_prefix: proba_templates_\n", "")
    frame.to_csv(root / CSV, index=False)
    bundle = load_bundle(root)
    assert bundle.predictions is not None
    memory = facts(bundle)
    rows = parquet(bundle.predictions.frame, tmp_path / "rows.parquet", _numeric(bundle.spec), 7)
    assert differences(memory, facts(streamed(bundle, rows, 7))) == []
    stats = multiclass_stats(bundle.spec, bundle.predictions)
    if variant == "no split column":
        assert list(stats.splits) == ["test"] and "forest" not in stats.proba
        assert list(stats.slices["ink_band"]) == ["", "heavy", "light", "medium"]
    else:
        assert list(stats.splits) == ["test", "train"] and "templates" not in stats.outcome
        assert memory["outcome"] is not None


def test_every_group_past_the_bound_keeps_the_rows_first_in_the_sample_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slice values too: each group's sample is its rows first by position hash, in table
    order, whatever the batches (a small bound puts every group of the example past it)."""
    monkeypatch.setattr(multisample, "BOUND", 40)
    bundle = load_bundle(ROOT, MEMORY)
    assert bundle.predictions is not None
    frame, spec = bundle.predictions.frame, bundle.spec
    section = spec.interrogation.predictions
    assert section is not None and section.split_column and section.slice_columns

    def cut(columns: list[str]) -> Any:
        edges = [0, 1, 97, 98, 700, len(frame)]
        return (frame[columns].iloc[a:b] for a, b in itertools.pairwise(edges))

    stats = reduce_multiclass(spec, cut, list(frame.columns))
    index = {c: i for i, c in enumerate(spec.interrogation.classes)}
    labels = frame[section.label_column].astype(str).map(index).to_numpy()
    test = frame[section.split_column].astype(str) == "test"
    groups = [(stats.splits["test"], test)] + [
        (group, test & (frame[column].astype(str) == value))
        for column in section.slice_columns
        for value, group in stats.slices[column].items()
    ]
    past = 0
    for group, rows in groups:
        positions = np.flatnonzero(rows.to_numpy()).astype(np.int64)
        wanted = np.sort(positions[np.argsort(sample_order(positions), kind="stable")[:40]])
        kept, truth, proba = group.sample.kept()
        assert kept.tolist() == wanted.tolist()
        assert truth.tolist() == labels[wanted].tolist()
        assert group.sample.seen == len(positions)
        # each kept row's own probabilities (renormalised: a sum at 1 + 1e-6 may go either way)
        assert np.allclose(proba[spec.ladder.chosen], _chosen(frame, spec)[wanted], atol=1e-5)
        past += not group.sample.exact
    assert past == len(groups) >= 4


def _chosen(frame: pd.DataFrame, spec: Any) -> Any:
    rung = next(r for r in spec.ladder.rungs if r.id == spec.ladder.chosen)
    columns = [f"{rung.proba_prefix}{c}" for c in spec.interrogation.classes]
    return normalised(frame[columns].astype(float).to_numpy())


def test_a_wide_table_is_read_in_smaller_batches_of_whole_chunks() -> None:
    """Forty probability columns would make a default batch some 400 MB; the cut stays on
    the reducer's chunks, so the facts do not move."""
    assert batch_rows(12) == 500_000
    assert batch_rows(23) == 200_000  # ten classes' probabilities, 8 slice columns
    assert batch_rows(45) == 100_000
    assert batch_rows(5_000) == CHUNK
    assert all(batch_rows(n) % CHUNK == 0 for n in range(1, 200))
