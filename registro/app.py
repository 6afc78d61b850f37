"""create_app(settings): the ASGI app serving the API (POST /), the console (/console) and /health."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route

from registro.api.endpoint import ASGIApp, Receive, Scope, Send, make_endpoint
from registro.console.pages import not_found_page
from registro.console.routes import routes as console_routes
from registro.registry.context import Context
from registro.settings import Settings
from registro.store import migrate
from registro.store.engine import Store


def create_app(settings: Settings) -> ASGIApp:
    """The server: `POST /` goes straight to the API endpoint, everything else through Starlette."""
    state: dict[str, object] = {}

    def new_context(access_key: str, request_id: str) -> Context:
        return Context(
            store=state["store"],  # type: ignore[arg-type]
            region=settings.region,
            account=settings.account_id,
            token_key=state["token_key"],  # type: ignore[arg-type]
            access_key=access_key,
            request_id=request_id,
        )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        store = Store(settings.resolved_database_url)
        migrate.upgrade(store)
        state["store"], state["token_key"] = store, migrate.token_key(store)
        # Modules, botocore's model and compiled patterns live as long as the server: out of the
        # collector's way, so its passes only walk what requests allocate.
        gc.freeze()
        try:
            yield
        finally:
            store.dispose()

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def to_console(_request: Request) -> RedirectResponse:
        return RedirectResponse("/console/model-groups", status_code=307)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/", to_console, methods=["GET"]),
        Mount("/console", routes=console_routes()),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found_page})
    app.state.new_context = new_context
    api = make_endpoint(new_context)

    async def server(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/":
            await api(scope, receive, send)
        else:
            await app(scope, receive, send)

    return server
