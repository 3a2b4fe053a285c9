"""The one metric the call rests on, chosen with reasons.

It is the bundle's headline, unless the headline misleads: accuracy as the headline while
the rarest class is rare (the `accuracy-on-imbalanced-classes` rule) moves the decision to
a metric that sees the rare class: the first of the preferred metrics that has a target,
else the first that has a value for the chosen rung.
"""

from __future__ import annotations

from dsreport.analyse.facts import DecisionMetricFact, MetricFact
from dsreport.analyse.metricfacts import num
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.vocabulary import labels

PREFERRED = {
    "binary": ("balanced_accuracy", "f1", "average_precision", "recall", "roc_auc"),
    "multiclass": ("macro_f1", "balanced_accuracy", "macro_recall"),
}


def imbalanced(
    task: str, classes: int, minority_share: float | None, checks: CheckThresholds
) -> bool:
    """The rarest class is rare relative to an even split: 20% for two classes, 4% for ten."""
    if task == "regression" or minority_share is None:
        return False
    return minority_share < checks.rare_class_share * 2 / max(classes, 2)


def choose(
    task: str,
    headline: str | None,
    chosen_overall: dict[str, MetricFact],
    targets: dict[str, tuple[float, str]],
    misleading: bool,
) -> DecisionMetricFact | None:
    """`chosen_overall`: the chosen rung's test-split overall metric facts, by name."""
    if headline is None:
        return None
    name, reason, moved = headline, "the bundle's headline metric", False
    if misleading and headline == "accuracy":
        options = [m for m in PREFERRED.get(task, ()) if m in chosen_overall]
        pick = next((m for m in options if m in targets), options[0] if options else None)
        if pick is None:
            reason = (
                "the headline, although accuracy hides the rare class: no metric that sees "
                "it (balanced accuracy, F1, macro F1) could be computed"
            )
        else:
            name, moved = pick, True
            label = labels(pick)[0]
            reason = f"accuracy hides the rare class, so the call rests on {label}" + (
                ", which has a target" if pick in targets else ""
            )
    goal = targets.get(name)
    label, label_pm = labels(name)
    return DecisionMetricFact(
        name=name,
        label=label,
        label_pm=label_pm,
        headline=headline,
        moved=moved,
        reason=reason,
        target=num(name, goal[0]) if goal else None,
    )
