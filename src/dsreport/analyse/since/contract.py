"""Contract changes, each marked breaking or not.

The handoff's JSON Schemas forbid unknown fields (`additionalProperties: false`) on both
sides, and a request that fails the schema is rejected. So, for the **request** (inputs),
what a client built for the last contract sends must still pass: a new required field, a
removed field, a new type or unit, a field made required and a narrower constraint (a
higher minimum, a lower maximum, fewer allowed values, no longer nullable, a shorter
maximum length, another pattern) break it; a new optional field and a wider constraint do
not. For the **response** (outputs), what a consumer built for the last contract reads
must still hold: a removed field, a new type or unit, a field made optional and a wider
constraint break it; a new field and a narrower constraint do not (a consumer that
validates responses must still take the new schema).
"""

from __future__ import annotations

from typing import Any

from dsreport.analyse import format as F
from dsreport.analyse.since.model import ChangeFact

Field = dict[str, Any]


def _kind(f: Field) -> str:
    return f"array of {f['items']}" if f.get("type") == "array" and f.get("items") else f["type"]


def describe(f: Field) -> str:
    """A field in a few words: `number, required, 6.98 to 28.2, nullable`."""
    c = f.get("constraints") or {}
    parts = [_kind(f) + (f" ({f['unit']})" if f.get("unit") else "")]
    parts.append("required" if f.get("required", True) else "optional")
    low, high = c.get("minimum"), c.get("maximum")
    if low is not None and high is not None:
        parts.append(f"{F.fmt_plain(low)} to {F.fmt_plain(high)}")
    elif low is not None:
        parts.append(f"≥ {F.fmt_plain(low)}")
    elif high is not None:
        parts.append(f"≤ {F.fmt_plain(high)}")
    if c.get("allowed") is not None:
        parts.append("one of " + ", ".join(map(str, c["allowed"])))
    if c.get("pattern") is not None:
        parts.append(f"matching {c['pattern']}")
    if c.get("max_length") is not None:
        parts.append(f"at most {c['max_length']} characters")
    if c.get("nullable"):
        parts.append("nullable")
    return ", ".join(parts)


def _bound(old: Any, new: Any, upper: bool) -> set[str]:
    """'narrower' and/or 'wider' for a minimum (upper=False) or a maximum / length."""
    if old == new:
        return set()
    if old is None:
        return {"narrower"}
    if new is None:
        return {"wider"}
    return {"narrower"} if (new < old if upper else new > old) else {"wider"}


def _constraints(old: Field, new: Field) -> set[str]:
    a, b = old.get("constraints") or {}, new.get("constraints") or {}
    out = _bound(a.get("minimum"), b.get("minimum"), upper=False)
    out |= _bound(a.get("maximum"), b.get("maximum"), upper=True)
    out |= _bound(a.get("max_length"), b.get("max_length"), upper=True)
    was, now = a.get("allowed"), b.get("allowed")
    if was != now:
        if was is None:
            out.add("narrower")
        elif now is None:
            out.add("wider")
        else:
            if set(now) - set(was):
                out.add("wider")
            if set(was) - set(now):
                out.add("narrower")
    if a.get("pattern") != b.get("pattern"):
        out |= {"narrower", "wider"}
    if bool(a.get("nullable")) != bool(b.get("nullable")):
        out.add("wider" if b.get("nullable") else "narrower")
    return out


def _changed(side: str, old: Field, new: Field) -> tuple[bool, list[str]] | None:
    """(breaking, what changed) for a field in both contracts, or None if unchanged."""
    request = side == "input"
    what, breaking = [], False
    if _kind(old) != _kind(new):
        what.append(f"type {_kind(old)} → {_kind(new)}")
        breaking = True
    if old.get("unit") != new.get("unit"):
        what.append(f"unit {old.get('unit') or 'none'} → {new.get('unit') or 'none'}")
        breaking = True
    was, now = old.get("required", True), new.get("required", True)
    if was != now:
        what.append("now required" if now else "now optional")
        breaking |= now if request else not now
    bounds = _constraints(old, new)
    if bounds:
        what.append("constraints " + " and ".join(sorted(bounds)))
        breaking |= ("narrower" if request else "wider") in bounds
    return (breaking, what) if what else None


def _fact(side: str, name: str, before: Field | None, after: Field | None) -> ChangeFact | None:
    noun = "input" if side == "input" else "output"
    if before is None and after is not None:
        breaking = side == "input" and bool(after.get("required", True))
        what = f"new {'required' if after.get('required', True) else 'optional'} field"
    elif after is None and before is not None:
        breaking, what = True, "removed"
    else:
        assert before is not None and after is not None
        found = _changed(side, before, after)
        if found is None:
            return None
        breaking, parts = found
        what = "; ".join(parts)
    subject = f"{noun} field {name}"
    action = None
    if breaking:
        who = "client" if side == "input" else "consumer of the response"
        action = f"Update every {who} before deploying: {subject}, {what}."
    elif side == "output":
        action = f"Give consumers that validate responses the new response schema ({subject})."
    return ChangeFact(
        area="contract",
        subject=subject,
        before=describe(before) if before else None,
        after=describe(after) if after else None,
        text=f"{noun.capitalize()} field {name}: {what}; "
        + ("breaking." if breaking else "not breaking."),
        breaking=breaking,
        action=action,
    )


def contract_changes(before: dict[str, Any], after: dict[str, Any]) -> list[ChangeFact]:
    """Changes of `system_design.inputs` and `outputs` between two normalised bundles."""
    out = []
    for side, key in (("input", "inputs"), ("output", "outputs")):
        old = {f["name"]: f for f in before["system_design"][key]}
        new = {f["name"]: f for f in after["system_design"][key]}
        for name in dict.fromkeys([*new, *old]):
            fact = _fact(side, name, old.get(name), new.get(name))
            if fact is not None:
                out.append(fact)
    out.sort(key=lambda c: not c.breaking)
    return out
