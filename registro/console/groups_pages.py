"""The model group list (console.md 2) and one group's Versions and Activity pages (3.1, 3.3).
(Settings, 3.2, is group_settings.py.)

GET  /model-groups                         list + create dialog        ListModelPackageGroups, overviews
POST /model-groups                         create a group              CreateModelPackageGroup (+ Tags)
GET  /model-groups/{group}                 versions table              DescribeModelPackageGroup, ListModelPackages
GET  /model-groups/{group}/activity        group and version events    registry.activity.group_activity
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from registro.console import activity_text
from registro.console.calls import call, context
from registro.console.forms import FORM, FormErrors, attempt, day_seconds, fields, lists, place, see_other
from registro.console.listing import PAGE_SIZES, ListState
from registro.console.templating import render
from registro.console.version_view import not_found
from registro.registry import activity, overviews
from registro.registry.errors import RegistryError

APPROVAL_FILTERS = (
    ("", "Any status"),
    ("Approved", "Approved"),
    ("PendingManualApproval", "Pending"),
    ("Rejected", "Rejected"),
)
ACTIVITY_PAGE = 50
_CREATE_PATHS = {
    "modelPackageGroupName": "name",
    "modelPackageGroupDescription": "description",
    "tags": "tags",
}
_CREATE_HINTS = {"already exists": "name", "Tag key": "tags", "tags": "tags"}


def _page_params(
    state: ListState, after: float | None, before: float | None, **params: Any
) -> dict[str, Any]:
    """A List request for one page: the given members, the page size, creation-time filters, the token."""
    params["MaxResults"] = state.size
    if after is not None:
        params["CreationTimeAfter"] = after
    if before is not None:
        params["CreationTimeBefore"] = before
    if state.token:
        params["NextToken"] = state.token
    return params


def group_url(name: str) -> str:
    return f"/console/model-groups/{quote(name, safe='')}"


def endpoint(request: Request) -> str:
    """This server's own address, for the boto3 snippets of the empty states."""
    return f"{request.url.scheme}://{request.url.netloc}"


# ---------------------------------------------------------------------------------------------- list


async def group_list(request: Request) -> Response:
    return _group_list(request)


def _group_list(
    request: Request, create: dict[str, Any] | None = None, create_errors: FormErrors | None = None
) -> Response:
    state = ListState.read(request, ("name", "project", "after", "before", "sort", "order"))
    sort = state.filters["sort"] if state.filters["sort"] in ("Name", "CreationTime") else "CreationTime"
    order = state.filters["order"] if state.filters["order"] in ("Ascending", "Descending") else "Descending"
    after, before = day_seconds(state.filters["after"]), day_seconds(state.filters["before"], end=True)
    filter_errors = FormErrors()
    rows: list[dict[str, Any]] = []
    next_token = None
    matching: int | None = None
    try:
        if state.filters["project"]:
            # ListModelPackageGroups cannot filter by tag: Search can (Tags.<key>), with the same paging.
            filters = [
                {
                    "Name": "Tags.sagemaker:project-name",
                    "Operator": "Equals",
                    "Value": state.filters["project"],
                }
            ]
            if state.filters["name"]:
                filters.append(
                    {"Name": "ModelPackageGroupName", "Operator": "Contains", "Value": state.filters["name"]}
                )
            filters += _time_filters(after, before)
            params: dict[str, Any] = {
                "Resource": "ModelPackageGroup",
                "SearchExpression": {"Filters": filters},
                "SortBy": "ModelPackageGroupName" if sort == "Name" else "CreationTime",
                "SortOrder": order,
                "MaxResults": state.size,
            }
            if state.token:
                params["NextToken"] = state.token
            found = call(request, "Search", params)
            rows = [r["ModelPackageGroup"] for r in found["Results"]]
            next_token, matching = found.get("NextToken"), found["TotalHits"]["Value"]
        else:
            params = _page_params(state, after, before, SortBy=sort, SortOrder=order)
            if state.filters["name"]:
                params["NameContains"] = state.filters["name"]
            result = call(request, "ListModelPackageGroups", params)
            rows, next_token = result["ModelPackageGroupSummaryList"], result.get("NextToken")
    except RegistryError as exc:
        filter_errors = place(
            exc.message,
            {
                "nameContains": "name",
                "creationTimeAfter": "after",
                "creationTimeBefore": "before",
                "searchExpression": "project",
            },
            FORM,
        )
    summaries = overviews.group_summaries(context(request), [r["ModelPackageGroupArn"] for r in rows])
    status = 400 if create_errors or filter_errors else 200
    return render(
        request,
        "groups.html",
        status_code=status,
        rows=rows,
        summaries=summaries,
        state=state,
        sort=sort,
        order=order,
        page_sizes=PAGE_SIZES,
        next_url=state.next_url(next_token),
        prev_url=state.prev_url(),
        first_url=state.first_url(),
        filter_errors=filter_errors,
        matching=matching,
        create=create or {"tag_keys": ["", ""], "tag_values": ["", ""]},
        create_errors=create_errors,
        create_open=bool(create_errors) or request.query_params.get("create") == "1",
        endpoint=endpoint(request),
    )


