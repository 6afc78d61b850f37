"""The one API entry, as a bare ASGI app: frame → name the caller → validate → call → serialize.

POST /  X-Amz-Target: SageMaker.<Op>
  wire.operation_name ─ wire.read_params ─ validate.check(input shape)   (bad requests stop here)
  → OPERATIONS[op](ctx, params) in a worker thread ─ serialize.to_body(output shape)
  → 200 | RegistryError → 400 AWS error body | anything else → 500 InternalFailure, logged
Every answer carries x-amzn-RequestId.

Bare ASGI rather than a Starlette route: the API is one URL with its own error handling, and
Starlette's request/response and middleware layers were a third of a describe's server CPU (py-spy).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
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


def make_endpoint(new_context: Callable[[str, str], Context]) -> ASGIApp:
    """The ASGI app for `POST /`; `new_context(access_key, request_id)` builds each call's Context."""

    next_request_id = _request_ids()
    in_threads = [0]  # calls running in worker threads now
    last_done = [0.0]  # when the last call's result was ready (monotonic seconds)

    def inline(name: str, dialect: str) -> bool:
        """Run a one-item read on the event loop rather than in a worker thread? Always on SQLite (tens
        of µs, no network). On PostgreSQL it would hold the loop for a round trip to the database, so
        only for a lone caller: no call in a thread and none finished in the last LONE_GAP_S (under
        load the next call starts right after the last). It saves the thread hand-off, which cost more
        CPU than the read (in-process describe 314 -> 150 µs)."""
        if name not in READS:
            return False
        if dialect == "sqlite":
            return True
        return in_threads[0] == 0 and time.monotonic() - last_done[0] > LONE_GAP_S

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        request_id = next_request_id()
        headers = dict(scope["headers"])  # ASGI lower-cases names
        status, extra = 200, []
        try:
            target = headers.get(b"x-amz-target", b"").decode("latin-1") or None
            name = wire.operation_name(target)
            operation = service_model.operation(name)
            params = validate.check(wire.read_params(await _body(receive)), operation.input_shape)
            authorization = headers.get(b"authorization", b"").decode("latin-1")
            ctx = new_context(sigv4.access_key_id(authorization) or "anonymous", request_id)
            if inline(name, ctx.store.dialect):
                result = OPERATIONS[name](ctx, params)
            else:
                in_threads[0] += 1
                try:
                    result = await asyncio.get_running_loop().run_in_executor(_WORKERS, OPERATIONS[name], ctx, params)
                finally:
                    in_threads[0] -= 1
            last_done[0] = time.monotonic()
            body = serialize.to_body(result, operation.output_shape)
        except RegistryError as exc:
            status, body = exc.status, errors.error_body(exc)
            extra = [(b"x-amzn-errortype", exc.code.encode())]
        except Exception:
            log.exception("request %s failed", request_id)
            status, body = 500, errors.internal_failure_body(request_id)
            extra = [(b"x-amzn-errortype", b"InternalFailure")]
        response_headers = [
            (b"content-type", CONTENT_TYPE),
            (b"content-length", str(len(body)).encode()),
            (b"x-amzn-requestid", request_id.encode()),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})

    return endpoint
