"""HTTP/1.1 as API clients and browsers use it, over raw sockets: API calls answered on the connection
itself (api/connection.py), anything else handed to uvicorn mid-connection, in order, nothing lost."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from conftest import ACCOUNT, REGION

from registro.api.connection import ApiConnection
from registro.app import create_app
from registro.settings import Settings


def api_request(operation: str, params: dict[str, Any], **extra: str) -> bytes:
    body = json.dumps(params).encode()
    headers = {
        "Host": "registro",
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"SageMaker.{operation}",
        "Content-Length": str(len(body)),
        **extra,
    }
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"POST / HTTP/1.1\r\n{head}\r\n".encode() + body


class Reader:
    """Reads whole HTTP/1.1 answers (Content-Length framed, or chunked) off a socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.data = sock, b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the server closed the connection")
        self.data += chunk

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.data:
            self._fill()
        line, self.data = self.data.split(marker, 1)
        return line

    def _exactly(self, size: int) -> bytes:
        while len(self.data) < size:
            self._fill()
        out, self.data = self.data[:size], self.data[size:]
        return out

    def answer(self) -> tuple[int, dict[str, str], bytes]:
        status_line, *lines = self._until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int(self._until(b"\r\n"), 16):
                body += self._exactly(size)
                self._exactly(2)
            self._exactly(2)
        else:
            body = self._exactly(int(headers.get("content-length", "0")))
        return int(status_line.split()[1]), headers, body

    def closed(self) -> bool:
        """True once the server has closed its side (waits up to the socket's timeout)."""
        try:
            return self.sock.recv(1) == b""
        except TimeoutError:
            return False


@pytest.fixture
def conn(server: Any) -> Iterator[tuple[socket.socket, Reader]]:
    address = urlsplit(server.url)
    sock = socket.create_connection((address.hostname, address.port), timeout=10)
    yield sock, Reader(sock)
    sock.close()


def test_pipelined_api_calls_are_answered_in_order(conn: tuple[socket.socket, Reader]) -> None:
    sock, reader = conn
    names = [f"pipelined-{i}" for i in range(3)]
    # A write (runs in a worker thread) between reads: answers still come in request order.
    batch = b"".join(
        api_request("CreateModelPackageGroup", {"ModelPackageGroupName": name})
        + api_request("DescribeModelPackageGroup", {"ModelPackageGroupName": name})
        for name in names
    )
    sock.sendall(batch)
    for name in names:
        status, _, body = reader.answer()
        assert status == 200 and json.loads(body)["ModelPackageGroupArn"].endswith("/" + name)
        status, headers, body = reader.answer()
        assert status == 200 and json.loads(body)["ModelPackageGroupName"] == name
        assert headers["x-amzn-requestid"] and "date" in headers


def test_a_request_sent_a_byte_at_a_time_is_answered(conn: tuple[socket.socket, Reader]) -> None:
    sock, reader = conn
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for byte in api_request("ListModelPackageGroups", {"MaxResults": 1}):
        sock.send(bytes([byte]))
    status, _, body = reader.answer()
    assert status == 200 and "ModelPackageGroupSummaryList" in json.loads(body)


def test_health_and_console_on_an_api_connection_then_api_again(conn: tuple[socket.socket, Reader]) -> None:
    sock, reader = conn
    describe_missing = api_request("DescribeModelPackageGroup", {"ModelPackageGroupName": "no-such-group"})
    sock.sendall(describe_missing)
    status, headers, _ = reader.answer()
    assert status == 400 and headers["x-amzn-errortype"] == "ValidationException"
    assert "server" not in headers  # answered by ApiConnection; uvicorn's answers name it
    # Not an API call: uvicorn takes the connection over from this request on.
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: registro\r\n\r\n")
    status, headers, body = reader.answer()
    assert status == 200 and json.loads(body) == {"status": "ok"} and headers["server"] == "uvicorn"
    sock.sendall(b"GET /console/model-groups HTTP/1.1\r\nHost: registro\r\n\r\n")
    status, headers, body = reader.answer()
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<html" in body
    sock.sendall(describe_missing)  # the API on the same connection, now through ASGI
    status, headers, _ = reader.answer()
    assert status == 400 and headers["x-amzn-errortype"] == "ValidationException"
    assert headers["server"] == "uvicorn"


