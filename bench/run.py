"""Peer benchmark: one fixed workload against Registro (SQLite, PostgreSQL), moto and MLflow, side by side.

    peers' venvs (bench/.venvs/moto, bench/.venvs/mlflow: pip, on first use, both at once)
    for N in (1,000, 10,000), for each target (peers.TARGETS):
        a fresh, empty server on a free loopback port (peers.started) → ready and quiet
          → create group → create N versions one at a time → describe 1,000 random
          → list all (pages of 100) → approve 200 → 8 clients create N more
          → list the approved ones → Search with three filters → checks → stop → one table
    Registro alone, per store: bulk_load.py writes 1,000,000 versions → serve → describe 1,000 random,
        list the first page, walk every page by NextToken, the last page again by its token,
        Search with three filters → one table
    summary: server CPU per operation and the moto/Registro and MLflow/Registro ratios;
        Registro's cost per operation at 1,000, 10,000 and 1,000,000 versions

Each step reports client-side throughput and p50/p95/p99 latency, the server's CPU time per operation
(utime+stime of its whole process tree from /proc, before and after the step; on PostgreSQL also of the
database's backends serving it, in a column of their own) and the tree's peak resident memory. Server CPU
per operation is the number to compare: client and server share this 2-core machine, so throughput and
latency measure the client and the contention as much as the server.

    .venv/bin/python bench/run.py                 # the full run (13 minutes; 16 the first time)
    .venv/bin/python bench/run.py --quick         # N=1,000 only, no million-version database
    .venv/bin/python bench/run.py --targets moto,mlflow --n 1000
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import bulk_load
import peers
import psycopg
from peers import Adapter, NotSupported, Page, Running

DESCRIBES, APPROVALS, CLIENTS = 1000, 200, 8
REPEATS = 10  # walks of the approved list and of the Search: each is two or three calls only
PAGE_REPEATS = 1000  # first and last page calls on the million-version database: /proc counts CPU in
# 10 ms ticks, and 20 calls of ~0.5 ms were one tick (last page "0.00" against page 1 "0.50"); 200 still
# gave 0.35 against 0.55 where in-process the two pages cost 141 and 149 µs
MILLION = 1_000_000
SUMMARY_OPS = ("describe", "list page", "create", "search")


# --- measuring ----------------------------------------------------------------------------------


class Recorder:
    """Times calls; a call that fails with one of the target's failures is counted, not timed."""

    def __init__(self, failures: tuple[type[Exception], ...]) -> None:
        self.failures = failures
        self.latencies: list[float] = []  # list.append is atomic: threads share one recorder
        self.errors: list[str] = []

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = function(*args, **kwargs)
        except self.failures as exc:
            self.errors.append(f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
            return None
        self.latencies.append(time.perf_counter() - start)
        return result

    def walk(self, page: Callable[[str | None], Page]) -> list[int]:
        """Every version of a paged answer, page after page, each page one timed call."""
        versions: list[int] = []
        token: str | None = None
        while True:
            answer = self.call(page, token)
            if answer is None:
                return versions
            versions += answer[0]
            token = answer[1]
            if not token:
                return versions


class Probe:
    """The server's CPU and memory, from /proc: its process tree, and on PostgreSQL the backends of its
    database (found in pg_stat_activity, counted per pid so a backend that starts mid-step counts whole)."""

    def __init__(self, running: Running) -> None:
        self.pid = running.pid
        self.database = running.database
        self.admin = psycopg.connect(peers.PG_ADMIN_URL, autocommit=True) if self.database else None

    def close(self) -> None:
        if self.admin:
            self.admin.close()

    def server_cpu(self) -> float:
        return peers.cpu_seconds(peers.process_tree(self.pid))

    def db_cpu(self) -> dict[int, float]:
        if self.admin is None:
            return {}
        found = self.admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,))
        return {pid: peers.cpu_seconds([pid]) for (pid,) in found.fetchall()}

    def memory(self) -> tuple[float, int]:
        """(sum of VmHWM over the process tree in MB, number of processes)."""
        tree = peers.process_tree(self.pid)
        kb = 0
        for pid in tree:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        kb += int(line.split()[1])
        return kb / 1024, len(tree)


