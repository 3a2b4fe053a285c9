"""Reviewed examples -> counts, error rate, ranked categories and representative cases.

The error rate and the category shares count only the cases whose verdict judges the
output (correct, partial, incorrect); ambiguous and not-applicable cases are counted and
shown, but are neither errors nor correct.
"""

from __future__ import annotations

import pandas as pd

from dsreport.analyse.facts import CategoryFact, ExampleFact, ReviewFact
from dsreport.analyse.intervals import wilson
from dsreport.analyse.metricfacts import interval_fact, num
from dsreport.load.tables import Table
from dsreport.vocabulary import ERROR_VERDICTS, JUDGED_VERDICTS, SEVERITIES

PER_CATEGORY = 3


def _clean(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("string").fillna("").str.strip()


def _example(row: pd.Series) -> ExampleFact:
    return ExampleFact(**{k: str(row[k]) for k in ExampleFact.model_fields})


def review_facts(
    table: Table,
    sampling: str | None,
    representative: bool = True,
    verdicts: dict[str, str] | None = None,
) -> ReviewFact:
    """`verdicts` maps each verdict word (lower case) to the verdict it counts as."""
    frame = table.frame.copy()
    for column in (
        "id",
        "input",
        "model_output",
        "expected_output",
        "verdict",
        "severity",
        "note",
        "error_category",
    ):
        frame[column] = _clean(frame, column)
    frame["verdict"] = frame["verdict"].str.lower()
    if verdicts:
        frame["verdict"] = frame["verdict"].map(lambda word: verdicts.get(word, word))
    frame["severity"] = frame["severity"].str.lower()
    n = len(frame)
    counts = {str(k): int(v) for k, v in frame["verdict"].value_counts().sort_index().items()}
    judged = int(frame["verdict"].isin(JUDGED_VERDICTS).sum())
    review = ReviewFact(
        n=n, judged=judged, by_verdict=counts, sampling=sampling, representative=representative
    )
    if judged == 0:
        return review
    wrong = frame["verdict"].isin(ERROR_VERDICTS)
    errors = int(wrong.sum())
    review.error_rate = num("error_rate", errors / judged)
    # a sample drawn on purpose (every error plus some successes) has no sampling error to
    # put an interval on: its rates describe the sample, so they get none
    if representative:
        review.error_interval = interval_fact("error_rate", *wilson(errors, judged), 0.95, "wilson")
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    frame["_rank"] = frame["severity"].map(rank).fillna(-1)
    bad = frame[wrong & (frame["error_category"] != "")]
    for name, group in bad.groupby("error_category", sort=False):
        count = len(group)
        worst = group.sort_values("_rank", ascending=False, kind="stable")
        top = worst["severity"].iloc[0]
        review.categories.append(
            CategoryFact(
                name=str(name),
                count=count,
                share=num("share", count / judged),
                share_interval=interval_fact("share", *wilson(count, judged), 0.95, "wilson")
                if representative
                else None,
                worst_severity=top if top in rank else None,
                examples=[_example(r) for _, r in worst.head(PER_CATEGORY).iterrows()],
            )
        )
    review.categories.sort(key=lambda c: (-c.count, c.name))
    right = frame[frame["verdict"] == "correct"]
    review.correct_examples = [_example(r) for _, r in right.head(PER_CATEGORY).iterrows()]
    return review
