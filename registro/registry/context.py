"""Context: who calls, where, when; and the Request/Result aliases every registry function uses."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from registro.store.engine import Store

Request = Mapping[str, Any]
Result = dict[str, Any]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class Context:
    """One call: the store, the account and region it acts in, the caller, the request id, the time."""

    store: Store
    region: str
    account: str
    token_key: bytes
    access_key: str = "anonymous"
    request_id: str = ""
    now: int = field(default_factory=now_ms)  # epoch milliseconds; every time a call writes is this one

    @property
    def caller_arn(self) -> str:
        # Until authentication exists the caller is named by its access key (sagemaker-api.md 2.3).
        return f"arn:aws:iam::{self.account}:user/{self.access_key}"

    @property
    def user_context(self) -> dict[str, Any]:
        """`CreatedBy`/`LastModifiedBy`: IamIdentity only."""
        return {"IamIdentity": {"Arn": self.caller_arn, "PrincipalId": self.access_key}}

    @property
    def now_seconds(self) -> float:
        return self.now / 1000