@dataclass
class Row:
    step: str
    kind: str  # the summary's name for the operation ("describe", "create", ...), "" for none
    latencies_s: list[float]
    errors: list[str]
    wall_s: float
    server_cpu_s: float
    db_cpu_s: float | None
    peak_mb: float
    processes: int
    na: bool = False  # the target has no such operation
    units: int | None = None  # operations for the summary when they are not single calls (a paged walk)

    @property
    def ops(self) -> int:
        return len(self.latencies_s)

    def cpu_ms_per_unit(self) -> float | None:
        """Server CPU (database backends included) per operation as the summary counts them."""
        units = self.units or self.ops
        if self.na or not units:
            return None
        return (self.server_cpu_s + (self.db_cpu_s or 0.0)) / units * 1000


class Step(NamedTuple):
    name: str
    kind: str  # the summary's name for it, "" for none
    work: Callable[[Recorder], object]
    units: int | None = None  # see Row.units


def measure(step: Step, probe: Probe, adapter: Adapter) -> Row:
    """Run the step with a fresh recorder and read the server's counters around it."""
    recorder = Recorder(adapter.failures)
    db_before, cpu_before, start = probe.db_cpu(), probe.server_cpu(), time.perf_counter()
    na = False
    try:
        step.work(recorder)
    except NotSupported:
        na = True
    wall, cpu_after, db_after = time.perf_counter() - start, probe.server_cpu(), probe.db_cpu()
    db = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items()) if probe.database else None
    peak_mb, processes = probe.memory()
    return Row(
        step.name, step.kind, recorder.latencies, recorder.errors, wall, cpu_after - cpu_before, db,
        peak_mb, processes, na, step.units,
    )  # fmt: skip


# --- the workloads ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One target's run: its steps, what the checks found, how long it took."""

    target: str
    versions: int
    rows: list[Row] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    ok: bool = True
    ready_s: float = 0.0
    steps_s: float = 0.0
    other_cpu_s: float = 0.0  # CPU time that neither the server, its database nor the client used
    note: str = ""

    def check(self, what: str, problem: str | None) -> None:
        self.checks.append(f"FAILED {what}: {problem}" if problem else f"ok {what}")
        self.ok = self.ok and problem is None

    def row(self, kind: str) -> Row | None:
        return next((row for row in self.rows if row.kind == kind), None)


