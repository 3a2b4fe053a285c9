"""The first three parts of a bundle: ecosystem, operator view and system design."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from dsreport.bundle.fields import CodePath, ImagePath, Model, Number, Prose, Text
from dsreport.bundle.latency import LatencyValue, either
from dsreport.bundle.serving import GoldenSet, ModelArtifacts, Outcomes, Setting

FieldType = Literal["integer", "number", "string", "boolean", "category", "datetime", "array"]


class Statement(Model):
    """'[product] aims to improve [feature] for [for_product] in [system]. It will improve
    [improves]. We expect to achieve [achieve], increase [increase] and reduce [reduce].'"""

    product: Text = Field(examples=["Churn radar"])
    """The product or model's name, as the business knows it."""
    feature: Text = Field(examples=["early churn detection"])
    """The feature it improves."""
    for_product: Text = Field(examples=["the retention desk"])
    """The product or team the feature serves."""
    in_system: Text = Field(examples=["the CRM"])
    """The system it lives in."""
    improves: Text = Field(examples=["how early agents reach at-risk customers"])
    """What gets better, in one phrase."""
    achieve: Text = Field(examples=["contact 80% of churners a month ahead"])
    """The outcome expected, in the business's own units."""
    increase: Text | None = Field(default=None, examples=["retained revenue"])
    """What goes up."""
    reduce: Text | None = Field(default=None, examples=["hours of manual list review"])
    """What goes down."""

    def sentence(self) -> str:
        text = (
            f"{self.product} aims to improve {self.feature} for {self.for_product} in "
            f"{self.in_system}. It will improve {self.improves}. "
            f"We expect to achieve {self.achieve}"
        )
        extras = []
        if self.increase:
            extras.append(f"increase {self.increase}")
        if self.reduce:
            extras.append(f"reduce {self.reduce}")
        if extras:
            text += ", " + " and ".join(extras)
        return text + "."


class Ecosystem(Model):
    """The problem today, who uses the model, and what 'better' means for the business."""

    problem: Prose = Field(examples=["prose/problem.md"])
    """The problem as it stands today (inline Markdown or a path to a `.md` file)."""
    current_process: Prose = Field(examples=["Agents sort a weekly export by contract end date."])
    """How it is solved now: the baseline process."""
    users: Prose = Field(examples=["Retention agents; their call list is ranked by risk."])
    """Who will use the model and how their daily work changes."""
    business_value: Prose = Field(examples=["Each retained customer is worth 40 EUR a month."])
    """What 'better' means in business terms."""
    statement: Statement
    """The one-sentence statement the ecosystem ends in."""


class SuccessMetric(Model):
    """The metric the operator judges success by, with its three levels."""

    metric: Text = Field(examples=["recall"])
    """Name of a metric in `interrogation.metrics` (or computed from predictions)."""
    optimal: Number = Field(examples=[0.9])
    """The value at which nobody would ask for more."""
    acceptable: Number = Field(examples=[0.75])
    """The value the product can ship with."""
    worst_case: Number = Field(examples=[0.6])
    """Below this the model does more harm than the current process."""
    unit: Text | None = Field(default=None, examples=["share of churners caught"])
    """How to say the metric in plain words."""

    @model_validator(mode="after")
    def _ordered(self) -> SuccessMetric:
        values = (self.worst_case, self.acceptable, self.optimal)
        if not (values == tuple(sorted(values)) or values == tuple(sorted(values, reverse=True))):
            raise ValueError("optimal, acceptable and worst_case must be in order")
        return self


