"""Generate the corpus bundles that cannot, or should not, be committed as plain files.

Some cases must be large (a 50 MB dsreport.yaml, a million-row CSV, 200 slices, 50 rungs,
500 error categories, 5,000 words), some depend on the machine that runs them (the loopback
server's port, the path of a host file outside the bundle), and some are things git cannot
hold safely (symbolic links, FIFOs, bytes that are not UTF-8). Each generator writes one
bundle folder; `tests/test_corpus.py` calls them into tmp_path.

Hostile text is put into *every* text field the schema has, found by walking the models
in `dsreport.bundle` (`text_fields`), so a field added later is covered without editing
this file; `KEEP` lists the few fields that must name something else in the bundle.

Run it by hand to look at a case:

    python tests/corpus/make.py OUT [CASE ...] [--url http://127.0.0.1:PORT]
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import os
import random
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from dsreport.bundle.fields import FileMarker, ProseMarker, is_prose_path
from dsreport.bundle.spec import BundleSpec
from dsreport.vocabulary import REVIEW_COLUMNS

MARKER = "TOPSECRET-7f3a9c41e2"
"""The content of every host file outside the bundle; it must never reach an output."""
JINJA = "JINJA{{ 7*7 }}END"
LOOP = "LOOP{% for x in range(3) %}X{% endfor %}POOL"
ILLEGAL = "\x00\x1b\ud800\ufffe\uffff"
"""Characters XML 1.0 cannot carry: NUL, ESC, a lone surrogate, U+FFFE and U+FFFF."""
ILLEGAL_BYTES = "\x00\x1b\ufffe\uffff"
"""The same, less the lone surrogate, which UTF-8 cannot encode (see `csv_surrogate`)."""

Loc = tuple[str | int, ...]


# --- what lies outside the bundle ---------------------------------------------------------------


@dataclass(frozen=True)
class Host:
    """The world around a bundle: a loopback server and host files holding MARKER."""

    url: str
    """http://127.0.0.1:PORT of a server that must never be contacted."""
    outside: Path
    """A folder next to the bundle: secret.txt, .md, .csv, .svg, .png, all holding MARKER."""

    @property
    def secret(self) -> Path:
        return self.outside / "secret.txt"


def plant_host(case_dir: Path, url: str) -> Host:
    """Host files beside `case_dir/bundle`: `../outside/secret.*` and `../outside.png`."""
    outside = case_dir / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><text>{MARKER}</text></svg>'
    contents = {
        "secret.txt": MARKER,
        "secret.md": f"# {MARKER}\n",
        "secret.csv": f"id,note\n1,{MARKER}\n",
        "secret.svg": svg,
        "secret.png": MARKER,
    }
    for name, text in contents.items():
        (outside / name).write_text(text, encoding="utf-8")
    (case_dir / "outside.png").write_text(MARKER, encoding="utf-8")
    return Host(url=url, outside=outside)


# --- hostile text ---------------------------------------------------------------------------------


def payload(url: str, secret: Path, tag: str) -> str:
    """Every way HTML can fetch, run or embed something, plus Jinja that must stay text.

    `tag` names the field, so a request that does arrive says where it came from."""
    u, f = f"{url}/{tag}", secret.as_uri()
    return (
        f"{JINJA} {LOOP} "
        f"<script>fetch('{u}/script')</script>"
        f"<style>@import url({u}/import.css); p {{ background: url({u}/bg.png) }}</style>"
        f'<style>@font-face {{ font-family: Evil; src: url("{u}/font.ttf") }}</style>'
        f"<link rel=stylesheet href={u}/link.css>"
        f"<img src={u}/img.png><img src={f}><img src=../outside.png>"
        f'<img src="x" onerror="fetch(\'{u}/onerror\')">'
        f'<p style="background-image: url({u}/style.png)">styled</p>'
        f'<svg><image href="{u}/svg.png" width="9" height="9"/></svg>'
        f"<a rel=attachment href={f}>attach</a>"
        f"<a rel=attachment href=../outside/secret.txt>attach2</a>"
        f"<a href=\"javascript:fetch('{u}/js')\">js</a>"
        f'<object data="{u}/object.svg"></object><iframe src="{u}/iframe"></iframe>'
        f"<base href={u}/base/>"
    )


def text_payload(url: str, secret: Path, tag: str) -> str:
    """The payload for a plain text field, which is escaped wherever it is shown: Jinja,
    and markup that would run, fetch or link if it were not (one of each kind; the prose
    fields, which are rendered, get every vector of `payload`)."""
    u = f"{url}/{tag}"
    return (
        f"{JINJA} {LOOP} <script>fetch('{u}/script')</script>"
        f'<img src="{u}/img.png" onerror="fetch(\'{u}/onerror\')">'
        f"<link rel=stylesheet href={secret.as_uri()}>"
        f"<a href=\"javascript:fetch('{u}/js')\">js</a>"
    )


