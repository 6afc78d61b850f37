"""The console's own pages, gathered: group list and group pages, version tabs and actions, the 404 page.

groups_pages.py    /model-groups, /model-groups/{group}[/activity] and the create form (console.md 2, 3.1, 3.3)
group_settings.py  /model-groups/{group}/settings and its forms: tags, policy, delete (console.md 3.2)
versions_pages.py  /model-groups/{group}/versions/{n}/{tab} and …/actions/* (console.md 4, 5)
version_view.py    load_version(): the header and tab bar every version tab shares (card.py uses it too)
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute

from registro.console import group_settings, groups_pages, versions_pages
from registro.console.templating import render

ROUTES: list[BaseRoute] = [*groups_pages.ROUTES, *group_settings.ROUTES, *versions_pages.ROUTES]


async def not_found_page(request: Request, exc: Exception) -> Response:
    """404 for the whole app: the console's page under /console, plain text elsewhere (the API's side)."""
    detail = exc.detail if isinstance(exc, HTTPException) else "Not Found"
    if not request.url.path.startswith("/console"):
        return PlainTextResponse(str(detail), status_code=404)
    message = detail if detail and detail != "Not Found" else "There is no console page at this address."
    return render(request, "not_found.html", status_code=404, message=message)
