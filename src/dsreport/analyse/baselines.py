"""Trivial baselines every model must beat, from the predictions' labels alone.

Classification: always predicting the majority class, flagging every case, predicting at
random at the training prevalence, or a chance ranking (AUC 0.5); regression: always
predicting the training mean (for squared errors and R²) or median (for absolute
errors). "Training" means the predictions' `train` split; without one, the test split's
own mean, median and prevalence stand in, and the facts say so. For each metric the
strongest applicable baseline is kept.
"""

from __future__ import annotations

import math

import numpy as np

from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.facts import BaselineFact, MetricFact
from dsreport.analyse.metricfacts import num
from dsreport.analyse.reduce.values import ValueCounts
from dsreport.bundle.spec import BundleSpec

ALWAYS = {
    "binary": ("roc_auc",),
    "multiclass": ("macro_recall",),
    "regression": ("mae", "rmse"),
}
"""Checked whatever the bundle targets: a model must rank better than chance and err less
than a constant."""

Candidate = tuple[str, str, float]
"""(baseline name, what it does, its value on the test rows)."""


def _clip(p: float) -> float:
    eps = 1e-15
    return min(max(p, eps), 1 - eps)


def _binary(test: dict[str, int], train: dict[str, int], positive: str) -> dict[str, Candidate]:
    n = sum(test.values())
    pi = test.get(positive, 0) / n
    q = _clip(train.get(positive, 0) / max(sum(train.values()), 1))
    negative = next((c for c in sorted(train | test) if c != positive), "the other class")
    majority = positive if q >= 0.5 else negative
    out: dict[str, Candidate] = {
        "accuracy": (
            "majority class",
            f"always predict '{majority}'",
            pi if majority == positive else 1 - pi,
        ),
        "balanced_accuracy": ("majority class", f"always predict '{majority}'", 0.5),
        "f1": ("flag every case", f"always predict '{positive}'", 2 * pi / (1 + pi)),
        "precision": ("flag every case", f"always predict '{positive}'", pi),
        "average_precision": ("chance ranking", "scores in random order", pi),
        "roc_auc": ("chance ranking", "scores in random order", 0.5),
        "brier": (
            "prevalence",
            f"always score the prevalence {q:.3g}",
            pi * (1 - q) ** 2 + (1 - pi) * q**2,
        ),
        "log_loss": (
            "prevalence",
            f"always score the prevalence {q:.3g}",
            -(pi * math.log(q) + (1 - pi) * math.log(1 - q)),
        ),
    }
    return out


def _multiclass(test: dict[str, int], train: dict[str, int], k_top: int) -> dict[str, Candidate]:
    classes = sorted(set(test) | set(train))
    n = sum(test.values())
    s = np.array([test.get(c, 0) / n for c in classes])
    total = max(sum(train.values()), 1)
    q = np.array([train.get(c, 0) / total for c in classes])
    star = int(np.argmax(q))
    present = int((s > 0).sum() + (s[star] == 0))
    top = np.argsort(-q, kind="stable")[:k_top]
    best = f"always predict '{classes[star]}'"
    f1_major = 2 * s[star] / (1 + s[star]) / present
    random_f1 = float(s[s > 0].sum()) / present  # expected per-class F1 = share of the class
    out: dict[str, Candidate] = {
        "accuracy": ("majority class", best, float(s[star])),
        "micro_f1": ("majority class", best, float(s[star])),
        "macro_recall": ("majority class", best, 1 / present),
        "balanced_accuracy": ("majority class", best, 1 / present),
        "macro_precision": ("majority class", best, float(s[star]) / present),
        "weighted_f1": ("majority class", best, float(s[star] * 2 * s[star] / (1 + s[star]))),
        "macro_f1": (
            ("majority class", best, float(f1_major))
            if f1_major >= random_f1
            else ("random at prevalence", "predict each class at its training share", random_f1)
        ),
        "top_k_accuracy": (
            "most frequent classes",
            f"always shortlist the {len(top)} most frequent classes",
            float(s[top].sum()),
        ),
        "macro_roc_auc": ("chance ranking", "scores in random order", 0.5),
        "brier": (
            "class shares",
            "always score each class at its training share",
            float(1 - 2 * (s * q).sum() + (q**2).sum()),
        ),
    }
    if (q > 0).all():
        out["log_loss"] = (
            "class shares",
            "always score each class at its training share",
            float(-(s * np.log(q)).sum()),
        )
    return out


