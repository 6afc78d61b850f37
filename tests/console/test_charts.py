"""Charts of model card metrics (registro/console/charts.py): pure functions, no browser, no server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registro.console import charts

CARDS = Path(__file__).resolve().parent.parent / "fixtures" / "model-cards"


def full_card() -> dict[str, Any]:
    card: dict[str, Any] = json.loads((CARDS / "full-card.json").read_text(encoding="utf-8"))
    return card


def metric(name: str) -> dict[str, Any]:
    """A metric of full-card.json by name."""
    for evaluation in full_card()["evaluation_details"]:
        for group in evaluation["metric_groups"]:
            for item in group["metric_data"]:
                if item["name"] == name:
                    return dict(item)
    raise KeyError(name)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.7359920255183412, "1.736"),
        (2.2080472175856474, "2.208"),
        (0.031192871873300755, "0.03119"),
        (0.5438683952219747, "0.5439"),
        (142, "142"),
        (627.0, "627"),
        (0, "0"),
        (-0.20740627173121468, "-0.2074"),
        (12345, "12,340"),
        (98765432.1, "98,770,000"),
        (0.0000123456, "1.235e-05"),
        (1.5e20, "1.5e+20"),
    ],
)
def test_four_digits_rounds_to_four_significant_digits(value: float, shown: str) -> None:
    assert charts.four_digits(value) == shown


def test_simple_rows_show_booleans_as_yes_no_and_keep_the_full_value() -> None:
    group = full_card()["evaluation_details"][0]["metric_groups"][0]
    view = charts.metric_group_view(group, "e0-g0")
    rows = {row["name"]: row for row in view["simple"]}
    assert rows["mae"]["value"] == "1.736"
    assert rows["mae"]["full"] == "1.7359920255183412"
    assert rows["mae"]["numeric"] is True
    assert rows["meets_release_bar"]["value"] == "Yes"
    assert rows["meets_release_bar"]["notes"] == "Release bar: MSE at most 6.0"
    assert rows["error_band"]["value"] == "within 2 rings for 71% of animals"
    assert all(row["warning"] == "" for row in view["simple"])
    assert view["charts"] == []


def test_simple_row_warns_when_the_declared_type_does_not_fit_the_value() -> None:
    row = charts.simple_row({"name": "odd", "type": "boolean", "value": 3.5})
    assert row["value"] == "3.5"
    assert row["warning"] == "Declared type boolean, but the value is a number"
    assert charts.simple_row({"name": "no", "type": "boolean", "value": False})["value"] == "No"


def test_linear_graph_is_a_line_through_the_points_in_order_with_axis_titles() -> None:
    chart = charts.linear_graph_chart(metric("mean predicted vs actual rings"), "c1")
    trace = chart["figure"]["data"][0]
    assert trace["type"] == "scatter" and trace["mode"] == "lines+markers"
    assert trace["x"] == [3, 5, 7, 9, 11, 13, 15, 17, 19]
    assert trace["y"][0] == 5.21 and trace["y"][-1] == 14.9
    layout = chart["figure"]["layout"]
    assert layout["xaxis"]["title"]["text"] == "actual rings"
    assert layout["yaxis"]["title"]["text"] == "mean predicted rings"
    assert chart["table"]["columns"] == ["actual rings", "mean predicted rings"]
    assert [cell["text"] for cell in chart["table"]["rows"][1]] == ["5", "6.37"]
    assert chart["problems"] == []


def test_linear_graph_keeps_the_given_order_rather_than_sorting() -> None:
    chart = charts.linear_graph_chart(
        {"name": "loop", "type": "linear_graph", "value": [[1, 1], [0, 2], [1, 3]]}, "c"
    )
    assert chart["figure"]["data"][0]["x"] == [1, 0, 1]


def test_bar_chart_labels_bars_with_x_axis_name_and_titles_the_value_axis() -> None:
    chart = charts.bar_chart_chart(metric("residual histogram"), "c2")
    trace = chart["figure"]["data"][0]
    assert trace["type"] == "bar"
    assert trace["y"] == [4, 11, 38, 97, 171, 163, 92, 36, 12, 3]
    ticks = chart["figure"]["layout"]["xaxis"]["ticktext"]
    # Labels are escaped for Plotly's pseudo-HTML: "< -6" must not start a tag.
    assert ticks[0] == "&lt; -6" and ticks[-1] == "&gt; 6"
    assert chart["figure"]["layout"]["yaxis"]["title"]["text"] == "animals"
    assert chart["table"]["columns"] == ["label", "animals"]
    assert chart["table"]["rows"][0][0]["text"] == "< -6"  # the table is HTML-escaped by the template
    assert chart["table"]["rows"][0][1]["text"] == "4"


def test_bar_chart_falls_back_to_indices_when_labels_are_missing_or_too_few() -> None:
    missing = charts.bar_chart_chart({"name": "b", "type": "bar_chart", "value": [1, 2, 3]}, "c")
    assert missing["figure"]["layout"]["xaxis"]["ticktext"] == ["0", "1", "2"]
    assert missing["problems"] == []  # labels are optional
    short = charts.bar_chart_chart(
        {"name": "b", "type": "bar_chart", "value": [1, 2, 3], "x_axis_name": ["a"]}, "c"
    )
    assert short["figure"]["layout"]["xaxis"]["ticktext"] == ["0", "1", "2"]
    assert short["problems"]
    extra = charts.bar_chart_chart(
        {"name": "b", "type": "bar_chart", "value": [1], "x_axis_name": ["a", "b"]}, "c"
    )
    assert extra["figure"]["layout"]["xaxis"]["ticktext"] == ["a"]


def test_bar_chart_keeps_bars_with_equal_labels_apart() -> None:
    chart = charts.bar_chart_chart(
        {"name": "b", "type": "bar_chart", "value": [1, 2], "x_axis_name": ["x", "x"]}, "c"
    )
    assert chart["figure"]["data"][0]["x"] == [0, 1]


def test_matrix_puts_x_axis_name_horizontally_and_y_axis_name_vertically() -> None:
    chart = charts.matrix_chart(metric("age band confusion matrix"), "c3")
    trace = chart["figure"]["data"][0]
    assert trace["type"] == "heatmap"
    layout = chart["figure"]["layout"]
    assert layout["xaxis"]["ticktext"] == ["young (actual)", "adult (actual)", "old (actual)"]
    assert layout["yaxis"]["ticktext"] == ["young (predicted)", "adult (predicted)", "old (predicted)"]
    # value[i][j] is the cell of x_axis_name[i] and y_axis_name[j]; Plotly's z is z[row = y][column = x].
    value = metric("age band confusion matrix")["value"]
    for i in range(3):
        for j in range(3):
            assert trace["z"][j][i] == value[i][j]
    assert trace["z"][0] == [171, 29, 1]
    assert layout["yaxis"]["autorange"] == "reversed"
    # The table has the chart's orientation.
    assert chart["table"]["columns"] == ["y \\ x", "young (actual)", "adult (actual)", "old (actual)"]
    assert [c["text"] for c in chart["table"]["rows"][0]] == ["young (predicted)", "171", "29", "1"]


def test_matrix_with_mismatched_labels_or_ragged_rows_falls_back_to_indices() -> None:
    chart = charts.matrix_chart(
        {
            "name": "m",
            "type": "matrix",
            "value": [[1, 2], [3]],
            "x_axis_name": ["a"],
            "y_axis_name": ["p", "q"],
        },
        "c",
    )
    layout = chart["figure"]["layout"]
    assert layout["xaxis"]["ticktext"] == ["0", "1"]
    assert layout["yaxis"]["ticktext"] == ["p", "q"]
    assert chart["figure"]["data"][0]["z"] == [[1, 3], [2, None]]
    assert len(chart["problems"]) == 2


def test_matrix_larger_than_twenty_is_a_table_only() -> None:
    big = [[1] * 21 for _ in range(21)]
    chart = charts.matrix_chart({"name": "m", "type": "matrix", "value": big}, "c")
    assert chart["figure"] is None
    assert len(chart["table"]["rows"]) == 21
    assert chart["problems"] == ["21×21 is larger than 20×20: shown as a table only"]


def test_plotly_text_escapes_markup_in_user_strings() -> None:
    chart = charts.linear_graph_chart(
        {"name": "x", "type": "linear_graph", "value": [[0, 1]], "x_axis_name": "<a href='javascript:1'>&"},
        "c",
    )
    title = chart["figure"]["layout"]["xaxis"]["title"]["text"]
    assert "<" not in title and title.startswith("&lt;a href")


def test_long_axis_titles_are_wrapped_so_plotly_cannot_cut_them_off() -> None:
    chart = charts.bar_chart_chart(metric("mean |SHAP| per feature"), "c")
    title = chart["figure"]["layout"]["yaxis"]["title"]["text"]
    lines = title.split("<br>")
    assert " ".join(lines) == "mean absolute SHAP value (rings)"
    assert len(lines) > 1 and all(len(line) <= charts.Y_TITLE_CHARS for line in lines)
    wrapped = charts.axis_title("<b>" * 20, charts.Y_TITLE_CHARS)
    assert wrapped.count("<br>") >= 1 and "<b>" not in wrapped  # pieces are escaped, only <br> is markup


def test_every_metric_type_of_the_full_card_gets_a_view() -> None:
    kinds = set()
    for e, evaluation in enumerate(full_card()["evaluation_details"]):
        for g, group in enumerate(evaluation["metric_groups"]):
            view = charts.metric_group_view(group, f"e{e}-g{g}")
            kinds |= {chart["kind"] for chart in view["charts"]}
            kinds |= {row["type"] for row in view["simple"]}
            assert all(chart["figure"] for chart in view["charts"])
            assert all(chart["problems"] == [] for chart in view["charts"])
    assert kinds == {"number", "string", "boolean", "linear_graph", "bar_chart", "matrix"}


def test_chart_ids_are_unique_and_figures_are_keyed_by_them() -> None:
    views = [
        charts.metric_group_view(group, f"e{e}-g{g}")
        for e, evaluation in enumerate(full_card()["evaluation_details"])
        for g, group in enumerate(evaluation["metric_groups"])
    ]
    ids = [chart["id"] for view in views for chart in view["charts"]]
    assert len(ids) == len(set(ids)) == 6
    assert set(charts.figures(views)) == set(ids)
    json.dumps(charts.figures(views))  # serializable as it is


def test_broken_values_report_problems_instead_of_failing() -> None:
    assert (
        charts.linear_graph_chart({"name": "l", "type": "linear_graph", "value": "oops"}, "c")["figure"]
        is None
    )
    bars = charts.bar_chart_chart({"name": "b", "type": "bar_chart", "value": [1, "two"]}, "c")
    assert bars["problems"] and bars["figure"]["data"][0]["y"] == [1, None]
    assert charts.matrix_chart({"name": "m", "type": "matrix", "value": 5}, "c")["figure"] is None
    assert charts.metric_group_view("not a group", "p") == {"name": "", "simple": [], "charts": []}


def test_metric_summary_describes_each_kind_in_one_line() -> None:
    assert charts.metric_summary(metric("rmse")) == "2.208"
    assert charts.metric_summary(metric("mean predicted vs actual rings")) == "line chart, 9 points"
    assert charts.metric_summary(metric("residual histogram")) == "bar chart, 10 bars"
    assert charts.metric_summary(metric("age band confusion matrix")) == "matrix 3×3"