async def create_group(request: Request) -> Response:
    form = await fields(request)
    rows = await lists(request, "tag_key", "tag_value")
    tags: list[dict[str, str]] = []
    if form.get("project_name"):
        tags.append({"Key": "sagemaker:project-name", "Value": form["project_name"]})
    if form.get("project_id"):
        tags.append({"Key": "sagemaker:project-id", "Value": form["project_id"]})
    for key, value in zip(rows["tag_key"], rows["tag_value"], strict=False):
        if key.strip():
            tags.append({"Key": key.strip(), "Value": value.strip()})
    params: dict[str, Any] = {"ModelPackageGroupName": form.get("name", "")}
    if form.get("description"):
        params["ModelPackageGroupDescription"] = form["description"]
    if tags:
        params["Tags"] = tags
    _, errors = attempt(request, "CreateModelPackageGroup", params, _CREATE_PATHS)
    if errors:
        _rehome(errors, _CREATE_HINTS)
        keys = rows["tag_key"] + [""]
        values = rows["tag_value"] + [""]
        return _group_list(
            request, create={**form, "tag_keys": keys, "tag_values": values}, create_errors=errors
        )
    name = params["ModelPackageGroupName"]
    return see_other(group_url(name), f"Model group {name} created.")


def _rehome(errors: FormErrors, hints: dict[str, str]) -> None:
    """Move summary-only messages to the field a phrase in them names (registry errors carry no path)."""
    for message in list(errors.of(FORM)):
        for phrase, name in hints.items():
            if phrase in message:
                errors.fields[FORM].remove(message)
                errors.add(name, message)
                break
    if FORM in errors.fields and not errors.fields[FORM]:
        del errors.fields[FORM]


# ---------------------------------------------------------------------------------------- one group


def load_group(request: Request, name: str) -> dict[str, Any]:
    """The group's header values (DescribeModelPackageGroup, version counts, project tags);
    HTTPException(404) for an unknown group."""
    try:
        group = call(request, "DescribeModelPackageGroup", {"ModelPackageGroupName": name})
    except RegistryError:
        raise not_found(f"There is no model group named {name}.") from None
    ctx = context(request)
    counts = overviews.approval_counts(ctx, name)
    summary = overviews.group_summaries(ctx, [group["ModelPackageGroupArn"]])[group["ModelPackageGroupArn"]]
    total = sum(counts.values())
    parts = [
        f"{counts[s]:,} {w}"
        for s, w in (("Approved", "approved"), ("PendingManualApproval", "pending"), ("Rejected", "rejected"))
        if counts.get(s)
    ]
    line = f"{total:,} version{'' if total == 1 else 's'}" + (": " + ", ".join(parts) if parts else "")
    return {
        "group": name,
        "group_doc": group,
        "group_url": group_url(name),
        "counts": counts,
        "total": total,
        "summary_line": line,
        "project": summary,
    }


