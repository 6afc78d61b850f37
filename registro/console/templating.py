"""Jinja2 environment and the render helper every page uses (autoescaping on: user strings are escaped)."""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
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


def shown_time(seconds: float | None, with_seconds: bool = False) -> str:
    """The server's text of a time (static/console.js replaces it with the viewer's local time)."""
    if seconds is None:
        return ""
    shape = "%Y-%m-%d %H:%M:%S UTC" if with_seconds else "%Y-%m-%d %H:%M UTC"
    return datetime.fromtimestamp(seconds, UTC).strftime(shape)


def who(user: dict[str, Any] | None) -> str:
    """UserContext as a short name: profile name, else the last segment of the IAM ARN."""
    if not user:
        return "unknown"
    if user.get("UserProfileName"):
        return str(user["UserProfileName"])
    arn = user.get("IamIdentity", {}).get("Arn", "")
    return arn.rsplit("/", 1)[-1] or arn.rsplit(":", 1)[-1] or "unknown"


# After a "/" or an ARN's ":", not inside "//" or "::" ("s3://", "arn:aws:iam::123456789012:user/x"):
# where a long URI or ARN may break across lines.
_PART_END = re.compile(r"(?<=[/:])(?![/:])")
# Longer identifiers are cut once, in the middle, keeping their start and file name (console.md 1.4).
URI_MOST = 200


def wbr(value: Any) -> Markup:
    """`value` escaped, cut after each "/" and ARN ":" into parts joined by <wbr>, so a long URI wraps
    between its parts. Each part is a `<span class="part">` that console.css keeps whole when it fits on
    a line: a browser would otherwise also break at the hyphens of a file name, which then reads as two.
    Every part is escaped as it goes into the markup (Markup.format); line breaks stay between parts (a
    list of URIs, one a line), and a line without "/" or ":" is only escaped."""
    return Markup("\n").join(_line_parts(line) for line in str(value).split("\n"))


def _line_parts(line: str) -> Markup:
    parts = [part for part in _PART_END.split(line) if part]
    if len(parts) < 2:
        return escape(line)
    return Markup("<wbr>").join(Markup('<span class="part">{}</span>').format(part) for part in parts)


def shown_uri(value: Any, most: int = URI_MOST) -> str:
    """A URI or ARN as shown: whole up to `most` characters, else cut once in the middle so the
    start and the last path segment (the file name) stay; the copy button and tooltip have it whole."""
    text = str(value)
    if len(text) <= most:
        return text
    tail = text[text.rstrip("/").rfind("/") + 1 :] if "/" in text else ""
    tail = tail if 0 < len(tail) <= most // 2 else text[-(most // 2) :]
    return text[: most - len(tail) - 1] + "…" + tail


environment.filters.update(
    iso=iso,
    shown_time=shown_time,
    who=who,
    wbr=wbr,
    shown_uri=shown_uri,
    tojson_pretty=lambda v: json.dumps(v, indent=2),
)


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
