"""Hot reads without SQLAlchemy: one DB-API connection per thread, in autocommit, statements the
driver prepares once.

A describe is one indexed SELECT; through SQLAlchemy's pool, transaction events and execution
context it cost more than the query itself (py-spy: half of a describe's server CPU). A single
statement in autocommit is its own consistent snapshot on both databases, so nothing is lost.
Writes, and reads that need several statements to agree, stay on `Store.read()`/`write()`.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import psycopg
from sqlalchemy.engine import make_url


class Direct:
    """`one(sql, params)` and `all(sql, params)` on this thread's own connection. SQL uses `?`
    parameters: these statements are built at run time (List pages, Search), where positions are
    simpler than names; fixed statements inside transactions use engine.Sql."""

    def __init__(self, url: str, *, busy_timeout_ms: int) -> None:
        parsed = make_url(url)
        self._busy_timeout_ms = busy_timeout_ms
        self.dialect = parsed.get_backend_name()
        self._target = (parsed.database or "") if self.dialect == "sqlite" else _libpq(url)
        self._local = threading.local()
        self._opened: list[Any] = []
        self._lock = threading.Lock()
        self._sql: dict[str, str] = {}  # `?` SQL → this driver's placeholders

    def one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._run(sql, params, many=False)
        return row

    def all(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._run(sql, params, many=True)
        return rows

    def _run(self, sql: str, params: tuple[Any, ...], *, many: bool) -> Any:
        if self.dialect == "sqlite":
            cursor = self._connection().execute(sql, params)
            return cursor.fetchall() if many else cursor.fetchone()
        # psycopg's positional style is %s, where a literal % is written %%.
        text = self._sql.get(sql) or self._sql.setdefault(sql, sql.replace("%", "%%").replace("?", "%s"))
        for attempt in (1, 2):
            conn = self._connection()
            try:
                cursor = conn.execute(text, params)
                return cursor.fetchall() if many else cursor.fetchone()
            except psycopg.OperationalError:
                # A connection the server closed (restart, idle timeout): open a new one, once.
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def _open(self) -> Any:
        if self.dialect == "sqlite":
            conn = sqlite3.connect(
                # Each connection is used by its own thread only; close() may run on another.
                self._target, isolation_level=None, cached_statements=64, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
            conn.execute("PRAGMA query_only=ON")
            return conn
        # prepare_threshold=0: every statement is prepared on first use; there are only a few.
        # Reads run on the server's event loop: a database that does not answer must not hold it long.
        return psycopg.connect(self._target, autocommit=True, prepare_threshold=0, connect_timeout=5)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq takes it (no `+driver`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
