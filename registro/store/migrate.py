"""Bring a database to the newest schema with Alembic (at start and by `registro db upgrade`)."""

from __future__ import annotations

import secrets
from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select, text

from registro.store import tables
from registro.store.engine import Store

# Any constant: replicas starting at once serialize their upgrades on it (PostgreSQL only).
_PG_MIGRATION_LOCK = 7_342_001


def upgrade(store: Store) -> None:
    config = Config()
    config.set_main_option("script_location", str(files("registro.store") / "migrations"))
    with store.writer.connect() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            conn.commit()
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
        finally:
            if store.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                conn.commit()
    _ensure_token_key(store)


def _ensure_token_key(store: Store) -> None:
    """One secret per database signs NextTokens, so every replica accepts every other's tokens."""
    with store.write() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("LOCK TABLE meta IN EXCLUSIVE MODE"))
        found = conn.execute(select(tables.meta.c.value).where(tables.meta.c.key == "token_key")).first()
        if found is None:
            conn.execute(insert(tables.meta).values(key="token_key", value=secrets.token_hex(32)))


def token_key(store: Store) -> bytes:
    with store.read() as conn:
        value = conn.execute(select(tables.meta.c.value).where(tables.meta.c.key == "token_key")).scalar_one()
    return bytes.fromhex(value)
