"""Coverage against errors for a confidence gate, checked by hand."""

from __future__ import annotations

import numpy as np

from dsreport.analyse import coverage
from dsreport.api import load_bundle
from helpers import EXAMPLES


def test_the_curve_counts_every_case_at_or_above_each_gate() -> None:
    confidence = np.array([0.9, 0.8, 0.8, 0.6, np.nan])
    correct = np.array([True, False, True, True, False])
    # gates 0.9, 0.8 (both 0.8s together), 0.6; the unscored case is never admitted
    assert coverage.curve(confidence, correct) == [
        [0.9, 0.2, 0.0],
        [0.8, 0.6, 1 / 3],
        [0.6, 0.8, 0.25],
    ]
    point = coverage.gate_point(confidence, correct, 0.8)
    assert (point["covered"], point["errors"], point["n"]) == (3, 1, 5)
    assert point["coverage_text"] == "60.0%" and point["error_rate_text"] == "33.3%"


def test_the_curve_is_thinned_but_keeps_full_coverage() -> None:
    rng = np.random.default_rng(1)
    confidence = rng.random(5_000)
    correct = rng.random(5_000) < confidence
    points = coverage.curve(confidence, correct)
    assert len(points) <= coverage.MAX_POINTS
    assert points[-1][1] == 1.0
    assert points[-1][2] == float((~correct).mean())


def test_the_gate_is_the_one_threshold_the_bundle_reports() -> None:
    spec = load_bundle(EXAMPLES / "digit-routing").spec
    assert coverage.declared_gate(spec) == 0.8
    assert coverage.declared_gate(load_bundle(EXAMPLES / "tumour-triage").spec) is None
