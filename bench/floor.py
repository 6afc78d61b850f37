"""The floor of bench/run.py's measure: server CPU per request of an ASGI app that does nothing.

    .venv/bin/python bench/floor.py [--requests 5000]

run.py sends one call at a time over a keep-alive connection and divides the server's CPU time by
the calls. Every call then wakes the server's event loop, reads one request and writes one answer:
uvicorn's part of that (parsing, the ASGI messages, the syscalls) is paid by any app it serves. This
serves a bare ASGI callable (no framework, no database: a fixed 4 KB answer to every POST) under
uvicorn as `registro serve` runs it (httptools, uvloop, no access log), pinned to core 0, and sends
it the same kind of serial POSTs from core 1. Its server CPU per request is the least any
uvicorn-served endpoint can show in run.py's table.

A second server answers the same way with no ASGI server at all: an asyncio Protocol on uvloop that
feeds httptools' parser and writes a prebuilt answer. What it costs is the event loop's wake-up, the
parser and the socket calls: the least any Python HTTP server on this machine can show, and the
difference between the two rows is uvicorn's own share. The requests carry the headers boto3 sends
(SigV4 Authorization, User-Agent, ...), because each header is a Python callback in uvicorn's parser.

Last, the floor of a PostgreSQL describe: one primary-key read of a stored 4.5 KB document through
libpq as store/direct.py runs it (a prepared statement over TCP to 127.0.0.1), 20,000 times, with the
client's CPU and the backend's (from /proc) apart. Added to the second row, it is the least server CPU a
describe that asks PostgreSQL can show in run.py, where the database's backends count as the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httptools
import psycopg
import uvloop

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "packages" / "abalone-v1.json"
BODY = b'{"Document":"' + b"a" * 4096 + b'"}'
WARMUP = 300
CLK_TCK = os.sysconf("SC_CLK_TCK")


class RawProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive POSTs answered from httptools' callbacks, no ASGI."""

    ANSWER = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\n"
        b"content-length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
    )

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)
        self.headers: list[tuple[bytes, bytes]] = []

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_message_complete(self) -> None:
        self.headers = []
        self.transport.write(self.ANSWER)


def serve_raw(port: int) -> None:
    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(RawProtocol, "127.0.0.1", port)
        await server.serve_forever()

    uvloop.run(serve())


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers every POST with the same 4 KB JSON document."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    headers = [(b"content-type", b"application/x-amz-json-1.1"), (b"content-length", str(len(BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def cpu_seconds(pid: int) -> float:
    """User + system time of every thread of `pid`."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        fields = Path(f"/proc/{pid}/task/{task}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def serial(port: int, pid: int, requests: int) -> tuple[float, float]:
    """(server CPU µs per request, wall µs per request) over one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    body = b'{"ModelPackageName":"arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1"}'
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "SageMaker.DescribeModelPackage",
        "Accept-Encoding": "identity",
        "User-Agent": "Boto3/1.44.8 md/Botocore#1.44.8 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.11.7",
        "X-Amz-Date": "20261125T150000Z",
        "Authorization": (
            "AWS4-HMAC-SHA256 Credential=AKIDFLOOR/20261125/us-east-1/sagemaker/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
        ),
        "amz-sdk-invocation-id": "8c5e3c8e-1f1e-4bd0-9a7b-2c0d3f1e6b11",
        "amz-sdk-request": "attempt=1; max=1",
    }
    for i in range(WARMUP + requests):
        if i == WARMUP:
            before, started = cpu_seconds(pid), time.perf_counter()
        conn.request("POST", "/", body, headers)
        conn.getresponse().read()
    return (cpu_seconds(pid) - before) / requests * 1e6, (time.perf_counter() - started) / requests * 1e6


def postgres_read(url: str, reads: int = 20_000) -> tuple[float, float]:
    """(client CPU µs, backend CPU µs) per primary-key read of a 4.5 KB document, on a scratch table."""
    document = FIXTURE.read_text().replace("\n", "")
    with psycopg.connect(url, autocommit=True) as conn:
        table = "floor_" + uuid.uuid4().hex[:8]
        conn.execute(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, arn text UNIQUE, document text)")
        try:
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} (arn, document) VALUES (%s, %s)", [(f"arn:{i}", document) for i in range(1000)]
                )
            pgconn, backend = conn.pgconn, conn.info.backend_pid
            pgconn.prepare(b"floor", f"SELECT document FROM {table} WHERE arn = $1".encode())
            for i in range(500):
                pgconn.exec_prepared(b"floor", [f"arn:{i % 1000}".encode()])
            client, server = time.process_time(), cpu_seconds(backend)
            for i in range(reads):
                assert pgconn.exec_prepared(b"floor", [f"arn:{i % 1000}".encode()]).ntuples == 1
            client, server = time.process_time() - client, cpu_seconds(backend) - server
        finally:
            conn.execute(f"DROP TABLE {table}")
    return client / reads * 1e6, server / reads * 1e6


def measure(command: list[str], port: int, requests: int) -> list[tuple[float, float]]:
    """Start `command` on core 0, wait for its port, three serial runs, stop it."""
    server = subprocess.Popen(["taskset", "-c", "0", *command], cwd=Path(__file__).parent)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit(f"{command[0]} did not start")
                time.sleep(0.1)
        return [serial(port, server.pid, requests) for _ in range(3)]
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432/test", help="libpq URL for the read's floor"
    )
    parser.add_argument("--serve-raw", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the second server
    args = parser.parse_args()
    if args.serve_raw:
        serve_raw(args.serve_raw)
        return
    os.sched_setaffinity(0, {1})
    uvicorn_app = [
        sys.executable, "-m", "uvicorn", "floor:app", "--port", str(args.port),
        "--log-level", "warning", "--no-access-log", "--no-proxy-headers",
    ]  # fmt: skip
    raw = [sys.executable, __file__, "--serve-raw", str(args.port + 1)]
    rows = {
        "bare ASGI app under uvicorn": measure(uvicorn_app, args.port, args.requests),
        "asyncio Protocol + httptools, no ASGI server": measure(raw, args.port + 1, args.requests),
    }
    print(f"serial keep-alive POSTs with boto3's headers, {args.requests} per run, server on core 0\n")
    print("| server | run | server CPU µs/req | wall µs/req |")
    print("| --- | ---: | ---: | ---: |")
    for name, runs in rows.items():
        for i, (cpu, wall) in enumerate(runs, 1):
            print(f"| {name} | {i} | {cpu:.0f} | {wall:.0f} |")
    client, backend = postgres_read(args.postgres)
    print(
        f"\nPostgreSQL primary-key read of a {len(FIXTURE.read_text()):,}-byte document, 20,000 times: "
        f"client {client:.0f} µs + backend {backend:.0f} µs CPU per read"
    )


if __name__ == "__main__":
    main()
