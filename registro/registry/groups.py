"""Model package groups: CreateModelPackageGroup, Describe…, List…, Delete…."""

from __future__ import annotations

from typing import Any

from registro import store
from registro.events.kinds import EventKind
from registro.registry import activity, arns, errors, paging, tags
from registro.registry.context import Context, Request, Result
from registro.registry.documents import dump, load, ms, tag_list
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
    query = {
        k: request.get(k)
        for k in ("CreationTimeAfter", "CreationTimeBefore", "NameContains", "SortBy", "SortOrder")
    }
    limit = request.get("MaxResults", paging.DEFAULT_MAX_RESULTS)
    sort_by_name = request.get("SortBy", "CreationTime") == "Name"
    after = paging.decode(ctx.token_key, "ListModelPackageGroups", query, request.get("NextToken"))
    if request.get("CrossAccountFilterOption") == "CrossAccount":
        return {"ModelPackageGroupSummaryList": []}
    with ctx.store.read() as conn:
        rows = store.groups.listing(
            conn,
            account=ctx.account,
            name_contains=request.get("NameContains"),
            created_after=ms(request.get("CreationTimeAfter")),
            created_before=ms(request.get("CreationTimeBefore")),
            sort_by_name=sort_by_name,
            descending=request.get("SortOrder") == "Descending",
            after=after,
            limit=limit + 1,
        )
    result: Result = {"ModelPackageGroupSummaryList": [load(r.document) for r in rows[:limit]]}
    if len(rows) > limit:
        last = rows[limit - 1]
        position = [last.name if sort_by_name else last.created_at, last.id]
        result["NextToken"] = paging.encode(ctx.token_key, "ListModelPackageGroups", query, position)
    return result


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


def existing(ctx: Context, conn: Any, name_or_arn: str, *, lock: bool = False) -> Any:
    """The group row a name or ARN designates, else the contract's ValidationException."""
    arn = arns.group_ref(ctx, name_or_arn)
    row = store.groups.by_arn(conn, arn, lock=lock)
    if row is None:
        raise errors.group_not_found(arn)
    return row