def machine_busy_s() -> float:
    """CPU time all cores spent on anything but idle and iowait since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / peers.CLK_TCK


def own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def run_steps(outcome: Outcome, running: Running, steps: list[Step]) -> None:
    """Measure each step; then how much CPU the rest of the machine used meanwhile (it should be ~0)."""
    probe = Probe(running)
    busy, own = machine_busy_s(), own_cpu_s()
    try:
        for step in steps:
            outcome.rows.append(measure(step, probe, running.adapter))
    finally:
        probe.close()
    server = sum(row.server_cpu_s + (row.db_cpu_s or 0.0) for row in outcome.rows)
    outcome.other_cpu_s = max(0.0, machine_busy_s() - busy - (own_cpu_s() - own) - server)
    for row in outcome.rows:
        if row.errors:
            outcome.check(row.step, f"{len(row.errors)} calls failed, the first with {row.errors[0]}")


def same_versions(walks: list[list[int]], expected: Sequence[int]) -> str | None:
    """None when every walk gave exactly the expected versions."""
    bad = [walk for walk in walks if sorted(walk) != sorted(expected)]
    if not bad:
        return None
    return f"{len(bad)} of {len(walks)} walks wrong; one gave {len(bad[0])} versions, not {len(expected)}"


def exactly_one_to(versions: Sequence[int], last: int) -> str | None:
    """None when versions are exactly 1..last."""
    if sorted(versions) == list(range(1, last + 1)):
        return None
    counts = collections.Counter(versions)
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    missing = sorted(set(range(1, last + 1)) - set(counts))
    return f"{duplicates} duplicates, {len(missing)} missing (first {missing[:5]})"


def concurrency_problem(answered: list[int], listed: list[int]) -> str | None:
    """After all creates: no duplicates (two creates answered one number), no gaps (the listed numbers
    are 1..max), no lost writes (as many versions listed as creates answered)."""
    duplicates = len(answered) - len(set(answered))
    gaps = len(set(range(1, max(listed, default=0) + 1)) - set(listed))
    lost = len(answered) - len(set(listed))
    if not (duplicates or gaps or lost or len(listed) != len(set(listed))):
        return None
    return f"{duplicates} duplicate numbers answered, {gaps} gaps, {max(lost, 0)} lost writes"


class Workload:
    """The fixed workload on a fresh target (see the module docstring), and its checks."""

    def __init__(self, target: str, running: Running, n: int) -> None:
        self.running, self.adapter, self.n = running, running.adapter, n
        self.rng = random.Random(1)
        self.outcome = Outcome(target, n)
        self.created: list[int] = []  # the numbers the target answered, sequential creates
        self.concurrent: list[int] = []  # and concurrent ones
        self.approved: list[int] = []
        self.walks: dict[str, list[list[int]]] = {"all": [], "approved": [], "search": []}

    def run(self) -> Outcome:
        n = self.n
        run_steps(self.outcome, self.running, [
            Step("create group", "", lambda rec: rec.call(self.adapter.create_group)),
            Step(f"create {n:,} versions", "create", self.create_sequential),
            Step(f"describe {DESCRIBES:,} random", "describe", self.describe),
            Step(f"list {n:,} (pages of {peers.PAGE_SIZE})", "list page", self.list_all),
            Step(f"approve {min(APPROVALS, n)}", "approve", self.approve),
            Step(f"create {n:,} more, {CLIENTS} clients", "create, concurrent", self.create_concurrent),
            Step(f"list approved, {REPEATS} times", "list approved", self.list_approved, REPEATS),
            Step(f"search 3 filters, {REPEATS} times", "search", self.search, REPEATS),
        ])  # fmt: skip
        final = Recorder(self.adapter.failures).walk(self.adapter.list_page)
        self.check(final)
        return self.outcome

    def create_sequential(self, rec: Recorder) -> None:
        answered = (rec.call(self.adapter.create_version) for _ in range(self.n))
        self.created += [v for v in answered if v is not None]

    def describe(self, rec: Recorder) -> None:
        for version in self.rng.choices(self.created, k=DESCRIBES):
            rec.call(self.adapter.describe, version)

    def list_all(self, rec: Recorder) -> None:
        self.walks["all"].append(rec.walk(self.adapter.list_page))

    def approve(self, rec: Recorder) -> None:
        self.approved = self.rng.sample(self.created, k=min(APPROVALS, len(self.created)))
        for version in self.approved:
            rec.call(self.adapter.approve, version)

    def create_concurrent(self, rec: Recorder) -> None:
        """CLIENTS threads, each with its own client, creating n versions in all."""
        # Made one at a time: boto3's client creation is not thread-safe.
        clients = [self.adapter.another() for _ in range(CLIENTS)]
        shares = [self.n // CLIENTS + (i < self.n % CLIENTS) for i in range(CLIENTS)]

        def create(client: Adapter, count: int) -> list[int]:
            return [v for v in (rec.call(client.create_version) for _ in range(count)) if v is not None]

        with ThreadPoolExecutor(CLIENTS) as pool:
            self.concurrent += [v for share in pool.map(create, clients, shares) for v in share]

    def list_approved(self, rec: Recorder) -> None:
        for _ in range(REPEATS):
            self.walks["approved"].append(
                rec.walk(lambda token: self.adapter.list_page(token, approved=True))
            )

    def search(self, rec: Recorder) -> None:
        for _ in range(REPEATS):
            self.walks["search"].append(rec.walk(self.adapter.search))

    def check(self, final: list[int]) -> None:
        check = self.outcome.check
        check(f"sequential creates answered 1..{self.n:,}", exactly_one_to(self.created, self.n))
        check("list all gave every version once", same_versions(self.walks["all"], self.created))
        answered = self.created + self.concurrent
        check(
            "no duplicates, no gaps, no lost writes after the concurrent creates "
            f"({len(answered):,} creates answered, {len(set(final)):,} versions listed)",
            concurrency_problem(answered, final),
        )
        check(
            "list approved gave the approved versions", same_versions(self.walks["approved"], self.approved)
        )
        if self.outcome.rows[-1].na:
            self.outcome.checks.append("search n/a: the target has no Search for model packages")
        else:
            check("search gave the approved versions", same_versions(self.walks["search"], self.approved))


class MillionWorkload:
    """Registro on a bulk-loaded database: what describe, a list page and Search cost at that size."""

    def __init__(self, target: str, running: Running, versions: int) -> None:
        self.running, self.adapter, self.versions = running, running.adapter, versions
        self.rng = random.Random(1)
        self.outcome = Outcome(target, versions)
        self.pages: dict[bool, list[list[int]]] = {False: [], True: []}  # first pages, last pages
        self.walked: list[int] = []
        self.last_token: str | None = None  # the NextToken that fetches the last page
        self.searches: list[list[int]] = []

    def run(self) -> Outcome:
        run_steps(self.outcome, self.running, [
            Step(f"describe {DESCRIBES:,} random", "describe", self.describe),
            Step(f"list first page, {PAGE_REPEATS} times", "list page", self.first_pages),
            Step("list every page in order (NextToken walk)", "list walk", self.walk_pages),
            Step(f"list last page (its NextToken), {PAGE_REPEATS} times", "list last page", self.last_pages),
            Step(f"search 3 filters, {REPEATS} times", "search", self.search, REPEATS),
        ])  # fmt: skip
        size = min(peers.PAGE_SIZE, self.versions)
        first, last = list(range(1, size + 1)), list(range(self.versions - size + 1, self.versions + 1))
        self.outcome.check(f"first page is versions 1..{size}", same_versions(self.pages[False], first))
        in_order = self.walked == list(range(1, self.versions + 1))
        self.outcome.check(
            f"the walk gave versions 1..{self.versions:,} once each, in order",
            None if in_order else f"{len(self.walked):,} versions, {len(set(self.walked)):,} distinct",
        )
        self.outcome.check(f"last page is the newest {size}", same_versions(self.pages[True], last))
        every = bulk_load.approval_every(self.versions)
        approved = [v for v in range(1, self.versions + 1) if v % every == 0]
        self.outcome.check(
            f"search gave the {len(approved)} approved versions", same_versions(self.searches, approved)
        )
        return self.outcome

    def describe(self, rec: Recorder) -> None:
        for version in self.rng.choices(range(1, self.versions + 1), k=DESCRIBES):
            rec.call(self.adapter.describe, version)

    def first_pages(self, rec: Recorder) -> None:
        for _ in range(PAGE_REPEATS):
            page = rec.call(self.adapter.list_page, None)
            self.pages[False].append(page[0] if page else [])

    def walk_pages(self, rec: Recorder) -> None:
        """Page after page to the end, keeping the token of the last one."""
        token: str | None = None
        while True:
            page = rec.call(self.adapter.list_page, token)
            if page is None:
                return
            self.walked += page[0]
            if not page[1]:
                self.last_token = token
                return
            token = page[1]

    def last_pages(self, rec: Recorder) -> None:
        for _ in range(PAGE_REPEATS):
            page = rec.call(self.adapter.list_page, self.last_token) if self.last_token else None
            self.pages[True].append(page[0] if page else [])

    def search(self, rec: Recorder) -> None:
        for _ in range(REPEATS):
            self.searches.append(rec.walk(self.adapter.search))


def bench_target(target: str, n: int) -> Outcome:
    start = time.perf_counter()
    with peers.started(target) as running:
        ready = time.perf_counter()
        outcome = Workload(target, running, n).run()
    outcome.ready_s, outcome.steps_s = ready - start, time.perf_counter() - ready
    return outcome


def database_size_mb(data_dir: Path, database: str | None) -> float:
    if database is None:
        return sum(f.stat().st_size for f in data_dir.glob("registro.db*")) / 2**20
    with psycopg.connect(peers.PG_ADMIN_URL) as conn:
        size = conn.execute("SELECT pg_database_size(%s)", (database,)).fetchone()
    return float(size[0] if size else 0) / 2**20


def bench_million(target: str, versions: int) -> Outcome:
    """Bulk-load `versions` versions into a fresh Registro database, then serve and measure it."""
    with contextlib.ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"bench-million-{target}-")))
        database = stack.enter_context(peers.postgres_database()) if target == "registro-postgresql" else None
        url = peers.sqlalchemy_url(database) if database else f"sqlite:///{data_dir}/registro.db"
        start = time.perf_counter()
        bulk_load.load_versions(url, versions)
        built = time.perf_counter()
        running = stack.enter_context(peers.registro(data_dir, database))
        ready = time.perf_counter()
        outcome = MillionWorkload(target, running, versions).run()
        outcome.ready_s, outcome.steps_s = ready - built, time.perf_counter() - ready
        outcome.note = (
            f"Built by bench/bulk_load.py in {built - start:.0f} s; "
            f"database {database_size_mb(data_dir, database):,.0f} MB."
        )
    return outcome


# --- the report ---------------------------------------------------------------------------------

LABELS = {
    "registro-sqlite": "Registro, SQLite",
    "registro-postgresql": "Registro, PostgreSQL",
    "moto": f"moto ({peers.PEER_REQUIREMENTS['moto']}, moto_server, in memory)",
    "mlflow": f"MLflow ({peers.PEER_REQUIREMENTS['mlflow']}, mlflow server, SQLite)",
}
STEP_COLUMNS = (
    "step", "ops", "errors", "ops/s", "p50 ms", "p95 ms", "p99 ms", "server CPU ms/op", "db CPU ms/op",
    "peak RSS MB",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "operation", "N", "Registro SQLite", "Registro PostgreSQL", "moto", "MLflow", "moto / Registro",
    "MLflow / Registro",
)  # fmt: skip
GROWTH_KINDS = ("describe", "list page", "list walk", "list last page", "search")
SUMMARY_NOTE = (
    "describe and create: one call; list page: one page of 100; search: one whole Search, every page of its "
    "200 hits. Ratios are against Registro on SQLite: above 1× the peer spends more server CPU."
)
GROWTH_NOTE = (
    "With N versions made over HTTP, describe and list run on N versions and Search on 2N; on the "
    "bulk-loaded databases list page is page 1, list walk every page of 100 in order (mean), and list last "
    "page the last one, fetched by its NextToken."
)


def md(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def md_header(columns: Sequence[str]) -> list[str]:
    """A Markdown table's header and alignment lines: the first column left, the others right."""
    return [md(columns), md(["---"] + ["---:"] * (len(columns) - 1))]


