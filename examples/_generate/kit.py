"""Shared helpers for the example generators: YAML text, metrics, bootstrap, timing, files.

Everything here is deterministic, except `LatencyBook.measure`, which is why measured
latencies are recorded in `latency.json` and only re-measured on request.
"""

from __future__ import annotations

import importlib.util
import json
import math
import pickle
import platform
import re
import shutil
import string
import textwrap
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

SEED = 20261120
"""One seed for every split, model and bootstrap in the examples."""

EXAMPLES = Path(__file__).resolve().parent.parent
LATENCY_FILE = Path(__file__).resolve().parent / "latency.json"
BOOTSTRAP_RESAMPLES = 1000
EVALUATION_DATE = "2026-11-20"

# ---------------------------------------------------------------------------- YAML text


def q(text: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def fmt_num(value: float, decimals: int = 4) -> str:
    """A plain decimal (never scientific notation), trailing zeros trimmed."""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return np.format_float_positional(round(value, decimals), trim="-")


def text_value(text: str, indent: int, width: int = 88) -> str:
    """A text value after `key: `: quoted on one line if short, else a folded block."""
    text = " ".join(str(text).split())
    pad = " " * (indent + 2)
    if len(text) + indent <= 72:
        return q(text)
    lines = textwrap.wrap(
        text, width=width - len(pad), break_long_words=False, break_on_hyphens=False
    )
    return ">-\n" + "\n".join(pad + line for line in lines)


def prose_value(markdown: str, indent: int) -> str:
    """Inline Markdown after `key: `, as a literal block that keeps line breaks."""
    pad = " " * (indent + 2)
    body = textwrap.dedent(markdown).strip("\n")
    return "|\n" + "\n".join((pad + line).rstrip() for line in body.splitlines())


def flow_map(values: dict[str, float], decimals: int = 4) -> str:
    return "{" + ", ".join(f"{k}: {fmt_num(v, decimals)}" for k, v in values.items()) + "}"


def flow_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def comment(text: str, indent: int, width: int = 88) -> str:
    pad = " " * indent + "# "
    return "\n".join(
        textwrap.wrap(
            " ".join(text.split()), width=width, initial_indent=pad, subsequent_indent=pad
        )
    )


def render(template: str, **values: str) -> str:
    """Fill `${name}` placeholders; a missing value is an error, not a silent gap."""
    return string.Template(template).substitute(values)


@dataclass
class Person:
    name: str
    role: str
    email: str

    def yaml(self, indent: int) -> str:
        pad = " " * indent
        return (
            f"{pad}- name: {q(self.name)}\n{pad}  role: {q(self.role)}\n"
            f"{pad}  email: {q(self.email)}"
        )


def people(persons: Sequence[Person], indent: int) -> str:
    return "\n".join(p.yaml(indent) for p in persons)


def bullet_list(items: Sequence[str], indent: int) -> str:
    pad = " " * indent
    return "\n".join(f"{pad}- {text_value(item, indent)}" for item in items)


@dataclass
class FailureMode:
    name: str
    impact: str
    fallback: str
    detail: str

    def yaml(self, indent: int) -> str:
        pad = " " * indent
        return (
            f"{pad}- name: {q(self.name)}\n"
            f"{pad}  impact: {text_value(self.impact, indent + 2)}\n"
            f"{pad}  fallback: {self.fallback}\n"
            f"{pad}  detail: {text_value(self.detail, indent + 2)}"
        )


@dataclass
class Field:
    """One contract field (system_design.inputs / outputs)."""

    name: str
    type: str
    description: str
    example: str | None = None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    allowed: list[str] | None = None
    pattern: str | None = None
    required: bool = True
    items: str | None = None
    length: int | None = None
    """Exact number of items of an array field."""

    def yaml(self, indent: int) -> str:
        pad = " " * indent
        lines = [
            f"{pad}- name: {self.name}",
            f"{pad}  type: {self.type}",
        ]
        if self.items:
            lines.append(f"{pad}  items: {self.items}")
        lines += [
            f"{pad}  description: {text_value(self.description, indent + 2)}",
        ]
        if not self.required:
            lines.append(f"{pad}  required: false")
        if self.unit:
            lines.append(f"{pad}  unit: {q(self.unit)}")
        if self.example is not None:
            lines.append(f"{pad}  example: {text_value(self.example, indent + 2)}")
        constraints = []
        if self.minimum is not None:
            constraints.append(f"minimum: {fmt_num(self.minimum, 6)}")
        if self.maximum is not None:
            constraints.append(f"maximum: {fmt_num(self.maximum, 6)}")
        if self.allowed is not None:
            constraints.append(f"allowed: {flow_list(self.allowed)}")
        if self.pattern is not None:
            constraints.append(f"pattern: {q(self.pattern)}")
        if self.length is not None:
            constraints.append(f"min_items: {self.length}, max_items: {self.length}")
        if constraints:
            lines.append(f"{pad}  constraints: {{{', '.join(constraints)}}}")
        return "\n".join(lines)


def fields_yaml(items: Sequence[Field], indent: int) -> str:
    return "\n".join(f.yaml(indent) for f in items)


def outward(low: float, high: float, digits: int = 3) -> tuple[float, float]:
    """Round a data range outwards to `digits` significant figures."""

    def step(value: float) -> float:
        if value == 0:
            return 1.0
        return 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)

    lo_step, hi_step = step(low), step(high)
    lo = math.floor(low / lo_step) * lo_step
    hi = math.ceil(high / hi_step) * hi_step
    return float(f"{lo:.6g}"), float(f"{hi:.6g}")