def _with_documents(request: Request, summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The listed versions' whole documents, in list order, by one BatchDescribeModelPackage: the
    table shows CreatedBy, LastModifiedTime and ApprovalDescription, which summaries leave out."""
    if not summaries:
        return []
    arns = [s["ModelPackageArn"] for s in summaries]
    found = call(request, "BatchDescribeModelPackage", {"ModelPackageArnList": arns})["ModelPackageSummaries"]
    # A version deleted between the two calls keeps its summary row.
    return [found.get(arn, summary) for arn, summary in zip(arns, summaries, strict=True)]


async def group_page(request: Request) -> Response:
    name = request.path_params["group"]
    head = load_group(request, name)
    state = ListState.read(
        request, ("status", "stage", "stage_status", "meta_key", "meta_value", "after", "before", "order")
    )
    order = state.filters["order"] if state.filters["order"] in ("Ascending", "Descending") else "Descending"
    after, before = day_seconds(state.filters["after"]), day_seconds(state.filters["before"], end=True)
    errors = FormErrors()
    rows: list[dict[str, Any]] = []
    next_token = None
    narrowing = {k for k, v in state.filters.items() if v and k != "order"}
    matching: int | None = None
    if not narrowing:
        matching = head["total"]
    elif narrowing == {"status"}:
        matching = head["counts"].get(state.filters["status"], 0)
    try:
        if narrowing & {"stage", "stage_status", "meta_key", "meta_value"}:
            # ListModelPackages filters only by approval and creation time; stage and metadata need Search.
            rows, next_token, matching = _search_versions(request, name, state, order, after, before)
        else:
            params = _page_params(
                state, after, before, ModelPackageGroupName=name, SortBy="CreationTime", SortOrder=order
            )
            if state.filters["status"]:
                params["ModelApprovalStatus"] = state.filters["status"]
            result = call(request, "ListModelPackages", params)
            rows, next_token = _with_documents(request, result["ModelPackageSummaryList"]), result.get("NextToken")
    except RegistryError as exc:
        errors = place(
            exc.message,
            {"modelApprovalStatus": "status", "creationTimeAfter": "after", "creationTimeBefore": "before"},
        )
        if "CustomerMetadataProperties" in exc.message:
            errors = place(exc.message, {}, "meta_key")
    return render(
        request,
        "group_versions.html",
        status_code=400 if errors else 200,
        **head,
        section="versions",
        rows=rows,
        state=state,
        order=order,
        approval_filters=APPROVAL_FILTERS,
        page_sizes=PAGE_SIZES,
        next_url=state.next_url(next_token),
        prev_url=state.prev_url(),
        first_url=state.first_url(),
        errors=errors,
        matching=matching,
        narrowed=bool(narrowing),
        endpoint=endpoint(request),
    )


def _time_filters(after: float | None, before: float | None) -> list[dict[str, str]]:
    """Search filters on CreationTime (ISO 8601, UTC) for a created-after/before pair."""
    iso = "%Y-%m-%dT%H:%M:%SZ"
    found = []
    if after is not None:
        found.append(
            {
                "Name": "CreationTime",
                "Operator": "GreaterThan",
                "Value": datetime.fromtimestamp(after, UTC).strftime(iso),
            }
        )
    if before is not None:
        found.append(
            {
                "Name": "CreationTime",
                "Operator": "LessThan",
                "Value": datetime.fromtimestamp(before, UTC).strftime(iso),
            }
        )
    return found


def _search_versions(
    request: Request, name: str, state: ListState, order: str, after: float | None, before: float | None
) -> tuple[list[dict[str, Any]], str | None, int]:
    """A page of the group's versions through Search: rows, NextToken, and the number that match."""
    f = state.filters
    filters = [{"Name": "ModelPackageGroupName", "Operator": "Equals", "Value": name}]
    for key, member in (
        ("status", "ModelApprovalStatus"),
        ("stage", "ModelLifeCycle.Stage"),
        ("stage_status", "ModelLifeCycle.StageStatus"),
    ):
        if f[key]:
            filters.append({"Name": member, "Operator": "Equals", "Value": f[key]})
    if f["meta_key"]:
        test = {"Operator": "Equals", "Value": f["meta_value"]} if f["meta_value"] else {"Operator": "Exists"}
        filters.append({"Name": f"CustomerMetadataProperties.{f['meta_key']}", **test})
    filters += _time_filters(after, before)
    params: dict[str, Any] = {
        "Resource": "ModelPackage",
        "SearchExpression": {"Filters": filters},
        "SortBy": "CreationTime",
        "SortOrder": order,
        "MaxResults": state.size,
    }
    if state.token:
        params["NextToken"] = state.token
    found = call(request, "Search", params)
    rows = [r["ModelPackage"] for r in found["Results"]]
    return rows, found.get("NextToken"), int(found["TotalHits"]["Value"])


# ------------------------------------------------------------------------------------------ activity


def activity_page_values(request: Request) -> dict[str, Any]:
    """Filter and paging of an activity list: kind filter and `before` (an activity id) from the query."""
    q = request.query_params
    kind = q.get("kind", "")
    try:
        before = int(q["before"]) if q.get("before") else None
    except ValueError:
        before = None
    return {"kind": kind if kind in activity_text.KIND_LABELS else "", "before": before}


def paged_lines(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int | None]:
    """The first ACTIVITY_PAGE records as lines, and the id to continue before when more exist."""
    lines = [activity_text.phrase(r) for r in records[:ACTIVITY_PAGE]]
    more = len(records) > ACTIVITY_PAGE
    return lines, (lines[-1]["id"] if more and lines else None)


async def group_activity_page(request: Request) -> Response:
    name = request.path_params["group"]
    head = load_group(request, name)
    asked = activity_page_values(request)
    records = activity.group_activity(
        context(request), name, ACTIVITY_PAGE + 1, asked["before"], [asked["kind"]] if asked["kind"] else None
    )
    lines, older = paged_lines(records)
    return render(
        request,
        "group_activity.html",
        **head,
        section="activity",
        lines=lines,
        older=older,
        kind=asked["kind"],
        paged=asked["before"] is not None,
        kinds=activity_text.KIND_LABELS,
    )


ROUTES: list[BaseRoute] = [
    Route("/model-groups", group_list, methods=["GET"]),
    Route("/model-groups", create_group, methods=["POST"]),
    Route("/model-groups/{group}", group_page, methods=["GET"]),
    Route("/model-groups/{group}/activity", group_activity_page, methods=["GET"]),
]