def svg_b64(url: str) -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}/data-svg.png"/></svg>'
    return base64.b64encode(svg.encode()).decode()


def markdown_payload(url: str, secret: Path, tag: str) -> str:
    u = f"{url}/{tag}"
    return (
        f"# Heading\n\nPlain words: {JINJA} and {LOOP}.\n\n{payload(url, secret, tag)}\n\n"
        f"![image]({u}/md.png) ![up](../outside.png) [file link]({secret.as_uri()}) "
        f"[js](javascript:alert(1)) [up](../outside/secret.txt)\n\n"
        f'<img src="data:image/svg+xml;base64,{svg_b64(u)}">\n\n'
        f"<div style=\"background: url('{u}/div.png')\">div</div>\n"
    )


# --- the schema's text fields ---------------------------------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return [t for arg in get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _text_kind(base: Any, meta: list[Any]) -> str | None:
    """'text' or 'prose' for the bundle's Text / Prose types; None for anything else (file
    paths included: they are Text with a FileMarker)."""
    if base is not str or any(isinstance(m, FileMarker) for m in meta):
        return None
    return "prose" if any(isinstance(m, ProseMarker) for m in meta) else "text"


def _constraint(info: FieldInfo, name: str) -> Any:
    return next((getattr(m, name) for m in info.metadata if getattr(m, name, None)), None)


@dataclass(frozen=True)
class TextField:
    kind: str
    """'text' (shown as written) or 'prose' (Markdown, inline or a .md file)."""
    max_length: int | None = None


def text_fields(model: type[BaseModel] = BundleSpec, prefix: Loc = ()) -> dict[Loc, TextField]:
    """Every free text field of the schema, as a path with `*` for list items and mapping
    values and `<key>` for mapping keys. Fields with a fixed form (a pattern: ids, slug,
    e-mail, colour, entry point, contract field names) are left out: they refuse anything
    else."""
    found: dict[Loc, TextField] = {}
    for name, info in model.model_fields.items():
        loc = (*prefix, info.alias or name)
        if _constraint(info, "pattern"):
            continue
        # pydantic keeps a required field's Annotated metadata on the FieldInfo
        kind = _text_kind(info.annotation, info.metadata)
        if kind:
            found[loc] = TextField(kind, _constraint(info, "max_length"))
            continue
        for option in _unwrap(info.annotation):
            found.update(_annotation_fields(option, loc))
    return found


def _annotation_fields(kind: Any, loc: Loc) -> dict[Loc, TextField]:
    if get_origin(kind) is Annotated:
        base, *meta = get_args(kind)
        text = _text_kind(base, meta)
        return {loc: TextField(text)} if text else {}
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return text_fields(kind, loc)
    origin = get_origin(kind)
    found: dict[Loc, TextField] = {}
    if origin is list:
        for item in _unwrap(get_args(kind)[0]):
            found.update(_annotation_fields(item, (*loc, "*")))
    elif origin is dict:
        key_type, value_type = get_args(kind)
        if key_type is str:
            found[(*loc, "<key>")] = TextField("text")
        for item in _unwrap(value_type):
            found.update(_annotation_fields(item, (*loc, "*")))
    return found


KEEP: dict[Loc, str] = {
    ("operator_view", "success_metric", "metric"): "names a metric",
    ("ladder", "chosen"): "names a rung",
    ("ladder", "baseline"): "names a rung",
    ("ladder", "rungs", "*", "score_column"): "names a predictions column",
    ("ladder", "rungs", "*", "proba_prefix"): "names predictions columns",
    ("ladder", "rungs", "*", "metrics", "<key>"): "names a metric (one hostile name is added)",
    ("ladder", "rungs", "*", "train_metrics", "<key>"): "names a metric",
    ("system_design", "data", "splits", "*", "name"): "names a split of the predictions table",
    ("interrogation", "positive_label"): "names a class of the predictions table",
    ("interrogation", "classes", "*"): "the labels of the predictions table",
    ("interrogation", "metrics", "*", "name"): "names a metric (one hostile name is added)",
    ("interrogation", "metrics", "*", "rung"): "names a rung",
    ("interrogation", "metrics", "*", "split"): "names a split (a hostile one is added)",
    ("interrogation", "predictions", "id_column"): "names a column",
    ("interrogation", "predictions", "label_column"): "names a column",
    ("interrogation", "predictions", "split_column"): "names a column",
    ("interrogation", "predictions", "slice_columns", "*"): "names a column",
    ("interrogation", "checks", "<key>"): "names a check threshold",
    ("audiences", "branding", "layout_map", "*"): "names a layout of the deck template",
    ("system_design", "model", "trusted_types", "*"): "names a type skops may build",
    ("system_design", "model", "environment", "requirements", "*"): "a pinned requirement",
    ("system_design", "settings", "*", "field"): "names an output field",
    ("system_design", "settings", "*", "decides"): "names an output field",
    ("system_design", "settings", "*", "at_or_above"): "an allowed value of an output",
    ("system_design", "settings", "*", "below"): "an allowed value of an output",
    ("interrogation", "predictions", "slice_definitions", "*", "key"): "names a slice column",
    ("interrogation", "predictions", "slice_definitions", "*", "field"): "names an input field",
    ("interrogation", "predictions", "slice_definitions", "*", "bins", "*", "value"): (
        "names a slice value"
    ),
    ("interrogation", "predictions", "slice_definitions", "*", "values", "*"): (
        "names a slice value"
    ),
    ("interrogation", "predictions", "slice_definitions", "*", "values", "<key>"): (
        "a value of the input field"
    ),
}
"""Text fields the hostile bundles leave alone, because their value must name something
else in the bundle; each is exercised through what it names (a hostile metric name, slice
value, split, error category) instead."""


