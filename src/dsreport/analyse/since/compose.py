"""Two builds' facts -> `SinceFact`: every change, what it means, and what to do about it."""

from __future__ import annotations

from typing import Literal

from dsreport.analyse.facts import Facts
from dsreport.analyse.since import changes, contract, design
from dsreport.analyse.since.metrics import metric_changes
from dsreport.analyse.since.model import (
    ChangeFact,
    FindingChangeFact,
    MetricChangeFact,
    PreviousFact,
    RecommendationChangeFact,
    SinceFact,
)
from dsreport.analyse.since.rows import Pairs
from dsreport.errors import DsreportError
from dsreport.load.previous import Previous

PM_LEAD = {
    "better": "{label} improved for real ({delta})",
    "worse": "{label} fell for real ({delta})",
    "inside_noise": "No real change in {label} ({delta}, within the noise)",
    "unchanged": "{label} is unchanged",
    "not_comparable": "{label} moved {delta}; too little is known to tell if it is real",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _verdicts(
    metrics: list[MetricChangeFact],
    findings: list[FindingChangeFact],
    rec: RecommendationChangeFact,
    breaking: bool,
) -> tuple[str, str]:
    """One line for the staff DS report, one for the deck: what changed, does it matter."""
    lead = next((m for m in metrics if m.decision_metric), metrics[0] if metrics else None)
    count = {s: sum(f.status == s for f in findings) for s in ("raised", "resolved", "open")}
    concerns = sum(f.status == "raised" and f.severity != "info" for f in findings)
    parts = [f"{lead.text}." if lead else "No metric of the chosen model is in both reviews."]
    parts.append(f"Recommendation: {rec.text}.")
    parts.append(
        f"Findings: {count['raised']} raised, {count['resolved']} resolved, "
        f"{count['open']} still open."
    )
    if breaking:
        parts.append("The contract changed in a way that breaks its clients.")
    real = lead is not None and lead.verdict in ("better", "worse")
    if not (real or rec.changed or concerns or breaking):
        parts.append("Nothing that bears on the call changed beyond the noise.")
    if lead is None:
        pm = "The metrics cannot be compared"
    else:
        pm = PM_LEAD[lead.verdict].format(label=lead.label_pm, delta=lead.change.delta.text_pm)
        pm = pm[:1].upper() + pm[1:]
    pm += (
        f"; the call moved to {rec.after_label}"
        if rec.changed
        else (f"; the call stays {rec.after_label}")
    )
    if concerns:
        pm += f"; {_plural(concerns, 'new concern')}"
    return " ".join(parts), pm


def _actions(found: list[ChangeFact]) -> list[str]:
    return list(dict.fromkeys(c.action for c in found if c.action))


def since_fact(before: Facts, after: Facts, previous: PreviousFact) -> SinceFact:
    """What changed from the last review (`before`) to this one (`after`)."""
    metrics, pairs = metric_changes(before, after)
    findings = changes.finding_changes(before, after)
    rec = changes.recommendation_change(before, after)
    found = [
        *changes.ladder_changes(before, after, pairs),
        *contract.contract_changes(before.bundle, after.bundle),
        *design.thresholds(before, after),
        *design.budgets(before, after),
        *design.operator(before, after),
        *design.data(before, after),
        *design.monitoring(before, after),
    ]
    breaking = any(c.breaking for c in found)
    verdict, verdict_pm = _verdicts(metrics, findings, rec, breaking)
    if isinstance(pairs, Pairs):
        reason = f"both reviews scored the same {pairs.n:,} test rows"
    else:
        reason = pairs
    paired = any(m.change.kind == "paired" for m in metrics)
    return SinceFact(
        previous=previous,
        pairing="paired" if paired else "unpaired",
        pairing_reason=reason,
        verdict=verdict,
        verdict_pm=verdict_pm,
        recommendation=rec,
        metrics=metrics,
        findings=findings,
        changes=found,
        breaking=breaking,
        actions=_actions(found),
    )


def previous_fact(
    facts: Facts, source: Literal["pdf", "facts", "folder"], file: str
) -> PreviousFact:
    """What the comparison says about the review it compares with."""
    project = facts.bundle.get("project", {})
    rec = facts.recommendation
    return PreviousFact(
        source=source,
        file=file,
        name=str(project.get("name", facts.slug)),
        version=str(project.get("version", "")),
        build_date=facts.build_date,
        bundle_digest=facts.bundle_digest,
        facts_version=facts.facts_version,
        dsreport_version=facts.dsreport_version,
        recommendation=rec.label if rec else "none",
    )


def check_related(before: Facts, after: Facts, where: str) -> None:
    """Refuse to compare two different projects, or two kinds of model."""
    old = before.bundle.get("project", {})
    new = after.bundle.get("project", {})
    if before.slug != after.slug and old.get("name") != new.get("name"):
        raise DsreportError(
            f"{where} is the review of '{old.get('name')}' ({before.slug}), not of "
            f"'{new.get('name')}' ({after.slug}): the projects differ; pass this project's "
            "last review"
        )
    if before.task != after.task:
        raise DsreportError(
            f"{where} reviews a {before.task} model and this bundle a {after.task} one: "
            "they cannot be compared"
        )


def with_since(facts: Facts, previous: Previous) -> Facts:
    """`facts` with what changed since the last review (`Facts.since`)."""
    check_related(previous.facts, facts, previous.file)
    fact = since_fact(
        previous.facts, facts, previous_fact(previous.facts, previous.source, previous.file)
    )
    return facts.model_copy(update={"since": fact})
