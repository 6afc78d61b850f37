"""The model card edit form (console.md 4.10): card JSON ⇄ form state ⇄ posted fields, with every limit
read from the card schema at runtime and every schema error placed on the field its JSON path names.

    GET   card ──▶ state_from_card()  (or prefilled_state(package) for "Create card")
                      │  the state is card-shaped with text leaves; maps are key/value rows
                      ▼
            card_edit.html: field names are the JSON paths, dotted: "intended_uses.risk_rating",
            "evaluation_details.0.metric_groups.1.metric_data.2.value.3.1" (point 3, y)
                      │
    POST  fields ──▶ state_from_fields() ──▶ apply(state, "add:<list>" | "remove:<item>" | …) ──▶ re-render
                      │ action "save"
                      ▼
            compacted() ──▶ card_from_state() ──▶ (card, input errors)  ──▶ call(UpdateModelPackage)
                                                                              │ RegistryError
            cards.problems_in(card) ──▶ place_problems(): $.a.b[0].c ──▶ "a.b.0.c" or its nearest parent

Input errors are what the schema cannot see: a number field that is not a number, a simple metric whose
value does not fit its type, a duplicate map key, the objective function's facet/condition length (the
schema never applies `definitions/objective_function`, console.md 8.1).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from registro.console.forms import FORM, FormErrors
from registro.registry import cards

State = dict[str, Any]

# ---- the schema, read at runtime ---------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    text = resources.files(cards.SCHEMA_PACKAGE).joinpath(cards.SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = schema()
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


@cache
def node(path: str) -> dict[str, Any]:
    """The schema node at a shape path: dotted property names, `*` for array items and map values,
    `#name` first for `definitions/name`. Unknown keywords are followed too (objective_function's
    `notes` sits beside `properties`, console.md 8.1). KeyError for a path the schema lacks."""
    parts = path.split(".")
    current: Any = schema()
    if parts[0].startswith("#"):
        current = schema()["definitions"][parts[0][1:]]
        parts = parts[1:]
    for part in parts:
        current = _resolve(current)
        if part == "*":
            current = current["items"] if "items" in current else current["additionalProperties"]
        elif part in current.get("properties", {}):
            current = current["properties"][part]
        else:
            current = current[part]
    resolved: dict[str, Any] = _resolve(current)
    return resolved


@cache
def limit(path: str) -> int | None:
    """maxLength of the string at `path` (the string branch of an anyOf), or None if unlimited."""
    found = node(path)
    if "maxLength" in found:
        return int(found["maxLength"])
    for branch in found.get("anyOf", []):
        branch = _resolve(branch)
        if branch.get("type") == "string" and "maxLength" in branch:
            return int(branch["maxLength"])
    return None


@cache
def max_items(path: str) -> int | None:
    found = node(path)
    if "maxItems" in found:
        return int(found["maxItems"])
    for branch in found.get("anyOf", []):
        if "maxItems" in branch:
            return int(branch["maxItems"])
    return None


@cache
def enum(path: str) -> tuple[str, ...]:
    return tuple(node(path)["enum"])


METRICS = "evaluation_details.*.metric_groups.*.metric_data"


@cache
def metric_definitions() -> dict[str, str]:
    """{metric type: definition name}: number/string/boolean → simple_metric, linear_graph → …"""
    found: dict[str, str] = {}
    for branch in node(METRICS + ".*")["anyOf"]:
        name = branch["$ref"].rsplit("/", 1)[-1]
        for value in node(f"#{name}.type")["enum"]:
            found[value] = name
    return found


def metric_types() -> tuple[str, ...]:
    return tuple(metric_definitions())


SIMPLE_TYPES = ("number", "string", "boolean")
GRAPH_TYPES = ("linear_graph", "bar_chart", "matrix")


@cache
def matrix_max() -> tuple[int, int]:
    """(rows, columns) a matrix metric may have: the schema's maxItems of value and of its rows."""
    outer = _resolve(node("#matrix_metric.value")["anyOf"][0])
    return int(outer["maxItems"]), int(_resolve(outer["items"])["maxItems"])


# ---- card → state ------------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A card value as form text: strings as they are, other JSON values as JSON (2.0314, true)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _texts(value: Any) -> list[str]:
    return [text(v) for v in _list(value)]


def _rows(value: Any, *keys: str) -> list[dict[str, str]]:
    return [{k: text(_obj(item).get(k)) for k in keys} for item in _list(value)]


def _pairs(value: Any) -> list[dict[str, str]]:
    return [{"key": str(k), "value": text(v)} for k, v in _obj(value).items()]


def new_metric(kind: str = "number") -> State:
    metric: State = {"name": "", "type": kind, "notes": "", "x_axis_name": "", "y_axis_name": "", "value": ""}
    if kind == "linear_graph":
        metric.update(value=[["", ""]], csv="")
    elif kind == "bar_chart":
        metric.update(value=[""], x_axis_name=[""])
    elif kind == "matrix":
        metric.update(value=[["", ""], ["", ""]], x_axis_name=["", ""], y_axis_name=["", ""])
    return metric


