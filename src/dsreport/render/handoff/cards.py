"""Structured parts of the two model cards: Hugging Face metadata and the MCT metrics.

Both list the same metrics: every metric of the chosen rung on the test split, the
overall values first, then each slice's, in the facts' order. Values are the facts'
raw values; MCT v0.0.2 wants them as strings, written losslessly (`repr`).
"""

from __future__ import annotations

from typing import Any

import yaml

from dsreport.analyse.facts import Facts, MetricFact
from dsreport.bundle.spec import BundleSpec
from dsreport.load.loaded import slugify

THRESHOLD_FREE = frozenset({"roc_auc", "average_precision", "log_loss", "brier", "ece"})
"""Binary metrics that do not depend on the decision threshold (the facts carry it anyway)."""
HF_TASKS = {
    "binary": ("tabular-classification", "Binary classification"),
    "multiclass": ("tabular-classification", "Multiclass classification"),
    "regression": ("tabular-regression", "Regression"),
}


def card_metrics(facts: Facts, rung: str) -> list[MetricFact]:
    """The chosen rung's test metrics: overall first, then grouped by slice (first seen first)."""
    chosen = [
        m
        for m in facts.metrics
        if m.rung == rung and m.split == "test" and m.value.value is not None
    ]
    headline = facts.headline.metric if facts.headline else None
    if headline is not None and headline.rung == rung and headline not in chosen:
        chosen.insert(0, headline)  # taken from the rung's metrics, not listed in facts.metrics
    order: dict[str | None, int] = {None: 0}
    for m in chosen:
        order.setdefault(slice_name(m), len(order))
    return sorted(chosen, key=lambda m: order[slice_name(m)])


def threshold_of(m: MetricFact) -> float | None:
    """The decision threshold a metric value depends on; None for ranking and score metrics."""
    return None if m.name in THRESHOLD_FREE else m.threshold


def slice_name(m: MetricFact) -> str | None:
    return None if m.slice_key is None else f"{m.slice_key}={m.slice_value}"


def dataset_names(spec: BundleSpec) -> tuple[str, str]:
    """(id, display name) of the evaluation data, from the first data source."""
    sources = spec.system_design.data.sources
    name = sources[0].name if sources else f"{spec.project.name} evaluation data"
    return slugify(name), name


def hf_front_matter(facts: Facts, spec: BundleSpec, rung: str, library: str | None) -> str:
    """YAML for the card's front matter; `model-index` holds one result per slice."""
    task_type, task_name = HF_TASKS[facts.task]
    data_id, data_name = dataset_names(spec)
    results: list[dict[str, Any]] = []
    by_slice: dict[str | None, dict[str, Any]] = {}
    for m in card_metrics(facts, rung):
        key = slice_name(m)
        if key not in by_slice:
            dataset: dict[str, Any] = {"type": data_id, "name": data_name, "split": m.split}
            if key is not None:
                dataset["config"] = key
            by_slice[key] = {
                "task": {"type": task_type, "name": task_name},
                "dataset": dataset,
                "metrics": [],
            }
            results.append(by_slice[key])
        metric: dict[str, Any] = {"type": m.name, "value": m.value.value, "name": m.label}
        if threshold_of(m) is not None:
            metric["args"] = {"threshold": threshold_of(m)}
        by_slice[key]["metrics"].append(metric)
    meta: dict[str, Any] = {"license": spec.project.license or "unknown"}
    if library:
        meta["library_name"] = library
    meta.update(
        pipeline_tag=task_type,
        tags=["dsreport", task_name.lower().replace(" ", "-")],
        metrics=sorted({m.name for m in card_metrics(facts, rung)}),
    )
    if results:
        meta["model-index"] = [{"name": facts.slug, "results": results}]
    text: str = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return text


def mct_metrics(facts: Facts, rung: str) -> list[dict[str, Any]]:
    out = []
    for m in card_metrics(facts, rung):
        item: dict[str, Any] = {"type": m.name, "value": repr(m.value.value)}
        key = slice_name(m)
        if key is not None:
            item["slice"] = key
        if m.interval is not None:
            item["confidence_interval"] = {
                "lower_bound": repr(m.interval.low),
                "upper_bound": repr(m.interval.high),
            }
        out.append(item)
    return out
