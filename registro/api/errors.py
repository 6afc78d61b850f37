"""A RegistryError as AWS's JSON 1.1 error body; anything else is a 500 InternalFailure."""

from __future__ import annotations

import json

from registro.registry.errors import RegistryError


def error_body(exc: RegistryError) -> bytes:
    body = {"__type": exc.code, "message": exc.message}
    if exc.modelled:
        body["Message"] = exc.message
    return json.dumps(body, ensure_ascii=False).encode()


def internal_failure_body(request_id: str) -> bytes:
    message = f"An internal error occurred; the server log has the details under request id {request_id}."
    return json.dumps({"__type": "InternalFailure", "message": message}).encode()
