"""Model package rows (versions and unversioned packages): insert, find, save, list, delete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from registro.store import keyset
from registro.store.groups import Duplicate
from registro.store.tables import packages


def insert_package(conn: Connection, **values: Any) -> int:
    try:
        return int(conn.execute(insert(packages).values(**values).returning(packages.c.id)).scalar_one())
    except IntegrityError:
        raise Duplicate(values["arn"]) from None


def by_arn(conn: Connection, arn: str) -> Row[Any] | None:
    return conn.execute(select(packages).where(packages.c.arn == arn)).first()


def document_of(conn: Connection, arn: str) -> str | None:
    """Just the stored document: describe needs nothing else."""
    found = conn.execute(select(packages.c.document).where(packages.c.arn == arn)).scalar()
    return None if found is None else str(found)


def documents_by_arn(conn: Connection, arns: Sequence[str]) -> dict[str, tuple[int | None, str]]:
    """ARN → (version, document) for those that exist, in one query."""
    rows = conn.execute(
        select(packages.c.arn, packages.c.version, packages.c.document).where(packages.c.arn.in_(arns))
    )
    return {r.arn: (r.version, r.document) for r in rows}


def save(conn: Connection, package_id: int, **values: Any) -> None:
    conn.execute(update(packages).where(packages.c.id == package_id).values(**values))


def delete_package(conn: Connection, package_id: int) -> None:
    conn.execute(delete(packages).where(packages.c.id == package_id))


def listing(
    conn: Connection,
    account: str,
    window: keyset.Window,
    *,
    group_id: int | None,
    versioned: bool | None,
    approval: str | None,
) -> Sequence[Row[Any]]:
    """`versioned` None means both kinds. Name order: package or group name, then version."""
    query: Select[Any] = select(
        packages.c.id, packages.c.name, packages.c.version, packages.c.created_at, packages.c.summary
    )
    if group_id is not None:
        query = query.where(packages.c.group_id == group_id)
    else:
        query = query.where(packages.c.account == account)
        if versioned is True:
            query = query.where(packages.c.version.is_not(None))
        elif versioned is False:
            query = query.where(packages.c.version.is_(None))
    if approval is not None:
        query = query.where(packages.c.approval == approval)
    query = keyset.filtered(query, packages, window)
    if window.sort_by_name:
        keys = [packages.c.name, func.coalesce(packages.c.version, 0), packages.c.id]
    else:
        keys = [packages.c.created_at, packages.c.id]
    return conn.execute(
        keyset.page(query, keys, window.after, descending=window.descending, limit=window.limit)
    ).all()
