"""Load test: a real `registro serve` per store, driven through boto3, measured step by step.

    start server (fresh SQLite dir / fresh PostgreSQL database, free port, poll /health)
      → create group → create N versions → describe 1,000 random → list all (pages of 100)
      → approve 200 → 8 threads create N more → check versions are exactly 1..2N
      → stop server (terminate, kill after a deadline) → one Markdown table

Each step reports client-side throughput and p50/p95/p99 latency, and the server's CPU time per
operation (utime+stime of the server process tree from /proc, before and after the step) and RSS.
Server CPU per operation is the number to compare between runs and stores: client and server share
this 2-core machine and boto3 costs about 1 ms of client CPU per call, so throughput and latency
measure boto3 and contention as much as Registro; the server's own CPU time does not.
On PostgreSQL the database's own work runs in its backend processes, which are not counted here;
on SQLite it runs inside the server process and is.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import psycopg
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
REGISTRO = ROOT / ".venv" / "bin" / "registro"
FIXTURE = ROOT / "tests" / "fixtures" / "packages" / "abalone-v1.json"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
GROUP = "BenchGroup"
DESCRIBES, PAGE_SIZE, APPROVALS, THREADS = 1000, 100, 200, 8
START_DEADLINE_S, STOP_DEADLINE_S = 60.0, 10.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Row:
    step: str
    latencies_s: list[float]
    wall_s: float
    server_cpu_s: float
    peak_rss_mb: float
    rss_mb: float


# --- the server process -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"registro serve exited with {server.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url + "/health", timeout=1) as answer:
            if answer.status == 200:
                return
        time.sleep(0.1)
    sys.exit(f"registro serve did not answer /health within {START_DEADLINE_S} s:\n{log.read_text()}")


@contextlib.contextmanager
def running_server(data_dir: Path, database_url: str | None) -> Iterator[tuple[str, int]]:
    """`registro serve` on a free port; yields (endpoint URL, pid); always stopped afterwards."""
    port, log = free_port(), data_dir / "server.log"
    command = [str(REGISTRO), "serve", "--port", str(port), "--data-dir", str(data_dir)]
    if database_url:
        command += ["--database-url", database_url]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, server, log)
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one run; yields its SQLAlchemy URL, drops it afterwards."""
    name = "registro_bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- /proc --------------------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """pid and its live descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(FileNotFoundError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """utime+stime of the server and its live children, plus cutime+cstime of children it reaped."""
    ticks = 0
    for member in process_tree(pid):
        with contextlib.suppress(FileNotFoundError):
            # Fields after the ")" that ends comm: state is field 3, utime..cstime are 14..17.
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLK_TCK


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmHWM, VmRSS) of the server process, in MB."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(status["VmHWM"].split()[0]) / 1024, int(status["VmRSS"].split()[0]) / 1024


# --- the steps ----------------------------------------------------------------------------------


def client(url: str) -> Any:
    return boto3.session.Session().client(
        "sagemaker",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDBENCH",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 0}),
    )


def timed(latencies: list[float], call: Callable[..., Any], **params: Any) -> Any:
    """call(**params), its latency appended to latencies."""
    start = time.perf_counter()
    result = call(**params)
    latencies.append(time.perf_counter() - start)
    return result


def measure(step: str, pid: int, work: Callable[[list[float]], object]) -> Row:
    """Run `work` (which appends one latency per operation) and read the server's counters around it."""
    latencies: list[float] = []
    cpu_before, start = cpu_seconds(pid), time.perf_counter()
    work(latencies)
    wall, cpu_after = time.perf_counter() - start, cpu_seconds(pid)
    return Row(step, latencies, wall, cpu_after - cpu_before, *memory_mb(pid))


def create_versions(sm: Any, body: dict[str, Any], count: int, latencies: list[float]) -> list[str]:
    return [timed(latencies, sm.create_model_package, **body)["ModelPackageArn"] for _ in range(count)]


def list_versions(sm: Any, latencies: list[float]) -> list[int]:
    versions: list[int] = []
    token: dict[str, str] = {}
    while True:
        page = timed(
            latencies, sm.list_model_packages, ModelPackageGroupName=GROUP, MaxResults=PAGE_SIZE, **token
        )
        versions += [summary["ModelPackageVersion"] for summary in page["ModelPackageSummaryList"]]
        if "NextToken" not in page:
            return versions
        token = {"NextToken": page["NextToken"]}