def _match(loc: Loc, pattern: Loc) -> bool:
    return len(loc) == len(pattern) and all(
        p in ("*", "<key>") or p == part for part, p in zip(loc, pattern, strict=True)
    )


def text_locations(
    spec: Any, fields: dict[Loc, TextField] | None = None
) -> Iterator[tuple[Loc, TextField]]:
    """(loc, field) of every text value present in `spec`, mapping keys excluded."""
    fields = text_fields() if fields is None else fields

    def walk(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
        pattern = next((p for p in fields if _match(loc, p) and p[-1] != "<key>"), None)
        if pattern is not None and isinstance(node, str):
            yield loc, fields[pattern]
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, (*loc, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, (*loc, index))

    yield from walk(spec, ())


def get_at(spec: Any, loc: Loc) -> Any:
    node = spec
    for part in loc:
        node = node[part]
    return node


def set_at(spec: Any, loc: Loc, value: Any) -> None:
    get_at(spec, loc[:-1])[loc[-1]] = value


def dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def kept(loc: Loc) -> bool:
    return any(_match(loc, p) for p in KEEP)


def field_of(loc: Loc, fields: dict[Loc, TextField] | None = None) -> Loc | None:
    """The schema field (`text_fields` path) a concrete location belongs to."""
    fields = text_fields() if fields is None else fields
    return next((p for p in fields if p[-1] != "<key>" and _match(loc, p)), None)


# --- a complete bundle: every optional section present --------------------------------------------

DIAGRAM = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="60">'
    '<rect x="2" y="2" width="70" height="40" fill="#ddd"/>'
    '<text x="8" y="28" font-size="12">CRM</text></svg>'
)


