"""Is the chosen rung better than another, beyond the noise? Paired where both rungs have
predictions, unpaired from both rungs' uncertainty otherwise, "not comparable" when too
little is known (docs/analysis.md, Comparisons)."""

from __future__ import annotations

from dsreport.analyse.compare.exact import clopper_pearson, mcnemar, paired_difference
from dsreport.analyse.compare.model import Comparison
from dsreport.analyse.compare.paired import paired
from dsreport.analyse.compare.unpaired import PROPORTIONS, Estimate, estimate, unpaired

__all__ = [
    "PROPORTIONS",
    "Comparison",
    "Estimate",
    "clopper_pearson",
    "estimate",
    "mcnemar",
    "paired",
    "paired_difference",
    "unpaired",
]
