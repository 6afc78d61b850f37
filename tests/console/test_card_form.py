"""The model card edit form's model (registro/console/card_form.py): card ⇄ state ⇄ fields, row actions,
schema limits read at runtime, and schema errors placed on the field their JSON path names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registro.console import card_form
from registro.console.forms import FORM
from registro.registry import cards

CARDS = Path(__file__).resolve().parent.parent / "fixtures" / "model-cards"
PACKAGES = Path(__file__).resolve().parent.parent / "fixtures" / "packages"
POINTS = "evaluation_details.0.metric_groups.1.metric_data.0"
BARS = "evaluation_details.0.metric_groups.1.metric_data.1"
MATRIX = "evaluation_details.0.metric_groups.1.metric_data.2"


def load(name: str) -> Any:
    return json.loads((CARDS / name).read_text(encoding="utf-8"))


def posted(state: card_form.State) -> dict[str, str]:
    """The fields a browser posts for a rendered state (every text leaf, named by its path)."""
    return {name: value for name, value in card_form.names(state) if isinstance(value, str)}


def saved(state: card_form.State) -> tuple[dict[str, Any], Any]:
    return card_form.card_from_state(card_form.compacted(state))


def test_full_card_survives_the_form_unchanged() -> None:
    card = load("full-card.json")
    state = card_form.state_from_fields(posted(card_form.state_from_card(card)))
    rebuilt, errors = saved(state)
    assert not errors
    assert rebuilt == card
    assert json.loads(card_form.serialize(rebuilt)) == card


def test_every_schema_property_has_a_form_field() -> None:
    """Walk the schema; each property reachable from the root must be a field name of the full card's form."""
    fields = {
        card_form.shape_of(name)
        for name, _ in card_form.names(card_form.state_from_card(load("full-card.json")))
    }

    def walk(node: dict[str, Any], path: str) -> list[str]:
        node = card_form._resolve(node)
        found = []
        for key, child in node.get("properties", {}).items():
            here = f"{path}.{key}" if path else key
            found.append(here)
            found += walk(child, here)
        if isinstance(node.get("items"), dict):
            found += walk(node["items"], f"{path}.*")
        return found

    expected = set(walk(card_form.schema(), ""))
    # Map-valued objects (metadata, custom_details) are key/value rows in the form.
    missing = {
        p for p in expected if p not in fields and f"{p}.*" not in fields and f"{p}.*.key" not in fields
    }
    # metric_data items are anyOf branches: their members are checked below; the objective function has no
    # properties in the schema (console.md 8.1) and is covered by its own fields.
    assert missing == set()
    for member in ("name", "type", "notes", "value", "x_axis_name", "y_axis_name"):
        assert f"{card_form.METRICS}.*.{member}" in fields


def test_limits_come_from_the_schema() -> None:
    assert card_form.limit("business_details.business_problem") == 2048
    assert card_form.limit("evaluation_details.*.evaluation_observation") == 2096
    assert card_form.limit("evaluation_details.*.evaluation_job_arn") == 256
    assert card_form.limit("training_details.training_observations") == 1024
    assert card_form.limit("#simple_metric.value") == 63
    assert card_form.limit("#objective_function.facet") == 63
    assert card_form.limit("training_details.objective_function.notes") == 1024
    assert card_form.max_items("evaluation_details.*.datasets") == 10
    assert card_form.matrix_max() == (20, 20)
    assert card_form.enum("#risk_rating") == ("High", "Medium", "Low", "Unknown")
    assert set(card_form.metric_types()) == {
        "number",
        "string",
        "boolean",
        "linear_graph",
        "bar_chart",
        "matrix",
    }


def test_too_long_business_problem_is_placed_on_its_field() -> None:
    state = card_form.state_from_card(load("invalid-too-long.json"))
    card, errors = saved(state)
    assert not errors
    placed = card_form.place_problems(cards.problems_in(card), state)
    assert list(placed.fields) == ["business_details.business_problem"]
    assert "too long (maximum 2048 characters)" in placed.of("business_details.business_problem")[0]


@pytest.mark.parametrize(
    ("fixture", "field"),
    [
        ("invalid-risk-rating.json", "intended_uses.risk_rating"),
        ("invalid-extra-property.json", "model_overview"),
    ],
)
def test_stored_invalid_cards_point_at_the_field(fixture: str, field: str) -> None:
    card = load(fixture)
    placed = card_form.place_problems(cards.problems_in(card), card_form.state_from_card(card))
    assert list(placed.fields) == [field]


