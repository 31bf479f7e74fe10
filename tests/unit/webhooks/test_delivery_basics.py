"""A product subscribed to webhooks hears about a new connection, signed so that the
`standardwebhooks` library verifies it, with what it needs in `data`."""

from __future__ import annotations

from application.app import Application
from domain.grant import Channel
from tests.webhook_support import Product, subscribe
from tests.world import World


def test_a_new_connection_reaches_the_product_signed(
    world: World, app: Application, product: Product
) -> None:
    world.create_team()
    endpoint_id = subscribe(app, world.actor(), product)
    world.connect("us-seller", Channel.ADS)

    report = app.dispatch_webhooks()

    assert report.delivered >= 1
    messages = product.verified()
    connected = [m for m in messages if m["type"] == "connection.connected"]
    assert len(connected) == 1
    body = connected[0]
    assert body["team_id"] == world.team.id  # type: ignore[union-attr]
    assert body["data"]["connection_id"] == world.connection_id
    deliveries = app.list_deliveries(world.actor(), endpoint_id)
    assert {d.status for d in deliveries} == {"delivered"}
