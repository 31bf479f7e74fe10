"""Several sellerlink worker processes on one SQL database, for the single-flight, kill -9 and
procrastinate tests and for benchmarks/refresh_single_flight.py.

The pieces every process shares go through the file system or the database, never through
memory: the simulated clock is a file (`FileClock`), and the stand-in for Amazon
(`CountingAmazon`) appends one line per call to a file with O_APPEND, so the count of LWA
refreshes survives a kill -9 and adds up across processes. Refresh tokens are seeded as
`Atzr|<connection id>|<channel>` (harness/seeds.py), so each call says which connection it
was for.

Run as a child process: `python -m harness.stack <mode> ...` (see
`main`); the database's encryption keys come in SELLERLINK_TEST_KEYS.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

from adapters.persistence import Keyring, SqlDatabase
from adapters.worker import run_pass
from application.app import Application
from application.context import Ports
from application.ports import (
    AccessToken,
    AmazonGateway,
    DatasetFetch,
    DatasetSource,
)
from bootstrap.system import TokenSecrets, UlidIds
from domain.connection import Region
from domain.errors import AmazonUnavailable
from domain.grant import Channel
from domain.records import Dataset, IncomingRecord
from domain.secret import Secret
from harness.seeds import ACCESS_TOKEN_LIFETIME

KEYS_VARIABLE = "SELLERLINK_TEST_KEYS"
ROOT = Path(__file__).resolve().parents[1]
# `--slow-ingest`: an orders window this large, paused this far in (past two batches of
# application.sync_window.BATCH read, so the first is committed and the second is not).
INGEST_ROWS = 15000
INGEST_PAUSE_AT = 12000


class FileClock:
    """The simulated time, shared by every process that reads the same file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        for _ in range(100):
            text = self.path.read_text().strip()
            if text:
                return datetime.fromisoformat(text)
            time.sleep(0.001)  # caught between the writer's truncate and write
        raise RuntimeError("the clock file stayed empty")

    def set(self, moment: datetime) -> None:
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(moment.isoformat())
        os.replace(temporary, self.path)

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)


