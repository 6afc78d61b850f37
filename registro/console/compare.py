"""Compare versions (console.md 6, extra): two to four versions of a group side by side.

GET /model-groups/{group}/compare?v=1&v=3[&diff=1]

    DescribeModelPackageGroup ─▶ 404 page if unknown
    v (2..4 distinct version numbers) ──not so──▶ the picker (ListModelPackages, newest first) + message, 400
    DescribeModelPackage("{group}/{n}") per version ─▶ sections of rows, one cell per version:
        Summary                  approval, stage, created, created by, image, model data URL, instance
                                 types, card status, one row per customer metadata key
        Inference specification  every member of InferenceSpecification, flattened ("Containers 1 › Image")
        Card                     text fields one by one, hyperparameters and training metrics one row per
                                 name, evaluation metrics one row per evaluation › group › metric
    A row "differs" when its cells are not all equal as shown (an absent value, shown "—", differs from any
    value; times compare to the second they show); a row no version has a value for is left out, and so is
    a heading left with no rows; diff=1 keeps only differing rows. Model quality / explainability / bias wait for report parsing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from registro.console import card, charts
from registro.console.calls import call
from registro.console.templating import render, who
from registro.console.version_view import APPROVAL_CLASSES, APPROVAL_LABELS, CARD_STATUS_LABELS, not_found
from registro.registry.errors import RegistryError

MIN_VERSIONS, MAX_VERSIONS = 2, 4
PICKER_SIZE = 100

Cell = dict[str, Any] | None
Row = dict[str, Any]


# ---------------------------------------------------------------------------------------------- cells


def text_cell(value: Any, *, mono: bool = False, long: bool = False) -> Cell:
    """A cell for a value (None, "" and empty lists are absent); `key` is what equality compares."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    shown = (
        value
        if isinstance(value, str)
        else ", ".join(map(str, value))
        if isinstance(value, list)
        else json.dumps(value, ensure_ascii=False)
    )
    return {"text": shown, "full": "", "mono": mono, "long": long, "time": None, "key": _key(value)}


def number_cell(value: Any) -> Cell:
    if value is None:
        return None
    if charts.is_number(value):
        return {
            "text": charts.four_digits(value),
            "full": charts.full_value(value),
            "mono": False,
            "long": False,
            "time": None,
            "key": _key(value),
            "numeric": True,
        }
    return text_cell(value)


def time_cell(seconds: float | None) -> Cell:
    """A time, shown to the second: two cells are equal when they show the same second (a registration
    a few milliseconds later is not a difference anyone can see)."""
    if seconds is None:
        return None
    return {"text": "", "full": "", "mono": False, "long": False, "time": seconds, "key": _key(int(seconds))}


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def row(label: str, cells: list[Cell]) -> Row:
    keys = {cell["key"] if cell else None for cell in cells}
    return {"label": label, "cells": cells, "differs": len(keys) > 1}


def heading(label: str) -> Row:
    return {"heading": label}


def rows_by_key(label_prefix: str, per_version: list[dict[str, Cell]]) -> list[Row]:
    """One row per key found in any version, in order of first appearance."""
    keys: dict[str, None] = {}
    for found in per_version:
        keys.update(dict.fromkeys(found))
    return [row(f"{label_prefix}{k}", [found.get(k) for found in per_version]) for k in keys]


