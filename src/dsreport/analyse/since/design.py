"""Thresholds and targets, budgets, the operator view, the data and the monitoring
references: what changed around the model, each with what an engineer must do about it."""

from __future__ import annotations

from typing import Any

from dsreport.analyse import format as F
from dsreport.analyse.facts import Facts
from dsreport.analyse.since.metrics import overall
from dsreport.analyse.since.model import ChangeFact


def _text(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return F.fmt_plain(value)


def _change(
    area: Any, subject: str, before: str, after: str, action: str | None = None
) -> ChangeFact:
    return ChangeFact(
        area=area,
        subject=subject,
        before=before,
        after=after,
        text=f"{subject[:1].upper()}{subject[1:]}: {before} → {after}.",
        action=action,
    )


def thresholds(before: Facts, after: Facts) -> list[ChangeFact]:
    out = []
    old = before.bundle["interrogation"].get("threshold")
    new = after.bundle["interrogation"].get("threshold")
    if after.task == "binary" and old != new:
        out.append(
            _change(
                "threshold",
                "operating threshold",
                _text(old),
                _text(new),
                f"Set the operating threshold to {_text(new)} where the model is served "
                f"(it was {_text(old)}).",
            )
        )
    then, now = overall(before), overall(after)
    for name in dict.fromkeys([*now, *then]):
        a, b = then.get(name), now.get(name)
        was = a.target.text if a and a.target else None
        is_ = b.target.text if b and b.target else None
        if was != is_ and a is not None and b is not None:
            label = b.label
            out.append(_change("target", f"target of {label}", was or "none", is_ or "none"))
    sm_old = before.bundle["operator_view"]["success_metric"]
    sm_new = after.bundle["operator_view"]["success_metric"]
    if sm_old["metric"] != sm_new["metric"]:
        out.append(_change("target", "success metric", sm_old["metric"], sm_new["metric"]))
    else:
        for level in ("optimal", "acceptable", "worst_case"):
            if sm_old[level] != sm_new[level]:
                name = sm_new["metric"]
                out.append(
                    _change(
                        "target",
                        f"{level.replace('_', ' ')} level of {name}",
                        F.fmt(name, sm_old[level]),
                        F.fmt(name, sm_new[level]),
                    )
                )
    for key in sorted(set(before.checks) | set(after.checks)):
        if before.checks.get(key) != after.checks.get(key):
            out.append(
                _change(
                    "threshold",
                    f"check threshold {key}",
                    _text(before.checks.get(key)),
                    _text(after.checks.get(key)),
                )
            )
    return out


def budgets(before: Facts, after: Facts) -> list[ChangeFact]:
    out = []
    then = {b.name: b for b in before.budgets}
    for b in after.budgets:
        old = then.get(b.name)
        if old is None:
            continue
        for part, noun in (("budget", "budget"), ("measured", "measured")):
            was, is_ = getattr(old, part), getattr(b, part)
            was_text = was.text if was else "not set"
            is_text = is_.text if is_ else "not set"
            if was_text != is_text:
                subject = f"{b.name} {noun}" if part == "budget" else f"measured {b.name}"
                out.append(_change("budget", subject, was_text, is_text))
    return out


def operator(before: Facts, after: Facts) -> list[ChangeFact]:
    old, new = before.bundle["operator_view"], after.bundle["operator_view"]
    out = []
    if old["latency"]["class"] != new["latency"]["class"]:
        out.append(
            _change(
                "operator",
                "latency class",
                old["latency"]["class"].replace("_", " "),
                new["latency"]["class"].replace("_", " "),
            )
        )
    if old["safest_default"] != new["safest_default"]:
        out.append(
            _change(
                "operator",
                "safest default",
                old["safest_default"],
                new["safest_default"],
                "Change what the system does when in doubt.",
            )
        )
    then = {m["name"]: m for m in old["failure_modes"]}
    now = {m["name"]: m for m in new["failure_modes"]}
    for name in dict.fromkeys([*now, *then]):
        a, b = then.get(name), now.get(name)
        was = a["fallback"].replace("_", " ") if a else "not handled"
        is_ = b["fallback"].replace("_", " ") if b else "no longer listed"
        if was != is_:
            out.append(
                _change(
                    "operator",
                    f"fallback for {name}",
                    was,
                    is_,
                    f"Update the fallback for {name}." if b else None,
                )
            )
    return out


def _prevalence(facts: Facts) -> tuple[str, str] | None:
    """(what, formatted share): the positive class (binary) or the rarest (multiclass)."""
    data = facts.data
    if not data.test_n or not data.class_counts:
        return None
    if facts.task == "binary":
        positive = facts.bundle["interrogation"].get("positive_label")
        share = data.class_counts.get(str(positive), 0) / data.test_n
        return "prevalence of the positive class", F.fmt("share", share)
    if data.minority_share is not None:
        return "share of the rarest class", data.minority_share.text
    return None


def data(before: Facts, after: Facts) -> list[ChangeFact]:
    out = []
    if before.data.test_n != after.data.test_n:
        out.append(
            _change(
                "data",
                "test rows",
                F.fmt_count(before.data.test_n) if before.data.test_n else "unknown",
                F.fmt_count(after.data.test_n) if after.data.test_n else "unknown",
            )
        )
    old, new = _prevalence(before), _prevalence(after)
    if old and new and old[1] != new[1]:
        out.append(_change("data", new[0], old[1], new[1]))
    then = {s["name"]: s for s in before.bundle["system_design"]["data"]["sources"]}
    for source in after.bundle["system_design"]["data"]["sources"]:
        was = then.get(source["name"])
        if was is None:
            out.append(
                ChangeFact(
                    area="data",
                    subject=f"source {source['name']}",
                    after=source.get("time_window"),
                    text=f"New data source: {source['name']}"
                    + (f" ({source['time_window']})." if source.get("time_window") else "."),
                )
            )
        elif was.get("time_window") != source.get("time_window"):
            out.append(
                _change(
                    "data",
                    f"time window of {source['name']}",
                    was.get("time_window") or "not given",
                    source.get("time_window") or "not given",
                )
            )
    return out


def monitoring(before: Facts, after: Facts) -> list[ChangeFact]:
    old, new = before.operations, after.operations
    if old is None or new is None:
        return []
    out = []
    a, b = old.distribution, new.distribution
    if a and b and (a.edges != b.edges or a.shares != b.shares or a.quantity != b.quantity):
        span = "p05 {p05}, median {p50}, p95 {p95}"
        out.append(
            _change(
                "monitoring",
                f"{b.quantity} distribution (the drift reference)",
                span.format(**{k: v.text for k, v in a.quantiles.items()}),
                span.format(**{k: v.text for k, v in b.quantiles.items()}),
                "Replace the drift reference with the new monitoring.json.",
            )
        )
    then = {r.output: r for r in old.rates}
    for r in new.rates:
        was = then.get(r.output)
        if was is not None and was.band_text != r.band_text:
            out.append(
                _change(
                    "monitoring",
                    f"alert band of the {r.output} rate",
                    was.band_text,
                    r.band_text,
                    f"Move the alert band of the {r.output} rate to {r.band_text}.",
                )
            )
    if old.reject_alert.text != new.reject_alert.text:
        out.append(
            _change(
                "monitoring",
                "rejected-request alert",
                old.reject_alert.text,
                new.reject_alert.text,
                f"Alert when more than {new.reject_alert.text} of requests fail the contract.",
            )
        )
    return out
