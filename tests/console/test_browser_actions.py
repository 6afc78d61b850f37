"""Browser: the version actions end to end (console.md 5), checked through boto3, and the compare page (6).

Each test registers its own group (fixture group + abalone-v1.json), so the actions do not meet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from console.seed import Console, package_request, running_console, seed_group, unique_group
from playwright.sync_api import expect

KEYBOARD_STEPS = 80  # Tab presses before giving up on reaching a control


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with running_console(tmp_path_factory.mktemp("browser-actions")) as running:
        yield running


@pytest.fixture
def version(console: Console) -> tuple[str, str, str]:
    """(group name, version 1 base URL, ARN) of a fresh group with abalone-v1.json as version 1."""
    group = unique_group("Act")
    arn = seed_group(console.sm, group)[0]
    return group, console.at(f"/console/model-groups/{group}/versions/1"), arn


def describe(console: Console, arn: str) -> dict[str, Any]:
    described: dict[str, Any] = console.sm.describe_model_package(ModelPackageName=arn)
    return described


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until the focused element matches `selector` (a CSS selector); fail after KEYBOARD_STEPS."""
    for _ in range(KEYBOARD_STEPS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def focus_ring(page: Any) -> str:
    """The focused element's outline, as the reader sees it ("none" when there is no focus ring)."""
    return str(
        page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle === 'none' || s.outlineWidth === '0px' ? 'none' : s.outlineStyle + ' ' + s.outlineWidth; }"
        )
    )


