"""Thresholds of the reviewer's checks, with documented defaults a bundle may override.

`interrogation.checks` in dsreport.yaml sets any of these by name.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class CheckThresholds:
    rare_class_share: float = 0.2
    """Accuracy as headline is flagged when the minority class is rarer than this."""
    min_review_n: float = 30
    """Fewer reviewed examples than this cannot support an error rate."""
    max_review_halfwidth: float = 0.1
    """An error rate whose 95% interval is wider than +/- this is too imprecise."""
    perfect_score: float = 0.995
    """Accuracy, F1, balanced accuracy or R² at or beyond this is suspiciously perfect."""
    perfect_ranking: float = 0.999
    """ROC AUC or average precision at or beyond this is suspiciously perfect (judged when the
    rarer class has at least `slice_min_n` test rows)."""
    ladder_jump: float = 0.15
    """A gain over the next rung larger than this (absolute) suggests leakage."""
    max_headline_halfwidth: float = 0.05
    """The headline's interval should be narrower than +/- this."""
    train_test_gap: float = 0.1
    """A train minus test difference larger than this suggests overfitting."""
    max_ece: float = 0.05
    """Expected calibration error above this is poor where scores are probabilities."""
    slice_min_n: float = 30
    """Slices with fewer rows are reported but not judged."""
    bootstrap_resamples: float = 1000
    """Bootstrap resamples for every interval that is not a Wilson interval."""
    drift_psi: float = 0.2
    """Monitoring alerts when the population stability index of the model's output exceeds this."""
    max_reject_share: float = 0.01
    """Monitoring alerts when more than this share of requests fails the input contract."""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def updated(self, overrides: dict[str, float]) -> CheckThresholds:
        return replace(self, **{k: float(v) for k, v in overrides.items()})
