"""The one API entry, as a bare ASGI app: frame → name the caller → validate → call → serialize.

POST /  X-Amz-Target: SageMaker.<Op>
  wire.operation_name ─ wire.read_params ─ validate.check(input shape)   (bad requests stop here)
  → OPERATIONS[op](ctx, params) on the loop or in a worker thread ─ serialize.to_body(output shape)
  → 200 | RegistryError → 400 AWS error body | anything else → 500 InternalFailure, logged
Every answer carries x-amzn-RequestId.

`Api.handle` takes headers and a body and gives (status, headers, body): api/connection.py calls it
straight from the connection for API-only connections; `asgi_endpoint` wraps it for the rest. Not a
Starlette route: the API is one URL with its own error handling, and Starlette's request/response
and middleware layers were a third of a describe's server CPU (py-spy).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from registro.api import errors, serialize, service_model, validate, wire
from registro.api.dispatch import OPERATIONS, READS
from registro.auth import sigv4
from registro.registry.context import Context
from registro.registry.errors import RegistryError, SerializationError

log = logging.getLogger("registro.api")
CONTENT_TYPE = b"application/x-amz-json-1.1"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A PostgreSQL one-item read runs on the loop only if the previous call finished longer ago than this.
LONE_GAP_S = 0.0005

# Registry calls block on the database, so they run in threads. Enough for PostgreSQL's pool to
# stay busy; SQLite writers queue on the store's lock anyway.
_WORKERS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="registro-api")


def _request_ids() -> Callable[[], str]:
    """Request ids in UUID form: a random prefix per process and a counter. uuid4() per request was
    8% of a describe's server CPU (py-spy); ids only need to be unique, and replicas differ by prefix."""
    prefix = str(uuid.uuid4())[:24]
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter):012x}"


async def _body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > wire.MAX_BODY_BYTES:
            raise SerializationError(f"Request body is over the limit of {wire.MAX_BODY_BYTES} bytes.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


Answer = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers, body


class Api:
    """The API's calls, whatever carries them (api/connection.py, or ASGI for connections uvicorn
    serves): `handle(headers, body)` gives the answer at once, or a future of it while the call runs
    in a worker thread. `new_context(access_key, request_id)` builds each call's Context."""

    def __init__(self, new_context: Callable[[str, str], Context]) -> None:
        self.new_context = new_context
        self.next_request_id = _request_ids()
        self.in_threads = 0  # calls running in worker threads now
        self.last_done = 0.0  # when the last call's answer was ready (monotonic seconds)

    def inline(self, name: str, dialect: str) -> bool:
        """Run a one-item read on the event loop rather than in a worker thread? Always on SQLite (tens
        of µs, no network). On PostgreSQL it would hold the loop for a round trip to the database, so
        only for a lone caller: no call in a thread and none finished in the last LONE_GAP_S (under
        load the next call starts right after the last). It saves the thread hand-off, which cost more
        CPU than the read (in-process describe 314 -> 150 µs)."""
        if name not in READS:
            return False
        if dialect == "sqlite":
            return True
        return self.in_threads == 0 and time.monotonic() - self.last_done > LONE_GAP_S

    def handle(self, headers: Mapping[bytes, bytes], body: bytes) -> Answer | asyncio.Future[Answer]:
        """Answer one call; header names lower-case. Call on the event loop."""
        request_id = self.next_request_id()
        try:
            target = headers.get(b"x-amz-target", b"").decode("latin-1") or None
            name = wire.operation_name(target)
            operation = service_model.operation(name)
            params = validate.check(wire.read_params(body), operation.input_shape)
            authorization = headers.get(b"authorization", b"").decode("latin-1")
            ctx = self.new_context(sigv4.access_key_id(authorization) or "anonymous", request_id)
        except Exception as exc:  # noqa: BLE001 (mapped to its AWS error, or InternalFailure)
            return failed(exc, request_id)
        if self.inline(name, ctx.store.dialect):
            answer = _call(name, operation, ctx, params)
            self.last_done = time.monotonic()
            return answer
        self.in_threads += 1
        future = asyncio.get_running_loop().run_in_executor(_WORKERS, _call, name, operation, ctx, params)
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _future: asyncio.Future[Answer]) -> None:
        self.in_threads -= 1
        self.last_done = time.monotonic()


def _call(name: str, operation: Any, ctx: Context, params: dict[str, Any]) -> Answer:
    """Run the registry function and serialize its result, or the error it raised."""
    try:
        body = serialize.to_body(OPERATIONS[name](ctx, params), operation.output_shape)
    except Exception as exc:  # noqa: BLE001 (mapped to its AWS error, or InternalFailure)
        return failed(exc, ctx.request_id)
    return _answer(200, body, ctx.request_id)


def failed(exc: Exception, request_id: str) -> Answer:
    """A RegistryError as its AWS error; anything else as a logged 500 InternalFailure."""
    if isinstance(exc, RegistryError):
        return _answer(exc.status, errors.error_body(exc), request_id, [(b"x-amzn-errortype", exc.code.encode())])
    log.error("request %s failed", request_id, exc_info=exc)
    return _answer(
        500, errors.internal_failure_body(request_id), request_id, [(b"x-amzn-errortype", b"InternalFailure")]
    )


def _answer(status: int, body: bytes, request_id: str, extra: list[tuple[bytes, bytes]] | None = None) -> Answer:
    headers = [
        (b"content-type", CONTENT_TYPE),
        (b"content-length", str(len(body)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]
    return status, headers + extra if extra else headers, body


def asgi_endpoint(api: Api) -> ASGIApp:
    """`POST /` as an ASGI app, for connections uvicorn serves (see api/connection.py)."""

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await _body(receive)
        except SerializationError as exc:
            status, headers, content = failed(exc, api.next_request_id())
        else:
            handled = api.handle(dict(scope["headers"]), body)  # ASGI lower-cases names
            status, headers, content = handled if isinstance(handled, tuple) else await handled
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    return endpoint
