"""A registry result shaped by the operation's output shape: no None, no unknown members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from botocore.model import Shape

from registro.registry.documents import Stored


def to_body(result: dict[str, Any] | Stored, shape: Shape | None) -> bytes:
    if isinstance(result, Stored):
        return result.encode()  # stored as this operation's wire JSON (registry/documents.py)
    if shape is None:
        return b""  # operations without an output shape answer 200 with an empty body (sagemaker-api.md 1.2)
    return orjson.dumps(shaped(result, shape))


def shaped(value: Any, shape: Shape) -> Any:
    """`value` with members outside `shape` dropped, absent members omitted, times as epoch seconds."""
    kind = shape.type_name
    if kind == "structure":
        # In the shape's member order, as AWS answers.
        members = shape.members
        return {k: shaped(value[k], m) for k, m in members.items() if value.get(k) is not None}
    if kind == "list":
        member = shape.member
        return [shaped(v, member) for v in value]
    if kind == "map":
        vshape = shape.value
        return {k: shaped(v, vshape) for k, v in value.items() if v is not None}
    if kind == "timestamp" and isinstance(value, datetime):
        return round(value.timestamp(), 3)
    return value
