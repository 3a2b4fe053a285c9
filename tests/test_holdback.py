"""A group held back goes to the fallback: the condition says what that costs the overall
targets, from counts alone, and the recommendation says when the conditions conflict."""

from __future__ import annotations

import pytest

from dsreport.analyse import conditions, holdback
from dsreport.analyse.engine import analyse
from dsreport.analyse.facts import (
    Facts,
    MetricFact,
    Num,
    OutcomeCountFact,
    OutcomeFact,
    ShownFact,
)
from dsreport.analyse.metricfacts import interval_fact, num
from dsreport.api import load_bundle
from helpers import EXAMPLES


@pytest.fixture(scope="module")
def digits() -> Facts:
    return analyse(load_bundle(EXAMPLES / "digit-routing"))


def metric(
    name: str,
    value: float,
    n: int,
    *,
    group: str | None = None,
    target: float = 0.8,
    threshold: float | None = 0.8,
    source: str = "reported",
) -> MetricFact:
    return MetricFact.model_validate(
        {
            "name": name,
            "label": name.replace("_", " ").capitalize(),
            "label_pm": name.replace("_", " "),
            "value": num(name, value),
            "interval": interval_fact(name, value - 0.03, min(value + 0.03, 1.0), 0.95, "wilson"),
            "direction": "higher_is_better",
            "target": num(name, target),
            "split": "test",
            "slice_key": "band" if group else None,
            "slice_value": group,
            "rung": "chosen",
            "n": n,
            "source": source,
            "threshold": threshold,
        }
    )


def outcome(acted: int, total: int) -> OutcomeFact:
    volume = 10_000.0
    ours = acted * volume / total
    count = OutcomeCountFact(
        kind="acted",
        means="forms entered automatically",
        better="more",
        count=acted,
        n=total,
        ours=Num(value=ours, text=f"{ours:,.0f}", text_pm=f"{ours:,.0f}"),
        target=Num(value=7_000.0, text="7,000", text_pm="7,000"),
        target_met=ours >= 7_000,
        shown=ShownFact(text={}, text_pm={}),
    )
    return OutcomeFact(
        unit="forms",
        period="week",
        volume=Num(value=volume, text="10,000", text_pm="10,000"),
        gate=0.8,
        gate_text="confidence is at or above 0.8",
        rung="chosen",
        baseline="rules",
        n=total,
        counts=[count],
    )


def test_a_count_behind_a_share_round_trips_or_is_not_used() -> None:
    """A reported 88.27% of 179 rows is 158 (158 / 179 = 0.88268, and neither 157 nor 159
    rounds to 0.8827); 0.88 of 179 could be 157 or 158, so it is not used. A value that is
    exactly k / n is that count however few its decimals; a computed one must be."""
    assert holdback.count_of(metric("auto_entry_rate", 0.8827, 179, group="m")) == 158
    assert holdback.count_of(metric("auto_entry_rate", 0.88, 179, group="m")) is None
    assert holdback.count_of(metric("auto_entry_rate", 0.9, 500)) == 450
    assert holdback.count_of(metric("accuracy", 1.0, 179, group="m")) == 179
    assert holdback.count_of(metric("accuracy", 169 / 179, 179, source="computed")) == 169
    assert holdback.count_of(metric("accuracy", 0.944, 179, source="computed")) is None


