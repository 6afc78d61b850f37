"""The Model card tab, its edit form and status dropdown, and the compare page, over HTTP (no browser):
what the server renders and what it stores (console.md 4.10, 6, 10)."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from registro.console import card_form

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


@pytest.fixture
def version(sm: Any, group: str) -> str:
    """Version 1 of a fresh group: abalone-v1 with full-card.json as a Draft card; its console base URL."""
    package = fixture("packages/abalone-v1.json") | {"ModelPackageGroupName": group}
    arn = sm.create_model_package(**package)["ModelPackageArn"]
    card = {"ModelCardContent": json.dumps(fixture("model-cards/full-card.json")), "ModelCardStatus": "Draft"}
    sm.update_model_package(ModelPackageArn=arn, ModelCard=card)
    return f"/console/model-groups/{group}/versions/1"


@pytest.fixture
def web(server: Any) -> Any:
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as client:
        yield client


def form_fields(page: str) -> dict[str, str]:
    """The edit form's text inputs, textareas and selected options, as a browser would post them."""
    fields: dict[str, str] = {}
    for name, value in re.findall(r'<input type="(?:text|hidden)"[^>]*?name="([^"]+)" value="([^"]*)"', page):
        fields[html.unescape(name)] = html.unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.DOTALL):
        fields[html.unescape(name)] = html.unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields[html.unescape(name)] = html.unescape(chosen.group(1)) if chosen else ""
    return fields


def stored(sm: Any, group: str) -> dict[str, Any]:
    card: dict[str, Any] = sm.describe_model_package(ModelPackageName=f"{group}/1")["ModelCard"]
    return card


def test_card_tab_renders_every_metric_type_of_the_full_card(web: Any, version: str) -> None:
    page = web.get(version + "/card")
    assert page.status_code == 200
    text = page.text
    for kind in ("linear_graph", "bar_chart", "matrix"):
        assert f'data-kind="{kind}"' in text
    assert '<data value="1.7359920255183412" title="1.7359920255183412">1.736</data>' in text
    assert ">Yes<" in text and "within 2 rings for 71% of animals" in text
    figures = json.loads(
        re.search(r'<script type="application/json" id="card-charts">(.*?)</script>', text, re.DOTALL)[1]
    )
    assert len(figures) == 6
    assert figures["e0-g1-1"]["layout"]["xaxis"]["ticktext"][0] == "&lt; -6"
    assert text.count("<summary>Table</summary>") == 6
    for anchor in (
        "train-performance",
        "train-objective",
        "train-hyperparameters",
        "audit-risk",
        "audit-documentation",
    ):
        assert f'id="{anchor}"' in text
    script = re.search(r'src="(/console/static/plotly\.min\.js\?v=[^"]+)"', text)
    assert script
    plotly = web.get(script[1])
    assert plotly.status_code == 200 and "immutable" in plotly.headers["cache-control"]


def test_user_strings_are_escaped_in_html_and_in_embedded_json(
    web: Any, sm: Any, group: str, version: str
) -> None:
    card = fixture("model-cards/full-card.json")
    card["model_overview"]["model_creator"] = "<script>alert(1)</script>"
    card["evaluation_details"][0]["metric_groups"][1]["metric_data"][0]["x_axis_name"] = "</script><b>x"
    sm.update_model_package(ModelPackageArn=_arn(sm, group), ModelCard={"ModelCardContent": json.dumps(card)})
    text = web.get(version + "/card").text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "</script><b>x" not in text
    embedded = re.search(r'id="card-charts">(.*?)</script>', text, re.DOTALL)[1]
    # Escaped twice: as Plotly text (&lt;) and then as JSON inside a script element (\u0026).
    assert "\\u0026lt;/script\\u0026gt;\\u0026lt;b\\u0026gt;x" in embedded
    assert json.loads(embedded)["e0-g1-0"]["layout"]["xaxis"]["title"]["text"] == "&lt;/script&gt;&lt;b&gt;x"


def _arn(sm: Any, group: str) -> str:
    arn: str = sm.describe_model_package(ModelPackageName=f"{group}/1")["ModelPackageArn"]
    return arn


def test_edit_form_saves_the_whole_card_compactly(web: Any, sm: Any, group: str, version: str) -> None:
    fields = form_fields(web.get(version + "/card/edit").text)
    assert fields["business_details.business_problem"].startswith("Manual ring counting")
    fields["intended_uses.risk_rating"] = "Medium"
    fields["ModelCardStatus"] = "PendingReview"
    answer = web.post(version + "/card/edit", data=fields | {"action": "save"})
    assert answer.status_code == 303 and answer.headers["location"].endswith("/card")
    after = stored(sm, group)
    expected = fixture("model-cards/full-card.json")
    expected["intended_uses"]["risk_rating"] = "Medium"
    assert json.loads(after["ModelCardContent"]) == expected
    assert after["ModelCardStatus"] == "PendingReview"
    assert ", " not in after["ModelCardContent"][:200] and "\n" not in after["ModelCardContent"]


