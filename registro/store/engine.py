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

PostgreSQL: every statement of a batch goes through libpq's pipeline mode (_Wire), and the turn is
held mostly while waiting for round trips, so a batch spends as few as it can: SAVEPOINT goes with the
block's first statement, RELEASE with its last ones, the last member's COMMIT with its RELEASE, and a
group's creates after the first take their version number without asking (groups.take_next_version,
`batch_memo`). A create in a batch is 2 round trips (its ClientToken, then its rows), down from 3, plus
one COMMIT per batch no longer on its own: in-process, 8 threads creating into one group went from
~1,000 to ~1,600 creates/s and 590 -> 260 µs of client CPU each.
"""

from __future__ import annotations

import logging
import os
import re
import select
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.errors import error_from_result
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
_WIRE = "registro_wire"  # Connection.info key: the connection's _Wire (PostgreSQL)


class CommitFailed(Exception):
    """The COMMIT that held this write failed, so the write is not in the database."""


class Sql:
    """One statement, written once with `:name` parameters, run by the driver of the connection's
    own transaction. Per statement, SQLAlchemy's execute cost 65-115 µs built per call and ~25 µs
    prebuilt, the driver's own 5-10 µs on SQLite. PostgreSQL: through libpq itself (_Wire), not a
    psycopg cursor (35-50 µs each): a create's 8 statements and 2 round trips cost ~140 µs of client CPU,
    the kernel's socket work included.

    `Sql(text)(conn, params)` returns the rows (`fetchone()`, `fetchall()`; rows are plain tuples);
    errors are the driver's own (`except conn.dialect.loaded_dbapi.IntegrityError`). Give `postgresql=`
    where the dialects need different text; `%` is a literal in both.
    """

    __slots__ = ("names", "postgresql", "sqlite")

    _NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")

    def __init__(self, text: str, *, postgresql: str | None = None) -> None:
        self.sqlite = text
        # libpq's positional $1, $2, ...: one per distinct name, in order of first use.
        numbers: dict[str, int] = {}

        def number(match: re.Match[str]) -> str:
            return f"${numbers.setdefault(match[1], len(numbers) + 1)}"

        self.postgresql = self._NAMED.sub(number, text if postgresql is None else postgresql).encode()
        self.names = tuple(numbers)

    def __call__(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        if conn.dialect.name == "sqlite":
            driver: Any = conn.connection.driver_connection
            return driver.execute(self.sqlite, params or ())
        wire = _wire(conn)
        wire.send(self, params, wanted=True)
        return _Rows(wire.sync())

    def later(self, conn: Connection, params: Mapping[str, Any] | None = None) -> None:
        """Run it without waiting for its answer, for a statement whose rows nobody reads. PostgreSQL:
        queued in libpq's pipeline mode, it goes out with the next statement whose rows are read or at
        the write's end (`flush`), one round trip for all (~70 us each under load); its error is raised
        there. SQLite: run at once."""
        if conn.dialect.name == "sqlite":
            driver: Any = conn.connection.driver_connection
            driver.execute(self.sqlite, params or ())
            return
        _wire(conn).send(self, params, wanted=False)


# The write's own statements, as _Wire sends them (PostgreSQL).
_SAVEPOINT_SQL, _RELEASE_SQL, _ROLLBACK_TO_SQL, _COMMIT_SQL = (
    Sql(text) for text in (_SAVEPOINT, _RELEASE, _ROLLBACK_TO, "COMMIT")
)


class _Rows:
    """A statement's rows, read already: what callers of Sql use of a cursor."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows


# What a statement sent on a _Wire answers with: nothing anyone reads, the rows asked for, or the
# outcome of preparing a statement (a _Prepared: forgotten if it failed).
_IGNORED, _WANTED = 0, 1
_FATAL_ERROR = pq.ExecStatus.FATAL_ERROR
_PIPELINE_ABORTED = pq.ExecStatus.PIPELINE_ABORTED
_PIPELINE_SYNC = pq.ExecStatus.PIPELINE_SYNC
_PIPELINE_OFF = pq.PipelineStatus.OFF
_IDLE = pq.TransactionStatus.IDLE
# Statements one connection keeps prepared; past it (not expected: Sql statements are module constants)
# the rest go unnamed, parsed and planned each time.
MAX_PREPARED = 100