def percentile_ms(latencies: list[float], p: int) -> float:
    if len(latencies) == 1:
        return latencies[0] * 1000
    return statistics.quantiles(latencies, n=100, method="inclusive")[p - 1] * 1000


def row_line(row: Row) -> str:
    if row.na:
        return md([row.step, "n/a"] + [""] * (len(STEP_COLUMNS) - 2))
    ops = row.ops
    if not ops:
        return md(
            [row.step, "0", f"{len(row.errors):,}"]
            + ["–"] * (len(STEP_COLUMNS) - 4)
            + [f"{row.peak_mb:,.0f}"]
        )
    cells = [row.step, f"{ops:,}", f"{len(row.errors):,}", f"{ops / row.wall_s:,.0f}"]
    cells += [f"{percentile_ms(row.latencies_s, p):.1f}" for p in (50, 95, 99)]
    cells.append(f"{row.server_cpu_s / ops * 1000:.2f}")
    cells.append("–" if row.db_cpu_s is None else f"{row.db_cpu_s / ops * 1000:.2f}")
    cells.append(f"{row.peak_mb:,.0f}")
    return md(cells)


def table(outcome: Outcome) -> str:
    processes = max((row.processes for row in outcome.rows), default=0)
    about = (
        f"Server: {processes} process{'es' if processes > 1 else ''}, ready in {outcome.ready_s:.1f} s; "
        f"steps took {outcome.steps_s:.1f} s, while other processes used {outcome.other_cpu_s:.1f} CPU s. "
        f"{outcome.note}"
    )
    return "\n".join([
        f"### {LABELS[outcome.target]}, N={outcome.versions:,}",
        "",
        about.rstrip(),
        "",
        *md_header(STEP_COLUMNS),
        *(row_line(row) for row in outcome.rows),
        "",
        *(f"- {check}" for check in outcome.checks),
    ])  # fmt: skip


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def ratio(value: float | None, base: float | None) -> str:
    return "n/a" if value is None or not base else f"{value / base:.1f}×"


