"""create_app(settings): the ASGI app serving the API (POST /), the console (/console) and /health."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route

from registro.api import service_model, validate
from registro.api.endpoint import Api, Receive, Scope, Send, asgi_endpoint
from registro.console.pages import not_found_page
from registro.console.routes import routes as console_routes
from registro.registry.context import Context
from registro.settings import Settings
from registro.store import migrate
from registro.store.engine import Store


class Server:
    """The ASGI app (`POST /` straight to the API, everything else through Starlette) and its `api`,
    which api/connection.py calls without ASGI."""

    def __init__(self, api: Api, console: Starlette) -> None:
        self.api = api
        self.console = console
        self.endpoint = asgi_endpoint(api)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/":
            await self.endpoint(scope, receive, send)
        else:
            await self.console(scope, receive, send)


def create_app(settings: Settings) -> Server:
    """The server for these settings; serve it with api.connection.ApiConnection as uvicorn's `http`."""
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
        for name in service_model.SERVED:
            validate.prepare(service_model.operation(name).input_shape)
        # Modules, botocore's model, validators and compiled patterns live as long as the server: out
        # of the collector's way, so its passes only walk what requests allocate.
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
    return Server(Api(new_context), app)
