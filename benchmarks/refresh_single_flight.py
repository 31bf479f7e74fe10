"""How many LWA refresh calls sellerlink makes, however many worker processes run.

K = 1, 4 and 16 worker processes (each a reconciler loop, as `sellerlink worker` runs it)
serve 200 connections on PostgreSQL for a simulated hour. Every connection has one access
token, issued at the start and good for an hour (Amazon's 3600 s), so the hour needs exactly
one refresh per connection. Printed: LWA refresh calls per connection-hour for sellerlink
(row lock, expiry re-read after locking, token shared through the database) beside the
per-process cache baseline (what client libraries do: each process keeps its own token and
refreshes it itself, so K processes make K calls). Then 100 concurrent callers needing the
same connection's lapsed token, and how many LWA calls they caused.

Run: `.venv/bin/python benchmarks/refresh_single_flight.py` (starts a throwaway PostgreSQL
server on a free loopback port, or uses SELLERLINK_TEST_POSTGRES_URL). Ratios, not timings.
Amazon is the HTTP sandbox on a loopback port (its clock follows the benchmark's simulated
clock); the refreshes are counted from the sandbox's own request log. The worker processes
are harness/stack.py children with the real AmazonHttpGateway.

Closing note (2 cores, PostgreSQL 15, 2026-11-23; about 2 minutes):

     K processes  sellerlink  per-process cache   ratio
               1        1.00               1.00    1.0x
               4        1.00               4.00    4.0x
              16        1.00              16.00   16.0x
    100 concurrent callers needing one connection's lapsed token: 1 LWA call(s)

Amazon sees one refresh per token-hour whatever the number of workers, because the refresh
runs under the connection's row lock (SELECT ... FOR UPDATE), the expiry is re-read after
the lock is taken, and the new access token is stored (encrypted) for every process to
reuse. To run the workers against PostgreSQL yourself: set SELLERLINK_DATABASE_URL
(`postgresql+psycopg://...`) and SELLERLINK_ENCRYPTION_KEYS, run `sellerlink db upgrade`
once, then start `sellerlink worker` as many times as you like (adapters/worker/__init__.py).
"""

from __future__ import annotations

import logging
import signal
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from adapters.amazon import AmazonHttpGateway, AmazonSettings  # noqa: E402
from adapters.amazon.sandbox import Sandbox, SandboxClock  # noqa: E402
from adapters.amazon.sandbox.serve import SandboxServer  # noqa: E402
from adapters.persistence import Keyring, SqlDatabase  # noqa: E402
from application.ports import ConsentRequest  # noqa: E402
from domain.authorization import ConsentAsk  # noqa: E402
from domain.connection import AccountType, Region  # noqa: E402
from domain.grant import Channel  # noqa: E402
from harness.driver import SandboxAmazonPage  # noqa: E402
from harness.postgres import create_database, drop_database, running_postgres  # noqa: E402
from harness.seeds import seed  # noqa: E402
from harness.stack import FileClock, build_app, passed_at, reaped, spawn, wait_for  # noqa: E402

CONNECTIONS = 200
HOUR = timedelta(hours=1)
STEP = timedelta(minutes=2)


class Amazon:
    """The HTTP sandbox on a loopback port, its simulated clock following the benchmark's
    file clock, and the LWA refresh calls it answered."""

    def __init__(self, server: SandboxServer, clock: SandboxClock) -> None:
        self.server = server
        self.clock = clock
        self.gateway = AmazonHttpGateway(
            AmazonSettings.for_sandbox(server.base_url), clock=clock.now
        )
        self.page = SandboxAmazonPage(httpx.Client(timeout=10))

    @property
    def sandbox(self) -> Sandbox:
        return self.server.sandbox

    def set_time(self, moment: datetime) -> None:
        self.clock.advance(max(0.0, (moment - self.clock.now()).total_seconds()))

    def mint_refresh_tokens(self, count: int) -> list[str]:
        """`count` sellers approve sellerlink on the sandbox's consent page."""
        tokens = []
        for i in range(count):
            url = self.gateway.consent_url(
                ConsentRequest(
                    ConsentAsk(Channel.SP_API, Region.NA, AccountType.SELLER), f"bench-{i}"
                )
            )
            query = self.page.consent(url, "us-seller")
            grant = self.gateway.exchange_code(Channel.SP_API, Region.NA, query["spapi_oauth_code"])
            tokens.append(grant.refresh_token.reveal())
        return tokens

    def refreshes(self) -> int:
        return sum(
            1
            for entry in self.sandbox.request_log
            if entry.get("family") == "lwa"
            and entry.get("form", {}).get("grant_type") == "refresh_token"
            and entry.get("status") == 200
        )


