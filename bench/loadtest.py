"""Server-only load test: `registro serve` alone on core 0, pre-signed requests replayed by wrk on core 1.

    fresh store (SQLite in a temporary folder | PostgreSQL database registro_load_<hex>, dropped after)
      → taskset -c 0 registro serve, poll /health
      → seed through boto3: one group, 2,000 versions (abalone-v1.json), every 4th approved
      → pre-sign raw HTTP/1.1 requests with botocore (serializer + SigV4Auth), one file per scenario
      → per scenario: warm-up, then taskset -c 1 wrk -s bench/loadtest.lua (keep-alive connections,
        cycling through the file); server CPU from /proc, wrk's CPU from wait4
           GET /health · DescribeModelPackage · ListModelPackages · Search · CreateModelPackage (8 conns)
      → creates: the group's versions are exactly 1..M and every ARN answered with 200 is listed
      → stop the server; a Markdown table per store; last, bench/ceiling.py on core 0, same generator

Nothing else is measured: the client's signing happens before the clock starts, and wrk runs on the
other core, so requests/s and latency are the server's (and, on PostgreSQL, the database's, whose
backends are not pinned and are counted in their own column). The GET /health and ceiling rows show
how far the generator reaches: if they run well above the API rows at low wrk CPU, wrk is not the limit.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
import peers
import psycopg
from botocore.auth import SigV4Auth
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
REGISTRO = ROOT / ".venv" / "bin" / "registro"
LUA, CEILING = BENCH / "loadtest.lua", BENCH / "ceiling.py"
FIXTURE = ROOT / "tests" / "fixtures" / "packages" / "abalone-v1.json"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ACCESS_KEY, SECRET_KEY, REGION = "AKIDLOADTEST", "secret", "us-east-1"

SERVER_CORE, GENERATOR_CORE = "0", "1"
GROUP, SEED, APPROVE_EVERY = "LoadGroup", 2000, 4
DESCRIBE_TARGETS = 1000  # distinct random versions, cycled
PAGE_SIZE, LIST_PAGES = 100, (1, 2, 5, 10, 20)  # page 1 has no NextToken, the others do
SEARCH_AFTER = (1, 500, 1000, 1500)  # CreationTime GreaterThan the creation of these versions
CREATE_CONNECTIONS = 8
# Creates carry a fresh ClientToken each (as boto3 sends), so none may be replayed: sign more than
# the server can answer: the best measured so far is ~1,350 creates/s (SQLite). A wrap stops the run.
CREATES_PER_SECOND_SIGNED = 3000
WARMUP_S = 2  # read scenarios only: fills caches and the connection pool, not counted
WRK_THREADS = 1  # one event loop saturates a Python server with room to spare (see the /health row)
START_DEADLINE_S, STOP_DEADLINE_S, SETTLE_DEADLINE_S = 60.0, 10.0, 30.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """One wrk run, as loadtest.lua's done() and /proc report it."""

    scenario: str
    connections: int
    requests: int = 0
    duration_s: float = 0.0  # wrk's own clock: from its first connection to the end
    wall_s: float = 0.0  # around the wrk process, start-up (reading the requests file) included
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    socket_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)  # non-200 answers by status
    sent: int = 0
    owned: int = 0
    arns: list[str] = field(default_factory=list)
    server_cpu_s: float = 0.0
    db_cpu_s: float | None = None  # every PostgreSQL process (see Postgres)
    db_started: int | None = None  # sessions opened to the run's database: the pool's new connections
    wrk_cpu_s: float = 0.0
    others_cpu_s: float = 0.0  # busy time of the machine not spent by the server, wrk, PostgreSQL or us


