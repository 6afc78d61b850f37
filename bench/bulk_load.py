"""Bulk loader: a Registro database holding one group of N versions, written in-process, not over HTTP.

    store.migrate.upgrade (the server's own schema and token key)
      → the group and version 1 through the registry's own functions (CreateModelPackageGroup,
        CreateModelPackage with the benchmark's fixture body), so the template document is exactly
        what the registry makes
      → versions 2..N: that document with its ARN, version, times and approval set, inserted into
        store.tables.packages in transactions of TRANSACTION_ROWS rows (store.Store.write())
      → the group's next_version counter set to N + 1

Version i is created (i - 1) ms after version 1, so creation order is version order. Every
(N // APPROVED)-th version is Approved, the rest PendingManualApproval: the same 200 approved versions
the HTTP workload makes. Only versions 1 and the group get activity records; describe, list and Search
never read the activity log.

    .venv/bin/python bench/bulk_load.py sqlite:////tmp/million/registro.db --versions 1000000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from typing import Any

from peers import ACCESS_KEY, ACCOUNT, GROUP, REGION, fixture_body
from sqlalchemy import insert, update

from registro.registry import groups, packages
from registro.registry.context import Context, now_ms
from registro.registry.documents import dump, load
from registro.store import migrate, tables
from registro.store.engine import Store

APPROVED = 200
TRANSACTION_ROWS, STATEMENT_ROWS = 100_000, 10_000


def approval_every(versions: int) -> int:
    """Version i is Approved when i is a multiple of this."""
    return max(1, versions // APPROVED)


def template(store: Store, versions: int) -> tuple[int, dict[str, Any], int]:
    """Create the group and version 1 through the registry, backdated so version N lands about now.
    Returns the group id, version 1's stored document and its creation time (epoch ms)."""
    ctx = Context(
        store=store,
        region=REGION,
        account=ACCOUNT,
        token_key=migrate.token_key(store),
        access_key=ACCESS_KEY,
        request_id="bulk-load",
        now=now_ms() - versions,
    )
    groups.create_model_package_group(ctx, {"ModelPackageGroupName": GROUP})
    arn = packages.create_model_package(ctx, fixture_body())["ModelPackageArn"]
    if approval_every(versions) == 1:
        packages.update_model_package(ctx, {"ModelPackageArn": arn, "ModelApprovalStatus": "Approved"})
    with store.read() as conn:
        row = conn.execute(tables.packages.select().where(tables.packages.c.arn == arn)).one()
    return int(row.group_id), load(row.document), int(row.created_at)


def rows(
    group_id: int, document: dict[str, Any], created: int, first: int, last: int, total: int
) -> Iterator[dict[str, Any]]:
    """The table rows of versions first..last, each a copy of version 1's document made its own."""
    arn_prefix = document["ModelPackageArn"].rsplit("/", 1)[0]
    every = approval_every(total)
    for version in range(first, last + 1):
        at = created + version - 1
        approval = "Approved" if version % every == 0 else "PendingManualApproval"
        own = dict(document)
        own.update(
            ModelPackageArn=f"{arn_prefix}/{version}",
            ModelPackageVersion=version,
            ModelApprovalStatus=approval,
            CreationTime=at / 1000,
            LastModifiedTime=at / 1000,
        )
        yield {
            "account": ACCOUNT,
            "arn": own["ModelPackageArn"],
            "group_id": group_id,
            "name": GROUP,
            "version": version,
            "created_at": at,
            "modified_at": at,
            "approval": approval,
            "stage": None,
            "document": dump(own),
            "summary": packages.summary_of(own),
        }


def chunks(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load_versions(database_url: str, versions: int) -> None:
    """Migrate the (empty) database at database_url and fill it with one group of `versions` versions."""
    store = Store(database_url)
    try:
        migrate.upgrade(store)
        group_id, document, created = template(store, versions)
        for start in range(2, versions + 1, TRANSACTION_ROWS):
            end = min(start + TRANSACTION_ROWS - 1, versions)
            with store.write() as conn:
                for chunk in chunks(rows(group_id, document, created, start, end, versions), STATEMENT_ROWS):
                    conn.execute(insert(tables.packages), chunk)
        with store.write() as conn:
            conn.execute(
                update(tables.groups).where(tables.groups.c.id == group_id).values(next_version=versions + 1)
            )
    finally:
        store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="SQLAlchemy URL of an empty database")
    parser.add_argument("--versions", type=int, default=1_000_000)
    args = parser.parse_args()
    start = time.perf_counter()
    load_versions(args.database_url, args.versions)
    print(f"{args.versions} versions in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
