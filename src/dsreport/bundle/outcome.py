"""The business outcome: what the product counts, per period, in the business's own words.

The analysis turns it into counts per period for the chosen rung, for today's process
and against the target (with intervals), computed from the predictions; the PM deck
leads with them and the staff DS report shows the same numbers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dsreport.bundle.fields import Model, Number, Text

CountKind = Literal[
    "acted", "not_acted", "true_positive", "false_positive", "false_negative", "true_negative"
]
BETTER_BY_KIND: dict[str, str] = {
    "true_positive": "more",
    "true_negative": "more",
    "false_positive": "fewer",
    "false_negative": "fewer",
}
"""Which way is better for each kind, unless the bundle says otherwise; `acted` and
`not_acted` have no natural direction and must say."""


class OutcomeCount(Model):
    """One kind of result the product counts, and what it means to the business."""

    kind: CountKind = Field(examples=["false_positive"])
    """Which cases are counted. The product *acts* on a case when the chosen rung's output
    passes the gate: binary, score at or above `interrogation.threshold`; multiclass,
    confidence at or above `gate`; regression, predicted value at or above `gate`. A case
    is *positive* when it should be acted on: binary, its label is `positive_label`;
    multiclass, the predicted class is right; regression, its true value is at or above
    `gate`. `acted` and `not_acted` count cases by the action alone; `true_positive`
    (acted, positive), `false_positive` (acted, not positive), `false_negative` (not acted,
    positive) and `true_negative` (not acted, not positive) by both."""
    means: Text = Field(max_length=60, examples=["benign cases sent to the senior reader"])
    """What these cases are, as a plural noun phrase the business uses (at most 60
    characters: the deck shows it beside the number)."""
    better: Literal["more", "fewer"] | None = Field(default=None, examples=["fewer"])
    """Whether more or fewer is better. Defaults: more true positives and true negatives,
    fewer false positives and false negatives; `acted` and `not_acted` must say."""
    target: Number | None = Field(default=None, ge=0, examples=[60])
    """The count per period the business aims for (at most, or at least, by `better`)."""
    today: Number | None = Field(default=None, ge=0, examples=[0])
    """Today's count per period, when today's process is not the baseline rung acting at
    the same gate (0 when nothing is automated today, say). Without it, today is the
    baseline rung's count, computed from its predictions."""


class Outcome(Model):
    """What the product counts, how many cases a period brings, and what each kind means."""

    volume: Number = Field(gt=0, examples=[1500])
    """Cases per period in production; the test split's shares are scaled to it."""
    unit: Text = Field(max_length=30, examples=["aspirates"])
    """What one case is, as a plural noun (at most 30 characters)."""
    period: Text = Field(default="month", max_length=30, examples=["month"])
    """The period `volume`, `target` and `today` are counted over (at most 30 characters)."""
    gate: Number | None = Field(default=None, examples=[0.8])
    """Multiclass: the confidence at or above which the product acts; regression: the
    predicted value at or above which it acts. A binary task uses the operating threshold."""
    counts: list[OutcomeCount] = Field(min_length=1, max_length=3)
    """One to three kinds of result, the one that matters most first: the deck's results
    slide charts the first, and its answer slide shows all of them."""
