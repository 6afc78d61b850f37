"""The version's Model card tab (console.md 4.10): view, status, edit form; charts of its evaluation metrics.

GET       /model-groups/{group}/versions/{n}/card          the card by section (Overview, Train, Evaluate,
                                                           Audit); "?mode=edit" goes to the edit form
POST      /model-groups/{group}/versions/{n}/card/status   UpdateModelPackage ModelCard={ModelCardStatus}
GET|POST  /model-groups/{group}/versions/{n}/card/edit     the whole card in one form; Save sends one
                                                           UpdateModelPackage with ModelCardContent + status
GET       /static/plotly.min.js                            Plotly from the installed `plotly` package (no CDN)

    card tab ──▶ card_view(package) ──▶ card.html (+ charts.metric_group_view per metric group; the
                 figures go to the page as <script type="application/json" id="card-charts">,
                 static/charts.js draws them with Plotly)
    edit ──▶ card_form (state ⇄ fields ⇄ card) ──▶ call(UpdateModelPackage) ──▶ 303 + notice
                                                     └ RegistryError: cards.problems_in → fields, 400
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from registro.api import service_model
from registro.console import card_form, charts
from registro.console.calls import call
from registro.console.forms import FORM, FormErrors, see_other
from registro.console.templating import shown_time, who
from registro.console.version_view import CARD_STATUS_LABELS, load_version, render_tab
from registro.registry import cards
from registro.registry.errors import RegistryError

_V = "/model-groups/{group}/versions/{n}"
RISK_CLASSES = {"High": "bad", "Medium": "warn", "Low": "ok", "Unknown": "neutral"}
ARCHIVE_CONFIRM = "I understand this freezes the content"


@cache
def card_statuses() -> tuple[tuple[str, str], ...]:
    """(value, label) of every ModelCardStatus botocore allows, in its order."""
    values = service_model.service().shape_for("ModelCardStatus").enum
    return tuple((value, CARD_STATUS_LABELS.get(value, value)) for value in values)


# ---------------------------------------------------------------------------------------------- view


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return charts.text_of(value)


def _metric_rows(items: Any) -> list[dict[str, Any]]:
    rows = []
    for item in _list(items):
        item = _obj(item)
        value = item.get("value")
        rows.append(
            {
                "name": _text(item.get("name")),
                "value": charts.number_cell(value),
                "notes": _text(item.get("notes")),
            }
        )
    return rows


def _objective(value: Any) -> dict[str, Any]:
    """console.md 8.1: the schema lets any value through; the intended shape is shown as facts."""
    if value is None:
        return {"present": False}
    state = card_form.objective_state(value)
    if state["raw"]:
        return {"present": True, "raw": state["raw"]}
    return {"present": True, "raw": "", **state["function"], "notes": state["notes"]}


def objective_text(value: Any) -> str:
    """The objective function in one text: "Minimize validation:rmse (condition)" and its notes."""
    shown = _objective(value)
    if not shown["present"]:
        return ""
    if shown["raw"]:
        return json.dumps(value, ensure_ascii=False)
    text = " ".join(part for part in (shown["function"], shown["facet"]) if part)
    if shown["condition"]:
        text += f" ({shown['condition']})" if text else shown["condition"]
    return f"{text}\n{shown['notes']}".strip() if shown["notes"] else text


def parse_card(content: str | None) -> tuple[Any, str, list[str]]:
    """(parsed card or None, parse error, schema problems) of a stored ModelCardContent."""
    if content is None:
        return None, "", []
    try:
        card = json.loads(content)
    except json.JSONDecodeError as exc:
        return None, f"ModelCardContent is not valid JSON: {exc}", []
    except RecursionError:
        return None, "ModelCardContent is not valid JSON: nested too deeply", []
    problems = sorted(str(p) for p in cards.problems_in(card))
    return card, "", problems


def card_view(package: dict[str, Any]) -> dict[str, Any]:
    """Everything card.html shows, with defaults for every absent member (imported cards may lack any)."""
    model_card = _obj(package.get("ModelCard"))
    content = model_card.get("ModelCardContent")
    parsed, parse_error, problems = parse_card(content)
    card = _obj(parsed)
    overview, uses = _obj(card.get("model_overview")), _obj(card.get("intended_uses"))
    business, training = _obj(card.get("business_details")), _obj(card.get("training_details"))
    job, more = _obj(training.get("training_job_details")), _obj(card.get("additional_information"))
    evaluations: list[dict[str, Any]] = []
    for e, evaluation in enumerate(_list(card.get("evaluation_details"))):
        evaluation = _obj(evaluation)
        groups = [
            charts.metric_group_view(g, f"e{e}-g{i}")
            for i, g in enumerate(_list(evaluation.get("metric_groups")))
        ]
        evaluations.append(
            {
                "anchor": f"evaluation-{e + 1}",
                "name": _text(evaluation.get("name")) or f"Evaluation {e + 1}",
                "observation": _text(evaluation.get("evaluation_observation")),
                "job_arn": _text(evaluation.get("evaluation_job_arn")),
                "datasets": [_text(d) for d in _list(evaluation.get("datasets"))],
                "metadata": [(str(k), _text(v)) for k, v in _obj(evaluation.get("metadata")).items()],
                "groups": groups,
            }
        )
    risk = _text(uses.get("risk_rating"))
    return {
        "has_content": content is not None,
        "status": model_card.get("ModelCardStatus", ""),
        "status_label": CARD_STATUS_LABELS.get(model_card.get("ModelCardStatus", ""), ""),
        "raw": content if (parse_error or problems) else "",
        "parse_error": parse_error,
        "problems": problems,
        "creator": _text(overview.get("model_creator")),
        "artifacts": [_text(a) for a in _list(overview.get("model_artifact"))],
        "training_metrics": _metric_rows(job.get("training_metrics")),
        "custom_training_metrics": _metric_rows(job.get("user_provided_training_metrics")),
        "training_observations": _text(training.get("training_observations")),
        "objective": _objective(training.get("objective_function")),
        "training_datasets": [_text(d) for d in _list(job.get("training_datasets"))],
        "hyper_parameters": [
            (_text(_obj(h).get("name")), _text(_obj(h).get("value")))
            for h in _list(job.get("hyper_parameters"))
        ],
        "custom_hyper_parameters": [
            (_text(_obj(h).get("name")), _text(_obj(h).get("value")))
            for h in _list(job.get("user_provided_hyper_parameters"))
        ],
        "container_images": [
            _text(i) for i in _list(_obj(job.get("training_environment")).get("container_image"))
        ],
        "training_arn": _text(job.get("training_arn")),
        "evaluations": evaluations,
        "figures": charts.figures([g for e in evaluations for g in e["groups"]]),
        "risk": risk,
        "risk_class": RISK_CLASSES.get(risk, "neutral"),
        "risk_explanation": _text(uses.get("explanations_for_risk_rating")),
        "purpose": _text(uses.get("purpose_of_model")),
        "intended_uses": _text(uses.get("intended_uses")),
        "factors": _text(uses.get("factors_affecting_model_efficiency")),
        "ethical": _text(more.get("ethical_considerations")),
        "caveats": _text(more.get("caveats_and_recommendations")),
        "business_problem": _text(business.get("business_problem")),
        "stakeholders": _text(business.get("business_stakeholders")),
        "line_of_business": _text(business.get("line_of_business")),
        "custom_details": [(str(k), _text(v)) for k, v in _obj(more.get("custom_details")).items()],
        "task": _text(package.get("Task")),
        "domain": _text(package.get("Domain")),
    }


def _view(request: Request) -> dict[str, Any]:
    return load_version(request, request.path_params["group"], request.path_params["n"])


def _render_card(request: Request, view: dict[str, Any], status_code: int = 200, **values: Any) -> Response:
    return render_tab(
        request,
        "card.html",
        view,
        "card",
        status_code=status_code,
        card=card_view(view["package"]),
        statuses=card_statuses(),
        archive_confirm=ARCHIVE_CONFIRM,
        plotly_version=plotly_version(),
        **values,
    )


async def card_tab(request: Request) -> Response:
    view = _view(request)
    if request.query_params.get("mode") == "edit":
        return RedirectResponse(view["base"] + "/card/edit", status_code=303)
    return _render_card(request, view, status_errors=FormErrors())


async def card_status(request: Request) -> Response:
    """The status dropdown: UpdateModelPackage with a ModelCard carrying only ModelCardStatus (content kept)."""
    view = _view(request)
    form = await request.form()
    status = str(form.get("ModelCardStatus", ""))
    current = _obj(view["package"].get("ModelCard")).get("ModelCardStatus", "")
    errors = FormErrors()
    if status == "Archived" and current != "Archived" and form.get("confirm_archive") != "yes":
        errors.add(
            "confirm_archive",
            f"Archiving freezes the card's content: tick “{ARCHIVE_CONFIRM}” to archive it.",
        )
        return _render_card(request, view, status_code=400, status_errors=errors, chosen_status=status)
    try:
        call(
            request,
            "UpdateModelPackage",
            {"ModelPackageArn": view["arn"], "ModelCard": {"ModelCardStatus": status}},
        )
    except RegistryError as exc:
        errors.add("ModelCardStatus", exc.message)
        return _render_card(request, view, status_code=400, status_errors=errors, chosen_status=status)
    label = CARD_STATUS_LABELS.get(status, status)
    return see_other(view["base"] + "/card", f"Card status set to {label}")


# ---------------------------------------------------------------------------------------------- edit


def _render_edit(
    request: Request,
    view: dict[str, Any],
    state: card_form.State,
    status: str,
    seen: str,
    errors: FormErrors,
    status_code: int = 200,
    focus: str = "",
    **values: Any,
) -> Response:
    labels = {name: field_label(name) for name in errors.fields if name != FORM}
    return render_tab(
        request,
        "card_edit.html",
        view,
        "card",
        status_code=status_code,
        state=state,
        chosen_status=status,
        seen=seen,
        errors=errors,
        labels=labels,
        focus=focus,
        statuses=card_statuses(),
        limit=card_form.limit,
        max_items=card_form.max_items,
        matrix_max=card_form.matrix_max(),
        risk_ratings=card_form.enum("#risk_rating"),
        objective_functions=card_form.enum("#objective_function.function"),
        metric_types=card_form.metric_types(),
        kind_labels=charts.KIND_LABELS,
        fid=card_form.field_id,
        edit_url=view["base"] + "/card/edit",
        editing_card=True,
        **values,
    )


async def card_edit(request: Request) -> Response:
    view = _view(request)
    if view["card_archived"]:
        return see_other(
            view["base"] + "/card", "Archived cards are read-only: change the status first to edit."
        )
    package = view["package"]
    seen = repr(package.get("LastModifiedTime"))
    model_card = _obj(package.get("ModelCard"))
    if request.method == "GET":
        content = model_card.get("ModelCardContent")
        parsed, parse_error, _problems = parse_card(content)
        if content is None:
            state = card_form.prefilled_state(package)
            errors = FormErrors()
        else:
            state = card_form.state_from_card(parsed)
            errors = (
                card_form.place_problems(cards.problems_in(parsed), state)
                if parsed is not None
                else FormErrors()
            )
        return _render_edit(
            request,
            view,
            state,
            model_card.get("ModelCardStatus", "Draft"),
            seen,
            errors,
            creating=content is None,
            raw=content if (parse_error or errors) else "",
            parse_error=parse_error,
            stored_problems=bool(errors),
        )
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    action = fields.pop("action", "save")
    status = fields.pop("ModelCardStatus", "Draft")
    seen = fields.pop("LastModifiedTime", seen)
    state = card_form.state_from_fields(fields)
    creating = not model_card.get("ModelCardContent")

    def again(errors: FormErrors, **extra: Any) -> Response:
        """The edit form once more, with the user's input and what to say about it."""
        return _render_edit(request, view, state, status, seen, errors, creating=creating, **extra)

    if action != "save":
        try:
            state, focus = card_form.apply(state, action)
        except card_form.BadAction:
            focus = ""
        return again(FormErrors(), focus=focus)
    state = card_form.compacted(state)
    card, errors = card_form.card_from_state(state)
    current = package.get("LastModifiedTime")
    if seen and current is not None and seen != repr(current):
        errors.add(
            FORM,
            f"Changed by {who(package.get('LastModifiedBy'))} at {shown_time(current)}: reload to see it.",
        )
        return again(errors, status_code=409, conflict=True)
    if errors:
        card_form.place_problems(cards.problems_in(card), state, errors)
        return again(errors, status_code=400)
    params = {
        "ModelPackageArn": view["arn"],
        "ModelCard": {"ModelCardContent": card_form.serialize(card), "ModelCardStatus": status},
    }
    try:
        call(request, "UpdateModelPackage", params)
    except RegistryError as exc:
        errors = card_form.place_problems(cards.problems_in(card), state)
        if not errors:
            errors.add(FORM, exc.message)
        return again(errors, status_code=400)
    return see_other(view["base"] + "/card", "Model card saved")


