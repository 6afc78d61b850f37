"""Charts of a model card's evaluation metrics (console.md 1.5): pure functions from card JSON to
Plotly figure dicts and to the rows of the "Table" toggle that shows the same numbers.

    metric_group_view(group, prefix) ──▶ {name, simple: [row], charts: [chart]}
        simple metrics (number/string/boolean) ──▶ simple_row(): one row of the compact table
        linear_graph ──▶ linear_graph_chart(): line through the points in the given order
        bar_chart    ──▶ bar_chart_chart():    vertical bars labelled x_axis_name[i] (indices if short)
        matrix       ──▶ matrix_chart():       heat map, value[i][j] at (x_axis_name[i], y_axis_name[j])

A chart is {"id", "kind", "name", "notes", "figure" (Plotly {data, layout} or None), "table",
"problems"}; a table is {"columns": [str], "rows": [[cell]]}; a cell is {"text", "full", "numeric"}
(`full` is the exact value for the tooltip). Figures reach the browser as JSON (see card_chart.html)
and static/charts.js draws them; nothing here knows about HTTP or templates.

Strings from the card go into Plotly text (axis titles, tick labels, hover) HTML-escaped, because
Plotly reads a subset of HTML (<b>, <a href>, <br>) in every text it draws and decodes entities.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from typing import Any

Cell = dict[str, Any]
Chart = dict[str, Any]

SIGNIFICANT_DIGITS = 4
# console.md 1.5: heat maps up to 20×20 (the schema's limit too); a larger imported matrix shows its table.
MAX_HEATMAP_SIDE = 20

CHART_KINDS = ("linear_graph", "bar_chart", "matrix")
SIMPLE_KINDS = ("number", "string", "boolean")
KIND_LABELS = {
    "number": "Number",
    "string": "Text",
    "boolean": "Yes/No",
    "linear_graph": "Line chart",
    "bar_chart": "Bar chart",
    "matrix": "Matrix",
}

# Colours: one accessible blue for series (AA contrast on white), a sequential blue scale for heat maps.
SERIES_COLOUR = "#1f5fbf"
HEATMAP_SCALE = [[0.0, "#f3f7fd"], [0.5, "#7aa7e0"], [1.0, "#123f80"]]
TEXT_COLOUR = "#1f2328"
GRID_COLOUR = "#e3e6ea"

# Plotly never wraps an axis title: one longer than its axis is cut at both ends. A 340 px chart whose bar
# labels are slanted leaves about 200 px of vertical axis, 24 characters of a 14 px title; the horizontal axis
# has 300 px even in a 420 px window. Titles are wrapped at these widths (schema: at most 63 characters, so
# at most 3 lines on the vertical axis), and the margins grow to fit them (`automargin`).
Y_TITLE_CHARS = 22
X_TITLE_CHARS = 40


# ---- numbers ---------------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    """A JSON number (bool is an int in Python, but not a number in JSON)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def four_digits(value: float) -> str:
    """A number to 4 significant digits: 1.736, 0.03119, 142, 12,340, 1.235e-05."""
    if isinstance(value, bool) or not math.isfinite(value):
        return json.dumps(value)
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if 4 <= magnitude < 15:
        # `.4g` would switch to 1.234e+04; whole numbers read better rounded, with separators.
        return f"{int(round(value, SIGNIFICANT_DIGITS - 1 - magnitude)):,}"
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


def full_value(value: Any) -> str:
    """The exact value as JSON text (the tooltip of a rounded number)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def number_cell(value: Any) -> Cell:
    if is_number(value):
        return {"text": four_digits(value), "full": full_value(value), "numeric": True}
    if value is None:
        return {"text": "—", "full": "", "numeric": False}
    return {"text": full_value(value), "full": full_value(value), "numeric": False}


def text_cell(value: Any) -> Cell:
    text = value if isinstance(value, str) else full_value(value)
    return {"text": text, "full": text, "numeric": False}


def value_text(value: Any) -> str:
    """A simple metric's value as shown: Yes/No, 4 significant digits, or the text."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if is_number(value):
        return four_digits(value)
    if isinstance(value, str):
        return value
    return full_value(value)


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


