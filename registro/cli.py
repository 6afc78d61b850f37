"""The command line: `registro serve`, `registro db upgrade`."""

from __future__ import annotations

import argparse
import ctypes
import logging
import sys

from registro import __version__
from registro.settings import SETTINGS, Settings, from_env


def _add_settings(parser: argparse.ArgumentParser, names: tuple[str, ...]) -> None:
    for setting in SETTINGS:
        if setting.name in names:
            parser.add_argument(
                setting.flag,
                dest=setting.name,
                default=None,
                help=f"{setting.help} (env {setting.env}, default {setting.default!r})",
            )


def _settings(args: argparse.Namespace) -> Settings:
    return from_env().with_values({s.name: getattr(args, s.name, None) for s in SETTINGS})


def _fewer_malloc_arenas() -> None:
    """glibc gives each thread that allocates at once its own malloc arena (up to 8 per core), and an
    arena keeps what it once held. Search pages are built in up to 16 worker threads, ~450 KB each:
    with two arenas the peak RSS of `bench/run.py --quick`'s search step went from 144-151 MB to
    131-132 MB, CPU per call unchanged. M_ARENA_MAX is -8; other C libraries have no mallopt."""
    try:
        ctypes.CDLL(None).mallopt(-8, 2)
    except (AttributeError, OSError):
        pass


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from registro.api.connection import ApiConnection
    from registro.app import create_app

    settings = _settings(args)
    _fewer_malloc_arenas()  # before any worker thread starts
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    url = f"http://{settings.host}:{settings.port}"
    print(f"Registro {__version__}: API on {url} , console on {url}/console", flush=True)
    # No access log and no X-Forwarded-For rewriting: nothing reads the client address, and both cost
    # CPU on every request (py-spy: the proxy-headers middleware was 4% of a describe). API calls are
    # answered by ApiConnection without ASGI; it hands other requests to uvicorn's own protocol.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        http=ApiConnection,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
    return 0


def db_upgrade(args: argparse.Namespace) -> int:
    from registro.store import migrate
    from registro.store.engine import Store

    settings = _settings(args)
    store = Store(settings.resolved_database_url)
    migrate.upgrade(store)
    store.dispose()
    print(f"database at {store.url.split('@')[-1]} is at the newest schema")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="registro", description="A self-hosted SageMaker-compatible model registry.")
    top.add_argument("--version", action="version", version=f"registro {__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the API and the console on one port")
    _add_settings(run, tuple(s.name for s in SETTINGS))
    run.set_defaults(func=serve)
    db = commands.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="apply every pending migration and exit")
    _add_settings(up, ("data_dir", "database_url"))
    up.set_defaults(func=db_upgrade)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
