"""Warnings about what the analysis will quietly make less of than the author meant: a
metric name it does not know (a typo or another name for a known metric), and a
comparison that can only use reported values."""

from __future__ import annotations

import re

from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector, available_metrics, did_you_mean
from dsreport.load.yamlsrc import Loc, YamlDoc
from dsreport.vocabulary import GLOSSARY, METRIC_ALIASES

NEAR = 0.75
"""How alike (difflib's ratio) an unknown name must be to a known one to be called a
typo: `rsme` for `rmse` is 0.75; a name of one's own, like `priority_recall`, is further."""


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_KNOWN = {_squash(name): name for name in GLOSSARY}
_ALIASES = {_squash(alias): name for alias, name in METRIC_ALIASES.items()}


def nearest_metric(name: str) -> str | None:
    """The known metric an unknown `name` most likely means; None for a known name or a
    name of the author's own."""
    if name in GLOSSARY:
        return None
    squashed = _squash(name)
    if squashed in _KNOWN:
        return _KNOWN[squashed]
    if squashed in _ALIASES:
        return _ALIASES[squashed]
    close = did_you_mean(name.lower(), list(GLOSSARY), NEAR)
    return close.split("'")[1] if close else None


def check_names_and_comparisons(spec: BundleSpec, doc: YamlDoc) -> list[Problem]:
    out = Collector(doc)
    check_metric_names(spec, out)
    check_weak_comparisons(spec, out)
    return out.problems


def check_metric_names(spec: BundleSpec, out: Collector) -> None:
    """Every place a metric is named; the success metric only when it resolves (an
    unresolved one is already an error with its own suggestion)."""
    places: list[tuple[Loc, str]] = [
        (("interrogation", "metrics", i, "name"), m.name)
        for i, m in enumerate(spec.interrogation.metrics)
    ]
    for index, rung in enumerate(spec.ladder.rungs):
        for key in ("metrics", "train_metrics", "cv_metrics"):
            names: dict[str, object] = getattr(rung, key)
            places += [(("ladder", "rungs", index, key, name), name) for name in names]
    success = spec.operator_view.success_metric.metric
    if success in available_metrics(spec):
        places.append((("operator_view", "success_metric", "metric"), success))
    for loc, name in places:
        meant = nearest_metric(name)
        if meant is not None:
            out.add(
                loc,
                f"metric '{name}' is not one dsreport knows: it gets no label or direction "
                "and is not computed from predictions",
                f"did you mean '{meant}'?",
                warning=True,
            )


def _has_values(spec: BundleSpec, rung_id: str, chosen: str) -> bool:
    rung = next(r for r in spec.ladder.rungs if r.id == rung_id)
    return bool(rung.metrics) or any(
        (m.rung or chosen) == rung_id and m.slice is None for m in spec.interrogation.metrics
    )


def check_weak_comparisons(spec: BundleSpec, out: Collector) -> None:
    """The chosen rung is compared with every other rung; without both rungs' predictions
    on the same rows that comparison has no paired test and rests on reported values."""
    ladder = spec.ladder
    rungs = spec.ladder.rungs
    ids = [r.id for r in rungs]
    if ladder.chosen not in ids:
        return
    task = spec.project.task
    what, prefix = ("scores", "score_") if task == "binary" else ("predictions", "pred_")
    predictions = spec.interrogation.predictions
    table = predictions.path if predictions is not None else None
    chosen = rungs[ids.index(ladder.chosen)]
    others = [
        (i, r)
        for i, r in enumerate(rungs)
        if r.id != chosen.id and _has_values(spec, r.id, chosen.id)
    ]

    def how(rung_id: str, column: str | None) -> str:
        column = column or f"{prefix}{rung_id}"
        if table is None:
            return (
                "add a predictions table (interrogation.predictions) with one column of "
                f"{what} per rung, such as `{column}`, and set each rung's `score_column`"
            )
        return f"add its {what} as a column `{column}` to {table} and set `score_column: {column}`"

    if table is None or chosen.score_column is None:
        if others:
            names = ", ".join(f"'{r.id}'" for _, r in others)
            out.add(
                ("ladder", "rungs", ids.index(chosen.id)),
                f"the chosen rung '{chosen.id}' has no predictions, so its comparison with "
                f"{names} rests on reported values only: it is weak (no paired test)",
                how(chosen.id, chosen.score_column),
                warning=True,
            )
        return
    for index, rung in others:
        if rung.score_column is None:
            out.add(
                ("ladder", "rungs", index),
                f"rung '{rung.id}' has reported values only, so comparing the chosen rung "
                f"'{chosen.id}' with it is weak (no paired test on the same rows)",
                how(rung.id, None),
                warning=True,
            )
