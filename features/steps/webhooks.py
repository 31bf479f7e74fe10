"""Steps for webhooks (DESIGN §13): the product's receiver is a real one on 127.0.0.1,
verifying signatures with the `standardwebhooks` library as a product would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from adapters.webhooks.receiver import Answer, LoopbackReceiver, Received
from features.steps.common import admin
from tests.webhook_support import Product, subscribe
from tests.world import World


class _Switch:
    def __init__(self) -> None:
        self.down = False

    def __call__(self, got: Received) -> Answer:
        return Answer(503) if self.down else Answer(204)


@pytest.fixture
def receiving() -> Iterator[tuple[Product, _Switch]]:
    switch = _Switch()
    with LoopbackReceiver(switch) as receiver:
        yield Product(receiver), switch


def _worker_pass(world: World) -> None:
    """The background worker at work: a pass runs every due job, and the pass two seconds
    later sends what the first one changed (webhook dispatch is one of the jobs)."""
    for _ in range(2):
        for job in world.app.reconcile():
            world.app.run_job(job)
        world.clock.advance(timedelta(seconds=2))


def _product(world: World) -> Product:
    product = world.note("product", Product)
    return product


def _messages(world: World, kind: str | None = None) -> list[dict[str, Any]]:
    return [m for m in _product(world).verified() if kind is None or m["type"] == kind]


@given("the team's product receives webhooks for every event")
def _subscribed(world: World, receiving: tuple[Product, _Switch]) -> None:
    product, switch = receiving
    world.notes["product"], world.notes["switch"] = product, switch
    subscribe(world.app, admin(world), product, ["*"])


@given("the product's receiver is down")
def _down(world: World) -> None:
    world.notes["switch"].down = True  # type: ignore[attr-defined]


@when("the product's receiver is back")
def _back(world: World) -> None:
    world.notes["switch"].down = False  # type: ignore[attr-defined]


@when(parsers.parse("the background worker runs every day for {days:d} days"))
def _daily(world: World, days: int) -> None:
    start = world.clock.now()
    for day in range(1, days + 1):
        world.clock.set(start + timedelta(days=day))
        _worker_pass(world)


@when(parsers.parse("the background worker runs {times:d} times"))
def _passes(world: World, times: int) -> None:
    for _ in range(times):
        _worker_pass(world)
        world.clock.advance(timedelta(minutes=1))


@when(parsers.parse("the background worker runs every minute for an hour"))
def _an_hour(world: World) -> None:
    for _ in range(60):
        _worker_pass(world)
        world.clock.advance(timedelta(minutes=1))


@when(parsers.parse("the background worker runs every 10 minutes for a day"))
def _a_day(world: World) -> None:
    for _ in range(6 * 24):
        _worker_pass(world)
        world.clock.advance(timedelta(minutes=10))


@when("the team disconnects the account")
def _disconnect(world: World) -> None:
    world.app.disconnect(admin(world), world.connection_id)


@then("the product is told the connection expires, once at each of these times:")
def _expiring(world: World, datatable: list[list[str]]) -> None:
    wanted = [row[0] for row in datatable[1:]]
    told = [m["data"]["remaining"] for m in _messages(world, "connection.expiring")]
    assert told == wanted
    assert {m["data"]["connection_id"] for m in _messages(world, "connection.expiring")} == {
        world.connection_id
    }


@then(parsers.parse("the product is told the connection's health went from {before} to {after}"))
def _health(world: World, before: str, after: str) -> None:
    changes = [
        (m["data"]["health_before"], m["data"]["health_after"])
        for m in _messages(world, "connection.health_changed")
    ]
    assert changes.count((before, after)) == 1, changes


@then("every message the product received is signed with the endpoint's secret")
def _signed(world: World) -> None:
    # verified() raises unless the standardwebhooks library accepts every message
    assert _product(world).verified()


@then(
    parsers.parse('the product is told once that the connection was revoked, with the fix "{fix}"')
)
def _revoked_once(world: World, fix: str) -> None:
    revoked = _messages(world, "connection.revoked")
    assert len(revoked) == 1
    data = revoked[0]["data"]
    assert data["connection_id"] == world.connection_id
    assert data["error"]["code"] == "TOKEN_REVOKED"
    assert any(fix in step for step in data["error"]["remediation"])


@then("the product has received, in this order:")
def _in_order(world: World, datatable: list[list[str]]) -> None:
    wanted = [row[0] for row in datatable[1:]]
    assert [m["type"] for m in _messages(world)] == wanted


@then("no message was accepted twice")
def _once(world: World) -> None:
    ids = [m["id"] for m in _messages(world)]
    assert len(ids) == len(set(ids))
