"""Activity records: append, and read a resource's or a group's newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from registro.store.engine import Sql
from registro.store.tables import activity

# Every write appends one record: driver SQL with every column but the id named once.
_COLUMNS = tuple(column.name for column in activity.c if column.name != "id")
_QUOTED = ", ".join(f'"{c}"' for c in _COLUMNS)  # "by" is a keyword
_APPEND = Sql(f"INSERT INTO {activity.name} ({_QUOTED}) VALUES ({', '.join(':' + c for c in _COLUMNS)})")


def append(conn: Connection, **values: Any) -> None:
    """One record; every column but the id must be given (None for empty ones). Queued (Sql.later):
    nothing is read back."""
    _APPEND.later(conn, values)


def for_resource(
    conn: Connection, arn: str, limit: int, before_id: int | None = None, kinds: Sequence[str] | None = None
) -> Sequence[Row[Any]]:
    query = select(activity).where(activity.c.resource_arn == arn)
    if kinds:
        query = query.where(activity.c.kind.in_(kinds))
    if before_id is not None:
        query = query.where(activity.c.id < before_id)
    return conn.execute(query.order_by(activity.c.id.desc()).limit(limit)).all()


def for_group(
    conn: Connection,
    account: str,
    group_name: str,
    limit: int,
    before_id: int | None = None,
    kinds: Sequence[str] | None = None,
) -> Sequence[Row[Any]]:
    query = select(activity).where(activity.c.account == account, activity.c.group_name == group_name)
    if kinds:
        query = query.where(activity.c.kind.in_(kinds))
    if before_id is not None:
        query = query.where(activity.c.id < before_id)
    return conn.execute(query.order_by(activity.c.id.desc()).limit(limit)).all()
