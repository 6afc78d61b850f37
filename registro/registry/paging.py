"""NextToken: an opaque, signed keyset cursor tied to one operation, its filters and its sort."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from registro.registry.context import Context, Request
from registro.registry.documents import ms
from registro.registry.errors import ValidationError
from registro.store.keyset import Window

Row = TypeVar("Row")

# Members every List operation has; a NextToken is valid only with the same values of these (and extras).
LIST_MEMBERS = ("CreationTimeAfter", "CreationTimeBefore", "NameContains", "SortBy", "SortOrder")

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


def window(ctx: Context, operation: str, request: Request, extra: Sequence[str] = ()) -> tuple[Window, Any]:
    """The filters, sort and page a List request asks for (one row more, to know if another page
    follows), and the query a NextToken is tied to."""
    query = {k: request.get(k) for k in (*LIST_MEMBERS, *extra)}
    asked = Window(
        name_contains=request.get("NameContains"),
        created_after=ms(request.get("CreationTimeAfter")),
        created_before=ms(request.get("CreationTimeBefore")),
        sort_by_name=request.get("SortBy") == "Name",
        descending=request.get("SortOrder") == "Descending",
        after=decode(ctx.token_key, operation, query, request.get("NextToken")),
        limit=request.get("MaxResults", DEFAULT_MAX_RESULTS) + 1,
    )
    return asked, query


def cut(
    ctx: Context,
    operation: str,
    query: Any,
    asked: Window,
    rows: Sequence[Row],
    position: Callable[[Row], list[Any]],
) -> tuple[Sequence[Row], str | None]:
    """The page to answer, and a NextToken exactly when more rows match."""
    size = asked.limit - 1
    if len(rows) <= size:
        return rows, None
    return rows[:size], encode(ctx.token_key, operation, query, position(rows[size - 1]))