def new_group() -> State:
    return {"name": "", "extra": "", "metric_data": [new_metric()]}


def new_evaluation() -> State:
    return {
        "name": "",
        "evaluation_observation": "",
        "evaluation_job_arn": "",
        "datasets": [],
        "metadata": [],
        "metric_groups": [new_group()],
    }


def _metric_state(metric: Any) -> State:
    metric = _obj(metric)
    kind = text(metric.get("type"))
    state = new_metric(kind)
    state.update(name=text(metric.get("name")), notes=text(metric.get("notes")))
    value = metric.get("value")
    if kind == "linear_graph":
        state["value"] = [
            [text(p[0]) if len(p) > 0 else "", text(p[1]) if len(p) > 1 else ""]
            for p in (_list(x) for x in _list(value))
        ]
        state.update(x_axis_name=text(metric.get("x_axis_name")), y_axis_name=text(metric.get("y_axis_name")))
    elif kind == "bar_chart":
        values, labels = _texts(value), _texts(metric.get("x_axis_name"))
        count = max(len(values), len(labels))
        state.update(
            value=values + [""] * (count - len(values)),
            x_axis_name=labels + [""] * (count - len(labels)),
            y_axis_name=text(metric.get("y_axis_name")),
        )
    elif kind == "matrix":
        rows = [_texts(row) for row in _list(value)]
        x_labels, y_labels = _texts(metric.get("x_axis_name")), _texts(metric.get("y_axis_name"))
        height = max(len(rows), len(x_labels))
        width = max([len(r) for r in rows] + [len(y_labels)])
        rows = [r + [""] * (width - len(r)) for r in rows] + [[""] * width for _ in range(height - len(rows))]
        state.update(
            value=rows,
            x_axis_name=x_labels + [""] * (height - len(x_labels)),
            y_axis_name=y_labels + [""] * (width - len(y_labels)),
        )
    else:
        state["value"] = "" if value is None else text(value)
        state.update(x_axis_name=text(metric.get("x_axis_name")), y_axis_name=text(metric.get("y_axis_name")))
    return state


def objective_state(value: Any) -> State:
    """The intended shape {"function": {function, facet, condition}, "notes"}; anything else as raw JSON."""
    state: State = {"function": {"function": "", "facet": "", "condition": ""}, "notes": "", "raw": ""}
    if value is None:
        return state
    function = _obj(value).get("function") if isinstance(value, dict) else None
    fits = (
        isinstance(value, dict)
        and set(value) <= {"function", "notes"}
        and isinstance(value.get("notes", ""), str)
        and (
            function is None
            or (
                isinstance(function, dict)
                and set(function) <= {"function", "facet", "condition"}
                and all(isinstance(v, str) for v in function.values())
            )
        )
    )
    if not fits:
        state["raw"] = json.dumps(value, ensure_ascii=False, indent=2)
        return state
    state["function"].update({k: v for k, v in _obj(function).items()})
    state["notes"] = value.get("notes", "")
    return state


def state_from_card(card: Any) -> State:
    """The form's state for a stored card (valid or not: whatever fits the form is kept)."""
    card = _obj(card)
    overview, uses = _obj(card.get("model_overview")), _obj(card.get("intended_uses"))
    business, training = _obj(card.get("business_details")), _obj(card.get("training_details"))
    job, more = _obj(training.get("training_job_details")), _obj(card.get("additional_information"))
    evaluations = []
    for evaluation in _list(card.get("evaluation_details")):
        evaluation = _obj(evaluation)
        groups = []
        for group in _list(evaluation.get("metric_groups")):
            group = _obj(group)
            extra = {k: v for k, v in group.items() if k not in ("name", "metric_data")}
            groups.append(
                {
                    "name": text(group.get("name")),
                    # metric_groups items allow extra properties (console.md 8.1): carried along unseen.
                    "extra": json.dumps(extra, ensure_ascii=False) if extra else "",
                    "metric_data": [_metric_state(m) for m in _list(group.get("metric_data"))],
                }
            )
        evaluations.append(
            {
                "name": text(evaluation.get("name")),
                "evaluation_observation": text(evaluation.get("evaluation_observation")),
                "evaluation_job_arn": text(evaluation.get("evaluation_job_arn")),
                "datasets": _texts(evaluation.get("datasets")),
                "metadata": _pairs(evaluation.get("metadata")),
                "metric_groups": groups,
            }
        )
    return {
        "model_overview": {
            "model_creator": text(overview.get("model_creator")),
            "model_artifact": _texts(overview.get("model_artifact")),
        },
        "intended_uses": {
            k: text(uses.get(k))
            for k in (
                "purpose_of_model",
                "intended_uses",
                "factors_affecting_model_efficiency",
                "risk_rating",
                "explanations_for_risk_rating",
            )
        },
        "business_details": {
            k: text(business.get(k))
            for k in ("business_problem", "business_stakeholders", "line_of_business")
        },
        "training_details": {
            "objective_function": objective_state(training.get("objective_function")),
            "training_observations": text(training.get("training_observations")),
            "training_job_details": {
                "training_arn": text(job.get("training_arn")),
                "training_datasets": _texts(job.get("training_datasets")),
                "training_environment": {
                    "container_image": _texts(_obj(job.get("training_environment")).get("container_image")),
                },
                "training_metrics": _rows(job.get("training_metrics"), "name", "value", "notes"),
                "user_provided_training_metrics": _rows(
                    job.get("user_provided_training_metrics"), "name", "value", "notes"
                ),
                "hyper_parameters": _rows(job.get("hyper_parameters"), "name", "value"),
                "user_provided_hyper_parameters": _rows(
                    job.get("user_provided_hyper_parameters"), "name", "value"
                ),
            },
        },
        "evaluation_details": evaluations,
        "additional_information": {
            "ethical_considerations": text(more.get("ethical_considerations")),
            "caveats_and_recommendations": text(more.get("caveats_and_recommendations")),
            "custom_details": _pairs(more.get("custom_details")),
        },
    }


