"""Engines and transactions: SQLite pragmas once per connection, read() and write() blocks, and `Sql`,
the statements hot paths run on the transaction's own driver connection.

A write is one logical transaction. Concurrent writes share database transactions and COMMITs (every
COMMIT costs an fsync, ~2 ms on this machine): on SQLite all of this process's writes, since one
writer at a time holds the database anyway; on PostgreSQL the writes given the same `key` (a group's
creates), since they queue on the same row lock anyway.

    write() ── wait for the turn (in-process lock) ── no transaction open? BEGIN (SQLite: IMMEDIATE)
            ── SAVEPOINT ── the caller's block ── RELEASE, or ROLLBACK TO: only this write is undone,
               and its error goes to its own caller at once
            ── a writer waiting for the turn and the batch not full? pass the turn on, transaction open
               else COMMIT, one fsync for the whole batch, and tell every member
            ── return once the COMMIT holding this write has succeeded; if it failed, every member
               raises CommitFailed

Nobody waits to fill a batch: a batch is the writers that queued while the previous COMMIT ran. The
COMMIT's fsync holds the turn, and that is what fills batches: SQLite at synchronous=NORMAL with our own
fdatasync of the WAL after giving up the turn made them 1.3 creates instead of 4.2, and each create
cost more CPU (sys 100 -> 180 us: three times the COMMITs, shared pages written to the WAL for each).
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from registro.store.direct import Direct

log = logging.getLogger("registro.store")

# How long a SQLite writer waits for the lock held by another process before giving up (ms).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# COMMITs between two checkpoints (a batch of creates writes some 100 WAL pages; SQLite's own
# automatic checkpoint comes every 1,000).
CHECKPOINT_EVERY = 10
# WAL frames (pages) after which a COMMIT finishes the checkpoint itself, so the WAL starts over:
# SQLite's own automatic checkpoint threshold.
RESTART_FRAMES = 1000
# Writes one SQLite COMMIT may hold. Writers queued beyond it wait for the next COMMIT, so a batch's
# first member waits for at most this many other blocks (~0.1 ms each) and one fsync.
MAX_BATCH = 32

_SAVEPOINT = "SAVEPOINT registro_write"
_RELEASE = "RELEASE registro_write"
_ROLLBACK_TO = "ROLLBACK TO registro_write"
_PIPELINE = "registro_pipeline"  # Connection.info key: psycopg's pipeline context while Sql.later queues


class CommitFailed(Exception):
    """The COMMIT that held this write failed, so the write is not in the database."""


class Sql:
    """One statement, written once with `:name` parameters, run by the driver of the connection's
    own transaction. Per statement, SQLAlchemy's execute cost 65-115 µs built per call and ~25 µs
    prebuilt, the driver's own 5-10 µs on SQLite (PostgreSQL: 75-80 µs prebuilt, 35-50 µs driver).

    `Sql(text)(conn, params)` returns the driver's cursor (rows are plain tuples); errors are the
    driver's own (`except conn.dialect.loaded_dbapi.IntegrityError`). Give `postgresql=` where the
    dialects need different text; `%` is a literal in both.
    """

    __slots__ = ("postgresql", "sqlite")

    _NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")

    def __init__(self, text: str, *, postgresql: str | None = None) -> None:
        self.sqlite = text
        # psycopg's named style is %(name)s, where a literal % is written %%.
        pg = (text if postgresql is None else postgresql).replace("%", "%%")
        self.postgresql = self._NAMED.sub(r"%(\1)s", pg)

    def __call__(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        driver: Any = conn.connection.driver_connection
        if conn.dialect.name == "sqlite":
            return driver.execute(self.sqlite, params or ())
        return driver.execute(self.postgresql, params)

    def later(self, conn: Connection, params: Mapping[str, Any] | None = None) -> None:
        """Run it without waiting for its answer, for a statement whose rows nobody reads. PostgreSQL:
        queued in psycopg's pipeline mode, it goes out with the next statement whose rows are read or at
        the write's end (`flush`), one round trip for all (~70 us each under load); its error is raised
        there. Only driver statements (Sql) may follow it in the write. SQLite: run at once."""
        driver: Any = conn.connection.driver_connection
        if conn.dialect.name == "sqlite":
            driver.execute(self.sqlite, params or ())
            return
        _pipeline(conn, driver)
        driver.execute(self.postgresql, params)


def _pipeline(conn: Connection, driver: Any) -> None:
    """Put the connection in pipeline mode until `flush` (PostgreSQL)."""
    if _PIPELINE not in conn.info:
        pipeline = driver.pipeline()
        pipeline.__enter__()
        conn.info[_PIPELINE] = pipeline


def flush(conn: Connection, error: BaseException | None = None) -> None:
    """Send the statements Sql.later queued and wait for them; raise the first one's error, unless the
    block already failed with `error` (then theirs is dropped: the write is undone anyway)."""
    pipeline = conn.info.pop(_PIPELINE, None)
    if pipeline is not None:
        if error is None:
            pipeline.__exit__(None, None, None)
        else:
            pipeline.__exit__(type(error), error, error.__traceback__)


def _sqlite_engine(url: str, *, begin: str, pragmas: tuple[str, ...] = ()) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # NullPool: the Store keeps its own connections open (that saves the pool's checkout and reset,
    # ~20 µs a transaction); engine.connect() is left to migrations and tools.
    engine = create_engine(url, poolclass=NullPool)

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
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        driver: Any = conn.connection.driver_connection
        driver.execute(f"BEGIN {begin}")

    return engine


class _Kept:
    """Connections kept open for reuse: the list is the pool (pop and append are atomic under the
    GIL), as large as the most threads that ever used it at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.idle: list[Connection] = []

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        try:
            conn = self.idle.pop()
        except IndexError:
            conn = self.engine.connect()
        try:
            with conn.begin():
                yield conn
        finally:
            if conn.invalidated or conn.closed:
                conn.close()
            else:
                self.idle.append(conn)

    def close(self) -> None:
        while self.idle:
            self.idle.pop().close()


