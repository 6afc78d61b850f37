"""Direct reads on PostgreSQL (libpq prepared statements): they survive a database that dropped the
server's connections, and a connection keeps a bounded number of statements prepared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import (
    ACCOUNT,
    FIXTURES,
    PG_ADMIN_URL,
    REGION,
    RunningServer,
    client,
    new_database,
    start_server,
)

from registro.settings import Settings
from registro.store import direct
from registro.store.direct import Direct


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    url, drop = new_database("postgresql", tmp_path)
    yield url
    drop()


@pytest.fixture
def pg_server(postgres_url: str) -> Iterator[RunningServer]:
    running = start_server(Settings(database_url=postgres_url, region=REGION, account_id=ACCOUNT))
    yield running
    running.stop()


def _drop_connections(database: str) -> int:
    """Terminate every backend serving `database`, as a database restart would; returns how many."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def test_describe_and_list_answer_after_the_database_dropped_every_connection(
    pg_server: RunningServer, postgres_url: str
) -> None:
    sm = client(pg_server.url)
    sm.create_model_package_group(ModelPackageGroupName="reconnect")
    body = json.loads((FIXTURES / "packages" / "abalone-v1.json").read_text())
    arn = sm.create_model_package(**(body | {"ModelPackageGroupName": "reconnect"}))["ModelPackageArn"]
    assert sm.describe_model_package(ModelPackageName=arn)["ModelPackageVersion"] == 1

    assert _drop_connections(postgres_url.rsplit("/", 1)[1]) >= 1

    assert sm.describe_model_package(ModelPackageName=arn)["ModelPackageArn"] == arn
    listed = sm.list_model_packages(ModelPackageGroupName="reconnect")["ModelPackageSummaryList"]
    assert [p["ModelPackageArn"] for p in listed] == [arn]


def test_a_connection_keeps_at_most_max_prepared_statements(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(direct, "MAX_PREPARED", 3)
    reads = Direct(postgres_url, busy_timeout_ms=1000)
    try:
        for i in range(10):
            assert reads.one(f"SELECT ?::int + {i}, 'a%b'", (1,)) == (1 + i, "a%b")
        prepared = reads.all("SELECT name FROM pg_prepared_statements WHERE name LIKE 'registro_%'", ())
        assert 1 <= len(prepared) <= 3
    finally:
        reads.close()


def test_a_failing_statement_raises_the_database_error_and_the_connection_stays_usable(postgres_url: str) -> None:
    reads = Direct(postgres_url, busy_timeout_ms=1000)
    try:
        with pytest.raises(psycopg.errors.UndefinedTable):
            reads.one("SELECT 1 FROM no_such_table WHERE ? = 1", (1,))
        assert reads.one("SELECT ?::text", ("still here",)) == ("still here",)
    finally:
        reads.close()
