"""The outbox delivers every change at least once, in log order per connection, with the
same `webhook-id` on every attempt; a receiver that is down catches up; an endpoint failing
for days is disabled; rotation, test messages, retries and replays (DESIGN §13)."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import REGISTRY

from adapters.webhooks.receiver import Answer, Received
from application.app import Application
from application.repositories import EventLogQuery
from domain.grant import Channel
from domain.team import Plan
from domain.webhooks import RETRY_SCHEDULE, DeliveryStatus
from tests.webhook_support import Product, subscribe
from tests.world import World


class Switch:
    def __init__(self) -> None:
        self.down = False
        self.arrivals: list[str] = []

    def __call__(self, got: Received) -> Answer:
        self.arrivals.append(got.headers["webhook-id"])
        return Answer(503) if self.down else Answer(204)


def drain(world: World, app: Application, *, step: timedelta, limit: int = 200) -> None:
    for _ in range(limit):
        app.dispatch_webhooks()
        if not any(
            d.status is DeliveryStatus.PENDING
            for e in app.list_webhooks(world.actor())
            for d in app.list_deliveries(world.actor(), e.id)
        ):
            return
        world.clock.advance(step)
    raise AssertionError("deliveries still pending")


def test_a_receiver_down_for_an_hour_gets_everything_afterwards_in_order(
    world: World, app: Application, product: Product
) -> None:
    switch = Switch()
    product.receiver.behaviour = switch
    world.create_team(plan=Plan.PRO)
    endpoint_id = subscribe(app, world.actor(), product)
    switch.down = True
    world.connect_fully("us-seller")
    us = world.connection_id
    world.connect_fully("eu-seller")
    eu = world.connection_id
    world.seller_revokes("us-seller")
    app.disconnect(world.actor(), eu)
    for _ in range(60):  # an hour of the worker's passes, a minute apart
        app.dispatch_webhooks()
        world.clock.advance(timedelta(minutes=1))
    assert product.verified() == []
    assert switch.arrivals, "the dispatcher kept trying"
    switch.down = False
    drain(world, app, step=timedelta(minutes=5))

    messages = product.verified()
    ids = [m["id"] for m in messages]
    assert len(ids) == len(set(ids)), "each message accepted once"
    # every attempt of a message carried the same webhook-id: the ids seen are the messages
    assert set(switch.arrivals) == set(ids)
    for connection_id in (us, eu):
        mine = [m for m in messages if m["data"].get("connection_id") == connection_id]
        times = [m["created_at"] for m in mine]
        assert times == sorted(times), f"out of order for {connection_id}"
    types_us = [m["type"] for m in messages if m["data"].get("connection_id") == us]
    assert types_us[0] == "connection.connected"
    assert "connection.revoked" in types_us
    types_eu = [m["type"] for m in messages if m["data"].get("connection_id") == eu]
    assert types_eu[0] == "connection.connected"
    assert types_eu[-2:] == ["connection.health_changed", "connection.disconnected"]
    failed = app.list_deliveries(world.actor(), endpoint_id, DeliveryStatus.FAILED)
    assert failed == []


def test_a_delivery_backs_off_for_about_a_day_then_fails_visibly(
    world: World, app: Application, product: Product
) -> None:
    product.receiver.behaviour = lambda _: Answer(500, body=b"receiver broke")
    world.create_team()
    endpoint_id = subscribe(app, world.actor(), product)
    world.connect("us-seller", Channel.ADS)
    started = world.clock.now()
    for delay in (timedelta(0), *RETRY_SCHEDULE):
        world.clock.advance(delay)
        app.dispatch_webhooks()
    (failed,) = app.list_deliveries(world.actor(), endpoint_id, DeliveryStatus.FAILED)
    assert failed.attempts == len(RETRY_SCHEDULE) + 1
    assert failed.last_status_code == 500
    assert failed.last_response == "receiver broke"
    assert timedelta(hours=20) < world.clock.now() - started < timedelta(hours=30)
    # Retry: one attempt now; the receiver is fixed.
    product.receiver.behaviour = lambda _: Answer(200)
    retried = app.retry_delivery(world.actor(), failed.id)
    assert retried.status is DeliveryStatus.PENDING
    app.dispatch_webhooks()
    assert app.list_deliveries(world.actor(), endpoint_id)[0].status is DeliveryStatus.DELIVERED
    assert product.types() == ["connection.connected"]


def test_an_endpoint_failing_for_days_is_disabled_with_an_event(
    world: World, app: Application, product: Product
) -> None:
    product.receiver.behaviour = lambda _: Answer(410)
    world.create_team()
    endpoint_id = subscribe(app, world.actor(), product)
    world.connect("us-seller", Channel.ADS)
    for _ in range(6 * 24):
        app.dispatch_webhooks()
        world.clock.advance(timedelta(hours=1))
        if not app.get_webhook(world.actor(), endpoint_id).enabled:
            break
        # more to deliver each day: the seller reconnects
        if world.clock.now().hour == 0:
            world.reconnect("us-seller", Channel.ADS)
    endpoint = app.get_webhook(world.actor(), endpoint_id)
    assert not endpoint.enabled
    assert "no delivery accepted for 5 days" in endpoint.disabled_reason
    with app.ports.uow() as uow:
        kinds = [e.kind for e in uow.events.list(EventLogQuery(team_id=world._team().id))]
    assert "webhook.endpoint_disabled" in kinds


def test_each_stored_attempt_is_counted_for_the_operator_with_its_lag(
    world: World, app: Application, product: Product
) -> None:
    def count(outcome: str) -> float:
        return (
            REGISTRY.get_sample_value("sellerlink_webhook_deliveries_total", {"outcome": outcome})
            or 0.0
        )

    def lag_sum() -> float:
        return REGISTRY.get_sample_value("sellerlink_webhook_delivery_lag_seconds_sum") or 0.0

    switch = Switch()
    product.receiver.behaviour = switch
    world.create_team(plan=Plan.PRO)
    subscribe(app, world.actor(), product)
    before = {o: count(o) for o in ("delivered", "retrying")}
    lag_before = lag_sum()
    switch.down = True
    world.connect_fully("us-seller")
    app.dispatch_webhooks()
    retrying = count("retrying") - before["retrying"]
    assert retrying >= 1, "a refused attempt shows as retrying"
    assert count("delivered") == before["delivered"]
    switch.down = False
    world.clock.advance(timedelta(hours=1))
    drain(world, app, step=timedelta(minutes=5))
    delivered = count("delivered") - before["delivered"]
    assert delivered == len(product.verified())
    # Each delivered message waited out the hour the receiver was down.
    assert lag_sum() - lag_before >= delivered * 3600
