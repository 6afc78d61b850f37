"""Tags on groups, unversioned packages and versions: AddTags, ListTags, DeleteTags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from registro import store
from registro.events.kinds import EventKind
from registro.registry import activity, errors
from registro.registry.context import Context, Request, Result
from registro.registry.documents import tag_list

MAX_TAGS = 50  # botocore TagList max


def checked_new_tags(given: Iterable[Mapping[str, str]], existing: Mapping[str, str]) -> dict[str, str]:
    """Tags from a request, refusing `aws:` keys, a key given twice and more than 50 after the change."""
    new: dict[str, str] = {}
    for tag in given:
        key = tag["Key"]
        if key.lower().startswith("aws:"):
            raise errors.ValidationError(f"Tag key '{key}' is not allowed: keys starting with 'aws:' are reserved.")
        if key in new:
            raise errors.ValidationError(f"Tag key '{key}' appears more than once in the request.")
        new[key] = tag["Value"]
    total = len(set(existing) | set(new))
    if total > MAX_TAGS:
        raise errors.ValidationError(
            f"A resource can have at most {MAX_TAGS} tags; this request would leave it with {total}."
        )
    return new


def add_tags(ctx: Context, request: Request) -> Result:
    """AddTags. Returns the resource's full tag list after the change."""
    arn = request["ResourceArn"]
    with ctx.store.write() as conn:
        group_name, version = _resource(conn, arn)
        before = store.tags.of(conn, arn)
        new = checked_new_tags(request["Tags"], before)
        store.tags.put(conn, arn, new, before)
        after = store.tags.of(conn, arn)
        _note(ctx, conn, arn, group_name, version, before, after)
    return {"Tags": tag_list(after)}


def list_tags(ctx: Context, request: Request) -> Result:
    """ListTags: every tag, sorted by key, in one page."""
    arn = request["ResourceArn"]
    with ctx.store.read() as conn:
        _resource(conn, arn)
        return {"Tags": tag_list(store.tags.of(conn, arn))}


def delete_tags(ctx: Context, request: Request) -> Result:
    """DeleteTags. Keys the resource lacks are ignored."""
    arn = request["ResourceArn"]
    with ctx.store.write() as conn:
        group_name, version = _resource(conn, arn)
        before = store.tags.of(conn, arn)
        store.tags.remove(conn, arn, request["TagKeys"])
        _note(ctx, conn, arn, group_name, version, before, store.tags.of(conn, arn))
    return {}


def _resource(conn: Connection, arn: str) -> tuple[str | None, int | None]:
    """(group name, version) of a taggable resource; an unversioned package has neither."""
    group = store.groups.by_arn(conn, arn)
    if group is not None:
        return group.name, None
    package = store.packages.by_arn(conn, arn)
    if package is not None:
        return (package.name, package.version) if package.version is not None else (None, None)
    raise errors.resource_not_found(arn)


def _note(
    ctx: Context,
    conn: Connection,
    arn: str,
    group_name: str | None,
    version: int | None,
    before: dict[str, str],
    after: dict[str, str],
) -> None:
    """One Registro Tags Change record, unless nothing changed."""
    updated = [k for k, v in after.items() if before.get(k) != v]
    removed = [k for k in before if k not in after]
    if not updated and not removed:
        return
    detail: dict[str, Any] = {"ResourceArn": arn}
    if group_name is not None:
        detail["ModelPackageGroupName"] = group_name
    if version is not None:
        detail["ModelPackageVersion"] = version
    detail["Tags"] = tag_list(after)
    if updated:
        detail["UpdatedTagKeys"] = updated
    if removed:
        detail["RemovedTagKeys"] = removed
    detail["ChangedBy"] = ctx.user_context
    activity.note(
        ctx, conn, EventKind.TAGS_CHANGED, arn=arn, group_name=group_name, version=version, detail=detail,
        previous={"Tags": tag_list(before)},
    )