@pytest.mark.parametrize(
    ("fixture_name", "field", "words"),
    [
        (
            "invalid-too-long.json",
            "business_details.business_problem",
            "is too long (maximum 2048 characters)",
        ),
        (
            "invalid-risk-rating.json",
            "intended_uses.risk_rating",
            "is not one of ['High', 'Medium', 'Low', 'Unknown']",
        ),
    ],
)
def test_invalid_card_is_refused_next_to_its_field_and_nothing_is_saved(
    web: Any, sm: Any, group: str, version: str, fixture_name: str, field: str, words: str
) -> None:
    before = stored(sm, group)
    fields = form_fields(web.get(version + "/card/edit").text)
    fields.update(
        {
            k: v
            for k, v in card_form.names(card_form.state_from_card(fixture(f"model-cards/{fixture_name}")))
            if k == field and isinstance(v, str)
        }
    )
    answer = web.post(version + "/card/edit", data=fields | {"action": "save"})
    assert answer.status_code == 400
    error = re.search(
        rf'<p class="field-error" id="err-{card_form.field_id(field)}">(.*?)</p>', answer.text, re.DOTALL
    )
    assert error and words in html.unescape(error[1])
    assert "Nothing was saved." in answer.text
    assert stored(sm, group) == before


def test_the_editor_header_offers_no_edit_card_button(web: Any, version: str) -> None:
    assert f'href="{version}/card?mode=edit"' in web.get(version + "/overview").text
    assert "card?mode=edit" not in web.get(version + "/card/edit").text


def test_add_row_rerenders_with_the_input_kept(web: Any, version: str) -> None:
    fields = form_fields(web.get(version + "/card/edit").text)
    fields["model_overview.model_creator"] = "Someone else"
    answer = web.post(version + "/card/edit", data=fields | {"action": "add:model_overview.model_artifact"})
    assert answer.status_code == 200
    again = form_fields(answer.text)
    assert again["model_overview.model_creator"] == "Someone else"
    assert again["model_overview.model_artifact.1"] == ""


def test_concurrent_change_is_refused(web: Any, sm: Any, group: str, version: str) -> None:
    fields = form_fields(web.get(version + "/card/edit").text)
    sm.update_model_package(ModelPackageArn=_arn(sm, group), ModelApprovalStatus="Approved")
    before = stored(sm, group)
    answer = web.post(version + "/card/edit", data=fields | {"action": "save"})
    assert answer.status_code == 409
    assert "Changed by AKIDREGISTROTEST at" in answer.text and "reload to see it" in answer.text
    assert stored(sm, group) == before


def test_status_saves_alone_and_archiving_needs_confirmation(
    web: Any, sm: Any, group: str, version: str
) -> None:
    content = stored(sm, group)["ModelCardContent"]
    answer = web.post(version + "/card/status", data={"ModelCardStatus": "Approved"})
    assert answer.status_code == 303
    assert stored(sm, group) == {"ModelCardContent": content, "ModelCardStatus": "Approved"}
    refused = web.post(version + "/card/status", data={"ModelCardStatus": "Archived"})
    assert refused.status_code == 400 and "I understand this freezes the content" in refused.text
    assert stored(sm, group)["ModelCardStatus"] == "Approved"
    web.post(version + "/card/status", data={"ModelCardStatus": "Archived", "confirm_archive": "yes"})
    assert stored(sm, group)["ModelCardStatus"] == "Archived"
    page = web.get(version + "/card").text
    assert 'href="' + version + '/card/edit"' not in page
    assert web.get(version + "/card/edit").status_code == 303


def test_version_without_card_offers_create_card_prefilled(web: Any, sm: Any, group: str) -> None:
    package = fixture("packages/abalone-v1.json") | {"ModelPackageGroupName": group}
    sm.create_model_package(**package)
    base = f"/console/model-groups/{group}/versions/1"
    page = web.get(base + "/card").text
    assert "This version has no model card" in page and f'href="{base}/card/edit">Create card' in page
    fields = form_fields(web.get(base + "/card/edit").text)
    assert (
        fields["model_overview.model_artifact.0"]
        == package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"]
    )
    assert fields["ModelCardStatus"] == "Draft"


def test_unknown_version_is_a_404(web: Any, group: str) -> None:
    assert web.get(f"/console/model-groups/{group}/versions/7/card").status_code == 404
    assert web.get(f"/console/model-groups/{group}/versions/7/card/edit").status_code == 404


def test_compare_marks_differing_rows_and_filters_them(web: Any, sm: Any, group: str, version: str) -> None:
    package = fixture("packages/abalone-v1.json") | {"ModelPackageGroupName": group}
    second = copy.deepcopy(package)
    second["CustomerMetadataProperties"]["dataset"] = "another split"
    arn = sm.create_model_package(**second)["ModelPackageArn"]
    card = fixture("model-cards/full-card.json")
    card["training_details"]["training_job_details"]["hyper_parameters"][1]["value"] = "80"
    sm.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardContent": json.dumps(card)})
    url = f"/console/model-groups/{group}/compare?v=1&v=2"
    page = web.get(url).text
    found = re.findall(r'<tr class="(differs|same)">\s*<th scope="row">([^<]+)', page)
    rows = {label.strip(): kind for kind, label in found}
    assert rows["dataset"] == "differs" and rows["team"] == "same"
    assert rows["num_round"] == "differs" and rows["max_depth"] == "same"
    assert rows["Image"] == "same"
    # rows no version has a value for are left out; times compare to the second they show
    assert "Approval comment" not in rows and "Stage" not in rows
    assert "data-seconds" in page
    only = web.get(url + "&diff=1").text
    assert ">num_round<" in only and ">max_depth<" not in only
    assert "report parsing" in page
    picker = web.get(f"/console/model-groups/{group}/compare?v=1")
    assert picker.status_code == 200 and 'name="v" value="1" checked' in picker.text
    assert web.get(f"/console/model-groups/{group}/compare?v=1&v=2&v=3&v=4&v=5").status_code == 400
    assert web.get(f"/console/model-groups/{group}/compare?v=1&v=9").status_code == 404