class _Prepared:
    __slots__ = ("key",)

    def __init__(self, key: tuple[Sql, tuple[int, ...]]) -> None:
        self.key = key


class _Wire:
    """PostgreSQL: Sql statements on one connection through libpq itself, as store/direct.py reads.

    Each statement is prepared once per connection (PQsendPrepare) and sent with PQsendQueryPrepared
    in pipeline mode, its values dumped and its rows loaded by psycopg's Transformer; `sync` sends them
    all with one Sync and waits for every answer with the GIL released. A psycopg cursor's execute cost
    35-50 µs of client CPU per statement (its generators, prepare manager and wait loop), and a create's
    block runs while its group's other creates wait for the turn (_GroupCommit).

    Between syncs the connection is out of pipeline mode, so SQLAlchemy and psycopg can use it (a
    SQLAlchemy statement first syncs what is queued: Store's before_cursor_execute). psycopg sees the
    transaction we BEGIN from libpq's own status, so its commit and rollback end it as usual.
    """

    __slots__ = (
        "begin", "driver", "encoding", "memo", "named", "pgconn", "poller", "prepared", "sent", "transformer",
    )  # fmt: skip

    def __init__(self, driver: psycopg.Connection[Any]) -> None:
        self.driver = driver
        self.pgconn = driver.pgconn
        self.transformer = Transformer(driver)
        self.encoding = driver.info.encoding
        self.begin = _begin_command(driver)
        self.prepared: dict[tuple[Sql, tuple[int, ...]], bytes] = {}
        self.named = 0
        self.sent: list[Any] = []  # per statement sent and not yet answered: _IGNORED, _WANTED, _Prepared
        self.poller = select.poll()
        self.poller.register(self.pgconn.socket, select.POLLIN)
        # _GroupCommit: what a batch's creates may reuse while its transaction holds the row locks it
        # took (groups.take_next_version); None outside a batch. Emptied when a write is undone.
        self.memo: dict[Any, Any] | None = None

    def _start(self) -> None:
        pgconn = self.pgconn
        if pgconn.pipeline_status == _PIPELINE_OFF:
            pgconn.enter_pipeline_mode()
        if pgconn.transaction_status == _IDLE:
            self._send(self.begin, None, _IGNORED)

    def send(self, sql: Sql, params: Mapping[str, Any] | None, *, wanted: bool) -> None:
        if not self.sent:
            self._start()
        self._send(sql, params, _WANTED if wanted else _IGNORED)

    def _send(self, sql: Sql, params: Mapping[str, Any] | None, answer: int) -> None:
        transformer = self.transformer
        values = (
            transformer.dump_sequence([params[n] for n in sql.names], [PyFormat.AUTO] * len(sql.names))
            if params
            else []
        )
        key: tuple[Sql, tuple[int, ...]] = (sql, tuple(transformer.types or ())) if params else (sql, ())
        pgconn = self.pgconn
        name = self.prepared.get(key)
        if name is None and len(self.prepared) < MAX_PREPARED:
            self.named += 1  # never a name used before: a statement forgotten here may still exist there
            name = f"registro_w{self.named}".encode()
            pgconn.send_prepare(name, sql.postgresql, param_types=key[1])
            self.sent.append(_Prepared(key))
            self.prepared[key] = name
        formats = transformer.formats if params else None
        # None is SQL NULL, which libpq takes though psycopg's stub leaves it out.
        if name is None:
            pgconn.send_query_params(sql.postgresql, values, key[1], formats)
        else:
            pgconn.send_query_prepared(name, values, param_formats=formats)
        self.sent.append(answer)

    def command(self, sql: Sql) -> None:
        """A statement without parameters or rows (SAVEPOINT, RELEASE, ...), queued. Prepared too: each
        Parse of these cost the backend a few µs of a create's time holding its group's turn."""
        self.send(sql, None, wanted=False)

    def sync(self) -> list[tuple[Any, ...]]:
        """Send what is queued and wait for every answer; the rows of the statement sent `wanted`, if
        any. Raises the first error among them (libpq skips the rest until the Sync)."""
        if not self.sent:
            return []
        pgconn = self.pgconn
        sent, self.sent = self.sent, []
        rows: list[tuple[Any, ...]] = []
        error: psycopg.Error | None = None
        try:
            pgconn.pipeline_sync()
            while pgconn.flush():  # nonblocking: what the socket did not take yet
                select.select([], [pgconn.socket], [])
            for what in sent:
                result = self._result()
                while self._result() is not None:  # each statement's answer ends with a NULL
                    pass
                status = result.status if result is not None else _FATAL_ERROR
                if status == _FATAL_ERROR or status == _PIPELINE_ABORTED:
                    if error is None and status == _FATAL_ERROR and result is not None:
                        error = error_from_result(result, encoding=self.encoding)
                    if isinstance(what, _Prepared):
                        self.prepared.pop(what.key, None)
                    if isinstance(error, psycopg.errors.InvalidSqlStatementName):
                        self.prepared.clear()  # deallocated behind our back: prepare again as used
                elif what is _WANTED:
                    transformer = self.transformer
                    transformer.set_pgresult(result)
                    rows = transformer.load_rows(0, result.ntuples, tuple)  # type: ignore[union-attr]
            synced = self._result()
            if synced is None or synced.status != _PIPELINE_SYNC:
                raise psycopg.OperationalError("the pipeline's Sync was not answered")
            pgconn.exit_pipeline_mode()
        except BaseException:
            # Lost, or interrupted with answers unread: nothing can use this connection any more. Closed,
            # it fails whatever uses it next, and SQLAlchemy's pool drops it.
            self.driver.close()
            raise
        if error is not None:
            raise error
        return rows

    def _result(self) -> pq.abc.PGresult | None:
        pgconn = self.pgconn
        while pgconn.is_busy():
            self.poller.poll()  # releases the GIL
            pgconn.consume_input()
        return pgconn.get_result()


