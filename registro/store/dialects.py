"""The few things SQLite and PostgreSQL do differently, in one place."""

from __future__ import annotations

from sqlalchemy import Connection, text


def lock_key(conn: Connection, key: str) -> None:
    """Hold a lock on `key` until the transaction ends, so writers sharing a key go one at a time.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, since every write
    transaction already holds the database's one write lock (BEGIN IMMEDIATE).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