def concurrent_creates(url: str, body: dict[str, Any], n: int, latencies: list[float]) -> None:
    """THREADS threads, one boto3 client each, creating n versions in all."""
    clients = [client(url) for _ in range(THREADS)]  # made one at a time: client creation is not thread-safe
    shares = [n // THREADS + (i < n % THREADS) for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        # list.append is atomic under the GIL, so the threads can share `latencies`.
        futures = [pool.submit(create_versions, sm, body, k, latencies) for sm, k in zip(clients, shares)]
        for future in futures:
            future.result()  # re-raises a failed call


def check_versions(versions: list[int], expected: int) -> None:
    if sorted(versions) != list(range(1, expected + 1)):
        duplicates = len(versions) - len(set(versions))
        missing = sorted(set(range(1, expected + 1)) - set(versions))[:10]
        sys.exit(f"versions are not 1..{expected}: {duplicates} duplicates, missing (first 10) {missing}")


def run_steps(url: str, pid: int, n: int) -> list[Row]:
    sm, rng = client(url), random.Random(1)
    body = json.loads(FIXTURE.read_text()) | {"ModelPackageGroupName": GROUP}
    arns: list[str] = []

    def create_group(lat: list[float]) -> None:
        timed(lat, sm.create_model_package_group, ModelPackageGroupName=GROUP)

    def describe(lat: list[float]) -> None:
        for arn in rng.choices(arns, k=DESCRIBES):
            timed(lat, sm.describe_model_package, ModelPackageName=arn)

    def approve(lat: list[float]) -> None:
        for arn in rng.sample(arns, k=min(APPROVALS, n)):
            timed(lat, sm.update_model_package, ModelPackageArn=arn, ModelApprovalStatus="Approved")

    listed: list[int] = []
    rows = [
        measure("create group", pid, create_group),
        measure(f"create {n} versions", pid, lambda lat: arns.extend(create_versions(sm, body, n, lat))),
        measure(f"describe {DESCRIBES} random", pid, describe),
        measure(f"list {n} (pages of {PAGE_SIZE})", pid, lambda lat: listed.extend(list_versions(sm, lat))),
        measure(f"approve {min(APPROVALS, n)}", pid, approve),
        measure(
            f"create {n} more, {THREADS} threads", pid, lambda lat: concurrent_creates(url, body, n, lat)
        ),
    ]
    check_versions(listed, n)
    check_versions(list_versions(sm, []), 2 * n)
    return rows


# --- the report ---------------------------------------------------------------------------------


def percentile_ms(latencies: list[float], p: int) -> float:
    if len(latencies) == 1:
        return latencies[0] * 1000
    return statistics.quantiles(latencies, n=100, method="inclusive")[p - 1] * 1000


def table(store: str, n: int, rows: list[Row]) -> str:
    header = (
        f"### {store}: nproc {len(os.sched_getaffinity(0))}, Python {platform.python_version()}, "
        f"N={n}, {datetime.date.today().isoformat()}\n\n"
        "| step | ops | ops/s | p50 ms | p95 ms | p99 ms | server CPU ms/op | peak RSS MB | RSS MB |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    lines = [
        f"| {r.step} | {len(r.latencies_s)} | {len(r.latencies_s) / r.wall_s:.0f} "
        + "".join(f"| {percentile_ms(r.latencies_s, p):.1f} " for p in (50, 95, 99))
        + f"| {r.server_cpu_s / len(r.latencies_s) * 1000:.2f} | {r.peak_rss_mb:.0f} | {r.rss_mb:.0f} |"
        for r in rows
    ]
    return "\n".join([header, *lines])


def bench(store: str, n: int) -> str:
    with contextlib.ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"registro-bench-{store}-")))
        database_url = stack.enter_context(postgres_database()) if store == "postgresql" else None
        url, pid = stack.enter_context(running_server(data_dir, database_url))
        return table(store, n, run_steps(url, pid, n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="versions per create step (default 1000)")
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    start = time.perf_counter()
    for store in ("sqlite", "postgresql") if args.store == "both" else (args.store,):
        print(bench(store, args.n) + "\n", flush=True)
    print(f"wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
