"""The facts: everything renderers may show, computed and formatted once.

`facts.json` is this model serialised. Its shape is versioned by
`FACTS_VERSION` (major.minor): a minor bump only adds keys.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FACTS_VERSION = "1.5"


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Num(_Fact):
    """A number with its two renderings: `text` for the staff DS report, `text_pm` for the deck."""

    value: float | None
    text: str
    text_pm: str


class IntervalFact(_Fact):
    low: float
    high: float
    level: float
    text: str
    """e.g. `81.2%–84.9%`."""
    text_pm: str
    method: Literal["reported", "wilson", "bootstrap", "exact", "normal"]
    """exact: Clopper-Pearson (McNemar's discordant pairs); normal: unpaired, from two
    standard errors."""


class ShownFact(_Fact):
    """Values shown side by side (ours, today, a target, the change), each printed at one
    precision so that the change is the difference of the printed values and values that
    differ never print alike (`dsreport.analyse.format.fmt_group`)."""

    text: dict[str, str]
    """For the staff DS report, by key (`ours`, `today`, `target`, `change`, ...)."""
    text_pm: dict[str, str]
    """For the deck: the report's strings rounded again, as far as the rule allows."""


class MetricFact(_Fact):
    name: str
    label: str
    """Display name for the staff DS report."""
    label_pm: str
    """Plain-language name for the deck."""
    value: Num
    interval: IntervalFact | None = None
    direction: Literal["higher_is_better", "lower_is_better"]
    target: Num | None = None
    target_met: bool | None = None
    """None when there is no target."""
    split: str
    slice_key: str | None = None
    slice_value: str | None = None
    rung: str
    threshold: float | None = None
    n: int | None = None
    source: Literal["reported", "computed"]


class HeadlineFact(_Fact):
    metric: MetricFact
    baseline: Num | None = None
    """The baseline rung's value of the same metric."""
    delta: Num | None = None
    """Chosen minus baseline; percentage points for rates."""
    success_levels: dict[str, Num] = Field(default_factory=dict)
    """optimal / acceptable / worst_case from the operator view, formatted."""
    level_reached: Literal["optimal", "acceptable", "below_acceptable", "below_worst"] | None = None
    level_secured: bool | None = None
    """Whether the interval's far end also reaches the acceptable level (None: no interval
    or no level): a value at the level whose range falls short could fall short of it."""
    shown: ShownFact | None = None
    """The value, the baseline's, the target, the change and the success levels, printed
    together (keys `ours`, `today`, `target`, `change`, `optimal`, `acceptable`,
    `worst_case`)."""


class CrossValidationFact(_Fact):
    """One metric's cross-validation scores for a rung, as the bundle gives them."""

    metric: str
    mean: Num
    std: Num
    """Spread of the fold scores (their standard deviation)."""
    folds: int
    text: str
    """e.g. `79.0% ± 3.0 pts over 5 folds`."""


class RungFact(_Fact):
    id: str
    name: str
    kind: str
    decision: str
    reason: str
    chosen: bool
    baseline: bool
    headline: Num | None = None
    decision_value: Num | None = None
    """The rung's value of the decision metric (`Facts.decision_metric`), test split."""
    latency_ms: Num | None = None
    """Per request; `text` adds the latency as the bundle gave it (unit, batch) when it differs."""
    cost: Num | None = None
    complexity: int = 0
    """Declared complexity: 0 heuristic, 1 simple, 2 complex."""
    simpler_than_chosen: bool = False
    """No more complex by kind, no slower and no costlier than the chosen rung (each where
    known), and strictly simpler on at least one of them (docs/analysis.md)."""
    more_complex_than_chosen: bool = False
    """The chosen rung is simpler than this one, by the same rule."""
    cv_metrics: dict[str, CrossValidationFact] = Field(default_factory=dict)
    """Cross-validation scores by metric name, when the bundle gives them."""


class ExampleFact(_Fact):
    id: str
    input: str
    model_output: str
    expected_output: str
    verdict: str
    severity: str
    note: str


class CategoryFact(_Fact):
    name: str
    count: int
    share: Num
    """Share of the reviewed examples that are wrong in this way."""
    share_interval: IntervalFact | None = None
    worst_severity: str | None = None
    examples: list[ExampleFact] = Field(default_factory=list)
    """Representative examples: the most severe first, at most three."""


class ReviewFact(_Fact):
    n: int
    representative: bool = True
    """False when the cases were not drawn at random: the error rate is then not the model's."""
    by_verdict: dict[str, int]
    judged: int | None = None
    """Cases with a verdict that judges the output (correct, partial, incorrect): the error
    rate's and the category shares' denominator. Ambiguous and not-applicable cases count
    in `n` and `by_verdict` only."""
    error_rate: Num | None = None
    error_interval: IntervalFact | None = None
    categories: list[CategoryFact] = Field(default_factory=list)
    correct_examples: list[ExampleFact] = Field(default_factory=list)
    """A few examples the model got right, for the deck."""
    sampling: str | None = None


class ComparisonFact(_Fact):
    """The chosen rung against another rung on one metric."""

    chosen: str
    other: str
    metric: str
    chosen_value: Num
    other_value: Num
    delta: Num
    interval: IntervalFact | None = None
    """Interval of the difference (chosen minus other)."""
    significant: bool | None = None
    """True when the difference's interval excludes zero; None when it cannot be told."""
    better: bool
    p_value: float | None = None
    """McNemar's exact test, for proportions at the threshold (accuracy, recall, specificity)."""
    p_value_text: str | None = None
    n: int
    method: str
    kind: Literal["paired", "unpaired", "not_comparable"] = "paired"
    """paired: both rungs on the same rows; unpaired: from both rungs' own uncertainty;
    not_comparable: too little is known of one side to test the difference."""
    discordant: list[int] | None = None
    """McNemar's discordant counts: [chosen right and other wrong, other right and chosen
    wrong], on the rows the proportion counts."""
    other_simpler: bool = False
    """The other rung is simpler than the chosen one (`RungFact.simpler_than_chosen`)."""
    decision_metric: bool = False
    """The comparison is on the decision metric."""
    targeted: bool = False
    """The metric has a target."""


class HoldBackCostFact(_Fact):
    """One overall figure with a target, before and after a group goes to the fallback,
    from counts (see `analyse.holdback`)."""

    name: str
    """The metric's name, or the outcome count's kind."""
    label: str
    label_pm: str
    over: Literal["all", "served", "period"]
    """all: a share of every test row (the share acted on); served: a rate over the rows
    the model still decides; period: an outcome count per period."""
    direction: Literal["higher_is_better", "lower_is_better"]
    count: int
    """Rows counted before (the value's numerator), and after."""
    count_after: int
    n: int
    """The denominator before, and after (test rows, or the rows still served)."""
    n_after: int
    before: Num
    after: Num
    target: Num
    met_before: bool
    met_after: bool


class HoldBackFact(_Fact):
    """What holding a group back costs: the rows it moves to the fallback, and every overall
    figure with a target that changes exactly."""

    group_n: int
    """The group's test rows."""
    moved: int | None = None
    """Test rows the product acted on that go to the fallback (None: not known)."""
    total: int
    """Test rows."""
    unit: str
    """What one case is (the outcome's unit, else `cases`)."""
    period: str | None = None
    """The outcome's period, which its counts are per."""
    costs: list[HoldBackCostFact] = Field(default_factory=list)

    @property
    def breaks(self) -> list[HoldBackCostFact]:
        """The targets met today that holding the group back would miss."""
        return [c for c in self.costs if c.met_before and not c.met_after]


class ConditionFact(_Fact):
    """One condition of a recommendation, with what it applies to and when to stop."""

    text: str
    """The condition in one or two sentences, naming its metric, group, size and threshold."""
    text_pm: str | None = None
    """The same condition in a PM's words, short enough for a slide (None: `text`)."""
    finding: str
    """Id of the finding the condition answers."""
    metric: str
    """Metric name the condition is about (`error_rate` for the review)."""
    rung: str | None = None
    slice: str | None = None
    """`key = value` of the group, when the condition is about one."""
    size: int | None = None
    """How many cases (of `size_unit`) the condition needs."""
    size_unit: str | None = None
    threshold: Num | None = None
    """The value the stop rule compares with."""
    stop_rule: str | None = None
    """When to stop (a pilot) or fall back, stated from the interval."""
    cost: HoldBackFact | None = None
    """For a group held back: what that does to the overall targets."""


class FindingFact(_Fact):
    """A check a senior reviewer would make, and what it found."""

    id: str
    """Stable identifier, e.g. `gain-inside-noise`."""
    severity: Literal["info", "warning", "critical"]
    title: str
    """A few words, for tables and slide bullets."""
    message: str
    """One line, with the numbers."""
    message_pm: str
    """The same in plain language for the deck."""
    evidence: dict[str, str] = Field(default_factory=dict)
    """The numbers behind it, formatted."""
    recommendation: str
    metric: str | None = None
    """The metric the finding is about, when it is about one."""
    rung: str | None = None
    slice: str | None = None
    condition: ConditionFact | None = None
    """What shipping with this finding open requires (warnings only)."""


class RecommendationFact(_Fact):
    decision: Literal["ship", "ship_with_conditions", "do_not_ship"]
    label: str
    """`Ship`, `Ship with conditions` or `Do not ship`."""
    colour: str
    reasons: list[str]
    conditions: list[str] = Field(default_factory=list)
    """The text of each of `terms`."""
    terms: list[ConditionFact] = Field(default_factory=list)
    """The conditions with their metric, group, size, threshold and stop rule."""
    rung: str = ""
    """Id of the rung the decision is about: the chosen rung, or a simpler one that does
    as well (then `instead_of` names the chosen rung)."""
    rung_name: str = ""
    instead_of: str | None = None
    decision_metric: str | None = None
    """The metric the call rests on (`Facts.decision_metric`)."""


class SliceFact(_Fact):
    key: str
    value: str
    n: int
    metric: MetricFact
    below_target: bool
    below_overall: bool
    """The slice's interval lies wholly below the overall value."""
    judged: bool
    """False when the slice is smaller than `slice_min_n` rows."""
    below_target_clearly: bool = False
    """The slice's whole interval is on the wrong side of the target."""
    decision_metric: bool = False
    """The slice fact is on the decision metric."""


class SliceSummaryFact(_Fact):
    """Per metric: how many judged slices fall short, and how many would by chance alone."""

    metric: str
    label: str
    judged: int
    below_target: int
    below_target_clearly: int
    expected_by_chance: float
    """Expected number of judged slices whose point estimate falls short of the target if
    every slice truly had the overall value (normal approximation from each slice's
    interval)."""
    text: str


class DecisionMetricFact(_Fact):
    """The metric the call rests on, and why."""

    name: str
    label: str
    label_pm: str
    headline: str
    """The bundle's headline metric."""
    moved: bool
    """True when the decision metric is not the headline (the headline misleads)."""
    reason: str
    target: Num | None = None


class BaselineFact(_Fact):
    """A trivial baseline the chosen rung must beat (majority class, mean predictor, ...)."""

    name: str
    """e.g. `majority class`, `training median`, `chance ranking`."""
    description: str
    """What the baseline does, e.g. "always predict 'benign'"."""
    metric: str
    value: Num
    chosen: Num
    beaten: bool
    """The chosen rung is better at the point estimate."""
    reliably: bool | None = None
    """The chosen rung's interval lies wholly on the better side; None without interval."""
    source: str
    """Which rows the baseline was fitted on (`training split` or `test split`)."""


class ChartsFact(_Fact):
    """Data for charts, exactly as drawn; renderers never derive their own."""

    roc: dict[str, list[list[float]]] = Field(default_factory=dict)
    """rung -> [[false positive rate, true positive rate], ...]."""
    pr: dict[str, list[list[float]]] = Field(default_factory=dict)
    """rung -> [[recall, precision], ...]."""
    calibration: dict[str, list[list[float]]] = Field(default_factory=dict)
    """Binary: rung -> [[bin low edge, mean score, observed positive rate, count, rate low,
    rate high], ...] over ten equal-count score bins (empty bins left out); low and high are
    the observed rate's 95% Wilson interval."""
    top_label_calibration: dict[str, list[list[float]]] = Field(default_factory=dict)
    """Multiclass with per-class probabilities: rung -> [[bin low edge, mean top-class
    probability, share of rows whose top class is the true one, count, share low, share
    high], ...] over ten equal-count bins of the top-class probability (empty bins left
    out), with the share's 95% Wilson interval."""
    operating_points: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """rung -> where it operates. Binary: {threshold, fpr, tpr, precision} at the operating
    threshold; multiclass with a confidence gate (the chosen rung): {threshold, n, covered,
    errors, coverage, error_rate}; each with `*_text` renderings."""
    coverage: dict[str, list[list[float]]] = Field(default_factory=dict)
    """rung -> [[confidence, coverage, error rate among the covered], ...] from the most
    confident case down (multiclass with per-class scores): what each gate trades."""
    confusion: dict[str, Any] | None = None
    """{labels, matrix (rows: truth, columns: prediction), threshold}."""
    per_class: list[dict[str, Any]] = Field(default_factory=list)
    """{class, precision, recall, f1, support, *_interval ([low, high] at 95%, or None where
    undefined: Wilson for precision and recall, bootstrap for F1), and *_text and
    *_interval_text renderings}."""
    residuals: dict[str, Any] | None = None
    """{quantiles, zero_targets, points: [[actual, predicted], ...]}."""


class BudgetFact(_Fact):
    """A budget from the operator view against what was measured."""

    name: Literal["latency", "cost"]
    budget: Num | None
    measured: Num | None
    source: str
    """Where the measured value comes from: the operator view or the chosen rung."""
    within: bool | None
    """None when either side is unknown."""


class DataFact(_Fact):
    test_n: int | None = None
    class_counts: dict[str, int] = Field(default_factory=dict)
    minority_share: Num | None = None
    threshold: float | None = None
    split_class_counts: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Classification: class counts per split of the predictions table."""
    shared_ids: int | None = None
    """Ids of test rows that also appear in another split (None: not checked)."""
    shared_feature_rows: int | None = None
    """Test rows whose input-field values equal a row of another split (None: not checked)."""


class ProblemFact(_Fact):
    severity: str
    file: str
    line: int | None
    key: str | None
    message: str
    hint: str | None


class DistributionFact(_Fact):
    """The chosen rung's output on the test split: the reference production is compared with."""

    quantity: Literal["score", "confidence", "prediction"]
    """score: positive-class score (binary); confidence: top class probability (multiclass);
    prediction: predicted value (regression)."""
    rung: str
    n: int
    quantiles: dict[str, Num]
    """p05, p25, p50, p75, p95."""
    edges: list[float]
    """Inner bin edges (deciles) for the population stability index; a value v falls in
    bin i when edges[i-1] <= v < edges[i]."""
    shares: list[float]
    """Share of the test rows in each bin (one more than `edges`)."""
    psi_alert: Num
    """Population stability index against `shares` above which to alert (`drift_psi`)."""


class RateBandFact(_Fact):
    """The share of test rows with one output, and the band a production window stays in."""

    output: str
    """`positive` (binary: score at or above the threshold) or a class label."""
    count: int
    n: int
    rate: Num
    low: Num
    high: Num
    """The band: rate ± z·sqrt(rate·(1 − rate)·(1/n + 1/window)), clipped to [0, 1]."""
    band_text: str
    window: int
    """Window size (requests) the band is for: the test split's size."""
    level: float


class SettingRowFact(_Fact):
    """The decision metrics of the chosen rung on the test split at one value of a setting."""

    value: float
    text: str
    default: bool
    """True for the setting's documented default (the value every metric was computed at)."""
    flagged: Num
    """Share of test rows at or above the value (binary: positive; multiclass: entered
    automatically; regression: flagged)."""
    metrics: dict[str, Num]
    """binary: recall, precision, specificity; multiclass: accuracy of the rows at or above
    the gate, error_rate (wrong and at or above, over all rows); regression: recall and
    precision of flagging the rows whose true value is at or above the default."""
    counts: dict[str, int]
    """The counts behind them (binary: tp, fp, fn, tn)."""


class SettingFact(_Fact):
    """A setting the engineers may move, and what moving it does on the test split."""

    name: str
    default: float
    quantity: Literal["score", "confidence", "prediction"]
    """What the setting is compared with: the positive-class score (binary), the top
    class's probability (multiclass) or the predicted value (regression)."""
    step: float
    rows: list[SettingRowFact]
    """Nearby values, ascending, the default among them."""


class FeatureFact(_Fact):
    """One request field's reference on the test split: its distribution and missing rate."""

    field: str
    kind: Literal["numeric", "category"]
    n: int
    """Test rows with a value."""
    quantiles: dict[str, Num] = Field(default_factory=dict)
    """p05, p25, p50, p75, p95 (numeric)."""
    edges: list[float] = Field(default_factory=list)
    """Inner bin edges (deciles) for the population stability index (numeric)."""
    categories: list[str] = Field(default_factory=list)
    """The bins of a category field: each value seen or allowed (category)."""
    shares: list[float]
    """Share of the test rows with a value in each bin."""
    psi_alert: Num
    missing: RateBandFact
    """The share of test rows without a value, and the band a production window stays in."""


class GoldenSideFact(_Fact):
    name: str
    default: float
    below: int
    above: int
    """Golden rows at or above the default."""
    nearest_below: float | None = None
    nearest_above: float | None = None


class GoldenFact(_Fact):
    """How the golden set covers the settings and the category outputs."""

    n: int
    settings: list[GoldenSideFact] = Field(default_factory=list)
    classes: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Category output field -> value -> golden rows."""


class OperationsFact(_Fact):
    """Throughput, and the references production monitoring compares with."""

    throughput: Num | None = None
    """Requests per second one single-threaded worker serves at the measured latency."""
    distribution: DistributionFact | None = None
    rates: list[RateBandFact] = Field(default_factory=list)
    reject_alert: Num
    """Share of requests failing the input contract above which to alert (`max_reject_share`)."""
    settings: list[SettingFact] = Field(default_factory=list)
    """Each setting at nearby values, for the handoff's table."""
    features: list[FeatureFact] = Field(default_factory=list)
    """Per request field references, from the prediction columns named after input fields."""
    golden: GoldenFact | None = None


class OutcomeCountFact(_Fact):
    """One kind of result the product counts, per period: ours, today's, the target."""

    kind: str
    """`acted`, `not_acted`, `true_positive`, `false_positive`, `false_negative` or
    `true_negative` (see the bundle's `ecosystem.outcome.counts`)."""
    means: str
    """The business's words for these cases."""
    better: Literal["more", "fewer"]
    count: int
    """Cases of this kind among the chosen rung's test rows."""
    n: int
    """Test rows."""
    ours: Num
    """Per period: the test split's share scaled to the volume."""
    interval: IntervalFact | None = None
    """95% Wilson interval of the share, scaled to the volume."""
    today: Num | None = None
    today_interval: IntervalFact | None = None
    today_source: Literal["baseline", "declared"] | None = None
    """baseline: the baseline rung's count at the same gate; declared: the bundle's own."""
    change: Num | None = None
    """Ours minus today, per period."""
    change_interval: IntervalFact | None = None
    """95% interval of the change: a paired bootstrap over the test rows when today is the
    baseline rung's; ours shifted by the declared figure otherwise."""
    target: Num | None = None
    target_met: bool | None = None
    target_secured: bool | None = None
    """True when the whole interval is on the right side of the target."""
    shown: ShownFact
    """`ours`, `today`, `target` and `change` printed together."""
    by_rung: dict[str, Num] = Field(default_factory=dict)
    """Per period, for every rung with predictions, by rung id."""


class OutcomeFact(_Fact):
    """The business outcome: what the product counts per period, computed from the
    predictions for the chosen rung and today's process, against the target."""

    unit: str
    """What one case is (`aspirates`)."""
    period: str
    volume: Num
    """Cases per period in production."""
    gate: float
    gate_text: str
    """When the product acts, in words (`score is at or above 0.2`)."""
    rung: str
    """The rung the recommendation is about (the chosen rung, or a simpler one preferred)."""
    baseline: str
    n: int
    """Test rows the shares come from."""
    counts: list[OutcomeCountFact]


class RowsFact(_Fact):
    """The chosen rung's output on every test row, so that a later review can compare its
    model with this one on the same rows (`dsreport build --since`, docs/analysis.md)."""

    rung: str
    ids: list[str]
    truth: list[str | float | None]
    """The true class label (classification) or value (regression), row by row."""
    output: list[str | float | None]
    """The rung's score (binary), predicted label (multiclass) or predicted value."""
    threshold: float | None = None
    """The operating threshold the scores were judged at (binary)."""


class Facts(_Fact):
    facts_version: str = FACTS_VERSION
    dsreport_version: str
    slug: str
    bundle_digest: str
    """SHA-256 over dsreport.yaml and every file it names."""
    build_date: str
    """ISO date the outputs carry (SOURCE_DATE_EPOCH when set, else project.date)."""
    task: str
    statement: str
    """The ecosystem statement as one sentence."""
    headline: HeadlineFact | None = None
    metrics: list[MetricFact] = Field(default_factory=list)
    ladder: list[RungFact] = Field(default_factory=list)
    review: ReviewFact | None = None
    decision_metric: DecisionMetricFact | None = None
    """The metric comparisons, slices and the recommendation rest on."""
    comparisons: list[ComparisonFact] = Field(default_factory=list)
    """The chosen rung against every other rung, on the decision metric and every metric with
    a target: decision metric first."""
    baselines: list[BaselineFact] = Field(default_factory=list)
    """Trivial baselines (from the predictions) on the decision metric and targeted metrics."""
    slices: list[SliceFact] = Field(default_factory=list)
    """Per slice value, on the decision metric and every metric with a target."""
    slice_summary: list[SliceSummaryFact] = Field(default_factory=list)
    charts: ChartsFact = Field(default_factory=ChartsFact)
    data: DataFact = Field(default_factory=DataFact)
    findings: list[FindingFact] = Field(default_factory=list)
    """Most severe first."""
    recommendation: RecommendationFact | None = None
    budgets: list[BudgetFact] = Field(default_factory=list)
    operations: OperationsFact | None = None
    """Throughput and the monitoring references the handoff ships."""
    outcome: OutcomeFact | None = None
    """The business outcome per period, when the bundle declares what the product counts."""
    environment: dict[str, str] = Field(default_factory=dict)
    """Python and library versions the facts were computed with."""
    checks: dict[str, float] = Field(default_factory=dict)
    """The check thresholds in force (defaults merged with the bundle's overrides)."""
    warnings: list[ProblemFact] = Field(default_factory=list)
    bundle: dict[str, Any]
    """The normalised bundle: dsreport.yaml with defaults filled and prose files inlined."""
    test_rows: RowsFact | None = None
    """The chosen rung's test predictions row by row (up to 100,000 rows), kept so a later
    review can pair its metrics with these."""
    since: SinceFact | None = None
    """What changed since the last review (`--since`)."""


# the comparison's facts build on the ones above; Facts holds them, so it is built after
from dsreport.analyse.since.model import SinceFact  # noqa: E402

Facts.model_rebuild()