_TRAINING_JOB_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[^:]*:\d{12}:training-job/.+")


def prefilled_state(package: Mapping[str, Any]) -> State:
    """ "Create card": what the package already knows (console.md 4.10) — model artifacts from the
    containers' ModelDataUrl, their images, a training job ARN when GeneratedBy is one."""
    containers = _list(_obj(package.get("InferenceSpecification")).get("Containers"))
    artifacts = [c["ModelDataUrl"] for c in containers if isinstance(c, dict) and c.get("ModelDataUrl")]
    images = [c["Image"] for c in containers if isinstance(c, dict) and c.get("Image")]
    generated_by = str(_obj(package.get("MetadataProperties")).get("GeneratedBy", ""))
    card: dict[str, Any] = {}
    if artifacts:
        card["model_overview"] = {"model_artifact": list(dict.fromkeys(artifacts))}
    job: dict[str, Any] = {}
    if images:
        job["training_environment"] = {"container_image": list(dict.fromkeys(images))}
    if _TRAINING_JOB_ARN.match(generated_by):
        job["training_arn"] = generated_by
    if job:
        card["training_details"] = {"training_job_details": job}
    return state_from_card(card)


# ---- posted fields → state ---------------------------------------------------------------------------


def _tree(fields: Mapping[str, str]) -> dict[str, Any]:
    """Dotted names into nested dicts (list indices stay string keys until _seq)."""
    root: dict[str, Any] = {}
    for name, value in fields.items():
        parts = name.split(".")
        here: Any = root
        for part in parts[:-1]:
            nxt = here.get(part)
            if not isinstance(nxt, dict):
                nxt = here[part] = {}
            here = nxt
        if not isinstance(here.get(parts[-1]), dict):
            here[parts[-1]] = value
    return root


def _seq(value: Any) -> list[Any]:
    """{"0": a, "2": b} → [a, b] in index order (gaps closed); anything else → []."""
    if not isinstance(value, dict):
        return []
    keyed = [(int(k), v) for k, v in value.items() if k.isdigit()]
    return [v for _, v in sorted(keyed)]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: Any) -> list[str]:
    return [_str(v) for v in _seq(value)]


def _posted_rows(value: Any, *keys: str) -> list[dict[str, str]]:
    return [{k: _str(_obj(row).get(k)) for k in keys} for row in _seq(value)]


def _posted_metric(raw: Any) -> State:
    raw = _obj(raw)
    kind = _str(raw.get("type")) or "number"
    metric = new_metric(kind)
    metric.update(name=_str(raw.get("name")), notes=_str(raw.get("notes")))
    value = raw.get("value")
    if kind == "linear_graph":
        points = [[_str(_obj(p).get("0")), _str(_obj(p).get("1"))] for p in _seq(value)]
        metric.update(
            value=points,
            x_axis_name=_str(raw.get("x_axis_name")),
            y_axis_name=_str(raw.get("y_axis_name")),
            csv=_str(raw.get("csv")),
        )
    elif kind == "bar_chart":
        values, labels = _strs(value), _strs(raw.get("x_axis_name"))
        count = max(len(values), len(labels))
        metric.update(
            value=values + [""] * (count - len(values)),
            x_axis_name=labels + [""] * (count - len(labels)),
            y_axis_name=_str(raw.get("y_axis_name")),
        )
    elif kind == "matrix":
        rows = [_strs(row) for row in _seq(value)]
        x_labels, y_labels = _strs(raw.get("x_axis_name")), _strs(raw.get("y_axis_name"))
        height = max(len(rows), len(x_labels))
        width = max([len(r) for r in rows] + [len(y_labels)])
        rows = [r + [""] * (width - len(r)) for r in rows] + [[""] * width for _ in range(height - len(rows))]
        metric.update(
            value=rows,
            x_axis_name=x_labels + [""] * (height - len(x_labels)),
            y_axis_name=y_labels + [""] * (width - len(y_labels)),
        )
    else:
        metric.update(
            value=_str(value),
            x_axis_name=_str(raw.get("x_axis_name")),
            y_axis_name=_str(raw.get("y_axis_name")),
        )
    return metric


