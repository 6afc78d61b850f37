"""Model package groups: CreateModelPackageGroup, Describe…, List…, Delete…."""

from __future__ import annotations

from typing import Any

from registro import store
from registro.events.kinds import EventKind
from registro.registry import activity, arns, errors, paging, tags
from registro.registry.context import Context, Request, Result
from registro.registry.documents import dump, load, tag_list
from registro.store.groups import Duplicate


def create_model_package_group(ctx: Context, request: Request) -> Result:
    """CreateModelPackageGroup. The group is `Completed` at once."""
    name = request["ModelPackageGroupName"]
    arn = arns.group_arn(ctx, name)
    new_tags = tags.checked_new_tags(request.get("Tags", []), existing={})
    document = {
        "ModelPackageGroupName": name,
        "ModelPackageGroupArn": arn,
        "ModelPackageGroupDescription": request.get("ModelPackageGroupDescription"),
        "CreationTime": ctx.now_seconds,
        "CreatedBy": ctx.user_context,
        "ModelPackageGroupStatus": "Completed",
        "ManagedConfiguration": request.get("ManagedConfiguration"),
    }
    document = {k: v for k, v in document.items() if v is not None}
    with ctx.store.write() as conn:
        try:
            store.groups.insert_group(
                conn,
                account=ctx.account,
                name=name,
                arn=arn,
                created_at=ctx.now,
                next_version=1,
                document=dump(document),
            )
        except Duplicate:
            raise errors.ValidationError(f"Model Package Group already exists: {arn}") from None
        store.tags.put(conn, arn, new_tags, existing={})
        detail = {**document, "Tags": tag_list(new_tags)} if new_tags else document
        activity.note(ctx, conn, EventKind.GROUP_CREATED, arn=arn, group_name=name, detail=detail)
    return {"ModelPackageGroupArn": arn}


def describe_model_package_group(ctx: Context, request: Request) -> Result:
    """DescribeModelPackageGroup, by name or ARN."""
    with ctx.store.read() as conn:
        row = existing(ctx, conn, request["ModelPackageGroupName"])
    return load(row.document)


def list_model_package_groups(ctx: Context, request: Request) -> Result:
    """ListModelPackageGroups. CrossAccount lists nothing until resource policies are enforced."""
    asked, query = paging.window(ctx, "ListModelPackageGroups", request)
    if request.get("CrossAccountFilterOption") == "CrossAccount":
        return {"ModelPackageGroupSummaryList": []}
    rows = store.groups.listing(ctx.store.direct, ctx.account, asked)
    page, token = paging.cut(
        ctx, "ListModelPackageGroups", query, asked, rows,
        lambda last: [last.name if asked.sort_by_name else last.created_at, last.id],
    )
    return {"ModelPackageGroupSummaryList": [load(r.document) for r in page], "NextToken": token}


def delete_model_package_group(ctx: Context, request: Request) -> Result:
    """DeleteModelPackageGroup. Refused while versions remain; its tags, policy and tokens go too."""
    with ctx.store.write() as conn:
        row = existing(ctx, conn, request["ModelPackageGroupName"], lock=True)
        if store.groups.has_packages(conn, row.id):
            raise errors.ConflictError(
                f"Model Package Group {row.arn} cannot be deleted because it still contains Model Packages"
            )
        store.groups.delete_group(conn, row.id)
        store.tags.remove(conn, row.arn)
        store.tokens.forget(conn, row.arn)
        detail = {**load(row.document), "ModelPackageGroupStatus": "Deleting"}
        activity.note(ctx, conn, EventKind.GROUP_DELETED, arn=row.arn, group_name=row.name, detail=detail)
    return {}


def existing_id(ctx: Context, name_or_arn: str) -> int:
    """existing()'s group id, read directly: for reads that need nothing else of the group."""
    arn = arns.group_ref(ctx, name_or_arn)
    found = store.groups.id_of(ctx.store.direct, arn)
    if found is None:
        raise errors.group_not_found(arn)
    return found


def existing(ctx: Context, conn: Any, name_or_arn: str, *, lock: bool = False) -> Any:
    """The group row a name or ARN designates, else the contract's ValidationException."""
    arn = arns.group_ref(ctx, name_or_arn)
    row = store.groups.by_arn(conn, arn, lock=lock)
    if row is None:
        raise errors.group_not_found(arn)
    return row
