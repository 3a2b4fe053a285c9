"""Number formatting, decided once here so every artifact prints the same string.

PM-facing strings use fewer significant digits than the staff DS report; both
come from the same value, so they round consistently.
"""

from __future__ import annotations

import math

from dsreport.vocabulary import COMPUTED_METRICS, NOT_RATES

RATE_METRICS = (
    frozenset(COMPUTED_METRICS["binary"]) | frozenset(COMPUTED_METRICS["multiclass"])
) - NOT_RATES | {
    "error_rate",
    "mape",
    "smape",
    "share",
}


def is_rate(metric: str) -> bool:
    return metric in RATE_METRICS


def sig(value: float, digits: int) -> str:
    """`value` to `digits` significant digits, without scientific notation for everyday sizes."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    rounded = float(f"{value:.{digits - 1}e}")  # round first, so 9.9996 -> 10.0 has 3 digits
    magnitude = math.floor(math.log10(abs(rounded)))
    decimals = max(digits - 1 - magnitude, 0)
    text = f"{rounded:,.{decimals}f}"
    return text.replace("-", "−")


def percent(value: float, decimals: int = 1) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value * 100:.{decimals}f}%".replace("-", "−")


def fmt(metric: str, value: float, *, audience: str = "ds") -> str:
    """The one way a metric value is written."""
    if is_rate(metric):
        return percent(value, 1 if audience == "ds" else 0)
    return sig(value, 3 if audience == "ds" else 2)


def fmt_interval(metric: str, low: float, high: float, *, audience: str = "ds") -> str:
    return f"{fmt(metric, low, audience=audience)}–{fmt(metric, high, audience=audience)}"


def fmt_delta(metric: str, delta: float, *, audience: str = "ds") -> str:
    """A signed difference: percentage points for rates."""
    if is_rate(metric):
        decimals = 1 if audience == "ds" else 0
        points = round(abs(delta) * 100, decimals)
        sign = "" if points == 0 else "+" if delta > 0 else "−"
        return f"{sign}{points:.{decimals}f} pts"
    text = sig(abs(delta), 3 if audience == "ds" else 2)
    sign = "" if text == "0" or float(text.replace(",", "")) == 0 else "+" if delta > 0 else "−"
    return sign + text


def fmt_plain(value: float) -> str:
    """A bundle constant as written (a threshold, a bound): 0.2, 500, 1e-06."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def fmt_count(n: int) -> str:
    return f"{n:,}"


def p_value(p: float) -> str:
    return "< 0.001" if p < 0.001 else sig(p, 2)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(iso_date: str) -> str:
    """`2026-11-20` -> `20 November 2026` (locale-independent, for covers and footers)."""
    year, month, day = (int(part) for part in iso_date[:10].split("-"))
    return f"{day} {_MONTHS[month - 1]} {year}"
