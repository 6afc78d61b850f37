"""Browser: the Model card tab and its edit form (console.md 4.10, 1.5) on a version carrying full-card.json.

Each test gets its own group (fixture group + abalone-v1.json + full-card.json), so edits do not meet."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from console.seed import Console, full_card, put_card, running_console, seed_group, stored_card, unique_group
from playwright.sync_api import expect

SIMPLE_TYPES = ("number", "string", "boolean")
# Plotly draws each kind as these marks (one per bar, one image per heat map, one path per line).
PLOTLY_MARKS = {
    "linear_graph": ".scatterlayer path.js-line",
    "bar_chart": ".barlayer .point",
    "matrix": ".heatmaplayer image",
}


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with running_console(tmp_path_factory.mktemp("browser-card")) as running:
        yield running


@pytest.fixture
def carded(console: Console) -> tuple[str, str]:
    """(card tab URL, package ARN) of a fresh version carrying full-card.json as a Draft."""
    group = unique_group("Card")
    arn = seed_group(console.sm, group)[0]
    put_card(console.sm, arn, full_card())
    return console.at(f"/console/model-groups/{group}/versions/1/card"), arn


def metric_groups() -> list[dict[str, Any]]:
    return [g for e in full_card()["evaluation_details"] for g in e["metric_groups"]]


def charted_metrics() -> list[dict[str, Any]]:
    return [m for g in metric_groups() for m in g["metric_data"] if m["type"] not in SIMPLE_TYPES]


def numbers_of(metric: dict[str, Any]) -> list[float]:
    """Every number a chart's table must show, whatever its layout."""
    found: list[float] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        else:
            found.append(float(value))

    walk(metric["value"])
    return sorted(found)


def test_full_card_has_every_metric_type() -> None:
    """The card test below is only as good as its fixture: it must hold each kind of metric."""
    kinds = {m["type"] for g in metric_groups() for m in g["metric_data"]}
    assert kinds >= {*SIMPLE_TYPES, *PLOTLY_MARKS}


def test_card_tab_draws_every_chart_and_its_table(page: Any, carded: tuple[str, str]) -> None:
    url, _ = carded
    page.goto(url)
    charts = charted_metrics()
    expect(page.locator("figure.chart")).to_have_count(len(charts))
    for metric in charts:
        figure = page.locator("figure.chart").filter(
            has=page.locator(".chart-name").get_by_text(metric["name"], exact=True)
        )
        expect(figure).to_have_count(1)
        expect(figure).to_have_attribute("data-kind", metric["type"])
        plot = figure.locator(".plot")
        expect(plot).to_have_class(re.compile(r"\bdrawn\b"))
        expect(plot.locator("svg.main-svg").first).to_be_visible()
        marks = plot.locator(PLOTLY_MARKS[metric["type"]])
        if metric["type"] == "bar_chart":
            expect(marks).to_have_count(len(metric["value"]))
        else:
            expect(marks.first).to_be_attached()
        if metric.get("x_axis_name") and isinstance(metric["x_axis_name"], str):
            expect(plot.locator(".g-xtitle")).to_have_text(metric["x_axis_name"])

        table = figure.locator("details.chart-table table")
        expect(table).to_be_hidden()
        figure.locator("details.chart-table > summary").get_by_text("Table", exact=True).click()
        expect(table).to_be_visible()
        shown = sorted(float(v) for v in table.locator("data").evaluate_all("els => els.map(e => e.value)"))
        assert shown == numbers_of(metric), metric["name"]
        if metric["type"] == "bar_chart":
            expect(table.locator("tbody th[scope=row]")).to_have_text(metric["x_axis_name"])
        if metric["type"] == "matrix":
            expect(table.locator("thead th").nth(1)).to_have_text(metric["x_axis_name"][0])
            expect(table.locator("tbody th[scope=row]")).to_have_text(metric["y_axis_name"])


def test_card_tab_lists_simple_metrics_in_a_table(page: Any, carded: tuple[str, str]) -> None:
    url, _ = carded
    page.goto(url)
    for group in metric_groups():
        simple = [m for m in group["metric_data"] if m["type"] in SIMPLE_TYPES]
        block = page.locator(f'section.metric-group[aria-label="Metric group {group["name"]}"]')
        expect(block).to_have_count(1)
        expect(block.locator("tr[data-metric]")).to_have_count(len(simple))
        for metric in simple:
            row = block.locator(f'tr[data-metric="{metric["name"]}"]')
            value = row.locator("td").first
            if metric["type"] == "number":
                expect(value.locator("data")).to_have_attribute("value", json.dumps(metric["value"]))
            elif metric["type"] == "boolean":
                expect(value).to_have_text("Yes" if metric["value"] else "No")
            else:
                expect(value).to_have_text(metric["value"])
            expect(row.locator("td").nth(1)).to_have_text(metric.get("notes", ""))


def test_editing_a_card_field_shows_on_the_card_and_through_the_api(
    page: Any, console: Console, carded: tuple[str, str]
) -> None:
    url, arn = carded
    page.goto(url)
    page.locator(".card-toolbar").get_by_role("link", name="Edit card").click()
    expect(page).to_have_url(url + "/edit")
    field = page.get_by_label("Line of business", exact=True)
    expect(field).to_have_value(full_card()["business_details"]["line_of_business"])
    new = "Seafood processing and aquaculture grading"
    field.fill(new)
    page.locator(".edit-bar").get_by_role("button", name="Save").click()

    expect(page).to_have_url(url)
    expect(page.locator(".notice")).to_have_text("Model card saved")
    expect(page.locator("#audit-business + dl dt:text-is('Line of business') + dd")).to_have_text(new)
    expected = full_card()
    expected["business_details"]["line_of_business"] = new
    assert stored_card(console.sm, arn) == expected


def test_a_business_problem_over_2048_characters_is_refused_next_to_the_field(
    page: Any, console: Console, carded: tuple[str, str]
) -> None:
    url, arn = carded
    before = console.sm.describe_model_package(ModelPackageName=arn)["ModelCard"]
    page.goto(url + "/edit")
    field = page.get_by_label("Business problem", exact=True)
    too_long = "r" * 2049
    field.fill(too_long)
    # The browser stops typing at the schema's limit...
    assert len(field.input_value()) == 2048
    expect(page.locator("#cnt-" + field.get_attribute("id"))).to_have_text("2,048 / 2,048 characters")
    # ...and the server refuses what an older browser, or a pasted form, would still send.
    field.evaluate("el => el.removeAttribute('maxlength')")
    field.fill(too_long)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator(".edit-bar").get_by_role("button", name="Save").click()
    assert posted.value.status == 400

    field = page.get_by_label("Business problem", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#err-" + field.get_attribute("id"))
    expect(error).to_be_visible()
    expect(error).to_contain_text("is too long (maximum 2048 characters)")
    # "next to that field": the message sits in the field's own box, right under it
    expect(page.locator(".field.invalid").filter(has=field).locator(".field-error")).to_have_count(1)
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Business details › Business problem")
    # the summary's link leads to the field's box (its message or the field itself)
    target = summary.get_by_role("link", name="Business details › Business problem").get_attribute("href")
    assert target in ("#" + field.get_attribute("id"), "#" + error.get_attribute("id"))
    expect(field).to_have_value(too_long)  # what the user typed is kept, to fix it
    assert console.sm.describe_model_package(ModelPackageName=arn)["ModelCard"] == before
