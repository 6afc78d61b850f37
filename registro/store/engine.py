"""Engines and transactions: SQLite pragmas once per connection, read() and write() blocks.

A write is one transaction. On SQLite it starts with BEGIN IMMEDIATE, so writers queue on the
database lock up front instead of failing on upgrade; on PostgreSQL writers that need a counter
take the group's row lock (store/groups.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

# How long a SQLite writer waits for the lock before giving up (ms). Sixteen concurrent creators
# each hold it for well under a millisecond; this only bites under pathological load.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_engine(url: str, *, begin: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide when transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit that answered 200 survives a SIGKILL and a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(f"BEGIN {begin}")

    return engine


class Store:
    """The database behind one server: `read()` and `write()` yield a connection in a transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        self._write_lock: AbstractContextManager[object] = nullcontext()
        if self.dialect == "sqlite":
            self._write_lock = threading.Lock()
            self.reader = _sqlite_engine(url, begin="DEFERRED")
            self.writer = _sqlite_engine(url, begin="IMMEDIATE")
        else:
            # Kept connections cover the API's 16 worker threads and the console's: with 10, an overflow
            # connection was opened and closed for most describes under load (bench/loadtest.py: 895 in 10 s).
            self.reader = self.writer = create_engine(url, pool_size=20, max_overflow=30)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.reader.begin() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        # SQLite has one writer at a time; queueing this process's writers on a lock hands the
        # database over at once, where SQLite's busy handler sleeps in steps of up to 100 ms
        # (bench: p99 of 8 concurrent creators 668 ms before). Other processes still use busy_timeout.
        with self._write_lock, self.writer.begin() as conn:
            yield conn

    def dispose(self) -> None:
        self.reader.dispose()
        self.writer.dispose()