def test_console_first_then_api_pipelined_behind_it(conn: tuple[socket.socket, Reader]) -> None:
    sock, reader = conn
    sock.sendall(
        b"GET /health HTTP/1.1\r\nHost: registro\r\n\r\n" + api_request("ListModelPackageGroups", {"MaxResults": 1})
    )
    assert reader.answer()[0] == 200
    status, _, body = reader.answer()
    assert status == 200 and "ModelPackageGroupSummaryList" in json.loads(body)


def test_chunked_api_call_is_answered_by_uvicorn(conn: tuple[socket.socket, Reader]) -> None:
    sock, reader = conn
    body = json.dumps({"MaxResults": 1}).encode()
    sock.sendall(
        b"POST / HTTP/1.1\r\nHost: registro\r\nContent-Type: application/x-amz-json-1.1\r\n"
        b"X-Amz-Target: SageMaker.ListModelPackageGroups\r\nTransfer-Encoding: chunked\r\n\r\n"
        + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    )
    status, _, answer = reader.answer()
    assert status == 200 and "ModelPackageGroupSummaryList" in json.loads(answer)


def test_expect_100_continue_gets_continue_then_the_answer(conn: tuple[socket.socket, Reader]) -> None:
    sock, reader = conn
    request = api_request("ListModelPackageGroups", {"MaxResults": 1}, Expect="100-continue")
    head, body = request.split(b"\r\n\r\n", 1)
    sock.sendall(head + b"\r\n\r\n")
    assert reader.answer()[0] == 100
    sock.sendall(body)
    status, _, answer = reader.answer()
    assert status == 200 and "ModelPackageGroupSummaryList" in json.loads(answer)


def test_connection_close_is_honoured(conn: tuple[socket.socket, Reader]) -> None:
    sock, reader = conn
    sock.sendall(api_request("ListModelPackageGroups", {"MaxResults": 1}, Connection="close"))
    status, headers, _ = reader.answer()
    assert status == 200 and headers["connection"] == "close"
    assert reader.closed()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST / HTTP/1.1\r\nHost: registro\nX-Amz-Target: SageMaker.ListModelPackageGroups\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost : registro\r\nContent-Length: 2\r\n\r\n{}",
        b"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x",
        b"POST / HTTP/1.1\r\nContent-Length: -2\r\n\r\n{}",
        b"NOT HTTP AT ALL\r\n\r\n",
    ],
    ids=["bare-lf", "space-before-colon", "two-content-lengths", "negative-length", "garbage"],
)
def test_malformed_heads_are_refused_by_uvicorn_with_400(
    conn: tuple[socket.socket, Reader], request_bytes: bytes
) -> None:
    sock, reader = conn
    sock.sendall(request_bytes)
    status, _, _ = reader.answer()
    assert status == 400
    assert reader.closed()


def test_client_leaving_during_a_write_does_not_stop_the_server(
    conn: tuple[socket.socket, Reader], server: Any
) -> None:
    sock, _ = conn
    sock.sendall(api_request("CreateModelPackageGroup", {"ModelPackageGroupName": "left-early"}))
    sock.close()
    address = urlsplit(server.url)
    deadline = time.monotonic() + 10
    with socket.create_connection((address.hostname, address.port), timeout=10) as again:
        reader = Reader(again)
        while True:  # the create runs on after its caller left; the server keeps answering meanwhile
            again.sendall(api_request("DescribeModelPackageGroup", {"ModelPackageGroupName": "left-early"}))
            status, _, body = reader.answer()
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    assert status == 200 and json.loads(body)["ModelPackageGroupName"] == "left-early"


def test_idle_or_stalled_connection_is_closed_after_the_keep_alive_timeout(tmp_path: Any) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}", region=REGION, account_id=ACCOUNT)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        create_app(settings), log_level="warning", http=ApiConnection, timeout_keep_alive=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        with socket.create_connection(sock.getsockname(), timeout=5) as client:
            client.sendall(api_request("ListModelPackageGroups", {}))
            reader = Reader(client)
            assert reader.answer()[0] == 200
            started = time.monotonic()
            assert reader.closed()
            assert 0.5 < time.monotonic() - started < 4
        with socket.create_connection(sock.getsockname(), timeout=5) as client:
            client.sendall(api_request("ListModelPackageGroups", {})[:40])  # stalls mid-head
            started = time.monotonic()
            assert Reader(client).closed()
            assert 0.5 < time.monotonic() - started < 4
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
