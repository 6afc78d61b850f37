"""The model version page (console.md 4): its tabs (except Model card) and its actions (5).

GET  /model-groups/{group}/versions/{n}                     → 307 to …/overview
GET  /model-groups/{group}/versions/{n}/{tab}               overview, activity, quality, explainability, bias,
                                                            data-quality, recommendations, load-tests, inference
GET|POST …/versions/{n}/actions/approval                    UpdateModelPackage ModelApprovalStatus (+ comment)
GET|POST …/versions/{n}/actions/stage                       UpdateModelPackage ModelLifeCycle
GET|POST …/versions/{n}/actions/metadata                    UpdateModelPackage CustomerMetadataProperties(+ToRemove)
GET|POST …/versions/{n}/actions/add-inference               UpdateModelPackage AdditionalInferenceSpecificationsToAdd
GET|POST …/versions/{n}/actions/delete                      DeleteModelPackage, then back to the group
POST     …/versions/{n}/actions/register                    UpdateModelPackage ModelPackageRegistrationType
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from registro.api import patterns, service_model
from registro.console import activity_text, reports_view
from registro.console.calls import call, context
from registro.console.forms import FORM, FormErrors, attempt, fields, lists, see_other
from registro.console.groups_pages import ACTIVITY_PAGE, activity_page_values, paged_lines
from registro.console.templating import render, shown_time, who
from registro.console.version_view import load_version, not_found, render_tab
from registro.registry import activity
from registro.registry.errors import RegistryError

# AWS's documented stage templates (console.md 1.4), offered as suggestions.
STAGES = ("Proposal", "Development", "QA", "PreProduction", "Production", "Archived")
STAGE_STATUSES = ("PendingApproval", "InProgress", "OnHold", "Approved", "Rejected", "Retired")
APPROVALS = (
    ("Approved", "Approved", "The version may be deployed; automation listening to Registro's events may act on it."),
    ("Rejected", "Rejected", "The version must not be deployed."),
    ("PendingManualApproval", "Pending manual approval", "Nobody has decided yet."),
)
NOTICE_WORDS = {"Approved": "approved", "Rejected": "rejected", "PendingManualApproval": "set to pending approval"}
_LIST_SPLIT = re.compile(r"[\s,]+")


def safe_next(value: str | None, default: str) -> str:
    """A return address from a form: only a path inside the console (never another site)."""
    if value and value.startswith("/console/") and "//" not in value and "\\" not in value:
        return value
    return default


def _view(request: Request) -> dict[str, Any]:
    return load_version(request, request.path_params["group"], request.path_params["n"])


def _concurrent(view: dict[str, Any], seen: str | None) -> FormErrors:
    """Refuse an edit built from an older LastModifiedTime (console.md 1.4, extra)."""
    errors = FormErrors()
    current = view["package"].get("LastModifiedTime")
    if seen and current is not None and seen != repr(current):
        errors.add(FORM, f"Changed by {who(view['package'].get('LastModifiedBy'))} at {shown_time(current)}: "
                         "reload to see it. Nothing was saved.")
    return errors


# ---------------------------------------------------------------------------------------------- tabs


async def version_home(request: Request) -> Response:
    view = _view(request)
    return RedirectResponse(view["base"] + "/overview", status_code=307)


async def version_tab(request: Request) -> Response:
    view = _view(request)
    tab = request.path_params["tab"]
    if tab == "overview":
        return _overview(request, view)
    if tab == "activity":
        return _activity(request, view)
    if tab in reports_view.REPORT_TABS:
        return render_tab(request, "version_report.html", view, tab, report=reports_view.report_tab(view["package"], tab))
    if tab == "recommendations":
        return render_tab(request, "version_recommendations.html", view, tab,
                          checklist=reports_view.readiness(view["package"]))
    if tab == "load-tests":
        return render_tab(request, "version_load_tests.html", view, tab,
                          checklist=reports_view.readiness(view["package"]))
    if tab == "inference":
        return render_tab(request, "version_inference.html", view, tab, specs=reports_view.specifications(view["package"]))
    raise not_found(f"Version {view['version']} of {view['group']} has no tab named {tab}.")


def _overview(request: Request, view: dict[str, Any]) -> Response:
    package = view["package"]
    group_tags: dict[str, str] = {}
    try:
        arn = package["ModelPackageArn"].replace(":model-package/", ":model-package-group/").rsplit("/", 1)[0]
        group_tags = {t["Key"]: t["Value"] for t in call(request, "ListTags", {"ResourceArn": arn})["Tags"]}
    except RegistryError:
        group_tags = {}
    return render_tab(
        request, "version_overview.html", view, "overview",
        lineage=reports_view.lineage(package, group_tags),
        model_facts=reports_view.model_facts(package),
        pointers=reports_view.pointers(package),
    )


def _activity(request: Request, view: dict[str, Any]) -> Response:
    asked = activity_page_values(request)
    records = activity.package_activity(
        context(request), view["arn"], ACTIVITY_PAGE + 1, asked["before"], [asked["kind"]] if asked["kind"] else None
    )
    lines, older = paged_lines(records)
    kinds = {k: v for k, v in activity_text.KIND_LABELS.items() if k in activity_text.VERSION_KINDS}
    return render_tab(request, "version_activity.html", view, "activity", lines=lines, older=older,
                      kind=asked["kind"], paged=asked["before"] is not None, kinds=kinds)


# ------------------------------------------------------------------------------------------- actions


def _action(request: Request, view: dict[str, Any], template: str, title: str, *, status_code: int = 200,
            **values: Any) -> Response:
    values.setdefault("next", safe_next(request.query_params.get("next"), ""))
    return render(request, template, status_code=status_code, **view, tab="", tab_title=title, **values)


async def approval(request: Request) -> Response:
    view = _view(request)
    package = view["package"]
    if request.method == "GET":
        return _action(request, view, "action_approval.html", "Update approval status", approvals=APPROVALS,
                       chosen=package.get("ModelApprovalStatus", ""), comment="", errors=None,
                       seen=repr(package.get("LastModifiedTime")))
    form = await fields(request)
    chosen, comment = form.get("status", ""), form.get("comment", "")
    errors = _concurrent(view, form.get("seen"))
    if not errors:
        params: dict[str, Any] = {"ModelPackageArn": view["arn"], "ModelApprovalStatus": chosen}
        if comment:
            params["ApprovalDescription"] = comment
        _, errors = attempt(request, "UpdateModelPackage", params,
                            {"modelApprovalStatus": "status", "approvalDescription": "comment"})
    if errors:
        return _action(request, view, "action_approval.html", "Update approval status", status_code=400, approvals=APPROVALS,
                       chosen=chosen, comment=comment, errors=errors, seen=repr(package.get("LastModifiedTime")),
                       next=safe_next(form.get("next"), ""))
    notice = f"Version {view['version']} {NOTICE_WORDS.get(chosen, chosen)}."
    return see_other(safe_next(form.get("next"), view["base"] + "/overview"), notice)


async def stage(request: Request) -> Response:
    view = _view(request)
    package = view["package"]
    life = package.get("ModelLifeCycle") or {}
    common: dict[str, Any] = {"stages": STAGES, "statuses": STAGE_STATUSES}
    if request.method == "GET":
        return _action(request, view, "action_stage.html", "Update stage", **common, errors=None,
                       values={"stage": life.get("Stage", ""), "stage_status": life.get("StageStatus", ""),
                               "description": life.get("StageDescription", "")},
                       seen=repr(package.get("LastModifiedTime")))
    form = await fields(request)
    errors = _concurrent(view, form.get("seen"))
    if not errors:
        cycle: dict[str, Any] = {"Stage": form.get("stage", ""), "StageStatus": form.get("stage_status", "")}
        if form.get("description"):
            cycle["StageDescription"] = form["description"]
        _, errors = attempt(request, "UpdateModelPackage", {"ModelPackageArn": view["arn"], "ModelLifeCycle": cycle},
                            {"modelLifeCycle.stage": "stage", "modelLifeCycle.stageStatus": "stage_status",
                             "modelLifeCycle.stageDescription": "description", "modelLifeCycle": FORM})
    if errors:
        return _action(request, view, "action_stage.html", "Update stage", status_code=400, **common, errors=errors,
                       values=form, seen=repr(package.get("LastModifiedTime")), next=safe_next(form.get("next"), ""))
    notice = f"Version {view['version']} moved to {form.get('stage')} · {form.get('stage_status')}."
    return see_other(safe_next(form.get("next"), view["base"] + "/overview"), notice)


async def metadata(request: Request) -> Response:
    view = _view(request)
    package = view["package"]
    current: dict[str, str] = package.get("CustomerMetadataProperties") or {}
    if request.method == "GET":
        rows = [{"key": k, "value": v, "original": k} for k, v in current.items()]
        rows += [{"key": "", "value": "", "original": ""} for _ in range(3)]
        return _action(request, view, "action_metadata.html", "Edit metadata", rows=rows, errors=None,
                       seen=repr(package.get("LastModifiedTime")), limit=50)
    form = await fields(request)
    posted = await lists(request, "key", "value", "original", "remove")
    rows = [{"key": k, "value": v, "original": o}
            for k, v, o in zip(posted["key"], posted["value"], posted["original"], strict=False)]
    removed_rows = set(posted["remove"])  # `original` keys ticked for removal
    errors = _concurrent(view, form.get("seen"))
    wanted: dict[str, str] = {}
    for row in rows:
        key, value = row["key"].strip(), row["value"].strip()
        if row["original"] and row["original"] in removed_rows:
            row["removed"] = "1"
            continue
        if not key and not value:
            continue
        if key in wanted:
            errors.add("metadata", f"Key {key} appears more than once.")
        wanted[key] = value
    changes = {k: v for k, v in wanted.items() if current.get(k) != v}
    gone = [k for k in current if k not in wanted]
    if not errors and not changes and not gone:
        return see_other(safe_next(form.get("next"), view["base"] + "/overview"), "Nothing changed.")
    if not errors:
        params: dict[str, Any] = {"ModelPackageArn": view["arn"]}
        if changes:
            params["CustomerMetadataProperties"] = changes
        if gone:
            params["CustomerMetadataPropertiesToRemove"] = gone
        _, errors = attempt(request, "UpdateModelPackage", params,
                            {"customerMetadataProperties": "metadata",
                             "customerMetadataPropertiesToRemove": "metadata"}, "metadata")
    api_messages: list[str] = []
    plain = metadata_row_errors(rows) if errors.of("metadata") else FormErrors()
    if plain:
        # The API names the key and value rules in Java regex and quotes the whole map: the form says them in
        # words next to each refused field and keeps the API's message one click away. Its other messages
        # (more than 50 entries, say) stay as they are.
        messages = errors.fields.pop("metadata")
        api_messages = [m for m in messages if _METADATA_ITEM_RULE.search(m)]
        if len(api_messages) < len(messages):
            errors.fields["metadata"] = [m for m in messages if m not in api_messages]
        for name, found in plain.fields.items():
            errors.fields.setdefault(name, []).extend(found)
    if errors:
        return _action(request, view, "action_metadata.html", "Edit metadata", status_code=400, rows=rows, errors=errors,
                       api_messages=api_messages, seen=repr(package.get("LastModifiedTime")), limit=50,
                       next=safe_next(form.get("next"), ""))
    parts = [f"{len(changes)} set"] if changes else []
    if gone:
        parts.append(f"{len(gone)} removed")
    return see_other(safe_next(form.get("next"), view["base"] + "/overview"),
                     f"Metadata of version {view['version']} saved ({', '.join(parts)}).")


# The characters botocore's CustomerMetadataKey and CustomerMetadataValue patterns allow, in words
# (`([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,n}`). Another pattern (a botocore update) gets no words: the form
# then shows the API's own message, and tests/console notice. No-break spaces (and a word joiner after the
# hyphen, where a line may otherwise break even before a no-break space) keep the list on one line.
# api/validate.py's words for a rule on a map's keys or values (rather than on the map itself).
_METADATA_ITEM_RULE = re.compile(r"failed to satisfy constraint: Map (?:keys|value) must satisfy")
METADATA_CHARACTERS = {
    r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)": "letters, digits, spaces and "
    + "\u00a0".join("_.:/=+-@").replace("-", "-\u2060")
}


def metadata_rule_words(pattern: str) -> str:
    """The allowed characters of a customer metadata pattern in words, or "" for a pattern not known here."""
    for start, words in METADATA_CHARACTERS.items():
        if pattern.startswith(start) and re.fullmatch(r"\$\{1,\d+\}", pattern[len(start) :]):
            return words
    return ""


def metadata_row_errors(rows: list[dict[str, str]]) -> FormErrors:
    """Each metadata row the API's key and value rules refuse, in plain words, filed under `key-<n>` or
    `value-<n>` (n counts rows from 1, as the inputs' labels do). Rules come from botocore's shapes."""
    props = service_model.operation("UpdateModelPackage").input_shape.members["CustomerMetadataProperties"]
    found = FormErrors()
    for n, row in enumerate(rows, 1):
        key, value = row["key"].strip(), row["value"].strip()
        if row.get("removed") or (not key and not value):
            continue
        if not key:
            found.add(f"key-{n}", f"Row {n} has a value but no key: give it a key, or clear the value too.")
        elif problem := _metadata_problem(key, props.key.metadata, f"Key “{key}”", "keys"):
            found.add(f"key-{n}", problem)
        if not value:
            found.add(f"value-{n}", f"{key or f'Row {n}'} has no value: give it one, or clear the key to leave the "
                                    "row out (tick Remove to delete a saved entry).")
        elif problem := _metadata_problem(value, props.value.metadata, f"Value of {key or f'row {n}'}", "values"):
            found.add(f"value-{n}", problem)
    return found


def _metadata_problem(text: str, rules: dict[str, Any], noun: str, plural: str) -> str:
    """What is wrong with a non-empty key or value, in words ("" when it passes, or for a rule with no words)."""
    if len(text) > rules.get("max", len(text)):
        return f"{noun} is longer than {rules['max']} characters."
    words = metadata_rule_words(rules.get("pattern", ""))
    if words and not patterns.matches(rules["pattern"], text):
        return f"{noun}: {plural} may contain {words} only."
    return ""


def _instance_enums() -> tuple[tuple[str, ...], tuple[str, ...]]:
    spec = service_model.operation("UpdateModelPackage").input_shape.members["AdditionalInferenceSpecificationsToAdd"]
    members = spec.member.members
    return (tuple(members["SupportedRealtimeInferenceInstanceTypes"].member.enum),
            tuple(members["SupportedTransformInstanceTypes"].member.enum))


def _split(text: str) -> list[str]:
    return [v for v in _LIST_SPLIT.split(text) if v]


async def add_inference(request: Request) -> Response:
    view = _view(request)
    realtime, transform = _instance_enums()
    common: dict[str, Any] = {"realtime_types": realtime, "transform_types": transform}
    if request.method == "GET":
        return _action(request, view, "action_inference.html", "Add inference specification", **common,
                       values={}, errors=None)
    form = await fields(request)
    errors = FormErrors()
    container: dict[str, Any] = {"Image": form.get("image", "")}
    if form.get("model_data_url"):
        container["ModelDataUrl"] = form["model_data_url"]
    if form.get("framework"):
        container["Framework"] = form["framework"]
    if form.get("framework_version"):
        container["FrameworkVersion"] = form["framework_version"]
    spec: dict[str, Any] = {"Name": form.get("name", ""), "Containers": [container]}
    if form.get("description"):
        spec["Description"] = form["description"]
    for field, member, allowed in (("realtime", "SupportedRealtimeInferenceInstanceTypes", realtime),
                                   ("transform", "SupportedTransformInstanceTypes", transform)):
        chosen = _split(form.get(field, ""))
        unknown = [t for t in chosen if t not in allowed]
        if unknown:
            # The API's own message lists all ~300 allowed values; name the wrong ones instead.
            errors.add(field, f"Not a SageMaker instance type for this use: {', '.join(unknown)}.")
        if chosen:
            spec[member] = chosen
    for field, member in (("content_types", "SupportedContentTypes"), ("response_types", "SupportedResponseMIMETypes")):
        if _split(form.get(field, "")):
            spec[member] = _split(form.get(field, ""))
    if not errors:
        prefix = "additionalInferenceSpecificationsToAdd.1.member"
        _, errors = attempt(
            request, "UpdateModelPackage",
            {"ModelPackageArn": view["arn"], "AdditionalInferenceSpecificationsToAdd": [spec]},
            {f"{prefix}.name": "name", f"{prefix}.description": "description",
             f"{prefix}.containers.1.member.image": "image", f"{prefix}.containers.1.member.modelDataUrl": "model_data_url",
             f"{prefix}.containers.1.member.framework": "framework",
             f"{prefix}.containers.1.member.frameworkVersion": "framework_version",
             f"{prefix}.supportedRealtimeInferenceInstanceTypes": "realtime",
             f"{prefix}.supportedTransformInstanceTypes": "transform",
             f"{prefix}.supportedContentTypes": "content_types",
             f"{prefix}.supportedResponseMIMETypes": "response_types"},
        )
        for message in list(errors.of(FORM)):
            if "names must be unique" in message:
                errors.fields[FORM].remove(message)
                errors.add("name", message)
    if errors:
        return _action(request, view, "action_inference.html", "Add inference specification", status_code=400, **common,
                       values=form, errors=errors)
    return see_other(view["base"] + "/inference", f"Inference specification {spec['Name']} added.")


async def delete(request: Request) -> Response:
    view = _view(request)
    if request.method == "GET":
        return _action(request, view, "action_delete.html", "Delete version", errors=None)
    _, errors = attempt(request, "DeleteModelPackage", {"ModelPackageName": view["arn"]}, {})
    if errors:
        return _action(request, view, "action_delete.html", "Delete version", status_code=400, errors=errors)
    return see_other(view["group_url"], f"Version {view['version']} deleted.")


async def register(request: Request) -> Response:
    view = _view(request)
    _, errors = attempt(request, "UpdateModelPackage",
                        {"ModelPackageArn": view["arn"], "ModelPackageRegistrationType": "Registered"}, {})
    if errors:
        return render_tab(request, "version_overview.html", view, "overview", 400, error=" ".join(errors.summary),
                          lineage=reports_view.lineage(view["package"], {}),
                          model_facts=reports_view.model_facts(view["package"]),
                          pointers=reports_view.pointers(view["package"]))
    return see_other(view["base"] + "/overview", f"Version {view['version']} registered.")


_V = "/model-groups/{group}/versions/{n:int}"
ROUTES: list[BaseRoute] = [
    Route(_V, version_home, methods=["GET"]),
    Route(_V + "/actions/approval", approval, methods=["GET", "POST"]),
    Route(_V + "/actions/stage", stage, methods=["GET", "POST"]),
    Route(_V + "/actions/metadata", metadata, methods=["GET", "POST"]),
    Route(_V + "/actions/add-inference", add_inference, methods=["GET", "POST"]),
    Route(_V + "/actions/delete", delete, methods=["GET", "POST"]),
    Route(_V + "/actions/register", register, methods=["POST"]),
    Route(_V + "/{tab}", version_tab, methods=["GET"]),
]
