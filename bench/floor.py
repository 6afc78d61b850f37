"""The floor of bench/run.py's measure: server CPU per request of an ASGI app that does nothing.

    .venv/bin/python bench/floor.py [--requests 5000]

run.py sends one call at a time over a keep-alive connection and divides the server's CPU time by
the calls. Every call then wakes the server's event loop, reads one request and writes one answer:
uvicorn's part of that (parsing, the ASGI messages, the syscalls) is paid by any app it serves. This
serves a bare ASGI callable (no framework, no database: a fixed 4 KB answer to every POST) under
uvicorn as `registro serve` runs it (httptools, uvloop, no access log), pinned to core 0, and sends
it the same kind of serial POSTs from core 1. Its server CPU per request is the least any
uvicorn-served endpoint can show in run.py's table.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BODY = b'{"Document":"' + b"a" * 4096 + b'"}'
WARMUP = 300
CLK_TCK = os.sysconf("SC_CLK_TCK")


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
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "SageMaker.DescribeModelPackage"}
    for i in range(WARMUP + requests):
        if i == WARMUP:
            before, started = cpu_seconds(pid), time.perf_counter()
        conn.request("POST", "/", body, headers)
        conn.getresponse().read()
    return (cpu_seconds(pid) - before) / requests * 1e6, (time.perf_counter() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})
    command = [
        "taskset", "-c", "0", sys.executable, "-m", "uvicorn", "floor:app", "--port", str(args.port),
        "--log-level", "warning", "--no-access-log", "--no-proxy-headers",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=Path(__file__).parent)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).connect()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("the bare uvicorn server did not start")
                time.sleep(0.1)
        runs = [serial(args.port, server.pid, args.requests) for _ in range(3)]
    finally:
        server.terminate()
        server.wait()
    print("| bare ASGI app under uvicorn, serial keep-alive POSTs | server CPU µs/req | wall µs/req |")
    print("| --- | ---: | ---: |")
    for i, (cpu, wall) in enumerate(runs, 1):
        print(f"| run {i}, {args.requests} requests | {cpu:.0f} | {wall:.0f} |")


if __name__ == "__main__":
    main()