def _begin_command(driver: psycopg.Connection[Any]) -> Sql:
    """The BEGIN psycopg itself would send for this connection's settings."""
    parts = ["BEGIN"]
    if driver.isolation_level is not None:
        parts += ["ISOLATION LEVEL", driver.isolation_level.name.replace("_", " ")]
    if driver.read_only is not None:
        parts.append("READ ONLY" if driver.read_only else "READ WRITE")
    if driver.deferrable is not None:
        parts.append("DEFERRABLE" if driver.deferrable else "NOT DEFERRABLE")
    return Sql(" ".join(parts))


def _wire(conn: Connection) -> _Wire:
    """The connection's _Wire (PostgreSQL), made on first use; it lives as long as the DB-API connection."""
    info = conn.info
    wire: _Wire | None = info.get(_WIRE)
    if wire is None:
        wire = info[_WIRE] = _Wire(conn.connection.driver_connection)  # type: ignore[arg-type]
    return wire


def batch_memo(conn: Connection) -> dict[Any, Any] | None:
    """PostgreSQL, inside a _GroupCommit batch: a dict for what the batch's writes may reuse while its
    transaction holds the row locks they took. Emptied when any write of the batch is undone (ROLLBACK TO
    gives back the locks that write took) and dropped when the transaction ends. Else None."""
    if conn.dialect.name == "sqlite":
        return None
    wire: _Wire | None = conn.info.get(_WIRE)
    return None if wire is None else wire.memo


