"""The deck's plain words: what a PM reads instead of the data scientist's terms.

Metric names come from the glossary (`MetricFact.label_pm`) or the operator view's own
unit; numbers always come formatted from the facts (`text_pm`). This module only picks
and joins words.
"""

from __future__ import annotations

from dsreport.analyse.facts import Facts, MetricFact, RungFact
from dsreport.analyse.recommend import COLOURS
from dsreport.bundle.spec import BundleSpec

FALLBACK = {
    "rules": "today's rules take over",
    "ask_user": "a person decides",
    "no_result": "no result is shown",
    "cached": "the last good result is used",
    "other": "a manual check takes over",
}
KIND = {"heuristic": "today's rule", "simple": "simple model", "complex": "complex model"}
DECISION = {"chosen": "chosen", "kept": "kept", "dropped": "dropped"}
VERDICT = {
    "correct": ("Right", COLOURS["ship"]),
    "incorrect": ("Wrong", COLOURS["do_not_ship"]),
    "partial": ("Partly right", COLOURS["ship_with_conditions"]),
}
SEVERITY = {
    "critical": ("Must fix", COLOURS["do_not_ship"]),
    "warning": ("Watch", COLOURS["ship_with_conditions"]),
    "info": ("Note", "#595959"),
}
LEVELS = (
    ("optimal", "Best case", "nobody would ask for more"),
    ("acceptable", "Acceptable", "good enough to ship"),
    ("worst_case", "Worst case", "below this, worse than today"),
)
CONCERN = {
    "target-missed": "Target missed",
    "target-not-secured": "Thin margin",
    "latency-over-budget": "Too slow",
    "cost-over-budget": "Too costly",
    "suspiciously-perfect": "Too good to be true",
    "ladder-jump": "Too good to be true",
    "gain-inside-noise": "Simpler option",
    "accuracy-on-imbalanced-classes": "Misleading measure",
    "slice-left-behind": "A group falls behind",
    "test-set-too-small": "Small test set",
    "review-too-small": "Few reviewed cases",
    "train-test-gap": "Learns its data too well",
    "poor-calibration": "Scores are not probabilities",
    "mixed-thresholds": "Mixed settings",
    "reported-differs": "Numbers disagree",
}
"""A few plain words naming what each finding is about, as the lead of its condition."""
REACHED = {
    "optimal": "at the best case",
    "acceptable": "good enough to ship",
    "below_acceptable": "below what we can ship",
    "below_worst": "worse than today's process",
}


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def metric_name(facts: Facts, spec: BundleSpec, metric: MetricFact) -> str:
    """How the PM deck names a metric: the operator view's unit for the success metric, else
    the glossary's plain words."""
    unit = spec.operator_view.success_metric.unit
    if unit and metric.name == spec.operator_view.success_metric.metric:
        return unit
    return metric.label_pm


def chosen(facts: Facts) -> RungFact | None:
    return next((r for r in facts.ladder if r.chosen), None)


def baseline(facts: Facts) -> RungFact | None:
    return next((r for r in facts.ladder if r.baseline and not r.chosen), None)


def people(spec: BundleSpec, *, contacts: bool = True) -> list[str]:
    """Owners (and contacts) as `Name, role`."""
    folks = [*spec.audiences.owners, *(spec.audiences.contacts if contacts else [])]
    return [f"{p.name}, {p.role}" if p.role else p.name for p in folks]
