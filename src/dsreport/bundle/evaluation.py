"""The model ladder and the interrogation: what was tried, and what the metrics say."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from dsreport.bundle.fields import Model, Number, TablePath, TableSource, Text
from dsreport.bundle.latency import LatencyValue, either
from dsreport.bundle.provenance import ModelReference
from dsreport.bundle.serving import SliceDefinition
from dsreport.vocabulary import VERDICTS, Verdict

MetricName = Annotated[Text, StringConstraints(pattern=r"\S")]
"""A metric's name as a key (`metrics`, `train_metrics`, `cv_metrics`): not blank, as
`Metric.name`."""

Direction = Literal["higher_is_better", "lower_is_better"]
MAX_CLASSES = 100
"""Most classes a bundle may declare: every bootstrap resamples a classes x classes matrix."""
RESAMPLES = (100, 10_000)
"""Fewest and most `checks.bootstrap_resamples`."""
RESAMPLE_CELLS = 10_000_000
"""Most `bootstrap_resamples` x classes squared: the cells one bootstrap draws."""


class CrossValidation(Model):
    """One metric's cross-validation scores, summarised over the folds."""

    mean: Number = Field(examples=[0.79])
    """Mean of the fold scores."""
    std: Number = Field(ge=0, examples=[0.03])
    """Standard deviation of the fold scores (their spread, as you computed it)."""
    folds: int = Field(ge=2, examples=[5])
    """Number of folds."""


class Rung(Model):
    """One model tried, from the heuristic baseline up."""

    id: Text = Field(pattern=r"^[A-Za-z0-9_.-]+$", examples=["gbm"])
    """Short identifier, used by `ladder.chosen` and the predictions table."""
    name: Text = Field(max_length=40, examples=["Gradient boosting"])
    """Display name (at most 40 characters: chart labels and table cells show it)."""
    kind: Literal["heuristic", "simple", "complex"] = Field(examples=["complex"])
    """heuristic (today's rules), simple or complex."""
    description: Text | None = Field(default=None, examples=["200 trees, depth 3."])
    """What the model is, in one line."""
    metrics: dict[MetricName, Number] = Field(default_factory=dict, examples=[{"recall": 0.81}])
    """Headline metrics of this rung on the test split, by metric name."""
    train_metrics: dict[MetricName, Number] = Field(
        default_factory=dict, examples=[{"recall": 0.86}]
    )
    """The same metrics on the training split, to show the train / test gap."""
    cv_metrics: dict[MetricName, CrossValidation] = Field(
        default_factory=dict, examples=[{"recall": {"mean": 0.79, "std": 0.03, "folds": 5}}]
    )
    """Cross-validation scores by metric name: mean, spread and number of folds. They tell
    how much the rung's score moves with the data when it has no predictions to test on."""
    latency_ms: Number | None = Field(default=None, ge=0, examples=[12])
    """Measured latency per request in milliseconds, at the operator view's percentile."""
    latency: LatencyValue | None = Field(
        default=None, examples=[{"value": 1.2, "unit": "s", "batch_size": 256}]
    )
    """The measured latency in its own unit and batch size, instead of `latency_ms`; read
    once as milliseconds per request (`value / batch_size`)."""
    cost: Number | None = Field(default=None, ge=0, examples=[80])
    """Running cost, in the operator view's cost unit."""
    decision: Literal["kept", "dropped", "chosen"] = Field(examples=["chosen"])
    """kept, dropped or chosen."""
    reason: Text = Field(examples=["Best recall within budget."])
    """Why it was kept, dropped or chosen."""
    score_column: Text | None = Field(default=None, examples=["score_gbm"])
    """Predictions column of this rung: the positive-class score (binary), the predicted
    label (multiclass) or the predicted value (regression)."""
    proba_prefix: Text | None = Field(default=None, examples=["proba_gbm_"])
    """Multiclass: columns `<prefix><class>` hold this rung's per-class probabilities, one per
    declared class, each in [0, 1], each row summing to 1 (within ±0.01; renormalised). They
    give top-k accuracy, macro ROC AUC, log loss, Brier score and top-label calibration."""
    model: ModelReference | None = None
    """The rung's model file, referenced by URI and SHA-256 (`dsreport import mlflow`)."""

    @model_validator(mode="after")
    def _per_request(self) -> Rung:
        self.latency_ms = either(self.latency_ms, self.latency, "latency_ms", "latency")
        return self


class Ladder(Model):
    """Start simple, earn complexity."""

    rungs: list[Rung] = Field(min_length=1)
    """The rungs, simplest first."""
    chosen: Text = Field(examples=["gbm"])
    """Id of the rung that ships."""
    baseline: Text = Field(examples=["rules"])
    """Id of the rung everything is compared with (usually today's heuristic)."""


class SliceRef(Model):
    key: Text = Field(examples=["plan"])
    """Slice column or dimension."""
    value: Text = Field(examples=["monthly"])
    """Value of the slice."""


class Interval(Model):
    low: Number = Field(examples=[0.78])
    """Lower bound."""
    high: Number = Field(examples=[0.84])
    """Upper bound."""
    level: Number = Field(default=0.95, gt=0, lt=1, examples=[0.95])
    """Confidence level."""


