"""Browser: every console page and tab, on the fixture data, saved as full-page screenshots for people to
look at (test-output/screenshots/<page>.png, 1280x800; a few also at 420x800). Each page must answer,
carry its title, and fit the window's width (wide tables scroll inside their own box, not the page)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from console.browser_kit import screenshot
from console.seed import VERSION_TABS, Console, full_card, put_card, running_console, seed_group
from playwright.sync_api import expect

G = "/console/model-groups/ModelGroup1"
V = G + "/versions/1"
TABS = VERSION_TABS
NARROW = {"width": 420, "height": 800}

# screenshot name → path
PAGES: dict[str, str] = {
    "groups": "/console/model-groups",
    "group-versions": G,
    "group-settings": G + "/settings",
    "group-activity": G + "/activity",
    **{f"version-{tab}": f"{V}/{tab}" for tab in TABS},
    "version-card-edit": V + "/card/edit",
    "version-action-approval": V + "/actions/approval",
    "version-action-stage": V + "/actions/stage",
    "version-action-metadata": V + "/actions/metadata",
    "version-action-add-inference": V + "/actions/add-inference",
    "version-action-delete": V + "/actions/delete",
    "compare": G + "/compare?v=1&v=2",
}


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """ModelGroup1 with two versions of abalone-v1.json: 1 pending with full-card.json, 2 approved with a
    comment, a stage and one metadata value changed (so Compare has differences to show)."""
    with running_console(tmp_path_factory.mktemp("browser-screenshots")) as running:
        sm = running.sm
        first, second = seed_group(sm, "ModelGroup1", versions=2)
        put_card(sm, first, full_card())
        sm.update_model_package(
            ModelPackageArn=second,
            ModelApprovalStatus="Approved",
            ApprovalDescription="Holdout RMSE within the release bar",
        )
        sm.update_model_package(
            ModelPackageArn=second,
            ModelLifeCycle={
                "Stage": "Production",
                "StageStatus": "Approved",
                "StageDescription": "Grading line",
            },
            CustomerMetadataProperties={"team": "shellfish-analytics"},
        )
        yield running


def fits_width(page: Any) -> None:
    """The page does not scroll sideways: nothing sticks out of the window."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px window"


def open_page(page: Any, url: str, status: int = 200) -> None:
    answer = page.goto(url)
    assert answer is not None and answer.status == status
    expect(page).to_have_title(re.compile(r".+ · Registro$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if page.locator(".plot[data-chart]").count():
        for plot in page.locator(".plot[data-chart]").all():
            expect(plot).to_have_class(re.compile(r"\bdrawn\b"))


def one_line_badges(page: Any) -> None:
    """No badge wraps ("Production · Approved" stays one pill)."""
    heights = page.locator(".badge").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert all(height < 28 for height in heights), f"badge heights {heights}"


@pytest.mark.parametrize("name", PAGES)
def test_page_screenshot(page: Any, console: Console, name: str) -> None:
    open_page(page, console.at(PAGES[name]))
    fits_width(page)
    one_line_badges(page)
    assert screenshot(page, name).stat().st_size > 0


def test_card_edit_with_an_error_screenshot(page: Any, console: Console) -> None:
    page.goto(console.at(V + "/card/edit"))
    field = page.get_by_label("Business problem", exact=True)
    field.evaluate("el => el.removeAttribute('maxlength')")
    field.fill("Manual ring counting is slow. " * 69)  # 2,070 characters
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator(".edit-bar").get_by_role("button", name="Save").click()
    assert posted.value.status == 400
    expect(page.locator("#error-summary")).to_be_visible()
    fits_width(page)
    screenshot(page, "version-card-edit-error")


def test_metadata_with_a_refused_value_screenshot(page: Any, console: Console) -> None:
    page.goto(console.at(V + "/actions/metadata"))
    page.get_by_label("Value 1", exact=True).fill("marine (analytics)")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save metadata").click()
    assert posted.value.status == 400
    # the rule in words next to the field; the API's own message (a Java regex) one click away
    expect(page.locator("#err-value-1")).to_contain_text("values may contain letters, digits, spaces and")
    expect(page.get_by_label("Value 1", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".api-message")).to_contain_text("regular expression pattern")
    expect(page.locator(".api-message p").first).to_be_hidden()
    page.locator(".api-message summary").click()
    fits_width(page)
    screenshot(page, "version-action-metadata-error")


def test_not_found_screenshot(page: Any, console: Console) -> None:
    open_page(page, console.at(G + "/versions/99/overview"), status=404)
    fits_width(page)
    screenshot(page, "not-found")


@pytest.mark.parametrize("name", ["group-versions", "version-overview"])
def test_narrow_screenshot(browser: Any, console: Console, name: str) -> None:
    context = browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        open_page(page, console.at(PAGES[name]))
        fits_width(page)
        one_line_badges(page)
        if name == "version-overview":
            # every tab is in sight: the tab bar wraps rather than scrolling tabs out of the window
            for tab in page.locator("nav.tabs a").all():
                box = tab.bounding_box()
                assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= NARROW["width"]
        else:
            row = page.locator("table.versions tbody tr").first
            expect(row.locator("td.col-desc")).to_be_visible()
            expect(row.locator("td.col-by")).to_be_visible()
            menu, select = row.locator("td.end").bounding_box(), row.locator("td").first.bounding_box()
            assert menu is not None and select is not None
            assert abs(menu["y"] - select["y"]) < 12, "the row's ⋯ menu is on its first line"
        screenshot(page, f"{name}-narrow")
    finally:
        context.close()