# --- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running(command: list[str], port: int, log: Path) -> Iterator[tuple[str, int]]:
    """`command` pinned to SERVER_CORE, ready when GET /health answers; yields (URL, pid); stopped after."""
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, *command], stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_DEADLINE_S
        while True:
            if server.poll() is not None:
                sys.exit(f"{command[0]} exited with {server.returncode}:\n{log.read_text()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/health", timeout=1) as answer:
                if answer.status == 200:
                    break
            if time.monotonic() > deadline:
                sys.exit(
                    f"{command[0]} did not answer /health within {START_DEADLINE_S} s:\n{log.read_text()}"
                )
            time.sleep(0.1)
        # taskset execs the command, so this pid is the server itself.
        assert os.sched_getaffinity(server.pid) == {int(SERVER_CORE)}, os.sched_getaffinity(server.pid)
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def cpu_seconds(pid: int) -> float:
    """utime+stime of one process (all its threads)."""
    # Fields after the ")" that ends comm: state is field 3, utime and stime are 14 and 15.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def busy_seconds() -> float:
    """CPU time the machine's processes used, and the time the hypervisor took (/proc/stat's first line).

    Interrupt time is left out: it is mostly the loopback traffic of the test itself, which no
    process's own CPU time includes.
    """
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + steal) / CLK_TCK


def own_seconds() -> float:
    """CPU time of this process (its reading of /proc and PostgreSQL while wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Postgres:
    """CPU time of the whole PostgreSQL server, and the sessions opened to one database, around a run.

    The server's pool opens and closes connections under load, and an exited backend's CPU time moves
    from its own /proc entry into the postmaster's cutime/cstime. So the CPU time is the postmaster's own
    and reaped-children time plus its live children's, minus what children that exited during the run
    had already used before it: every PostgreSQL process, other databases' included.
    """

    def __init__(self, database: str) -> None:
        self.database = database
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
            # Field 4 of /proc/<pid>/stat is the parent: the postmaster, which forks every backend.
            # Read while the connection is open: its backend exits when it closes.
            self.postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])

    def cpu(self) -> tuple[float, dict[int, float]]:
        """(postmaster utime+stime+cutime+cstime, {live child: utime+stime}) in seconds."""
        fields = Path(f"/proc/{self.postmaster}/stat").read_text().rsplit(")", 1)[1].split()
        own = sum(int(value) for value in fields[11:15]) / CLK_TCK
        live = {}
        for pid in map(
            int, Path(f"/proc/{self.postmaster}/task/{self.postmaster}/children").read_text().split()
        ):
            with contextlib.suppress(FileNotFoundError):
                live[pid] = cpu_seconds(pid)
        return own, live

    @contextlib.contextmanager
    def watching(self, run: Run) -> Iterator[None]:
        """Sets run.db_cpu_s and run.db_started for the time the block runs."""
        # One connection held across the run, so its own backend neither starts nor exits inside it.
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            query = "SELECT sessions FROM pg_stat_database WHERE datname = %s"
            sessions = conn.execute(query, (self.database,)).fetchone()[0]  # type: ignore[index]
            own, live = self.cpu()
            yield
            own_after, live_after = self.cpu()
            exited = sum(cpu for pid, cpu in live.items() if pid not in live_after)
            grown = sum(cpu - live.get(pid, 0.0) for pid, cpu in live_after.items())
            run.db_cpu_s = own_after - own - exited + grown
            # Backends count their session in shared statistics when they flush them (at exit, and
            # at most once a second otherwise): a backend that started in the last second may be missed.
            conn.execute("SELECT pg_stat_clear_snapshot()")
            run.db_started = conn.execute(query, (self.database,)).fetchone()[0] - sessions  # type: ignore[index]


# --- pre-signed requests --------------------------------------------------------------------------


class Signer:
    """Raw HTTP/1.1 requests built and signed the way a boto3 client builds and signs them."""

    def __init__(self, url: str) -> None:
        session = botocore.session.get_session()
        self.model = session.get_service_model("sagemaker")
        self.serializer = create_serializer(self.model.resolved_protocol, include_validation=True)
        self.auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), self.model.signing_name, REGION)
        self.url, self.host = url, urlsplit(url).netloc
        self.user_agent = session.user_agent()

    def call(self, operation: str, params: dict[str, Any]) -> bytes:
        request_dict = self.serializer.serialize_to_request(params, self.model.operation_model(operation))
        # Besides these, a boto3 client sends a fresh invocation id and the attempt count (signed too).
        request_dict["headers"]["amz-sdk-invocation-id"] = str(uuid.uuid4())
        request_dict["headers"]["amz-sdk-request"] = "attempt=1; max=1"
        prepare_request_dict(request_dict, endpoint_url=self.url, user_agent=self.user_agent)
        request = create_request_object(request_dict)
        self.auth.add_auth(request)
        prepared = request.prepare()
        body = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
        headers = {"Host": self.host, **dict(prepared.headers.items())}
        headers.setdefault("Content-Length", str(len(body)))
        parts = urlsplit(prepared.url)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        head = [f"{prepared.method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    def get(self, path: str) -> bytes:
        return f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode()


def write_requests(path: Path, requests: list[bytes]) -> Path:
    """The file loadtest.lua reads: "<byte length>\\n<raw request>" for each request."""
    with path.open("wb") as out:
        for raw in requests:
            out.write(b"%d\n" % len(raw) + raw)
    return path


def send_once(url: str, raw: bytes) -> tuple[int, bytes]:
    """One raw request on its own connection: (status, body). Checks a scenario before wrk replays it."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(raw)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, answer.read()


