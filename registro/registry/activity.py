"""The activity log as the registry sees it: note a change in its transaction; read a history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from registro import store
from registro.events import record
from registro.events.kinds import EventKind
from registro.registry import arns
from registro.registry.context import Context

DEFAULT_LIMIT = 100


def note(
    ctx: Context,
    conn: Connection,
    kind: EventKind,
    *,
    arn: str,
    group_name: str | None,
    version: int | None = None,
    detail: Mapping[str, Any] | str,
    previous: dict[str, Any] | None = None,
) -> None:
    """Record one change, by this call's caller, at this call's time, under its request id.
    `detail` may be JSON text already (record.record)."""
    record.record(
        conn,
        kind,
        resource_arn=arn,
        account=ctx.account,
        group_name=group_name,
        version=version,
        detail=detail,
        previous=previous,
        by=ctx.caller_arn,
        access_key=ctx.access_key,
        at=ctx.now,
        request_id=ctx.request_id,
    )


def package_activity(
    ctx: Context,
    name_or_arn: str,
    limit: int = DEFAULT_LIMIT,
    before_id: int | None = None,
    kinds: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """A package's records, newest first (they outlive the package: deleting keeps the history);
    only those of `kinds` (EventKind values) when given."""
    with ctx.store.read() as conn:
        rows = store.activity.for_resource(conn, arns.package_ref(ctx, name_or_arn), limit, before_id, kinds)
    return [record.as_dict(r) for r in rows]


def group_activity(
    ctx: Context,
    group_name: str,
    limit: int = DEFAULT_LIMIT,
    before_id: int | None = None,
    kinds: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """A group's records and its versions', newest first; only those of `kinds` when given."""
    with ctx.store.read() as conn:
        rows = store.activity.for_group(conn, ctx.account, group_name, limit, before_id, kinds)
    return [record.as_dict(r) for r in rows]