def test_approving_with_a_comment_shows_everywhere(
    page: Any, console: Console, version: tuple[str, str, str]
) -> None:
    group, base, arn = version
    comment = "RMSE 2.208 on the holdout set: good enough for the grading line"
    page.goto(base + "/overview")
    expect(page.locator(".version-head [data-approval]")).to_have_text("Pending")
    page.get_by_role("link", name="Update approval status").click()
    expect(page).to_have_url(base + "/actions/approval")
    expect(page.get_by_label("Pending manual approval")).to_be_checked()
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Comment (optional)").fill(comment)
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(base + "/overview")
    expect(page.locator(".notice")).to_have_text("Version 1 approved.")
    badge = page.locator(".version-head [data-approval]")
    expect(badge).to_have_text("Approved")
    expect(badge).to_have_attribute("data-approval", "Approved")
    expect(badge).to_have_attribute("title", comment)

    page.get_by_role("navigation", name="Version tabs").get_by_role("link", name="Activity").click()
    row = page.locator("li.event").filter(has=page.locator("blockquote.comment"))
    expect(row).to_have_count(1)
    expect(row.locator("blockquote.comment")).to_have_text(f"“{comment}”")
    expect(row.locator(".sentence")).to_contain_text("Approved")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=group).click()
    listed = page.locator("table.versions tbody tr").filter(
        has=page.get_by_role("link", name="1", exact=True)
    )
    expect(listed.locator("[data-approval]")).to_have_text("Approved")
    expect(page.locator("#approval-summary")).to_have_text("1 version: 1 approved")

    described = describe(console, arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == comment


def test_the_approval_form_works_with_the_keyboard_alone(
    page: Any, console: Console, version: tuple[str, str, str]
) -> None:
    _, base, arn = version
    comment = "Approved from the keyboard"
    page.goto(base + "/overview")
    tab_to(page, "a[href$='/actions/approval']")
    assert focus_ring(page) != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/actions/approval")

    # Tab enters the radio group on its checked button (Pending); the arrow keys move within the group, as in
    # any radio group, and Space confirms the choice.
    tab_to(page, "input[name=status]")
    assert page.evaluate("document.activeElement.value") == "PendingManualApproval"
    assert focus_ring(page) != "none"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "Rejected"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "Approved"
    page.keyboard.press("Space")
    expect(page.get_by_label("Approved", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "comment"
    page.keyboard.type(comment)
    tab_to(page, "button[type=submit]")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save"
    assert focus_ring(page) != "none"
    page.keyboard.press("Enter")

    expect(page).to_have_url(base + "/overview")
    expect(page.locator(".version-head [data-approval]")).to_have_text("Approved")
    described = describe(console, arn)
    assert (described["ModelApprovalStatus"], described["ApprovalDescription"]) == ("Approved", comment)


def test_updating_the_stage_shows_the_stage_badge(
    page: Any, console: Console, version: tuple[str, str, str]
) -> None:
    _, base, arn = version
    page.goto(base + "/overview")
    page.get_by_role("link", name="Update stage").click()
    expect(page).to_have_url(base + "/actions/stage")
    page.get_by_label("Stage", exact=True).fill("QA")
    page.get_by_label("Stage status").fill("OnHold")
    page.get_by_label("Stage description (optional)").fill(
        "Waiting for the plant's calipers to be recalibrated"
    )
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(base + "/overview")
    expect(page.locator(".notice")).to_have_text("Version 1 moved to QA · OnHold.")
    expect(page.locator(".version-head .badge.stage")).to_have_text("QA · OnHold")
    assert describe(console, arn)["ModelLifeCycle"] == {
        "Stage": "QA",
        "StageStatus": "OnHold",
        "StageDescription": "Waiting for the plant's calipers to be recalibrated",
    }


def test_a_stage_the_api_refuses_is_shown_next_to_the_field_and_nothing_changes(
    page: Any, console: Console, version: tuple[str, str, str]
) -> None:
    _, base, arn = version
    page.goto(base + "/actions/stage")
    page.get_by_label("Stage", exact=True).fill("QA stage")  # a space: not a letter, digit or hyphen
    page.get_by_label("Stage status").fill("OnHold")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    assert posted.value.status == 400
    expect(page.get_by_label("Stage", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-stage")).to_be_visible()
    expect(page.get_by_label("Stage", exact=True)).to_have_value("QA stage")
    assert "ModelLifeCycle" not in describe(console, arn)


def test_editing_customer_metadata_sets_changes_and_removes_keys(
    page: Any, console: Console, version: tuple[str, str, str]
) -> None:
    _, base, arn = version
    before = package_request()["CustomerMetadataProperties"]
    page.goto(base + "/overview")
    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="Edit metadata").click()
    expect(page).to_have_url(base + "/actions/metadata")

    keys = page.locator("input[name=key]")
    values = page.locator("input[name=value]")
    expect(keys).to_have_count(len(before) + 3)
    rows = {keys.nth(i).input_value(): i for i in range(len(before))}
    assert set(rows) == set(before)
    values.nth(rows["team"]).fill("shellfish-analytics")
    page.get_by_label("Remove owner").check()
    keys.nth(len(before)).fill("reviewed-by")
    values.nth(len(before)).fill("qa@example.com")
    page.get_by_role("button", name="Save metadata").click()

    expect(page).to_have_url(base + "/overview")
    expect(page.locator(".notice")).to_have_text("Metadata of version 1 saved (2 set, 1 removed).")
    expected = {k: v for k, v in before.items() if k != "owner"} | {
        "team": "shellfish-analytics",
        "reviewed-by": "qa@example.com",
    }
    table = page.locator("section[aria-labelledby=h-metadata] table tbody tr")
    shown = {r.locator("td").nth(0).inner_text(): r.locator("td").nth(1).inner_text() for r in table.all()}
    assert shown == expected
    assert describe(console, arn)["CustomerMetadataProperties"] == expected


def test_deleting_a_version_asks_first_then_deletes_it(
    page: Any, console: Console, version: tuple[str, str, str]
) -> None:
    group, base, arn = version
    page.goto(base + "/overview")
    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="Delete version…").click()
    expect(page).to_have_url(base + "/actions/delete")
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Delete version 1 of {group}?")

    page.get_by_role("link", name="Cancel").click()  # asking is not deleting
    expect(page).to_have_url(base + "/overview")
    assert describe(console, arn)["ModelPackageVersion"] == 1

    page.goto(base + "/actions/delete")
    page.get_by_role("button", name="Delete version 1").click()
    expect(page).to_have_url(console.at(f"/console/model-groups/{group}"))
    expect(page.locator(".notice")).to_have_text("Version 1 deleted.")
    expect(page.get_by_role("heading", name="No versions yet")).to_be_visible()
    with pytest.raises(ClientError):
        describe(console, arn)
    assert page.goto(base + "/overview").status == 404


def test_compare_marks_the_rows_that_differ(page: Any, console: Console) -> None:
    group = unique_group("Cmp")
    second = seed_group(console.sm, group, versions=2)[1]
    console.sm.update_model_package(ModelPackageArn=second, ModelApprovalStatus="Approved")
    page.goto(console.at(f"/console/model-groups/{group}"))
    compare = page.get_by_role("button", name="Compare")
    expect(compare).to_be_disabled()  # 2 to 4 versions
    page.get_by_label("Select version 1 to compare").check()
    expect(compare).to_be_disabled()
    page.get_by_label("Select version 2 to compare").check()
    compare.click()
    expect(page).to_have_url(console.at(f"/console/model-groups/{group}/compare?v=2&v=1"))

    summary = page.locator("#compare-summary table")
    approval = (
        summary.locator("tbody tr").filter(has=page.locator("th[scope=row]", has_text="Approval")).first
    )
    expect(approval).to_have_class("differs")
    expect(approval.locator(".diff-mark")).to_have_text("differs")
    expect(approval.locator("td")).to_have_text(["Approved", "Pending"])
    image = summary.locator("tbody tr").filter(has=page.locator("th[scope=row]", has_text="Image"))
    expect(image).to_have_class("same")
    expect(image.locator(".diff-mark")).to_have_count(0)
    # the highlight is visible, not just a class: the differing row's cells are tinted
    tint = approval.locator("td").first.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = image.locator("td").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert tint != plain

    page.get_by_label("Show differences only").check()
    expect(page).to_have_url(console.at(f"/console/model-groups/{group}/compare?v=2&v=1&diff=1"))
    expect(summary.locator("tbody tr.same")).to_have_count(0)
    expect(summary.locator("tbody tr.differs").first).to_be_visible()
