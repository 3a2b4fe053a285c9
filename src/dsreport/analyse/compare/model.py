"""One comparison of the chosen rung with another on one metric, before formatting."""

from __future__ import annotations

from dataclasses import dataclass

from dsreport.vocabulary import LOWER_IS_BETTER


@dataclass
class Comparison:
    chosen: str
    other: str
    metric: str
    chosen_value: float
    other_value: float
    delta: float
    interval: tuple[float, float] | None
    n: int
    method: str
    p_value: float | None = None
    kind: str = "paired"
    discordant: list[int] | None = None
    lower_is_better: bool | None = None
    """The metric's direction; None: from the metric's name."""

    @property
    def better(self) -> bool:
        lower = (
            self.metric in LOWER_IS_BETTER if self.lower_is_better is None else self.lower_is_better
        )
        return self.delta < 0 if lower else self.delta > 0

    @property
    def significant(self) -> bool | None:
        """True when the interval of the difference excludes zero; None when untested."""
        if self.interval is None or self.kind == "not_comparable":
            return None
        low, high = self.interval
        return low > 0 or high < 0
