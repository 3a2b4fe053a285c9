"""Number formatting, decided once here so every artifact prints the same string.

The rounding rule, shared by every artifact:

- The staff DS report prints rates as percentages with one decimal and other values to
  three significant digits (`fmt(..., audience="ds")`).
- The PM deck prints the report's number rounded again, half up, to fewer digits: whole
  percentages and two significant digits (`fmt(..., audience="pm")`). So a deck's number
  is always the report's number rounded, never a different rounding of the raw value.
- A bound is never printed as 100% or 0% (or 0) unless it is: more decimals are shown.
- Values shown together (ours, today, the target, the change) share one precision
  (`fmt_group`): the change is the difference of the values as printed, so the numbers
  add up, and two values that differ never print alike. The deck raises its precision,
  up to the report's, until both hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Literal

from dsreport.vocabulary import COMPUTED_METRICS, NOT_RATES

RATE_METRICS = (
    frozenset(COMPUTED_METRICS["binary"]) | frozenset(COMPUTED_METRICS["multiclass"])
) - NOT_RATES | {
    "error_rate",
    "mape",
    "smape",
    "share",
}
Kind = Literal["rate", "number", "count"]
"""rate: a share printed in percent; number: significant digits; count: significant digits,
whole numbers from 1 up (a count per period is an estimate: 52.6 benign cases is 53)."""
DIGITS = {"ds": 3, "pm": 2}
RATE_DECIMALS = {"ds": 1, "pm": 0}
EXTRA = 4
"""Most decimals added to tell apart values that differ, or keep a bound off 0% / 100%."""


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


def kind_of(metric: str) -> Kind:
    return "rate" if is_rate(metric) else "number"


def _minus(text: str) -> str:
    return text.replace("-", "−")


def sig(value: float, digits: int) -> str:
    """`value` to `digits` significant digits, without scientific notation for everyday sizes."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    rounded = float(f"{value:.{digits - 1}e}")  # round first, so 9.9996 -> 10.0 has 3 digits
    if math.isinf(rounded) or abs(rounded) >= 1e15:  # 1.76e308 rounds past the largest float
        return _minus(f"{value:.{digits - 1}e}")
    return fixed(rounded, decimals(value, digits))


def _percent_places(value: float, audience: str) -> int:
    """One decimal in the report, none in the deck; one more below 1%, so 0.21% does not
    print as 0.2% beside its interval 0.04%–1.16%."""
    base = 1 if audience == "ds" else 0
    small = value is not None and math.isfinite(value) and 0 < abs(value) < 0.01
    return base + 1 if small else base


def _extreme(shown: Decimal, value: Decimal, kind: Kind) -> bool:
    """A rounded value that reads 0 (or 100%) when the value is not exactly that."""
    if shown == 0 and value != 0:
        return True
    return kind == "rate" and shown == 100 and value != 100


def percent(value: float, decimals: int = 1) -> str:
    """`value` (a share) in percent; never `100%` or `0%` unless it is exactly that."""
    if value is None or math.isnan(value):
        return "n/a"
    scaled = _dec(value) * 100
    places = decimals
    shown = _round(scaled, places)
    while _extreme(shown, scaled, "rate") and places < decimals + EXTRA:
        places += 1
        shown = _round(scaled, places)
    return _text(shown, places) + "%"


# --- decimal arithmetic: the deck rounds the report's printed numbers -------------------------


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _round(value: Decimal, places: int) -> Decimal:
    """Half up to `places` decimals (negative: tens, hundreds, ...)."""
    digits = max(28, value.adjusted() + places + 2)  # a huge finite value keeps its digits
    return value.quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=digits)
    )


def _text(value: Decimal, places: int, *, sign: bool = False) -> str:
    text = f"{value:,.{max(places, 0)}f}"
    if sign and value > 0:
        text = "+" + text
    if value == 0:
        text = text.lstrip("-")
    return _minus(text)


def _sig_places(value: Decimal, digits: int) -> int:
    """Decimals that keep `digits` significant digits of `value` (after rounding)."""
    if value == 0:
        return 0
    places = digits - 1 - value.adjusted()
    if _round(value, places).adjusted() > value.adjusted():  # 9.96 -> 10.0: one fewer
        places -= 1
    return places


