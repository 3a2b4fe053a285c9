"""Number formatting, decided once here so every artifact prints the same string.

PM-facing strings use fewer significant digits than the staff DS report; both
come from the same value, so they round consistently.
"""

from __future__ import annotations

import math
import re

from dsreport.vocabulary import COMPUTED_METRICS, NOT_RATES

RATE_METRICS = (
    frozenset(COMPUTED_METRICS["binary"]) | frozenset(COMPUTED_METRICS["multiclass"])
) - NOT_RATES | {
    "error_rate",
    "mape",
    "smape",
    "share",
}
KNOWN_METRICS = frozenset(name for names in COMPUTED_METRICS.values() for name in names)
RATE_WORDS = frozenset(
    {
        "rate",
        "share",
        "recall",
        "precision",
        "accuracy",
        "specificity",
        "sensitivity",
        "coverage",
        "proportion",
        "fraction",
    }
)
"""A metric dsreport does not know is a rate when a word of its name is one of these
(`auto_entry_rate`, `share_within_40`, `priority_recall`): it then prints as a percentage
beside the known rates, never as a bare fraction."""


def is_rate(metric: str) -> bool:
    """Whether `metric` is a share of cases, written as a percentage everywhere."""
    if metric in KNOWN_METRICS or metric in RATE_METRICS:
        return metric in RATE_METRICS
    return any(word in RATE_WORDS for word in re.split(r"[^a-z]+", metric.lower()))


def _digits(audience: str) -> int:
    return 3 if audience == "ds" else 2


FIXED_PLACES = {"roc_auc": 3, "macro_roc_auc": 3, "average_precision": 3}
"""Scores on [0, 1] that read best at one fixed precision: 0.989 (0.971–1.000)."""


def decimals(value: float, digits: int, *, rounded: bool = True) -> int:
    """Decimals `sig(value, digits)` prints; with `rounded=False` those of the value as it
    stands, so an interval ending at 0.9995 keeps three decimals like its point value."""
    if value is None or not math.isfinite(value) or value == 0:
        return 0
    size = float(f"{value:.{digits - 1}e}") if rounded else value
    return max(digits - 1 - math.floor(math.log10(abs(size))), 0)


def fixed(value: float, places: int) -> str:
    """`value` with `places` decimals, thousands separated, a true minus sign."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:,.{places}f}".replace("-", "−")


def sig(value: float, digits: int) -> str:
    """`value` to `digits` significant digits, without scientific notation for everyday sizes."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    rounded = float(f"{value:.{digits - 1}e}")  # round first, so 9.9996 -> 10.0 has 3 digits
    return fixed(rounded, decimals(value, digits))


def _percent_places(value: float, audience: str) -> int:
    """One decimal in the report, none in the deck; one more below 1%, so 0.21% does not
    print as 0.2% beside its interval 0.04%–1.16%."""
    base = 1 if audience == "ds" else 0
    small = value is not None and math.isfinite(value) and 0 < abs(value) < 0.01
    return base + 1 if small else base


def percent(value: float, decimals: int = 1) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value * 100:.{decimals}f}%".replace("-", "−")


def fmt(metric: str, value: float, *, audience: str = "ds") -> str:
    """The one way a metric value is written."""
    if is_rate(metric):
        return percent(value, _percent_places(value, audience))
    if metric in FIXED_PLACES and value is not None and math.isfinite(value):
        return fixed(value, FIXED_PLACES[metric] - (audience != "ds"))
    return sig(value, _digits(audience))


def fmt_interval(metric: str, low: float, high: float, *, audience: str = "ds") -> str:
    """`88.5%–98.2%`, `0.04%–1.2%` (each rate as `fmt` writes it), `0.044–0.159` (other
    metrics at one precision, that of the larger bound)."""
    if is_rate(metric):
        return f"{fmt(metric, low, audience=audience)}–{fmt(metric, high, audience=audience)}"
    if metric in FIXED_PLACES:
        places = FIXED_PLACES[metric] - (audience != "ds")
    else:
        places = decimals(max(abs(low), abs(high)), _digits(audience), rounded=False)
    return f"{fixed(low, places)}–{fixed(high, places)}"


def fmt_delta(metric: str, delta: float, *, audience: str = "ds", like: float | None = None) -> str:
    """A signed difference: percentage points for rates; for other metrics the precision
    of `like` (the values compared) when given, so a difference of MAEs 44.7 and 53.8
    reads −9.0, not −9.02."""
    if is_rate(metric):
        places = 1 if audience == "ds" else 0
        points = round(abs(delta) * 100, places)
        sign = "" if points == 0 else "+" if delta > 0 else "−"
        return f"{sign}{points:.{places}f} pts"
    digits = _digits(audience)
    if like is not None and math.isfinite(like) and like != 0:
        text = fixed(abs(delta), decimals(like, digits))
    else:
        text = sig(abs(delta), digits)
    zero = text == "0" or float(text.replace(",", "")) == 0
    return ("" if zero else "+" if delta > 0 else "−") + text


def plain(value: float, *, audience: str = "ds") -> str:
    """A setting or a measured quantity (a threshold, a latency, a cost): significant
    digits without trailing zeros, so 0.0067 ms is not 0.00670 ms and 18 EUR not 18.0 EUR."""
    text = sig(value, _digits(audience))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt_quantity(value: float, unit: str, *, audience: str = "ds") -> str:
    """A measured quantity with its unit: `0.0067 ms`, `18 EUR per month`."""
    return f"{plain(value, audience=audience)} {unit}".strip()


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
