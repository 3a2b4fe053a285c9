"""Checks of what the handoff ships: array constraints, settings and slice definitions."""

from __future__ import annotations

from collections import Counter

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector, suggest
from dsreport.load.yamlsrc import YamlDoc

NUMERIC = ("number", "integer")


def check_serving(spec: BundleSpec, doc: YamlDoc) -> list[Problem]:
    out = Collector(doc)
    design = spec.system_design
    for side, fields in (("inputs", design.inputs), ("outputs", design.outputs)):
        for index, f in enumerate(fields):
            loc = ("system_design", side, index)
            c = f.constraints
            if f.type == "array" and f.items is None:
                out.add(
                    (*loc, "type"),
                    f"array field '{f.name}' has no item type: any item passes the contract",
                    "add `items:` (number, integer, string, ...) and its bounds",
                    warning=True,
                )
            if f.type != "array" and (c.min_items is not None or c.max_items is not None):
                out.add(
                    (*loc, "constraints"),
                    f"min_items and max_items apply to arrays; '{f.name}' is {f.type}",
                )
            if c.min_items is not None and c.max_items is not None and c.min_items > c.max_items:
                out.add(
                    (*loc, "constraints", "min_items"),
                    f"min_items {c.min_items} is above max_items {c.max_items}",
                )
    _check_settings(spec, out)
    _check_slices(spec, out)
    return out.problems


def _check_settings(spec: BundleSpec, out: Collector) -> None:
    design = spec.system_design
    outputs = {f.name: f for f in design.outputs}
    names = Counter(s.name for s in design.settings)
    for index, setting in enumerate(design.settings):
        loc = ("system_design", "settings", index)
        if names[setting.name] > 1:
            out.add((*loc, "name"), f"setting '{setting.name}' is given twice")
        scored = outputs.get(setting.field)
        if scored is None or scored.type not in NUMERIC:
            out.add(
                (*loc, "field"),
                f"'{setting.field}' is not a numeric output field",
                suggest(setting.field, [n for n, f in outputs.items() if f.type in NUMERIC]),
            )
        decided = outputs.get(setting.decides)
        if decided is None:
            out.add(
                (*loc, "decides"),
                f"'{setting.decides}' is not an output field",
                suggest(setting.decides, list(outputs)),
            )
        elif decided.constraints.allowed is not None:
            for key in ("at_or_above", "below"):
                value = getattr(setting, key)
                if value not in decided.constraints.allowed:
                    out.add(
                        (*loc, key),
                        f"'{value}' is not an allowed value of {setting.decides}",
                        suggest(value, list(decided.constraints.allowed)),
                    )
    interrogation = spec.interrogation
    if spec.project.task == "binary" and design.settings and interrogation.threshold is not None:
        first = design.settings[0]
        if first.default != interrogation.threshold:
            out.add(
                ("system_design", "settings", 0, "default"),
                f"the setting's default {first.default:g} is not the threshold "
                f"{interrogation.threshold:g} every metric was computed at",
                "make the first setting the operating threshold, with the same value",
            )


def _check_slices(spec: BundleSpec, out: Collector) -> None:
    section = spec.interrogation.predictions
    if section is None:
        return
    inputs = {f.name: f for f in spec.system_design.inputs}
    base = ("interrogation", "predictions", "slice_definitions")
    for index, item in enumerate(section.slice_definitions):
        if item.key not in section.slice_columns:
            out.add(
                (*base, index, "key"),
                f"'{item.key}' is not one of slice_columns",
                suggest(item.key, section.slice_columns),
            )
        source = inputs.get(item.field)
        if source is None:
            out.add(
                (*base, index, "field"),
                f"'{item.field}' is not an input field: production requests cannot be sliced by it",
                suggest(item.field, list(inputs)),
            )
        elif item.aggregate is not None and source.type != "array":
            out.add((*base, index, "aggregate"), f"'{item.field}' is not an array field")
        elif item.bins and source.type not in NUMERIC and item.aggregate is None:
            out.add((*base, index, "bins"), f"bins need a numeric field; '{item.field}' is not")
