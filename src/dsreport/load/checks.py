"""Cross-field checks that a schema cannot express: references between sections."""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter

from dsreport import strictjson
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.evaluation import RESAMPLE_CELLS, RESAMPLES
from dsreport.bundle.sections import ContractField
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.messages import dotted
from dsreport.load.yamlsrc import Loc, YamlDoc
from dsreport.vocabulary import COMPUTED_METRICS


class Collector:
    """Collects problems located by key path in dsreport.yaml."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def add(
        self, loc: Loc, message: str, hint: str | None = None, *, warning: bool = False
    ) -> None:
        self.problems.append(
            Problem(
                message,
                file=self.doc.file,
                line=self.doc.line(loc),
                key=dotted(loc),
                hint=hint,
                severity="warning" if warning else "error",
            )
        )


def did_you_mean(word: str, options: list[str], cutoff: float = 0.6) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return f"did you mean '{close[0]}'?" if close else None


def suggest(word: str, options: list[str]) -> str | None:
    """'did you mean' the closest option, else the options."""
    close = did_you_mean(word, options)
    if close:
        return close
    unique = list(dict.fromkeys(options))
    return "known: " + ", ".join(unique[:12]) if unique else None


def available_metrics(spec: BundleSpec) -> set[str]:
    """Metric names the bundle reports, or the analysis computes from its predictions."""
    names = {m.name for m in spec.interrogation.metrics}
    names |= {name for r in spec.ladder.rungs for name in r.metrics}
    if spec.interrogation.predictions is not None:
        names |= set(COMPUTED_METRICS[spec.project.task])
    return names


def check_spec(spec: BundleSpec, doc: YamlDoc) -> list[Problem]:
    out = Collector(doc)
    rungs = spec.ladder.rungs
    ids = [r.id for r in rungs]
    for rung_id, count in Counter(ids).items():
        if count > 1:
            out.add(
                ("ladder", "rungs", ids.index(rung_id), "id"),
                f"rung id '{rung_id}' is used {count} times",
                "give each rung its own id",
            )
    for key in ("chosen", "baseline"):
        value = getattr(spec.ladder, key)
        if value not in ids:
            out.add(("ladder", key), f"'{value}' is not the id of a rung", suggest(value, ids))
    for index, rung in enumerate(rungs):
        if rung.decision == "chosen" and rung.id != spec.ladder.chosen:
            out.add(
                ("ladder", "rungs", index, "decision"),
                f"rung '{rung.id}' says it is chosen, but ladder.chosen is '{spec.ladder.chosen}'",
                warning=True,
            )

    interrogation = spec.interrogation
    names = available_metrics(spec)
    success = spec.operator_view.success_metric.metric
    if success not in names:
        out.add(
            ("operator_view", "success_metric", "metric"),
            f"metric '{success}' is neither reported nor computable from predictions",
            suggest(success, sorted(names)),
        )
    headlines = [i for i, m in enumerate(interrogation.metrics) if m.headline]
    for index in headlines[1:]:
        out.add(
            ("interrogation", "metrics", index, "headline"),
            "only one metric can be the headline",
            "remove `headline: true` from the others",
        )
    for index, metric in enumerate(interrogation.metrics):
        loc: Loc = ("interrogation", "metrics", index)
        if metric.rung is not None and metric.rung not in ids:
            out.add(
                (*loc, "rung"),
                f"'{metric.rung}' is not the id of a rung",
                suggest(metric.rung, ids),
            )
        interval = metric.interval
        if interval is not None:
            if interval.low > interval.high:
                out.add(
                    (*loc, "interval"),
                    f"interval low {interval.low} is above high {interval.high}",
                    "swap the bounds",
                )
            elif not interval.low <= metric.value <= interval.high:
                out.add(
                    (*loc, "interval"),
                    f"the interval {interval.low}–{interval.high} does "
                    f"not contain the value {metric.value}",
                    "check both numbers",
                    warning=True,
                )
    known_checks = CheckThresholds.names()
    for name in interrogation.checks:
        if name not in known_checks:
            out.add(
                ("interrogation", "checks", name),
                f"unknown check threshold '{name}'",
                suggest(name, known_checks),
            )
    _check_resamples(spec, out)
    _check_examples(spec, out)
    _check_task(spec, out)
    return out.problems


def _check_resamples(spec: BundleSpec, out: Collector) -> None:
    """A few bytes must not ask for gigabytes: the bootstrap's size is bounded alone and
    together with the number of classes (each resample draws a classes x classes matrix)."""
    value = spec.interrogation.checks.get("bootstrap_resamples")
    if value is None:
        return
    loc: Loc = ("interrogation", "checks", "bootstrap_resamples")
    low, high = RESAMPLES
    if not (value == int(value) and low <= value <= high):
        shown = f"{value:,.0f}" if value == int(value) else f"{value:g}"
        out.add(
            loc, f"{shown} is not a whole number from {low:,} to {high:,}", "the default is 1,000"
        )
        return
    k = len(spec.interrogation.classes)
    if spec.project.task == "multiclass" and value * k * k > RESAMPLE_CELLS:
        most = RESAMPLE_CELLS // (k * k)
        out.add(
            loc,
            f"{int(value):,} resamples of {k} classes draw {int(value) * k * k:,} cells, over "
            f"the limit of {RESAMPLE_CELLS:,}",
            f"use at most {most:,} resamples with {k} classes",
        )


_NUMERAL = re.compile(r"^[+-]?[0-9_.]+([eE][+-]?[0-9_]+)?$")


def _float(text: str) -> float:
    """`text` as a number; 0 when it is none (an unusable example is noted at build)."""
    try:
        return float(text)
    except ValueError:
        return 0.0


def _check_examples(spec: BundleSpec, out: Collector) -> None:
    """Contract examples become JSON in the handoff: each must be a value strict JSON can
    carry (no NaN or Infinity, a bounded number of digits and of nesting levels)."""
    design = spec.system_design
    for side, fields in (("inputs", design.inputs), ("outputs", design.outputs)):
        for index, item in enumerate(fields):
            text = (item.example or "").strip()
            try:
                if item.type == "array" and text.startswith("["):
                    strictjson.loads(text)
                elif item.type in ("integer", "number") and text:
                    if _NUMERAL.match(text) and len(text) > strictjson.MAX_DIGITS:
                        raise strictjson.JsonProblem(
                            f"a number of {len(text)} characters (at most {strictjson.MAX_DIGITS})"
                        )
                    if not math.isfinite(_float(text)):
                        raise strictjson.JsonProblem(f"{text} is not a finite number")
            except strictjson.JsonProblem as exc:
                out.add(
                    ("system_design", side, index, "example"),
                    f"the example cannot be written as JSON: {exc}",
                    "give a plain value of the field's type, or leave the example out",
                )
                continue
            _check_example_constraints(item, text, ("system_design", side, index, "example"), out)


def _check_example_constraints(item: ContractField, text: str, loc: Loc, out: Collector) -> None:
    """An example outside its own field's allowed values or range would make the handoff's
    contract test fail on the package's own canonical request."""
    limits = item.constraints
    if not text or item.type == "array":
        return
    if limits.allowed is not None and text not in limits.allowed:
        shown = text if len(text) <= 60 else text[:59] + "…"
        out.add(
            loc,
            f"the example '{shown}' is not one of the field's allowed values",
            suggest(text, list(limits.allowed)) or "use one of the values in `allowed`",
        )
    if item.type in ("integer", "number") and _NUMERAL.match(text):
        value = _float(text)
        low, high = limits.minimum, limits.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            span = (
                f"{low:g} to {high:g}"
                if low is not None and high is not None
                else f"at least {low:g}"
                if low is not None
                else f"at most {high:g}"
            )
            out.add(
                loc,
                f"the example {text} is outside the field's range ({span})",
                "give an example inside `minimum` and `maximum`",
            )


def _check_task(spec: BundleSpec, out: Collector) -> None:
    interrogation = spec.interrogation
    task = spec.project.task
    classes = interrogation.classes
    if task == "binary":
        if classes and len(classes) != 2:
            out.add(
                ("interrogation", "classes"), f"a binary task has 2 classes, not {len(classes)}"
            )
        if interrogation.predictions is not None and interrogation.positive_label is None:
            out.add(
                ("interrogation",),
                "binary predictions need `positive_label`",
                'add `positive_label: "1"` (the label of the class you want to catch)',
            )
        if classes and interrogation.positive_label not in (None, *classes):
            out.add(
                ("interrogation", "positive_label"),
                f"'{interrogation.positive_label}' is not one of the classes",
                suggest(interrogation.positive_label or "", classes),
            )
        if interrogation.predictions is not None and interrogation.threshold is None:
            out.add(("interrogation",), "no `threshold` is given; 0.5 is used", warning=True)
    elif task == "multiclass" and interrogation.predictions is not None and len(classes) < 3:
        out.add(
            ("interrogation", "classes"),
            "multiclass predictions need `classes`, the list of at least 3 labels",
        )
    elif task == "regression" and classes:
        out.add(("interrogation", "classes"), "a regression task has no classes", warning=True)
