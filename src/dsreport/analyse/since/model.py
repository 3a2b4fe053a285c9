"""The facts of "since the last review": what changed between two builds, formatted once.

Kept apart from `analyse/facts.py` (which holds them as `Facts.since`) so that the
comparison's shape reads in one place; these are facts like any other: renderers only
select and lay them out.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dsreport.analyse.facts import ComparisonFact, Num, _Fact

Verdict = Literal["better", "worse", "inside_noise", "unchanged", "not_comparable"]


class PreviousFact(_Fact):
    """Which review this one is compared with."""

    source: Literal["pdf", "facts", "folder"]
    """What was given: the last review's PDF (its attached facts), its facts.json, or its
    output folder (the facts.json in it)."""
    file: str
    """File name the facts were read from (no folder: the path is the caller's)."""
    name: str
    """Project name of the last review."""
    version: str
    build_date: str
    bundle_digest: str
    facts_version: str
    dsreport_version: str
    recommendation: str
    """Its call, e.g. `Ship with conditions`."""


class MetricChangeFact(_Fact):
    """One metric of the chosen model, last review against this one, with the change's
    interval: paired on the same test rows when both builds have them, else unpaired."""

    metric: str
    label: str
    label_pm: str
    change: ComparisonFact
    """This review's model (`chosen`) against the last review's (`other`): `delta` is now
    minus before, `kind` says paired, unpaired or not comparable."""
    verdict: Verdict
    text: str
    """One line for the staff DS report, e.g. `Recall 91.4% → 95.3% (+3.9 pts, 95% interval
    +1.2 to +6.8 pts, paired): better, outside the noise`."""
    text_pm: str
    target: Num | None = None
    target_met_before: bool | None = None
    target_met_after: bool | None = None
    decision_metric: bool = False
    headline: bool = False
    targeted: bool = False


class FindingChangeFact(_Fact):
    """A finding of either review: raised (new), resolved (gone) or still open."""

    status: Literal["raised", "resolved", "open"]
    id: str
    severity: Literal["info", "warning", "critical"]
    """Its severity now (before, for a resolved finding)."""
    severity_before: Literal["info", "warning", "critical"] | None = None
    """For a finding still open: its severity in the last review."""
    title: str
    message: str
    """The message of this review (of the last one, for a resolved finding)."""
    message_pm: str
    escalated: bool = False
    """Still open, and more severe than in the last review."""


class ChangeFact(_Fact):
    """One change of the ladder, the design, the operator view, the data or the monitoring."""

    area: Literal[
        "ladder", "contract", "threshold", "budget", "operator", "data", "monitoring", "target"
    ]
    subject: str
    """What changed, e.g. `input field mean_radius`, `operating threshold`."""
    before: str | None = None
    """As it was (None: it did not exist)."""
    after: str | None = None
    """As it is now (None: it no longer exists)."""
    text: str
    """The change in one sentence."""
    breaking: bool | None = None
    """Contract changes: whether a client or consumer built against the last contract
    breaks (docs/analysis.md, Since the last review). None for other changes."""
    action: str | None = None
    """What an engineer must do about it (redeploy, update a client, re-monitor), if
    anything."""


class RecommendationChangeFact(_Fact):
    before: str
    """`ship`, `ship_with_conditions` or `do_not_ship`."""
    before_label: str
    before_colour: str
    after: str
    after_label: str
    after_colour: str
    changed: bool
    text: str
    """e.g. `Ship with conditions → Ship`, or `Ship with conditions, unchanged`."""


class SinceFact(_Fact):
    """What changed since the last review, and whether it matters."""

    previous: PreviousFact
    pairing: Literal["paired", "unpaired"]
    """Whether the metric changes are paired (the same test rows, scored by both models)."""
    pairing_reason: str
    """Why: e.g. `both reviews scored the same 228 test rows` or what prevents it."""
    verdict: str
    """One line: what changed and whether it matters, for the staff DS report."""
    verdict_pm: str
    """The same in plain words for the deck."""
    recommendation: RecommendationChangeFact
    metrics: list[MetricChangeFact] = Field(default_factory=list)
    """The chosen model's test metrics present in both reviews: the decision metric first,
    then the headline, then metrics with a target, then the rest."""
    findings: list[FindingChangeFact] = Field(default_factory=list)
    """Raised, then still open, then resolved; most severe first within each (escalated
    first among findings still open at one severity)."""
    changes: list[ChangeFact] = Field(default_factory=list)
    """Ladder, contract, thresholds and targets, budgets, operator view, data, monitoring."""
    breaking: bool = False
    """At least one contract change breaks a client or consumer of the last contract."""
    actions: list[str] = Field(default_factory=list)
    """What an engineer must redeploy, update or re-monitor, in order."""
