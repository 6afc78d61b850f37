"""SigV4 Authorization headers. For now only the access key id is read, to name the caller."""

from __future__ import annotations

import re

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


def access_key_id(authorization: str | None) -> str | None:
    """The access key id in `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...`."""
    found = _CREDENTIAL.search(authorization or "")
    return found.group(1) if found else None
