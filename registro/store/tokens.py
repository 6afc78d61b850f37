"""ClientToken memory: which request a token was first used with, and what it created."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, delete, insert, or_, select

from registro.store import dialects
from registro.store.tables import client_tokens


def find(conn: Connection, scope: str, token: str) -> Row[Any] | None:
    """The token's memory, locked until the transaction ends so one request at a time uses it."""
    dialects.lock_key(conn, f"client-token\n{scope}\n{token}")
    return conn.execute(
        select(client_tokens).where(client_tokens.c.scope == scope, client_tokens.c.token == token)
    ).first()


def remember(conn: Connection, scope: str, token: str, request_hash: str, result_arn: str) -> None:
    conn.execute(
        insert(client_tokens).values(scope=scope, token=token, request_hash=request_hash, result_arn=result_arn)
    )


def forget(conn: Connection, arn: str) -> None:
    """Tokens scoped to, or resulting in, this resource."""
    conn.execute(delete(client_tokens).where(or_(client_tokens.c.scope == arn, client_tokens.c.result_arn == arn)))