# --- seeding --------------------------------------------------------------------------------------


def client(url: str) -> Any:
    return boto3.session.Session().client(
        "sagemaker",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 0}),
    )


def all_versions(sm: Any) -> list[dict[str, Any]]:
    """Every version summary of the group, in pages of PAGE_SIZE."""
    summaries: list[dict[str, Any]] = []
    token: dict[str, str] = {}
    while True:
        page = sm.list_model_packages(ModelPackageGroupName=GROUP, MaxResults=PAGE_SIZE, **token)
        summaries += page["ModelPackageSummaryList"]
        if "NextToken" not in page:
            return summaries
        token = {"NextToken": page["NextToken"]}


def seed(sm: Any, body: dict[str, Any]) -> list[str]:
    """One group, SEED versions created one at a time, every APPROVE_EVERY-th approved; their ARNs."""
    sm.create_model_package_group(ModelPackageGroupName=GROUP)
    arns = [sm.create_model_package(**body)["ModelPackageArn"] for _ in range(SEED)]
    for arn in arns[APPROVE_EVERY - 1 :: APPROVE_EVERY]:
        sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    return arns


def scenarios(
    url: str, sm: Any, arns: list[str], body: dict[str, Any], duration: int
) -> dict[str, list[bytes]]:
    """The pre-signed requests of each scenario (and one extra create for the check before the run)."""
    signer, rng = Signer(url), random.Random(1)
    describe = [
        signer.call("DescribeModelPackage", {"ModelPackageName": arn})
        for arn in rng.sample(arns, DESCRIBE_TARGETS)
    ]
    tokens: list[dict[str, str]] = [{}]  # tokens[i] asks for page i + 1
    while True:
        page = sm.list_model_packages(ModelPackageGroupName=GROUP, MaxResults=PAGE_SIZE, **tokens[-1])
        if "NextToken" not in page:
            break
        tokens.append({"NextToken": page["NextToken"]})
    assert len(tokens) >= max(LIST_PAGES), f"only {len(tokens)} pages"
    listing = [
        signer.call(
            "ListModelPackages", {"ModelPackageGroupName": GROUP, "MaxResults": PAGE_SIZE, **tokens[page - 1]}
        )
        for page in LIST_PAGES
    ]
    searches = []
    for version in SEARCH_AFTER:
        created = sm.describe_model_package(ModelPackageName=arns[version - 1])["CreationTime"]
        filters = [
            {"Name": "ModelPackageGroupName", "Operator": "Equals", "Value": GROUP},
            {"Name": "ModelApprovalStatus", "Operator": "Equals", "Value": "Approved"},
            {
                "Name": "CreationTime",
                "Operator": "GreaterThan",
                "Value": created.astimezone(datetime.UTC).isoformat(),
            },
        ]
        params = {
            "Resource": "ModelPackage",
            "SearchExpression": {"Filters": filters},
            "MaxResults": PAGE_SIZE,
        }
        assert len(sm.search(**params)["Results"]) == PAGE_SIZE, params
        searches.append(signer.call("Search", params))
    creates = [
        signer.call("CreateModelPackage", body | {"ClientToken": str(uuid.uuid4())})
        for _ in range(CREATES_PER_SECOND_SIGNED * duration + 1)
    ]
    return {
        "GET /health": [signer.get("/health")],
        "DescribeModelPackage": describe,
        f"ListModelPackages ({len(LIST_PAGES)} pages)": listing,
        "Search (3 filters)": searches,
        "CreateModelPackage": creates,
    }


