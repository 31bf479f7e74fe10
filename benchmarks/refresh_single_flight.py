"""How many LWA refresh calls sellerlink makes, however many worker processes run (issue 7).

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
The stand-in for Amazon counts calls in a file that every process appends to; see
tests/integration/background/stack.py.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.persistence import Keyring, SqlDatabase  # noqa: E402
from domain.grant import Channel  # noqa: E402
from tests.integration.background.stack import (  # noqa: E402
    CallLog,
    CountingAmazon,
    FileClock,
    build_app,
    reaped,
    seed,
    spawn,
    wait_for,
)
from tests.postgres import create_database, drop_database, running_postgres  # noqa: E402

CONNECTIONS = 200
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
STEP = timedelta(minutes=2)


def one_hour(server: str, processes: int, mode: str) -> float:
    """LWA refresh calls per connection-hour with `processes` children in `mode`."""
    url = create_database(server, prefix=f"bench_{mode}_{processes}")
    keyring = Keyring.generate("k1")
    database = SqlDatabase(url, keyring)
    try:
        database.upgrade()
        seed(database, CONNECTIONS, START, channels=(Channel.SP_API,))
        with tempfile.TemporaryDirectory(prefix="sellerlink-bench-") as tmp:
            work = Path(tmp)
            clock = FileClock(work / "clock")
            clock.set(START)
            calls = CallLog(work / "calls")
            children = [
                spawn(
                    mode,
                    database_url=url,
                    keyring=keyring,
                    clock_file=clock.path,
                    log_file=calls.path,
                    work_dir=work,
                    extra=["--interval", "0.05"],
                )
                for _ in range(processes)
            ]
            with reaped(children):
                wait_for(lambda: len(list(work.glob("ready-*"))) == processes, 120, "workers")
                now = START
                while now < START + HOUR:
                    now += STEP
                    clock.set(now)
                    wait_for(lambda at=now: _all_passed(work, processes, at), 300, "a pass")
                (work / "stop").touch()
                for child in children:
                    child.wait(120)
            return calls.count("refresh") / CONNECTIONS
    finally:
        database.dispose()
        drop_database(server, url)


def _all_passed(work: Path, processes: int, now: datetime) -> bool:
    beats = list(work.glob("pass-*"))
    return len(beats) == processes and all(
        datetime.fromisoformat(b.read_text() or START.isoformat()) >= now for b in beats
    )


def concurrent_callers(server: str, callers: int = 100) -> int:
    """`callers` threads ask for one connection's lapsed token at the same moment."""
    url = create_database(server, prefix="bench_callers")
    database = SqlDatabase(url, Keyring.generate("k1"))
    try:
        database.upgrade()
        (connection_id,) = seed(database, 1, START - timedelta(hours=2), channels=(Channel.SP_API,))
        with tempfile.TemporaryDirectory(prefix="sellerlink-bench-") as tmp:
            clock = FileClock(Path(tmp) / "clock")
            clock.set(START)
            calls = CallLog(Path(tmp) / "calls")
            app = build_app(database, CountingAmazon(clock, calls), clock)
            barrier = threading.Barrier(callers)
            tokens: list[str] = []

            def caller() -> None:
                barrier.wait()
                tokens.append(app.get_access_token(connection_id, Channel.SP_API).token.reveal())

            threads = [threading.Thread(target=caller) for _ in range(callers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            assert len(tokens) == callers
            assert len(set(tokens)) == 1
            return calls.count("refresh")
    finally:
        database.dispose()
        drop_database(server, url)


def main() -> None:
    with running_postgres() as server:
        print(f"{CONNECTIONS} connections, one simulated hour, PostgreSQL; LWA refresh calls")
        print("per connection-hour (goal: 1.0 whatever K)")
        print()
        print(f"{'K processes':>12}  {'sellerlink':>10}  {'per-process cache':>17}  {'ratio':>6}")
        for processes in (1, 4, 16):
            shared = one_hour(server, processes, "worker")
            cached = one_hour(server, processes, "cached")
            ratio = cached / shared if shared else float("nan")
            print(f"{processes:>12}  {shared:>10.2f}  {cached:>17.2f}  {ratio:>5.1f}x")
        print()
        calls = concurrent_callers(server)
        print(f"100 concurrent callers needing one connection's lapsed token: {calls} LWA call(s)")
        print("(goal: 1)")


if __name__ == "__main__":
    main()