def state_from_fields(fields: Mapping[str, str]) -> State:
    """The form's state from the posted fields (names as card_edit.html writes them)."""
    raw = _tree(fields)
    overview, uses = _obj(raw.get("model_overview")), _obj(raw.get("intended_uses"))
    business, training = _obj(raw.get("business_details")), _obj(raw.get("training_details"))
    job, more = _obj(training.get("training_job_details")), _obj(raw.get("additional_information"))
    objective = _obj(training.get("objective_function"))
    function = _obj(objective.get("function"))
    evaluations = []
    for evaluation in _seq(raw.get("evaluation_details")):
        evaluation = _obj(evaluation)
        evaluations.append(
            {
                "name": _str(evaluation.get("name")),
                "evaluation_observation": _str(evaluation.get("evaluation_observation")),
                "evaluation_job_arn": _str(evaluation.get("evaluation_job_arn")),
                "datasets": _strs(evaluation.get("datasets")),
                "metadata": _posted_rows(evaluation.get("metadata"), "key", "value"),
                "metric_groups": [
                    {
                        "name": _str(_obj(group).get("name")),
                        "extra": _str(_obj(group).get("extra")),
                        "metric_data": [_posted_metric(m) for m in _seq(_obj(group).get("metric_data"))],
                    }
                    for group in _seq(evaluation.get("metric_groups"))
                ],
            }
        )
    return {
        "model_overview": {
            "model_creator": _str(overview.get("model_creator")),
            "model_artifact": _strs(overview.get("model_artifact")),
        },
        "intended_uses": {
            k: _str(uses.get(k))
            for k in (
                "purpose_of_model",
                "intended_uses",
                "factors_affecting_model_efficiency",
                "risk_rating",
                "explanations_for_risk_rating",
            )
        },
        "business_details": {
            k: _str(business.get(k))
            for k in ("business_problem", "business_stakeholders", "line_of_business")
        },
        "training_details": {
            "objective_function": {
                "function": {k: _str(function.get(k)) for k in ("function", "facet", "condition")},
                "notes": _str(objective.get("notes")),
                "raw": _str(objective.get("raw")),
            },
            "training_observations": _str(training.get("training_observations")),
            "training_job_details": {
                "training_arn": _str(job.get("training_arn")),
                "training_datasets": _strs(job.get("training_datasets")),
                "training_environment": {
                    "container_image": _strs(_obj(job.get("training_environment")).get("container_image")),
                },
                "training_metrics": _posted_rows(job.get("training_metrics"), "name", "value", "notes"),
                "user_provided_training_metrics": _posted_rows(
                    job.get("user_provided_training_metrics"), "name", "value", "notes"
                ),
                "hyper_parameters": _posted_rows(job.get("hyper_parameters"), "name", "value"),
                "user_provided_hyper_parameters": _posted_rows(
                    job.get("user_provided_hyper_parameters"), "name", "value"
                ),
            },
        },
        "evaluation_details": evaluations,
        "additional_information": {
            "ethical_considerations": _str(more.get("ethical_considerations")),
            "caveats_and_recommendations": _str(more.get("caveats_and_recommendations")),
            "custom_details": _posted_rows(more.get("custom_details"), "key", "value"),
        },
    }