# --- one wrk run ----------------------------------------------------------------------------------


def replay(
    scenario: str,
    url: str,
    requests_file: Path,
    connections: int,
    duration: float,
    server_pid: int,
    postgres: Postgres | None,
    keep_arns: bool = False,
) -> Run:
    """wrk on GENERATOR_CORE for `duration` s over `connections` keep-alive connections."""
    command = [
        "taskset", "-c", GENERATOR_CORE, "wrk", "-t", str(WRK_THREADS), "-c", str(connections),
        "-d", f"{duration}s", "--timeout", "30s", "-s", str(LUA), url + "/",
        "--", str(requests_file), str(WRK_THREADS), *(["arns"] if keep_arns else []),
    ]  # fmt: skip
    run = Run(scenario, connections)
    watching = postgres.watching(run) if postgres else contextlib.nullcontext()
    server_before, busy_before, own_before = cpu_seconds(server_pid), busy_seconds(), own_seconds()
    started = time.perf_counter()
    with watching, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        wrk = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(wrk.pid, 0)  # wait4, not wait(): it also gives wrk's CPU time
        wrk.returncode = os.waitstatus_to_exitcode(status)
        run.wall_s = time.perf_counter() - started
        run.server_cpu_s = cpu_seconds(server_pid) - server_before
        busy, own = busy_seconds() - busy_before, own_seconds() - own_before
        out.seek(0)
        err.seek(0)
        output, errors = out.read().decode(), err.read().decode()
    if wrk.returncode != 0:
        sys.exit(f"wrk exited with {wrk.returncode}:\n{output}\n{errors}")
    run.wrk_cpu_s = usage.ru_utime + usage.ru_stime
    # run.db_cpu_s is set when `watching` ends.
    # /proc/stat counts per tick and the processes' times are exact, so this reads a few points off.
    run.others_cpu_s = max(0.0, busy - run.server_cpu_s - run.wrk_cpu_s - (run.db_cpu_s or 0.0) - own)
    for line in output.splitlines():
        key, _, value = line.partition(" ")
        if key == "arn":
            run.arns.append(value)
        elif key.startswith("status_"):
            run.statuses[int(key[7:])] = run.statuses.get(int(key[7:]), 0) + int(value)
        elif key in ("requests", "socket_errors", "sent", "owned"):
            setattr(run, key, getattr(run, key) + int(value))
        elif key == "duration_us":
            run.duration_s = int(value) / 1e6
        elif key in ("p50_us", "p99_us"):
            setattr(run, key[:3] + "_ms", int(value) / 1000)
    return run


# --- the stores -----------------------------------------------------------------------------------


