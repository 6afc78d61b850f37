"""Model package group rows: insert, find, take the next version number, list, delete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from registro.store import keyset
from registro.store.tables import groups, packages


class Duplicate(Exception):
    """A row with that unique key exists already."""


def insert_group(conn: Connection, **values: Any) -> int:
    try:
        return int(conn.execute(insert(groups).values(**values).returning(groups.c.id)).scalar_one())
    except IntegrityError:
        raise Duplicate(values["arn"]) from None


def by_arn(conn: Connection, arn: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(groups).where(groups.c.arn == arn)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def take_version(conn: Connection, group_id: int) -> int:
    """The group's next version number, taken under its row lock (PostgreSQL) or the write lock (SQLite)."""
    taken = conn.execute(
        update(groups)
        .where(groups.c.id == group_id)
        .values(next_version=groups.c.next_version + 1)
        .returning(groups.c.next_version)
    ).scalar_one()
    return int(taken) - 1


def set_policy(conn: Connection, group_id: int, policy: str | None) -> None:
    conn.execute(update(groups).where(groups.c.id == group_id).values(policy=policy))


def has_packages(conn: Connection, group_id: int) -> bool:
    return bool(conn.execute(select(exists().where(packages.c.group_id == group_id))).scalar())


def delete_group(conn: Connection, group_id: int) -> None:
    conn.execute(delete(groups).where(groups.c.id == group_id))


def listing(
    conn: Connection,
    *,
    account: str,
    name_contains: str | None,
    created_after: int | None,
    created_before: int | None,
    sort_by_name: bool,
    descending: bool,
    after: Sequence[Any] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    query = select(groups.c.id, groups.c.name, groups.c.created_at, groups.c.document).where(
        groups.c.account == account
    )
    if name_contains:
        query = query.where(groups.c.name.icontains(name_contains, autoescape=True))
    if created_after is not None:
        query = query.where(groups.c.created_at > created_after)
    if created_before is not None:
        query = query.where(groups.c.created_at < created_before)
    keys = [groups.c.name if sort_by_name else groups.c.created_at, groups.c.id]
    return conn.execute(keyset.page(query, keys, after, descending=descending, limit=limit)).all()