# ---- simple metrics --------------------------------------------------------------------------------


def metric_kind(metric: Any) -> str:
    """linear_graph / bar_chart / matrix for charts, "simple" for number/string/boolean (and anything odd)."""
    if isinstance(metric, dict) and metric.get("type") in CHART_KINDS:
        return str(metric["type"])
    return "simple"


def simple_row(metric: Any) -> dict[str, Any]:
    """One row of the simple-metrics table: rendered by the value's JSON type, warning on a mismatch.

    The schema does not tie `type` to `value` (console.md 8.1): {"type": "boolean", "value": 3.5} is valid.
    """
    metric = metric if isinstance(metric, dict) else {"value": metric}
    value = metric.get("value")
    declared = metric.get("type")
    actual = json_type(value)
    warning = ""
    if declared in SIMPLE_KINDS and actual != declared:
        warning = f"Declared type {declared}, but the value is a {actual}"
    elif declared not in SIMPLE_KINDS:
        warning = f"Unknown metric type {full_value(declared)}"
    return {
        "name": text_of(metric.get("name")),
        "type": declared if isinstance(declared, str) else "",
        "value": value_text(value),
        "full": full_value(value),
        "numeric": is_number(value),
        "notes": text_of(metric.get("notes")),
        "warning": warning,
    }


