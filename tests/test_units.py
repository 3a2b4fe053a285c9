"""Small units the loader's output flows into: number formatting, Wilson intervals, resource
lookup, and the JSON Schema of dsreport.yaml."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
import yaml

from dsreport import api
from dsreport.analyse import format as F
from dsreport.analyse.intervals import wilson
from dsreport.errors import DsreportError
from dsreport.resources import asset, assets_dir, resource_dir, templates_dir
from helpers import BUNDLES, REPO

# --- format ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "value", "ds", "pm"),
    [
        ("recall", 0.8123, "81.2%", "81%"),
        ("error_rate", 0.0449, "4.5%", "5%"),  # the deck rounds the report's 4.5%, half up
        ("roc_auc", 0.87654, "0.877", "0.88"),
        ("mae", 0.000123456, "0.000123", "0.00012"),
        ("mae", -0.5, "−0.500", "−0.50"),
        ("rmse", 0.0, "0", "0"),
        ("r2", float("nan"), "n/a", "n/a"),
    ],
)
def test_fmt(metric: str, value: float, ds: str, pm: str) -> None:
    assert F.fmt(metric, value) == ds
    assert F.fmt(metric, value, audience="pm") == pm
    assert F.fmt_both(metric, value) == (ds, pm)


def test_fmt_interval() -> None:
    assert F.fmt_interval("recall", 0.75, 0.85) == "75.0%–85.0%"
    assert F.fmt_interval("recall", 0.75, 0.85, audience="pm") == "75%–85%"
    assert F.fmt_interval("roc_auc", 0.8, 0.9) == "0.800–0.900"
    for metric, low, high in [
        ("recall", 0.75, 0.85),
        ("recall", 0.0004, 0.0116),
        ("roc_auc", 0.8, 0.9),
        ("mae", 44.71, 53.8),
        ("log_loss", 0.0443, 0.159),
        ("rmse", 1.76e308, float("inf")),
    ]:
        both = (F.fmt_interval(metric, low, high), F.fmt_interval(metric, low, high, audience="pm"))
        assert F.fmt_interval_both(metric, low, high) == both


@pytest.mark.parametrize(
    ("metric", "delta", "ds", "pm"),
    [
        ("recall", 0.031, "+3.1 pts", "+3 pts"),
        ("recall", -0.031, "−3.1 pts", "−3 pts"),
        ("roc_auc", -0.0123, "−0.0123", "−0.012"),
        ("roc_auc", 0.0123, "+0.0123", "+0.012"),
        ("recall", 0.0, "0.0 pts", "0 pts"),
        ("recall", -0.0004, "0.0 pts", "0 pts"),
    ],
)
def test_fmt_delta(metric: str, delta: float, ds: str, pm: str) -> None:
    assert F.fmt_delta(metric, delta) == ds
    assert F.fmt_delta(metric, delta, audience="pm") == pm


@pytest.mark.parametrize(
    ("value", "ds", "pm"),
    [
        (0.995, "99.5%", "99.5%"),
        (0.99996, "99.996%", "99.996%"),
        (1.0, "100.0%", "100%"),
        (0.0004, "0.04%", "0.04%"),
        (0.0, "0.0%", "0%"),
        (0.004, "0.40%", "0.4%"),  # below 1%: one decimal more in the report
    ],
)
def test_rates_are_never_rounded_to_0_or_100_percent_unless_they_are(
    value: float, ds: str, pm: str
) -> None:
    assert F.fmt("recall", value) == ds
    assert F.fmt("recall", value, audience="pm") == pm


@pytest.mark.parametrize(
    ("text", "kind", "pm"),
    [
        ("97.6%", "rate", "98%"),
        ("44.7", "number", "45"),
        ("1,850", "count", "1,900"),
        ("+8.4 pts", "rate", "+8 pts"),
        ("0.0264", "number", "0.026"),
        ("99.5%", "rate", "99.5%"),
    ],
)
def test_the_deck_rounds_the_reports_number_again(text: str, kind: F.Kind, pm: str) -> None:
    assert F.reround(text, kind) == pm


def test_values_shown_together_add_up_and_stay_apart() -> None:
    # 97.6% and 89.2% differ by 8.4 points: 98% and 89% with "+8 pts" would not add up
    ds, pm = F.fmt_group("rate", {"ours": 0.9761, "today": 0.8915}, change=("ours", "today"))
    assert ds == {"ours": "97.6%", "today": "89.2%", "change": "+8.4 pts"}
    assert pm == ds
    # 44.7 against a target of 45: "45 against 45" would hide it
    ds, pm = F.fmt_group("number", {"ours": 44.726, "target": 45.0}, distinct=[("ours", "target")])
    assert pm == {"ours": "44.7", "target": "45.0"}
    # counts shown together share one precision, and the change is their difference
    ds, pm = F.fmt_group(
        "count", {"ours": 52.63, "today": 144.74, "target": 70}, change=("ours", "today")
    )
    assert pm == {"ours": "53", "today": "145", "target": "70", "change": "−92"}
    ds, pm = F.fmt_group("count", {"ours": 894444.4, "today": 0.0}, change=("ours", "today"))
    assert ds == {"ours": "894,000", "today": "0", "change": "+894,000"}
    assert pm == {"ours": "890,000", "today": "0", "change": "+890,000"}
    # a plain case keeps the deck's fewer digits
    ds, pm = F.fmt_group("rate", {"ours": 0.81, "today": 0.62}, change=("ours", "today"))
    assert pm == {"ours": "81%", "today": "62%", "change": "+19 pts"}


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.5, 2, "0.50"),
        (-0.5, 2, "−0.50"),
        (12.345, 3, "12.3"),
        (0.000123456, 3, "0.000123"),
        (0.0, 3, "0"),
        (float("nan"), 3, "n/a"),
        (float("inf"), 3, "∞"),
        (float("-inf"), 3, "−∞"),
        (1.7625819408220361e308, 2, "1.8e+308"),  # rounds past the largest float
        (-6.7e161, 3, "−6.70e+161"),
    ],
)
def test_sig(value: float, digits: int, text: str) -> None:
    assert F.sig(value, digits) == text


def test_a_huge_value_is_written_in_powers_of_ten_for_both_audiences() -> None:
    assert F.fmt("mae", 1.7625819408220361e308) == "1.76e+308"
    assert F.fmt("mae", 1.7625819408220361e308, audience="pm") == "1.8e+308"
    assert F.fmt("mae", -6.7e161, audience="pm") == "−6.7e+161"


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(123456, 3, "123,000"), (1234.5678, 2, "1,200"), (9.9996, 3, "10.0")],
)
def test_sig_rounds_to_significant_digits(value: float, digits: int, text: str) -> None:
    assert F.sig(value, digits) == text


# --- wilson ---------------------------------------------------------------------------------------


def test_wilson_matches_a_hand_computed_interval() -> None:
    # 8 of 10, 95%: z = 1.959964, z² = 3.841459, denominator 1 + z²/n = 1.384146,
    # centre (0.8 + z²/20) / 1.384146 = 0.716740,
    # half-width z·sqrt(0.8·0.2/10 + z²/400) / 1.384146 = 0.226578 -> (0.490162, 0.943318),
    # the textbook 49.0%–94.3%.
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.490162, abs=2e-6)
    assert high == pytest.approx(0.943318, abs=2e-6)


def test_wilson_edges() -> None:
    low, high = wilson(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(0.277533, abs=1e-6)  # the textbook 0–27.8% for 0 of 10
    assert wilson(10, 10)[1] == 1.0
    assert wilson(0, 0) == (0.0, 1.0)
    narrow, wide = wilson(8, 10, level=0.90), wilson(8, 10, level=0.99)
    assert wide[0] < narrow[0] < 0.8 < narrow[1] < wide[1]


# --- resources ----------------------------------------------------------------------------------


def test_resources_are_found_in_this_checkout() -> None:
    assert templates_dir() == REPO / "templates"
    assert assets_dir() == REPO / "assets"
    assert resource_dir("examples") == REPO / "examples"


def test_a_missing_resource_is_a_clear_error() -> None:
    with pytest.raises(DsreportError, match=r"the nosuch/ folder that ships with dsreport"):
        resource_dir("nosuch")
    with pytest.raises(DsreportError, match=r"asset fonts/none\.ttf is missing from "):
        asset("fonts/none.ttf")


# --- JSON Schema ----------------------------------------------------------------------------------


class _DatesAsText(yaml.SafeLoader):
    """yaml.safe_load, except that dates stay strings (JSON has no date type)."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def yaml_data(name: str) -> dict[str, Any]:
    text = (BUNDLES / name / "dsreport.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_DatesAsText)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = api.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_schema_is_valid_draft_2020_12(validator: jsonschema.Draft202012Validator) -> None:
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_json_schema_accepts_the_minimal_bundle(
    validator: jsonschema.Draft202012Validator,
) -> None:
    assert [e.message for e in validator.iter_errors(yaml_data("minimal"))] == []


def test_json_schema_accepts_the_good_bundle(validator: jsonschema.Draft202012Validator) -> None:
    assert [e.message for e in validator.iter_errors(yaml_data("good-binary"))] == []


def test_json_schema_accepts_the_good_bundle_once_quoted(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = yaml_data("good-binary")
    data["project"]["version"] = "1.10"
    data["ecosystem"]["statement"]["reduce"] = "no"
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize(
    ("where", "key"),
    [(("project",), "tsak"), ((), "ecosytem"), (("audiences", "pm"), "desicion")],
)
def test_json_schema_rejects_a_misspelt_key(
    where: tuple[str, ...], key: str, validator: jsonschema.Draft202012Validator
) -> None:
    data = copy.deepcopy(yaml_data("minimal"))
    target = data
    for part in where:
        target = target[part]
    correct = {"tsak": "task", "ecosytem": "ecosystem", "desicion": "decision"}[key]
    target[key] = target.pop(correct)
    messages = [e.message for e in validator.iter_errors(data)]
    assert any(repr(key) in m for m in messages), messages


def test_json_schema_rejects_a_wrong_enum(validator: jsonschema.Draft202012Validator) -> None:
    data = yaml_data("minimal")
    data["project"]["task"] = "binery"
    assert not validator.is_valid(data)


def test_soft_breaks_split_long_tokens_after_separators_and_every_16_characters() -> None:
    from dsreport.render.markdown import soft_breaks

    z = "\u200b"
    assert soft_breaks("short words stay as they are") == "short words stay as they are"
    assert soft_breaks("x" * 40) == f"{'x' * 16}{z}{'x' * 16}{z}{'x' * 8}"
    assert soft_breaks("see https://example.org/a/b?q=1 now") == (
        f"see https:{z}/{z}/{z}example.{z}org/{z}a/{z}b?{z}q={z}1 now"
    )
    digest = "0123456789abcdef" * 4
    assert soft_breaks(digest) == digest  # copied whole from the appendix


def test_soft_break_html_touches_text_nodes_only() -> None:
    from dsreport.render.markdown import soft_break_html

    z = "\u200b"
    long = "a_b" * 10
    page = (
        f'<p id="{long}">{long} &amp; more</p><style>.{long} {{}}</style>'
        f'<code>{long}</code><img src="data:x;base64,{long}">{long}'
    )
    broken = "a_" + z + ("b" + "a_" + z) * 9 + "b"
    assert soft_break_html(page) == (
        f'<p id="{long}">{broken} &amp; more</p><style>.{long} {{}}</style>'
        f'<code>{broken.replace(z, "<wbr>")}</code><img src="data:x;base64,{long}">{broken}'
    )
    assert soft_break_html(f"<pre>{long}</pre>") == f"<pre>{long}</pre>"


def test_the_schema_bounds_numbers_with_json_schema_keywords() -> None:
    text = api.json_schema_text()
    for raw in ('"ge"', '"gt"', '"le"', '"lt"'):
        assert raw not in text
    budget = api.json_schema()["$defs"]["Latency"]["properties"]["budget_ms"]
    assert budget["anyOf"][0]["anyOf"][0] == {"type": "number", "exclusiveMinimum": 0}


# --- one number style per metric kind ----------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "rate"),
    [
        ("auto_entry_rate", True),
        ("share_within_40", True),
        ("priority_recall", True),
        ("error_rate", True),
        ("top_k_accuracy", True),
        ("average_precision", False),  # known, and a ranking score, not a share
        ("roc_auc", False),
        ("r2", False),
        ("latency_p95", False),
    ],
)
def test_a_rate_is_known_by_name(metric: str, rate: bool) -> None:
    assert F.is_rate(metric) is rate


def test_small_rates_keep_a_significant_digit() -> None:
    assert F.fmt("error_rate", 0.0021) == "0.21%"
    assert F.fmt("error_rate", 0.0021, audience="pm") == "0.2%"
    assert F.fmt("error_rate", 0.0) == "0.0%"
    assert F.fmt_interval("error_rate", 0.0004, 0.0116) == "0.04%–1.2%"


@pytest.mark.parametrize(
    ("metric", "low", "high", "text"),
    [
        ("mae", 39.04, 50.71, "39.0–50.7"),
        ("log_loss", 0.0439, 0.159, "0.044–0.159"),
        ("brier", 0.000711, 0.012, "0.0007–0.0120"),
        ("roc_auc", 0.9712, 0.99951, "0.971–1.000"),
    ],
)
def test_an_interval_has_one_precision(metric: str, low: float, high: float, text: str) -> None:
    assert F.fmt_interval(metric, low, high) == text


def test_a_difference_has_the_precision_of_what_it_compares() -> None:
    assert F.fmt_delta("mae", -9.02, like=44.7) == "−9.0"
    assert F.fmt_delta("mae", -14.93, like=44.7) == "−14.9"
    assert F.fmt_delta("r2", 0.1416, like=0.401) == "+0.142"
    assert F.fmt_delta("mae", 0.04, like=44.7) == "0.0"
    assert F.fmt_delta("mae", -9.02) == "−9.02"  # without a reference: significant digits


def test_quantities_and_settings_drop_trailing_zeros() -> None:
    assert F.fmt_quantity(0.0067, "ms") == "0.0067 ms"
    assert F.fmt_quantity(18.0, "EUR per month") == "18 EUR per month"
    assert F.fmt_quantity(500, "ms (p95)") == "500 ms (p95)"
    assert F.fmt_quantity(0.666, "ms") == "0.666 ms"
    assert F.plain(0.2) == "0.2"