def _places(value: Decimal, kind: Kind, audience: str) -> int:
    if kind == "rate":  # one decimal more below 1%, as `fmt` writes a lone rate
        return RATE_DECIMALS[audience] + (1 if 0 < abs(value) < 1 else 0)
    places = _sig_places(value, DIGITS[audience])
    if kind == "count" and abs(value) >= 1:
        places = min(places, 0)
    return places


def parse(text: str) -> Decimal:
    """The number a formatted string prints (`−3.1 pts` -> -3.1, `1,200` -> 1200)."""
    core = text.replace("−", "-").replace(",", "").replace("%", "").replace("pts", "")
    try:
        return Decimal(core.strip().lstrip("+"))
    except InvalidOperation as exc:
        raise ValueError(f"not a formatted number: {text!r}") from exc


def decimals_of(text: str) -> int:
    """Decimals a formatted number prints (`97.6%` -> 1; `1,200` -> 0)."""
    core = text.replace("%", "").replace("pts", "").strip()
    return len(core.split(".")[1]) if "." in core else 0


def reround(text: str, kind: Kind) -> str:
    """The deck's string for the report's string `text`: rounded again, half up."""
    if text in ("n/a", "∞", "−∞"):
        return text
    if "e+" in text or "e-" in text:  # a size no table is made for: one digit fewer
        return _minus(f"{float(text.replace('−', '-')):.1e}")
    value = parse(text)
    scaled = value
    places = _places(value, kind, "pm")
    places = min(places, decimals_of(text))
    shown = _round(scaled, places)
    while _extreme(shown, value, kind) and places < decimals_of(text):
        places += 1
        shown = _round(scaled, places)
    suffix = "%" if text.endswith("%") else " pts" if text.endswith("pts") else ""
    return _text(shown, places, sign=text.startswith(("+", "−"))) + suffix


def fmt(metric: str, value: float, *, audience: str = "ds") -> str:
    """The one way a metric value is written."""
    if is_rate(metric):
        text = percent(value, _percent_places(value, "ds"))
    elif metric in FIXED_PLACES and value is not None and math.isfinite(value):
        text = fixed(value, FIXED_PLACES[metric])
    else:
        text = sig(value, 3)
    return text if audience == "ds" else reround(text, kind_of(metric))


def _reround_together(texts: Sequence[str], kind: Kind) -> list[str]:
    """The deck's strings for report strings shown together (an interval's bounds): each
    rounded again, all at the finest precision either needs."""
    alone = [reround(t, kind) for t in texts]
    if any(t in ("n/a", "∞", "−∞") or "e+" in t or "e-" in t for t in texts):
        return alone
    places = max(decimals_of(t) for t in alone)
    out = []
    for text in texts:
        at = min(places, decimals_of(text))
        suffix = "%" if text.endswith("%") else ""
        out.append(_text(_round(parse(text), at), at) + suffix)
    return out


def fmt_both(metric: str, value: float) -> tuple[str, str]:
    """`fmt` for the report and for the deck, the report's text written once."""
    text = fmt(metric, value)
    return text, reround(text, kind_of(metric))


def fmt_interval(metric: str, low: float, high: float, *, audience: str = "ds") -> str:
    """`88.5%–98.2%`, `0.04%–1.2%` (each rate as `fmt` writes it), `0.044–0.159` (other
    metrics at one precision, that of the larger bound); the deck's rounds the report's."""
    texts = _interval_texts(metric, low, high)
    if audience != "ds":
        texts = _reround_together(texts, kind_of(metric))
    return f"{texts[0]}–{texts[1]}"


def fmt_interval_both(metric: str, low: float, high: float) -> tuple[str, str]:
    """`fmt_interval` for the report and for the deck, the report's bounds written once."""
    texts = _interval_texts(metric, low, high)
    deck = _reround_together(texts, kind_of(metric))
    return f"{texts[0]}–{texts[1]}", f"{deck[0]}–{deck[1]}"


def _interval_texts(metric: str, low: float, high: float) -> list[str]:
    if is_rate(metric):
        texts = [fmt(metric, low), fmt(metric, high)]
    else:
        finite = all(v is not None and math.isfinite(v) for v in (low, high))
        if metric in FIXED_PLACES and finite:
            places = FIXED_PLACES[metric]
        elif finite:
            places = decimals(max(abs(low), abs(high)), 3, rounded=False)
        if finite and max(abs(low), abs(high)) < 1e15:
            texts = [fixed(low, places), fixed(high, places)]
        else:
            texts = [sig(low, 3), sig(high, 3)]
    return texts