def logo_png() -> bytes:
    """A 40 x 40 PNG logo (the deck places PNG and JPEG logos, not SVG)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 114, 178)).save(buffer, format="PNG")
    return buffer.getvalue()


PREDICT = '''"""Churn scorer."""


def predict(request):
    return {"churn_score": 0.5}
'''
PROSE = {
    "prose/problem.md": "# The problem\n\nCustomers leave without warning.\n",
    "prose/value.md": "Each retained customer is worth **40 EUR** a month.\n",
    "prose/data.md": "Monthly snapshots of every active contract.\n",
    "prose/limitations.md": "- Trained on one country.\n- No data before 2024.\n",
}
PREDICTION_COLUMNS = ["id", "label", "split", "segment", "score_rules", "score_gbm"]
MODEL = b"model bytes: copied and hashed, never loaded"


def add_serving(draft: Draft) -> None:
    """What a handoff ships beyond the contract: a model file (plain bytes: dsreport never
    loads one), its environment, a setting, outcomes, a schedule and a slice definition."""
    spec = draft.spec
    draft.files["model/churn.skops"] = MODEL
    spec["operator_view"]["latency"]["schedule"] = "Every hour."
    spec["operator_view"]["outcomes"] = {"source": "The CRM's cancellations.", "delay_days": 60}
    design = spec["system_design"]
    design["model"] = {
        "files": [{"path": "model/churn.skops", "sha256": hashlib.sha256(MODEL).hexdigest()}],
        "library": "sklearn",
        "trusted_types": ["numpy.float64"],
        "environment": {"python": "3.11.7", "requirements": ["scikit-learn==1.9.1"]},
        "training_code": "The churn repository, train.py.",
    }
    allowed = design["outputs"][1]["constraints"]["allowed"]
    design["settings"] = [
        {
            "name": "threshold",
            "default": spec["interrogation"]["threshold"],
            "description": "At or above this score an agent calls.",
            "field": "churn_score",
            "decides": "action",
            "at_or_above": allowed[0],
            "below": allowed[1],
        }
    ]
    spec["interrogation"]["predictions"]["slice_definitions"] = [
        {"key": "segment", "field": "plan", "values": {"monthly": "a", "yearly": "b"}}
    ]


def full_spec() -> dict[str, Any]:
    """dsreport.yaml of a complete binary bundle: every section and optional key present."""
    person = {"name": "Ana Ruiz", "role": "Data scientist", "email": "ana@example.com"}
    return {
        "format_version": 1,
        "project": {
            "name": "Churn radar",
            "slug": "churn-radar",
            "version": "1.10",
            "date": "2026-11-20",
            "task": "binary",
            "authors": [dict(person)],
            "summary": "A gradient-boosted model ranks customers by churn risk.",
            "limitations": "prose/limitations.md",
        },
        "ecosystem": {
            "problem": "prose/problem.md",
            "current_process": "Agents sort a weekly export by contract end date.",
            "users": "Retention agents; their call list is ranked by risk.",
            "business_value": "prose/value.md",
            "statement": {
                "product": "Churn radar",
                "feature": "early churn detection",
                "for_product": "the retention desk",
                "in_system": "the CRM",
                "improves": "how early agents reach at-risk customers",
                "achieve": "contact 80% of churners a month ahead",
                "increase": "retained revenue",
                "reduce": "hours of manual list review",
            },
        },
        "operator_view": {
            "success_metric": {
                "metric": "recall",
                "optimal": 0.9,
                "acceptable": 0.75,
                "worst_case": 0.6,
                "unit": "share of churners caught",
            },
            "latency": {"class": "seconds", "budget_ms": 300, "percentile": "p95"},
            "cost": {"budget": 500, "unit": "EUR per month", "measured": 120},
            "failure_modes": [
                {
                    "name": "Scoring job fails",
                    "impact": "The call list is not refreshed.",
                    "fallback": "rules",
                    "detail": "Rank by contract end date.",
                }
            ],
            "fallback": "Fall back to the contract-end-date list.",
            "safest_default": "Keep today's list.",
        },
        "system_design": {
            "inputs": [
                {
                    "name": "tenure_months",
                    "type": "integer",
                    "description": "Months since the first contract started.",
                    "unit": "months",
                    "example": "14",
                    "constraints": {"minimum": 0, "maximum": 120},
                },
                {
                    "name": "plan",
                    "type": "category",
                    "description": "The customer's plan.",
                    "example": "monthly",
                    "constraints": {"allowed": ["monthly", "yearly"]},
                },
                {
                    "name": "customer_id",
                    "type": "string",
                    "description": "The CRM's customer number.",
                    "required": False,
                    "example": "C000123",
                    "constraints": {"pattern": "^C[0-9]{6}$", "max_length": 7},
                },
            ],
            "outputs": [
                {
                    "name": "churn_score",
                    "type": "number",
                    "description": "Probability of churn within 60 days.",
                    "unit": "probability",
                    "example": "0.5",
                    "constraints": {"minimum": 0, "maximum": 1},
                },
                {
                    "name": "action",
                    "type": "category",
                    "description": "What the agent should do.",
                    "required": False,
                    "example": "call",
                    "constraints": {"allowed": ["call", "wait"], "pattern": "^[a-z]+$"},
                },
            ],
            "model_structure": "Gradient-boosted trees on 20 features.",
            "data": {
                "description": "prose/data.md",
                "sources": [
                    {
                        "name": "CRM contracts",
                        "description": "One row per customer-month.",
                        "time_window": "2024-01 to 2025-06",
                    }
                ],
                "splits": [
                    {"name": "train", "rows": 20, "description": "The first months."},
                    {"name": "test", "rows": 60, "description": "The last months, held out."},
                ],
                "leakage_guards": ["The test months come after every training month."],
            },
            "metric_choice": "Recall at a fixed call capacity.",
            "scores_are_probabilities": True,
            "diagrams": [
                {
                    "path": "img/diagram.svg",
                    "caption": "Where the score enters the call list.",
                    "alt": "Diagram: CRM export, scoring job, call list.",
                }
            ],
            "code": [{"path": "code/predict.py", "role": "inference"}],
            "entry_point": "predict:predict",
        },
        "ladder": {
            "chosen": "gbm",
            "baseline": "rules",
            "rungs": [
                {
                    "id": "rules",
                    "name": "Contract-end rule",
                    "kind": "heuristic",
                    "description": "Today's list, sorted by contract end date.",
                    "metrics": {"recall": 0.6},
                    "latency_ms": 1,
                    "cost": 0,
                    "decision": "kept",
                    "reason": "Today's process and the fallback.",
                    "score_column": "score_rules",
                },
                {
                    "id": "gbm",
                    "name": "Gradient boosting",
                    "kind": "complex",
                    "description": "200 trees, depth 3.",
                    "metrics": {"recall": 0.8},
                    "train_metrics": {"recall": 0.82},
                    "latency_ms": 20,
                    "cost": 100,
                    "decision": "chosen",
                    "reason": "Best recall within budget.",
                    "score_column": "score_gbm",
                    "model": {
                        "uri": "runs:/4c0056ac/model/model.pkl",
                        "sha256": "0" * 64,
                        "run": "4c0056ac",
                        "flavors": ["sklearn"],
                    },
                },
            ],
        },
        "interrogation": {
            "threshold": 0.5,
            "positive_label": "1",
            "classes": ["0", "1"],
            "seed": 7,
            "metrics": [
                {
                    "name": "recall",
                    "value": 0.8,
                    "target": 0.75,
                    "headline": True,
                    "split": "test",
                    "interval": {"low": 0.7, "high": 0.9},
                    "n": 30,
                },
                {
                    "name": "precision",
                    "value": 0.7,
                    "split": "test",
                    "slice": {"key": "segment", "value": "a"},
                },
            ],
            "predictions": {
                "path": "data/predictions.csv",
                "id_column": "id",
                "label_column": "label",
                "split_column": "split",
                "slice_columns": ["segment"],
                "missing_values": ["n/a"],
            },
            "reviewed_examples": {
                "path": "data/reviewed.csv",
                "sampling": "Drawn at random from the test set.",
                "random_sample": True,
            },
        },
        "audiences": {
            "owners": [dict(person)],
            "contacts": [{"name": "Li Wei", "role": "Engineer", "email": "li@example.com"}],
            "pm": {"decision": "Approve a four-week pilot.", "next_steps": ["Pilot in January"]},
            "ds": {"appendix_rows": 50, "paper": "A4"},
            "outputs": ["pm", "ds", "engineer"],
            "branding": {
                "accent": "#0072B2",
                "logo": "img/logo.png",
                "layout_map": {"title": "Title Slide"},
            },
            "retraining": "Quarterly, or when recall drops 5 points.",
        },
    }


def prediction_rows(n: int = 80, seed: int = 7, segments: int = 3) -> list[list[str]]:
    """Rows of a plausible binary predictions table: a quarter train, the rest test."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = int(rng.random() < 0.4)
        if segments > 3 and i % 4 in (1, 2):  # every slice's test rows hold both classes
            label = i % 4 % 2
        gbm = min(max(rng.gauss(0.68 if label else 0.3, 0.18), 0.0), 1.0)
        rules = min(max(rng.gauss(0.58 if label else 0.4, 0.2), 0.0), 1.0)
        rows.append(
            [
                f"{i + 1:04d}",
                str(label),
                "train" if i % 4 == 0 else "test",
                f"s{i // 4 % segments}" if segments > 3 else "abc"[i % 3],
                f"{rules:.4f}",
                f"{gbm:.4f}",
            ]
        )
    return rows


