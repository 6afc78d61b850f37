"""Concurrent writes sharing COMMITs (SQLite: all; PostgreSQL: a group's creates) stay separate logical
transactions, and durable once answered.

through the server (both stores)   creates into a healthy group and into one at its last version, at once:
                                   the healthy one numbers 1..N, the full one is untouched
                                   creates into one group, half reusing a ClientToken with other input
                                   (refused after taking a number) and replays: 1..N, no gaps
SIGKILL under concurrency          8 clients creating; every create answered 200 is there after restart
one Store (both), writes held      A runs while B (fails), C, D queue behind it: one COMMIT holds A, C, D;
                                   B alone is undone; a COMMIT that fails fails every member
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from conftest import RunningServer, client, new_database, serving
from sqlalchemy import Connection, event, insert, select, text, update

from registro.events.kinds import EventKind
from registro.registry.context import Context
from registro.registry.packages import MAX_VERSION
from registro.store import migrate, tables
from registro.store.engine import RESTART_FRAMES, CommitFailed, Store

THREADS = 16
CREATES_PER_THREAD = 5
DEADLINE_S = 30



def _in_threads(url: str, creates: Callable[[int, Any], tuple[list[str], list[str]]]) -> tuple[list[str], list[str]]:
    """Run creates(index, client) for index 0..THREADS-1 at once, each with its own boto3 client, all
    starting together; their ARNs and refusal codes."""
    clients = [client(url) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)

    def run(index: int) -> tuple[list[str], list[str]]:
        start.wait(timeout=DEADLINE_S)
        return creates(index, clients[index])

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(run, range(THREADS)))
    finally:
        for each in clients:
            each.close()
    return [arn for made, _ in results for arn in made], [code for _, codes in results for code in codes]


def test_creates_failing_among_concurrent_ones_are_absent_and_the_others_committed(
    server: RunningServer, sm: Any, registry_context: Context, group_name: str
) -> None:
    healthy, full = group_name, group_name + "-full"
    sm.create_model_package_group(ModelPackageGroupName=healthy)
    sm.create_model_package_group(ModelPackageGroupName=full)
    # The full group's next create takes a version past the largest, so it fails after take_next_version
    # has written: only its own savepoint's rollback can put the counter back.
    with registry_context.store.write() as conn:
        conn.execute(
            update(tables.groups).where(tables.groups.c.name == full).values(next_version=MAX_VERSION + 1)
        )
    def creates(index: int, caller: Any) -> tuple[list[str], list[str]]:
        created, refused = [], []
        for _ in range(CREATES_PER_THREAD):
            if index % 2:
                try:
                    caller.create_model_package(ModelPackageGroupName=full)
                except ClientError as exc:
                    refused.append(exc.response["Error"]["Code"])
            else:
                created.append(
                    caller.create_model_package(ModelPackageGroupName=healthy)["ModelPackageArn"]
                )
        return created, refused

    created, refused = _in_threads(server.url, creates)
    assert refused == ["ResourceLimitExceeded"] * (THREADS // 2 * CREATES_PER_THREAD)
    listed = sorted(
        s["ModelPackageVersion"]
        for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=healthy)
        for s in page["ModelPackageSummaryList"]
    )
    assert listed == list(range(1, len(created) + 1))
    assert sm.list_model_packages(ModelPackageGroupName=full)["ModelPackageSummaryList"] == []
    with registry_context.store.read() as conn:
        counter = conn.execute(
            select(tables.groups.c.next_version).where(tables.groups.c.name == full)
        ).scalar()
        records = conn.execute(
            select(tables.activity.c.kind).where(tables.activity.c.group_name.in_([healthy, full]))
        ).scalars()
        kinds = sorted(records)
    assert counter == MAX_VERSION + 1
    assert kinds.count(EventKind.PACKAGE_CREATED.value) == len(created)
    assert len(kinds) == len(created) + 2  # and the two groups' own records


def test_creates_refused_or_replayed_among_concurrent_ones_into_one_group_leave_no_gap(
    server: RunningServer, sm: Any, group: str
) -> None:
    # Each refused or replayed create has taken the group's next number in its batch before its token
    # check: only its own savepoint's rollback gives the number back while the others commit.
    used = sm.create_model_package(ModelPackageGroupName=group, ClientToken="used-token")["ModelPackageArn"]
    def creates(index: int, caller: Any) -> tuple[list[str], list[str]]:
        created, refused = [], []
        for n in range(CREATES_PER_THREAD):
            if index % 4 == 1:
                try:
                    caller.create_model_package(
                        ModelPackageGroupName=group, ClientToken="used-token", ModelPackageDescription="other"
                    )
                except ClientError as exc:
                    refused.append(exc.response["Error"]["Code"])
            elif index % 4 == 3:
                replayed = caller.create_model_package(
                    ModelPackageGroupName=group, ClientToken="used-token"
                )
                assert replayed["ModelPackageArn"] == used
            else:
                made = caller.create_model_package(
                    ModelPackageGroupName=group, ClientToken=f"t-{index}-{n}"
                )
                created.append(made["ModelPackageArn"])
        return created, refused

    created, refused = _in_threads(server.url, creates)
    assert refused == ["ConflictException"] * (THREADS // 4 * CREATES_PER_THREAD)
    listed = {
        s["ModelPackageVersion"]: s["ModelPackageArn"]
        for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=group)
        for s in page["ModelPackageSummaryList"]
    }
    assert sorted(listed) == list(range(1, len(created) + 2))
    assert set(listed.values()) == {used, *created}
    following = sm.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    assert following.endswith(f"/{group}/{len(created) + 2}")


# --- SIGKILL while eight clients create --------------------------------------------------------------

CRASH_CLIENTS = 8
CREATES_BEFORE_KILL = 200


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_concurrent_create_answered_before_a_sigkill_is_there_after_restart(
    kind: str, tmp_path: Path
) -> None:
    if kind == "sqlite":
        args, drop = ["--data-dir", str(tmp_path / "data")], lambda: None
    else:
        url, drop = new_database("postgresql", tmp_path)
        args = ["--database-url", url]
    acked: list[list[str]] = [[] for _ in range(CRASH_CLIENTS)]  # per client: descriptions answered 200
    arns: dict[str, str] = {}  # description → ARN

    def create_until_the_server_dies(sm: Any, index: int) -> None:
        try:
            for n in range(1_000_000):
                description = f"client {index} write {n}"
                arn = sm.create_model_package(
                    ModelPackageGroupName="crash", ModelPackageDescription=description
                )
                arns[description] = arn["ModelPackageArn"]
                acked[index].append(description)
        except (BotoConnectionError, HTTPClientError):  # the kill; any other error fails the test
            return

    try:
        with ThreadPoolExecutor(CRASH_CLIENTS) as pool, serving(args, cwd=tmp_path) as server:
            clients = [client(server.url, connect_timeout=5, read_timeout=30) for _ in range(CRASH_CLIENTS)]
            clients[0].create_model_package_group(ModelPackageGroupName="crash")
            writers = [pool.submit(create_until_the_server_dies, sm, i) for i, sm in enumerate(clients)]
            deadline = time.monotonic() + 60
            while sum(map(len, acked)) < CREATES_BEFORE_KILL and not any(w.done() for w in writers):
                assert time.monotonic() < deadline, f"only {sum(map(len, acked))} creates answered in 60 s"
                time.sleep(0.005)
            os.kill(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=15)
            for writer in writers:
                writer.result(timeout=60)
            for sm in clients:
                sm.close()
        assert server.proc.returncode == -signal.SIGKILL, "the server ended before the kill"
        answered = sum(map(len, acked))
        assert answered >= CREATES_BEFORE_KILL

        with serving(args, cwd=tmp_path) as restarted:
            sm = client(restarted.url)
            stored = {
                s["ModelPackageArn"]: s["ModelPackageVersion"]
                for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName="crash")
                for s in page["ModelPackageSummaryList"]
            }
            assert sorted(stored.values()) == list(range(1, len(stored) + 1)), "versions with a gap"
            # Each client had at most one create in flight at the kill, which may or may not have committed.
            assert answered <= len(stored) <= answered + CRASH_CLIENTS
            for descriptions in acked:
                for description in descriptions:
                    arn = arns[description]
                    assert arn in stored, f"{description} was answered 200 but is gone"
                    assert (
                        sm.describe_model_package(ModelPackageName=arn)["ModelPackageDescription"]
                        == description
                    )
                versions = [stored[arns[d]] for d in descriptions]
                assert versions == sorted(versions), "one client's creates went backwards"
            sm.close()
    finally:
        drop()


# --- one Store: who shares a COMMIT ------------------------------------------------------------------

KEY = "a-group"  # PostgreSQL batches the writes given one key (a group's creates)


def counted(url: str) -> tuple[Store, list[int]]:
    store = Store(url)
    migrate.upgrade(store)
    commits: list[int] = []
    event.listen(store.writer, "commit", lambda _conn: commits.append(1))
    return store, commits


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[tuple[Store, list[int]]]:
    """A migrated SQLite Store and the list its COMMITs are counted in."""
    store, commits = counted(f"sqlite:///{tmp_path / 'registro.db'}")
    yield store, commits
    store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, list[int]]]:
    """A migrated Store on each database and the list its COMMITs are counted in."""
    url, drop = new_database(request.param, tmp_path)
    store, commits = counted(url)
    try:
        yield store, commits
    finally:
        store.dispose()
        drop()


def meta_keys(store: Store) -> set[str]:
    with store.read() as conn:
        return set(conn.execute(select(tables.meta.c.key).where(tables.meta.c.key.like("w-%"))).scalars())


def held_writes(
    store: Store, behind: list[Callable[[Connection], None]]
) -> tuple[Future[None], list[Future[None]]]:
    """Write `w-a` and hold the transaction until every block of `behind` is queued for its turn,
    then let them run; returns the futures of the first write and of those behind it."""
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with store.write(key=KEY) as conn:
            conn.execute(insert(tables.meta).values(key="w-a", value="a"))
            holding.set()
            assert release.wait(DEADLINE_S)

    def queued(block: Callable[[Connection], None]) -> None:
        with store.write(key=KEY) as conn:
            block(conn)

    pool = ThreadPoolExecutor(1 + len(behind))
    head = pool.submit(first)
    assert holding.wait(DEADLINE_S)
    others = [pool.submit(queued, block) for block in behind]
    group_commit = store._group_commit or (store._keyed and store._keyed.open[KEY])
    assert group_commit
    deadline = time.monotonic() + DEADLINE_S
    while group_commit.waiting < len(behind):  # all queued behind the held write
        assert time.monotonic() < deadline, "the writes did not queue"
        time.sleep(0.001)
    release.set()
    pool.shutdown(wait=True)
    return head, others


def put(key: str) -> Callable[[Connection], None]:
    def block(conn: Connection) -> None:
        conn.execute(insert(tables.meta).values(key=key, value=key))

    return block


class Refused(Exception):
    """A registry rule broken inside the write block."""


def put_then_fail(conn: Connection) -> None:
    put("w-b")(conn)
    raise Refused("after writing")


def test_writes_queued_behind_a_running_one_share_its_commit_and_a_failing_one_is_undone_alone(
    any_store: tuple[Store, list[int]],
) -> None:
    store, commits = any_store
    before = len(commits)
    head, (failing, c, d) = held_writes(store, [put_then_fail, put("w-c"), put("w-d")])
    head.result()
    c.result()
    d.result()
    with pytest.raises(Refused):
        failing.result()
    assert len(commits) - before == 1
    assert meta_keys(store) == {"w-a", "w-c", "w-d"}


def test_a_commit_that_fails_fails_every_write_it_holds(any_store: tuple[Store, list[int]]) -> None:
    store, _commits = any_store
    with store.write() as conn:
        # A deferred foreign key is checked at COMMIT: an orphan child makes the COMMIT itself fail.
        conn.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        conn.execute(
            text(
                "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
            )
        )

    def orphan(conn: Connection) -> None:
        conn.execute(text("INSERT INTO child VALUES (42)"))

    head, (orphaned, c) = held_writes(store, [orphan, put("w-c")])
    for future in (head, orphaned, c):
        with pytest.raises(CommitFailed):
            future.result()
    assert meta_keys(store) == set()
    # The next write starts afresh.
    with store.write(key=KEY) as conn:
        put("w-e")(conn)
    assert meta_keys(store) == {"w-e"}


def test_the_wal_is_checkpointed_off_the_write_path_and_stays_small(
    sqlite_store: tuple[Store, list[int]], tmp_path: Path
) -> None:
    store, _commits = sqlite_store
    # Each write adds four WAL pages at least: 13 MB of WAL if it never started over. It starts over
    # once RESTART_FRAMES are in it (4 MB): the file keeps its largest size, about that.
    writes, size = 800, 16_000
    for n in range(writes):
        with store.write() as conn:
            conn.execute(insert(tables.meta).values(key=f"w-{n}", value="x" * size))
    assert len(meta_keys(store)) == writes
    assert (tmp_path / "registro.db-wal").stat().st_size < 2 * RESTART_FRAMES * 4096
