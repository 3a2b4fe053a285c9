"""A pilot on a proportion is sized by the exact power of its stop rule, summed here case
by case over the project's own Wilson bound (no formula shared with the code under test)."""

from __future__ import annotations

import math

import pytest

from dsreport.analyse import pilotpower
from dsreport.analyse.conditions import MIN_PILOT, POWER, Z
from dsreport.analyse.intervals import wilson


def fires_how_often(n: int, level: float, target: float, higher: bool) -> float:
    """The chance that a pilot of n cases at the true share `level` ends with its 95% Wilson
    bound past `target` (upper bound below it; lower bound above it when lower is better)."""
    chance = 0.0
    for k in range(n + 1):
        low, high = wilson(k, n)
        if (high < target) if higher else (low > target):
            chance += math.comb(n, k) * level**k * (1 - level) ** (n - k)
    return chance


@pytest.mark.parametrize(
    ("n", "target", "level", "higher"),
    [
        (185, 0.95, 0.90, True),
        (46, 0.6, 0.395, True),
        (300, 0.999, 0.99, True),
        (32, 1.0, 0.95, True),
        (202, 0.05, 0.10, False),
        (120, 0.3, 0.45, False),
        (40, 0.0, 0.05, False),
    ],
)
def test_the_power_is_the_binomial_tail_the_rule_fires_on(
    n: int, target: float, level: float, higher: bool
) -> None:
    exact = fires_how_often(n, level, target, higher)
    assert pilotpower.power(n, target, level, higher, Z) == pytest.approx(exact, abs=1e-9)


@pytest.mark.parametrize(
    ("target", "level", "higher", "size"),
    [
        (0.95, 0.90, True, 202),  # the score test's formula said 185, where the power is 76%
        (0.6, 0.395, True, 46),
        (0.05, 0.10, False, 202),  # an error rate rising from 5% to 10%: the mirror image
        # a target near 1: the formula, its share kept under 99.5%, asked for 609 cases
        (0.999, 0.99, True, 299),
        # a target of 100% (the formula: 42): one miss fires the rule; 32 cases catch 95%
        (1.0, 0.95, True, 32),
    ],
)
def test_the_size_is_the_fewest_cases_from_which_on_the_power_stays_at_80_percent(
    target: float, level: float, higher: bool, size: int
) -> None:
    assert pilotpower.cases(target, level, higher, Z, POWER, MIN_PILOT) == size
    assert fires_how_often(size - 1, level, target, higher) < POWER
    above = [fires_how_often(n, level, target, higher) for n in range(size, size + 60)]
    assert min(above) >= POWER


def test_a_fall_the_smallest_pilot_already_catches_is_piloted_on_the_smallest() -> None:
    assert pilotpower.cases(0.9, 0.3, True, Z, POWER, MIN_PILOT) == MIN_PILOT
    assert fires_how_often(MIN_PILOT, 0.3, 0.9, True) > 0.99


def test_a_pilot_of_millions_is_sized_as_the_normal_formula_says_for_so_many() -> None:
    """Far from 0 and 1 and at millions of cases the saw is flat and the score test's
    formula is right to a few cases in a million: the exact size lands beside it."""
    normal = ((Z * 0.5 + 0.8416212335729143 * math.sqrt(0.4995 * 0.5005)) / 0.0005) ** 2
    size = pilotpower.cases(0.5, 0.4995, True, Z, POWER, MIN_PILOT)
    assert normal < size < normal * 1.0001
    assert pilotpower.power(size, 0.5, 0.4995, True, Z) >= POWER
