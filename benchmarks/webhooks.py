"""Webhooks from the outbox (DESIGN §13), on the embedded default's SQLite.

1. Cost of the outbox on a state change: the same state change (a seller authorizes Amazon
   Ads again: the connection stored and its `connection.reconnected` logged in one
   transaction) timed with no endpoint configured, and with three endpoints configured
   while two dispatcher threads deliver in the same process (as the embedded worker does).
   Printed as a ratio of medians, measured side by side (one change of each, in turn).
2. N events (default 10,000) on 50 connections to 3 loopback receivers: a healthy one, one
   failing 30 % of attempts (503), one timing out now and then (2 % of attempts answer after
   the sender's timeout). Counted per endpoint: lost (never accepted), duplicates (accepted
   more than once: an answer that came after the timeout), delivery lag p50/p99 of the
   healthy one (event recorded -> receiver accepted it, wall clock).
   Once every event is written and the healthy endpoint has caught up, the clock jumps to
   each next retry (the backoff runs from seconds to hours), as the sandbox's simulated
   clock lets the embedded product do.

Run: `.venv/bin/python benchmarks/webhooks.py [--events N]`. Everything on 127.0.0.1;
stops by itself (bounded by --max-seconds).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.persistence import Keyring, SqlDatabase
from adapters.webhooks import HttpWebhookSender, TargetPolicy, offline_resolver
from adapters.webhooks.receiver import Answer, LoopbackReceiver, Received
from adapters.worker.inprocess import WEBHOOK_IDLE_SECONDS, WEBHOOK_ROUNDS
from application.app import Application
from application.context import Actor, Ports
from application.repositories import EventLogQuery
from application.teams import CreateTeamCommand
from bootstrap.system import TokenSecrets, UlidIds
from domain.connection import AccountType, Connection, Region
from domain.events import EventKind
from domain.grant import Channel, Consent
from domain.secret import Secret
from domain.team import TeamKind
from domain.webhooks import DeliveryStatus

CONNECTIONS = 50
TIMEOUT = 2.0


class JumpClock:
    """The wall clock, plus whatever the benchmark has jumped forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def build(path: Path) -> tuple[Application, JumpClock]:
    clock = JumpClock()
    database = SqlDatabase(f"sqlite:///{path}", Keyring.generate("k1"))
    database.upgrade()
    sender = HttpWebhookSender(
        TargetPolicy(allow_loopback=True, resolver=offline_resolver), timeout=TIMEOUT
    )
    ports = Ports(
        uow=database.unit_of_work,
        clock=clock,
        ids=UlidIds(),
        secrets=TokenSecrets(),
        amazon=None,  # type: ignore[arg-type]
        webhooks=sender,
    )
    return Application(ports), clock


def seed(app: Application) -> tuple[Actor, list[str]]:
    owner = Actor("owner@bench")
    team = app.create_team(CreateTeamCommand(owner, "Bench", TeamKind.BRAND))
    now = app.ports.clock.now()
    ids = [f"con_{i:03d}" for i in range(CONNECTIONS)]
    with app.ports.uow() as uow:
        for cid in ids:
            connection = Connection(
                id=cid,
                team_id=team.id,
                account_type=AccountType.VENDOR,
                region=Region.NA,
                created_at=now,
            )
            consent = Consent(Secret(f"Atzr|bench-{cid}"), scopes=(), account_id=f"ENTITY-{cid}")
            connection.authorize(Channel.ADS, consent, at=now)
            uow.connections.add(connection)
        uow.commit()
    return Actor(owner.user_id, team.id), ids


def state_change(app: Application, connection_id: str, n: int) -> None:
    """A real state change: the seller authorizes Amazon Ads again (a reconnect), which the
    connection announces (`connection.reconnected`) in the transaction that stores it."""
    with app.ports.uow() as uow:
        connection = uow.connections.get(connection_id, for_update=True)
        assert connection is not None
        consent = Consent(
            Secret(f"Atzr|bench-{connection_id}-{n}"),
            scopes=(),
            account_id=f"ENTITY-{connection_id}",
        )
        connection.authorize(Channel.ADS, consent, at=app.ports.clock.now())
        uow.connections.update(connection)
        uow.commit()


