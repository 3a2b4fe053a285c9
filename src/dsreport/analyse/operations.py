"""Throughput, and the references production monitoring compares with.

Everything here comes from the bundle's operator view and the chosen rung's outputs on
the test split (binary: its score histogram, `Evaluation.stats`; otherwise
`Evaluation.rows`); the handoff package prints and ships these facts.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np

from dsreport.analyse import binstats
from dsreport.analyse import format as F
from dsreport.analyse.evaluation import Evaluation
from dsreport.analyse.facts import DistributionFact, Num, OperationsFact, RateBandFact
from dsreport.analyse.metricfacts import num
from dsreport.analyse.thresholds import CheckThresholds
from dsreport.bundle.spec import BundleSpec

BAND_LEVEL = 0.99
"""Level of the rate bands: a window drawn like the test split leaves its band 1% of the time."""
QUANTILES = (("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95))
PSI_BINS = 10
LEVELS = np.array([q for _, q in QUANTILES] + [i / PSI_BINS for i in range(1, PSI_BINS)])
"""The quantiles, then the inner decile edges."""


def deciles(arr: Any) -> tuple[dict[str, Num], list[float], list[float]]:
    """Quantiles, inner decile edges and each bin's share of finite values (non-empty)."""
    found = np.quantile(arr, LEVELS)  # one partial sort for all of them: the same numbers
    return _deciles(
        found[: len(QUANTILES)].tolist(), found[len(QUANTILES) :], arr, np.ones(arr.size)
    )


def histogram_deciles(values: Any, counts: Any) -> tuple[dict[str, Num], list[float], list[float]]:
    """`deciles` of the rows a histogram holds (each bin's value, its count): the same
    numbers when each bin is one distinct value, else within a bin's width."""
    found = binstats.quantiles(values, counts, LEVELS)[0]
    return _deciles(found[: len(QUANTILES)].tolist(), found[len(QUANTILES) :], values, counts)


def _deciles(
    found: list[float], inner: Any, values: Any, weights: Any
) -> tuple[dict[str, Num], list[float], list[float]]:
    quantiles = {}
    for (name, _), value in zip(QUANTILES, found, strict=True):
        shown = num("score", float(value))
        assert shown is not None
        quantiles[name] = shown
    edges = sorted({float(e) for e in inner})
    where = np.searchsorted(edges, values, side="right")
    counts = np.bincount(where, weights=weights, minlength=len(edges) + 1)
    total = float(np.sum(weights))
    return quantiles, edges, [float(c) / total for c in counts]


def _distribution(
    quantity: str, rung: str, values: Any, checks: CheckThresholds
) -> DistributionFact | None:
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    return _reference(quantity, rung, int(arr.size), deciles(arr), checks)


def _reference(
    quantity: str,
    rung: str,
    n: int,
    found: tuple[dict[str, Num], list[float], list[float]],
    checks: CheckThresholds,
) -> DistributionFact:
    quantiles, edges, shares = found
    psi = num("psi", checks.drift_psi)
    assert psi is not None
    return DistributionFact(
        quantity=quantity,
        rung=rung,
        n=n,
        quantiles=quantiles,
        edges=edges,
        shares=shares,
        psi_alert=psi,
    )


def band(output: str, count: int, n: int) -> RateBandFact:
    rate = count / n
    z = NormalDist().inv_cdf(0.5 + BAND_LEVEL / 2)
    p = min(max(rate, 0.5 / n), 1 - 0.5 / n)
    half = z * math.sqrt(p * (1 - p) * (2 / n))
    low, high = max(0.0, rate - half), min(1.0, rate + half)
    rate_num, low_num, high_num = num("share", rate), num("share", low), num("share", high)
    assert rate_num is not None and low_num is not None and high_num is not None
    return RateBandFact(
        output=output,
        count=count,
        n=n,
        rate=rate_num,
        low=low_num,
        high=high_num,
        band_text=F.fmt_interval("share", low, high),
        window=n,
        level=BAND_LEVEL,
    )


def _references(
    spec: BundleSpec, ev: Evaluation, checks: CheckThresholds
) -> tuple[DistributionFact | None, list[RateBandFact]]:
    chosen = spec.ladder.chosen
    task = spec.project.task
    if task == "binary":
        stats = ev.stats
        if stats is None or not stats.has("test", chosen):
            return None, []
        hist = stats.histogram("test", chosen)
        if hist.n == 0:
            return None, []
        threshold = spec.interrogation.threshold
        threshold = 0.5 if threshold is None else threshold
        every = hist.pos + hist.neg
        flagged = round(float(every[hist.values >= threshold].sum()))
        found = histogram_deciles(hist.values, every)
        return _reference("score", chosen, hist.n, found, checks), [
            band("positive", flagged, hist.n)
        ]
    if task == "multiclass":
        test = ev.multi.splits.get("test") if ev.multi is not None else None
        if ev.multi is None or test is None or chosen not in test.matrix:
            return None, []
        counts = test.matrix[chosen].sum(axis=0)
        n = round(float(test.matrix[chosen].sum()))
        bands = [band(c, round(counts[i]), n) for i, c in enumerate(ev.multi.classes)] if n else []
        bins = ev.multi.confidence.get(chosen)
        dist = None
        if bins is not None and bins.counts.sum() > 0:
            every = bins.counts.sum(axis=1)
            held = every > 0
            found = histogram_deciles(bins.values[held], every[held])
            dist = _reference("confidence", chosen, round(float(every.sum())), found, checks)
        return dist, bands
    summary = ev.regression
    output = summary.values.get(("prediction", "test")) if summary is not None else None
    if output is None or not output.n:
        return None, []
    found = histogram_deciles(output.values, output.counts)
    return _reference("prediction", chosen, output.n, found, checks), []


def operations_fact(
    spec: BundleSpec, ev: Evaluation | None, checks: CheckThresholds
) -> OperationsFact:
    rung = next((r for r in spec.ladder.rungs if r.id == spec.ladder.chosen), None)
    latency = spec.operator_view.latency.measured_ms
    if latency is None and rung is not None:
        latency = rung.latency_ms
    throughput = None
    if latency is not None and latency > 0:
        per_second = 1000.0 / latency
        text = f"{F.sig(per_second, 2)} requests/s"
        throughput = Num(value=per_second, text=text, text_pm=text)
    dist, rates = _references(spec, ev, checks) if ev is not None else (None, [])
    reject = num("share", checks.max_reject_share)
    assert reject is not None
    return OperationsFact(
        throughput=throughput, distribution=dist, rates=rates, reject_alert=reject
    )