class Latency(Model):
    """How long a user can wait."""

    latency_class: Literal["real_time", "seconds", "minutes", "batch"] = Field(
        alias="class", examples=["seconds"]
    )
    """real_time (under 100 ms), seconds, minutes or batch."""
    budget_ms: Number | None = Field(default=None, gt=0, examples=[300])
    """Latency budget per request in milliseconds."""
    budget: LatencyValue | None = Field(
        default=None, examples=[{"value": 20, "unit": "min", "batch_size": 10000}]
    )
    """The budget in its own unit and batch size, instead of `budget_ms`; read once as
    milliseconds per request (`value / batch_size`)."""
    percentile: Literal["p50", "p90", "p95", "p99"] = Field(default="p95", examples=["p95"])
    """Which percentile the budget applies to."""
    measured_ms: Number | None = Field(default=None, ge=0, examples=[42])
    """Measured latency of the chosen model at that percentile (else taken from the ladder)."""
    measured: LatencyValue | None = Field(
        default=None, examples=[{"value": 1.2, "unit": "s", "batch_size": 256}]
    )
    """The measured latency in its own unit and batch size, instead of `measured_ms`."""
    schedule: Text | None = Field(default=None, examples=["Nightly at 02:00 UTC"])
    """When a batch runs (class `batch`): the handoff's batch interface quotes it."""

    @model_validator(mode="after")
    def _per_request(self) -> Latency:
        self.budget_ms = either(self.budget_ms, self.budget, "budget_ms", "budget")
        self.measured_ms = either(self.measured_ms, self.measured, "measured_ms", "measured")
        if self.budget_ms is not None and self.budget_ms <= 0:
            raise ValueError("the latency budget must be above 0 ms")
        return self


class Cost(Model):
    """What the model may cost to run; every key is optional."""

    budget: Number | None = Field(default=None, ge=0, examples=[500])
    """Running-cost budget, in `unit`; without one, cost is shown but not judged."""
    unit: Text = Field(default="USD per month", examples=["EUR per month"])
    """Currency and period of every cost in the bundle."""
    measured: Number | None = Field(default=None, ge=0, examples=[120])
    """Measured cost of the chosen model (else taken from the ladder)."""


class FailureMode(Model):
    """One way the system can fail, and what happens then."""

    name: Text = Field(examples=["Scoring service unavailable"])
    """Short name."""
    impact: Text = Field(examples=["The call list is not refreshed."])
    """What users see or lose."""
    fallback: Literal["rules", "ask_user", "no_result", "cached", "other"] = Field(
        examples=["rules"]
    )
    """What the system does instead."""
    detail: Text | None = Field(default=None, examples=["Rank by contract end date."])
    """How the fallback works."""


class OperatorView(Model):
    """Success as the operator sees it: metric levels, time, money, failure."""

    success_metric: SuccessMetric
    """The metric success is judged by, with its three levels."""
    latency: Latency
    """How long a user can wait."""
    cost: Cost = Field(default_factory=Cost, examples=[{"budget": 500, "unit": "EUR per month"}])
    """What the model may cost to run (leave it out when cost does not matter or is unknown)."""
    failure_modes: list[FailureMode] = Field(default_factory=list)
    """Every failure mode you know of."""
    fallback: Prose = Field(examples=["Fall back to the contract-end-date list."])
    """The fallback behaviour as a whole."""
    safest_default: Text = Field(examples=["Show no risk score; keep today's list."])
    """What the system does when in doubt."""
    outcomes: Outcomes | None = None
    """Where production's true outcomes come from, and their delay (for metric floors)."""


class Constraints(Model):
    """Constraints on a contract field; they become the engineers' JSON Schema."""

    minimum: Number | None = Field(default=None, examples=[0])
    """Smallest allowed value."""
    maximum: Number | None = Field(default=None, examples=[120])
    """Largest allowed value."""
    allowed: list[Text] | None = Field(default=None, examples=[["monthly", "yearly"]])
    """The allowed values of a category field."""
    pattern: Text | None = Field(default=None, examples=["^C[0-9]{6}$"])
    """A regular expression a string must match."""
    max_length: int | None = Field(default=None, ge=0, examples=[64])
    """Longest allowed text, in characters."""
    nullable: bool = Field(default=False, examples=[False])
    """Whether `null` is a valid value."""
    min_items: int | None = Field(default=None, ge=0, examples=[64])
    """Fewest items of an array field."""
    max_items: int | None = Field(default=None, ge=0, examples=[64])
    """Most items of an array field."""


class ContractField(Model):
    """One typed input or output field."""

    name: Text = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", examples=["tenure_months"])
    """Field name: a valid identifier, used as is in the contract."""
    type: FieldType = Field(examples=["integer"])
    """Value type in the contract."""
    items: FieldType | None = Field(default=None, examples=["number"])
    """Type of each item, for an `array` field; `minimum`, `maximum`, `allowed`, `pattern`
    and `max_length` then apply to each item, `min_items` and `max_items` to the array."""
    description: Text = Field(examples=["Months since the first contract started."])
    """What the field means, in one sentence."""
    required: bool = Field(default=True, examples=[True])
    """Whether a request or response must carry the field."""
    unit: Text | None = Field(default=None, examples=["months"])
    """Unit of a numeric field."""
    example: Text | None = Field(default=None, examples=["14"])
    """An example value, as it would appear in a request."""
    constraints: Constraints = Field(default_factory=Constraints)
    """Bounds, allowed values, pattern, length, nullability."""