def clean_text(value: str) -> str:
    """A posted text: browsers send textarea line breaks as CRLF; the card stores LF. Outer space is cut."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# ---- actions: add and remove rows --------------------------------------------------------------------


def shape_of(path: str) -> str:
    """ "evaluation_details.0.datasets" → "evaluation_details.*.datasets"."""
    return ".".join("*" if part.isdigit() else part for part in path.split(".")) if path else ""


def at(state: Any, path: str) -> Any:
    """The state node at a dotted path; KeyError/IndexError/TypeError when there is none."""
    here = state
    for part in path.split(".") if path else []:
        here = here[int(part)] if isinstance(here, list) else here[part]
    return here


def _new_row(shape: str) -> Any:
    rows: dict[str, Any] = {
        "evaluation_details": new_evaluation,
        "evaluation_details.*.metadata": lambda: {"key": "", "value": ""},
        "evaluation_details.*.metric_groups": new_group,
        METRICS: new_metric,
        "additional_information.custom_details": lambda: {"key": "", "value": ""},
        "training_details.training_job_details.training_metrics": lambda: {
            "name": "",
            "value": "",
            "notes": "",
        },
        "training_details.training_job_details.user_provided_training_metrics": lambda: {
            "name": "",
            "value": "",
            "notes": "",
        },
        "training_details.training_job_details.hyper_parameters": lambda: {"name": "", "value": ""},
        "training_details.training_job_details.user_provided_hyper_parameters": lambda: {
            "name": "",
            "value": "",
        },
    }
    return rows[shape]() if shape in rows else ""


def list_limit(path: str) -> int | None:
    """The most rows a list of the form may have (schema maxItems; matrix sides), None if unlimited."""
    shape = shape_of(path)
    if shape == METRICS + ".*.value":
        return None  # depends on the metric type; see apply()
    try:
        return max_items(shape)
    except (KeyError, TypeError):
        return None


class BadAction(ValueError):
    pass


def apply(state: State, action: str) -> tuple[State, str]:
    """The state after one row action, and the id of the field to focus next.

    add:<list path>          one more empty row (a point, a bar, a dataset, an evaluation, …)
    remove:<item path>       that row gone (a bar's label goes with it)
    addx:<metric path>       one more matrix column (x_axis_name, value[i]); removex:<metric path>.<i>
    addy:<metric path>       one more matrix row (y_axis_name, value[i][j]); removey:<metric path>.<j>
    csv:<metric path>        the linear graph's pasted "x,y" lines replace its points
    refresh[:<metric path>]  nothing (a metric's type changed: re-render its editor, focus its type)
    """
    state = copy.deepcopy(state)
    verb, _, path = action.partition(":")
    try:
        if verb == "refresh":
            return state, field_id(f"{path}.type") if path else ""
        if verb == "add":
            return state, _add(state, path)
        if verb == "remove":
            return state, _remove(state, path)
        if verb in ("addx", "addy", "removex", "removey"):
            return state, _matrix(state, verb, path)
        if verb == "csv":
            return state, _paste(state, path)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise BadAction(action) from exc
    raise BadAction(action)


def field_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def _metric_of_value(state: State, path: str) -> dict[str, Any] | None:
    if shape_of(path) == METRICS + ".*.value":
        metric = at(state, path.rsplit(".", 1)[0])
        return metric if isinstance(metric, dict) else None
    return None


def _add(state: State, path: str) -> str:
    rows = at(state, path)
    if not isinstance(rows, list):
        raise TypeError(path)
    metric = _metric_of_value(state, path)
    if metric is not None:
        if metric["type"] == "bar_chart":
            rows.append("")
            metric["x_axis_name"].append("")
            return field_id(f"{path[: -len('.value')]}.x_axis_name.{len(rows) - 1}")
        if metric["type"] != "linear_graph":
            raise TypeError(path)
        rows.append(["", ""])
        return field_id(f"{path}.{len(rows) - 1}.0")
    most = list_limit(path)
    if most is not None and len(rows) >= most:
        return field_id(path)
    row = _new_row(shape_of(path))
    rows.append(row)
    return field_id(_first_leaf(f"{path}.{len(rows) - 1}", row))


def _first_leaf(path: str, value: Any) -> str:
    if isinstance(value, dict) and value:
        key = next(iter(value))
        return _first_leaf(f"{path}.{key}", value[key])
    if isinstance(value, list) and value:
        return _first_leaf(f"{path}.0", value[0])
    return path


def _remove(state: State, path: str) -> str:
    parent, _, index_text = path.rpartition(".")
    rows = at(state, parent)
    index = int(index_text)
    if not isinstance(rows, list) or not 0 <= index < len(rows):
        raise IndexError(path)
    metric = _metric_of_value(state, parent)
    if metric is not None and metric["type"] == "matrix":
        raise TypeError(path)  # matrix rows and columns go through removex/removey
    del rows[index]
    if metric is not None and metric["type"] == "bar_chart":
        del metric["x_axis_name"][index]
    return "add-" + field_id(parent)


def _matrix(state: State, verb: str, path: str) -> str:
    """A matrix is edited as it is drawn: x_axis_name[i] (value[i]) are the columns, y_axis_name[j] the rows."""
    if verb in ("addx", "addy"):
        metric = at(state, path)
        if metric["type"] != "matrix":
            raise TypeError(path)
        most_x, most_y = matrix_max()
        if verb == "addx" and len(metric["x_axis_name"]) < most_x:
            metric["x_axis_name"].append("")
            metric["value"].append([""] * len(metric["y_axis_name"]))
            return field_id(f"{path}.x_axis_name.{len(metric['x_axis_name']) - 1}")
        if verb == "addy" and len(metric["y_axis_name"]) < most_y:
            metric["y_axis_name"].append("")
            for row in metric["value"]:
                row.append("")
            return field_id(f"{path}.y_axis_name.{len(metric['y_axis_name']) - 1}")
        return f"{verb}-{field_id(path)}"
    metric_path, _, index_text = path.rpartition(".")
    metric, index = at(state, metric_path), int(index_text)
    if metric["type"] != "matrix":
        raise TypeError(path)
    if verb == "removex":
        if not 0 <= index < len(metric["x_axis_name"]):
            raise IndexError(path)
        del metric["x_axis_name"][index]
        del metric["value"][index]
        return "addx-" + field_id(metric_path)
    if not 0 <= index < len(metric["y_axis_name"]):
        raise IndexError(path)
    del metric["y_axis_name"][index]
    for row in metric["value"]:
        del row[index]
    return "addy-" + field_id(metric_path)


_CSV_SPLIT = re.compile(r"[,;\t ]+")


def _paste(state: State, path: str) -> str:
    """Pasted CSV for a linear graph: one "x,y" pair a line (commas, semicolons, tabs or spaces); a
    header line that is not numbers is skipped."""
    metric = at(state, path)
    if metric["type"] != "linear_graph":
        raise TypeError(path)
    points: list[list[str]] = []
    for line in clean_text(metric.get("csv", "")).splitlines():
        cells = [c for c in _CSV_SPLIT.split(line.strip()) if c]
        if not cells:
            continue
        if len(points) == 0 and not all(_number(c) is not None for c in cells[:2]):
            continue  # a header line
        points.append([cells[0], cells[1] if len(cells) > 1 else ""])
    if points:
        metric["value"] = points
        metric["csv"] = ""
    return field_id(f"{path}.value.0.0")


# ---- state → card --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def _number(value: str) -> int | float | None:
    """A typed number as JSON would hold it (142 stays an integer), None if it is not one."""
    value = value.strip()
    if not _NUMBER.match(value):
        return None
    if _INTEGER.match(value):
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else None


def _empty(value: Any) -> bool:
    """A row the user left blank: every text in it empty (a metric's type does not count)."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    if isinstance(value, dict):
        return all(_empty(v) for k, v in value.items() if k not in ("type", "extra"))
    return value is None


def compacted(state: State) -> State:
    """The state without blank rows, so its indices are the saved card's (errors then land right)."""
    state = copy.deepcopy(state)
    overview = state["model_overview"]
    overview["model_artifact"] = [v for v in overview["model_artifact"] if not _empty(v)]
    job = state["training_details"]["training_job_details"]
    job["training_datasets"] = [v for v in job["training_datasets"] if not _empty(v)]
    environment = job["training_environment"]
    environment["container_image"] = [v for v in environment["container_image"] if not _empty(v)]
    for key in (
        "training_metrics",
        "user_provided_training_metrics",
        "hyper_parameters",
        "user_provided_hyper_parameters",
    ):
        job[key] = [row for row in job[key] if not _empty(row)]
    more = state["additional_information"]
    more["custom_details"] = [row for row in more["custom_details"] if not _empty(row)]
    evaluations = []
    for evaluation in state["evaluation_details"]:
        evaluation["datasets"] = [v for v in evaluation["datasets"] if not _empty(v)]
        evaluation["metadata"] = [row for row in evaluation["metadata"] if not _empty(row)]
        groups = []
        for group in evaluation["metric_groups"]:
            metrics = []
            for metric in group["metric_data"]:
                if _empty(metric):
                    continue
                if metric["type"] == "linear_graph":
                    metric["value"] = [p for p in metric["value"] if not _empty(p)]
                elif metric["type"] == "bar_chart":
                    kept = [
                        i
                        for i, (v, label) in enumerate(
                            zip(metric["value"], metric["x_axis_name"], strict=True)
                        )
                        if not (_empty(v) and _empty(label))
                    ]
                    metric["value"] = [metric["value"][i] for i in kept]
                    metric["x_axis_name"] = [metric["x_axis_name"][i] for i in kept]
                metrics.append(metric)
            group["metric_data"] = metrics
            if not _empty(group):
                groups.append(group)
        evaluation["metric_groups"] = groups
        if not _empty(evaluation):
            evaluations.append(evaluation)
    state["evaluation_details"] = evaluations
    return state


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` unless the value is empty: the saved card omits empty fields."""
    if value is None or value == "" or value == [] or value == {}:
        return
    target[key] = value


def _texts_out(values: list[str]) -> list[str]:
    return [clean_text(v) for v in values if clean_text(v)]


class _Builder:
    """state → card, collecting input errors by field name."""

    def __init__(self) -> None:
        self.errors = FormErrors()

    def number(self, value: str, name: str, what: str = "Value") -> Any:
        """A number field: the number, or the text as typed (the schema then reports it too)."""
        typed = clean_text(value)
        number = _number(typed)
        if number is None:
            self.errors.add(name, f"{what} must be a number" + (f", not '{_cut(typed)}'" if typed else ""))
            return typed
        return number

    def pairs(self, rows: list[dict[str, str]], name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, row in enumerate(rows):
            key, value = clean_text(row["key"]), clean_text(row["value"])
            if not key:
                self.errors.add(f"{name}.{index}.key", "Key is required")
            elif key in found:
                self.errors.add(f"{name}.{index}.key", f"Key '{_cut(key)}' is used twice")
            else:
                found[key] = value
        return found

    def metric(self, metric: State, name: str) -> dict[str, Any]:
        kind = metric["type"]
        out: dict[str, Any] = {"name": clean_text(metric["name"]), "type": kind}
        if kind == "linear_graph":
            out["value"] = [
                [self.number(x, f"{name}.value.{i}.0", "x"), self.number(y, f"{name}.value.{i}.1", "y")]
                for i, (x, y) in enumerate(metric["value"])
            ]
            _put(out, "x_axis_name", clean_text(metric["x_axis_name"]))
            _put(out, "y_axis_name", clean_text(metric["y_axis_name"]))
        elif kind == "bar_chart":
            out["value"] = [self.number(v, f"{name}.value.{i}") for i, v in enumerate(metric["value"])]
            labels = [clean_text(label) for label in metric["x_axis_name"]]
            if any(labels):
                out["x_axis_name"] = labels
            _put(out, "y_axis_name", clean_text(metric["y_axis_name"]))
        elif kind == "matrix":
            out["value"] = [
                [self.number(cell, f"{name}.value.{i}.{j}", "Cell") for j, cell in enumerate(row)]
                for i, row in enumerate(metric["value"])
            ]
            for axis in ("x_axis_name", "y_axis_name"):
                labels = [clean_text(label) for label in metric[axis]]
                if any(labels):
                    out[axis] = labels
        else:
            out["value"] = self.simple_value(kind, metric["value"], f"{name}.value")
            _put(out, "x_axis_name", clean_text(metric["x_axis_name"]))
            _put(out, "y_axis_name", clean_text(metric["y_axis_name"]))
        _put(out, "notes", clean_text(metric["notes"]))
        return out

    def simple_value(self, kind: str, value: str, name: str) -> Any:
        typed = clean_text(value)
        if kind == "number":
            return self.number(typed, name)
        if kind == "boolean":
            if typed in ("true", "false"):
                return typed == "true"
            self.errors.add(name, "Choose Yes or No")
            return typed
        return typed

    def objective(self, objective: State, name: str) -> Any:
        raw = clean_text(objective["raw"])
        function = {k: clean_text(v) for k, v in objective["function"].items()}
        notes = clean_text(objective["notes"])
        if raw and not any(function.values()) and not notes:
            try:
                return json.loads(raw)
            except json.JSONDecodeError as exc:
                self.errors.add(f"{name}.raw", f"Not valid JSON: {exc}")
                return None
        for key in ("facet", "condition"):
            most = limit(f"#objective_function.{key}")
            if most is not None and len(function[key]) > most:
                self.errors.add(
                    f"{name}.function.{key}",
                    f"'{_cut(function[key])}' is too long (maximum {most} characters)",
                )
        out: dict[str, Any] = {}
        _put(out, "function", {k: v for k, v in function.items() if v})
        _put(out, "notes", notes)
        return out


def card_from_state(state: State) -> tuple[dict[str, Any], FormErrors]:
    """The card the form describes (compact: empty fields omitted) and the input errors found.
    Call with a compacted() state so list indices in errors match the form's rows."""
    build = _Builder()
    card: dict[str, Any] = {}

    overview: dict[str, Any] = {}
    _put(overview, "model_creator", clean_text(state["model_overview"]["model_creator"]))
    _put(overview, "model_artifact", _texts_out(state["model_overview"]["model_artifact"]))
    _put(card, "model_overview", overview)

    uses = {k: clean_text(v) for k, v in state["intended_uses"].items()}
    _put(card, "intended_uses", {k: v for k, v in uses.items() if v})
    business = {k: clean_text(v) for k, v in state["business_details"].items()}
    _put(card, "business_details", {k: v for k, v in business.items() if v})

    training_state = state["training_details"]
    job_state = training_state["training_job_details"]
    prefix = "training_details.training_job_details"
    job: dict[str, Any] = {}
    _put(job, "training_arn", clean_text(job_state["training_arn"]))
    _put(job, "training_datasets", _texts_out(job_state["training_datasets"]))
    _put(
        job,
        "training_environment",
        {"container_image": images}
        if (images := _texts_out(job_state["training_environment"]["container_image"]))
        else {},
    )
    for key in ("training_metrics", "user_provided_training_metrics"):
        rows = []
        for i, row in enumerate(job_state[key]):
            item: dict[str, Any] = {
                "name": clean_text(row["name"]),
                "value": build.number(row["value"], f"{prefix}.{key}.{i}.value"),
            }
            _put(item, "notes", clean_text(row["notes"]))
            rows.append(item)
        _put(job, key, rows)
    for key in ("hyper_parameters", "user_provided_hyper_parameters"):
        _put(
            job,
            key,
            [{"name": clean_text(r["name"]), "value": clean_text(r["value"])} for r in job_state[key]],
        )
    training: dict[str, Any] = {}
    _put(
        training,
        "objective_function",
        build.objective(training_state["objective_function"], "training_details.objective_function"),
    )
    _put(training, "training_observations", clean_text(training_state["training_observations"]))
    _put(training, "training_job_details", job)
    _put(card, "training_details", training)

    evaluations = []
    for e, evaluation in enumerate(state["evaluation_details"]):
        name = f"evaluation_details.{e}"
        # `name` is required: sent even when empty, so the schema names the field.
        out: dict[str, Any] = {"name": clean_text(evaluation["name"])}
        _put(out, "evaluation_observation", clean_text(evaluation["evaluation_observation"]))
        _put(out, "evaluation_job_arn", clean_text(evaluation["evaluation_job_arn"]))
        _put(out, "datasets", _texts_out(evaluation["datasets"]))
        _put(out, "metadata", build.pairs(evaluation["metadata"], f"{name}.metadata"))
        groups = []
        for g, group in enumerate(evaluation["metric_groups"]):
            group_out: dict[str, Any] = {}
            extra = clean_text(group.get("extra", ""))
            if extra:
                try:
                    loaded = json.loads(extra)
                except json.JSONDecodeError:
                    loaded = {}
                if isinstance(loaded, dict):
                    group_out.update({k: v for k, v in loaded.items() if k not in ("name", "metric_data")})
            group_out["name"] = clean_text(group["name"])
            group_out["metric_data"] = [
                build.metric(metric, f"{name}.metric_groups.{g}.metric_data.{m}")
                for m, metric in enumerate(group["metric_data"])
            ]
            groups.append(group_out)
        _put(out, "metric_groups", groups)
        evaluations.append(out)
    _put(card, "evaluation_details", evaluations)

    more_state = state["additional_information"]
    more: dict[str, Any] = {}
    _put(more, "ethical_considerations", clean_text(more_state["ethical_considerations"]))
    _put(more, "caveats_and_recommendations", clean_text(more_state["caveats_and_recommendations"]))
    _put(
        more,
        "custom_details",
        build.pairs(more_state["custom_details"], "additional_information.custom_details"),
    )
    _put(card, "additional_information", more)
    return card, build.errors


def serialize(card: dict[str, Any]) -> str:
    """ModelCardContent as boto3 users usually send it: compact, line breaks as \\n escapes (4.10)."""
    return json.dumps(card, ensure_ascii=False, separators=(",", ":"))


# ---- errors → fields ----------------------------------------------------------------------------------


def names(state: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every (name, value) of the state: containers and leaves, as card_edit.html names them."""
    if prefix:
        yield prefix, state
    if isinstance(state, dict):
        for key, value in state.items():
            yield from names(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(state, list):
        for index, value in enumerate(state):
            yield from names(value, f"{prefix}.{index}" if prefix else str(index))


_MAPS = {("evaluation_details", "*", "metadata"), ("additional_information", "custom_details")}
_REQUIRED = re.compile(r"^'([^']+)' is a required property$")


def field_for(path: tuple[str | int, ...], message: str, keyword: str, state: State, known: set[str]) -> str:
    """The form field a schema problem at `path` belongs to: the field itself, else its nearest
    rendered parent (a list, a metric, a section), else FORM (summary only)."""
    parts: list[str] = []
    shape: list[str] = []
    elements = list(path)
    i = 0
    while i < len(elements):
        element = elements[i]
        parts.append(str(element))
        shape.append("*" if isinstance(element, int) else str(element))
        if tuple(shape) in _MAPS and i + 1 < len(elements):
            # A map key names a key/value row of the form.
            key = str(elements[i + 1])
            rows = at(state, ".".join(parts))
            index = next((n for n, row in enumerate(rows) if clean_text(row["key"]) == key), None)
            if index is None:
                break
            parts += [str(index), "value"]
            shape += ["*", "value"]
            i += 2
            continue
        i += 1
    if keyword == "required" and (found := _REQUIRED.match(message)):
        parts.append(found.group(1))
    while parts:
        name = ".".join(parts)
        if name in known:
            return name
        parts.pop()
    return FORM


def place_problems(
    problems: list[cards.Problem], state: State, errors: FormErrors | None = None
) -> FormErrors:
    """Schema problems filed under their fields (a field that already has an input error keeps only it)."""
    errors = FormErrors() if errors is None else errors
    known = {name for name, _ in names(state)}
    had = set(errors.fields)
    for problem in sorted(
        problems, key=lambda p: [(0, e, "") if isinstance(e, int) else (1, 0, e) for e in p.path]
    ):
        name = field_for(problem.path, problem.message, problem.keyword, state, known)
        if name in had:
            continue
        errors.add(name, f"{cards.format_path(problem.path)}: {problem.message}")
    return errors


def _cut(value: str, most: int = 60) -> str:
    return value if len(value) <= most else value[:most] + "..."
