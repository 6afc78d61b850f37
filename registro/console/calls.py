"""How a page calls the registry: the same validation and the same functions as the API.

A form builds the request an API client would send, `call()` checks it against botocore's input
shape (the API's own `validate.check`, a pure function) and runs the registry function the API's
dispatch table names, so a form and an API call can never disagree. Errors come back as the
RegistryError the API would have answered with; the page shows `exc.message` next to the form.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request

from registro.api import service_model, validate
from registro.api.dispatch import OPERATIONS
from registro.registry.context import Context, Result
from registro.registry.documents import Stored, load

# Until console login exists (security issue) console actions are made by this principal.
CONSOLE_PRINCIPAL = "console"


def context(request: Request) -> Context:
    """A registry Context for one page request (the app's factory sets store, region, account)."""
    new_context = request.app.state.new_context
    ctx: Context = new_context(CONSOLE_PRINCIPAL, str(uuid.uuid4()))
    return ctx


def call(request: Request, operation: str, params: dict[str, Any]) -> Result:
    """Run one API operation from a page, validated exactly as the API validates it."""
    checked = validate.check(params, service_model.operation(operation).input_shape)
    result = OPERATIONS[operation](context(request), checked)
    return load(result) if isinstance(result, Stored) else result
