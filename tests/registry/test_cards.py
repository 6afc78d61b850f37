"""Model package card rules: schema verdicts and messages, the MetadataOnly view, and card diffs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from registro.registry import cards
from registro.registry.errors import ValidationError

CARDS = Path(__file__).resolve().parent.parent / "fixtures" / "model-cards"
PREFIX = "ModelCardContent does not follow the model package card schema: "
METRICS = "$.evaluation_details[0].metric_groups[0].metric_data"


def fixture_text(name: str) -> str:
    return (CARDS / name).read_text(encoding="utf-8")


def full_card() -> dict[str, Any]:
    card: dict[str, Any] = json.loads(fixture_text("full-card.json"))
    return card


def schema_errors(content: str) -> list[str]:
    """The `<path>: <message> (<keyword>)` items of the raised message, in order."""
    with pytest.raises(ValidationError) as caught:
        cards.check_content(content)
    message = caught.value.message
    assert message.startswith(PREFIX)
    return message.removeprefix(PREFIX).split("; ")


def with_metric(item: Any) -> str:
    card = full_card()
    card["evaluation_details"][0]["metric_groups"][0]["metric_data"] = [item]
    return json.dumps(card)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(cards._schema())


def test_full_card_is_accepted() -> None:
    cards.check_content(fixture_text("full-card.json"))


def test_full_card_uses_every_metric_type() -> None:
    # Guards the fixture itself: the acceptance above covers each anyOf branch only if all types occur.
    types = {
        metric["type"]
        for evaluation in full_card()["evaluation_details"]
        for group in evaluation["metric_groups"]
        for metric in group["metric_data"]
    }
    assert types == {"number", "string", "boolean", "linear_graph", "bar_chart", "matrix"}


def test_compact_and_pretty_printed_cards_are_accepted() -> None:
    card = full_card()
    cards.check_content(json.dumps(card))
    cards.check_content(json.dumps(card, indent=2, ensure_ascii=False))


def test_invalid_risk_rating_gives_one_enum_error() -> None:
    assert schema_errors(fixture_text("invalid-risk-rating.json")) == [
        "$.intended_uses.risk_rating: 'Critical' is not one of ['High', 'Medium', 'Low', 'Unknown'] (enum)"
    ]


def test_extra_property_gives_one_additional_properties_error_naming_it() -> None:
    assert schema_errors(fixture_text("invalid-extra-property.json")) == [
        (
            "$.model_overview: Additional properties are not allowed ('model_owner' was unexpected)"
            " (additionalProperties)"
        )
    ]


def test_too_long_text_gives_one_max_length_error_with_the_value_cut() -> None:
    content = fixture_text("invalid-too-long.json")
    problem = json.loads(content)["business_details"]["business_problem"]
    assert len(problem) == 2049
    assert schema_errors(content) == [
        (
            f"$.business_details.business_problem: '{problem[:60]}...' is too long (maximum 2048 characters)"
            " (maxLength)"
        )
    ]


def test_not_json_is_refused_with_the_parser_message() -> None:
    with pytest.raises(ValidationError) as caught:
        cards.check_content('{"intended_uses": ')
    assert caught.value.message == (
        "ModelCardContent is not valid JSON: Expecting value: line 1 column 19 (char 18)"
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_numbers_are_refused(constant: str) -> None:
    with pytest.raises(
        ValidationError, match=r"^ModelCardContent is not valid JSON: -?(Infinity|NaN) is not allowed$"
    ):
        cards.check_content(f'{{"training_details": {{"training_observations": {constant}}}}}')


def test_deep_nesting_is_refused_as_not_json() -> None:
    with pytest.raises(ValidationError, match="^ModelCardContent is not valid JSON: "):
        cards.check_content("[" * 60_000 + "]" * 60_000)


@pytest.mark.parametrize(("content", "shown"), [("[]", "[]"), ('"card"', "'card'"), ("null", "null")])
def test_json_that_is_not_an_object_fails_at_the_root(content: str, shown: str) -> None:
    assert schema_errors(content) == [f"$: {shown} is not of type 'object' (type)"]


def test_empty_object_is_a_valid_card() -> None:
    cards.check_content("{}")


def test_metric_item_reports_the_branch_named_by_its_type() -> None:
    errors = schema_errors(with_metric({"name": "x", "type": "linear_graph", "value": 3}))
    assert errors == [f"{METRICS}[0].value: 3 is not of type 'array' (type)"]


def test_metric_item_reports_every_error_of_its_branch_sorted_by_path() -> None:
    matrix = [[1.0] * 21 for _ in range(2)]
    errors = schema_errors(with_metric({"name": "", "type": "matrix", "value": matrix, "x_axis_name": "a"}))
    assert [e.rsplit(" (", 1)[1] for e in errors] == ["pattern)", "maxItems)", "maxItems)", "type)"]
    assert errors[0] == f"{METRICS}[0].name: '' does not match '.{{1,255}}' (pattern)"
    assert errors[1].startswith(f"{METRICS}[0].value[0]: [1.0, 1.0")
    assert errors[1].endswith("... has 21 items (maximum 20) (maxItems)")
    assert errors[2].startswith(f"{METRICS}[0].value[1]: ")
    assert errors[3] == f"{METRICS}[0].x_axis_name: 'a' is not of type 'array' (type)"


def test_matrix_with_too_many_rows_names_the_count() -> None:
    errors = schema_errors(with_metric({"name": "m", "type": "matrix", "value": [[1]] * 21}))
    shown = json.dumps([[1]] * 21)[:60]
    assert errors == [f"{METRICS}[0].value: {shown}... has 21 items (maximum 20) (maxItems)"]


def test_simple_metric_value_reports_the_branch_of_its_json_type() -> None:
    errors = schema_errors(with_metric({"name": "s", "type": "string", "value": "v" * 64}))
    assert errors == [f"{METRICS}[0].value: '{'v' * 60}...' is too long (maximum 63 characters) (maxLength)"]


def test_simple_metric_value_of_no_allowed_type_names_the_allowed_types() -> None:
    errors = schema_errors(with_metric({"name": "s", "type": "number", "value": {"a": 1}}))
    assert errors == [
        f"{METRICS}[0].value: {{\"a\": 1}} is not of type 'number' or 'string' or 'boolean' (type)"
    ]


def test_simple_metric_type_is_not_tied_to_its_value() -> None:
    # console.md 8.1: the schema lets a boolean metric carry a number; the console warns, the API accepts.
    cards.check_content(with_metric({"name": "b", "type": "boolean", "value": 3.5}))


def test_metric_item_of_unknown_type_lists_the_known_types() -> None:
    errors = schema_errors(with_metric({"name": "p", "type": "pie", "value": 1}))
    assert errors == [
        (
            f"{METRICS}[0].type: 'pie' is not one of "
            "['number', 'string', 'boolean', 'linear_graph', 'bar_chart', 'matrix'] (enum)"
        )
    ]


def test_metric_item_without_type_says_type_is_required() -> None:
    errors = schema_errors(with_metric({"name": "p", "value": 1}))
    assert errors == [f"{METRICS}[0]: 'type' is a required property (required)"]


def test_metric_item_that_is_not_an_object_says_so() -> None:
    errors = schema_errors(with_metric("accuracy"))
    assert errors == [f"{METRICS}[0]: 'accuracy' is not of type 'object' (type)"]


def test_errors_sort_by_path_with_indexes_as_numbers() -> None:
    card = full_card()
    card["evaluation_details"] = [{"name": f"e{i}"} for i in range(12)]
    card["evaluation_details"][10]["datasets"] = "s3://x"
    card["evaluation_details"][2]["datasets"] = "s3://y"
    card["intended_uses"]["risk_rating"] = "high"
    paths = [e.split(": ", 1)[0] for e in schema_errors(json.dumps(card))]
    assert paths == [
        "$.evaluation_details[2].datasets",
        "$.evaluation_details[10].datasets",
        "$.intended_uses.risk_rating",
    ]


def test_odd_property_names_are_quoted_in_paths_and_messages() -> None:
    card = full_card()
    card["evaluation_details"][0]["metadata"] = {"data set": 5}
    card["model overview"] = {}
    assert schema_errors(json.dumps(card)) == [
        "$: Additional properties are not allowed ('model overview' was unexpected) (additionalProperties)",
        "$.evaluation_details[0].metadata['data set']: 5 is not of type 'string' (type)",
    ]


def test_messages_are_one_line() -> None:
    card = full_card()
    card["intended_uses"]["risk_rating"] = "Low\nHigh"
    (error,) = schema_errors(json.dumps(card))
    assert "\n" not in error
    assert error.startswith("$.intended_uses.risk_rating: 'Low\\nHigh' is not one of")


def test_many_errors_are_counted_past_the_listed_ones() -> None:
    card = full_card()
    card["evaluation_details"] = [{"name": ""} for _ in range(cards.MAX_LISTED_ERRORS + 5)]
    errors = schema_errors(json.dumps(card))
    assert len(errors) == cards.MAX_LISTED_ERRORS + 1
    assert errors[-1] == "and 5 more errors"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), "$"),
        (("intended_uses", "risk_rating"), "$.intended_uses.risk_rating"),
        (
            ("evaluation_details", 0, "metric_groups", 0, "metric_data", 2),
            "$.evaluation_details[0].metric_groups[0].metric_data[2]",
        ),
        (
            ("additional_information", "custom_details", "it's"),
            "$.additional_information.custom_details['it\\'s']",
        ),
    ],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert cards.format_path(path) == text


def test_metadata_only_keeps_the_risk_rating() -> None:
    card = full_card()
    card["intended_uses"]["risk_rating"] = "High"
    assert cards.metadata_only(json.dumps(card)) == '{"intended_uses": {"risk_rating": "High"}}'


@pytest.mark.parametrize(
    "content",
    ["{}", '{"intended_uses": {"purpose_of_model": "p"}}', '{"model_overview": {}}', "not json", "[]"],
)
def test_metadata_only_without_a_risk_rating_is_empty(content: str) -> None:
    assert cards.metadata_only(content) == "{}"


def test_metadata_only_of_the_full_card() -> None:
    assert json.loads(cards.metadata_only(fixture_text("full-card.json"))) == {
        "intended_uses": {"risk_rating": "Low"}
    }


def test_changed_fields_of_identical_cards_is_empty() -> None:
    text = fixture_text("full-card.json")
    assert cards.changed_fields(text, json.dumps(json.loads(text), indent=4)) == []


def test_changed_fields_names_second_level_fields() -> None:
    before = full_card()
    after = full_card()
    after["intended_uses"]["risk_rating"] = "High"
    after["business_details"]["business_problem"] = "Other"
    del after["business_details"]["line_of_business"]
    assert cards.changed_fields(json.dumps(before), json.dumps(after)) == [
        "business_details.business_problem",
        "business_details.line_of_business",
        "intended_uses.risk_rating",
    ]


def test_changed_fields_compares_lists_whole() -> None:
    before = full_card()
    after = full_card()
    after["evaluation_details"][0]["metric_groups"][0]["metric_data"][0]["value"] = 0.123
    assert cards.changed_fields(json.dumps(before), json.dumps(after)) == ["evaluation_details"]


def test_changed_fields_from_and_to_no_card() -> None:
    text = '{"intended_uses": {"risk_rating": "Low"}, "evaluation_details": []}'
    expected = ["evaluation_details", "intended_uses.risk_rating"]
    assert cards.changed_fields(None, text) == expected
    assert cards.changed_fields(text, None) == expected
    assert cards.changed_fields(None, None) == []


def test_changed_fields_reports_an_added_empty_section() -> None:
    assert cards.changed_fields("{}", '{"business_details": {}}') == ["business_details"]


def test_changed_fields_sees_type_changes_python_equality_hides() -> None:
    before = '{"training_details": {"objective_function": 1}}'
    after = '{"training_details": {"objective_function": true}}'
    # In Python 1 == True, so the comparison goes through canonical JSON.
    assert cards.changed_fields(before, after) == ["training_details.objective_function"]
