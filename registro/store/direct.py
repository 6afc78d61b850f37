"""Hot reads without SQLAlchemy: one DB-API connection per thread, in autocommit, statements the
driver prepares once.

A describe is one indexed SELECT; through SQLAlchemy's pool, transaction events and execution
context it cost more than the query itself (py-spy: half of a describe's server CPU). A single
statement in autocommit is its own consistent snapshot on both databases, so nothing is lost.
Writes, and reads that need several statements to agree, stay on `Store.read()`/`write()`.

On PostgreSQL a statement runs through libpq itself (psycopg.pq: PQprepare once per connection,
then PQexecPrepared, which releases the GIL while it waits) with psycopg's Transformer converting
values both ways: a describe's client CPU 71 -> 23 µs against a psycopg cursor's execute, whose
Python generators and wait loop cost more than the round trip.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import psycopg
from psycopg import abc, pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.errors import error_from_result
from sqlalchemy.engine import make_url

# Statements a connection keeps prepared; past it they are all dropped and prepared again as used.
MAX_PREPARED = 200


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
        self._sql: dict[str, bytes] = {}  # `?` SQL → libpq's $1, $2, ...

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
        for attempt in (1, 2):
            conn = self._connection()
            try:
                rows = self._postgresql(conn, sql, params)
            except psycopg.Error:
                # A connection the server closed (restart, idle timeout): open a new one, once.
                if conn.pgconn.status != pq.ConnStatus.BAD or attempt == 2:
                    raise
                self._local.conn = None
                with self._lock:
                    self._opened.remove(conn)
                conn.close()
                continue
            return rows if many else (rows[0] if rows else None)
        raise AssertionError("unreachable")

    def _postgresql(self, conn: psycopg.Connection[Any], sql: str, params: tuple[Any, ...]) -> list[Any]:
        """Run `sql` as this connection's prepared statement for these parameter types."""
        local = self._local
        transformer: abc.Transformer = local.transformer
        values = transformer.dump_sequence(params, [PyFormat.AUTO] * len(params))
        key = (sql, transformer.types)
        name = local.prepared.get(key)
        pgconn = conn.pgconn
        if name is None:
            if len(local.prepared) >= MAX_PREPARED:  # each Search shape is a statement of its own
                self._check(pgconn.exec_(b"DEALLOCATE ALL"), pq.ExecStatus.COMMAND_OK)
                local.prepared.clear()
            text = self._sql.get(sql) or self._sql.setdefault(sql, _numbered(sql))
            name = f"registro_{len(local.prepared)}".encode()
            self._check(pgconn.prepare(name, text, param_types=transformer.types), pq.ExecStatus.COMMAND_OK)
            local.prepared[key] = name
        # None is SQL NULL, which libpq takes though psycopg's stub leaves it out.
        result = pgconn.exec_prepared(name, values, param_formats=transformer.formats)  # type: ignore[arg-type]
        self._check(result, pq.ExecStatus.TUPLES_OK)
        transformer.set_pgresult(result)
        rows: list[Any] = transformer.load_rows(0, result.ntuples, tuple)
        return rows

    @staticmethod
    def _check(result: pq.abc.PGresult, wanted: pq.ExecStatus) -> None:
        if result.status != wanted:
            raise error_from_result(result)

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            if self.dialect != "sqlite":
                self._local.transformer = Transformer(conn)
                self._local.prepared = {}
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
        # Statements are prepared by _postgresql through libpq, not by psycopg's cursors.
        # Reads may run on the server's event loop: a database that does not answer must not hold it long.
        return psycopg.connect(self._target, autocommit=True, connect_timeout=5)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()


def _numbered(sql: str) -> bytes:
    """`?` placeholders as libpq's own $1, $2, ... (no `%` escaping at this level)."""
    first, *rest = sql.split("?")
    return (first + "".join(f"${n}{piece}" for n, piece in enumerate(rest, 1))).encode()


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq takes it (no `+driver`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
