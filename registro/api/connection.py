"""HTTP/1.1 connections that carry API calls, answered without ASGI; any other request goes to uvicorn.

uvicorn serves the console and /health through Starlette. For the API's `POST /` its own share of a
request cost more CPU than a whole describe (bench/floor.py, serial POSTs with boto3's headers: a
bare ASGI app under uvicorn 148-176 µs per request, an asyncio Protocol answering from the same
parser 44-58 µs). So uvicorn is given this class as its `http` protocol and every connection starts
here:

    a request head in the one shape API clients send, checked strictly: `POST / HTTP/1.1`, CRLF
    lines, `token: value` headers, at most one Content-Length (and body <= wire.MAX_BODY_BYTES),
    no Transfer-Encoding, Expect or Upgrade
      → Api.handle(headers, body) → the answer written to the transport; a call that runs in a
        worker thread pauses reading until its answer is written, so answers keep request order
    anything else (another method or path, HTTP/1.0, a chunked body, a head not in that shape)
      → the connection is handed, from that request's first byte, to uvicorn's own protocol
        (transport.set_protocol, as uvicorn does for WebSocket upgrades) and stays there.

Only requests that pass the strict check are read here; everything else is parsed by uvicorn alone,
so the two parsers never disagree about where a request ends. Keep-alive timeout and graceful
shutdown follow uvicorn's config and server state.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, Literal, NamedTuple

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from registro.api import wire
from registro.api.endpoint import Answer, Api

# Longest request head read here; a longer one goes to uvicorn, which applies its own limits.
MAX_HEAD_BYTES = 16 * 1024
_REQUEST_LINE = b"POST / HTTP/1.1"
# The whole head after the request line: header lines of a token name and a value without CR, LF or NUL.
_HEADERS = re.compile(rb"(?:\r\n[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n\x00]*)*")
_REFUSED = frozenset({b"transfer-encoding", b"expect", b"upgrade"})
_STATUS_LINES = {s.value: f"HTTP/1.1 {s.value} {s.phrase}\r\n".encode() for s in HTTPStatus}


class _Request(NamedTuple):
    headers: dict[bytes, bytes]  # names lower-case
    body: bytes
    keep_alive: bool


class _Date:
    """The `date` header line, formatted once a second."""

    second = -1
    line = b""

    @classmethod
    def header(cls) -> bytes:
        now = int(time.time())
        if now != cls.second:
            cls.second, cls.line = now, f"date: {formatdate(now, usegmt=True)}\r\n".encode()
        return cls.line


class ApiConnection(asyncio.Protocol):
    """One client connection (module docstring); uvicorn builds it as it builds its own protocols."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if not config.loaded:
            config.load()
        self.config, self.server_state, self.app_state = config, server_state, app_state
        self.loop = _loop or asyncio.get_event_loop()
        app: Any = config.app
        self.api: Api = app.api  # config.app is registro.app.Server
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.head: tuple[dict[bytes, bytes], int, int] | None = None  # of a request whose body is due
        self.busy = False  # a call is running in a worker thread
        self.write_paused = False
        self.closing = False  # graceful shutdown: close after the answer being made
        self.idle_timer: asyncio.TimerHandle | None = None
        self.idle_since: float | None = None  # None while a request is being read or answered

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not subclasses
        self.server_state.connections.add(self)  # type: ignore[arg-type]  # has shutdown() too
        self._idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self.server_state.connections.discard(self)
        self._cancel_idle_timer()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self._not_idle()
        self.buffer = self.buffer + data if self.buffer else data
        self._serve()

    def pause_writing(self) -> None:
        # The client is not reading its answers: stop reading its requests until it catches up.
        self.write_paused = True
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.write_paused = False
        if self.transport is not None and not self.busy:
            self.transport.resume_reading()
            self._serve()

    # uvicorn's server calls this on every connection when it shuts down

    def shutdown(self) -> None:
        if self.transport is None:
            return
        if self.busy:
            self.closing = True
        else:
            self.transport.close()

    # requests

    def _serve(self) -> None:
        """Answer every whole request in the buffer, in order, until one needs a worker thread."""
        while self.buffer and not self.busy and not self.write_paused:
            if self.transport is None or self.transport.is_closing():
                return
            request = self._next_request()
            if request == "wait":
                self._idle()  # the rest of this request has not arrived: as long as an idle wait
                return
            if request == "foreign":
                self._hand_over()
                return
            assert isinstance(request, _Request)
            handled = self.api.handle(request.headers, request.body)
            if isinstance(handled, tuple):
                self._write(handled, request.keep_alive)
            else:
                self.busy = True
                self.transport.pause_reading()
                handled.add_done_callback(functools.partial(self._answered, keep_alive=request.keep_alive))
                return
        if not self.buffer and not self.busy:
            self._idle()

    def _answered(self, future: asyncio.Future[Answer], *, keep_alive: bool) -> None:
        self.busy = False
        if self.transport is None or self.transport.is_closing():
            return  # the client went away while its call ran
        self._write(future.result(), keep_alive)
        if self.transport is not None and not self.transport.is_closing():
            if not self.write_paused:
                self.transport.resume_reading()
            self._serve()

    def _next_request(self) -> _Request | Literal["wait", "foreign"]:
        """The buffer's first request once it is whole, "wait" until then, "foreign" if it is not in
        the one shape read here. A head is parsed once: clients send the body in a second packet."""
        head = self.head
        if head is None:
            parsed = self._head()
            if isinstance(parsed, str):
                return parsed
            self.head = head = parsed
        headers, body_start, body_end = head
        buffer = self.buffer
        if len(buffer) < body_end:
            return "wait"
        self.buffer, self.head = buffer[body_end:], None
        connection = headers.get(b"connection")
        keep_alive = connection is None or b"close" not in (t.strip() for t in connection.lower().split(b","))
        return _Request(headers, buffer[body_start:body_end], keep_alive)

    def _head(self) -> tuple[dict[bytes, bytes], int, int] | Literal["wait", "foreign"]:
        """(headers, where the body starts, where it ends) of the buffer's first request."""
        buffer = self.buffer
        head_end = buffer.find(b"\r\n\r\n", 0, MAX_HEAD_BYTES + 4)
        if head_end < 0:
            if len(buffer) > MAX_HEAD_BYTES or not _REQUEST_LINE.startswith(buffer[: len(_REQUEST_LINE)]):
                return "foreign"
            return "wait"
        if not buffer.startswith(_REQUEST_LINE) or not _HEADERS.fullmatch(buffer, len(_REQUEST_LINE), head_end):
            return "foreign"
        headers: dict[bytes, bytes] = {}
        for line in buffer[len(_REQUEST_LINE) + 2 : head_end].split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.lower()
            if name in headers and name == b"content-length":
                return "foreign"
            headers[name] = value.strip(b" \t")
        if not _REFUSED.isdisjoint(headers):
            return "foreign"
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > wire.MAX_BODY_BYTES:
            return "foreign"  # uvicorn and the ASGI endpoint answer these as before
        return headers, head_end + 4, head_end + 4 + int(length)

    def _write(self, answer: Answer, keep_alive: bool) -> None:
        assert self.transport is not None
        status, headers, body = answer
        parts = [_STATUS_LINES[status]]
        for name, value in headers:
            parts += (name, b": ", value, b"\r\n")
        parts.append(_Date.header())
        close = not keep_alive or self.closing
        if close:
            parts.append(b"connection: close\r\n")
        parts += (b"\r\n", body)
        self.transport.write(b"".join(parts))
        if close:
            self.transport.close()

    def _hand_over(self) -> None:
        """From the buffered request on, uvicorn's own protocol serves this connection."""
        transport = self.transport
        assert transport is not None
        self.server_state.connections.discard(self)
        self._cancel_idle_timer()
        protocol = HttpToolsProtocol(
            config=self.config, server_state=self.server_state, app_state=self.app_state, _loop=self.loop
        )
        protocol.connection_made(transport)
        transport.set_protocol(protocol)
        data, self.buffer, self.transport = self.buffer, b"", None
        protocol.data_received(data)

    # keep-alive

    def _idle(self) -> None:
        """Close the connection if nothing arrives for uvicorn's keep-alive timeout, whether between
        requests or in the middle of one (a client that stalls mid-request holds nothing for long).
        One timer per connection, re-armed when it fires: arming and cancelling one per request cost
        more than parsing the request."""
        self.idle_since = self.loop.time()
        if self.idle_timer is None:
            self.idle_timer = self.loop.call_at(self.idle_since + self.config.timeout_keep_alive, self._idle_check)

    def _not_idle(self) -> None:
        """A request is being read or answered: the timer, when it fires, looks again later."""
        self.idle_since = None

    def _idle_check(self) -> None:
        self.idle_timer = None
        if self.transport is None:
            return
        since = self.loop.time() if self.idle_since is None else self.idle_since
        deadline = since + self.config.timeout_keep_alive
        if deadline <= self.loop.time():
            self.transport.close()
        else:
            self.idle_timer = self.loop.call_at(deadline, self._idle_check)

    def _cancel_idle_timer(self) -> None:
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
