"""What each example ships to its engineers: the fitted model as a skops file, the pinned
environment, the settings, the golden set and the slice definitions.

The skops file is made reproducible (skops names its entries after object ids and stamps
them with the time); the generator checks that the rewritten file loads into a model that
gives exactly the fitted model's outputs.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio

from _generate import kit

MODEL_PACKAGES = ("scikit-learn", "numpy", "scipy", "joblib", "threadpoolctl", "skops")
"""What loading and running a scikit-learn model from a skops file needs, pinned."""
_ID = re.compile(r'("__id__": |")(\d{6,})(\.npy"|[,\n}])')


def skops_bytes(model: Any) -> bytes:
    """The model as a skops file whose bytes depend on the model only."""
    raw = zipfile.ZipFile(io.BytesIO(sio.dumps(model)))
    schema = raw.read("schema.json").decode("utf-8")
    ids: dict[str, str] = {}
    for match in _ID.finditer(schema):
        ids.setdefault(match.group(2), str(len(ids) + 1))
    renamed = _ID.sub(lambda m: m.group(1) + ids[m.group(2)] + m.group(3), schema)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        entries = {"schema.json": renamed.encode("utf-8")}
        for name in raw.namelist():
            if name != "schema.json":
                stem = name.removesuffix(".npy")
                entries[f"{ids[stem]}.npy"] = raw.read(name)
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])
    return out.getvalue()


def write_model(model: Any, path: Path, check: Callable[[Any], None]) -> tuple[str, Any]:
    """Write the skops file, load it back (default trusted types only) and let `check`
    compare the loaded model with the fitted one; return (SHA-256, loaded model)."""
    data = skops_bytes(model)
    assert sio.get_untrusted_types(data=data) == [], "the model needs untrusted types"
    loaded = sio.loads(data)
    check(loaded)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), loaded


def model_yaml(path: str, sha256: str, training: str) -> str:
    """`system_design.model`: the file, its hash and the environment it was made in."""
    pins = "\n".join(f"        - {kit.q(f'{name}=={version(name)}')}" for name in MODEL_PACKAGES)
    return "\n".join(
        [
            "    files:",
            f"      - path: {path}",
            f"        sha256: {kit.q(sha256)}",
            "    library: sklearn",
            "    environment:",
            f"      python: {kit.q(platform.python_version())}",
            "      requirements:",
            pins,
            f"    training_code: {kit.q(training)}",
        ]
    )


@dataclass
class Setting:
    name: str
    default: float
    description: str
    field: str
    decides: str
    at_or_above: str
    below: str

    def yaml(self, indent: int) -> str:
        pad = " " * indent
        return "\n".join(
            [
                f"{pad}- name: {self.name}",
                f"{pad}  default: {kit.fmt_num(self.default, 6)}",
                f"{pad}  description: {kit.text_value(self.description, indent + 2)}",
                f"{pad}  field: {self.field}",
                f"{pad}  decides: {self.decides}",
                f"{pad}  at_or_above: {kit.q(self.at_or_above)}",
                f"{pad}  below: {kit.q(self.below)}",
            ]
        )


def slice_yaml(
    key: str,
    field: str,
    labels: Sequence[str],
    cuts: Any = (),
    aggregate: str = "",
    values: dict[str, str] | None = None,
) -> str:
    """One `slice_definitions` entry: bins from ascending cuts, as `np.digitize` cuts them,
    or a mapping of field values to slice values."""
    lines = [f"      - key: {key}", f"        field: {field}"]
    if aggregate:
        lines.append(f"        aggregate: {aggregate}")
    if values:
        pairs = ", ".join(f"{kit.q(k)}: {kit.q(v)}" for k, v in values.items())
        return "\n".join([*lines, f"        values: {{{pairs}}}"])
    lines.append("        bins:")
    for index, label in enumerate(labels):
        below = f", below: {float(cuts[index])!r}" if index < len(cuts) else ""
        lines.append(f"          - {{value: {kit.q(label)}{below}}}")
    return "\n".join(lines)


def pick_golden(
    near: Sequence[tuple[np.ndarray, float]],
    classes: Sequence[np.ndarray],
    total: int = 30,
    closest: int = 5,
) -> list[int]:
    """Row positions for the golden set: the `closest` rows on each side of every setting,
    two rows of every output value, then random rows up to `total` (seeded)."""
    chosen: list[int] = []

    def add(index: int) -> None:
        if index not in chosen:
            chosen.append(int(index))

    for values, default in near:
        distance = np.abs(values - default)
        below = [i for i in np.argsort(distance, kind="stable") if values[i] < default]
        above = [i for i in np.argsort(distance, kind="stable") if values[i] >= default]
        for i in below[:closest] + above[:closest]:
            add(i)
    rng = np.random.default_rng(kit.SEED)
    for labels in classes:
        for value in sorted(set(labels.tolist())):
            rows = [i for i in rng.permutation(len(labels)) if labels[i] == value]
            taken = sum(1 for i in chosen if labels[i] == value)
            for i in rows[: max(0, 2 - taken)]:
                add(i)
    size = len(classes[0]) if classes else len(near[0][0])
    for i in rng.permutation(size):
        if len(chosen) >= total:
            break
        add(i)
    return sorted(chosen)


def write_golden(rows: list[tuple[str, dict[str, Any], dict[str, Any]]], path: Path) -> None:
    lines = [
        json.dumps({"id": i, "request": request, "response": response}, ensure_ascii=False)
        for i, request, response in rows
    ]
    kit.write_text(path, "\n".join(lines) + "\n")
