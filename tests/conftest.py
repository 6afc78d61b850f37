"""Shared fixtures: a database on each store, a real server on a free port, a boto3 client for it.

database_url      sqlite (a file in tmp) | postgresql (a fresh database on 127.0.0.1:5432, dropped after)
server            create_app under uvicorn in a thread, on a socket bound to port 0
sm                boto3 SageMaker client for `server`, retries off so a 5xx fails the test
registry_context  a registry Context on `server`'s database, to read what the API left behind
spawn_server      `registro serve` as a child process (serving: the same, ready, stopped on exit)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import uvicorn
from botocore.config import Config

from registro.api.connection import ApiConnection
from registro.app import create_app
from registro.registry.context import Context
from registro.settings import Settings
from registro.store import migrate
from registro.store.engine import Store

PG_ADMIN_URL = os.environ.get("REGISTRO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REGISTRO_REQUIRE_POSTGRES") == "1"
REGION = "us-east-1"
ACCOUNT = "123456789012"
FIXTURES = Path(__file__).parent / "fixtures"
REGISTRO_CLI = [sys.executable, "-m", "registro.cli"]
SERVE_STARTUP_DEADLINE_S = 60


def _postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except (psycopg.Error, OSError) as exc:
        return f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}"


def new_postgres_database() -> tuple[str, Callable[[], None]]:
    """A fresh, empty database; returns its SQLAlchemy URL and a function that drops it."""
    import psycopg

    name = "registro_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}", drop


def new_database(kind: str, tmp_path: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'registro.db'}", lambda: None
    reason = _postgres_reachable()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(reason + " (REGISTRO_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    return new_postgres_database()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = new_database(request.param, tmp_path_factory.mktemp(request.param))
    yield url
    drop()


@dataclass
class RunningServer:
    url: str
    settings: Settings
    stop: Callable[[], None]


def start_server(settings: Settings) -> RunningServer:
    """create_app(settings) under uvicorn in a thread; returns once it reports started."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # As `registro serve` runs it: API connections answered by ApiConnection, the rest by uvicorn.
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on", http=ApiConnection)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()

    return RunningServer(f"http://127.0.0.1:{port}", settings, stop)


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[RunningServer]:
    running = start_server(Settings(database_url=database_url, region=REGION, account_id=ACCOUNT))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def registry_context(server: RunningServer) -> Iterator[Context]:
    """A registry Context on the server's own database, as registro/app.py builds one."""
    settings = server.settings
    store = Store(settings.resolved_database_url)
    try:
        yield Context(
            store=store,
            region=settings.region,
            account=settings.account_id,
            token_key=migrate.token_key(store),
        )
    finally:
        store.dispose()


def free_port() -> int:
    """A port free on 127.0.0.1 at this moment, for a child process to bind."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any REGISTRO_* variable the test run may carry, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRO_")}
    env.update(extra)
    return env


@dataclass
class ServeProcess:
    """A `registro serve` child process, where it answers, and the file its output goes to."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_healthy(self) -> None:
        """Poll GET /health until 200; fail with the server's log if it exits or the deadline passes."""
        deadline = time.monotonic() + SERVE_STARTUP_DEADLINE_S
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"registro serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"registro serve not healthy after {SERVE_STARTUP_DEADLINE_S}s:\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        """Terminate (kill if it lingers 15 s), then reap; a process already ended is only reaped."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.wait(timeout=15)


def spawn_server(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, name: str | None = None
) -> ServeProcess:
    """`registro serve --port <free> *args` in `cwd`, with `env` (default: clean_env()), its output in
    `cwd/<name>.log` (default name: serve-<port>); returns at once, see ServeProcess.wait_healthy."""
    port = free_port()
    log = cwd / f"{name or f'serve-{port}'}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*REGISTRO_CLI, "serve", "--port", str(port), *args],
            cwd=cwd,
            env=dict(env or clean_env()),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return ServeProcess(proc, f"http://127.0.0.1:{port}", log)


@contextmanager
def serving(args: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> Iterator[ServeProcess]:
    """`registro serve --port <free> *args`, ready (GET /health answered 200); stopped on exit."""
    server = spawn_server(args, cwd, env)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def client(url: str, **config: Any) -> Any:
    """A boto3 SageMaker client for `url` with test keys; retries off so a 5xx fails loudly."""
    return boto3.client(
        "sagemaker",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="AKIDREGISTROTEST",
        aws_secret_access_key="registro-test-secret",
        config=Config(retries={"max_attempts": 0}, **config),
    )


@pytest.fixture(scope="session")
def sm(server: RunningServer) -> Any:
    return client(server.url)


@pytest.fixture(scope="session")
def sm_raw(server: RunningServer) -> Any:
    """A client that sends what it is given: botocore's own parameter validation off."""
    return client(server.url, parameter_validation=False)


@pytest.fixture
def group_name() -> str:
    """A group name no other test uses, so tests share one server without seeing each other."""
    return "G-" + uuid.uuid4().hex[:12]


@pytest.fixture
def group(sm: Any, group_name: str) -> str:
    sm.create_model_package_group(ModelPackageGroupName=group_name)
    return group_name


def load_fixture(*parts: str) -> Any:
    import json

    return json.loads((FIXTURES.joinpath(*parts)).read_text())


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright; skipped (or failed when required) if missing."""
    from console.browser_kit import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("REGISTRO_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and REGISTRO_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser tab at 1280x800."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()
