"""Version numbers under concurrency: many clients, one group → exactly 1..N, no duplicates, no gaps.

in-process server (both stores)          16 clients ─► one server
two `registro serve` (PostgreSQL only)   8 clients ─► server A ┐
                                         8 clients ─► server B ┴► one database
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import RunningServer, ServeProcess, client, new_database, spawn_server
from sqlalchemy import create_engine, text

CLIENTS = 16
CREATES_PER_CLIENT = 10
PAGE = 7  # small, so listing every version takes many pages


def create_versions_at_once(urls: list[str], group: str) -> list[str]:
    """CLIENTS threads, each with its own client (round-robin over `urls`), released together."""
    clients = [client(urls[i % len(urls)]) for i in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)

    def creates(sm: Any) -> list[str]:
        start.wait(timeout=30)
        return [
            sm.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
            for _ in range(CREATES_PER_CLIENT)
        ]

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            per_client = list(pool.map(creates, clients))
    finally:
        for sm in clients:
            sm.close()
    for arns in per_client:
        versions = [int(arn.rsplit("/", 1)[1]) for arn in arns]
        assert versions == sorted(versions), "one client's consecutive creates went backwards"
    return [arn for arns in per_client for arn in arns]


def listed_versions(sms: list[Any], group: str) -> dict[int, str]:
    """Every listed version of `group` → its ARN, paging through all pages (page i from sms[i % len])."""
    found: dict[int, str] = {}
    token: str | None = None
    page = 0
    while True:
        kwargs: dict[str, Any] = {"ModelPackageGroupName": group, "MaxResults": PAGE}
        if token:
            kwargs["NextToken"] = token
        answer = sms[page % len(sms)].list_model_packages(**kwargs)
        for summary in answer["ModelPackageSummaryList"]:
            version = summary["ModelPackageVersion"]
            assert version not in found, f"version {version} listed twice"
            found[version] = summary["ModelPackageArn"]
        token = answer.get("NextToken")
        page += 1
        if not token:
            return found


def assert_one_to_n(created: list[str], listed: dict[int, str]) -> None:
    n = CLIENTS * CREATES_PER_CLIENT
    assert len(set(created)) == len(created) == n, "two creates were answered with the same ARN"
    assert sorted(listed) == list(range(1, n + 1))
    assert set(listed.values()) == set(created)


def test_concurrent_creates_on_one_server_number_versions_one_to_n(server: RunningServer, group: str) -> None:
    created = create_versions_at_once([server.url], group)
    sm = client(server.url)
    assert_one_to_n(created, listed_versions([sm], group))
    sm.close()


# --- two `registro serve` processes on one PostgreSQL database -------------------------------------


@contextmanager
def two_servers(workdir: Path) -> Iterator[tuple[str, list[ServeProcess]]]:
    """A fresh PostgreSQL database and two `registro serve` on it, started together, both ready;
    stopped and the database dropped on exit."""
    url, drop = new_database("postgresql", workdir)
    servers: list[ServeProcess] = []
    try:
        servers = [
            spawn_server(["--database-url", url], workdir, name="a"),
            spawn_server(["--database-url", url], workdir, name="b"),
        ]
        for server in servers:
            server.wait_healthy()
        yield url, servers
    finally:
        for server in servers:
            server.stop()
        drop()


def schema_rows(url: str) -> tuple[int, int]:
    """(rows in alembic_version, token keys in meta): (1, 1) after one clean migration."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one(),
                conn.execute(text("SELECT count(*) FROM meta WHERE key = 'token_key'")).scalar_one(),
            )
    finally:
        engine.dispose()


# Without the advisory lock one of two simultaneous starts dies in 7 of 10 tries (measured), so
# three fresh starts catch a missing lock about 97% of the time.
@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_two_servers_starting_together_on_an_empty_postgresql_database_both_come_up(
    attempt: int, tmp_path: Path
) -> None:
    with two_servers(tmp_path) as (url, _servers):
        assert schema_rows(url) == (1, 1)


@pytest.fixture(scope="module")
def pg_replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServeProcess]]:
    """Two `registro serve` started together on one fresh PostgreSQL database, ready."""
    with two_servers(tmp_path_factory.mktemp("replicas")) as (_url, servers):
        yield servers


def test_a_next_token_from_one_postgresql_replica_pages_on_the_other(pg_replicas: list[ServeProcess]) -> None:
    a, b = client(pg_replicas[0].url), client(pg_replicas[1].url)
    a.create_model_package_group(ModelPackageGroupName="g-token")
    for _ in range(PAGE * 2 + 1):
        b.create_model_package(ModelPackageGroupName="g-token")
    assert sorted(listed_versions([a, b], "g-token")) == list(range(1, PAGE * 2 + 2))
    a.close()
    b.close()


def test_clients_of_two_servers_sharing_postgresql_get_versions_one_to_n(
    pg_replicas: list[ServeProcess],
) -> None:
    a, b = client(pg_replicas[0].url), client(pg_replicas[1].url)
    a.create_model_package_group(ModelPackageGroupName="g-two-replicas")
    created = create_versions_at_once([s.url for s in pg_replicas], "g-two-replicas")
    listed = listed_versions([a], "g-two-replicas")
    assert_one_to_n(created, listed)
    assert listed_versions([b], "g-two-replicas") == listed
    a.close()
    b.close()
