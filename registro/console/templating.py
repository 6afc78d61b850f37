"""Jinja2 environment and the render helper every page uses (autoescaping on: user strings are escaped)."""

from __future__ import annotations

import json
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

environment = Environment(
    loader=PackageLoader("registro.console", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def iso(seconds: float | None) -> str:
    """Epoch seconds as ISO 8601 UTC, for `datetime` attributes (the browser shows local time)."""
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def shown_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def who(user: dict[str, Any] | None) -> str:
    """UserContext as a short name: profile name, else the last segment of the IAM ARN."""
    if not user:
        return "unknown"
    if user.get("UserProfileName"):
        return str(user["UserProfileName"])
    arn = user.get("IamIdentity", {}).get("Arn", "")
    return arn.rsplit("/", 1)[-1] or arn.rsplit(":", 1)[-1] or "unknown"


environment.filters.update(iso=iso, shown_time=shown_time, who=who, tojson_pretty=lambda v: json.dumps(v, indent=2))


# A notice ("Version 3 approved") travels from a POST's 303 to the next page in this cookie, shown once.
NOTICE_COOKIE = "registro_notice"


def quote_notice(text: str) -> str:
    return urllib.parse.quote(text[:300], safe="")


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page: `template` with the request and `values`; every template extends base.html."""
    pending = request.cookies.get(NOTICE_COOKIE)
    if pending and not values.get("notice"):
        values["notice"] = urllib.parse.unquote(pending)
    html = environment.get_template(template).render(request=request, **values)
    response = HTMLResponse(html, status_code=status_code)
    if pending:
        response.delete_cookie(NOTICE_COOKIE, path="/console")
    return response