class CallLog:
    """One line per call to Amazon, appended atomically; read back by the test."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, *fields: str) -> None:
        line = (" ".join(fields) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def lines(self) -> list[list[str]]:
        if not self.path.exists():
            return []
        return [line.split() for line in self.path.read_text().splitlines() if line.strip()]

    def count(self, kind: str) -> int:
        return sum(1 for fields in self.lines() if fields[0] == kind)

    def per_connection(self, kind: str) -> Counter[str]:
        return Counter(fields[2] for fields in self.lines() if fields[0] == kind)


class CountingAmazon:
    """The AmazonGateway calls the background work makes (only those), answered for any
    seeded token.
    `slow_*` makes a call announce itself (a `begin` line) and then take that long, so a
    test can kill the process in the middle of it; `down` makes every call a 503."""

    def __init__(
        self,
        clock: FileClock,
        log: CallLog,
        *,
        slow_refresh: float = 0.0,
        slow_setup: float = 0.0,
        slow_ingest: float = 0.0,
        down: bool = False,
    ) -> None:
        self.clock = clock
        self.log = log
        self.slow_refresh = slow_refresh
        self.slow_setup = slow_setup
        self.slow_ingest = slow_ingest
        self.down = down
        self._n = 0

    def refresh_access_token(
        self, channel: Channel, region: Region, refresh_token: Secret
    ) -> AccessToken:
        _, connection_id, _ = refresh_token.reveal().split("|")
        if self.slow_refresh:
            self.log.write("begin-refresh", str(os.getpid()), connection_id, str(channel))
            time.sleep(self.slow_refresh)
        if self.down:
            self.log.write("refresh-failed", str(os.getpid()), connection_id, str(channel))
            raise AmazonUnavailable("Amazon answered 503 Service Unavailable.")
        self.log.write("refresh", str(os.getpid()), connection_id, str(channel))
        self._n += 1
        return AccessToken(Secret(f"Atza|{os.getpid()}-{self._n}"), ACCESS_TOKEN_LIFETIME)

    def set_up_marketplace(
        self, region: Region, access_token: Secret, selling_partner_id: str, marketplace_id: str
    ) -> None:
        if self.slow_setup:
            self.log.write("begin-setup", str(os.getpid()), selling_partner_id, marketplace_id)
            time.sleep(self.slow_setup)
        if self.down:
            raise AmazonUnavailable("Amazon answered 503 Service Unavailable.")
        self.log.write("setup", str(os.getpid()), selling_partner_id, marketplace_id)

    def fetch_dataset(
        self, source: DatasetSource, access_token: Secret, pending: str | None = None
    ) -> DatasetFetch:
        if self.down:
            raise AmazonUnavailable("Amazon answered 503 Service Unavailable.")
        self.log.write(
            "window",
            str(os.getpid()),
            source.marketplace_id,
            source.start.isoformat(),
            source.end.isoformat(),
        )
        # One record per window, keyed by where and when it was asked for: a window fetched
        # twice writes the same record twice (what idempotence is measured by).
        key = f"{source.dataset}/{source.marketplace_id}/{source.start.isoformat()}"
        payload = json.dumps({"window": [source.start.isoformat(), source.end.isoformat()]})
        regular_cycle = source.end - source.start < timedelta(hours=2)
        if self.slow_ingest and source.dataset is Dataset.ORDERS and regular_cycle:
            return DatasetFetch(records=self._large_window(key, source))
        return DatasetFetch(records=[IncomingRecord(key, payload, source.start)])

    def _large_window(self, key: str, source: DatasetSource) -> Iterator[IncomingRecord]:
        """A regular cycle's window of INGEST_ROWS orders, read as a report is (a stream the
        sync writes in batches): past INGEST_PAUSE_AT it announces itself and takes
        `slow_ingest` seconds, when the first batches are committed and the window's cursor
        has not moved."""
        for n in range(INGEST_ROWS):
            if n == INGEST_PAUSE_AT:
                self.log.write("ingesting", str(os.getpid()), source.marketplace_id, str(n))
                time.sleep(self.slow_ingest)
            order = {"AmazonOrderId": f"{n:07d}", "LastUpdateDate": source.start.isoformat()}
            yield IncomingRecord(f"{key}/{n:07d}", json.dumps(order), source.start)


def build_app(
    database: SqlDatabase, amazon: AmazonGateway | CountingAmazon, clock: FileClock
) -> Application:
    ports = Ports(
        uow=database.unit_of_work,
        clock=clock,
        ids=UlidIds(),
        secrets=TokenSecrets(),
        # CountingAmazon answers only the calls background work makes; any other is a bug.
        amazon=cast(AmazonGateway, amazon),
        # Fault tests kill a lease's holder and wait for it to run out: a short one.
        lease_for=timedelta(seconds=float(os.environ.get("SELLERLINK_LEASE_SECONDS", "20"))),
    )
    return Application(ports)


# --------------------------------------------------------------------------- processes


def spawn(
    mode: str,
    *,
    database_url: str,
    keyring: Keyring,
    clock_file: Path,
    log_file: Path,
    work_dir: Path,
    extra: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """A child process running `main` in `mode`; its output goes to a file in `work_dir`."""
    arguments = ["--db", database_url, "--clock", str(clock_file), "--log", str(log_file)]
    return python_child(
        "harness.stack", mode, [*arguments, "--work", str(work_dir), *extra], keyring, work_dir
    )


def python_child(
    module: str, mode: str, arguments: Sequence[str], keyring: Keyring, work_dir: Path
) -> subprocess.Popen[bytes]:
    """`python -m module mode arguments...` in a session of its own (so a test can kill it
    with all it started), the keyring in its environment, its output in a file in
    `work_dir`."""
    out = open(work_dir / f"{mode}-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", module, mode, *arguments],
        cwd=ROOT,
        env={**os.environ, KEYS_VARIABLE: keyring.to_setting(), "PYTHONPATH": str(ROOT)},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@contextlib.contextmanager
def reaped(processes: list[subprocess.Popen[bytes]]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Whatever happens, every child started here is gone at the end (by its own pid)."""
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)


