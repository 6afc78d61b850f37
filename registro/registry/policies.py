"""Group resource policies: PutModelPackageGroupPolicy, GetModelPackageGroupPolicy, Delete…."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from registro import store
from registro.events.kinds import EventKind
from registro.registry import activity, arns, errors
from registro.registry.context import Context, Request, Result


def put_model_package_group_policy(ctx: Context, request: Request) -> Result:
    """PutModelPackageGroupPolicy. Replaces any earlier policy; stored byte for byte."""
    policy = request["ResourcePolicy"]
    _check(policy)
    with ctx.store.write() as conn:
        group = _group(ctx, conn, request["ModelPackageGroupName"])
        if group.policy != policy:
            store.groups.set_policy(conn, group.id, policy)
            _note(ctx, conn, EventKind.POLICY_PUT, group, policy)
    return {"ModelPackageGroupArn": group.arn}


def get_model_package_group_policy(ctx: Context, request: Request) -> Result:
    """GetModelPackageGroupPolicy."""
    with ctx.store.read() as conn:
        group = _group(ctx, conn, request["ModelPackageGroupName"])
    if group.policy is None:
        raise errors.ValidationError(f"Cannot find resource policy for: {group.arn}")
    return {"ResourcePolicy": group.policy}


def delete_model_package_group_policy(ctx: Context, request: Request) -> Result:
    """DeleteModelPackageGroupPolicy."""
    with ctx.store.write() as conn:
        group = _group(ctx, conn, request["ModelPackageGroupName"])
        if group.policy is None:
            raise errors.ValidationError(f"Cannot find resource policy for: {group.arn}")
        store.groups.set_policy(conn, group.id, None)
        _note(ctx, conn, EventKind.POLICY_DELETED, group, None)
    return {}


def _group(ctx: Context, conn: Connection, name: str) -> Any:
    arn = arns.group_arn(ctx, name)
    group = store.groups.by_arn(conn, arn)
    if group is None:
        raise errors.policy_group_not_found(arn)
    return group


def _check(policy: str) -> None:
    """A JSON object with `Statement`: one statement object or a list of them, each Allow or Deny."""
    try:
        document = json.loads(policy)
    except ValueError as exc:
        raise errors.ValidationError(f"Invalid resource policy: not valid JSON ({exc})") from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise errors.ValidationError("Invalid resource policy: it must be a JSON object with a Statement")
    statements = document["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise errors.ValidationError(
                "Invalid resource policy: every Statement must be an object whose Effect is Allow or Deny"
            )


def _note(ctx: Context, conn: Connection, kind: EventKind, group: Any, policy: str | None) -> None:
    detail: dict[str, Any] = {"ModelPackageGroupName": group.name, "ModelPackageGroupArn": group.arn}
    if policy is not None:
        detail["ResourcePolicy"] = policy
    detail["ChangedBy"] = ctx.user_context
    activity.note(
        ctx, conn, kind, arn=group.arn, group_name=group.name, detail=detail,
        previous={"ResourcePolicy": group.policy} if group.policy is not None else None,
    )