@dataclass
class Source:
    name: str
    description: str
    time_window: str | None = None

    def yaml(self, indent: int) -> str:
        pad = " " * indent
        text = (
            f"{pad}- name: {q(self.name)}\n"
            f"{pad}  description: {text_value(self.description, indent + 2)}"
        )
        if self.time_window:
            text += f"\n{pad}  time_window: {q(self.time_window)}"
        return text


@dataclass
class SplitInfo:
    name: str
    rows: int
    description: str

    def yaml(self, indent: int) -> str:
        pad = " " * indent
        return (
            f"{pad}- name: {self.name}\n{pad}  rows: {self.rows}\n"
            f"{pad}  description: {text_value(self.description, indent + 2)}"
        )


# ---------------------------------------------------------------------------- ladder


@dataclass
class Rung:
    id: str
    name: str
    kind: str
    description: str
    model: Any
    """The fitted object (None for a heuristic that lives in today's system)."""
    score_column: str
    proba_prefix: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    train_metrics: dict[str, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    cost: float = 0.0
    decision: str = "dropped"
    reason: str = ""

    def yaml(self, indent: int, decimals: int = 4) -> str:
        pad = " " * indent
        lines = [
            f"{pad}- id: {self.id}",
            f"{pad}  name: {q(self.name)}",
            f"{pad}  kind: {self.kind}",
            f"{pad}  description: {text_value(self.description, indent + 2)}",
            f"{pad}  decision: {self.decision}",
            f"{pad}  reason: {text_value(self.reason, indent + 2)}",
            f"{pad}  metrics: {flow_map(self.metrics, decimals)}",
            f"{pad}  train_metrics: {flow_map(self.train_metrics, decimals)}",
            f"{pad}  latency_ms: {fmt_num(self.latency_ms, 4)}",
            f"{pad}  cost: {fmt_num(self.cost, 2)}",
            f"{pad}  score_column: {self.score_column}",
        ]
        if self.proba_prefix:
            lines.append(f"{pad}  proba_prefix: {self.proba_prefix}")
        return "\n".join(lines)


def rungs_yaml(rungs: Sequence[Rung], indent: int, decimals: int = 4) -> str:
    return "\n".join(r.yaml(indent, decimals) for r in rungs)


# ---------------------------------------------------------------------------- metrics


@dataclass
class MetricValue:
    """One entry of interrogation.metrics."""

    name: str
    value: float
    low: float
    high: float
    n: int
    direction: str = "higher_is_better"
    target: float | None = None
    headline: bool = False
    rung: str | None = None
    slice_key: str | None = None
    slice_value: str | None = None
    threshold: float | None = None
    split: str = "test"

    def yaml(self, indent: int, decimals: int = 4) -> str:
        pad = " " * indent
        lines = [f"{pad}- name: {self.name}", f"{pad}  value: {fmt_num(self.value, decimals)}"]
        if self.headline:
            lines.append(f"{pad}  headline: true")
        lines.append(f"{pad}  direction: {self.direction}")
        if self.target is not None:
            lines.append(f"{pad}  target: {fmt_num(self.target, decimals)}")
        if self.rung is not None:
            lines.append(f"{pad}  rung: {self.rung}")
        if self.slice_key is not None:
            lines.append(
                f"{pad}  slice: {{key: {self.slice_key}, value: {q(self.slice_value or '')}}}"
            )
        if self.threshold is not None:
            lines.append(f"{pad}  threshold: {fmt_num(self.threshold)}")
        lines.append(f"{pad}  split: {self.split}")
        lines.append(f"{pad}  n: {self.n}")
        low, high = round(self.low, decimals), round(self.high, decimals)
        value = round(self.value, decimals)
        if not low <= value <= high:
            raise AssertionError(f"interval {low}-{high} misses {value} for {self.name}")
        lines.append(
            f"{pad}  interval: {{low: {fmt_num(low, decimals)}, "
            f"high: {fmt_num(high, decimals)}, level: 0.95}}"
        )
        return "\n".join(lines)


def metrics_yaml(items: Sequence[MetricValue], indent: int, decimals: int = 4) -> str:
    return "\n".join(m.yaml(indent, decimals) for m in items)


def bootstrap(
    stat: Callable[[np.ndarray], float],
    n: int,
    seed: int = SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> tuple[float, float]:
    """Percentile 95% interval of `stat(indices)` over seeded resamples of n rows.

    Every call with the same n draws the same resamples, so intervals of different
    metrics on the same rows are paired and the result does not depend on call order.
    """
    rng = np.random.default_rng(seed)
    values = np.array([stat(rng.integers(0, n, n)) for _ in range(resamples)], dtype=float)
    low, high = np.nanpercentile(values, [2.5, 97.5])
    return float(low), float(high)


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval: sensible at 0 of n, where a bootstrap collapses to [0, 0]."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def fast_recall(y: np.ndarray, flag: np.ndarray) -> float:
    positives = y == 1
    return float(flag[positives].mean()) if positives.any() else math.nan


def fast_precision(y: np.ndarray, flag: np.ndarray) -> float:
    return float(y[flag].mean()) if flag.any() else math.nan


def fast_specificity(y: np.ndarray, flag: np.ndarray) -> float:
    negatives = y == 0
    return float((~flag[negatives]).mean()) if negatives.any() else math.nan


def fast_auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC by the rank-sum formula, ties counted half."""
    pos, neg = int((y == 1).sum()), int((y == 0).sum())
    if pos == 0 or neg == 0:
        return math.nan
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def fast_brier(y: np.ndarray, score: np.ndarray) -> float:
    return float(np.mean((score - y) ** 2))


def fast_macro_f1(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    cm = np.bincount(y * k + pred, minlength=k * k).reshape(k, k)
    tp = np.diag(cm).astype(float)
    denom = cm.sum(axis=0) + cm.sum(axis=1)
    f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    return float(f1.mean())


# ---------------------------------------------------------------------------- latency, cost


class LatencyBook:
    """Per-request latencies, measured once and recorded, because timings are not
    reproducible and the generated files must be."""

    def __init__(self, remeasure: bool = False, path: Path = LATENCY_FILE) -> None:
        self.path = path
        self.remeasure = remeasure
        self.data: dict[str, Any] = {}
        if path.exists():
            self.data = json.loads(path.read_text(encoding="utf-8"))
        self.changed = False

    def get(
        self, bundle: str, rung: str, call: Callable[[np.ndarray], Any], rows: np.ndarray
    ) -> float:
        book = self.data.setdefault("p95_ms", {}).setdefault(bundle, {})
        if self.remeasure or rung not in book:
            book[rung] = measure_p95_ms(call, rows)
            self.changed = True
        return float(book[rung])

    def save(self) -> None:
        if not self.changed:
            return
        import sklearn

        self.data["measured_on"] = {
            "method": "p95 of single-row calls over the first 50 test rows, one thread; "
            "median of 5 passes",
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "machine": platform.machine(),
        }
        self.path.write_text(
            json.dumps(self.data, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )


def measure_p95_ms(
    call: Callable[[np.ndarray], Any], rows: np.ndarray, passes: int = 5, count: int = 50
) -> float:
    """p95 latency of one-row calls (the way a scoring service is called), median of passes."""
    from threadpoolctl import threadpool_limits

    rows = rows[:count]
    p95s = []
    # One thread, as a single-row scoring service runs: thread-pool start-up would
    # otherwise dominate the tail of every OpenMP model.
    with threadpool_limits(limits=1):
        call(rows[:1])  # warm-up: first-call imports and caches
        for _ in range(passes):
            times = []
            for i in range(len(rows)):
                start = time.perf_counter()
                call(rows[i : i + 1])
                times.append(time.perf_counter() - start)
            p95s.append(float(np.percentile(times, 95)))
    return float(f"{np.median(p95s) * 1000:.3g}")


EUR_PER_VCPU_SECOND = 0.00003
"""About 0.11 EUR per vCPU-hour, a typical on-demand price."""


def monthly_cost(rung: Rung, requests_per_month: int) -> float:
    """Running cost in EUR per month: a serving container sized by the model, plus compute.

    A heuristic runs inside today's system and adds nothing. Containers: up to 5 MB of
    pickled model 18 EUR, up to 50 MB 36 EUR, larger 72 EUR a month.
    """
    if rung.kind == "heuristic":
        return 0.0
    model, latency_ms = rung.model, rung.latency_ms
    size = len(pickle.dumps(model, protocol=5))
    hosting = 18.0 if size <= 5e6 else 36.0 if size <= 50e6 else 72.0
    compute = requests_per_month * latency_ms / 1000 * EUR_PER_VCPU_SECOND
    return round(hosting + compute, 2)


# ---------------------------------------------------------------------------- files


def fresh_dir(path: Path) -> Path:
    """Empty `path` (only ever a bundle folder under examples/) and recreate its layout."""
    if path.parent != EXAMPLES:
        raise ValueError(f"refusing to clear {path}: not a bundle folder under {EXAMPLES}")
    if path.exists():
        shutil.rmtree(path)
    for sub in ("prose", "data", "code"):
        (path / sub).mkdir(parents=True)
    return path


def write_text(path: Path, text: str) -> None:
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8", newline="\n")


_ITEM = re.compile(r"^(- |\d+\. )")


def reflow(markdown: str, width: int = 88) -> str:
    """Re-wrap Markdown paragraphs and list items, which interpolated numbers leave ragged."""
    blocks = []
    for block in textwrap.dedent(markdown).strip().split("\n\n"):
        items: list[str] = []
        for line in block.splitlines():
            if _ITEM.match(line) or not items:
                items.append(line.strip() if not _ITEM.match(line) else line)
            else:
                items[-1] += " " + line.strip()
        out = []
        for item in items:
            marker = _ITEM.match(item)
            hang = " " * len(marker.group(1)) if marker else ""
            out.append(
                textwrap.fill(
                    " ".join(item.split()),
                    width=width,
                    subsequent_indent=hang,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
        blocks.append("\n".join(out))
    return "\n\n".join(blocks)


def write_markdown(path: Path, markdown: str) -> None:
    write_text(path, reflow(markdown))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV with floats rounded to 6 decimals and Unix line ends: stable across runs."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(6)
    out.to_csv(path, index=False, lineterminator="\n")


REVIEW_COLUMNS = [
    "id",
    "input",
    "model_output",
    "expected_output",
    "verdict",
    "error_category",
    "severity",
    "note",
]


def write_reviewed(rows: list[dict[str, str]], path: Path) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=REVIEW_COLUMNS).fillna("")
    write_csv(frame, path)
    return frame


def load_module(path: Path, name: str) -> ModuleType:
    """Import a generated file (the bundles' code/predict.py) to check it really works."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ids(index: Iterable[int]) -> list[str]:
    """Row ids as zero-padded text, so leading zeros survive every spreadsheet round trip."""
    return [f"{int(i):06d}" for i in index]


def pct(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


@dataclass
class Summary:
    """What make_examples.py prints about one bundle."""

    name: str
    chosen: str
    headline: str
    lines: list[str] = field(default_factory=list)
