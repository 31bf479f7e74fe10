"""A process delivering webhooks killed with SIGKILL in the middle of sending loses no
event (DESIGN §13): what it had claimed is leased, the lease runs out, and the next
dispatcher sends it again with the same webhook-id. Embedded worker on SQLite and
PostgreSQL; procrastinate workers on PostgreSQL."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import timedelta

import pytest

from adapters.webhooks.receiver import Answer, LoopbackReceiver
from application.context import Actor
from application.teams import CreateTeamCommand
from domain.events import AuditEvent, EventKind
from domain.team import TeamKind
from harness.stack import reaped, wait_for
from tests.integration.background.conftest import START
from tests.integration.background.webhook_stack import build_app, spawn
from tests.webhook_support import Product

EVENTS = 24
CONNECTIONS = 4


def _seed(database, clock, product: Product) -> list[str]:
    app = build_app(database, clock)
    owner = Actor("owner@acme")
    team = app.create_team(CreateTeamCommand(owner, "Acme", TeamKind.BRAND))
    created = app.create_webhook(Actor(owner.user_id, team.id), product.url, ["*"])
    product.secrets.append(created.secret.reveal())
    ids = []
    with database.unit_of_work() as uow:
        for n in range(EVENTS):
            event = AuditEvent(
                id=f"evt_{n:04d}",
                at=START + timedelta(seconds=n),
                team_id=team.id,
                kind=EventKind.CONNECTION_HEALTH_CHANGED,
                actor="sellerlink",
                summary=f"change {n}",
                connection_id=f"con_{n % CONNECTIONS}",
                data={"health_before": "connected", "health_after": "expiring", "n": str(n)},
            )
            uow.events.append(event)
            ids.append(event.id)
        uow.commit()
    return ids


def _run_kill_and_recover(mode, database, database_url, keyring, clock, work_dir) -> None:
    slow = LoopbackReceiver(lambda _: Answer(204, delay=0.15))
    with slow:
        product = Product(slow)
        ids = _seed(database, clock, product)
        victim = spawn(mode, database_url=database_url, keyring=keyring, clock=clock, work=work_dir)
        with reaped([victim]):
            wait_for(lambda: len(slow.accepted()) >= 5, 90, "the first deliveries")
            victim.send_signal(signal.SIGKILL)
            assert victim.wait(10) == -signal.SIGKILL
        got_before = len(slow.accepted())
        assert got_before < EVENTS, "the victim finished before it was killed"
        clock.advance(timedelta(minutes=2))  # the victim's leases run out
        survivor = spawn(
            mode, database_url=database_url, keyring=keyring, clock=clock, work=work_dir
        )
        with reaped([survivor]):
            wait_for(lambda: {m["id"] for m in product.verified()} >= set(ids), 90, "every event")
            survivor.send_signal(signal.SIGKILL)
            survivor.wait(10)
    messages = product.verified()
    seen = Counter(m["id"] for m in messages)
    assert set(seen) == set(ids)
    # At least once: a delivery cut off by the kill may arrive twice, never more.
    assert max(seen.values()) <= 2
    # In order per connection, counting each message's first arrival.
    first: dict[str, int] = {}
    for position, m in enumerate(messages):
        first.setdefault(m["id"], position)
    for c in range(CONNECTIONS):
        mine = [i for i in ids if int(i.split("_")[1]) % CONNECTIONS == c]
        assert sorted(mine, key=first.__getitem__) == mine


@pytest.mark.slow
def test_the_embedded_worker_killed_while_delivering_loses_no_event(
    database, database_url, keyring, clock, work_dir
):
    _run_kill_and_recover("embedded", database, database_url, keyring, clock, work_dir)


@pytest.mark.slow
@pytest.mark.postgres
def test_a_procrastinate_worker_killed_while_delivering_loses_no_event(
    request, keyring, clock, work_dir, postgres_url
):
    from adapters.persistence import SqlDatabase
    from harness.postgres import create_database, drop_database

    url = create_database(postgres_url, prefix="webhooks")
    db = SqlDatabase(url, keyring)
    db.upgrade()
    try:
        _run_kill_and_recover("procrastinate", db, url, keyring, clock, work_dir)
    finally:
        db.dispose()
        drop_database(postgres_url, url)