def test_metric_errors_land_on_points_cells_and_map_rows() -> None:
    card = load("full-card.json")
    state = card_form.state_from_card(card)
    state["evaluation_details"][0]["metric_groups"][1]["metric_data"][0]["value"][3][1] = "nine"
    state["evaluation_details"][0]["metric_groups"][1]["metric_data"][2]["value"][1][2] = ""
    state["evaluation_details"][0]["metadata"][1]["key"] = "source"  # a duplicate key
    state["evaluation_details"][1]["name"] = ""
    card, errors = saved(state)
    assert errors.of(f"{POINTS}.value.3.1") == ["y must be a number, not 'nine'"]
    assert errors.of(f"{MATRIX}.value.1.2") == ["Cell must be a number"]
    assert errors.of("evaluation_details.0.metadata.1.key") == ["Key 'source' is used twice"]
    placed = card_form.place_problems(cards.problems_in(card), state, errors)
    assert placed.of("evaluation_details.1.name")  # '' does not match '.{1,63}'


def test_simple_metric_value_follows_its_type() -> None:
    state = card_form.state_from_card(load("full-card.json"))
    metrics = state["evaluation_details"][0]["metric_groups"][0]["metric_data"]
    metrics[0]["value"] = "about two"
    metrics[4]["value"] = ""
    metrics[5]["value"] = "x" * 64
    card, errors = saved(state)
    base = "evaluation_details.0.metric_groups.0.metric_data"
    assert errors.of(f"{base}.0.value") == ["Value must be a number, not 'about two'"]
    assert errors.of(f"{base}.4.value") == ["Choose Yes or No"]
    placed = card_form.place_problems(cards.problems_in(card), state, errors)
    assert "too long (maximum 63 characters)" in placed.of(f"{base}.5.value")[0]


def test_map_errors_find_their_row() -> None:
    card = load("full-card.json")
    card["additional_information"]["custom_details"]["ticket"] = "t" * 1025
    state = card_form.state_from_card(card)
    placed = card_form.place_problems(cards.problems_in(card), state)
    assert list(placed.fields) == ["additional_information.custom_details.2.value"]


def test_required_member_errors_go_to_the_member_field() -> None:
    card = {"evaluation_details": [{"metric_groups": []}]}
    state = card_form.state_from_card(card)
    placed = card_form.place_problems(cards.problems_in(card), state)
    assert list(placed.fields) == ["evaluation_details.0.name"]


def test_add_and_remove_rows() -> None:
    state = card_form.state_from_card(load("full-card.json"))
    after, focus = card_form.apply(state, f"add:{POINTS}.value")
    assert len(after["evaluation_details"][0]["metric_groups"][1]["metric_data"][0]["value"]) == 10
    assert focus == card_form.field_id(f"{POINTS}.value.9.0")
    after, _ = card_form.apply(after, f"remove:{BARS}.value.0")
    bars = after["evaluation_details"][0]["metric_groups"][1]["metric_data"][1]
    assert len(bars["value"]) == len(bars["x_axis_name"]) == 9 and bars["x_axis_name"][0] == "-6 to -4.5"
    after, _ = card_form.apply(after, f"addx:{MATRIX}")
    after, _ = card_form.apply(after, f"removey:{MATRIX}.0")
    matrix = after["evaluation_details"][0]["metric_groups"][1]["metric_data"][2]
    assert len(matrix["x_axis_name"]) == len(matrix["value"]) == 4
    assert matrix["y_axis_name"] == ["adult (predicted)", "old (predicted)"]
    assert matrix["value"][0] == ["38", "2"]
    after, focus = card_form.apply(after, "add:evaluation_details")
    assert after["evaluation_details"][-1] == card_form.new_evaluation()
    assert focus == card_form.field_id("evaluation_details.3.name")
    assert state == card_form.state_from_card(load("full-card.json"))  # apply does not change its input
    with pytest.raises(card_form.BadAction):
        card_form.apply(state, "remove:evaluation_details.99")


def test_lists_stop_at_the_schema_maximum() -> None:
    state = card_form.state_from_card({"evaluation_details": [{"name": "e", "datasets": ["s3://b/k"] * 10}]})
    after, _ = card_form.apply(state, "add:evaluation_details.0.datasets")
    assert len(after["evaluation_details"][0]["datasets"]) == 10


def test_pasted_csv_replaces_the_points() -> None:
    state = card_form.state_from_card(load("full-card.json"))
    state["evaluation_details"][0]["metric_groups"][1]["metric_data"][0]["csv"] = (
        "x,y\r\n0,1\r\n1;2\r\n2\t4.5\r\n"
    )
    after, _ = card_form.apply(state, f"csv:{POINTS}")
    metric = after["evaluation_details"][0]["metric_groups"][1]["metric_data"][0]
    assert metric["value"] == [["0", "1"], ["1", "2"], ["2", "4.5"]]
    card, errors = saved(after)
    assert not errors
    assert card["evaluation_details"][0]["metric_groups"][1]["metric_data"][0]["value"] == [
        [0, 1],
        [1, 2],
        [2, 4.5],
    ]


