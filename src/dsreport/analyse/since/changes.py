"""Findings raised, resolved and still open; the call before and after; the ladder's changes."""

from __future__ import annotations

from dsreport.analyse.facts import Facts, FindingFact
from dsreport.analyse.since.model import ChangeFact, FindingChangeFact, RecommendationChangeFact
from dsreport.analyse.since.rows import Pairs

RANK = {"info": 0, "warning": 1, "critical": 2}
ORDER = {"raised": 0, "open": 1, "resolved": 2}
LABELS = {
    "ship": "Ship",
    "ship_with_conditions": "Ship with conditions",
    "do_not_ship": "Do not ship",
}


def _chosen(facts: Facts) -> str:
    return str(facts.bundle["ladder"]["chosen"])


def _key(facts: Facts, f: FindingFact) -> tuple[str, str | None, str | None, str | None]:
    """What makes two findings the same one: its check, metric, group, and rung, where a
    finding about the chosen rung matches whatever the chosen rung is called."""
    rung = "(chosen)" if f.rung == _chosen(facts) else f.rung
    return (f.id, f.metric, f.slice, rung)


def _grouped(
    facts: Facts,
) -> dict[tuple[str, str | None, str | None, str | None], list[FindingFact]]:
    out: dict[tuple[str, str | None, str | None, str | None], list[FindingFact]] = {}
    for f in facts.findings:
        out.setdefault(_key(facts, f), []).append(f)
    return out


def finding_changes(before: Facts, after: Facts) -> list[FindingChangeFact]:
    """Findings matched by check, metric, group and rung; several findings with one such
    key (a reported value that differs in several slices, say) are matched in order."""
    then, now = _grouped(before), _grouped(after)
    out = []
    for key, found in now.items():
        olds = then.get(key, [])
        for i, f in enumerate(found):
            old = olds[i] if i < len(olds) else None
            out.append(
                FindingChangeFact(
                    status="raised" if old is None else "open",
                    id=f.id,
                    severity=f.severity,
                    severity_before=None if old is None else old.severity,
                    title=f.title,
                    message=f.message,
                    message_pm=f.message_pm,
                    escalated=old is not None and RANK[f.severity] > RANK[old.severity],
                )
            )
    for key, olds in then.items():
        for f in olds[len(now.get(key, [])) :]:
            out.append(
                FindingChangeFact(
                    status="resolved",
                    id=f.id,
                    severity=f.severity,
                    title=f.title,
                    message=f.message,
                    message_pm=f.message_pm,
                )
            )
    out.sort(key=lambda c: (ORDER[c.status], -RANK[c.severity], not c.escalated))
    return out


def new_at(change: FindingChangeFact, severity: str) -> bool:
    """A finding at or above `severity` that the last review did not have at that level:
    raised, or escalated to it (`dsreport diff --fail-on`)."""
    if RANK[change.severity] < RANK[severity] or change.status == "resolved":
        return False
    return change.status == "raised" or RANK[change.severity_before or "info"] < RANK[severity]


def recommendation_change(before: Facts, after: Facts) -> RecommendationChangeFact:
    old, new = before.recommendation, after.recommendation
    b = old.decision if old else "do_not_ship"
    a = new.decision if new else "do_not_ship"
    text = f"{LABELS[b]} → {LABELS[a]}" if a != b else f"{LABELS[a]}, unchanged"
    return RecommendationChangeFact(
        before=b,
        before_label=LABELS[b],
        before_colour=old.colour if old else "",
        after=a,
        after_label=LABELS[a],
        after_colour=new.colour if new else "",
        changed=a != b,
        text=text,
    )


def ladder_changes(before: Facts, after: Facts, pairs: Pairs | str) -> list[ChangeFact]:
    then = {r.id: r for r in before.ladder}
    now = {r.id: r for r in after.ladder}
    out = []
    for rung_id, r in now.items():
        if rung_id not in then:
            out.append(
                ChangeFact(
                    area="ladder",
                    subject=f"rung {r.name}",
                    after=r.decision,
                    text=f"New rung: {r.name} ({r.kind}, {r.decision}).",
                )
            )
        elif then[rung_id].decision != r.decision and not r.chosen and not then[rung_id].chosen:
            out.append(
                ChangeFact(
                    area="ladder",
                    subject=f"rung {r.name}",
                    before=then[rung_id].decision,
                    after=r.decision,
                    text=f"{r.name}: {then[rung_id].decision} → {r.decision}.",
                )
            )
    for rung_id, r in then.items():
        if rung_id not in now:
            out.append(
                ChangeFact(
                    area="ladder",
                    subject=f"rung {r.name}",
                    before=r.decision,
                    text=f"Rung no longer in the ladder: {r.name}.",
                )
            )
    old_id, new_id = _chosen(before), _chosen(after)
    old_name = then[old_id].name if old_id in then else old_id
    new_name = now[new_id].name if new_id in now else new_id
    if old_id != new_id:
        out.insert(
            0,
            ChangeFact(
                area="ladder",
                subject="chosen model",
                before=old_name,
                after=new_name,
                text=f"The chosen model changed: {old_name} → {new_name}.",
                action=f"Deploy {new_name} in place of {old_name}.",
            ),
        )
    elif isinstance(pairs, Pairs) and pairs.changed:
        out.insert(
            0,
            ChangeFact(
                area="ladder",
                subject=f"chosen model {new_name}",
                text=f"{new_name} was retrained: its output changed on {pairs.changed:,} of "
                f"{pairs.n:,} test rows.",
                action=f"Redeploy {new_name}: the model itself changed.",
            ),
        )
    elif not isinstance(pairs, Pairs) and before.bundle_digest != after.bundle_digest:
        old_values = {m.name: m.value.value for m in before.metrics if m.rung == old_id}
        new_values = {m.name: m.value.value for m in after.metrics if m.rung == new_id}
        if any(old_values.get(n) != v for n, v in new_values.items() if n in old_values):
            out.insert(
                0,
                ChangeFact(
                    area="ladder",
                    subject=f"chosen model {new_name}",
                    text=f"{new_name}'s metrics changed (retrained, or measured on other rows).",
                    action=f"Redeploy {new_name} if the model itself changed.",
                ),
            )
    return out