def review_rows(n: int = 40, categories: int = 3) -> list[list[str]]:
    rows = []
    for i in range(n):
        wrong = i % 3 == 0
        request = {"tenure_months": 3 + i, "plan": "monthly"}
        rows.append(
            [
                str(i + 1),
                json.dumps(request),
                "churn" if wrong else "stay",
                "stay",
                "incorrect" if wrong else "correct",
                f"category {i // 3 % categories}" if wrong else "",
                "high" if wrong and i % 2 else ("low" if wrong else ""),
                "missed a long-tenure customer" if wrong else "",
            ]
        )
    return rows


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


def yaml_text(spec: dict[str, Any]) -> str:
    """YAML that our loader reads back as written: characters YAML cannot hold raw
    (NUL, ESC, surrogates, U+FFFE) come out as double-quoted escapes."""
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=10**9)


@dataclass
class Draft:
    """A bundle being made: the spec, its tables and its other files, written at the end."""

    spec: dict[str, Any]
    predictions: list[list[str]]
    reviewed: list[list[str]]
    files: dict[str, bytes]
    prediction_header: list[str]
    review_header: list[str]

    @classmethod
    def full(cls) -> Draft:
        files = {name: text.encode() for name, text in PROSE.items()}
        files["img/diagram.svg"] = DIAGRAM.encode()
        files["img/logo.png"] = logo_png()
        files["code/predict.py"] = PREDICT.encode()
        return cls(
            spec=full_spec(),
            predictions=prediction_rows(),
            reviewed=review_rows(),
            files=files,
            prediction_header=list(PREDICTION_COLUMNS),
            review_header=list(REVIEW_COLUMNS),
        )

    def write(self, root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        (root / "dsreport.yaml").write_text(yaml_text(self.spec), encoding="utf-8")
        files = dict(self.files)
        files["data/predictions.csv"] = csv_bytes(self.prediction_header, self.predictions)
        files["data/reviewed.csv"] = csv_bytes(self.review_header, self.reviewed)
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return root


# --- the generated cases --------------------------------------------------------------------------


def hostile_markup(root: Path, host: Host) -> None:
    """HTML, CSS, SVG and Markdown that would fetch, run or embed something (from the
    loopback server, a `file://` URL or `../` outside the bundle), and Jinja, in every
    prose field (every vector) and text field (one of each kind), the text cells of a few
    reviewed examples, a metric name, a split, a slice value and an error category."""
    draft = Draft.full()
    add_serving(draft)
    spec = draft.spec
    for loc, field in list(text_locations(spec)):
        if kept(loc):
            continue
        tag = dotted(loc)
        value = get_at(spec, loc)
        if field.kind == "prose" and is_prose_path(value):
            draft.files[value] = markdown_payload(host.url, host.secret, tag).encode()
        elif field.kind == "prose":
            set_at(spec, loc, markdown_payload(host.url, host.secret, tag))
        else:
            text = text_payload(host.url, host.secret, tag)
            set_at(spec, loc, text[: field.max_length] if field.max_length else text)
    setting, action = spec["system_design"]["settings"][0], spec["system_design"]["outputs"][1]
    setting["at_or_above"], setting["below"] = action["constraints"]["allowed"]  # hostile too
    short = f"<img src={host.url}/short.png onerror=alert(1)>{JINJA}"
    spec["interrogation"]["metrics"].append(
        {"name": f"<script>{short}</script>", "value": 0.5, "split": short}
    )
    spec["ladder"]["rungs"][1]["metrics"][f"<b>{short}</b>"] = 0.4
    for row in draft.predictions:
        if row[3] == "a":
            row[3] = f"a{short}"
    for i, row in enumerate(draft.reviewed):
        if i < 4:  # every text column, in a few rows: the appendix prints them all
            for column in (1, 2, 3, 7):
                row[column] = text_payload(host.url, host.secret, f"reviewed-{i}-{column}")
        if row[5] == "category 0":
            row[5] = short
    draft.write(root)


def _illegal(text: str, chars: str = ILLEGAL) -> str:
    """`text` with XML-illegal characters inside it: cleaned, it reads as before."""
    return f"{text[:1]}{chars}{text[1:]}" if text else chars


def xml_illegal(root: Path, host: Host) -> None:
    """NUL, ESC, a lone surrogate, U+FFFE and U+FFFF inside every text field (the kept
    references included: cleaned, each still names what it named), every mapping key,
    every prose file, and every cell and column name of both tables; so also inside metric
    names, slice values and error categories, which become chart series and categories."""
    draft = Draft.full()
    spec = draft.spec
    for loc, field in list(text_locations(spec)):
        value = get_at(spec, loc)
        if field.kind == "prose" and is_prose_path(value):
            text = draft.files[value].decode()
            draft.files[value] = _illegal(text, ILLEGAL_BYTES).encode()
        else:
            set_at(spec, loc, _illegal(value))
    for rung in spec["ladder"]["rungs"]:
        for key in ("metrics", "train_metrics"):
            rung[key] = {_illegal(k): v for k, v in rung.get(key, {}).items()}
    for table in (draft.predictions, draft.reviewed):
        for row in table:
            row[:] = [_illegal(cell, ILLEGAL_BYTES) for cell in row]
    draft.prediction_header = [_illegal(c, ILLEGAL_BYTES) for c in draft.prediction_header]
    draft.review_header = [_illegal(c, ILLEGAL_BYTES) for c in draft.review_header]
    draft.write(root)


SENTENCE = "the model ranks every customer by risk so that agents call the right ones first"
SCRIPTS = {
    "cjk": "客户流失预测模型のリスク評価と고객 이탈",
    "arabic": "نموذج التنبؤ بفقدان العملاء",
    "hebrew": "מודל לחיזוי נטישת לקוחות",
    "emoji": "📉🔥👩‍💻🏳️‍🌈✅",
}


def long_words(count: int) -> str:
    words = SENTENCE.split()
    return " ".join(words[i % len(words)] for i in range(count))


def layout_text(root: Path, host: Host) -> None:
    """Text that strains the layout: 5,000 words in the PM's decision (a slide) and in a
    prose file, a 300-character unbroken token in names, headings, table cells and chart
    labels, and CJK, Arabic, Hebrew and emoji text everywhere a name is shown."""
    draft = Draft.full()
    spec = draft.spec
    token = "x" * 150 + "y" * 150
    mixed = " ".join(SCRIPTS.values())
    spec["project"]["name"] = f"{SCRIPTS['cjk']} {SCRIPTS['emoji']}"
    spec["project"]["summary"] = f"{SCRIPTS['arabic']} — {SCRIPTS['hebrew']} — {token}"
    spec["audiences"]["pm"]["decision"] = long_words(5000)
    draft.files["prose/problem.md"] = f"# {mixed}\n\n{long_words(5000)}\n\n{token}\n".encode()
    spec["ecosystem"]["statement"]["product"] = token
    spec["ecosystem"]["users"] = f"{SCRIPTS['hebrew']} {token}"
    spec["operator_view"]["failure_modes"][0]["name"] = token
    spec["operator_view"]["safest_default"] = SCRIPTS["arabic"]
    spec["system_design"]["data"]["leakage_guards"] = [token, SCRIPTS["cjk"]]
    rungs = spec["ladder"]["rungs"]
    rungs[0]["name"] = f"{SCRIPTS['arabic']} {SCRIPTS['emoji']}"
    rungs[1]["name"] = token
    rungs[1]["reason"] = f"{mixed} {token}"
    spec["audiences"]["pm"]["next_steps"] = [token, SCRIPTS["hebrew"], SCRIPTS["emoji"]]
    labels = {"a": token, "b": SCRIPTS["cjk"], "c": SCRIPTS["arabic"] + SCRIPTS["emoji"]}
    for row in draft.predictions:
        row[3] = labels[row[3]]
    spec["interrogation"]["metrics"][1]["slice"]["value"] = token
    names = [token, SCRIPTS["hebrew"], SCRIPTS["emoji"] + " " + SCRIPTS["cjk"]]
    for row in draft.reviewed:
        if row[5]:
            row[5] = names[int(row[5].split()[-1])]
            row[1] = f"{token} {mixed}"
            row[7] = long_words(300)
    draft.write(root)


def layout_many(root: Path, host: Host) -> None:
    """Counts that strain the layout: 200 slices, 50 ladder rungs (each with its own
    predictions column) and 500 error categories."""
    draft = Draft.full()
    spec = draft.spec
    draft.predictions = prediction_rows(n=2000, segments=200)
    rng = random.Random(11)
    rungs = []
    for r in range(50):
        rung: dict[str, Any] = {
            "id": f"rung{r:02d}",
            "name": f"Model {r:02d} with a name of a usual length",
            "kind": "heuristic" if r == 0 else ("simple" if r < 25 else "complex"),
            "description": f"Candidate number {r}.",
            "metrics": {"recall": round(0.5 + r / 120, 4)},
            "latency_ms": 1 + r,
            "cost": 2 * r,
            "decision": "chosen" if r == 49 else ("kept" if r == 0 else "dropped"),
            "reason": f"Candidate {r}: {'best' if r == 49 else 'not better'}.",
            "score_column": f"score_{r:02d}",
        }
        rungs.append(rung)
    spec["ladder"] = {"chosen": "rung49", "baseline": "rung00", "rungs": rungs}
    draft.prediction_header = [*PREDICTION_COLUMNS[:4], *(r["score_column"] for r in rungs)]
    for row in draft.predictions:
        label = int(row[1])
        row[4:] = [
            f"{min(max(rng.gauss(0.3 + 0.006 * r * label + 0.2 * label, 0.2), 0), 1):.4f}"
            for r in range(50)
        ]
    spec["interrogation"]["metrics"] = [
        {"name": "recall", "value": 0.9, "target": 0.75, "headline": True, "split": "test"}
    ]
    spec["audiences"]["branding"].pop("layout_map")
    draft.reviewed = review_rows(n=1500, categories=500)
    draft.write(root)


def csv_million_rows(root: Path, host: Host) -> None:
    """A predictions table of 1,000,000 rows where a hundred were expected (still valid)."""
    draft = Draft.full()
    draft.write(root)
    rng = random.Random(3)
    with (root / "data" / "predictions.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(PREDICTION_COLUMNS) + "\n")
        lines = []
        for i in range(1_000_000):
            label = 1 if rng.random() < 0.4 else 0
            gbm = rng.random() * 0.6 + 0.35 * label
            rules = rng.random() * 0.7 + 0.2 * label
            split = "train" if i % 4 == 0 else "test"
            lines.append(f"{i:07d},{label},{split},{'abc'[i % 3]},{rules:.4f},{gbm:.4f}\n")
            if len(lines) == 50_000:
                out.write("".join(lines))
                lines = []
        out.write("".join(lines))


YAML_PADDING = 50 * 1024**2


def yaml_50mb(root: Path, host: Host) -> None:
    """A 50 MB dsreport.yaml (valid YAML: the good bundle plus a long comment)."""
    draft = Draft.full()
    draft.write(root)
    line = "# " + "padding " * 12 + "\n"
    with (root / "dsreport.yaml").open("a", encoding="utf-8") as out:
        out.write(line * (YAML_PADDING // len(line) + 1))


def csv_latin1(root: Path, host: Host) -> None:
    """The reviewed examples saved as Latin-1: `é` is the single byte 0xE9 on line 3."""
    draft = Draft.full()
    draft.reviewed[1][7] = "the customer's café closed"
    draft.write(root)
    path = root / "data" / "reviewed.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def csv_surrogate(root: Path, host: Host) -> None:
    """A lone surrogate in a table, written the only way bytes can hold one (CESU-8, which
    is not UTF-8): bytes ED A0 80 in a slice value on line 4."""
    draft = Draft.full()
    draft.predictions[2][3] = "b\ud800"
    draft.write(root)


def symlink_to_host(root: Path, host: Host) -> None:
    """The reviewed-examples table is a symbolic link to a host file holding the marker."""
    Draft.full().write(root)
    (root / "data" / "reviewed.csv").unlink()
    (root / "data" / "reviewed.csv").symlink_to(host.outside / "secret.csv")


def special_file(root: Path, host: Host) -> None:
    """The predictions table is a FIFO: reading it would block forever."""
    Draft.full().write(root)
    (root / "data" / "predictions.csv").unlink()
    os.mkfifo(root / "data" / "predictions.csv")


def svg_outside(root: Path, host: Host) -> None:
    """An SVG diagram whose <image> points at the loopback server."""
    draft = Draft.full()
    draft.files["img/diagram.svg"] = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">\n'
        f'<image href="{host.url}/diagram.png" width="9" height="9"/>\n</svg>\n'
    ).encode()
    draft.write(root)


def svg_entities(root: Path, host: Host) -> None:
    """An SVG diagram that hides its references in DTD entities: an external entity naming
    a host file, and an internal one expanding to a loopback URL."""
    draft = Draft.full()
    draft.files["img/diagram.svg"] = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE svg [<!ENTITY secret SYSTEM "{host.secret.as_uri()}">'
        f'<!ENTITY where "{host.url}/entity.png">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">\n'
        '<image href="&where;" width="9" height="9"/><text y="9">&secret;</text>\n</svg>\n'
    ).encode()
    draft.write(root)


def _theme() -> bytes:
    from dsreport.resources import asset

    return asset("deck/theme.pptx").read_bytes()


def _rezip(data: bytes, edit: Callable[[str, bytes], bytes], extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, edit(info.filename, source.read(info)))
        for name, body in extra.items():
            target.writestr(name, body)
    return out.getvalue()


def _with_template(root: Path, template: bytes) -> None:
    draft = Draft.full()
    draft.files["brand/corporate.pptx"] = template
    draft.spec["audiences"]["branding"]["pptx_template"] = "brand/corporate.pptx"
    draft.write(root)


def pptx_external_link(root: Path, host: Host) -> None:
    """A corporate deck template whose slide master links (rather than embeds) a picture
    on the loopback server: every deck made from it would fetch it when opened."""
    link = (
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/image" Target="{host.url}/pixel.png" TargetMode="External"/>'
    ).encode()

    def edit(name: str, body: bytes) -> bytes:
        if name == "ppt/slideMasters/_rels/slideMaster1.xml.rels":
            return body.replace(b"</Relationships>", link + b"</Relationships>")
        return body

    _with_template(root, _rezip(_theme(), edit, {}))


def pptx_zip_bomb(root: Path, host: Host) -> None:
    """A corporate deck template holding a 300 MiB part that zips to a few hundred KB."""
    _with_template(
        root, _rezip(_theme(), lambda name, body: body, {"ppt/media/zeros.bin": bytes(300 << 20)})
    )


def image_bomb(root: Path, host: Host) -> None:
    """A 30,000 x 30,000 pixel logo (900 million pixels) in a 100 KB PNG."""
    from PIL import Image

    draft = Draft.full()
    buffer = io.BytesIO()
    Image.new("1", (30_000, 30_000), 0).save(buffer, format="PNG", optimize=True)
    draft.files["img/logo.png"] = buffer.getvalue()
    draft.write(root)


GENERATED: dict[str, Callable[[Path, Host], None]] = {
    "hostile-markup": hostile_markup,
    "xml-illegal": xml_illegal,
    "layout-text": layout_text,
    "layout-many": layout_many,
    "csv-million-rows": csv_million_rows,
    "yaml-50mb": yaml_50mb,
    "csv-latin1": csv_latin1,
    "csv-surrogate": csv_surrogate,
    "symlink-to-host": symlink_to_host,
    "special-file": special_file,
    "svg-outside": svg_outside,
    "svg-entities": svg_entities,
    "pptx-external-link": pptx_external_link,
    "pptx-zip-bomb": pptx_zip_bomb,
    "image-bomb": image_bomb,
}


def make(name: str, case_dir: Path, url: str) -> tuple[Path, Host]:
    """Write case `name` to `case_dir/bundle`, with its host files beside it."""
    host = plant_host(case_dir, url)
    root = case_dir / "bundle"
    GENERATED[name](root, host)
    return root, host


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("cases", nargs="*", help=f"default: all of {', '.join(GENERATED)}")
    parser.add_argument("--url", default="http://127.0.0.1:9")
    args = parser.parse_args(argv)
    for name in args.cases or GENERATED:
        root, _ = make(name, args.out / name, args.url)
        print(root)


if __name__ == "__main__":
    main()
