"""What every check reads, and the one way a finding is made."""

from __future__ import annotations

from dataclasses import dataclass, field

from dsreport.analyse.facts import (
    BaselineFact,
    BudgetFact,
    ComparisonFact,
    ConditionFact,
    DataFact,
    DecisionMetricFact,
    FindingFact,
    HeadlineFact,
    MetricFact,
    OutcomeFact,
    ReviewFact,
    RungFact,
    SliceFact,
    SliceSummaryFact,
)
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec
from dsreport.vocabulary import BINARY_METRICS, MULTICLASS_METRICS

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
ABSOLUTE = {"brier", "ece"}  # bounded losses: compared in absolute terms like rates
BOUNDED = (
    (frozenset(BINARY_METRICS) - {"log_loss", "brier", "ece"})
    | frozenset(MULTICLASS_METRICS)
    | {"r2", "macro_roc_auc"}
)  # metrics that live in [0, 1], higher is better


@dataclass
class Context:
    spec: BundleSpec
    checks: CheckThresholds
    headline: HeadlineFact | None
    metrics: list[MetricFact]
    comparisons: list[ComparisonFact]
    slices: list[SliceFact]
    review: ReviewFact | None
    ladder: list[RungFact]
    minority_share: float | None
    reported_differs: list[tuple[MetricFact, MetricFact]]
    decision: DecisionMetricFact | None = None
    chosen_overall: dict[str, MetricFact] = field(default_factory=dict)
    """The chosen rung's test-split overall value of every metric (computed, else reported)."""
    targets: dict[str, tuple[float, str]] = field(default_factory=dict)
    baselines: list[BaselineFact] = field(default_factory=list)
    slice_summary: list[SliceSummaryFact] = field(default_factory=list)
    data: DataFact = field(default_factory=DataFact)
    overall: dict[tuple[str, str], MetricFact] = field(default_factory=dict)
    """(rung, metric) -> test-split overall value, for every rung."""
    budgets: list[BudgetFact] = field(default_factory=list)
    outcome: OutcomeFact | None = None
    """The business outcome for the chosen rung."""

    def rung_name(self, rung_id: str) -> str:
        return next((r.name for r in self.ladder if r.id == rung_id), rung_id)

    @property
    def chosen(self) -> str:
        return self.spec.ladder.chosen

    @property
    def test_cases(self) -> int | None:
        """Rows of the test split: the predictions', else the most a metric was measured on."""
        most = max((m.n or 0 for m in self.chosen_overall.values()), default=0)
        return self.data.test_n or most or None

    @property
    def decision_name(self) -> str | None:
        return self.decision.name if self.decision else None

    def key_metrics(self) -> set[str]:
        """Metrics whose missed target stops a launch: the decision metric and the
        operator's success metric (unless the analysis moved away from it as misleading)."""
        keys = {self.decision_name} if self.decision_name else set()
        success = self.spec.operator_view.success_metric.metric
        if not (self.decision and self.decision.moved and success == self.decision.headline):
            keys.add(success)
        return {k for k in keys if k}


def finding(
    id: str,
    severity: str,
    title: str,
    message: str,
    message_pm: str,
    advice: str,
    *,
    metric: str | None = None,
    rung: str | None = None,
    slice: str | None = None,
    condition: ConditionFact | None = None,
    **evidence: str,
) -> FindingFact:
    return FindingFact(
        id=id,
        severity=severity,
        title=title,
        message=message,
        message_pm=message_pm,
        recommendation=advice,
        evidence={**evidence, "slice": slice} if slice else evidence,
        metric=metric,
        rung=rung,
        slice=slice,
        condition=condition if severity == "warning" else None,
    )
