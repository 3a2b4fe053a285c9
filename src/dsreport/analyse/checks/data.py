"""Checks on what the data can support: imbalance, calibration and prior shift, overfitting,
thresholds."""

from __future__ import annotations

import math
from statistics import NormalDist

from dsreport.analyse import conditions
from dsreport.analyse import format as F
from dsreport.analyse.checks.context import ABSOLUTE, BOUNDED, Context, finding
from dsreport.analyse.decision import imbalanced
from dsreport.analyse.facts import FindingFact
from dsreport.vocabulary import LOWER_IS_BETTER


def accuracy_on_imbalance(c: Context) -> list[FindingFact]:
    if c.headline is None or c.headline.metric.name != "accuracy" or c.minority_share is None:
        return []
    classes = len(c.spec.interrogation.classes)
    if not imbalanced(c.spec.project.task, classes, c.minority_share, c.checks):
        return []
    share = F.percent(c.minority_share)
    moved = c.decision is not None and c.decision.moved
    advice = (
        f"The call rests on {c.decision.label} instead; lead with it in the write-up."
        if moved and c.decision
        else "Lead with recall and precision of the rare class, or balanced accuracy."
    )
    return [
        finding(
            "accuracy-on-imbalanced-classes",
            "info" if moved else "warning",
            "Accuracy hides the rare class",
            f"Accuracy is the headline while the rarest class is {share} of the test set; "
            f"a model that never predicts it scores {F.percent(1 - c.minority_share)}."
            + (
                f" The comparisons, slices and the recommendation use {c.decision.label}."
                if moved and c.decision
                else ""
            ),
            "The headline number looks good even for a model that ignores the rare cases.",
            advice,
            metric="accuracy",
            condition=None
            if moved
            else conditions.simple(
                "Before launch, report recall and precision of the rare class (or balanced "
                "accuracy) with targets; accuracy alone cannot show whether the rare class "
                "is caught.",
                "accuracy-on-imbalanced-classes",
                "accuracy",
            ),
            minority_share=share,
            threshold=F.percent(c.checks.rare_class_share),
        )
    ]


def _prior_shift(c: Context) -> str:
    """A sentence on training versus test prevalence, when both are known."""
    counts = c.data.split_class_counts
    train, test = counts.get("train"), counts.get("test")
    if not train or not test:
        return " The predictions have no training split, so a prior shift cannot be checked."
    n_tr, n_te = sum(train.values()), sum(test.values())
    worst = None
    for label in sorted(set(train) | set(test)):
        p1, p2 = train.get(label, 0) / n_tr, test.get(label, 0) / n_te
        pooled = (train.get(label, 0) + test.get(label, 0)) / (n_tr + n_te)
        se = math.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n_tr + 1 / n_te))
        z = abs(p1 - p2) / se
        if worst is None or z > worst[0]:
            worst = (z, label, p1, p2)
    assert worst is not None
    z, label, p1, p2 = worst
    classes = max(len(set(train) | set(test)), 2)
    p = 2 * (1 - NormalDist().cdf(z)) * (classes if classes > 2 else 1)  # Bonferroni
    if p >= 0.05:
        return (
            f" Training and test prevalence agree (class '{label}': {F.percent(p1)} against "
            f"{F.percent(p2)}), so prior shift does not explain it."
        )
    return (
        f" Prior shift: class '{label}' is {F.percent(p1)} of the training split but "
        f"{F.percent(p2)} of the test split; scores fitted to the training prevalence are "
        "miscalibrated at another one."
    )


def calibration(c: Context) -> list[FindingFact]:
    if not c.spec.system_design.scores_are_probabilities:
        return []
    ece = c.chosen_overall.get("ece")
    if ece is None or ece.value.value is None or ece.value.value <= c.checks.max_ece:
        return []
    shift = _prior_shift(c)
    limit = F.sig(c.checks.max_ece, 2)
    return [
        finding(
            "poor-calibration",
            "warning",
            "Scores are not calibrated",
            f"Expected calibration error is {ece.value.text} while the design reads scores as "
            f"probabilities (limit {limit}).{shift}",
            "A score of 70% does not mean a 70% chance; users reading it that way are misled.",
            "Calibrate the scores (isotonic or Platt) on data with the deployment prevalence, "
            "or stop presenting them as probabilities.",
            metric="ece",
            rung=c.chosen,
            condition=conditions.simple(
                f"Before scores are shown as probabilities, recalibrate them (isotonic or Platt, "
                f"at the deployment prevalence) until the expected calibration error is at most "
                f"{limit} on the test split (now {ece.value.text}).",
                "poor-calibration",
                "ece",
                rung=c.chosen,
                threshold=c.checks.max_ece,
            ),
            ece=ece.value.text,
            prior_shift=shift.strip(),
        )
    ]


def train_test_gap(c: Context) -> list[FindingFact]:
    rung = next((r for r in c.spec.ladder.rungs if r.id == c.chosen), None)
    if rung is None:
        return []
    out = []
    for name, train in rung.train_metrics.items():
        fact = c.chosen_overall.get(name)
        test = fact.value.value if fact is not None else rung.metrics.get(name)
        if test is None:
            continue
        if name in ABSOLUTE:
            gap = test - train
        elif name in BOUNDED:
            gap = train - test
        else:  # unbounded losses and errors: relative to the test value
            gap = (test - train) / abs(test) if test else 0.0
            gap = -gap if name not in LOWER_IS_BETTER else gap
        if gap <= c.checks.train_test_gap:
            continue
        label = fact.label if fact is not None else name
        out.append(
            finding(
                "train-test-gap",
                "warning",
                f"Large train / test gap on {label}",
                f"{label}: {F.fmt(name, train)} on training data against {F.fmt(name, test)} "
                "on test data.",
                "The model does much better on the data it learned from: it may be memorising.",
                "Regularise, simplify, or check that the test set is drawn the same way.",
                metric=name,
                rung=c.chosen,
                condition=conditions.simple(
                    f"Before launch, confirm {label} on data drawn like production: the test "
                    f"value {F.fmt(name, test)} is the one to expect, not the training "
                    f"{F.fmt(name, train)}; regularise if fresh data falls further.",
                    "train-test-gap",
                    name,
                    rung=c.chosen,
                    threshold=test,
                ),
                train=F.fmt(name, train),
                test=F.fmt(name, test),
            )
        )
    return out


def mixed_thresholds(c: Context) -> list[FindingFact]:
    pinned = [m for m in c.spec.interrogation.metrics if m.threshold is not None]
    found = {m.threshold for m in pinned if m.threshold is not None}
    operating = c.spec.interrogation.threshold
    if operating is not None:
        found.add(operating)
    if len(found) <= 1:
        return []
    shown = ", ".join(F.sig(t, 3) for t in sorted(found))
    odd = sorted({m.name for m in pinned if operating is None or m.threshold != operating})
    metric = odd[0] if odd else pinned[0].name
    return [
        finding(
            "mixed-thresholds",
            "warning",
            "Metrics at different thresholds",
            f"Metrics are reported at several decision thresholds ({shown}); they do not "
            "describe one operating point.",
            "Some numbers describe a different setting of the model than others.",
            "Report every threshold-dependent metric at the one operating threshold.",
            metric=metric,
            condition=conditions.simple(
                f"Before launch, report {', '.join(odd) or metric} at the operating threshold "
                f"{F.sig(operating, 3) if operating is not None else 'in use'} (now at "
                f"{shown}).",
                "mixed-thresholds",
                metric,
            ),
            thresholds=shown,
        )
    ]