def passed_at(work: Path, processes: int, moment: datetime) -> bool:
    """Every one of `processes` workers finished a pass that started at `moment` or later."""
    beats = [b for b in work.glob("pass-*") if b.suffix != ".tmp"]
    try:
        return len(beats) == processes and all(FileClock(b).now() >= moment for b in beats)
    except FileNotFoundError:
        return False


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["race", "worker", "procrastinate", "cached"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--clock", required=True, type=Path)
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--slow-refresh", type=float, default=0.0)
    parser.add_argument("--slow-setup", type=float, default=0.0)
    parser.add_argument("--slow-ingest", type=float, default=0.0)
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--sandbox", help="the HTTP sandbox's base URL (else CountingAmazon)")
    args = parser.parse_args(argv)
    keyring = Keyring.parse(os.environ[KEYS_VARIABLE])
    clock = FileClock(args.clock)
    amazon: AmazonGateway | CountingAmazon = CountingAmazon(
        clock,
        CallLog(args.log),
        slow_refresh=args.slow_refresh,
        slow_setup=args.slow_setup,
        slow_ingest=args.slow_ingest,
    )
    if args.sandbox:
        from adapters.amazon import AmazonHttpGateway, AmazonSettings

        amazon = AmazonHttpGateway(AmazonSettings.for_sandbox(args.sandbox), clock=clock.now)
    stop = args.work / "stop"
    if args.mode == "procrastinate":
        from adapters.worker.procrastinate_runtime import run_procrastinate_worker

        def factory() -> Application:
            return build_app(SqlDatabase(args.db, keyring), amazon, clock)

        run_procrastinate_worker(
            factory, args.db, concurrency=args.concurrency, interval=1, schedule_every=0.5
        )
        return
    database = SqlDatabase(args.db, keyring)
    app = build_app(database, amazon, clock)
    (args.work / f"ready-{os.getpid()}").touch()
    if args.mode == "race":
        # Every process asks for every connection's token at once, in its own order.
        start = args.work / "go"
        while not start.exists():
            time.sleep(0.005)
        with database.unit_of_work() as uow:
            ids = [c.id for c in uow.connections.list_all()]
        random.shuffle(ids)
        for connection_id in ids:
            app.get_access_token(connection_id, Channel.SP_API)
    elif args.mode == "cached":
        # The baseline: what client libraries do, a token cache in each process's memory.
        # Each starts warm with the seeded token, as if it had fetched its own at the start.
        with database.unit_of_work() as uow:
            grants = {c.id: c.grants[Channel.SP_API] for c in uow.connections.list_all()}
        cache = {cid: g.access_token_expires_at for cid, g in grants.items()}
        beat = args.work / f"pass-{os.getpid()}"
        while not stop.exists():
            now = clock.now()
            for connection_id, grant in grants.items():
                expires = cache[connection_id]
                if grant.refresh_token is not None and (
                    expires is None or expires <= now + timedelta(minutes=5)
                ):
                    amazon.refresh_access_token(Channel.SP_API, Region.NA, grant.refresh_token)
                    cache[connection_id] = now + timedelta(seconds=ACCESS_TOKEN_LIFETIME)
            FileClock(beat).set(now)
            time.sleep(args.interval)
    else:
        beat = args.work / f"pass-{os.getpid()}"
        while not stop.exists():
            started = clock.now()
            run_pass(app)
            FileClock(beat).set(started)  # the clock reading this pass worked at
            time.sleep(args.interval)
    database.dispose()


if __name__ == "__main__":
    main()
