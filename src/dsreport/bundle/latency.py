"""Latency as it was measured (per batch, in any unit), read once as per-request milliseconds.

The analysis, the checks and every renderer work in one unit, milliseconds per request, so
a latency given as "1.2 s for a batch of 256" is divided out at load; the analysis writes
the original next to it where a reader needs it.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field

from dsreport.bundle.fields import Model, Number

TimeUnit = Literal["us", "ms", "s", "min", "h"]
MS_PER: Final[dict[str, float]] = {
    "us": 0.001,
    "ms": 1.0,
    "s": 1000.0,
    "min": 60_000.0,
    "h": 3_600_000.0,
}


class LatencyValue(Model):
    """A measured time in its own unit, for one request or for a batch of them."""

    value: Number = Field(ge=0, examples=[1.2])
    """The time, in `unit`."""
    unit: TimeUnit = Field(default="ms", examples=["s"])
    """us, ms, s, min or h."""
    batch_size: int = Field(default=1, ge=1, examples=[256])
    """Requests the time covers; the per-request latency is `value / batch_size` (the
    amortised time: a request that waits for its batch waits the whole `value`)."""

    @property
    def per_request_ms(self) -> float:
        return self.value * MS_PER[self.unit] / self.batch_size


def either(in_ms: float | None, given: LatencyValue | None, ms_key: str, key: str) -> float | None:
    """The per-request milliseconds from whichever of the two keys is set (never both)."""
    if given is None:
        return in_ms
    if in_ms is not None:
        raise ValueError(f"give `{ms_key}` or `{key}`, not both")
    return given.per_request_ms
