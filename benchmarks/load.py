"""Mixed API traffic at a fixed rate, with the worker running, while Amazon is instant and
while it takes 15 s to answer (issue 20's write side), and a one-row listing submission with
50,000 SKUs pending. Ratios measured side by side in one run.

The server is sellerlink (`create_app`, uvicorn, its in-process worker on) over 50
connections with a year of history (benchmarks/api_read.py's seed), its Amazon the HTTP
sandbox on a loopback port; each connection's SP-API grant carries a refresh token the
sandbox minted, so the worker refreshes, sets up marketplaces, syncs and sends listing
batches (batch window 1 s) against it. The client is a Python open-loop generator in its
own process: request i is due at start + i/rate and its latency counts from then (a late
send is the server's fault too). The server is pinned to core 0 and the client with the
sandbox to core 1 (`taskset`) when the machine has two cores.

Per request, in a cycle of 20: 7 x GET /connections?limit=50, 4 x GET /connections/{id},
3 x GET .../marketplaces, 4 x GET .../events?limit=20, 1 x PUT .../listing-settings (a
new inventory_buffer, the "unrelated write") and 1 x PUT .../listings (one new SKU, which
the worker then sends to Amazon). After the timed window, every acknowledged write is read
back: a settings value that is not the last one acknowledged, or a SKU that is not there,
is a lost write.

Phases, on SQLite and on PostgreSQL: Amazon instant, then Amazon answering every call in
15 s (the sandbox's latency fault on every family); the writes' p99 with Amazon slow over
their p99 with Amazon instant is the ratio (target <= 2). Then, in process, the median time
of a one-row submission with 50,000 SKUs of the connection pending over the same with none
pending (target <= 2), and the process's peak memory growth.

Run: `.venv/bin/python benchmarks/load.py [--duration 60] [--rate 200] [--skip-postgres]`.
The default duration (10 s a phase) keeps `make bench` short; the issue's figure is 60 s.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_read import (  # noqa: E402
    CONNECTIONS,
    OWNER,
    SECRET,
    TEAM,
    free_port,
    seed,
    server_options,
    stop,
)

US = "ATVPDKIKX0DER"
SLOW_SECONDS = 15.0
CYCLE = ("list",) * 7 + ("show",) * 4 + ("marketplaces",) * 3 + ("events",) * 4
CYCLE += ("settings", "listing")
WRITES = ("settings", "listing")
CLIENT_THREADS = 48

# --------------------------------------------------------------------------- the server


def serve(url: str, data_dir: str, sandbox_url: str, keys: str, port: int) -> None:
    import uvicorn
    from dependency_injector import providers

    from adapters.worker import InProcessWorker
    from bootstrap.container import Container
    from bootstrap.settings import Settings
    from bootstrap.web import create_app

    container = Container()
    container.settings.override(
        providers.Object(
            Settings(
                database_url=url,
                data_dir=Path(data_dir),
                encryption_keys=keys,
                jwt_secret=SECRET,
                sandbox=True,
                sandbox_base_url=sandbox_url,
                worker_in_process=True,
                worker_interval_seconds=1.0,
                log_level="WARNING",
            )
        )
    )
    app = create_app(container)
    # `sellerlink serve` runs the worker beside the server; create_app alone does not.
    worker = InProcessWorker(container.application(), interval=1.0, webhook_threads=2)
    worker.start()
    try:
        uvicorn.run(app, **server_options(port))
    finally:
        worker.stop(timeout=10)


def pinned(core: int) -> list[str]:
    """`taskset -c core` when there is a core to pin to, else nothing."""
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(core)]
    return []


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
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            probe.request("GET", "/health")
            probe.getresponse().read()
            return process, port
        except OSError:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(error) from None
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("sellerlink did not start")


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

        def worker() -> None:
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


def mint_refresh_tokens(sandbox_url: str, count: int) -> list[str]:
    """`count` sellers approve sellerlink on the sandbox's consent page (SP-API)."""
    import httpx

    from adapters.amazon import AmazonHttpGateway, AmazonSettings
    from application.ports import ConsentRequest
    from domain.connection import AccountType, Region
    from domain.grant import Channel
    from harness.driver import SandboxAmazonPage

    gateway = AmazonHttpGateway(AmazonSettings.for_sandbox(sandbox_url))
    page = SandboxAmazonPage(httpx.Client(timeout=10))
    tokens = []
    for i in range(count):
        url = gateway.consent_url(
            ConsentRequest(Channel.SP_API, Region.NA, AccountType.SELLER, f"load-{i:04d}" * 4)
        )
        query = page.consent(url, "us-seller")
        grant = gateway.exchange_code(Channel.SP_API, Region.NA, query["spapi_oauth_code"])
        tokens.append(grant.refresh_token.reveal())
    return tokens


