"""ClientToken memory: which request a token was first used with, and what it created."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from sqlalchemy import Connection, delete, or_

from registro.store import dialects
from registro.store.engine import Sql
from registro.store.tables import client_tokens

# Creates carry a ClientToken (boto3 fills one in): driver SQL, as on the rest of the create path.
_Found: Any = namedtuple("_Found", ["request_hash", "result_arn"])
_FIND = Sql(
    f"SELECT request_hash, result_arn FROM {client_tokens.name} WHERE scope = :scope AND token = :token"
)
_REMEMBER = Sql(
    f"INSERT INTO {client_tokens.name} (scope, token, request_hash, result_arn)"
    " VALUES (:scope, :token, :request_hash, :result_arn)"
)

_CLAIM = Sql(
    f"INSERT INTO {client_tokens.name} (scope, token, request_hash, result_arn)"
    " VALUES (:scope, :token, :request_hash, :result_arn) ON CONFLICT (scope, token) DO NOTHING RETURNING 1"
)


def claim(conn: Connection, scope: str, token: str, request_hash: str, result_arn: str) -> Any:
    """Remember the token for this request and return None; or, if it is remembered already, write
    nothing and return that memory (`request_hash`, `result_arn`). A first use still uncommitted
    elsewhere makes the INSERT wait for its transaction (the key's unique index), so one request at a
    time uses a token, on any number of replicas, without find()'s lock: one statement instead of two
    (creates: a round trip less on PostgreSQL)."""
    params = {"scope": scope, "token": token, "request_hash": request_hash, "result_arn": result_arn}
    while True:
        if _CLAIM(conn, params).fetchone() is not None:
            return None
        found = _FIND(conn, params).fetchone()
        if found is not None:  # else forgotten (its resource deleted) since the INSERT: claim it again
            return _Found._make(found)


def find(conn: Connection, scope: str, token: str) -> Any:
    """The token's memory (`request_hash`, `result_arn`) or None, locked until the transaction ends
    so one request at a time uses it."""
    dialects.lock_key(conn, f"client-token\n{scope}\n{token}")
    found = _FIND(conn, {"scope": scope, "token": token}).fetchone()
    return None if found is None else _Found._make(found)


def remember(conn: Connection, scope: str, token: str, request_hash: str, result_arn: str) -> None:
    """Queued (Sql.later): find() holds the token's lock, so a duplicate key is not a case."""
    _REMEMBER.later(
        conn, {"scope": scope, "token": token, "request_hash": request_hash, "result_arn": result_arn}
    )


def forget(conn: Connection, arn: str) -> None:
    """Tokens scoped to, or resulting in, this resource."""
    conn.execute(
        delete(client_tokens).where(or_(client_tokens.c.scope == arn, client_tokens.c.result_arn == arn))
    )
