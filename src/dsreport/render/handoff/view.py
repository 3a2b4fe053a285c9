"""What the handoff templates see: the facts and the bundle, selected and grouped.

Nothing here computes a metric. It picks the chosen rung's facts, lays out the
contract fields for tables, and serialises structures the JSON templates embed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dsreport import contract, strictjson
from dsreport.analyse.facts import Facts, MetricFact, RungFact
from dsreport.bundle.sections import ContractField
from dsreport.contract import plain
from dsreport.load.loaded import Bundle
from dsreport.render.handoff import cards
from dsreport.render.handoff import contract as examples_of
from dsreport.render.handoff.codefiles import CodeFiles
from dsreport.render.handoff.modelfiles import ModelPackage, array_shapes, signature
from dsreport.render.handoff.monitor import prediction_fields, signals


def as_json(value: Any) -> str:
    """A structure as JSON text, for templates to embed verbatim (keys in their order)."""
    return strictjson.dumps(value)


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


def _library_version(bundle: Bundle, library: str | None) -> str | None:
    names = {"sklearn": "scikit-learn"}.get(library or "", library or "")
    for line in bundle.environment.requirements:
        name, _, version = line.partition("==")
        if name.strip().lower() == names:
            return version.strip()
    return None


def _undefined_slices(spec: Any) -> list[str]:
    """Slice columns no definition says how to compute from a request."""
    section = spec.interrogation.predictions
    if section is None:
        return []
    defined = {d.key for d in section.slice_definitions}
    return [c for c in section.slice_columns if c not in defined]


def _model_view(bundle: Bundle, model: ModelPackage) -> dict[str, Any]:
    spec = bundle.spec
    design = spec.system_design
    outcomes = spec.operator_view.outcomes
    declared = design.model
    return {
        "model": model,
        "model_files": model.entries,
        "pickle_files": model.pickles,
        "formats": sorted({e["format"] for e in model.entries}),
        "trusted_types": list(declared.trusted_types) if declared else [],
        "import_names": model.imports,
        "training_code": declared.training_code if declared else None,
        "flavour": model.library or (model.entries[0]["format"] if model.entries else ""),
        "library_version": _library_version(bundle, model.library),
        "signature": signature(bundle),
        "shapes": array_shapes(bundle),
        "default_settings": {s.name: plain(s.default) for s in design.settings},
        "settings": design.settings,
        "golden": bundle.golden,
        "batch": spec.operator_view.latency.latency_class == "batch",
        "latency_budget": spec.operator_view.latency.budget_ms,
        "prediction": prediction_fields(spec),
        "outcomes": outcomes,
        "outcomes_json": outcomes.model_dump() if outcomes else None,
        "bundle_python": bundle.environment.python,
        "undefined_slices": _undefined_slices(spec),
        "number_fields": [f.name for f in design.inputs if f.type == "number"],
        "array_fields": [f.name for f in design.inputs if f.type == "array"],
        "bounded_fields": [
            f.name
            for f in design.inputs
            if f.type != "array"
            and (f.constraints.minimum, f.constraints.maximum, f.constraints.allowed)
            != (None, None, None)
        ],
        "pinned_count": len(bundle.environment.requirements),
    }


def context(
    facts: Facts, bundle: Bundle, code: CodeFiles, model: ModelPackage, package: str
) -> dict[str, Any]:
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
        **_model_view(bundle, model),
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
