"""The reviewer's checks, by family. Each returns findings with a stable id, a severity,
the numbers, advice and, for warnings, the condition shipping with it open requires.

Thresholds come from `CheckThresholds` (documented defaults, per-bundle overrides); the
rules are in docs/analysis.md.
"""

from __future__ import annotations

from collections.abc import Callable

from dsreport.analyse.checks import data, evidence, groups, ladder, leakage, targets
from dsreport.analyse.checks.context import SEVERITY_ORDER, Context, finding
from dsreport.analyse.checks.ladder import LadderVerdict, verdict
from dsreport.analyse.facts import FindingFact

CHECKS: list[Callable[[Context], list[FindingFact]]] = [
    targets.targets,
    evidence.budgets,
    leakage.perfect,
    ladder.baselines,
    ladder.ladder,
    ladder.ladder_jump,
    leakage.split_overlap,
    data.accuracy_on_imbalance,
    groups.slices_behind,
    targets.test_set_size,
    evidence.review_too_small,
    data.train_test_gap,
    data.calibration,
    data.mixed_thresholds,
    evidence.reported_differs,
    groups.slices_in_noise,
    evidence.reported_replaced,
    evidence.review_not_random,
]


def run_checks(c: Context) -> list[FindingFact]:
    found = [f for check in CHECKS for f in check(c)]
    return sorted(found, key=lambda f: SEVERITY_ORDER[f.severity])


__all__ = ["CHECKS", "Context", "LadderVerdict", "finding", "run_checks", "verdict"]
