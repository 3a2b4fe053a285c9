"""Checks on what the PM deck shows: the outcome the product counts, and the prose slides quote.

A slide quotes the first paragraph of a few prose fields (the problem, today's process,
the fallback), so that paragraph must be short: the deck never cuts text to make it fit.
The rest of the prose goes to the speaker notes and the staff DS report.
"""

from __future__ import annotations

from dsreport.bundle.outcome import BETTER_BY_KIND
from dsreport.bundle.spec import BundleSpec
from dsreport.errors import Problem
from dsreport.load.checks import Collector
from dsreport.load.yamlsrc import Loc, YamlDoc
from dsreport.prose import lead

LEADS: dict[Loc, int] = {
    ("ecosystem", "problem"): 350,
    ("ecosystem", "current_process"): 350,
    ("operator_view", "fallback"): 250,
}
"""Prose field -> longest first paragraph (characters of plain text) a slide quotes."""


def lead_limit_problems(spec: BundleSpec, out: Collector) -> None:
    for loc, limit in LEADS.items():
        node: object = spec
        for part in loc:
            node = getattr(node, str(part))
        first = lead(str(node or ""))
        if len(first) > limit:
            out.add(
                loc,
                f"its first paragraph is {len(first)} characters long; it may be at most "
                f"{limit}, because the deck quotes it on a slide",
                "start with a short paragraph that says it plainly; the rest goes to the "
                "speaker notes and the report",
            )


def outcome_problems(spec: BundleSpec, out: Collector) -> None:
    outcome = spec.ecosystem.outcome
    if outcome is None:
        return
    where: Loc = ("ecosystem", "outcome")
    task = spec.project.task
    interrogation = spec.interrogation
    if task == "binary" and outcome.gate is not None:
        out.add(
            (*where, "gate"),
            "a binary task acts at the operating threshold, not at a gate of its own",
            "remove `gate`; set `interrogation.threshold` instead",
        )
    if task != "binary" and outcome.gate is None:
        what = "confidence" if task == "multiclass" else "predicted value"
        out.add(
            where,
            f"a {task} outcome needs `gate`: the {what} at or above which the product acts",
            "add `gate: 0.8`, say",
        )
    if interrogation.predictions is None:
        out.add(
            where,
            "the outcome is counted from the predictions, and the bundle has none",
            "add `interrogation.predictions`, or remove `ecosystem.outcome`",
        )
    chosen = next((r for r in spec.ladder.rungs if r.id == spec.ladder.chosen), None)
    if chosen is not None and task == "multiclass" and not chosen.proba_prefix:
        out.add(
            where,
            f"a multiclass outcome needs the chosen rung's confidence, and rung '{chosen.id}' "
            "has no `proba_prefix`",
            "give the chosen rung its per-class score columns with `proba_prefix`",
        )
    seen: set[str] = set()
    for index, count in enumerate(outcome.counts):
        loc: Loc = (*where, "counts", index)
        if count.kind in seen:
            out.add((*loc, "kind"), f"'{count.kind}' is counted twice", "keep one of them")
        seen.add(count.kind)
        if count.better is None and count.kind not in BETTER_BY_KIND:
            out.add(
                loc,
                f"say whether more or fewer '{count.kind}' cases is better",
                "add `better: more` or `better: fewer`",
            )


def check_pm(spec: BundleSpec, doc: YamlDoc) -> list[Problem]:
    out = Collector(doc)
    lead_limit_problems(spec, out)
    outcome_problems(spec, out)
    return out.problems
