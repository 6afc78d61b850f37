"""Statements of writes that share a transaction (engine.Sql; PostgreSQL through libpq's pipeline mode),
and version numbers taken inside a batch.

one Store (both), writes held    A takes a version while B (takes one, then fails), C, D queue behind it:
                                 A, C, D number 1, 2, 3 and the counter says 4; B's number went back
                                 a queued statement (Sql.later) that fails undoes its own write alone
one Store (PostgreSQL)           a Sql read after queued statements answers with its own rows
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import new_database
from sqlalchemy import Connection, insert, select

from registro.store import groups, migrate, tables
from registro.store.engine import Sql, Store

KEY = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/held"
DEADLINE_S = 30
_PUT = Sql("INSERT INTO meta (key, value) VALUES (:key, :value)")
_KEYS = Sql("SELECT key FROM meta WHERE key LIKE :prefix ORDER BY key")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url, drop = new_database(request.param, tmp_path)
    store = Store(url)
    migrate.upgrade(store)
    with store.write() as conn:
        conn.execute(
            insert(tables.groups).values(
                account="123456789012", name="held", arn=KEY, created_at=0, next_version=1, document="{}"
            )
        )
    try:
        yield store
    finally:
        store.dispose()
        drop()


def held_writes(
    store: Store, first: Callable[[Connection], Any], behind: list[Callable[[Connection], Any]]
) -> tuple[Future[Any], list[Future[Any]]]:
    """Run `first` in a write and hold it until every block of `behind` is queued for its turn, then
    let them run (one batch on both stores); the futures of their results."""
    holding, release = threading.Event(), threading.Event()

    def head() -> Any:
        with store.write(key=KEY) as conn:
            result = first(conn)
            holding.set()
            assert release.wait(DEADLINE_S)
        return result

    def queued(block: Callable[[Connection], Any]) -> Any:
        with store.write(key=KEY) as conn:
            return block(conn)

    pool = ThreadPoolExecutor(1 + len(behind))
    started = pool.submit(head)
    assert holding.wait(DEADLINE_S)
    others = []
    group_commit = store._group_commit or (store._keyed and store._keyed.open[KEY])
    assert group_commit
    for block in behind:  # one at a time, so they run in this order
        queued_before = group_commit.waiting
        others.append(pool.submit(queued, block))
        deadline = time.monotonic() + DEADLINE_S
        while group_commit.waiting == queued_before:
            assert time.monotonic() < deadline, "the write did not queue"
            time.sleep(0.001)
    release.set()
    pool.shutdown(wait=True)
    return started, others


class Refused(Exception):
    """A registry rule broken after the version was taken."""


def take(conn: Connection) -> int:
    taken = groups.take_next_version(conn, KEY)
    assert taken is not None
    return taken[1]


def take_then_fail(conn: Connection) -> int:
    take(conn)
    raise Refused("after taking a version")


def counter(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(tables.groups.c.next_version)).scalar_one())


def test_a_write_undone_inside_a_batch_gives_its_version_back_to_the_next(store: Store) -> None:
    first, (failing, c, d) = held_writes(store, take, [take_then_fail, take, take])
    with pytest.raises(Refused):
        failing.result()
    assert [first.result(), c.result(), d.result()] == [1, 2, 3]
    assert counter(store) == 4


def test_the_first_write_of_a_batch_undone_after_taking_a_version_leaves_no_gap(store: Store) -> None:
    # The first write's statement locked the group's row; its undo gives the lock back too, so the
    # next write must read the row again rather than trust what the batch learned from it.
    first, (b, c) = held_writes(store, lambda conn: None, [take_then_fail, take])
    first.result()
    with pytest.raises(Refused):
        b.result()
    assert c.result() == 1
    assert counter(store) == 2
    with store.write(key=KEY) as conn:
        assert take(conn) == 2


def test_a_queued_statement_that_fails_undoes_its_own_write_alone(store: Store) -> None:
    def put(key: str) -> Callable[[Connection], None]:
        return lambda conn: _PUT.later(conn, {"key": key, "value": key})

    def duplicate(conn: Connection) -> None:
        _PUT.later(conn, {"key": "q-b", "value": "b"})
        _PUT.later(conn, {"key": "q-a", "value": "again"})  # the primary key is taken: raised at the end

    first, (failing, c) = held_writes(store, put("q-a"), [duplicate, put("q-c")])
    first.result()
    c.result()
    with pytest.raises(store.writer.dialect.loaded_dbapi.IntegrityError):
        failing.result()
    with store.read() as conn:
        assert [row[0] for row in _KEYS(conn, {"prefix": "q-%"}).fetchall()] == ["q-a", "q-c"]


def test_a_read_after_queued_statements_answers_with_its_own_rows(store: Store) -> None:
    with store.write() as conn:
        for key in ("r-1", "r-2"):
            _PUT.later(conn, {"key": key, "value": key})
        assert _KEYS(conn, {"prefix": "r-%"}).fetchall() == [("r-1",), ("r-2",)]
        assert _KEYS(conn, {"prefix": "none-%"}).fetchone() is None
