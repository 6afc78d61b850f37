"""Model package group rows: insert, find, take the next version number, list, delete."""

from __future__ import annotations

from collections import namedtuple
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from registro.store import keyset
from registro.store.direct import Direct
from registro.store.engine import Sql, batch_memo
from registro.store.tables import groups, packages

# The create path's statements (every create reads its group and takes a version), as driver SQL.
_COLUMNS = tuple(column.name for column in groups.c)
_GroupRow: Any = namedtuple("GroupRow", _COLUMNS)  # type: ignore[misc]  # fields from the table
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM {groups.name} WHERE arn = :arn"
_BY_ARN = Sql(_SELECT)
# SQLite has no FOR UPDATE: its writers already hold the database's one write lock (BEGIN IMMEDIATE).
_BY_ARN_LOCKED = Sql(_SELECT, postgresql=_SELECT + " FOR UPDATE")
# A create's first statement: the group's row locked, read and its next version taken, in one.
_TAKE_NEXT = Sql(
    f"UPDATE {groups.name} SET next_version = next_version + 1 WHERE arn = :arn RETURNING {', '.join(_COLUMNS)}"
)
_COUNT = Sql(f"UPDATE {groups.name} SET next_version = next_version + 1 WHERE id = :id")


class Duplicate(Exception):
    """A row with that unique key exists already."""


def insert_group(conn: Connection, **values: Any) -> int:
    try:
        return int(conn.execute(insert(groups).values(**values).returning(groups.c.id)).scalar_one())
    except IntegrityError:
        raise Duplicate(values["arn"]) from None


def by_arn(conn: Connection, arn: str, *, lock: bool = False) -> Any:
    """The group's row (its columns as attributes), or None; `lock` holds it until the transaction ends."""
    found = (_BY_ARN_LOCKED if lock else _BY_ARN)(conn, {"arn": arn}).fetchone()
    return None if found is None else _GroupRow._make(found)


def take_next_version(conn: Connection, arn: str) -> tuple[Any, int] | None:
    """The group's row and its next version number, taken under its row lock (PostgreSQL) or the write
    lock (SQLite) in one statement; None if there is no such group. Undoing the write gives it back.

    PostgreSQL, in a batch of creates sharing a transaction (engine._GroupCommit): the batch's first
    create locks the row and reads it; the rest already hold the lock, so nobody else can change the row
    and the counter is known here. Their UPDATE is queued, and the number taken without a round trip: one
    of the three a create spent holding its group's turn."""
    memo = batch_memo(conn)
    if memo is not None:
        held = memo.get(arn)
        if held is not None:
            _COUNT.later(conn, {"id": held.id})
            taken = memo[arn] = held._replace(next_version=held.next_version + 1)
            return taken, int(held.next_version)
    found = _TAKE_NEXT(conn, {"arn": arn}).fetchone()
    if found is None:
        return None
    row: Any = _GroupRow._make(found)
    if memo is not None:
        memo[arn] = row
    return row, int(row.next_version) - 1


def set_policy(conn: Connection, group_id: int, policy: str | None) -> None:
    conn.execute(update(groups).where(groups.c.id == group_id).values(policy=policy))


def has_packages(conn: Connection, group_id: int) -> bool:
    return bool(conn.execute(select(exists().where(packages.c.group_id == group_id))).scalar())


def delete_group(conn: Connection, group_id: int) -> None:
    conn.execute(delete(groups).where(groups.c.id == group_id))


class Listed(NamedTuple):
    """A ListModelPackageGroups row."""

    id: int
    name: str
    created_at: int
    document: str


def listing(direct: Direct, account: str, window: keyset.Window) -> list[Listed]:
    """Rows of one page, by one direct read."""
    keys = ("name" if window.sort_by_name else "created_at", "id")
    sql, params = keyset.statement(
        ", ".join(Listed._fields), groups.name, ["account = ?"], [account], window, keys
    )
    return [Listed._make(row) for row in direct.all(sql, params)]


def id_of(direct: Direct, arn: str) -> int | None:
    """The group's id, by one direct read (listing its versions needs nothing else)."""
    found = direct.one(f"SELECT id FROM {groups.name} WHERE arn = ?", (arn,))
    return None if found is None else int(found[0])
