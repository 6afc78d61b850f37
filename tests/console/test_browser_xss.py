"""Browser: text from the registry is shown as text, never run (console.md 1.4, templating.py's autoescape).

The module's group carries `<script>window.__xss=1</script><img src=x onerror="window.__xss=1">` in every
free text the API accepts: group description, package descriptions, container environment, approval
comments, stage description, an additional inference specification's description, and every free-text
field (and map key) of the model card. Customer metadata refuses `<` and quotes (its pattern), so the
metadata form is checked with the refused value echoed back. Every page and tab is visited; `window.__xss`
must stay undefined and the payload must appear literally where its field is shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from console.seed import (
    IMG,
    PAYLOAD,
    VERSION_TABS,
    Console,
    group_request,
    package_request,
    put_card,
    running_console,
    xss_card,
)
from playwright.sync_api import expect

GROUP = "Xss"
G = f"/console/model-groups/{GROUP}"
V = f"{G}/versions/1"
TABS = VERSION_TABS


def xss_package() -> dict[str, Any]:
    request = package_request(GROUP)
    request["ModelPackageDescription"] = PAYLOAD
    request["InferenceSpecification"]["Containers"][0]["Environment"] = {"XSS_PROBE": PAYLOAD}
    return request


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with running_console(tmp_path_factory.mktemp("browser-xss")) as running:
        sm = running.sm
        sm.create_model_package_group(**group_request(GROUP) | {"ModelPackageGroupDescription": PAYLOAD})
        first = sm.create_model_package(**xss_package())["ModelPackageArn"]
        second = sm.create_model_package(**xss_package())["ModelPackageArn"]
        put_card(sm, first, xss_card())
        put_card(sm, second, xss_card(), status="PendingReview")
        sm.update_model_package(
            ModelPackageArn=first, ModelApprovalStatus="Approved", ApprovalDescription=PAYLOAD
        )
        sm.update_model_package(
            ModelPackageArn=second, ModelApprovalStatus="Rejected", ApprovalDescription=PAYLOAD
        )
        sm.update_model_package(
            ModelPackageArn=first,
            ModelLifeCycle={"Stage": "QA", "StageStatus": "OnHold", "StageDescription": PAYLOAD},
        )
        container = {"Image": xss_package()["InferenceSpecification"]["Containers"][0]["Image"]}
        sm.update_model_package(
            ModelPackageArn=first,
            AdditionalInferenceSpecificationsToAdd=[
                {"Name": "probe", "Description": PAYLOAD, "Containers": [container]}
            ],
        )
        yield running


def assert_nothing_ran(page: Any) -> None:
    """No payload ran, and none became markup (an <img src=x> or a script naming __xss). Called after the
    load event, which waits for every image to load or fail: an injected onerror would have run by then."""
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    scripts = page.locator("script:not([type='application/json'])").evaluate_all(
        "els => els.filter(e => e.textContent.includes('__xss')).length"
    )
    assert scripts == 0


HEAD = ".version-head p.description"
# path → where the payload must show as text (CSS selectors inside <main>)
PAGES: dict[str, tuple[str, ...]] = {
    "/console/model-groups": ("table.groups td.col-desc",),
    G: ("header.page-head p.description", "table.versions td.col-desc"),
    G + "/settings": ("section[aria-labelledby=h-details] dd",),
    G + "/activity": ("blockquote.comment",),
    **{f"{V}/{tab}": (HEAD,) for tab in TABS},
    V + "/activity": (HEAD, "blockquote.comment"),
    V + "/inference": (HEAD, "section.spec > p"),
    V + "/card": (
        HEAD,
        "#card-overview dd",
        "#card-train .card-metrics",
        "#card-train .card-pairs",
        "#card-evaluate .metric-group",
        "#card-evaluate .chart-name",
        "#card-evaluate .card-pairs",
        "#card-audit .card-pairs",
        "#card-audit dd .text",
    ),
    V + "/actions/approval": (HEAD,),
    V + "/actions/stage": (HEAD, "textarea#description"),
    V + "/actions/metadata": (HEAD,),
    V + "/actions/add-inference": (HEAD,),
    V + "/actions/delete": (HEAD,),
    f"{G}/versions/2/overview": (HEAD,),
    f"{G}/versions/2/card": ("#card-overview dd",),
    f"{G}/compare?v=1&v=2": ("#compare-summary td", "#compare-card td"),
}


@pytest.mark.parametrize("path", PAGES)
def test_payload_is_shown_as_text_and_never_runs(page: Any, console: Console, path: str) -> None:
    answer = page.goto(console.at(path))
    assert answer is not None and answer.status == 200
    assert_nothing_ran(page)
    for where in PAGES[path]:
        shown = page.locator("main " + where)
        if shown.first.evaluate("el => el.tagName") == "TEXTAREA":
            expect(shown.first).to_have_value(PAYLOAD)
        else:
            expect(shown.filter(has_text=PAYLOAD).first, where).to_be_visible()


def test_card_charts_draw_the_payload_as_svg_text(page: Any, console: Console) -> None:
    page.goto(console.at(V + "/card"))
    expect(page.locator(".plot.drawn").first).to_be_visible()
    assert_nothing_ran(page)
    line = page.locator("figure.chart[data-kind=linear_graph] .plot")
    expect(line.locator(".g-xtitle")).to_have_text(IMG)
    expect(line.locator(".g-ytitle")).to_have_text(IMG)
    expect(page.locator("figure.chart[data-kind=matrix] .plot g.xtick text").first).to_have_text(IMG)


def test_card_edit_form_holds_the_payload_in_its_fields(page: Any, console: Console) -> None:
    page.goto(console.at(V + "/card/edit"))
    assert_nothing_ran(page)
    for label in ("Model creator", "Business problem", "Ethical considerations", "Training observations"):
        expect(page.get_by_label(label, exact=True)).to_have_value(PAYLOAD)
    # the linear graph's axis name (evaluation 1, group 2, metric 1)
    expect(page.locator("#f-evaluation_details-0-metric_groups-1-metric_data-0-x_axis_name")).to_have_value(
        IMG
    )
    # a save that the server refuses re-renders every value, the payload included, still as text
    business = page.get_by_label("Business problem", exact=True)
    business.evaluate("el => el.removeAttribute('maxlength')")
    business.fill(PAYLOAD * 31)  # 2,077 characters: over the limit
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator(".edit-bar").get_by_role("button", name="Save").click()
    assert posted.value.status == 400
    assert_nothing_ran(page)
    expect(page.locator("#error-summary")).to_contain_text("Business problem")
    expect(page.get_by_label("Model creator", exact=True)).to_have_value(PAYLOAD)
    expect(page.get_by_label("Business problem", exact=True)).to_have_value(PAYLOAD * 31)


def test_refused_metadata_value_is_echoed_as_text(page: Any, console: Console) -> None:
    page.goto(console.at(V + "/actions/metadata"))
    page.locator("input[name=key]").first.fill("probe")
    page.locator("input[name=value]").first.fill(PAYLOAD)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save metadata").click()
    assert posted.value.status == 400
    assert_nothing_ran(page)
    expect(page.locator("input[name=value]").first).to_have_value(PAYLOAD)
    expect(page.locator("#err-value-1")).to_contain_text("values may contain")  # plain words by the field
    expect(page.locator(".api-message")).to_contain_text(PAYLOAD)  # the API's message quotes the value
    assert "<" not in str(
        console.sm.describe_model_package(ModelPackageName=f"{GROUP}/1")["CustomerMetadataProperties"]
    )


def test_group_created_in_the_console_shows_its_description_as_text(page: Any, console: Console) -> None:
    page.goto(console.at("/console/model-groups?create=1#create"))
    page.get_by_label("Name (required)").fill("XssFromConsole")
    page.get_by_label("Description").fill(PAYLOAD)
    page.get_by_role("button", name="Create model group").last.click()
    expect(page).to_have_url(console.at("/console/model-groups/XssFromConsole"))
    assert_nothing_ran(page)
    expect(page.locator("header.page-head p.description")).to_have_text(PAYLOAD)
    described = console.sm.describe_model_package_group(ModelPackageGroupName="XssFromConsole")
    assert described["ModelPackageGroupDescription"] == PAYLOAD


def test_filter_values_are_echoed_as_text(page: Any, console: Console) -> None:
    page.goto(console.at("/console/model-groups?name=" + quote(IMG) + "&project=" + quote(PAYLOAD)))
    assert_nothing_ran(page)
    expect(page.get_by_label("Name contains")).to_have_value(IMG)
    expect(page.get_by_label("Project")).to_have_value(PAYLOAD)
    page.goto(console.at(G + "?meta_key=" + quote(IMG)))
    assert_nothing_ran(page)
    expect(page.get_by_label("Metadata key")).to_have_value(IMG)