class Behaviour:
    def __init__(self, *, fail: float = 0.0, slow: float = 0.0, seed: int = 1) -> None:
        self.fail, self.slow = fail, slow
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.attempts = 0

    def __call__(self, got: Received) -> Answer:
        with self.lock:
            self.attempts += 1
            roll = self.rng.random()
        if roll < self.fail:
            return Answer(503)
        if roll < self.fail + self.slow:
            return Answer(204, delay=TIMEOUT * 1.5)
        return Answer(204)


class ReceiverProcess:
    """The three receivers in a process of their own, so the product's side does not
    compete with sellerlink for the interpreter; their arrivals come back at the end."""

    def __init__(self, behaviours: dict[str, Behaviour]) -> None:
        self._parent, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(
            target=self._serve, args=(behaviours, child), daemon=True
        )
        self._process.start()
        self.urls: dict[str, str] = self._parent.recv()

    @staticmethod
    def _serve(behaviours: dict[str, Behaviour], pipe: Any) -> None:
        receivers = {name: LoopbackReceiver(b).start() for name, b in behaviours.items()}
        pipe.send({name: r.url for name, r in receivers.items()})
        while True:
            command = pipe.recv()
            if command == "count":
                pipe.send(
                    {
                        n: len({g.headers["webhook-id"] for g in r.accepted()})
                        for n, r in receivers.items()
                    }
                )
                continue
            result = {
                name: (
                    r.behaviour.attempts,  # type: ignore[attr-defined]
                    [(g.headers["webhook-id"], g.wall) for g in r.accepted()],
                )
                for name, r in receivers.items()
            }
            for r in receivers.values():
                r.stop()
            pipe.send(result)
            return

    def unique(self) -> dict[str, int]:
        self._parent.send("count")
        counts: dict[str, int] = self._parent.recv()
        return counts

    def finish(self) -> dict[str, tuple[int, list[tuple[str, float]]]]:
        self._parent.send("finish")
        result: dict[str, tuple[int, list[tuple[str, float]]]] = self._parent.recv()
        self._process.join(10)
        return result


def dispatcher(app: Application, stop: threading.Event) -> None:
    """The in-process worker's webhook thread, as adapters/worker/inprocess.py runs it."""
    while not stop.is_set():
        report = app.dispatch_webhooks(rounds=WEBHOOK_ROUNDS)
        if not (report.published or report.claimed):
            stop.wait(WEBHOOK_IDLE_SECONDS)