def check_creates(sm: Any, seeded: int, answered: list[str]) -> str:
    """Versions exactly 1..M, every 200-answered ARN listed once; exits with the reason if not."""
    deadline = time.monotonic() + SETTLE_DEADLINE_S
    summaries = all_versions(sm)
    while True:  # creates in flight when wrk stopped may still commit: list until two listings agree
        again = all_versions(sm)
        if len(again) == len(summaries) or time.monotonic() > deadline:
            break
        summaries = again
    versions = sorted(s["ModelPackageVersion"] for s in again)
    listed = {s["ModelPackageArn"] for s in again}
    expected = list(range(1, len(versions) + 1))
    problems = []
    if versions != expected:
        duplicates = len(versions) - len(set(versions))
        missing = sorted(set(expected) - set(versions))[:10]
        problems.append(
            f"versions are not 1..{len(versions)}: {duplicates} duplicates, missing (first 10) {missing}"
        )
    if len(set(answered)) != len(answered):
        problems.append(f"{len(answered) - len(set(answered))} ARNs answered 200 more than once")
    absent = [arn for arn in answered if arn not in listed]
    if absent:
        problems.append(f"{len(absent)} ARNs answered 200 are not listed, e.g. {absent[:3]}")
    if problems:
        sys.exit("CreateModelPackage check failed: " + "; ".join(problems))
    return (
        f"Creates: the group holds versions 1..{len(versions)}, no duplicates, no gaps ({seeded} seeded); "
        f"all {len(answered)} creates answered 200 are listed; "
        f"{len(versions) - seeded - len(answered)} more committed (the check's own create and requests in "
        "flight when wrk stopped)."
    )


def profiled(pid: int, duration: float, out: Path | None) -> contextlib.AbstractContextManager[object]:
    """py-spy sampling the server for `duration` s into `out` (collapsed stacks), or nothing."""
    if out is None:
        return contextlib.nullcontext()
    command = [
        "taskset", "-c", GENERATOR_CORE, str(ROOT / ".venv" / "bin" / "py-spy"), "record", "--pid", str(pid),
        "--duration", str(int(duration)), "--format", "raw", "--output", str(out), "--nonblocking",
    ]  # fmt: skip
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @contextlib.contextmanager
    def waiting() -> Iterator[object]:
        yield recorder
        recorder.wait()

    return waiting()