def test_blank_rows_and_fields_are_omitted_and_line_breaks_become_lf() -> None:
    state = card_form.state_from_card({})
    state["model_overview"]["model_artifact"] = ["", "s3://b/model.tar.gz", "  "]
    state["business_details"]["business_problem"] = "one\r\ntwo\r\n"
    state["evaluation_details"] = [card_form.new_evaluation()]
    card, errors = saved(state)
    assert not errors
    assert card == {
        "model_overview": {"model_artifact": ["s3://b/model.tar.gz"]},
        "business_details": {"business_problem": "one\ntwo"},
    }
    assert (
        card_form.serialize(card) == '{"model_overview":{"model_artifact":["s3://b/model.tar.gz"]},'
        '"business_details":{"business_problem":"one\\ntwo"}}'
    )


def test_objective_function_keeps_an_unusual_stored_value() -> None:
    state = card_form.state_from_card({"training_details": {"objective_function": "minimize rmse"}})
    assert state["training_details"]["objective_function"]["raw"] == '"minimize rmse"'
    card, errors = saved(state)
    assert not errors and card["training_details"]["objective_function"] == "minimize rmse"
    state["training_details"]["objective_function"]["function"]["facet"] = "f" * 64
    _card, errors = saved(state)
    assert "maximum 63 characters" in errors.of("training_details.objective_function.function.facet")[0]


def test_prefilled_state_takes_artifacts_and_images_from_the_package() -> None:
    package = json.loads((PACKAGES / "abalone-v1.json").read_text(encoding="utf-8"))
    card, errors = saved(card_form.prefilled_state(package))
    assert not errors
    container = package["InferenceSpecification"]["Containers"][0]
    assert card["model_overview"]["model_artifact"] == [container["ModelDataUrl"]]
    assert card["training_details"]["training_job_details"]["training_environment"]["container_image"] == [
        container["Image"]
    ]
    assert "training_arn" not in card["training_details"]["training_job_details"]  # GeneratedBy is a pipeline
    package["MetadataProperties"]["GeneratedBy"] = (
        "arn:aws:sagemaker:us-east-2:123456789012:training-job/abalone-1"
    )
    card, _ = saved(card_form.prefilled_state(package))
    assert card["training_details"]["training_job_details"]["training_arn"].endswith("training-job/abalone-1")


def test_an_error_without_a_field_goes_to_the_summary() -> None:
    problems = [cards.Problem((), "[] is not of type 'object'", "type")]
    assert list(card_form.place_problems(problems, card_form.state_from_card({})).fields) == [FORM]


def test_every_field_of_the_form_has_a_place_for_its_errors() -> None:
    """An error filed under any name of the state is shown next to that field (id err-<field id>)."""
    from registro.console import card
    from registro.console.forms import FormErrors
    from registro.console.templating import environment
    from registro.console.version_view import tabs_of

    state = card_form.state_from_card(load("full-card.json"))
    state["training_details"]["objective_function"]["raw"] = "{}"
    names = [name for name, _ in card_form.names(state) if not name.endswith((".extra", ".csv"))]
    errors = FormErrors()
    for name in names:
        errors.add(name, f"problem at {name}")
    package = {"ModelPackageArn": "arn", "ModelCard": {"ModelCardStatus": "Draft"}}
    page = environment.get_template("card_edit.html").render(
        group="G",
        version=1,
        arn="arn",
        package=package,
        created=None,
        modified=None,
        base="/v",
        group_url="/g",
        tabs=tabs_of(package),
        tab="card",
        tab_title="Model card",
        state=state,
        chosen_status="Draft",
        seen="1",
        errors=errors,
        labels={name: card.field_label(name) for name in names},
        focus="",
        statuses=card.card_statuses(),
        limit=card_form.limit,
        max_items=card_form.max_items,
        matrix_max=card_form.matrix_max(),
        risk_ratings=card_form.enum("#risk_rating"),
        objective_functions=card_form.enum("#objective_function.function"),
        metric_types=card_form.metric_types(),
        kind_labels={},
        fid=card_form.field_id,
        edit_url="/e",
    )
    assert [name for name in names if f'id="err-{card_form.field_id(name)}"' not in page] == []
    assert page.count('href="#err-') == len(names)
