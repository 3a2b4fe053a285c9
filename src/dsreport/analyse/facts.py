"""The facts: everything renderers may show, computed and formatted once.

`facts.json` is this model serialised. Its shape is versioned by
`FACTS_VERSION` (major.minor): a minor bump only adds keys.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FACTS_VERSION = "1.0"


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
    method: Literal["reported", "wilson", "bootstrap"]


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


class RungFact(_Fact):
    id: str
    name: str
    kind: str
    decision: str
    reason: str
    chosen: bool
    baseline: bool
    headline: Num | None = None
    latency_ms: Num | None = None
    cost: Num | None = None


class CategoryFact(_Fact):
    name: str
    count: int
    share: Num
    """Share of the reviewed examples that are wrong in this way."""
    worst_severity: str | None = None


class ReviewFact(_Fact):
    n: int
    by_verdict: dict[str, int]
    error_rate: Num | None = None
    error_interval: IntervalFact | None = None
    categories: list[CategoryFact] = Field(default_factory=list)
    sampling: str | None = None


class ProblemFact(_Fact):
    severity: str
    file: str
    line: int | None
    key: str | None
    message: str
    hint: str | None


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
    warnings: list[ProblemFact] = Field(default_factory=list)
    bundle: dict[str, Any]
    """The normalised bundle: dsreport.yaml with defaults filled and prose files inlined."""