def cpu_of(outcomes: list[Outcome], target: str, n: int, kind: str) -> float | None:
    """Server CPU ms per operation of that kind (database backends included), or None."""
    for outcome in outcomes:
        row = outcome.row(kind) if outcome.target == target and outcome.versions == n else None
        if row:
            return row.cpu_ms_per_unit()
    return None


def summary(outcomes: list[Outcome], ns: list[int]) -> str:
    """Server CPU per operation side by side, and the peers' ratios to Registro on SQLite."""
    lines = [
        "### Server CPU per operation (ms; PostgreSQL: Registro and its database backends together)",
        "",
        *md_header(SUMMARY_COLUMNS),
    ]
    for kind in SUMMARY_OPS:
        for n in ns:
            values = {t: cpu_of(outcomes, t, n, kind) for t in peers.TARGETS}
            base = values["registro-sqlite"]
            cells = [kind, f"{n:,}", *(ms(values[t]) for t in peers.TARGETS)]
            lines.append(md(cells + [ratio(values["moto"], base), ratio(values["mlflow"], base)]))
    lines += ["", SUMMARY_NOTE]
    return "\n".join(lines)


def growth(outcomes: list[Outcome]) -> str:
    """Registro's server CPU per operation as the group grows, per store."""
    lines = [
        "### Registro: server CPU per operation as the group grows (ms)",
        "",
        *md_header(("store", "versions", *GROWTH_KINDS)),
    ]
    for target in ("registro-sqlite", "registro-postgresql"):
        for outcome in sorted((o for o in outcomes if o.target == target), key=lambda o: o.versions):
            cells = [ms(row.cpu_ms_per_unit()) if (row := outcome.row(k)) else "–" for k in GROWTH_KINDS]
            lines.append(md([LABELS[target], f"{outcome.versions:,}", *cells]))
    lines += ["", GROWTH_NOTE]
    return "\n".join(lines)