def _regression(y: ValueCounts | None, train: tuple[float, float] | None) -> dict[str, Candidate]:
    """From the test targets' values and counts (exact, or binned past 50,000 distinct
    values: then each sum within 0.01% per row)."""
    if y is None or y.n == 0:
        return {}
    v, w, n = y.values, y.counts, y.n
    own = y.total() / n
    mean, median = train if train is not None else (own, y.quantiles([0.5])[0])
    ss_tot = float(np.dot(w, (v - own) ** 2))
    mean_text = f"always predict the mean {mean:.4g}"
    median_text = f"always predict the median {median:.4g}"
    out: dict[str, Candidate] = {
        "mae": ("median", median_text, float(np.dot(w, np.abs(v - median))) / n),
        "rmse": ("mean", mean_text, float(np.sqrt(np.dot(w, (v - mean) ** 2) / n))),
    }
    if ss_tot > 0:
        out["r2"] = ("mean", mean_text, 1 - float(np.dot(w, (v - mean) ** 2)) / ss_tot)
    denom = np.abs(v) + abs(median)
    smape = np.where(denom > 0, 2 * np.abs(v - median) / np.where(denom > 0, denom, 1), 0)
    out["smape"] = ("median", median_text, float(np.dot(w, smape)) / n)
    if not w[v == 0].any():
        out["mape"] = (
            "median",
            median_text,
            float(np.dot(w, np.abs(v - median) / np.where(v == 0, 1, np.abs(v)))) / n,
        )
    return out


def candidates(spec: BundleSpec, ev: Evaluation) -> tuple[dict[str, Candidate], str]:
    """Baseline per metric name, and which rows they were fitted on."""
    task = spec.project.task
    has_train = "train" in ev.split_class_counts or "train" in ev.split_label_stats
    source = "training split" if has_train else "test split"
    if task == "regression":
        test = ev.regression.values.get(("label", "test")) if ev.regression else None
        return _regression(test, ev.split_label_stats.get("train")), source
    if not ev.class_counts:
        return {}, source
    train = ev.split_class_counts.get("train", ev.class_counts)
    if task == "binary":
        positive = spec.interrogation.positive_label or ""
        return _binary(ev.class_counts, train, positive), source
    return _multiclass(ev.class_counts, train, spec.interrogation.top_k), source


def baseline_facts(
    spec: BundleSpec,
    ev: Evaluation | None,
    chosen_overall: dict[str, MetricFact],
    names: list[str],
) -> list[BaselineFact]:
    """The chosen rung against the trivial baseline of each of `names` (and ALWAYS)."""
    if ev is None:
        return []
    found, source = candidates(spec, ev)
    wanted = list(dict.fromkeys([*names, *ALWAYS.get(spec.project.task, ())]))
    out = []
    for name in wanted:
        fact = chosen_overall.get(name)
        if fact is None or name not in found or fact.value.value is None:
            continue
        label, description, value = found[name]
        higher = fact.direction == "higher_is_better"
        chosen = fact.value.value
        reliably = None
        if fact.interval is not None:
            reliably = fact.interval.low > value if higher else fact.interval.high < value
        value_num, chosen_num = num(name, value), num(name, chosen)
        assert value_num is not None and chosen_num is not None
        out.append(
            BaselineFact(
                name=label,
                description=description,
                metric=name,
                value=value_num,
                chosen=chosen_num,
                beaten=chosen > value if higher else chosen < value,
                reliably=reliably,
                source=source,
            )
        )
    return out