@contextmanager
def dispatching(app: Application) -> Iterator[None]:
    """Two dispatcher threads deliver while the block runs, stopped and joined after it."""
    stop = threading.Event()
    threads = [threading.Thread(target=dispatcher, args=(app, stop)) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        stop.set()
        for t in threads:
            t.join()


def pending(app: Application, actor: Actor) -> int:
    with app.ports.uow() as uow:
        return sum(
            len(uow.deliveries.list_for_endpoint(e.id, status=DeliveryStatus.PENDING, limit=10**6))
            for e in app.list_webhooks(actor)
        )


def next_due(app: Application) -> datetime | None:
    """When the next retry is due: the earliest among the deliveries that head their
    connection's queue (those behind them wait for them, whatever their own time)."""
    with app.ports.uow() as uow:
        return uow.deliveries.next_attempt_at()


def cost_ratio(work: Path, changes: int, rounds: int) -> tuple[float, float]:
    """Mean seconds per state change, without and with webhooks, alternating rounds."""
    plain, _ = build(work / "plain.db")
    hooked, _ = build(work / "hooked.db")
    _, plain_ids = seed(plain)
    actor, hooked_ids = seed(hooked)
    receivers = ReceiverProcess({f"r{i}": Behaviour() for i in range(3)})
    for url in receivers.urls.values():
        hooked.create_webhook(actor, url, ["*"])
    without: list[float] = []
    with_: list[float] = []
    try:
        with dispatching(hooked):
            # Side by side: each round makes one change without and one with, in turn, so
            # both see the same machine at the same moment.
            for n in range(changes * rounds):
                for app, ids, out in ((plain, plain_ids, without), (hooked, hooked_ids, with_)):
                    started = time.perf_counter()
                    state_change(app, ids[n % CONNECTIONS], n)
                    out.append(time.perf_counter() - started)
    finally:
        receivers.finish()
    return statistics.median(without), statistics.median(with_)


def delivery_run(work: Path, events: int, max_seconds: float) -> None:
    app, clock = build(work / "delivery.db")
    actor, ids = seed(app)
    receivers = ReceiverProcess(
        {
            "healthy": Behaviour(),
            "failing 30%": Behaviour(fail=0.30, seed=2),
            "timing out 2%": Behaviour(slow=0.02, seed=3),
        }
    )
    for url in receivers.urls.values():
        app.create_webhook(actor, url, ["*"])
    deadline = time.monotonic() + max_seconds
    started = time.monotonic()
    with dispatching(app):
        for n in range(events):
            state_change(app, ids[n % CONNECTIONS], n)
        written = time.monotonic() - started
        # The healthy endpoint catches up in real time.
        while receivers.unique()["healthy"] < events and time.monotonic() < deadline:
            time.sleep(0.1)
        caught_up = time.monotonic() - started
    # Backoff: jump the clock to each next retry until nothing is pending.
    jumps = 0
    while time.monotonic() < deadline:
        app.dispatch_webhooks()
        due = next_due(app)
        if due is None:
            break
        if due > clock.now():
            clock.offset += due - clock.now()
            jumps += 1
    arrivals = receivers.finish()
    with app.ports.uow() as uow:
        changes = uow.events.list(
            EventLogQuery(kinds=[str(EventKind.CONNECTION_RECONNECTED)], limit=10**6)
        )
    recorded = {e.id: e.at.timestamp() for e in changes}
    print(
        f"  {events} state changes written in {written:.1f} s; the healthy endpoint had them "
        f"all after {caught_up:.1f} s; then {jumps} clock jumps for the retries; "
        f"{pending(app, actor)} deliveries still pending"
    )
    print(
        f"  {'endpoint':<15}{'attempts':>9}{'accepted':>10}{'unique':>8}{'lost':>6}"
        f"{'duplicates':>12}"
    )
    for name, (attempts, got) in arrivals.items():
        seen = Counter(message_id for message_id, _ in got)
        lost = len(set(recorded) - set(seen))
        duplicates = sum(seen.values()) - len(seen)
        print(
            f"  {name:<15}{attempts:>9}{sum(seen.values()):>10}{len(seen):>8}{lost:>6}"
            f"{duplicates:>12}"
        )
    first: dict[str, float] = {}
    for message_id, wall in arrivals["healthy"][1]:
        first.setdefault(message_id, wall)
    lags = sorted(wall - recorded[m] for m, wall in first.items() if m in recorded)
    p50 = lags[len(lags) // 2] * 1000
    p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))] * 1000
    print(f"  healthy endpoint delivery lag: p50 {p50:.0f} ms, p99 {p99:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--cost-changes", type=int, default=300)
    parser.add_argument("--cost-rounds", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()
    # On tmpfs when there is one: the ratio is about the outbox's work, not the disk's fsync.
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        work = Path(tmp)
        print("Cost of the outbox on a state change (SQLite, median of alternating rounds):")
        without, with_ = cost_ratio(work, args.cost_changes, args.cost_rounds)
        print(
            f"  without webhooks {without * 1000:.2f} ms, with 3 endpoints and the "
            f"dispatcher running {with_ * 1000:.2f} ms: ratio {with_ / without:.2f}"
        )
        print(f"Delivery of {args.events} events to 3 endpoints:")
        delivery_run(work, args.events, args.max_seconds)


if __name__ == "__main__":
    main()
