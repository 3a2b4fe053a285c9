"""Property: whatever a bundle's YAML holds, validate reports problems and never crashes.

Values anywhere in the good bundle are replaced by arbitrary YAML-ish data (text, numbers,
lists, mappings, nulls, odd characters); `validate` must return a list of Problems, and
`build` must either succeed or raise one of the project's own errors.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsreport.api import build, validate
from dsreport.errors import DsreportError, Problem

GOOD = Path(__file__).parent / "bundles" / "good-binary"
SPEC = yaml.safe_load((GOOD / "dsreport.yaml").read_text(encoding="utf-8"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "prose/problem.md",
            "../x.md",
            "/etc/passwd",
            "data/predictions.csv",
            "{{ 7*7 }}",
            "\u0000",
            "NA",
            "1.10",
            "no",
            "2026-13-45",
            "-1",
            "1e309",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


PATHS = _paths(SPEC)


def _replace(spec: Any, path: tuple[Any, ...], value: Any) -> Any:
    import copy

    new = copy.deepcopy(spec)
    node = new
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return new


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(PATHS), value=values)
def test_validate_and_build_fail_only_with_our_errors(
    path: tuple[Any, ...], value: Any, tmp_path_factory: Any
) -> None:
    root = tmp_path_factory.mktemp("fuzz") / "bundle"
    shutil.copytree(GOOD, root)
    try:
        text = yaml.safe_dump(_replace(SPEC, path, value), allow_unicode=True)
    except yaml.YAMLError:
        return
    (root / "dsreport.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    problems = validate(root)
    assert all(isinstance(p, Problem) for p in problems)
    if any(p.severity == "error" for p in problems):
        return
    with contextlib.suppress(DsreportError):
        build(root, root.parent / "out", only=["facts"])


cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "nan",
            "inf",
            "-inf",
            "1e309",
            "-0.5",
            "2",
            "0.5",
            "1",
            "0",
            "NA",
            '"',
            "a,b",
            "x\ny",
            "\u0000",
            "\ufeff",
            "007",
        ]
    ),
)


@settings(max_examples=40, deadline=None)
@given(
    table=st.sampled_from(["predictions.csv", "reviewed.csv"]),
    row=st.integers(0, 3),
    column=st.integers(0, 7),
    cell=cells,
)
def test_any_cell_fails_only_with_our_errors(
    table: str, row: int, column: int, cell: str, tmp_path_factory: Any
) -> None:
    import csv
    import io

    root = tmp_path_factory.mktemp("cells") / "bundle"
    shutil.copytree(GOOD, root)
    path = root / "data" / table
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    body = rows[1:]
    target = body[row % len(body)]
    target[column % len(target)] = cell
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([rows[0], *body])
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    problems = validate(root)
    assert all(isinstance(p, Problem) for p in problems)
    if not any(p.severity == "error" for p in problems):
        with contextlib.suppress(DsreportError):
            build(root, root.parent / "out", only=["facts"])
