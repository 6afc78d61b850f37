"""The benchmark's targets: each one's server (venv, start on loopback, stop) and its adapter.

    target               server, on 127.0.0.1 and a free port                     adapter
    registro-sqlite      .venv/bin/registro serve, a fresh data folder            RegistroAdapter (boto3)
    registro-postgresql  the same on a fresh PostgreSQL database                  RegistroAdapter (boto3)
    moto                 bench/.venvs/moto: moto_server, in memory                MotoAdapter (boto3)
    mlflow               bench/.venvs/mlflow: mlflow server, SQLite, 1 worker     MlflowAdapter (REST)

An adapter speaks one target's API in the workload's words: create_group, create_version (→ the number
the target gave it), describe, list_page, approve, search, and `another()` for a second client with its
own connections (one per thread). Versions are named by number; each adapter builds its own names.

Servers start in their own session on a free loopback port, in a scratch folder as working directory,
and count as ready once their health URL answers 200 and their process tree has stopped burning CPU
(MLflow starts job consumers after /health answers). Stopping signals the session, then waits for every
process of the tree, killing by pid what outlives the deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import urlencode

import boto3
import botocore.exceptions
import psycopg
import urllib3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
REGISTRO = ROOT / ".venv" / "bin" / "registro"
VENVS = ROOT / "bench" / ".venvs"
FIXTURE = ROOT / "tests" / "fixtures" / "packages" / "abalone-v1.json"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
GROUP = "BenchGroup"
PAGE_SIZE = 100
REGION, ACCOUNT, ACCESS_KEY = "us-east-1", "123456789012", "AKIDBENCH"

# Pinned so that runs compare: the versions pip resolved when the benchmark was written.
PEER_REQUIREMENTS = {"moto": "moto[server]==5.2.5", "mlflow": "mlflow==3.17.2"}
TARGETS = ("registro-sqlite", "registro-postgresql", "moto", "mlflow")

START_DEADLINE_S, SETTLE_DEADLINE_S, STOP_DEADLINE_S = 120.0, 90.0, 20.0
# Settled: the whole tree used under 5% of one core over a half-second window.
SETTLE_WINDOW_S, SETTLE_CPU_S = 0.5, 0.025
CLK_TCK = os.sysconf("SC_CLK_TCK")

Page = tuple[list[int], str | None]  # the versions on one page, and the token of the next


class NotSupported(Exception):
    """The target has no operation for this step; the report shows n/a."""


class PeerError(Exception):
    """A non-200 answer from a target spoken to over plain HTTP."""


# --- processes ----------------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """pid and its live descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_seconds(pids: list[int]) -> float:
    """utime+stime of the processes, plus cutime+cstime of the children they reaped."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            # Fields after the ")" that ends comm: state is field 3, utime..cstime are 14..17.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLK_TCK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
        return bool(answer.status == 200)
    return False


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"{server.args!r} exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        if _answers(url):
            return
        time.sleep(0.2)
    sys.exit(f"{url} did not answer within {START_DEADLINE_S} s:\n{log.read_text()[-4000:]}")


def _wait_settled(pid: int) -> None:
    """Until the tree goes quiet: startup work must not land in the first measured step."""
    deadline = time.monotonic() + SETTLE_DEADLINE_S
    before = cpu_seconds(process_tree(pid))
    while time.monotonic() < deadline:
        time.sleep(SETTLE_WINDOW_S)
        after = cpu_seconds(process_tree(pid))
        if after - before < SETTLE_CPU_S:
            return
        before = after


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's session, then wait for every process of its tree; SIGKILL stragglers by pid."""
    tree = process_tree(server.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_DEADLINE_S
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=STOP_DEADLINE_S)
    for pid in tree:
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            if Path(f"/proc/{pid}").exists():
                os.kill(pid, signal.SIGKILL)
    server.wait()


@contextlib.contextmanager
def serving(
    command: list[str], health_url: str, workdir: Path, env: dict[str, str] | None = None
) -> Iterator[int]:
    """Run a server in its own session with workdir as working directory; yields its pid once ready."""
    log = workdir / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    try:
        _wait_healthy(health_url, server, log)
        _wait_settled(server.pid)
        yield server.pid
    finally:
        _stop(server)


# --- peer venvs ---------------------------------------------------------------------------------


def venv(name: str) -> Path:
    return VENVS / name


def _installed(name: str) -> bool:
    marker = venv(name) / "requirement.txt"
    return marker.exists() and marker.read_text().strip() == PEER_REQUIREMENTS[name]


def ensure_venvs(names: list[str]) -> float:
    """Install each named peer into bench/.venvs/<name> unless its pinned version is there; all at once.
    Returns the seconds it took (0 when all were there)."""
    missing = [name for name in names if not _installed(name)]
    start = time.perf_counter()
    installs = {name: _start_install(name) for name in missing}
    for name, install in installs.items():
        if install.wait() != 0:
            log = venv(name) / "install.log"
            sys.exit(f"installing {PEER_REQUIREMENTS[name]} failed:\n{log.read_text()[-4000:]}")
        (venv(name) / "requirement.txt").write_text(PEER_REQUIREMENTS[name] + "\n")
    return time.perf_counter() - start if missing else 0.0