def fmt_delta(metric: str, delta: float, *, audience: str = "ds", like: float | None = None) -> str:
    """A signed difference: percentage points for rates; for other metrics the precision
    of `like` (the values compared) when given, so a difference of MAEs 44.7 and 53.8
    reads −9.0, not −9.02."""
    if is_rate(metric):
        text = _signed(_round(_dec(delta) * 100, 1), 1) + " pts"
    else:
        if like is not None and math.isfinite(like) and like != 0 and abs(delta) < 1e15:
            text = fixed(abs(delta), decimals(like, 3))
        else:
            text = sig(abs(delta), 3)
        zero = text == "0" or ("e" not in text and float(text.replace(",", "")) == 0)
        text = text if zero or delta == 0 else ("+" if delta > 0 else "−") + text
    return text if audience == "ds" else reround(text, kind_of(metric))


def _signed(value: Decimal, places: int) -> str:
    return _text(value, places, sign=True)


def count_estimate(value: float, *, audience: str = "ds") -> str:
    """A count per period (an estimate, so rounded like a measurement: 52.6 -> 53)."""
    if value is None or math.isnan(value):
        return "n/a"
    exact = _dec(value)
    places = _places(exact, "count", "ds")
    text = _text(_round(exact, places), places)
    return text if audience == "ds" else reround(text, "count")


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


# --- values shown together ----------------------------------------------------------------------


def _scaled(value: float, kind: Kind) -> Decimal:
    return _dec(value) * 100 if kind == "rate" else _dec(value)


def _common(values: Iterable[Decimal], kind: Kind, audience: str) -> int:
    """One precision for values shown together: enough for the smallest non-zero one."""
    return max((_places(v, kind, audience) for v in values if v != 0), default=0)


def _group_ok(
    shown: Mapping[str, Decimal],
    exact: Mapping[str, Decimal],
    kind: Kind,
    distinct: Sequence[tuple[str, str]],
) -> bool:
    if any(_extreme(shown[k], exact[k], kind) for k in shown):
        return False
    return all(
        shown[a] != shown[b] or exact[a] == exact[b]
        for a, b in distinct
        if a in shown and b in shown
    )


def _group_texts(
    shown: Mapping[str, Decimal], places: int, kind: Kind, change: tuple[str, str] | None
) -> dict[str, str]:
    unit = "%" if kind == "rate" else ""
    out = {k: _text(v, places) + unit for k, v in shown.items()}
    if change is not None and change[0] in shown and change[1] in shown:
        diff = shown[change[0]] - shown[change[1]]
        out["change"] = _signed(diff, places) + (" pts" if kind == "rate" else "")
    return out


def fmt_group(
    kind: Kind,
    values: Mapping[str, float | None],
    *,
    change: tuple[str, str] | None = None,
    distinct: Sequence[tuple[str, str]] = (),
) -> tuple[dict[str, str], dict[str, str]]:
    """(report strings, deck strings) for `values` shown side by side, at one precision.

    `change` = (a, b) adds the key `change`: a minus b as printed, so the three add up.
    Each pair in `distinct` prints differently whenever its values differ. The deck's
    strings round the report's again, at the coarsest precision (never finer than the
    report's) at which the change still adds up and the distinct pairs still differ."""
    exact = {k: _scaled(v, kind) for k, v in values.items() if v is not None and math.isfinite(v)}
    if not exact:
        return {}, {}
    start = _common(exact.values(), kind, "ds")
    places = start
    ds = {k: _round(v, places) for k, v in exact.items()}
    while not _group_ok(ds, exact, kind, distinct) and places < start + EXTRA:
        places += 1
        ds = {k: _round(v, places) for k, v in exact.items()}
    report = _group_texts(ds, places, kind, change)
    lowest = min(_common(ds.values(), kind, "pm"), places)
    for pm_places in range(lowest, places + 1):
        pm = {k: _round(v, pm_places) for k, v in ds.items()}
        texts = _group_texts(pm, pm_places, kind, change)
        adds = "change" not in report or parse(texts["change"]) == _round(
            parse(report["change"]), pm_places
        )
        if adds and _group_ok(pm, ds, kind, distinct):
            return report, texts
    return report, dict(report)  # not reached: at the report's precision both hold


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
