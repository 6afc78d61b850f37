"""The one API entry: frame → name the caller → validate → call the registry → serialize.

POST /  X-Amz-Target: SageMaker.<Op>
  wire.operation_name ─ wire.read_params ─ validate.check(input shape)   (bad requests stop here)
  → OPERATIONS[op](ctx, params) in a worker thread ─ serialize.to_body(output shape)
  → 200 | RegistryError → 400 AWS error body | anything else → 500 InternalFailure, logged
Every answer carries x-amzn-RequestId.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from registro.api import errors, serialize, service_model, validate, wire
from registro.api.dispatch import OPERATIONS
from registro.auth import sigv4
from registro.registry.context import Context
from registro.registry.errors import RegistryError

log = logging.getLogger("registro.api")
CONTENT_TYPE = "application/x-amz-json-1.1"


def make_endpoint(new_context: Callable[[str, str], Context]) -> Callable[[Request], object]:
    """The ASGI endpoint; `new_context(access_key, request_id)` builds each call's Context."""

    async def endpoint(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        headers = {"x-amzn-RequestId": request_id}
        try:
            name = wire.operation_name(request.headers.get("x-amz-target"))
            operation = service_model.operation(name)
            params = validate.check(wire.read_params(await request.body()), operation.input_shape)
            access_key = sigv4.access_key_id(request.headers.get("authorization")) or "anonymous"
            ctx = new_context(access_key, request_id)
            result = await run_in_threadpool(OPERATIONS[name], ctx, params)
            return Response(serialize.to_body(result, operation.output_shape), 200, headers, CONTENT_TYPE)
        except RegistryError as exc:
            headers["x-amzn-ErrorType"] = exc.code
            return Response(errors.error_body(exc), exc.status, headers, CONTENT_TYPE)
        except Exception:
            log.exception("request %s failed", request_id)
            headers["x-amzn-ErrorType"] = "InternalFailure"
            return Response(errors.internal_failure_body(request_id), 500, headers, CONTENT_TYPE)

    return endpoint