class DataSource(Model):
    name: Text = Field(examples=["CRM contracts"])
    """Name of the source."""
    description: Text | None = Field(default=None, examples=["One row per customer-month."])
    """What one row is, and anything unusual."""
    time_window: Text | None = Field(default=None, examples=["2024-01 to 2025-06"])
    """Period the data cover."""


class Split(Model):
    name: Text = Field(examples=["test"])
    """Split name, as used in metrics' `split`."""
    rows: int | None = Field(default=None, ge=0, examples=[2000])
    """Number of rows."""
    description: Text | None = Field(default=None, examples=["Last three months, held out."])
    """How the split was drawn."""


class DataConstruction(Model):
    """How training and test data were built."""

    description: Prose = Field(examples=["prose/data.md"])
    """How the data were built, in prose."""
    sources: list[DataSource] = Field(default_factory=list)
    """Where the data come from."""
    splits: list[Split] = Field(default_factory=list)
    """Train, validation and test splits."""
    leakage_guards: list[Text] = Field(
        default_factory=list, examples=[["Features frozen at the scoring date."]]
    )
    """What prevents information from the future or the label leaking in."""


class Diagram(Model):
    path: ImagePath = Field(examples=["img/architecture.png"])
    """Image file in the bundle."""
    caption: Text = Field(examples=["Where the score enters the call list."])
    """Caption printed under the image."""
    alt: Text = Field(examples=["Diagram: CRM export, scoring job, call list."])
    """Alternative text for screen readers."""


class CodeFile(Model):
    path: CodePath = Field(examples=["code/predict.py"])
    """Code file in the bundle."""
    role: Literal["inference", "features", "training", "other"] = Field(examples=["inference"])
    """What the code does."""


class Tolerance(Model):
    """How far the entry point's numeric outputs may be from the examples' expected values."""

    absolute: Number = Field(default=1e-6, ge=0, examples=[1e-6])
    """Largest allowed absolute difference."""
    relative: Number = Field(default=0, ge=0, examples=[1e-9])
    """Largest allowed difference relative to the expected value; either bound suffices."""


class SystemDesign(Model):
    """Inputs and outputs, model structure, data, metric choice."""

    inputs: list[ContractField] = Field(min_length=1)
    """Typed input fields: the request side of the engineers' contract."""
    outputs: list[ContractField] = Field(min_length=1)
    """Typed output fields: the response side of the contract."""
    model_structure: Prose = Field(examples=["Gradient-boosted trees on 20 features."])
    """The model's structure: algorithm, features, post-processing."""
    data: DataConstruction
    """How training and test data were built."""
    metric_choice: Prose = Field(examples=["Recall at a fixed call capacity, because ..."])
    """Which metrics train and evaluate the model, and why."""
    scores_are_probabilities: bool = Field(default=False, examples=[True])
    """Whether downstream users read the score as a probability (calibration matters)."""
    diagrams: list[Diagram] = Field(default_factory=list)
    """The bundle's own diagrams, shown in the staff DS report."""
    code: list[CodeFile] = Field(default_factory=list)
    """Code files handed to the engineers as they are."""
    entry_point: Text | None = Field(
        default=None, pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$", examples=["predict:predict"]
    )
    """`module:function` the handoff's contract test calls, relative to the code files:
    `function(request, **settings)`, plus `model=` the loaded model when `model` is given."""
    model: ModelArtifacts | None = None
    """The chosen rung's model files, copied and hashed (never loaded by dsreport)."""
    settings: list[Setting] = Field(default_factory=list)
    """Thresholds and gates the engineers may move, each with its documented default."""
    golden_set: GoldenSet | None = None
    """Test rows with the responses the shipped model must give them."""
    tolerance: Tolerance = Field(default_factory=Tolerance)
    """Tolerance of the handoff's contract test when it compares numeric outputs."""
