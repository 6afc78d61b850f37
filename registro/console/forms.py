"""Form plumbing shared by the console pages: reading posted fields, sending an action through
`call()`, placing its error next to the right field, and the redirect-with-notice after success.

    POST form ──▶ request dict (API member names) ──▶ attempt(request, operation, params, paths)
                                                        │ ok: result          │ RegistryError
                                                        ▼                     ▼
                                     see_other(url, notice)  (303)      FormErrors: field → messages,
                                     notice shown once by render()      re-render with status 400
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse

from registro.console.calls import call
from registro.console.templating import NOTICE_COOKIE, quote_notice
from registro.registry.context import Result
from registro.registry.errors import RegistryError

FORM = "__form__"  # errors that belong to no single field: shown in the summary only

# "Value 'x' at 'modelLifeCycle.stage' failed to satisfy constraint: …" (api/validate.py)
_ITEM = re.compile(r"(?:^|; )(?=Value )")
_PATH = re.compile(r"^Value .*? at '([^']+)' failed to satisfy constraint: ", re.DOTALL)
_HEAD = re.compile(r"^\d+ validation errors? detected: ")


@dataclass
class FormErrors:
    """Messages by form field; `summary` lists them all for the box above the form."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def of(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    @property
    def summary(self) -> list[str]:
        return [m for messages in self.fields.values() for m in messages]


def place(message: str, paths: Mapping[str, str], default: str = FORM) -> FormErrors:
    """Split a RegistryError message into its items and file each under the form field whose API
    path (lower camel case, as the validator spells it, e.g. `modelLifeCycle.stage`) it names.
    Items naming no known path go to `default`."""
    errors = FormErrors()
    body = _HEAD.sub("", message, count=1)
    items = [i for i in _ITEM.split(body) if i] if _HEAD.match(message) else [message]
    for item in items:
        found = _PATH.match(item)
        target = default
        if found:
            path = found.group(1)
            # The longest registered prefix wins: `modelLifeCycle.stageStatus` before `modelLifeCycle`.
            for prefix in sorted(paths, key=len, reverse=True):
                if path == prefix or path.startswith((prefix + ".", prefix + "[")):
                    target = paths[prefix]
                    break
        else:
            for member, name in paths.items():
                if member[:1].upper() + member[1:] in item:
                    target = name
                    break
        errors.add(target, item)
    return errors


def attempt(
    request: Request, operation: str, params: dict[str, Any], paths: Mapping[str, str], default: str = FORM
) -> tuple[Result | None, FormErrors]:
    """Run one action through `call()`; on a RegistryError, no result and its messages by field."""
    try:
        return call(request, operation, params), FormErrors()
    except RegistryError as exc:
        return None, place(exc.message, paths, default)


def see_other(url: str, notice: str | None = None) -> RedirectResponse:
    """303 to `url`; `notice` is shown once on the next page (a short-lived cookie, read by render())."""
    response = RedirectResponse(url, status_code=303)
    if notice:
        response.set_cookie(NOTICE_COOKIE, quote_notice(notice), max_age=60, path="/console", httponly=True,
                            samesite="lax")
    return response


async def fields(request: Request) -> dict[str, str]:
    """The posted form's single-valued fields, stripped of surrounding white space."""
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


async def lists(request: Request, *names: str) -> dict[str, list[str]]:
    """Repeated fields (key/value rows, check boxes), in the order posted."""
    form = await request.form()
    return {n: [v if isinstance(v, str) else "" for v in form.getlist(n)] for n in names}


def day_seconds(value: str | None, *, end: bool = False) -> float | None:
    """`YYYY-MM-DD` (a date input, read as UTC) as epoch seconds; `end` gives the next midnight.
    None for an empty or malformed value."""
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    return day.timestamp() + (86400 if end else 0)
