"""Every console URL (console.md 1.1), mounted under /console by app.py.

One list, so a login can later wrap every page in one place (security issue).
"""

from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from registro.console import card, compare, pages


async def _home(_request: object) -> RedirectResponse:
    return RedirectResponse("/console/model-groups", status_code=307)


def routes() -> list[BaseRoute]:
    return [
        Route("/", _home),
        # Before the static mount: card.ROUTES serves /static/plotly.min.js from the plotly package.
        *card.ROUTES,
        Mount("/static", StaticFiles(packages=[("registro.console", "static")]), name="static"),
        *compare.ROUTES,
        *pages.ROUTES,
    ]