# ---------------------------------------------------------------------------------------------- labels

_LABELS = {
    "model_overview": "Overview",
    "model_creator": "Model creator",
    "model_artifact": "Model artifact",
    "intended_uses": "Intended uses",
    "purpose_of_model": "Purpose of the model",
    "factors_affecting_model_efficiency": "Factors affecting model efficiency",
    "risk_rating": "Risk rating",
    "explanations_for_risk_rating": "Explanation for the risk rating",
    "business_details": "Business details",
    "business_problem": "Business problem",
    "business_stakeholders": "Business stakeholders",
    "line_of_business": "Line of business",
    "training_details": "Training",
    "objective_function": "Objective function",
    "training_observations": "Training observations",
    "training_job_details": "Training job",
    "training_arn": "Training job ARN",
    "training_datasets": "Training dataset",
    "training_environment": "Environment",
    "container_image": "Container image",
    "training_metrics": "Training metric",
    "user_provided_training_metrics": "Custom training metric",
    "hyper_parameters": "Hyperparameter",
    "user_provided_hyper_parameters": "Custom hyperparameter",
    "evaluation_details": "Evaluation",
    "evaluation_observation": "Observations",
    "evaluation_job_arn": "Evaluation job ARN",
    "datasets": "Dataset",
    "metadata": "Metadata",
    "metric_groups": "Metric group",
    "metric_data": "Metric",
    "additional_information": "Additional information",
    "ethical_considerations": "Ethical considerations",
    "caveats_and_recommendations": "Caveats and recommendations",
    "custom_details": "Custom detail",
    "x_axis_name": "x axis name",
    "y_axis_name": "y axis name",
    "raw": "JSON",
}