def one_hour(server: str, amazon: Amazon, processes: int, mode: str) -> float:
    """LWA refresh calls per connection-hour with `processes` children in `mode`."""
    url = create_database(server, prefix=f"bench_{mode}_{processes}")
    keyring = Keyring.generate("k1")
    database = SqlDatabase(url, keyring)
    try:
        database.upgrade()
        start = amazon.clock.now()
        tokens = amazon.mint_refresh_tokens(CONNECTIONS)
        seed(database, CONNECTIONS, start, channels=(Channel.SP_API,), refresh_tokens=tokens)
        with tempfile.TemporaryDirectory(prefix="sellerlink-bench-") as tmp:
            work = Path(tmp)
            clock = FileClock(work / "clock")
            clock.set(start)
            children = [
                spawn(
                    mode,
                    database_url=url,
                    keyring=keyring,
                    clock_file=clock.path,
                    log_file=work / "calls",
                    work_dir=work,
                    extra=["--interval", "0.05", "--sandbox", amazon.server.base_url],
                )
                for _ in range(processes)
            ]
            with reaped(children):
                wait_for(lambda: len(list(work.glob("ready-*"))) == processes, 120, "workers")
                amazon.sandbox.request_log.clear()
                now = start
                while now < start + HOUR:
                    now += STEP
                    amazon.set_time(now)
                    clock.set(now)
                    wait_for(partial(passed_at, work, processes, now), 300, "a pass")
                (work / "stop").touch()
                for child in children:
                    child.wait(120)
            return amazon.refreshes() / CONNECTIONS
    finally:
        database.dispose()
        drop_database(server, url)


def concurrent_callers(server: str, amazon: Amazon, callers: int = 100) -> int:
    """`callers` threads ask for one connection's lapsed token at the same moment."""
    url = create_database(server, prefix="bench_callers")
    database = SqlDatabase(url, Keyring.generate("k1"))
    try:
        database.upgrade()
        now = amazon.clock.now()
        tokens = amazon.mint_refresh_tokens(1)
        (connection_id,) = seed(
            database,
            1,
            now - timedelta(hours=2),
            channels=(Channel.SP_API,),
            refresh_tokens=tokens,
        )
        with tempfile.TemporaryDirectory(prefix="sellerlink-bench-") as tmp:
            clock = FileClock(Path(tmp) / "clock")
            clock.set(now)
            app = build_app(database, amazon.gateway, clock)
            amazon.sandbox.request_log.clear()
            barrier = threading.Barrier(callers)
            got: list[str] = []

            def caller() -> None:
                barrier.wait()
                got.append(app.get_access_token(connection_id, Channel.SP_API).token.reveal())

            threads = [threading.Thread(target=caller) for _ in range(callers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            assert len(got) == callers
            assert len(set(got)) == 1
            return amazon.refreshes()
    finally:
        database.dispose()
        drop_database(server, url)


def main() -> None:
    logging.disable(logging.INFO)  # the migrations' and httpx's chatter
    # Stopped with SIGTERM, still stop the PostgreSQL server and the workers it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    clock = SandboxClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), scale=0)
    with running_postgres() as server, SandboxServer(clock=clock) as sandbox_server:
        amazon = Amazon(sandbox_server, clock)
        print(
            f"{CONNECTIONS} connections, one simulated hour, PostgreSQL, HTTP sandbox; "
            "LWA refresh calls"
        )
        print("per connection-hour, as counted by the sandbox (goal: 1.0 whatever K)")
        print()
        print(f"{'K processes':>12}  {'sellerlink':>10}  {'per-process cache':>17}  {'ratio':>6}")
        for processes in (1, 4, 16):
            shared = one_hour(server, amazon, processes, "worker")
            cached = one_hour(server, amazon, processes, "cached")
            ratio = cached / shared if shared else float("nan")
            print(f"{processes:>12}  {shared:>10.2f}  {cached:>17.2f}  {ratio:>5.1f}x")
        print()
        calls = concurrent_callers(server, amazon)
        print(f"100 concurrent callers needing one connection's lapsed token: {calls} LWA call(s)")
        print("(goal: 1)")


if __name__ == "__main__":
    main()
