"""NextToken: an opaque, signed keyset cursor tied to one operation, its filters and its sort."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from registro.registry.errors import ValidationError

DEFAULT_MAX_RESULTS = 10  # as other SageMaker List operations document (sagemaker-api.md 3.11)


def _digest(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:16]


def _scope(operation: str, query: Any) -> str:
    return hashlib.sha256(json.dumps([operation, query], sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode(key: bytes, operation: str, query: Any, position: list[Any]) -> str:
    """A token for the page after `position` (the last row's sort key and id)."""
    payload = json.dumps({"s": _scope(operation, query), "p": position}, separators=(",", ":")).encode()
    return (base64.urlsafe_b64encode(payload + _digest(key, payload)).decode()).rstrip("=")


def decode(key: bytes, operation: str, query: Any, token: str | None) -> list[Any] | None:
    """The position a token carries; None for no token; ValidationException if forged or reused."""
    if token is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        # Unpadded base64 ignores a last character's low bits: only the spelling encode() gives is valid.
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
            raise ValueError("not the canonical spelling")
        payload, mac = raw[:-16], raw[-16:]
        if len(raw) <= 16 or not hmac.compare_digest(mac, _digest(key, payload)):
            raise ValueError("bad signature")
        data = json.loads(payload)
        if data["s"] != _scope(operation, query) or not isinstance(data["p"], list):
            raise ValueError("other query")
        return list(data["p"])
    except (ValueError, KeyError, TypeError):
        raise ValidationError("Invalid NextToken.") from None