def text_of(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else full_value(value)


# ---- charts ----------------------------------------------------------------------------------------


def plotly_text(text: str) -> str:
    """A string for Plotly's pseudo-HTML text: its markup characters as entities, which Plotly decodes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def axis_title(text: str, width: int) -> str:
    """An axis title for Plotly: escaped (plotly_text), in lines of at most `width` characters joined by <br>."""
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    return "<br>".join(plotly_text(line) for line in lines)


def _layout(x_title: str = "", y_title: str = "", **extra: Any) -> dict[str, Any]:
    axis = {"gridcolor": GRID_COLOUR, "zeroline": False, "automargin": True, "color": TEXT_COLOUR}
    layout: dict[str, Any] = {
        "height": 340,
        "margin": {"l": 64, "r": 16, "t": 12, "b": 56},
        "font": {
            "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "size": 13,
            "color": TEXT_COLOUR,
        },
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "showlegend": False,
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": TEXT_COLOUR}},
        "xaxis": {**axis, "title": {"text": axis_title(x_title, X_TITLE_CHARS)}},
        "yaxis": {**axis, "title": {"text": axis_title(y_title, Y_TITLE_CHARS)}},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _chart(chart_id: str, metric: dict[str, Any], kind: str) -> Chart:
    return {
        "id": chart_id,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "name": text_of(metric.get("name")),
        "notes": text_of(metric.get("notes")),
        "figure": None,
        "table": {"columns": [], "rows": []},
        "problems": [],
    }


def _axis_title(value: Any) -> str:
    return value if isinstance(value, str) else ""


def labels_for(names: Any, count: int) -> tuple[list[str], bool]:
    """`count` labels from an axis-name array, or the indices 0..count-1 when the array is missing or
    shorter (console.md 1.5); the flag says whether the indices were used."""
    if isinstance(names, list) and len(names) >= count and all(isinstance(n, str) for n in names[:count]):
        return [str(n) for n in names[:count]], False
    return [str(i) for i in range(count)], True


def linear_graph_chart(metric: dict[str, Any], chart_id: str) -> Chart:
    """A line through the points in the order given; axis titles from x_axis_name / y_axis_name."""
    chart = _chart(chart_id, metric, "linear_graph")
    x_title, y_title = _axis_title(metric.get("x_axis_name")), _axis_title(metric.get("y_axis_name"))
    points = metric.get("value")
    xs: list[float] = []
    ys: list[float] = []
    skipped = 0
    for point in points if isinstance(points, list) else []:
        if isinstance(point, list) and len(point) == 2 and all(is_number(v) for v in point):
            xs.append(point[0])
            ys.append(point[1])
        else:
            skipped += 1
    if not isinstance(points, list):
        chart["problems"].append("The value is not a list of [x, y] points")
    elif skipped:
        chart["problems"].append(f"{skipped} point(s) are not [x, y] number pairs and are left out")
    chart["table"] = {
        "columns": [x_title or "x", y_title or "y"],
        "rows": [[number_cell(x), number_cell(y)] for x, y in zip(xs, ys, strict=True)],
    }
    if xs:
        chart["figure"] = {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": xs,
                    "y": ys,
                    "line": {"color": SERIES_COLOUR, "width": 2},
                    "marker": {"color": SERIES_COLOUR, "size": 6},
                    "hovertemplate": "(%{x}, %{y})<extra></extra>",
                }
            ],
            "layout": _layout(x_title, y_title),
        }
    return chart


def bar_chart_chart(metric: dict[str, Any], chart_id: str) -> Chart:
    """Vertical bars, one per value, labelled x_axis_name[i]; the value axis titled y_axis_name."""
    chart = _chart(chart_id, metric, "bar_chart")
    values = metric.get("value")
    if not isinstance(values, list):
        values = []
        chart["problems"].append("The value is not a list of numbers")
    numbers = [v if is_number(v) else None for v in values]
    if any(v is None for v in numbers):
        chart["problems"].append("Some values are not numbers and are left out of the chart")
    labels, by_index = labels_for(metric.get("x_axis_name"), len(numbers))
    if by_index and numbers and metric.get("x_axis_name") is not None:
        chart["problems"].append("Fewer labels than values: bars are numbered from 0")
    y_title = _axis_title(metric.get("y_axis_name"))
    chart["table"] = {
        "columns": ["label", y_title or "value"],
        "rows": [[text_cell(label), number_cell(value)] for label, value in zip(labels, values, strict=True)],
    }
    if numbers and any(v is not None for v in numbers):
        positions = list(range(len(numbers)))
        chart["figure"] = {
            "data": [
                {
                    "type": "bar",
                    # Positions, not the labels, on the axis: Plotly merges equal category labels into one bar.
                    "x": positions,
                    "y": numbers,
                    "customdata": [plotly_text(label) for label in labels],
                    "marker": {"color": SERIES_COLOUR},
                    "hovertemplate": "%{customdata}: %{y}<extra></extra>",
                }
            ],
            "layout": _layout(
                "",
                y_title,
                xaxis={
                    "tickmode": "array",
                    "tickvals": positions,
                    "ticktext": [plotly_text(label) for label in labels],
                    "showgrid": False,
                },
                yaxis={"zeroline": True, "zerolinecolor": "#9aa1a9"},
            ),
        }
    return chart


def matrix_cells(values: Any) -> tuple[list[list[Any]], int, int]:
    """The outer list padded to a rectangle with None: (rows value[i], outer count, inner count)."""
    rows = [row if isinstance(row, list) else [] for row in values] if isinstance(values, list) else []
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows], len(rows), width


def matrix_chart(metric: dict[str, Any], chart_id: str) -> Chart:
    """Heat map: value[i][j] is the cell of x_axis_name[i] (horizontal) and y_axis_name[j] (vertical).

    console.md 1.5: the SageMaker SDK writes confusion matrices this way (outer key, the actual class, in
    x_axis_name), so such a card shows actual classes horizontally; the labels make that visible.
    """
    chart = _chart(chart_id, metric, "matrix")
    rows, outer, inner = matrix_cells(metric.get("value"))
    raw = metric.get("value")
    if not isinstance(raw, list):
        chart["problems"].append("The value is not a list of rows")
    elif any(not isinstance(row, list) or len(row) != inner for row in raw):
        chart["problems"].append("Rows have different lengths; missing cells are empty")
    if any(not is_number(v) for row in rows for v in row if v is not None):
        chart["problems"].append("Some cells are not numbers")
    x_labels, x_index = labels_for(metric.get("x_axis_name"), outer)
    y_labels, y_index = labels_for(metric.get("y_axis_name"), inner)
    if (x_index and outer and metric.get("x_axis_name") is not None) or (
        y_index and inner and metric.get("y_axis_name") is not None
    ):
        chart["problems"].append("Axis labels do not match the matrix size: cells are numbered from 0")
    # The table has the chart's orientation: y labels down the side, x labels across the top.
    chart["table"] = {
        "columns": ["y \\ x", *x_labels],
        "rows": [
            [text_cell(y_labels[j]), *(number_cell(rows[i][j]) for i in range(outer))] for j in range(inner)
        ],
    }
    numeric = [[v if is_number(v) else None for v in row] for row in rows]
    if outer and inner and max(outer, inner) <= MAX_HEATMAP_SIDE:
        z = [[numeric[i][j] for i in range(outer)] for j in range(inner)]
        text = [[four_digits(v) if v is not None else "" for v in line] for line in z]
        hover = [
            [f"{plotly_text(x_labels[i])} / {plotly_text(y_labels[j])}" for i in range(outer)]
            for j in range(inner)
        ]
        chart["figure"] = {
            "data": [
                {
                    "type": "heatmap",
                    "x": list(range(outer)),
                    "y": list(range(inner)),
                    "z": z,
                    "text": text,
                    "customdata": hover,
                    "texttemplate": "%{text}",
                    "hovertemplate": "%{customdata}: %{z}<extra></extra>",
                    "colorscale": HEATMAP_SCALE,
                    "showscale": True,
                    "xgap": 2,
                    "ygap": 2,
                }
            ],
            "layout": _layout(
                "",
                "",
                height=max(260, min(640, 90 + 34 * inner)),
                xaxis={
                    "tickmode": "array",
                    "tickvals": list(range(outer)),
                    "ticktext": [plotly_text(label) for label in x_labels],
                    "showgrid": False,
                },
                # Row 0 at the top, as a matrix is read.
                yaxis={
                    "tickmode": "array",
                    "tickvals": list(range(inner)),
                    "ticktext": [plotly_text(label) for label in y_labels],
                    "showgrid": False,
                    "autorange": "reversed",
                },
            ),
        }
    elif max(outer, inner) > MAX_HEATMAP_SIDE:
        chart["problems"].append(
            f"{outer}×{inner} is larger than {MAX_HEATMAP_SIDE}×{MAX_HEATMAP_SIDE}: shown as a table only"
        )
    return chart


CHART_BUILDERS = {"linear_graph": linear_graph_chart, "bar_chart": bar_chart_chart, "matrix": matrix_chart}


def metric_chart(metric: dict[str, Any], chart_id: str) -> Chart:
    return CHART_BUILDERS[metric_kind(metric)](metric, chart_id)


def metric_group_view(group: Any, prefix: str) -> dict[str, Any]:
    """One `metric_groups[]` item: its simple metrics as one table, then one chart per graph metric.

    Chart ids are `{prefix}-{index in metric_data}`, unique on the page when `prefix` is.
    """
    group = group if isinstance(group, dict) else {}
    data = group.get("metric_data")
    simple: list[dict[str, Any]] = []
    charts: list[Chart] = []
    for index, metric in enumerate(data if isinstance(data, list) else []):
        if metric_kind(metric) == "simple":
            simple.append(simple_row(metric))
        else:
            charts.append(metric_chart(metric, f"{prefix}-{index}"))
    return {"name": text_of(group.get("name")), "simple": simple, "charts": charts}


def figures(groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """{chart id: figure} of every drawable chart in these group views: the page's JSON for charts.js."""
    return {chart["id"]: chart["figure"] for g in groups for chart in g["charts"] if chart["figure"]}


def metric_summary(metric: Any) -> str:
    """A one-line description of a metric's value, for tables that cannot hold a chart (compare page)."""
    kind = metric_kind(metric)
    value = metric.get("value") if isinstance(metric, dict) else metric
    if kind == "simple":
        return value_text(value)
    count = len(value) if isinstance(value, list) else 0
    if kind == "linear_graph":
        return f"line chart, {count} point{'s' if count != 1 else ''}"
    if kind == "bar_chart":
        return f"bar chart, {count} bar{'s' if count != 1 else ''}"
    _rows, outer, inner = matrix_cells(value)
    return f"matrix {outer}×{inner}"