def _start_install(name: str) -> subprocess.Popen[bytes]:
    path = venv(name)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(path)], check=True)
    command = [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", PEER_REQUIREMENTS[name]]
    with (path / "install.log").open("wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


# --- adapters -----------------------------------------------------------------------------------


class Adapter(Protocol):
    """One target's API in the workload's words."""

    failures: ClassVar[tuple[type[Exception], ...]]  # what a failed call raises: counted, not fatal

    def another(self) -> Adapter: ...
    def create_group(self) -> None: ...
    def create_version(self) -> int: ...
    def describe(self, version: int) -> None: ...
    def list_page(self, token: str | None, *, approved: bool = False, descending: bool = False) -> Page: ...
    def approve(self, version: int) -> None: ...
    def search(self, token: str | None) -> Page: ...


def fixture_body() -> dict[str, Any]:
    """The CreateModelPackage body every target's versions are made from."""
    body: dict[str, Any] = json.loads(FIXTURE.read_text())
    return body | {"ModelPackageGroupName": GROUP}


class SageMakerAdapter:
    """The SageMaker Model Registry API through boto3, retries off (a failure is counted, not hidden)."""

    failures: ClassVar[tuple[type[Exception], ...]] = (
        botocore.exceptions.ClientError,
        botocore.exceptions.BotoCoreError,
    )
    # Three filters, each an operator every SageMaker target implements (moto: Equals, NotEquals, Contains).
    SEARCH_FILTERS: ClassVar[list[dict[str, str]]] = [
        {"Name": "ModelPackageGroupName", "Operator": "Equals", "Value": GROUP},
        {"Name": "ModelApprovalStatus", "Operator": "Equals", "Value": "Approved"},
        {"Name": "ModelPackageDescription", "Operator": "Equals", "Value": "Test Model"},
    ]

    def __init__(self, url: str) -> None:
        self.url = url
        self.body = fixture_body()
        self.client: Any = boto3.session.Session().client(
            "sagemaker",
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key="secret",
            config=Config(retries={"max_attempts": 0}),
        )
        self.arn_prefix = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}"

    def another(self) -> SageMakerAdapter:
        return type(self)(self.url)

    def arn(self, version: int) -> str:
        return f"{self.arn_prefix}/{version}"

    def create_group(self) -> None:
        self.client.create_model_package_group(ModelPackageGroupName=GROUP)

    def create_version(self) -> int:
        arn = self.client.create_model_package(**self.body)["ModelPackageArn"]
        self.arn_prefix, version = arn.rsplit("/", 1)  # moto writes the group name in lower case
        return int(version)

    def describe(self, version: int) -> None:
        self.client.describe_model_package(ModelPackageName=self.arn(version))

    def list_page(self, token: str | None, *, approved: bool = False, descending: bool = False) -> Page:
        params: dict[str, Any] = {
            "ModelPackageGroupName": GROUP,
            "MaxResults": PAGE_SIZE,
            "SortBy": "CreationTime",
        }
        params["SortOrder"] = "Descending" if descending else "Ascending"
        if approved:
            params["ModelApprovalStatus"] = "Approved"
        if token:
            params["NextToken"] = token
        page = self.client.list_model_packages(**params)
        return [s["ModelPackageVersion"] for s in page["ModelPackageSummaryList"]], page.get("NextToken")

    def approve(self, version: int) -> None:
        self.client.update_model_package(ModelPackageArn=self.arn(version), ModelApprovalStatus="Approved")

    def search(self, token: str | None) -> Page:
        params: dict[str, Any] = {
            "Resource": "ModelPackage",
            "SearchExpression": {"Filters": self.SEARCH_FILTERS, "Operator": "And"},
            "MaxResults": PAGE_SIZE,
        }
        if token:
            params["NextToken"] = token
        page = self.client.search(**params)
        return [r["ModelPackage"]["ModelPackageVersion"] for r in page["Results"]], page.get("NextToken")


class RegistroAdapter(SageMakerAdapter):
    """Registro: the SageMaker API as botocore's model states it."""


class MotoAdapter(SageMakerAdapter):
    """moto's server: the same calls. Its Search filters in Python over every package, one page."""


class MlflowAdapter:
    """MLflow's REST API (2.0): registered model = group, model version = version, approval = a tag.

    The version's `source` is the fixture's ModelDataUrl and its description the fixture's; MLflow has
    no place for the rest of the SageMaker document (inference specification, metrics), so it stores less.
    """

    failures: ClassVar[tuple[type[Exception], ...]] = (PeerError, urllib3.exceptions.HTTPError)
    APPROVAL_TAG = "approval"

    def __init__(self, url: str) -> None:
        self.url = url
        body = fixture_body()
        self.source = body["InferenceSpecification"]["Containers"][0]["ModelDataUrl"]
        self.description = body["ModelPackageDescription"]
        self.http = urllib3.PoolManager(maxsize=1, retries=False, timeout=urllib3.Timeout(total=120))

    def another(self) -> MlflowAdapter:
        return MlflowAdapter(self.url)

    def _call(self, method: str, path: str, **payload: Any) -> dict[str, Any]:
        url = f"{self.url}/api/2.0/mlflow/{path}"
        if method == "GET":
            answer = self.http.request("GET", url + "?" + urlencode(payload))
        else:
            answer = self.http.request(
                method, url, body=json.dumps(payload), headers={"Content-Type": "application/json"}
            )
        if answer.status != 200:
            raise PeerError(f"{method} {path}: {answer.status} {answer.data[:300]!r}")
        result: dict[str, Any] = json.loads(answer.data)
        return result

    def _filter(self, *conditions: str) -> str:
        return " AND ".join([f"name = '{GROUP}'", *conditions])

    def _search(self, filter_string: str, token: str | None, order: str) -> Page:
        params: dict[str, Any] = {"filter": filter_string, "max_results": PAGE_SIZE, "order_by": order}
        if token:
            params["page_token"] = token
        page = self._call("GET", "model-versions/search", **params)
        versions = [int(v["version"]) for v in page.get("model_versions", [])]
        return versions, page.get("next_page_token")

    def create_group(self) -> None:
        self._call("POST", "registered-models/create", name=GROUP)

    def create_version(self) -> int:
        created = self._call(
            "POST",
            "model-versions/create",
            name=GROUP,
            source=self.source,
            description=self.description,
            tags=[{"key": self.APPROVAL_TAG, "value": "PendingManualApproval"}],
        )
        return int(created["model_version"]["version"])

    def describe(self, version: int) -> None:
        self._call("GET", "model-versions/get", name=GROUP, version=str(version))

    def list_page(self, token: str | None, *, approved: bool = False, descending: bool = False) -> Page:
        conditions = [f"tags.{self.APPROVAL_TAG} = 'Approved'"] if approved else []
        order = "version_number DESC" if descending else "version_number ASC"
        return self._search(self._filter(*conditions), token, order)

    def approve(self, version: int) -> None:
        self._call(
            "POST",
            "model-versions/set-tag",
            name=GROUP,
            version=str(version),
            key=self.APPROVAL_TAG,
            value="Approved",
        )

    def search(self, token: str | None) -> Page:
        """search_model_versions with three conditions: the model, the approval tag, the source."""
        conditions = (f"tags.{self.APPROVAL_TAG} = 'Approved'", f"source_path = '{self.source}'")
        return self._search(self._filter(*conditions), token, "version_number ASC")


# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Running:
    """A started target: a client for it, its server's pid, and the PostgreSQL database it uses if any."""

    adapter: Adapter
    pid: int
    database: str | None = None


@contextlib.contextmanager
def postgres_database(prefix: str = "registro_bench_") -> Iterator[str]:
    """A fresh PostgreSQL database for one run; yields its name, drops it afterwards."""
    name = prefix + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlalchemy_url(database: str) -> str:
    return (
        PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + database
    )


@contextlib.contextmanager
def registro(data_dir: Path, database: str | None = None) -> Iterator[Running]:
    """`registro serve` on data_dir (SQLite there, or the named PostgreSQL database)."""
    port = free_port()
    command = [str(REGISTRO), "serve", "--port", str(port), "--data-dir", str(data_dir)]
    if database:
        command += ["--database-url", sqlalchemy_url(database)]
    url = f"http://127.0.0.1:{port}"
    with serving(command, url + "/health", data_dir) as pid:
        yield Running(RegistroAdapter(url), pid, database)


@contextlib.contextmanager
def started(target: str) -> Iterator[Running]:
    """A fresh, empty instance of the named target (see TARGETS), stopped and removed afterwards."""
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"bench-{target}-")))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        if target == "registro-sqlite":
            yield stack.enter_context(registro(workdir))
        elif target == "registro-postgresql":
            yield stack.enter_context(registro(workdir, stack.enter_context(postgres_database())))
        elif target == "moto":
            command = [str(venv("moto") / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
            pid = stack.enter_context(serving(command, url + "/moto-api/data.json", workdir))
            yield Running(MotoAdapter(url), pid)
        elif target == "mlflow":
            # One worker, as Registro and moto serve from one process. With the default of 4, uvicorn's
            # worker sockets lack TCP_NODELAY and every keep-alive call waits for a delayed ACK (measured:
            # GET /health 44 ms with 4 workers, 1.2 ms with 1): the CPU per call is the same, the wall
            # time of MLflow's steps ten times longer.
            command = [
                str(venv("mlflow") / "bin" / "mlflow"), "server",
                "--backend-store-uri", f"sqlite:///{workdir}/mlflow.db",
                "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            ]  # fmt: skip
            env = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
            pid = stack.enter_context(serving(command, url + "/health", workdir, env))
            yield Running(MlflowAdapter(url), pid)
        else:
            raise ValueError(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