class _Batch:
    """The writes one COMMIT holds; they learn its outcome together."""

    __slots__ = ("done", "error", "size")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None  # the COMMIT failed, or the transaction was lost
        self.size = 0  # members whose block succeeded


class _GroupCommit:
    """Writes over one kept connection, sharing COMMITs (module docstring): all of this process's
    writes on SQLite, those of one key on PostgreSQL (_Keyed)."""

    def __init__(self, engine: Engine, *, checkpoints: bool = False) -> None:
        self.engine = engine
        self.conn: Connection | None = None
        self.turn = threading.Lock()  # held while a BEGIN, a write's block or a COMMIT uses `conn`
        self.count_lock = threading.Lock()
        self.waiting = 0  # threads waiting for the turn
        self.batch: _Batch | None = None
        self.transaction: RootTransaction | None = None
        self.checkpointer = _Checkpointer(engine) if checkpoints else None  # SQLite
        self.commits = 0
        self.users = 0  # _Keyed: writes queued on or inside this one

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.count_lock:
            self.waiting += 1
        self.turn.acquire()
        with self.count_lock:
            self.waiting -= 1
        try:
            conn, batch = self._open()
            driver: Any = conn.connection.driver_connection
            if conn.dialect.name == "postgresql":  # goes out with the block's first statement
                _pipeline(conn, driver)
            driver.execute(_SAVEPOINT)
        except BaseException as exc:
            if self.conn is not None:
                flush(self.conn, exc)
            self._pass_or_commit(self.batch)
            raise
        try:
            yield conn
            driver.execute(_RELEASE)  # PostgreSQL: with what the block queued, if anything
            flush(conn)
            batch.size += 1
        except BaseException as exc:
            flush(conn, exc)
            self._undo(conn, driver, batch, exc)
            raise
        finally:
            self._pass_or_commit(batch)
        batch.done.wait()
        if batch.error is not None:
            raise CommitFailed(
                "the COMMIT holding this write failed; the write is not stored"
            ) from batch.error

    def _open(self) -> tuple[Connection, _Batch]:
        """The connection, in the open batch's transaction (BEGIN if none is open)."""
        if self.batch is not None:
            assert self.conn is not None
            return self.conn, self.batch
        if self.conn is None or self.conn.invalidated or self.conn.closed:
            if self.conn is not None:
                self.conn.close()
            self.conn = self.engine.connect()
        try:
            self.transaction = self.conn.begin()
        except BaseException:
            # BEGIN IMMEDIATE gave up (another process held the lock past busy_timeout): start afresh.
            self.conn.close()
            self.conn = None
            raise
        self.batch = _Batch()
        return self.conn, self.batch

    def _undo(self, conn: Connection, driver: Any, batch: _Batch, exc: BaseException) -> None:
        """Take back this write alone. If its transaction is gone (SQLite rolls everything back on an
        I/O error or a full disk; a lost connection), the batch's earlier members are gone too.
        PostgreSQL: ROLLBACK TO also ends the aborted state a failed statement leaves."""
        if batch.error is not None:
            return
        if conn.invalidated or not _in_transaction(driver):
            batch.error = exc
            return
        try:
            driver.execute(_ROLLBACK_TO)
            driver.execute(_RELEASE)
        except conn.dialect.loaded_dbapi.Error as failed:
            batch.error = failed

    def _pass_or_commit(self, batch: _Batch | None) -> None:
        """Hand the open transaction to the next waiting writer, or end it; either way give up the turn."""
        ended: _Batch | None = None
        committed = False
        try:
            with self.count_lock:
                pass_on = (
                    self.waiting > 0 and batch is not None and batch.size < MAX_BATCH and batch.error is None
                )
            if pass_on or self.transaction is None:
                return
            transaction, self.transaction, self.batch = self.transaction, None, None
            ended = batch
            try:
                if batch is not None and batch.error is None and batch.size:
                    transaction.commit()
                    committed = True
                else:
                    transaction.rollback()
            except BaseException as exc:  # noqa: BLE001 (every member, the committer too, raises CommitFailed from it)
                if batch is not None:
                    batch.error = batch.error or exc
                # SQLite may keep the transaction open after a failed COMMIT (a deferred constraint);
                # closing the connection ends it, and the next write opens a fresh one.
                self.close_connection()
            if committed:
                self.commits += 1
                checkpointer = self.checkpointer
                if (
                    checkpointer is not None
                    and self.commits % CHECKPOINT_EVERY == 0
                    and self.conn is not None
                ):
                    checkpointer.after_commits(self.conn)  # before the next BEGIN: the turn is still held
        finally:
            self.turn.release()
            if ended is not None:
                ended.done.set()

    def close_connection(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            conn.close()

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
        with self.turn:
            self.close_connection()


def _in_transaction(driver: Any) -> bool:
    if isinstance(driver, sqlite3.Connection):
        return driver.in_transaction
    return bool(driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)


class _Keyed:
    """PostgreSQL: a _GroupCommit per key while writes of that key are queued or running. Writers of
    one key take the same locks in the same order (the group's row, then their own ClientToken), so a
    batch holding some does not wait for one that another batch, here or on another replica, holds while
    waiting for it. The one way left: two ClientTokens each reused at the same moment by creates into two
    groups, in crossed order. PostgreSQL then aborts one waiting statement after deadlock_timeout (1 s):
    that write alone is undone (ROLLBACK TO) and fails with a 500 InternalFailure, which boto3 retries;
    the rest of its batch commits."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.open: dict[str, _GroupCommit] = {}

    @contextmanager
    def write(self, key: str) -> Iterator[Connection]:
        with self.lock:
            group_commit = self.open.get(key)
            if group_commit is None:
                group_commit = self.open[key] = _GroupCommit(self.engine)
            group_commit.users += 1
        try:
            with group_commit.write() as conn:
                yield conn
        finally:
            with self.lock:
                group_commit.users -= 1
                idle = group_commit.users == 0
                if idle:
                    del self.open[key]
            if idle:  # its last batch has ended: its connection goes back to the pool
                group_commit.close()

    def close(self) -> None:
        with self.lock:
            open_, self.open = list(self.open.values()), {}
        for group_commit in open_:
            group_commit.close()


class _Checkpointer:
    """Copies the WAL back into the database mostly from its own thread and connection, off the
    write path.

    SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages, so that COMMIT
    held every waiting writer for the whole copy and an fsync of the database file (17-100 ms COMMITs
    every few hundred creates under load). A PASSIVE checkpoint needs no write lock, so a thread
    copies as writes go on. But the WAL only starts over from its beginning when a write transaction
    begins with every frame copied, which never happens while writes keep coming; so once the WAL
    holds RESTART_FRAMES, the COMMIT that notices copies the few frames left itself (and fsyncs the
    database), and the next write starts the WAL over. Other processes keep SQLite's own.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.wanted = threading.Event()
        self.stopping = False
        self.thread: threading.Thread | None = None
        self.frames = 0  # frames in the WAL at the last checkpoint

    def after_commits(self, conn: Connection) -> None:
        """Called by the committer, holding the turn, every CHECKPOINT_EVERY COMMITs."""
        if self.frames < RESTART_FRAMES:
            self.wake()
            return
        driver: Any = conn.connection.driver_connection
        self.frames = _checkpoint(driver)

    def wake(self) -> None:
        if self.thread is None or not self.thread.is_alive():  # first use, or ended by an error
            self.thread = threading.Thread(target=self._run, name="registro-checkpoint", daemon=True)
            self.thread.start()
        self.wanted.set()

    def _run(self) -> None:
        raw = self.engine.raw_connection()  # autocommit at the driver (the connect event), so no BEGIN
        try:
            while True:
                self.wanted.wait()
                self.wanted.clear()
                if self.stopping:
                    return
                self.frames = _checkpoint(raw.driver_connection)
        finally:
            raw.close()

    def stop(self) -> None:
        if self.thread is not None:
            self.stopping = True
            self.wanted.set()
            self.thread.join()
            self.thread = None


def _checkpoint(driver: Any) -> int:
    """A PASSIVE checkpoint; returns the frames the WAL holds. Like SQLite's own automatic checkpoint,
    a failure does not fail the COMMITs before it: it is logged, and the next one tries again."""
    try:
        # Read to the end: a statement left open would hold a read mark, and the WAL could not start over.
        ((_busy, frames, _copied),) = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error:
        log.warning("WAL checkpoint failed", exc_info=True)
        return 0
    return int(frames)


class Store:
    """The database behind one server: `read()` and `write()` yield a connection in a transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        self._group_commit: _GroupCommit | None = None
        self._keyed: _Keyed | None = None
        # One-statement hot reads (describe, list pages) skip SQLAlchemy: store/direct.py.
        self.direct = Direct(url, busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS)
        if self.dialect == "sqlite":
            self.reader = _sqlite_engine(url, begin="DEFERRED")
            # temp_store=MEMORY: each write's SAVEPOINT journal stays in memory; on disk, SQLite opened,
            # wrote and unlinked a temporary file for about one batch in ten (strace under load).
            # The writer only: a reader's large sorts keep spilling to disk.
            # wal_autocheckpoint=0: _Checkpointer does it, off the write path.
            self.writer = _sqlite_engine(
                url, begin="IMMEDIATE", pragmas=("temp_store=MEMORY", "wal_autocheckpoint=0")
            )
            self._readers = _Kept(self.reader)
            self._group_commit = _GroupCommit(self.writer, checkpoints=True)
        else:
            # Kept connections cover the API's 16 worker threads and the console's: with 10, an overflow
            # connection was opened and closed for most describes under load (bench/loadtest.py: 895 in 10 s).
            self.reader = self.writer = create_engine(url, pool_size=20, max_overflow=30)
            self._keyed = _Keyed(self.writer)

            @event.listens_for(self.writer, "before_cursor_execute")
            def _before_execute(conn: Connection, *_args: Any) -> None:
                # SQLAlchemy reads a statement's rows at once, which pipeline mode does not give it.
                if _PIPELINE in conn.info:
                    flush(conn)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        if self.dialect == "sqlite":
            with self._readers.begin() as conn:
                yield conn
        else:
            with self.reader.begin() as conn:
                yield conn

    @contextmanager
    def write(self, key: str | None = None) -> Iterator[Connection]:
        """One write. Writes given the same `key` take the same locks in the same order (a group's
        creates: its row, then their ClientToken): on PostgreSQL they share transactions and COMMITs
        too. On SQLite every write does."""
        if self._group_commit is not None:
            with self._group_commit.write() as conn:
                yield conn
        elif key is not None and self._keyed is not None:
            with self._keyed.write(key) as conn:
                yield conn
        else:
            with self.writer.begin() as conn:
                try:
                    yield conn
                except BaseException as exc:
                    flush(conn, exc)
                    raise
                flush(conn)

    def dispose(self) -> None:
        self.direct.close()
        if self._group_commit is not None:
            self._group_commit.close()
            self._readers.close()
        if self._keyed is not None:
            self._keyed.close()
        self.reader.dispose()
        self.writer.dispose()