# ---------------------------------------------------------------------------------------------- sections


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def summary_rows(packages: list[dict[str, Any]]) -> list[Row]:
    def containers(p: dict[str, Any]) -> list[dict[str, Any]]:
        return [_obj(c) for c in _list(_obj(p.get("InferenceSpecification")).get("Containers"))]

    def life(p: dict[str, Any]) -> str:
        cycle = _obj(p.get("ModelLifeCycle"))
        return " · ".join(x for x in (cycle.get("Stage"), cycle.get("StageStatus")) if x)

    def approval(p: dict[str, Any]) -> Cell:
        status = p.get("ModelApprovalStatus", "")
        cell = text_cell(APPROVAL_LABELS.get(status, status))
        if cell is not None:
            cell.update(badge=APPROVAL_CLASSES.get(status, "neutral"), full=p.get("ApprovalDescription", ""))
        return cell

    rows = [
        row("Approval", [approval(p) for p in packages]),
        row("Approval comment", [text_cell(p.get("ApprovalDescription"), long=True) for p in packages]),
        row("Stage", [text_cell(life(p)) for p in packages]),
        row("Created", [time_cell(p.get("CreationTime")) for p in packages]),
        row(
            "Created by",
            [text_cell(who(p.get("CreatedBy")) if p.get("CreatedBy") else None) for p in packages],
        ),
        row(
            "Image",
            [
                text_cell("\n".join(c.get("Image", "") for c in containers(p) if c.get("Image")), mono=True)
                for p in packages
            ],
        ),
        row(
            "Model data URL",
            [
                text_cell(
                    "\n".join(c["ModelDataUrl"] for c in containers(p) if c.get("ModelDataUrl")), mono=True
                )
                for p in packages
            ],
        ),
        row(
            "Real-time instance types",
            [
                text_cell(
                    _list(
                        _obj(p.get("InferenceSpecification")).get("SupportedRealtimeInferenceInstanceTypes")
                    )
                )
                for p in packages
            ],
        ),
        row(
            "Transform instance types",
            [
                text_cell(_list(_obj(p.get("InferenceSpecification")).get("SupportedTransformInstanceTypes")))
                for p in packages
            ],
        ),
        row(
            "Card status",
            [
                text_cell(CARD_STATUS_LABELS.get(_obj(p.get("ModelCard")).get("ModelCardStatus", ""), ""))
                for p in packages
            ],
        ),
    ]
    metadata = [
        {k: text_cell(v) for k, v in _obj(p.get("CustomerMetadataProperties")).items()} for p in packages
    ]
    if any(metadata):
        rows.append(heading("Customer metadata"))
        rows += rows_by_key("", metadata)
    return rows


def flatten(value: Any, label: str = "") -> dict[str, Any]:
    """Nested API members as {"Containers 1 › Image": …}; lists of scalars stay one value."""
    found: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found.update(flatten(item, f"{label} › {key}" if label else str(key)))
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            found.update(flatten(item, f"{label} {index + 1}"))
    else:
        found[label] = value
    return found


def inference_rows(packages: list[dict[str, Any]]) -> list[Row]:
    main = [
        {k: text_cell(v, mono=_is_mono(k)) for k, v in flatten(_obj(p.get("InferenceSpecification"))).items()}
        for p in packages
    ]
    rows = rows_by_key("", main)
    extra = [
        {
            k: text_cell(v, mono=_is_mono(k))
            for spec in _list(p.get("AdditionalInferenceSpecifications"))
            for k, v in flatten(_obj(spec), str(_obj(spec).get("Name", "?"))).items()
        }
        for p in packages
    ]
    if any(extra):
        rows.append(heading("Additional inference specifications"))
        rows += rows_by_key("", extra)
    return rows


def _is_mono(label: str) -> bool:
    return label.rsplit(" › ", 1)[-1] in ("Image", "ImageDigest", "ModelDataUrl", "ModelDataSource")


CARD_TEXTS = (
    ("Model creator", ("model_overview", "model_creator"), False),
    ("Model artifacts", ("model_overview", "model_artifact"), True),
    ("Purpose of the model", ("intended_uses", "purpose_of_model"), False),
    ("Intended uses", ("intended_uses", "intended_uses"), False),
    ("Factors affecting model efficiency", ("intended_uses", "factors_affecting_model_efficiency"), False),
    ("Risk rating", ("intended_uses", "risk_rating"), False),
    ("Explanation for the risk rating", ("intended_uses", "explanations_for_risk_rating"), False),
    ("Business problem", ("business_details", "business_problem"), False),
    ("Business stakeholders", ("business_details", "business_stakeholders"), False),
    ("Line of business", ("business_details", "line_of_business"), False),
    ("Training observations", ("training_details", "training_observations"), False),
    ("Training job ARN", ("training_details", "training_job_details", "training_arn"), True),
    ("Training datasets", ("training_details", "training_job_details", "training_datasets"), True),
    (
        "Container images",
        ("training_details", "training_job_details", "training_environment", "container_image"),
        True,
    ),
    ("Ethical considerations", ("additional_information", "ethical_considerations"), False),
    ("Caveats and recommendations", ("additional_information", "caveats_and_recommendations"), False),
)


def _dig(card_json: dict[str, Any], path: tuple[str, ...]) -> Any:
    here: Any = card_json
    for part in path:
        here = _obj(here).get(part)
    return here


