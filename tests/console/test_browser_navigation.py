"""Browser: finding a version from the group list, its Inference specification tab, and the 404 pages
(console.md 2, 3.1, 4.7, 7). One server on SQLite for the module, seeded with the fixture group."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from console.seed import Console, group_request, package_request, running_console, seed_group
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with running_console(tmp_path_factory.mktemp("browser-navigation")) as running:
        seed_group(running.sm, "ModelGroup1")
        yield running


def _project_tag() -> str:
    return next(t["Value"] for t in group_request()["Tags"] if t["Key"] == "sagemaker:project-name")


def test_group_list_leads_to_the_inference_specification_of_version_1(page: Any, console: Console) -> None:
    page.goto(console.at("/console"))
    expect(page).to_have_url(console.at("/console/model-groups"))

    row = page.locator("table.groups tbody tr").filter(
        has=page.get_by_role("link", name="ModelGroup1", exact=True)
    )
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text(_project_tag())
    expect(row.locator("td[data-label=Versions]")).to_have_text("1")
    latest = row.locator("td[data-label='Latest version']")
    expect(latest.get_by_role("link")).to_have_text("1")
    expect(latest.locator("[data-approval]")).to_have_attribute("data-approval", "PendingManualApproval")
    expect(latest.locator("[data-approval]")).to_have_text("Pending")

    row.get_by_role("link", name="ModelGroup1", exact=True).click()
    expect(page).to_have_url(console.at("/console/model-groups/ModelGroup1"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ModelGroup1")
    expect(page.locator("#approval-summary")).to_have_text("1 version: 1 pending")

    page.locator("table.versions tbody").get_by_role("link", name="1", exact=True).click()
    expect(page).to_have_url(console.at("/console/model-groups/ModelGroup1/versions/1/overview"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ModelGroup1 / Version 1")

    page.get_by_role("navigation", name="Version tabs").get_by_role(
        "link", name="Inference specification"
    ).click()
    expect(page).to_have_url(console.at("/console/model-groups/ModelGroup1/versions/1/inference"))
    spec = package_request()["InferenceSpecification"]
    container = spec["Containers"][0]
    body = page.locator("#tab-inference")
    # ARNs and URIs are whole on screen (cut once past 200 characters), in the title and the copy button.
    expect(body.locator(f'code[title="{container["Image"]}"]')).to_be_visible()
    expect(body.locator(f'button.copy[data-copy="{container["Image"]}"]')).to_have_count(1)
    expect(body.locator(f'code[title="{container["ModelDataUrl"]}"]')).to_be_visible()
    for label, member in (
        ("Real-time instance types", "SupportedRealtimeInferenceInstanceTypes"),
        ("Batch transform instance types", "SupportedTransformInstanceTypes"),
        ("Content types", "SupportedContentTypes"),
        ("Response MIME types", "SupportedResponseMIMETypes"),
    ):
        expect(body.locator(f"dt:text-is('{label}') + dd .chip")).to_have_text(spec[member])


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/console/model-groups/NoSuchGroup", "NoSuchGroup"),
        ("/console/model-groups/NoSuchGroup/settings", "NoSuchGroup"),
        (
            "/console/model-groups/NoSuchGroup/versions/1/overview",
            "There is no version 1 in model group NoSuchGroup",
        ),
        (
            "/console/model-groups/ModelGroup1/versions/99/overview",
            "There is no version 99 in model group ModelGroup1",
        ),
        (
            "/console/model-groups/ModelGroup1/versions/99",
            "There is no version 99 in model group ModelGroup1",
        ),
        (
            "/console/model-groups/ModelGroup1/versions/99/card",
            "There is no version 99 in model group ModelGroup1",
        ),
        ("/console/model-groups/ModelGroup1/versions/1/no-such-tab", "has no tab named no-such-tab"),
    ],
)
def test_unknown_group_or_version_is_a_404_page_with_a_way_back(
    page: Any, console: Console, path: str, message: str
) -> None:
    answer = page.goto(console.at(path))
    assert answer is not None and answer.status == 404
    expect(page).to_have_title(re.compile(r"^Not found · Registro$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.locator("main")).to_contain_text(message)
    expect(page.locator("main")).not_to_contain_text("Traceback")
    back = page.get_by_role("link", name="Back to the model groups")
    expect(back).to_have_attribute("href", "/console/model-groups")
    back.click()
    expect(page).to_have_url(console.at("/console/model-groups"))
    expect(page.get_by_role("link", name="ModelGroup1", exact=True)).to_be_visible()