def flush(conn: Connection, error: BaseException | None = None) -> None:
    """Send the statements Sql.later queued and wait for them; raise the first one's error, unless the
    block already failed with `error` (then theirs is dropped: the write is undone anyway)."""
    wire: _Wire | None = conn.info.get(_WIRE)
    if wire is None or not wire.sent:
        return
    if error is None:
        wire.sync()
        return
    try:
        wire.sync()
    except psycopg.Error:
        pass


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
            wire = _wire(conn) if conn.dialect.name == "postgresql" else None
            driver: Any = conn.connection.driver_connection
            if wire is not None:  # goes out with the block's first statement
                wire.command(_SAVEPOINT_SQL)
            else:
                driver.execute(_SAVEPOINT)
        except BaseException as exc:
            if self.conn is not None:
                flush(self.conn, exc)
            self._pass_or_commit(self.batch)
            raise
        committed = False
        try:
            yield conn
            if wire is not None:
                committed = self._end_on_wire(wire, batch)
            else:
                driver.execute(_RELEASE)
            batch.size += 1
        except BaseException as exc:
            flush(conn, exc)
            self._undo(conn, driver, wire, batch, exc)
            raise
        finally:
            self._pass_or_commit(batch, committed=committed)
        batch.done.wait()
        if batch.error is not None:
            raise CommitFailed(
                "the COMMIT holding this write failed; the write is not stored"
            ) from batch.error

    def _end_on_wire(self, wire: _Wire, batch: _Batch) -> bool:
        """PostgreSQL: RELEASE, sent with what the block queued. If no writer waits for the turn (or the
        batch is full), the COMMIT goes in the same round trip and this returns True: a round trip
        less per batch. A failed statement of the block makes libpq skip the COMMIT, and the write is
        undone alone as usual; a failed COMMIT fails the batch."""
        wire.command(_RELEASE_SQL)
        with self.count_lock:
            last = not (self.waiting > 0 and batch.size + 1 < MAX_BATCH)
        if last:
            wire.command(_COMMIT_SQL)
        try:
            wire.sync()
        except psycopg.Error as failed:
            if not last or wire.pgconn.transaction_status != _IDLE:  # this write's own, COMMIT not run
                raise
            batch.error = failed
            return False
        return last

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
        if self.conn.dialect.name == "postgresql":
            _wire(self.conn).memo = {}
        return self.conn, self.batch

    def _undo(
        self, conn: Connection, driver: Any, wire: _Wire | None, batch: _Batch, exc: BaseException
    ) -> None:
        """Take back this write alone. If its transaction is gone (SQLite rolls everything back on an
        I/O error or a full disk; a lost connection), the batch's earlier members are gone too.
        PostgreSQL: ROLLBACK TO also ends the aborted state a failed statement leaves, and may give back
        a row lock the write took, so the batch's memo goes too."""
        if batch.error is not None:
            return
        if conn.invalidated or not _in_transaction(driver):
            batch.error = exc
            return
        try:
            if wire is not None:
                if wire.memo:
                    wire.memo = {}
                wire.command(_ROLLBACK_TO_SQL)
                wire.command(_RELEASE_SQL)
                wire.sync()
            else:
                driver.execute(_ROLLBACK_TO)
                driver.execute(_RELEASE)
        except conn.dialect.loaded_dbapi.Error as failed:
            batch.error = failed

    def _pass_or_commit(self, batch: _Batch | None, *, committed: bool = False) -> None:
        """Hand the open transaction to the next waiting writer, or end it; either way give up the turn.
        `committed`: the COMMIT has run already (_end_on_wire); only the bookkeeping is left."""
        ended: _Batch | None = None
        try:
            with self.count_lock:
                pass_on = (
                    not committed
                    and self.waiting > 0
                    and batch is not None
                    and batch.size < MAX_BATCH
                    and batch.error is None
                )
            if pass_on or self.transaction is None:
                return
            transaction, self.transaction, self.batch = self.transaction, None, None
            ended = batch
            wire: _Wire | None = None if self.conn is None else self.conn.info.get(_WIRE)
            if wire is not None:
                wire.memo = None
            try:
                if batch is not None and batch.error is None and batch.size:
                    transaction.commit()  # psycopg sends no COMMIT for a transaction already ended
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
            # No auto-prepare by psycopg: after a ROLLBACK it sends DEALLOCATE ALL, which would drop the
            # statements _Wire prepared too. Hot statements are Sql (prepared by _Wire) or direct reads.
            self.reader = self.writer = create_engine(
                url, pool_size=20, max_overflow=30, connect_args={"prepare_threshold": None}
            )
            self._keyed = _Keyed(self.writer)

            @event.listens_for(self.writer, "before_cursor_execute")
            def _before_execute(conn: Connection, *_args: Any) -> None:
                # SQLAlchemy reads a statement's rows at once, and psycopg needs the connection out of
                # pipeline mode: what Sql.later queued goes first.
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