def test_digit_routing_holding_the_medium_band_back_breaks_the_auto_entry_target(
    digits: Facts,
) -> None:
    """158 of the medium band's 179 fields were to be entered automatically (88.27% of 179);
    keyed instead, automatic entry falls from 483 of 540 to 325 of 540, below the 80%
    target the model meets, and the recommendation says the conditions conflict."""
    rec = digits.recommendation
    assert rec is not None and rec.decision == "ship_with_conditions"
    (term,) = [t for t in rec.terms if t.slice == "ink_band = medium"]
    assert term.cost is not None and term.cost.moved == 158
    rates = {c.name: (c.count, c.n, c.count_after, c.n_after) for c in term.cost.costs}
    assert rates == {
        "accuracy": (527, 540, 358, 361),  # on the fields the model still reads
        "top_k_accuracy": (539, 540, 361, 361),
        "auto_entry_rate": (483, 540, 325, 540),  # over every field
        "acted": (483, 540, 325, 540),
        "not_acted": (57, 540, 215, 540),
    }
    assert [c.name for c in term.cost.breaks] == ["auto_entry_rate", "acted", "not_acted"]
    assert term.text.endswith(
        "only once a fresh evaluation's 95% lower bound on Accuracy there meets 97.0%. This "
        "sends 158 more of the 540 test digit fields to the fallback: Auto entry rate falls "
        "from 89.4% to 60.2%, below its target 80.0%; fields entered automatically fall from "
        "894,000 to 602,000 a month, below the target 850,000; fields keyed by hand rise from "
        "106,000 to 398,000 a month, above the target 150,000."
    )
    assert term.text_pm == (
        "Before launch, send ink_band = medium (33% of cases) to the fallback: there the share "
        "of all decisions that are right is clearly below 97%. This sends 158 more of 540 test "
        "digit fields to the fallback: the auto entry rate falls from 89% to 60%, below its "
        "target 80%."
    )
    # both findings on the band (Accuracy below its target, Macro F1 below the overall
    # value) carry the recommendation's condition to ship, word for word
    found = [f.condition.text for f in digits.findings if f.condition and f.slice == term.slice]
    assert found == [term.text, term.text]
    assert rec.reasons[1] == (
        "The conditions conflict: routing ink_band = medium to the fallback misses a target "
        "the model otherwise meets (Auto entry rate falls from 89.4% to 60.2%, below its "
        "target 80.0%). Ship only if the owner accepts this; else improve the model on "
        "ink_band = medium first."
    )


def test_a_hold_back_that_breaks_no_target_is_said_without_a_warning() -> None:
    """450 of 500 forms entered automatically; the 50 held back had 40 of them. 410 of 500
    (82.0%) still meets 80%, and 8,200 forms a week still meets 7,000: the report says the
    cost, while the PM's sentence and the recommendation add nothing."""
    overall = {
        "auto_entry_rate": metric("auto_entry_rate", 0.9, 500),
        "accuracy": metric("accuracy", 0.95, 500, target=0.9, threshold=None),
    }
    group = {
        "auto_entry_rate": metric("auto_entry_rate", 0.8, 50, group="dim"),
        "accuracy": metric("accuracy", 0.86, 50, group="dim", target=0.9, threshold=None),
    }
    cost = holdback.hold_back_cost(overall, group, 50, 500, outcome(450, 500))
    assert cost is not None and cost.moved == 40 and not cost.breaks
    assert holdback.sentence(cost) == (
        "This sends 40 more of the 500 test forms to the fallback: Auto entry rate falls from "
        "90.0% to 82.0%, still meeting its target 80.0%; forms entered automatically fall "
        "from 9,000 to 8,200 a week, still meeting the target 7,000."
    )
    assert holdback.sentence(cost, pm=True) is None
    assert holdback.conflict("band = dim", cost) is None
    term = conditions.hold_back(group["accuracy"], 50, 500, cost)
    assert term.text_pm == (
        "Before launch, send band = dim (10% of cases) to the fallback: there the accuracy is "
        "clearly below 90%."
    )
    assert term.text.endswith("still meeting the target 7,000.")
    # accuracy rises on the 450 forms the model still decides (432 of 450): no cost to say
    (acc,) = [c for c in cost.costs if c.name == "accuracy"]
    assert (acc.count_after, acc.n_after, acc.after.text) == (432, 450, "96.0%")


def test_without_the_outcome_a_bundles_own_rate_is_not_read_as_the_share_acted_on() -> None:
    """Whether a bundle's own rate is the share automated is known only from the outcome's
    acted count; without it the rate is left out, and nothing is guessed."""
    overall = {"auto_entry_rate": metric("auto_entry_rate", 0.9, 500)}
    group = {"auto_entry_rate": metric("auto_entry_rate", 0.8, 50, group="dim")}
    assert holdback.hold_back_cost(overall, group, 50, 500, None) is None
    # a count that is not the outcome's acted rows is not the share acted on either
    assert holdback.hold_back_cost(overall, group, 50, 500, outcome(449, 500)) is None


def test_the_deck_puts_a_condition_that_costs_a_target_first_among_its_risks(
    digits: Facts,
) -> None:
    """The front slide's headline is the model serving every field (894,000 a month): the
    PM must see, before approving, that a condition takes the auto entry rate below its
    target. It is the top risk (no finding is critical) and heads the risks slide."""
    from dsreport.render.deck.words import holdback_risks, top_risks

    sentence = (
        "Sending ink band = medium to the fallback, as a condition asks, costs a target: the "
        "auto entry rate falls from 89% to 60%, below its target 80%."
    )
    assert holdback_risks(digits) == [sentence]
    assert top_risks(digits)[0] == sentence
    assert not any(f.severity == "critical" for f in digits.findings)