@contextmanager
def databases(skip_postgres: bool) -> Iterator[dict[str, str]]:
    """An empty database URL per back end (PostgreSQL: a throwaway server)."""
    with tempfile.TemporaryDirectory(prefix="sellerlink-load-") as tmp:
        urls = {"SQLite": f"sqlite:///{tmp}/load.db"}
        if skip_postgres:
            yield urls
            return
        from harness.postgres import create_database, running_postgres

        with running_postgres() as server:
            urls["PostgreSQL"] = create_database(server, prefix="bench_load")
            yield urls


def traffic(
    url: str, tokens: list[str], sandbox: object, rate: float, duration: float
) -> dict[str, dict[str, object]]:
    from adapters.amazon.sandbox.faults import Fault
    from adapters.http import mint_dev_token
    from adapters.persistence import Keyring

    keyring = Keyring.generate("k1")
    seed(url, history=True, sp_api_refresh_tokens=tokens, keyring=keyring)
    token = mint_dev_token(SECRET, OWNER, TEAM, timedelta(hours=2))
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="sellerlink-load-data-") as data_dir:
        process, port = start_server(
            url,
            data_dir,
            sandbox.base_url,  # type: ignore[attr-defined]
            keyring.to_setting(),
        )
        try:
            time.sleep(3)  # the worker's first passes: refreshes, setups
            for name, latency in (("instant", 0.0), ("slow", SLOW_SECONDS)):
                faults = [Fault("latency", target="all", latency_seconds=latency)]
                sandbox.sandbox.set_faults(faults if latency else [])  # type: ignore[attr-defined]
                time.sleep(2)  # Amazon calls under way before the clock starts
                results[name] = run_client(port, token, rate, duration)
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
    from harness.stack import FileClock, build_app
    from harness.stack import seed as seed_connections

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
        app = build_app(database, object(), clock)
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


def report(backend: str, phases: dict[str, dict[str, object]], rate: float) -> float:
    print(f"{backend}:")
    writes_p99: dict[str, float] = {}
    for name, result in phases.items():
        latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
        everything = [v for values in latencies.values() for v in values]
        writes = [v for kind in WRITES for v in latencies.get(kind, [])]
        writes_p99[name] = percentile(writes, 0.99)
        held = len(everything) / float(result["elapsed"])  # type: ignore[arg-type]
        print(
            f"  Amazon {name:<8} {held:6.1f} of {rate:g} req/s   "
            f"p50 {percentile(everything, 0.5) * 1000:7.1f} ms   "
            f"p99 {percentile(everything, 0.99) * 1000:7.1f} ms   "
            f"writes p99 {writes_p99[name] * 1000:7.1f} ms   "
            f"errors {result['error_count']}   lost writes {result['lost']}"
        )
        for error in result["errors"]:  # type: ignore[attr-defined]
            print(f"    error: {error}")
    ratio = writes_p99["slow"] / writes_p99["instant"]
    print(f"  writes p99, Amazon {SLOW_SECONDS:g} s / Amazon instant: {ratio:.2f} (target <= 2)")
    return ratio


def main(options: argparse.Namespace) -> None:
    # Stopped with SIGTERM, still stop the servers it started (the `finally` blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    logging.disable(logging.INFO)
    # Calls still sleeping in the sandbox's latency fault when it stops are cancelled: noise.
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    from adapters.amazon.sandbox.serve import SandboxServer

    print(
        f"Mixed API traffic: {options.rate:g} req/s for {options.duration:g} s a phase, "
        f"{CONNECTIONS} connections with a year of history, worker running, "
        f"server {'pinned to core 0' if pinned(0) else 'unpinned'}, "
        f"client {'pinned to core 1' if pinned(1) else 'unpinned'}; "
        f"targets: p99 < 100 ms, 0 errors, 0 lost writes"
    )
    with SandboxServer() as sandbox, databases(options.skip_postgres) as urls:
        tokens = mint_refresh_tokens(sandbox.base_url, CONNECTIONS)
        for backend, url in urls.items():
            report(
                backend, traffic(url, tokens, sandbox, options.rate, options.duration), options.rate
            )
    print("One-row listing submission with 50,000 SKUs of the connection pending:")
    with databases(options.skip_postgres) as urls:
        for backend, url in urls.items():
            found = pending_submission(url)
            print(
                f"  {backend:<10} none pending {found['none'] * 1000:6.1f} ms   "
                f"50,000 pending {found['many'] * 1000:6.1f} ms   "
                f"ratio {found['many'] / found['none']:.2f} (target <= 2)   "
                f"memory growth during the one-row submissions {found['one_row_mb']:.0f} MB"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds a phase")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--skip-postgres", action="store_true")
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
