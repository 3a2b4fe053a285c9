"""What the handoff templates see: the facts and the bundle, selected and grouped.

Nothing here computes a metric. It picks the chosen rung's facts, lays out the
contract fields for tables, and serialises structures the JSON templates embed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dsreport import contract
from dsreport.analyse.facts import Facts, MetricFact, RungFact
from dsreport.bundle.sections import ContractField
from dsreport.contract import plain
from dsreport.load.loader import Bundle
from dsreport.render.handoff import cards
from dsreport.render.handoff import contract as examples_of
from dsreport.render.handoff.codefiles import CodeFiles
from dsreport.render.handoff.monitor import signals


def as_json(value: Any) -> str:
    """A structure as JSON text, for templates to embed verbatim (keys in their order)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class FieldRow:
    name: str
    type: str
    required: bool
    unit: str
    allowed: str
    description: str
    example: str


def _rows(fields: list[ContractField]) -> list[FieldRow]:
    out = []
    for f in fields:
        c = f.constraints
        kind = f"array of {f.items}" if f.type == "array" and f.items else f.type
        rules = []
        if c.minimum is not None and c.maximum is not None:
            rules.append(f"{plain(c.minimum)} to {plain(c.maximum)}")
        elif c.minimum is not None:
            rules.append(f"≥ {plain(c.minimum)}")
        elif c.maximum is not None:
            rules.append(f"≤ {plain(c.maximum)}")
        if c.allowed is not None:
            rules.append(" | ".join(f"`{v}`" for v in c.allowed))
        if c.pattern is not None:
            rules.append(f"matches `{c.pattern}`")
        if c.max_length is not None:
            rules.append(f"at most {c.max_length} characters")
        if c.nullable:
            rules.append("may be null")
        ok, value = contract.example_value(f)
        out.append(
            FieldRow(
                name=f.name,
                type=kind,
                required=f.required,
                unit=f.unit or "",
                allowed="; ".join(rules),
                description=f.description,
                example=as_json(value) if ok else "",
            )
        )
    return out


def _rung(facts: Facts, rung_id: str) -> RungFact | None:
    return next((r for r in facts.ladder if r.id == rung_id), None)


def context(facts: Facts, bundle: Bundle, code: CodeFiles, package: str) -> dict[str, Any]:
    spec = bundle.spec
    design = spec.system_design
    reviewed: list[dict[str, str]] = []
    if bundle.reviewed is not None:
        frame = bundle.reviewed.frame.astype("string").fillna("")
        reviewed = [{str(k): str(v) for k, v in row.items()} for row in frame.to_dict("records")]
    examples = examples_of.examples(design.inputs, design.outputs, reviewed)
    chosen_id = spec.ladder.chosen
    metrics = cards.card_metrics(facts, chosen_id)
    overall: list[MetricFact] = [m for m in metrics if m.slice_key is None]
    entry_module, _, entry_function = (design.entry_point or "").partition(":")
    return {
        "facts": facts,
        "spec": spec,
        "package": package,
        "chosen": _rung(facts, chosen_id),
        "baseline": _rung(facts, spec.ladder.baseline),
        "overall": overall,
        "slice_metrics": [m for m in metrics if m.slice_key is not None],
        "inputs": _rows(design.inputs),
        "outputs": _rows(design.outputs),
        "examples": examples,
        "canonical": next((e for e in examples.items if e.source == "contract"), None),
        "as_json": as_json,
        "code": code,
        "entry_module": entry_module,
        "entry_function": entry_function,
        "tolerance": design.tolerance,
        "signals": signals(facts, spec),
        "failure_modes": spec.operator_view.failure_modes,
        "findings": [f for f in facts.findings if f.severity != "info"],
        "dataset": cards.dataset_names(spec),
        "threshold_of": cards.threshold_of,
        "rung_names": {r.id: r.name for r in facts.ladder},
        "slice_columns": (
            spec.interrogation.predictions.slice_columns if spec.interrogation.predictions else []
        ),
    }
