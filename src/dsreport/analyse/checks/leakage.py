"""Results too good to be true, and test rows that overlap the other splits."""

from __future__ import annotations

from dsreport.analyse import conditions
from dsreport.analyse import format as F
from dsreport.analyse.checks.context import Context, finding
from dsreport.analyse.facts import FindingFact, MetricFact

WHOLE_DECISION = frozenset(
    {
        "accuracy",
        "balanced_accuracy",
        "f1",
        "macro_f1",
        "micro_f1",
        "weighted_f1",
        "roc_auc",
        "average_precision",
        "r2",
    }
)
"""Ranking metrics and proportions of all decisions: near-perfect values of these are rare
without leakage. One-sided rates (recall, precision, specificity) trade off against each
other with the threshold, top-k accuracy is lenient, and a multiclass one-vs-rest AUC is
near 1 for any competent model; none of those is judged here."""

AUDIT = (
    "check for duplicate or near-duplicate rows across splits, features computed after the "
    "outcome is known, and the same entity (patient, customer, document) in training and test"
)


def _rung_metrics(c: Context, rung: str) -> list[MetricFact]:
    return [
        m
        for (r, _), m in c.overall.items()
        if r == rung and m.name in WHOLE_DECISION and m.direction == "higher_is_better"
    ]


RANKING = frozenset({"roc_auc", "average_precision"})


def _too_good(c: Context, m: MetricFact) -> bool:
    """At or beyond its threshold, on enough rows to mean something."""
    if m.value.value is None:
        return False
    if m.name in RANKING:
        rarer = min(c.data.class_counts.values()) if c.data.class_counts else m.n
        enough = rarer is None or rarer >= c.checks.slice_min_n
        return enough and m.value.value >= c.checks.perfect_ranking
    enough = m.n is None or m.n >= c.checks.slice_min_n
    return enough and m.value.value >= c.checks.perfect_score


def perfect(c: Context) -> list[FindingFact]:
    out = []
    key = {c.decision_name, c.headline.metric.name if c.headline else None}
    for rung in c.ladder:
        hits = [m for m in _rung_metrics(c, rung.id) if _too_good(c, m)]
        if not hits:
            continue
        hits.sort(key=lambda m: m.name)
        parts = [f"{m.label} {m.value.text}" for m in hits]
        shown = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        sizes = {m.n for m in hits if m.n}
        rows = f"{F.fmt_count(min(sizes))} test rows" if sizes else "an unknown number of rows"
        critical = rung.chosen and any(m.name in key for m in hits)
        first = hits[0]
        out.append(
            finding(
                "suspiciously-perfect",
                "critical" if critical else "warning",
                f"Suspiciously perfect: {rung.name}",
                f"{rung.name} scores {shown} on {rows}: near-perfect scores usually mean "
                f"the label leaked into the features or the test set overlaps training; {AUDIT}.",
                "A result this good is too good to trust until leakage is ruled out.",
                f"Audit for leakage: {AUDIT}.",
                metric=first.name,
                rung=rung.id,
                condition=conditions.simple(
                    f"Before launch, rule out leakage behind {rung.name}'s {shown} on {rows}: "
                    f"{AUDIT}.",
                    "suspiciously-perfect",
                    first.name,
                    rung=rung.id,
                    size=min(sizes) if sizes else None,
                    size_unit="test rows",
                ),
                value=shown,
                n=rows,
            )
        )
    return out


def split_overlap(c: Context) -> list[FindingFact]:
    out = []
    d = c.data
    dm = c.decision_name or (c.headline.metric.name if c.headline else "accuracy")
    if d.shared_ids:
        out.append(
            finding(
                "split-overlap",
                "warning",
                "Test ids also appear in another split",
                f"{F.fmt_count(d.shared_ids)} ids of test rows also appear in another split of "
                "the predictions table: if ids name entities (patients, customers), the test "
                "set is not independent of training.",
                "Some test cases may also have been used to train the model.",
                "Split by entity, so that no id is in two splits, and re-evaluate.",
                metric=dm,
                condition=conditions.simple(
                    f"Before launch, re-evaluate {dm} on a test set that shares no id with "
                    f"training ({F.fmt_count(d.shared_ids)} ids are shared now).",
                    "split-overlap",
                    dm,
                    size=d.shared_ids,
                    size_unit="shared ids",
                ),
                shared=str(d.shared_ids),
            )
        )
    if d.shared_feature_rows:
        out.append(
            finding(
                "duplicate-rows-across-splits",
                "warning",
                "Test rows duplicate rows of another split",
                f"{F.fmt_count(d.shared_feature_rows)} test rows have the same input values as "
                "a row of another split: the model may have seen them in training.",
                "Some test cases are copies of training cases.",
                "Remove duplicates across splits and re-evaluate.",
                metric=dm,
                condition=conditions.simple(
                    f"Before launch, re-evaluate {dm} without the "
                    f"{F.fmt_count(d.shared_feature_rows)} test rows that duplicate a row of "
                    "another split.",
                    "duplicate-rows-across-splits",
                    dm,
                    size=d.shared_feature_rows,
                    size_unit="duplicated test rows",
                ),
                duplicated=str(d.shared_feature_rows),
            )
        )
    return out