# --- the command --------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", default="1000,10000", help="versions per create step, comma-separated (default 1000,10000)"
    )
    parser.add_argument(
        "--targets", default=",".join(peers.TARGETS), help=f"comma-separated, of {', '.join(peers.TARGETS)}"
    )
    parser.add_argument(
        "--million", type=int, default=None,
        help=f"versions in Registro's bulk-loaded database (default {MILLION:,}; 0 skips it)",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true", help="N=1000 only, no bulk-loaded database (unless --million)"
    )
    args = parser.parse_args()
    args.ns = [1000] if args.quick else [int(n) for n in args.n.split(",")]
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = sorted(set(args.targets) - set(peers.TARGETS))
    if unknown:
        parser.error(f"unknown targets {unknown}; choose from {', '.join(peers.TARGETS)}")
    if args.million is None:
        args.million = 0 if args.quick else MILLION
    return args


@contextlib.contextmanager
def stopwatch(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"_{label}: {time.perf_counter() - start:.1f} s_\n", flush=True)


def main() -> None:
    args = arguments()
    start = time.perf_counter()
    print(
        f"## Registro peer benchmark: nproc {len(os.sched_getaffinity(0))}, "
        f"Python {platform.python_version()}, "
        f"{datetime.date.today().isoformat()}\n",
        flush=True,
    )
    installed = peers.ensure_venvs([t for t in args.targets if t in peers.PEER_REQUIREMENTS])
    if installed:
        print(f"_peer venvs installed in {installed:.1f} s_\n", flush=True)
    outcomes: list[Outcome] = []
    for n in args.ns:
        for target in args.targets:
            outcomes.append(bench_target(target, n))
            print(table(outcomes[-1]) + "\n", flush=True)
    for target in (t for t in args.targets if t.startswith("registro") and args.million):
        outcomes.append(bench_million(target, args.million))
        print(table(outcomes[-1]) + "\n", flush=True)
    print(summary(outcomes, args.ns) + "\n")
    if any(o.target.startswith("registro") for o in outcomes):
        print(growth(outcomes) + "\n")
    print(f"wall time {time.perf_counter() - start:.1f} s")
    failed = [o for o in outcomes if o.target.startswith("registro") and not o.ok]
    if failed:
        sys.exit(f"Registro failed a check: {', '.join(f'{o.target} N={o.versions}' for o in failed)}")


if __name__ == "__main__":
    main()
