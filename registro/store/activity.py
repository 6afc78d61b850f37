"""Activity records: append, and read a resource's or a group's newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, case, select

from registro.store.engine import Sql
from registro.store.tables import activity, packages

# A package's creation record keeps no copy of the created document (~4.5 KB: a second copy cost each
# create ~50 us of SQLite CPU and its WAL pages, and PostgreSQL a second TOAST compression). Its detail
# is AS_STORED: the package row's document, which is the created one until the row is first saved or
# deleted; store/packages.py writes it into the record just before (`freeze`). Not JSON, so no real
# detail is ever mistaken for it.
AS_STORED = ""
_FREEZE = Sql(
    f"UPDATE {activity.name} SET detail = (SELECT document FROM {packages.name} WHERE id = :id)"
    f" WHERE resource_arn = (SELECT arn FROM {packages.name} WHERE id = :id) AND detail = ''"
)
# Records as read: an AS_STORED detail is the package's document (always there: see above).
_DETAIL = case(
    (
        activity.c.detail == AS_STORED,
        select(packages.c.document).where(packages.c.arn == activity.c.resource_arn).scalar_subquery(),
    ),
    else_=activity.c.detail,
).label("detail")
_RECORD = [_DETAIL if column.name == "detail" else column for column in activity.c]

# Every write appends one record: driver SQL with every column but the id named once.
_COLUMNS = tuple(column.name for column in activity.c if column.name != "id")
_QUOTED = ", ".join(f'"{c}"' for c in _COLUMNS)  # "by" is a keyword
_APPEND = Sql(f"INSERT INTO {activity.name} ({_QUOTED}) VALUES ({', '.join(':' + c for c in _COLUMNS)})")


def append(conn: Connection, **values: Any) -> None:
    """One record; every column but the id must be given (None for empty ones). Queued (Sql.later):
    nothing is read back."""
    _APPEND.later(conn, values)


def freeze(conn: Connection, package_id: int) -> None:
    """Before a package row's document changes or goes: its creation record's detail becomes a copy."""
    _FREEZE.later(conn, {"id": package_id})


def for_resource(
    conn: Connection, arn: str, limit: int, before_id: int | None = None, kinds: Sequence[str] | None = None
) -> Sequence[Row[Any]]:
    query = select(*_RECORD).where(activity.c.resource_arn == arn)
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
    query = select(*_RECORD).where(activity.c.account == account, activity.c.group_name == group_name)
    if kinds:
        query = query.where(activity.c.kind.in_(kinds))
    if before_id is not None:
        query = query.where(activity.c.id < before_id)
    return conn.execute(query.order_by(activity.c.id.desc()).limit(limit)).all()
