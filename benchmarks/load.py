"""Mixed API traffic at a fixed rate, with the worker running, while Amazon is instant and
while it takes 15 s to answer, and a one-row listing submission with
50,000 SKUs pending. Ratios measured side by side in one run.

The server is sellerlink (`create_app`, uvicorn, its in-process worker on) over 50
connections with a year of history (benchmarks/api_read.py's seed), its Amazon the HTTP
sandbox on a loopback port; each connection's SP-API grant carries a refresh token the
sandbox minted, so the worker refreshes, sets up marketplaces, syncs and sends listing
batches (batch window 1 s) against it. The client is a Python open-loop generator in its
own process: request i is due at start + i/rate and its latency counts from then (a late
send is the server's fault too). The server is pinned to core 0 and the client with the
sandbox to core 1 (`taskset`, `sched_setaffinity`) when the machine has two cores.

Per request, in a cycle of 20: 7 x GET /connections?limit=50, 4 x GET /connections/{id},
3 x GET .../marketplaces, 4 x GET .../events?limit=20, 1 x PUT .../listing-settings (a
new inventory_buffer, the "unrelated write") and 1 x PUT .../listings (one new SKU, which
the worker then sends to Amazon). After the timed window, every acknowledged write is read
back: a settings value that is not the last one acknowledged, or a SKU that is not there,
is a lost write.

Phases, on SQLite and on PostgreSQL: Amazon instant, Amazon answering every call in 15 s
(the sandbox's latency fault on every family), then both again, so neither side of the
ratio is the one that ran first. Before each phase the worker has caught up: the server
reports its worker's passes (a file in its data dir) and the clock starts only after two
passes in a row found nothing to do (the start-up backlog of refreshes and setups, or the
sends a previous phase left, are done). The writes' p99 with Amazon slow over their p99
with Amazon instant, each over both of its phases, is the ratio (target <= 2). The server's
load average is printed with each phase: the machine is shared. Then, in process, the median time
of a one-row submission with 50,000 SKUs of the connection pending over the same with none
pending (target <= 2), and the process's peak memory growth.

Run: `.venv/bin/python benchmarks/load.py [--duration 60] [--rate 200] [--skip-postgres]
[--only sqlite|postgres] [--part traffic|submission]`. The default duration (10 s a phase)
keeps `make bench` short; the issue's figure is 60 s. `--only` and `--part` run a piece of
it while working on one figure.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import logging
import os
import queue
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_read import (  # noqa: E402
    CONNECTIONS,
    OWNER,
    SECRET,
    TEAM,
    ads_account_id,
    seed,
    seller_id,
    server_settings,
)
from harness.server import (  # noqa: E402
    container_on,
    free_port,
    server_options,
    stop,
    wait_until_serving,
)

US = "ATVPDKIKX0DER"
SLOW_SECONDS = 15.0
CYCLE: tuple[str, ...] = ("list",) * 7 + ("show",) * 4 + ("marketplaces",) * 3 + ("events",) * 4
CYCLE += ("settings", "listing")
WRITES = ("settings", "listing")
CLIENT_THREADS = 48

# --------------------------------------------------------------------------- the server


WORKER_FILE = "worker.json"  # in the server's data dir: its worker's passes so far
IDLE_PASSES = 2  # passes in a row that found nothing to do: the worker has caught up
WARM_UP_LIMIT = 600.0  # seconds; a worker that never catches up fails the run


def serve(url: str, data_dir: str, sandbox_url: str, keys: str, port: int) -> None:
    import uvicorn

    from adapters.worker import InProcessWorker
    from adapters.worker.inprocess import PassReport

    class ReportingWorker(InProcessWorker):
        """Writes after each pass how many passes in a row found nothing to do, so the
        benchmark can start its clock once the worker has caught up (measured, not a
        guess)."""

        idle = 0

        def run_pass(self) -> PassReport:
            report = super().run_pass()
            self.idle = self.idle + 1 if report.jobs == 0 else 0
            status = {"passes": self.passes, "idle": self.idle, "jobs": report.jobs}
            target = Path(data_dir) / WORKER_FILE
            target.with_suffix(".tmp").write_text(json.dumps(status))
            target.with_suffix(".tmp").replace(target)
            return report

    from bootstrap.heap import settle_after_start_up
    from bootstrap.web import create_app

    container = container_on(
        server_settings(
            url,
            data_dir,
            encryption_keys=keys,
            sandbox=True,
            sandbox_base_url=sandbox_url,
            worker_in_process=True,
            worker_interval_seconds=1.0,
        )
    )
    app = create_app(container)
    # `sellerlink serve` runs the worker beside the server; create_app alone does not.
    worker = ReportingWorker(container.application(), interval=1.0, webhook_threads=2)
    worker.start()
    settle_after_start_up()  # as `sellerlink serve` does
    try:
        uvicorn.run(app, **server_options(port))
    finally:
        worker.stop(timeout=10)


def pinned(core: int) -> list[str]:
    """`taskset -c core` when there is a core to pin to, else nothing."""
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(core)]
    return []


SERVER_LOG = "server.log"


def server_log(data_dir: str, tail: int = 4000) -> str:
    return (Path(data_dir) / SERVER_LOG).read_text(errors="replace")[-tail:]


def start_server(
    url: str, data_dir: str, sandbox_url: str, keys: str
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [
            *pinned(0),
            sys.executable,
            __file__,
            "--serve",
            url,
            "--data-dir",
            data_dir,
            "--sandbox",
            sandbox_url,
            "--keys",
            keys,
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: nobody reads a pipe during the run, and a full one would
        # stall every thread of the server that logs.
        stderr=(Path(data_dir) / SERVER_LOG).open("wb"),
    )
    wait_until_serving(process, port, 60, lambda: server_log(data_dir))
    return process, port


# --------------------------------------------------------------------------- the client


class Client:
    """One process: the open-loop generator, then the read-back of every write."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.ids = [f"con_{n:03d}" for n in range(CONNECTIONS)]
        self.local = threading.local()
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.buffers: dict[str, int] = {}  # connection -> last acknowledged inventory_buffer
        self.skus: list[tuple[str, str]] = []  # acknowledged (connection, sku)
        self.connection_locks = {cid: threading.Lock() for cid in self.ids}

    def call(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.local.connection = connection
        payload = None if body is None else json.dumps(body).encode()
        try:
            connection.request(method, path, body=payload, headers=self.headers)
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            self.local.connection = None
            raise

    def request(self, i: int) -> None:
        kind = CYCLE[i % len(CYCLE)]
        cid = self.ids[(i // len(CYCLE) + i) % len(self.ids)]
        base = f"/api/v1/connections/{cid}"
        if kind == "list":
            status, _ = self.call("GET", f"/api/v1/connections?limit={CONNECTIONS}")
        elif kind == "show":
            status, _ = self.call("GET", base)
        elif kind == "marketplaces":
            status, _ = self.call("GET", f"{base}/marketplaces")
        elif kind == "events":
            status, _ = self.call("GET", f"{base}/events?limit=20")
        elif kind == "settings":
            with self.connection_locks[cid]:  # one write at a time per connection: an order
                status, _ = self.call(
                    "PUT",
                    f"{base}/listing-settings",
                    {"inventory_buffer": i, "batch_window_seconds": 1},
                )
                if status == 200:
                    with self.lock:
                        self.buffers[cid] = i
        else:
            sku = f"L-{i}"
            item = {"sku": sku, "quantity": 1 + i % 7, "price": "9.99", "currency": "USD"}
            status, _ = self.call(
                "PUT", f"{base}/listings", {"marketplace_id": US, "items": [item]}
            )
            if status == 200:
                with self.lock:
                    self.skus.append((cid, sku))
        if status >= 300:
            raise RuntimeError(f"{kind} answered {status}")

    def run(self, rate: float, duration: float) -> dict[str, object]:
        due: queue.Queue[tuple[int, float] | None] = queue.Queue()
        total = int(rate * duration)

        # Every thread opens its connection before the clock starts: a client at a steady
        # 200 requests/s keeps its connections, and 48 opened in the same instant (with a
        # fresh process's first requests) made each phase's first 0.1-0.5 s its slowest.
        opened = threading.Barrier(CLIENT_THREADS + 1, timeout=60)

        def worker() -> None:
            with contextlib.suppress(OSError, http.client.HTTPException):
                self.call("GET", "/health")
            opened.wait()
            while (item := due.get()) is not None:
                i, at = item
                kind = CYCLE[i % len(CYCLE)]
                try:
                    self.request(i)
                except Exception as error:  # every failure is counted, none stops the run
                    with self.lock:
                        self.errors.append(f"{kind}: {error}")
                    continue
                with self.lock:
                    self.latencies.setdefault(kind, []).append(time.monotonic() - at)

        threads = [threading.Thread(target=worker) for _ in range(CLIENT_THREADS)]
        for thread in threads:
            thread.start()
        opened.wait()
        began = time.monotonic()
        for i in range(total):
            at = began + i / rate
            wait = at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            due.put((i, at))
        for _ in threads:
            due.put(None)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        return {
            "sent": total,
            "elapsed": elapsed,
            "latencies": self.latencies,
            "errors": self.errors[:20],
            "error_count": len(self.errors),
            "lost": self.lost_writes(),
        }

    def lost_writes(self) -> int:
        lost = 0
        for cid, value in self.buffers.items():
            status, body = self.call("GET", f"/api/v1/connections/{cid}/listing-settings")
            if status != 200 or json.loads(body)["inventory_buffer"] != value:
                lost += 1
        for cid, sku in self.skus:
            status, body = self.call(
                "GET", f"/api/v1/connections/{cid}/listings/{sku}?marketplace_id={US}"
            )
            if status != 200 or not json.loads(body)["items"]:
                lost += 1
        return lost


def run_client(port: int, token: str, rate: float, duration: float) -> dict[str, object]:
    """The client in its own process, off the server's core."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                *pinned(1),
                sys.executable,
                __file__,
                "--client",
                str(port),
                "--token",
                token,
                "--rate",
                str(rate),
                "--duration",
                str(duration),
                "--out",
                out.name,
            ],
            check=True,
        )
        result: dict[str, object] = json.loads(Path(out.name).read_text())
        return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --------------------------------------------------------------------------- the phases


def load_scenarios(count: int) -> list[Any]:
    """The sandbox's accounts behind the seeded connections: seller n sells (and advertises)
    in the US and Canada under the ids the seed gives connection n, so refreshes, setups and
    listing sends succeed and the worker can catch up."""
    from adapters.amazon.sandbox.scenarios import Scenario

    return [
        Scenario(
            name=f"load-seller-{n:03d}",
            summary="load benchmark account",
            account_name=f"Seller {n}",
            account_type="seller",
            selling_partner_id=seller_id(n),
            ads_account_id=ads_account_id(n),
            profiles=("US", "CA"),
            participations=("US", "CA"),
            profile_id_base=4_000_000_000_000_000 + n * 100,
        )
        for n in range(count)
    ]


def load_sandbox() -> Any:
    """The HTTP sandbox with the load accounts (its apps' credentials do not depend on where
    it listens)."""
    from adapters.amazon import AmazonSettings
    from adapters.amazon.sandbox.app import create_sandbox_app
    from adapters.amazon.sandbox.clock import SandboxClock
    from adapters.amazon.sandbox.serve import SandboxServer
    from adapters.amazon.sandbox.state import Sandbox

    settings = AmazonSettings.for_sandbox("http://127.0.0.1/sandbox")
    sandbox = Sandbox(SandboxClock(), settings, extra_scenarios=load_scenarios(CONNECTIONS))
    return SandboxServer(create_sandbox_app(sandbox=sandbox))


def mint_refresh_tokens(sandbox_url: str, count: int) -> dict[str, list[str]]:
    """Seller n approves sellerlink on the sandbox's consent page, for SP-API and for Ads:
    the refresh tokens per channel."""
    import httpx

    from adapters.amazon import AmazonHttpGateway, AmazonSettings
    from application.ports import ConsentRequest
    from domain.authorization import ConsentAsk
    from domain.connection import AccountType, Region
    from domain.grant import Channel
    from harness.driver import SandboxAmazonPage

    gateway = AmazonHttpGateway(AmazonSettings.for_sandbox(sandbox_url))
    page = SandboxAmazonPage(httpx.Client(timeout=10))
    tokens: dict[str, list[str]] = {str(Channel.SP_API): [], str(Channel.ADS): []}
    for n in range(count):
        for channel, code in ((Channel.SP_API, "spapi_oauth_code"), (Channel.ADS, "code")):
            url = gateway.consent_url(
                ConsentRequest(
                    ConsentAsk(channel, Region.NA, AccountType.SELLER), f"load-{n:04d}" * 4
                )
            )
            query = page.consent(url, f"load-seller-{n:03d}")
            grant = gateway.exchange_code(channel, Region.NA, query[code])
            tokens[str(channel)].append(grant.refresh_token.reveal())
    return tokens


@contextmanager
def databases(backends: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """An empty database URL per back end asked for (PostgreSQL: a throwaway server)."""
    with tempfile.TemporaryDirectory(prefix="sellerlink-load-") as tmp:
        urls = {"SQLite": f"sqlite:///{tmp}/load.db"} if "sqlite" in backends else {}
        if "postgres" not in backends:
            yield urls
            return
        from harness.postgres import create_database, running_postgres

        with running_postgres() as server:
            urls["PostgreSQL"] = create_database(server, prefix="bench_load")
            yield urls


PHASES = (("instant", 0.0), ("slow", SLOW_SECONDS)) * 2


def caught_up(data_dir: Path, limit: float = WARM_UP_LIMIT) -> float:
    """Waits until the server's worker ran IDLE_PASSES passes in a row with nothing to do;
    returns the seconds it took."""
    began = time.monotonic()
    status_file = data_dir / WORKER_FILE

    def status() -> dict[str, int]:
        try:
            found: dict[str, int] = json.loads(status_file.read_text())
            return found
        except (OSError, ValueError):
            return {"idle": 0, "passes": 0}

    # Passes that ended before now say nothing about the work the last phase left.
    start = status()["passes"]
    while time.monotonic() - began < limit:
        now = status()
        if now["passes"] >= start + IDLE_PASSES and now["idle"] >= IDLE_PASSES:
            return time.monotonic() - began
        time.sleep(0.2)
    raise RuntimeError(
        f"the worker did not catch up within {limit:g} s:\n{server_log(str(data_dir))}"
    )


def cpu_seconds(pid: int) -> float:
    """The CPU time a process (all its threads) has used: unlike latency, barely moved by
    what else the shared machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def traffic(
    url: str, tokens: dict[str, list[str]], sandbox: object, rate: float, duration: float
) -> list[tuple[str, dict[str, object]]]:
    from adapters.amazon.sandbox.faults import Fault
    from adapters.http import mint_dev_token
    from adapters.persistence import Keyring

    keyring = Keyring.generate("k1")
    seed(
        url,
        history=True,
        sp_api_refresh_tokens=tokens["sp_api"],
        ads_refresh_tokens=tokens["ads"],
        keyring=keyring,
    )
    token = mint_dev_token(SECRET, OWNER, TEAM, timedelta(hours=2))
    results: list[tuple[str, dict[str, object]]] = []
    with tempfile.TemporaryDirectory(prefix="sellerlink-load-data-") as data_dir:
        process, port = start_server(
            url,
            data_dir,
            sandbox.base_url,  # type: ignore[attr-defined]
            keyring.to_setting(),
        )
        try:
            for name, latency in PHASES:
                sandbox.sandbox.set_faults([])  # type: ignore[attr-defined]
                waited = caught_up(Path(data_dir))
                if latency:
                    faults = [Fault("latency", target="all", latency_seconds=latency)]
                    sandbox.sandbox.set_faults(faults)  # type: ignore[attr-defined]
                load, cpu = os.getloadavg()[0], cpu_seconds(process.pid)
                found = run_client(port, token, rate, duration)
                found.update(
                    warm_up=waited,
                    load=load,
                    load_after=os.getloadavg()[0],
                    server_cpu=cpu_seconds(process.pid) - cpu,
                )
                results.append((name, found))
            sandbox.sandbox.set_faults([])  # type: ignore[attr-defined]
        finally:
            stop(process)
    return results


def pending_submission(url: str, pending: int = 50_000, samples: int = 15) -> dict[str, float]:
    """Median seconds of a one-row submission with none pending, then with `pending` SKUs of
    the connection waiting; the peak memory growth of this process in MB."""
    from adapters.persistence import Keyring, SqlDatabase
    from application.context import Actor
    from application.listing_updates import ListingRow, SubmitListingsCommand
    from domain.team import Membership, Role
    from harness.seeds import seed as seed_connections
    from harness.stack import CallLog, CountingAmazon, FileClock, build_app

    database = SqlDatabase(url, Keyring.generate("k1"))
    database.upgrade()
    now = datetime.now(UTC)
    (cid,) = seed_connections(database, 1, now)
    with database.unit_of_work() as uow:
        uow.memberships.put(Membership("team_0", "owner@load", Role.OWNER, now))
        uow.commit()
    with tempfile.TemporaryDirectory() as tmp:
        clock = FileClock(Path(tmp) / "clock")
        clock.set(now)
        # Submitting asks Amazon nothing: the stand-in answers only background work's calls.
        app = build_app(database, CountingAmazon(clock, CallLog(Path(tmp) / "calls")), clock)
        actor = Actor("owner@load", "team_0")

        def submit(rows: list[ListingRow]) -> float:
            began = time.perf_counter()
            app.submit_listings(SubmitListingsCommand(actor, cid, US, rows))
            return time.perf_counter() - began

        def one_row(n: int) -> float:
            return submit([ListingRow(f"ONE-{n}", 1 + n % 5, "9.99", "USD")])

        none = statistics.median(one_row(n) for n in range(samples))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        submit([ListingRow(f"BULK-{n:06d}", 3, "9.99", "USD") for n in range(pending)])
        after_bulk = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        many = statistics.median(one_row(samples + n) for n in range(samples))
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    database.dispose()
    return {
        "none": none,
        "many": many,
        "bulk_mb": (after_bulk - rss_before) / 1024,
        "one_row_mb": (rss_after - after_bulk) / 1024,
    }


def report(backend: str, phases: list[tuple[str, dict[str, object]]], rate: float) -> float:
    print(f"{backend}:")
    writes: dict[str, list[float]] = {}
    for name, result in phases:
        latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
        everything = [v for values in latencies.values() for v in values]
        phase_writes = [v for kind in WRITES for v in latencies.get(kind, [])]
        writes.setdefault(name, []).extend(phase_writes)
        held = len(everything) / float(result["elapsed"])  # type: ignore[arg-type]
        print(
            f"  Amazon {name:<8} {held:6.1f} of {rate:g} req/s   "
            f"p50 {percentile(everything, 0.5) * 1000:6.1f} ms   "
            f"p99 {percentile(everything, 0.99) * 1000:6.1f} ms   "
            f"writes p99 {percentile(phase_writes, 0.99) * 1000:6.1f} ms   "
            f"errors {result['error_count']}   lost writes {result['lost']}   "
            f"(warm-up {result['warm_up']:.0f} s, load average {result['load']:.1f}"
            f"->{result['load_after']:.1f})"
        )
        cpu = float(result["server_cpu"]) / max(1, len(everything)) * 1000  # type: ignore[arg-type]
        print(f"      server CPU {cpu:.2f} ms a request (its worker included)")
        by_kind = "  ".join(
            f"{kind} {percentile(values, 0.99) * 1000:.0f}"
            for kind, values in sorted(latencies.items())
        )
        print(f"      p99 by request, ms: {by_kind}")
        for error in result["errors"]:  # type: ignore[attr-defined]
            print(f"    error: {error}")
    slow, instant = percentile(writes["slow"], 0.99), percentile(writes["instant"], 0.99)
    ratio = slow / instant
    print(
        f"  writes p99 over both phases, Amazon {SLOW_SECONDS:g} s {slow * 1000:.1f} ms / "
        f"Amazon instant {instant * 1000:.1f} ms: {ratio:.2f} (target <= 2)"
    )
    return ratio


def backends_asked(options: argparse.Namespace) -> tuple[str, ...]:
    if options.only:
        return (options.only,)
    return ("sqlite",) if options.skip_postgres else ("sqlite", "postgres")


def main(options: argparse.Namespace) -> None:
    # Stopped with SIGTERM, still stop the servers it started (the `finally` blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    logging.disable(logging.INFO)
    if pinned(1):  # the sandbox serves from this process: off the server's core too
        os.sched_setaffinity(0, {1})

    backends = backends_asked(options)
    if options.part in (None, "traffic"):
        print(
            f"Mixed API traffic: {options.rate:g} req/s for {options.duration:g} s a phase, "
            f"{CONNECTIONS} connections with a year of history, worker running, "
            f"server {'pinned to core 0' if pinned(0) else 'unpinned'}, "
            f"client {'pinned to core 1' if pinned(1) else 'unpinned'}; "
            f"targets: p99 < 100 ms, 0 errors, 0 lost writes"
        )
        with load_sandbox() as sandbox, databases(backends) as urls:
            # Calls still sleeping in the latency fault when the sandbox stops are cancelled:
            # noise (uvicorn configured its loggers as the sandbox started).
            logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
            tokens = mint_refresh_tokens(sandbox.base_url, CONNECTIONS)
            for backend, url in urls.items():
                phases = traffic(url, tokens, sandbox, options.rate, options.duration)
                report(backend, phases, options.rate)
    if options.part == "traffic":
        return
    print("One-row listing submission with 50,000 SKUs of the connection pending:")
    with databases(backends) as urls:
        for backend, url in urls.items():
            load = os.getloadavg()[0]
            found = pending_submission(url)
            print(
                f"  {backend:<10} none pending {found['none'] * 1000:6.1f} ms   "
                f"50,000 pending {found['many'] * 1000:6.1f} ms   "
                f"ratio {found['many'] / found['none']:.2f} (target <= 2)   "
                f"memory growth during the one-row submissions {found['one_row_mb']:.0f} MB   "
                f"(load average {load:.1f}->{os.getloadavg()[0]:.1f})"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds a phase")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="one back end")
    parser.add_argument(
        "--part",
        choices=("traffic", "submission"),
        help="only the mixed traffic or only the one-row submission",
    )
    parser.add_argument("--serve", help="(internal) serve sellerlink on this database URL")
    parser.add_argument("--data-dir")
    parser.add_argument("--sandbox")
    parser.add_argument("--keys")
    parser.add_argument("--port", type=int)
    parser.add_argument("--client", type=int, help="(internal) run the client against a port")
    parser.add_argument("--token")
    parser.add_argument("--out")
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, options.data_dir, options.sandbox, options.keys, options.port)
    elif options.client:
        found = Client(options.client, options.token).run(options.rate, options.duration)
        Path(options.out).write_text(json.dumps(found))
    else:
        main(options)