def bench_store(
    store: str, duration: int, connections: int, work: Path, only: list[str], profile: Path | None
) -> tuple[list[Run], str]:
    with contextlib.ExitStack() as stack:
        data_dir = work / store
        data_dir.mkdir()
        port = free_port()
        command = [str(REGISTRO), "serve", "--port", str(port), "--data-dir", str(data_dir)]
        postgres = None
        if store == "postgresql":
            database = stack.enter_context(peers.postgres_database("registro_load_"))
            command += ["--database-url", f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"]
            postgres = Postgres(database)
        url, pid = stack.enter_context(running(command, port, data_dir / "server.log"))
        sm, body = client(url), json.loads(FIXTURE.read_text()) | {"ModelPackageGroupName": GROUP}
        started = time.perf_counter()
        arns = seed(sm, body)
        print(f"{store}: seeded {SEED} versions in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        runs: list[Run] = []
        for scenario, requests in scenarios(url, sm, arns, body, duration).items():
            if only and not any(scenario.lower().startswith(prefix.lower()) for prefix in only):
                continue
            creates = scenario == "CreateModelPackage"
            status, answer = send_once(url, requests.pop() if creates else requests[0])
            if status != 200:
                sys.exit(f"{scenario}: the pre-signed request answered {status}: {answer[:500]!r}")
            path = write_requests(work / f"{store}-{len(runs)}.requests", requests)
            conns = CREATE_CONNECTIONS if creates else connections
            if not creates:
                replay(scenario, url, path, conns, WARMUP_S, pid, None)
            print(f"{store}: {scenario}, {duration} s over {conns} connections", file=sys.stderr)
            out = profile / f"{store}-{scenario.split()[0]}.txt" if profile else None
            with profiled(pid, duration, out):
                runs.append(replay(scenario, url, path, conns, duration, pid, postgres, keep_arns=creates))
            if creates and runs[-1].sent > runs[-1].owned:
                sys.exit(
                    f"wrk sent {runs[-1].sent} creates but only {runs[-1].owned} were signed: raise "
                    "CREATES_PER_SECOND_SIGNED so that no ClientToken is sent twice"
                )
        if not runs or runs[-1].scenario != "CreateModelPackage":
            return runs, "Creates: not run."
        return runs, check_creates(sm, SEED, runs[-1].arns)


def bench_ceiling(duration: int, connections: int, work: Path) -> Run:
    data_dir = work / "ceiling"
    port = free_port()
    command = [
        str(PYTHON),
        str(CEILING),
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--rows",
        str(SEED),
    ]
    with running(command, port, work / "ceiling.log") as (url, pid):
        signer, rng = Signer(url), random.Random(1)
        path = write_requests(
            work / "ceiling.requests",
            [signer.get(f"/docs/{rng.randint(1, SEED)}") for _ in range(DESCRIBE_TARGETS)],
        )
        replay("ceiling", url, path, connections, WARMUP_S, pid, None)
        print(f"ceiling: {duration} s over {connections} connections", file=sys.stderr)
        return replay(
            "ceiling.py: GET /docs/{id}, 4.5 KB from SQLite", url, path, connections, duration, pid, None
        )


# --- the report -----------------------------------------------------------------------------------


def table(title: str, runs: list[Run]) -> str:
    lines = [
        f"### {title}",
        "",
        (
            "| scenario | conns | requests | req/s | p50 ms | p99 ms | non-200 | socket errors "
            "| server CPU ms/req | PG CPU ms/req | PG conns opened "
            "| server CPU % | wrk CPU % | others CPU % |"
        ),
        "| --- |" + " ---: |" * 13,
    ]
    for r in runs:
        per = 1000 / max(r.requests, 1)
        non_200 = sum(r.statuses.values())
        shown = str(non_200) + (
            " (" + ", ".join(f"{s}: {n}" for s, n in sorted(r.statuses.items())) + ")" if non_200 else ""
        )
        pg = ("–", "–") if r.db_cpu_s is None else (f"{r.db_cpu_s * per:.2f}", str(r.db_started))
        shares = (r.server_cpu_s, r.wrk_cpu_s, r.others_cpu_s)
        lines.append(
            f"| {r.scenario} | {r.connections} | {r.requests} | {r.requests / r.duration_s:.0f} "
            f"| {r.p50_ms:.1f} | {r.p99_ms:.1f} | {shown} | {r.socket_errors} | {r.server_cpu_s * per:.2f} "
            f"| {pg[0]} | {pg[1]} "
            + "".join(f"| {100 * seconds / r.wall_s:.0f} " for seconds in shares)
            + "|"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--connections", type=int, default=64, help="connections for reads (default 64)")
    parser.add_argument(
        "--only", default="", help="scenarios whose names start with these, comma-separated (e.g. Describe,List)"
    )
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare Starlette calibration")
    parser.add_argument(
        "--profile", type=Path, help="folder for py-spy's collapsed stacks of the server, one file per scenario"
    )
    args = parser.parse_args()
    only = [name for name in args.only.split(",") if name]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if not {int(SERVER_CORE), int(GENERATOR_CORE)} <= os.sched_getaffinity(0):
        sys.exit(f"needs cores {SERVER_CORE} and {GENERATOR_CORE}: the server runs on one, wrk on the other")
    # This process (seeding, signing, sampling) stays off the server's core too.
    os.sched_setaffinity(0, {int(GENERATOR_CORE)})
    wrk_version = (
        subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        .stdout.split("[")[0]
        .strip()
    )
    setting = (
        f"nproc {os.cpu_count()}, Python {platform.python_version()}, {wrk_version} "
        f"(-t {WRK_THREADS}), {args.duration} s per scenario, {datetime.date.today().isoformat()}"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="registro-loadtest-") as tmp:
        work = Path(tmp)
        for store in ("sqlite", "postgresql") if args.store == "both" else (args.store,):
            load = os.getloadavg()[0]
            runs, creates = bench_store(store, args.duration, args.connections, work, only, args.profile)
            print(
                table(f"{store}: {setting}, load average before {load:.2f}", runs) + "\n\n" + creates + "\n",
                flush=True,
            )
        if not args.no_ceiling:
            ceiling = bench_ceiling(args.duration, args.connections, work)
            print(
                table(f"calibration: bare Starlette + uvicorn on one core, {setting}", [ceiling]) + "\n",
                flush=True,
            )
    print(f"wall time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