def card_rows(packages: list[dict[str, Any]]) -> list[Row]:
    cards_json = []
    for p in packages:
        parsed, _error, _problems = card.parse_card(_obj(p.get("ModelCard")).get("ModelCardContent"))
        cards_json.append(_obj(parsed))
    rows: list[Row] = []
    for label, path, mono in CARD_TEXTS:
        values = [_dig(c, path) for c in cards_json]
        cells = [
            text_cell("\n".join(v) if isinstance(v, list) and mono else v, mono=mono, long=not mono)
            for v in values
        ]
        rows.append(row(label, cells))
    rows.append(
        row(
            "Objective function",
            [
                text_cell(card.objective_text(_dig(c, ("training_details", "objective_function"))), long=True)
                for c in cards_json
            ],
        )
    )
    custom = [
        {
            k: text_cell(v, long=True)
            for k, v in _obj(_dig(c, ("additional_information", "custom_details"))).items()
        }
        for c in cards_json
    ]
    if any(custom):
        rows.append(heading("Custom details"))
        rows += rows_by_key("", custom)

    def named(c: dict[str, Any], key: str, cell: Any, suffix: str = "") -> dict[str, Cell]:
        items = _list(_dig(c, ("training_details", "training_job_details", key)))
        return {f"{charts.text_of(_obj(i).get('name'))}{suffix}": cell(_obj(i).get("value")) for i in items}

    hyper = [
        {
            **named(c, "hyper_parameters", text_cell),
            **named(c, "user_provided_hyper_parameters", text_cell, " (custom)"),
        }
        for c in cards_json
    ]
    if any(hyper):
        rows.append(heading("Hyperparameters"))
        rows += rows_by_key("", hyper)
    metrics = [
        {
            **named(c, "training_metrics", number_cell),
            **named(c, "user_provided_training_metrics", number_cell, " (custom)"),
        }
        for c in cards_json
    ]
    if any(metrics):
        rows.append(heading("Training metrics"))
        rows += rows_by_key("", metrics)

    evaluation_texts: list[dict[str, Cell]] = []
    evaluation_metrics: list[dict[str, Cell]] = []
    for c in cards_json:
        texts: dict[str, Cell] = {}
        found: dict[str, Cell] = {}
        for evaluation in _list(c.get("evaluation_details")):
            evaluation = _obj(evaluation)
            name = charts.text_of(evaluation.get("name"))
            texts[f"{name} › Observations"] = text_cell(evaluation.get("evaluation_observation"), long=True)
            texts[f"{name} › Evaluation job ARN"] = text_cell(evaluation.get("evaluation_job_arn"), mono=True)
            for group in _list(evaluation.get("metric_groups")):
                group = _obj(group)
                for metric in _list(group.get("metric_data")):
                    metric = _obj(metric)
                    label = (
                        f"{name} › {charts.text_of(group.get('name'))} › {charts.text_of(metric.get('name'))}"
                    )
                    found[label] = _metric_cell(metric)
        evaluation_texts.append(texts)
        evaluation_metrics.append(found)
    if any(evaluation_metrics):
        rows.append(heading("Evaluation metrics"))
        rows += rows_by_key("", evaluation_metrics)
    if any(evaluation_texts):
        rows.append(heading("Evaluations"))
        rows += rows_by_key("", evaluation_texts)
    return rows


def _metric_cell(metric: dict[str, Any]) -> Cell:
    """A metric's value in one cell: simple values as shown on the card, charts summarised; two cells
    are equal when the whole value (and axis names) are."""
    value = metric.get("value")
    compared = {k: metric.get(k) for k in ("type", "value", "x_axis_name", "y_axis_name")}
    if charts.metric_kind(metric) == "simple":
        base = number_cell(value) if charts.is_number(value) else text_cell(charts.value_text(value))
    else:
        base = text_cell(charts.metric_summary(metric))
    if base is None:
        return None
    return {**base, "key": _key(compared)}


# ---------------------------------------------------------------------------------------------- page


def _versions(request: Request) -> tuple[list[int], str]:
    """The asked version numbers (distinct, in the order given) and what is wrong with them, if anything."""
    asked: list[int] = []
    for raw in request.query_params.getlist("v"):
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) < 1:
                return asked, f"“{part}” is not a version number."
            if int(part) not in asked:
                asked.append(int(part))
    if not MIN_VERSIONS <= len(asked) <= MAX_VERSIONS:
        return asked, f"Pick {MIN_VERSIONS} to {MAX_VERSIONS} versions to compare."
    return asked, ""


