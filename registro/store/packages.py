"""Model package rows (versions and unversioned packages): insert, find, save, list, delete."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, select

from registro.store import activity, keyset
from registro.store.direct import Direct
from registro.store.engine import Sql
from registro.store.groups import Duplicate
from registro.store.tables import packages

# The create and update paths' statements, as driver SQL (store/engine.py Sql: a fifth of a create's
# CPU was SQLAlchemy building and compiling them).
_INSERTED = (
    "account", "arn", "group_id", "name", "version", "created_at", "modified_at", "approval", "stage",
    "document", "summary",
)  # fmt: skip
_INSERT = Sql(
    f"INSERT INTO {packages.name} ({', '.join(_INSERTED)}) "
    f"VALUES ({', '.join(':' + c for c in _INSERTED)}) RETURNING id"
)
_INSERT_VERSION = Sql(
    f"INSERT INTO {packages.name} ({', '.join(_INSERTED)}) VALUES ({', '.join(':' + c for c in _INSERTED)})"
)
_COLUMNS = tuple(column.name for column in packages.c if column.name != "summary")
_PackageRow: Any = namedtuple("PackageRow", _COLUMNS)  # type: ignore[misc]  # fields from the table
_BY_ARN = Sql(f"SELECT {', '.join(_COLUMNS)} FROM {packages.name} WHERE arn = :arn")
_SAVED = ("modified_at", "approval", "stage", "document", "summary")
_SAVE = Sql(f"UPDATE {packages.name} SET {', '.join(f'{c} = :{c}' for c in _SAVED)} WHERE id = :id")
# Direct reads (`?` parameters).
_DOCUMENT_BY_ARN = f"SELECT document FROM {packages.name} WHERE arn = ?"


class Listed(NamedTuple):
    """A ListModelPackages row."""

    id: int
    name: str
    version: int | None
    created_at: int
    summary: str


def insert_package(conn: Connection, **values: Any) -> int:
    """The new row's id; Duplicate if the ARN (or group and version) is taken."""
    try:
        (row_id,) = _INSERT(conn, values).fetchone()
    except conn.dialect.loaded_dbapi.IntegrityError:
        raise Duplicate(values["arn"]) from None
    return int(row_id)


def insert_version(conn: Connection, **values: Any) -> None:
    """A version's row, queued (Sql.later): its number was taken under the group's lock, so a duplicate
    is a bug, raised as the driver's IntegrityError when the write ends."""
    _INSERT_VERSION.later(conn, values)


def by_arn(conn: Connection, arn: str) -> Any:
    """The package's row (its columns as attributes, no summary), or None."""
    found = _BY_ARN(conn, {"arn": arn}).fetchone()
    return None if found is None else _PackageRow._make(found)


def document_of(direct: Direct, arn: str) -> str | None:
    """Just the stored document: describe needs nothing else (one statement: a direct read)."""
    found = direct.one(_DOCUMENT_BY_ARN, (arn,))
    return None if found is None else str(found[0])


def documents_by_arn(conn: Connection, arns: Sequence[str]) -> dict[str, tuple[int | None, str]]:
    """ARN → (version, document) for those that exist, in one query."""
    rows = conn.execute(
        select(packages.c.arn, packages.c.version, packages.c.document).where(packages.c.arn.in_(arns))
    )
    return {r.arn: (r.version, r.document) for r in rows}


def save(conn: Connection, package_id: int, **values: Any) -> None:
    """Store a changed document: `values` has every one of _SAVED."""
    activity.freeze(conn, package_id)
    _SAVE(conn, {**values, "id": package_id})


def delete_package(conn: Connection, package_id: int) -> None:
    activity.freeze(conn, package_id)
    conn.execute(delete(packages).where(packages.c.id == package_id))


def listing(
    direct: Direct,
    account: str,
    window: keyset.Window,
    *,
    group_id: int | None,
    versioned: bool | None,
    approval: str | None,
) -> list[Listed]:
    """Rows of one page. `versioned` None means both kinds.
    Name order: package or group name, then version. One statement, so a direct read."""
    values: list[Any]
    if group_id is not None:
        clauses, values = ["group_id = ?"], [group_id]
    else:
        clauses, values = ["account = ?"], [account]
        if versioned is not None:
            clauses.append("version IS NOT NULL" if versioned else "version IS NULL")
    if approval is not None:
        clauses.append("approval = ?")
        values.append(approval)
    keys = ("name", "coalesce(version, 0)", "id") if window.sort_by_name else ("created_at", "id")
    sql, params = keyset.statement(", ".join(Listed._fields), packages.name, clauses, values, window, keys)
    return [Listed._make(row) for row in direct.all(sql, params)]