class Metric(Model):
    """One reported metric value (precomputed; metrics from predictions are added at analysis)."""

    name: Text = Field(pattern=r"\S", examples=["recall"])
    """Metric name; known names (recall, roc_auc, mae, ...) get plain-language labels."""
    value: Number = Field(examples=[0.81])
    """The value, as a number (`0.83`, or `83%`)."""
    direction: Direction = Field(default="higher_is_better", examples=["higher_is_better"])
    """Whether higher or lower values are better."""
    target: Number | None = Field(default=None, examples=[0.75])
    """The value to reach."""
    split: Text = Field(default="test", examples=["test"])
    """Split the value was measured on."""
    slice: SliceRef | None = None
    """Absent for the overall value."""
    interval: Interval | None = None
    """Confidence interval, when known."""
    headline: bool = Field(default=False, examples=[True])
    """The one metric the story is told with (at most one per bundle)."""
    rung: Text | None = Field(default=None, examples=["gbm"])
    """Rung the value belongs to; the chosen rung when absent."""
    threshold: Number | None = Field(default=None, examples=[0.5])
    """Decision threshold the value was measured at, for threshold-dependent metrics."""
    n: int | None = Field(default=None, ge=0, examples=[2000])
    """Number of rows the value was measured on."""


class Predictions(Model):
    """A table of per-row predictions to compute metrics from. Columns named after a
    request field (`system_design.inputs`) hold that row's request value: they give the
    handoff's monitoring its per-field reference distributions and missing rates."""

    path: TableSource = Field(examples=["data/predictions.csv"])
    """CSV or Parquet file in the bundle, or a folder of Parquet files, or a glob such as
    `data/predictions/*.parquet` (one folder level per `*`): read as one table."""
    id_column: Text = Field(default="id", examples=["id"])
    """Column with the row identifier (read as text)."""
    label_column: Text = Field(default="label", examples=["label"])
    """Column with the true label or value."""
    split_column: Text | None = Field(default=None, examples=["split"])
    """Column naming each row's split; all rows are test rows when absent."""
    slice_columns: list[Text] = Field(default_factory=list, examples=[["plan", "region"]])
    """Columns whose values define slices; metrics are computed per value."""
    missing_values: list[Text] = Field(default_factory=list, examples=[[""]])
    """Cell values read as missing. Nothing is missing unless listed (so 'NA' stays text)."""
    slice_definitions: list[SliceDefinition] = Field(default_factory=list)
    """How each slice column follows from a request field, so monitoring can slice too."""
    format: Literal["rows", "statistics"] = Field(default="rows", examples=["statistics"])
    """`rows`: one row per prediction. `statistics`: the table of sufficient statistics an
    SQL engine computed from the rows, in the task's own format (docs/analysis.md, "The
    statistics table"); the columns above then name the rows' columns the statistics were
    grouped by."""


class ReviewedExamples(Model):
    """Cases a person looked at. Columns: id, input, model_output, expected_output, verdict,
    error_category, severity, note."""

    path: TablePath = Field(examples=["data/reviewed.csv"])
    """CSV or Parquet file in the bundle."""
    sampling: Text | None = Field(default=None, examples=["200 drawn at random from the test set"])
    """How the reviewed cases were chosen."""
    verdict_map: dict[str, Verdict] = Field(
        default_factory=dict,
        examples=[{"ok": "correct", "wrong": "incorrect", "unsure": "ambiguous"}],
    )
    """Your own verdict words (any case), each mapped onto one of dsreport's: correct,
    incorrect, partial, ambiguous, not_applicable. A known word may be remapped too."""
    random_sample: bool = Field(default=True, examples=[False])
    """Whether the cases are a random sample of the model's outputs. If not (all errors
    plus some successes, say) their error rate is not the model's and is not shown as such."""

    def verdicts(self) -> dict[str, str]:
        """Every verdict word the table may hold, lower-cased, with the verdict it counts as."""
        words = {v: v for v in VERDICTS}
        words.update({k.strip().lower(): v for k, v in self.verdict_map.items()})
        return words


class Interrogation(Model):
    """Metrics, predictions and reviewed examples."""

    threshold: Number | None = Field(default=None, ge=0, le=1, examples=[0.5])
    """Operating threshold for binary scores; every threshold-dependent metric uses it."""
    positive_label: Text | None = Field(default=None, examples=["1"])
    """Label of the positive class (binary)."""
    classes: list[Text] = Field(default_factory=list, max_length=MAX_CLASSES, examples=[["0", "1"]])
    """Declared class labels (classification, at most 100); labels outside them are errors."""
    top_k: int = Field(default=3, ge=1, examples=[3])
    """k of top-k accuracy (multiclass, when per-class scores are given)."""
    seed: int = Field(default=20240101, ge=0, examples=[20240101])
    """Seed for every bootstrap, so results are reproducible."""
    metrics: list[Metric] = Field(default_factory=list)
    """Precomputed metric values (overall, per split, per slice)."""
    predictions: Predictions | None = None
    """Per-row predictions to compute metrics from."""
    reviewed_examples: ReviewedExamples | None = None
    """Cases a person looked at."""

    @property
    def operating_threshold(self) -> float:
        """The threshold every threshold-dependent metric uses: 0.5 when none is given
        (validation warns about that)."""
        return self.threshold if self.threshold is not None else 0.5

    checks: dict[str, Number] = Field(default_factory=dict, examples=[{"min_review_n": 50}])
    """Overrides of the analysis checks' thresholds, by name."""
