"""A write answered 200 is durable: SIGKILL `registro serve` mid-stream, restart it, find every such write.

client thread: create v1, update v1 (metadata), update v1 (approval), create v2, ...  → records each 200
main thread:   waits for WRITES_BEFORE_KILL answers → SIGKILL → restart on the same data → checks
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError
from conftest import client, new_database, serving

WRITES_BEFORE_KILL = 90
GROUP = "crash-test"


@dataclass
class Acknowledged:
    """What the server answered 200 to, in order; and how the stream ended."""

    created: list[str] = field(default_factory=list)  # version ARNs
    metadata: dict[str, str] = field(default_factory=dict)  # ARN → CustomerMetadataProperties["write"]
    approved: dict[str, str] = field(default_factory=dict)  # ARN → ApprovalDescription
    ended_by: Exception | None = None

    @property
    def count(self) -> int:
        return len(self.created) + len(self.metadata) + len(self.approved)


def write_until_the_server_dies(sm: Any, acked: Acknowledged) -> None:
    """Creates and updates back to back until the connection drops (kept in `acked.ended_by`)."""
    try:
        for n in range(1_000_000):
            arn = sm.create_model_package(ModelPackageGroupName=GROUP, ModelPackageDescription=f"write {n}")[
                "ModelPackageArn"
            ]
            acked.created.append(arn)
            sm.update_model_package(ModelPackageArn=arn, CustomerMetadataProperties={"write": str(n)})
            acked.metadata[arn] = str(n)
            sm.update_model_package(
                ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription=f"write {n}"
            )
            acked.approved[arn] = f"write {n}"
    except (BotoConnectionError, HTTPClientError) as exc:  # the kill; any other error fails the test
        acked.ended_by = exc


def server_args(kind: str, tmp_path: Path) -> tuple[list[str], Any]:
    if kind == "sqlite":
        return ["--data-dir", str(tmp_path / "data")], lambda: None
    url, drop = new_database("postgresql", tmp_path)
    return ["--database-url", url], drop


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_write_answered_before_a_sigkill_is_there_after_restart(kind: str, tmp_path: Path) -> None:
    args, drop = server_args(kind, tmp_path)
    acked = Acknowledged()
    try:
        # The pool outlives the server: on any failure the server is stopped first, ending the writer.
        with ThreadPoolExecutor(1) as pool, serving(args, cwd=tmp_path) as server:
            sm = client(server.url, connect_timeout=5, read_timeout=30)
            sm.create_model_package_group(ModelPackageGroupName=GROUP)
            writer = pool.submit(write_until_the_server_dies, sm, acked)
            deadline = time.monotonic() + 60
            while acked.count < WRITES_BEFORE_KILL and not writer.done():
                assert time.monotonic() < deadline, f"only {acked.count} writes answered in 60s"
                time.sleep(0.005)
            os.kill(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=15)
            writer.result(timeout=60)  # raises what the writer met other than the dropped connection
            sm.close()
        assert server.proc.returncode == -signal.SIGKILL, "the server ended before the kill"
        assert isinstance(acked.ended_by, (BotoConnectionError, HTTPClientError)), repr(acked.ended_by)
        assert acked.count >= WRITES_BEFORE_KILL

        with serving(args, cwd=tmp_path) as restarted:
            sm = client(restarted.url)
            for n, arn in enumerate(acked.created):
                found = sm.describe_model_package(ModelPackageName=arn)
                assert found["ModelPackageDescription"] == f"write {n}"
                assert found["ModelPackageVersion"] == n + 1, "one thread's creates must number 1, 2, 3, ..."
                if arn in acked.metadata:
                    assert found.get("CustomerMetadataProperties") == {"write": acked.metadata[arn]}, arn
                if arn in acked.approved:
                    assert found["ModelApprovalStatus"] == "Approved", arn
                    assert found.get("ApprovalDescription") == acked.approved[arn], arn

            # The create in flight at the kill may or may not have committed; nothing else may exist.
            versions = sorted(
                s["ModelPackageVersion"]
                for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=GROUP)
                for s in page["ModelPackageSummaryList"]
            )
            assert versions == list(range(1, len(versions) + 1))
            assert len(acked.created) <= len(versions) <= len(acked.created) + 1
            following = sm.create_model_package(ModelPackageGroupName=GROUP)["ModelPackageArn"]
            assert following.endswith(f"/{GROUP}/{len(versions) + 1}")
            assert (
                sm.describe_model_package(ModelPackageName=f"{GROUP}/{len(versions) + 1}")["ModelPackageArn"]
                == following
            )
            sm.close()
    finally:
        drop()


def test_serve_keeps_its_sqlite_database_in_wal_mode(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serving(["--data-dir", str(data_dir)], cwd=tmp_path) as server:
        sm = client(server.url)
        sm.create_model_package_group(ModelPackageGroupName="wal")
        sm.close()
        # journal_mode=WAL is stored in the database file, so a fresh connection reports it.
        with contextlib.closing(sqlite3.connect(data_dir / "registro.db")) as db:
            assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert (data_dir / "registro.db-wal").exists()