def _picker(request: Request, group: str) -> list[dict[str, Any]]:
    listed = call(
        request,
        "ListModelPackages",
        {
            "ModelPackageGroupName": group,
            "SortBy": "CreationTime",
            "SortOrder": "Descending",
            "MaxResults": PICKER_SIZE,
        },
    )
    return [
        {
            "version": s.get("ModelPackageVersion"),
            "approval": s.get("ModelApprovalStatus", ""),
            "created": s.get("CreationTime"),
        }
        for s in listed.get("ModelPackageSummaryList", [])
        if s.get("ModelPackageVersion")
    ]


async def compare_page(request: Request) -> Response:
    group = request.path_params["group"]
    try:
        call(request, "DescribeModelPackageGroup", {"ModelPackageGroupName": group})
    except RegistryError:
        raise not_found(f"There is no model group named {group}.") from None
    group_url = f"/console/model-groups/{quote(group, safe='')}"
    asked, problem = _versions(request)
    diff_only = request.query_params.get("diff") in ("1", "on", "true")
    packages: list[dict[str, Any]] = []
    missing: list[int] = []
    if not problem:
        for number in asked:
            try:
                packages.append(
                    call(request, "DescribeModelPackage", {"ModelPackageName": f"{group}/{number}"})
                )
            except RegistryError:
                missing.append(number)
        if missing:
            problem = f"{group} has no version {', '.join(map(str, missing))}."
    if problem:
        # Fewer than two versions is the picker's normal start ("Compare with..." on a version page).
        picking = len(asked) < MIN_VERSIONS and not missing and problem.startswith("Pick")
        return render(
            request,
            "compare.html",
            status_code=200 if picking else 404 if missing else 400,
            picking=picking,
            group=group,
            group_url=group_url,
            problem=problem,
            asked=asked,
            picker=_picker(request, group),
            sections=[],
            columns=[],
        )
    columns = [
        {
            "version": p.get("ModelPackageVersion"),
            "url": f"{group_url}/versions/{p.get('ModelPackageVersion')}/overview",
            "approval": p.get("ModelApprovalStatus", ""),
            "approval_label": APPROVAL_LABELS.get(
                p.get("ModelApprovalStatus", ""), p.get("ModelApprovalStatus", "")
            ),
            "approval_class": APPROVAL_CLASSES.get(p.get("ModelApprovalStatus", ""), "neutral"),
            "created": p.get("CreationTime"),
        }
        for p in packages
    ]
    sections = []
    for slug, title, all_rows in (
        ("summary", "Summary", summary_rows(packages)),
        ("inference", "Inference specification", inference_rows(packages)),
        ("card", "Model card", card_rows(packages)),
    ):
        rows = _present(all_rows)
        sections.append(
            {
                "slug": slug,
                "title": title,
                "rows": _kept(rows, diff_only),
                "differing": sum(1 for r in rows if r.get("differs")),
                "total": sum(1 for r in rows if "cells" in r),
            }
        )
    query = [("v", str(n)) for n in asked]
    return render(
        request,
        "compare.html",
        group=group,
        group_url=group_url,
        asked=asked,
        columns=columns,
        sections=sections,
        diff_only=diff_only,
        problem="",
        toggle_url=f"{group_url}/compare?{urlencode(query + ([] if diff_only else [('diff', '1')]))}",
    )


def _present(rows: list[Row]) -> list[Row]:
    """The rows at least one version has a value for (a heading stays when a row under it does)."""
    return _rows_where(rows, lambda r: any(cell is not None for cell in r["cells"]))


def _kept(rows: list[Row], diff_only: bool) -> list[Row]:
    """All rows, or only differing ones (a heading stays when a row under it does)."""
    return _rows_where(rows, lambda r: bool(r["differs"])) if diff_only else rows


def _rows_where(rows: list[Row], keep: Callable[[Row], bool]) -> list[Row]:
    kept: list[Row] = []
    pending: Row | None = None
    for r in rows:
        if "heading" in r:
            pending = r
        elif keep(r):
            if pending is not None:
                kept.append(pending)
                pending = None
            kept.append(r)
    return kept


ROUTES: list[BaseRoute] = [Route("/model-groups/{group}/compare", compare_page, methods=["GET"])]
