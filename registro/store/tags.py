"""Tags by resource ARN."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, delete, insert, select, update

from registro.store.tables import tags


def of(conn: Connection, arn: str) -> dict[str, str]:
    """The resource's tags, sorted by key."""
    rows = conn.execute(select(tags.c.key, tags.c.value).where(tags.c.arn == arn).order_by(tags.c.key))
    return {r.key: r.value for r in rows}


def put(conn: Connection, arn: str, new: Mapping[str, str], existing: Mapping[str, str]) -> None:
    for key, value in new.items():
        if key not in existing:
            conn.execute(insert(tags).values(arn=arn, key=key, value=value))
        elif existing[key] != value:
            conn.execute(update(tags).where(tags.c.arn == arn, tags.c.key == key).values(value=value))


def remove(conn: Connection, arn: str, keys: Iterable[str] | None = None) -> None:
    """Drop the given keys, or all of the resource's tags."""
    query = delete(tags).where(tags.c.arn == arn)
    if keys is not None:
        query = query.where(tags.c.key.in_(list(keys)))
    conn.execute(query)