def field_label(name: str) -> str:
    """A form field in UI terms: "evaluation_details.0.metric_groups.1.name" → "Evaluation 1 › Metric group 2 › Name"."""
    words: list[str] = []
    for part in name.split("."):
        if part.isdigit() and words:
            words[-1] = f"{words[-1]} {int(part) + 1}"
        else:
            words.append(_LABELS.get(part, part.replace("_", " ").capitalize()))
    return " › ".join(words)


# ---------------------------------------------------------------------------------------------- plotly


def plotly_file() -> Path:
    """plotly.min.js as the `plotly` wheel ships it (console.md 1.5: no CDN, no download)."""
    return Path(str(resources.files("plotly").joinpath("package_data/plotly.min.js")))


@cache
def plotly_version() -> str:
    """The bundled plotly.js version, put in the script URL so a new version is never served from cache."""
    with plotly_file().open("rb") as handle:
        head = handle.read(200).decode("ascii", "replace")
    marker = "plotly.js v"
    return head.split(marker, 1)[1].split()[0] if marker in head else "0"


async def plotly_js(_request: Request) -> Response:
    return FileResponse(
        plotly_file(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


ROUTES: list[BaseRoute] = [
    Route("/static/plotly.min.js", plotly_js, methods=["GET"]),
    Route(_V + "/card", card_tab, methods=["GET"]),
    Route(_V + "/card/status", card_status, methods=["POST"]),
    Route(_V + "/card/edit", card_edit, methods=["GET", "POST"]),
]
