"""A ClientToken sent by several creates at the same moment makes one package: the first to claim it
creates, the others get its ARN (same input) or ConflictException (other input), on any replica.

one server (both stores)         8 clients, one token, same input, at once   → one version, one ARN for all
                                 8 clients, one token, two groups, at once    → one version; the other group's
                                                                                 creates ConflictException
two servers on one PostgreSQL    8 clients over both, one token, same input   → one version, one ARN for all
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from conftest import RunningServer, client, new_database, serving

CLIENTS = 8
DEADLINE_S = 30


def at_once(urls: list[str], calls: list[dict[str, Any]]) -> list[str]:
    """Each call's create, all released together, one client each (round robin over `urls`): the ARN
    answered, or the error code."""
    clients = [client(urls[i % len(urls)]) for i in range(len(calls))]
    start = threading.Barrier(len(calls))

    def create(index: int) -> str:
        start.wait(timeout=DEADLINE_S)
        try:
            return str(clients[index].create_model_package(**calls[index])["ModelPackageArn"])
        except ClientError as exc:
            return str(exc.response["Error"]["Code"])

    try:
        with ThreadPoolExecutor(len(calls)) as pool:
            return list(pool.map(create, range(len(calls))))
    finally:
        for each in clients:
            each.close()


def versions(sm: Any, group: str) -> list[int]:
    return sorted(
        s["ModelPackageVersion"]
        for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=group)
        for s in page["ModelPackageSummaryList"]
    )


def test_one_token_sent_by_concurrent_creates_makes_one_version(
    server: RunningServer, sm: Any, group: str
) -> None:
    call = {
        "ModelPackageGroupName": group,
        "ClientToken": f"{group}-token",
        "ModelPackageDescription": "once",
    }
    answers = at_once([server.url], [call] * CLIENTS)
    assert len(set(answers)) == 1 and answers[0].endswith(f"/{group}/1"), answers
    assert versions(sm, group) == [1]
    assert sm.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"].endswith(f"/{group}/2")


def test_one_token_sent_into_two_groups_at_once_creates_in_one_and_conflicts_in_the_other(
    server: RunningServer, sm: Any, group: str
) -> None:
    other = group + "-other"
    sm.create_model_package_group(ModelPackageGroupName=other)
    token = f"{group}-crossed"
    calls = [{"ModelPackageGroupName": (group, other)[i % 2], "ClientToken": token} for i in range(CLIENTS)]
    answers = at_once([server.url], calls)
    made = {a for a in answers if a.startswith("arn:")}
    assert len(made) == 1, answers
    (arn,) = made
    winner = group if f"/{group}/" in arn else other
    assert answers.count("ConflictException") == CLIENTS // 2, answers
    assert versions(sm, winner) == [1]
    assert versions(sm, other if winner == group else group) == []
    loser = other if winner == group else group
    assert sm.create_model_package(ModelPackageGroupName=loser)["ModelPackageArn"].endswith(f"/{loser}/1")


def test_one_token_sent_through_two_postgresql_replicas_at_once_makes_one_version(tmp_path: Path) -> None:
    url, drop = new_database("postgresql", tmp_path)
    try:
        with ExitStack() as stack:
            first = stack.enter_context(serving(["--database-url", url], cwd=tmp_path))
            second = stack.enter_context(serving(["--database-url", url], cwd=tmp_path))
            sm = client(first.url)
            sm.create_model_package_group(ModelPackageGroupName="replicated")
            call = {"ModelPackageGroupName": "replicated", "ClientToken": "shared-token"}
            answers = at_once([first.url, second.url], [call] * CLIENTS)
            assert len(set(answers)) == 1 and answers[0].endswith("/replicated/1"), answers
            assert versions(sm, "replicated") == [1]
            sm.close()
    finally:
        drop()
