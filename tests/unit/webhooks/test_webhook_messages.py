"""What a product is told, and only once: refused listings with Amazon's words, the secret
rotation that signs with both secrets for 24 hours, the test message, and a replay that
sends the same webhook-ids again (DESIGN §13)."""

from __future__ import annotations

import json
from datetime import timedelta

from application.listing_updates import ListingRow, SubmitListingsCommand
from domain.events import APP_TEAM_ID, AuditEvent, EventKind
from domain.secret import Secret
from domain.team import Plan
from domain.webhooks import signature_header
from tests.webhook_support import Product, subscribe, verify
from tests.world import World

US = "ATVPDKIKX0DER"


def test_refused_listings_reach_the_product_with_amazons_words(
    world: World, product: Product
) -> None:
    world.create_team()
    world.connect_fully("us-seller")
    subscribe(world.app, world.actor(), product, ["listing.rejected"])
    world.amazon.refused_skus["SKU-2"] = "The SKU is not in the catalogue"
    rows = [ListingRow(f"SKU-{i}", 5, "10.00", "USD") for i in range(3)]
    world.app.submit_listings(SubmitListingsCommand(world.actor(), world.connection_id, US, rows))
    world.clock.advance(timedelta(minutes=15))
    world.app.flush_listings.connection(world.connection_id)
    world.app.dispatch_webhooks()

    (message,) = product.verified()
    assert message["type"] == "listing.rejected"
    assert message["data"]["rejected"] == 1
    assert message["data"]["skus"] == ["SKU-2"]
    assert "The SKU is not in the catalogue" in message["data"]["messages"]
    assert message["data"]["marketplace_id"] == US


def test_after_a_rotation_both_secrets_verify_for_24_hours(world: World, product: Product) -> None:
    world.create_team()
    endpoint_id = subscribe(world.app, world.actor(), product)
    old = product.secrets[0]
    new = world.app.rotate_webhook_secret(world.actor(), endpoint_id).reveal()
    assert new != old
    assert new.startswith("whsec_")
    world.app.send_test_webhook(world.actor(), endpoint_id)
    world.clock.advance(timedelta(hours=24, seconds=1))
    world.app.send_test_webhook(world.actor(), endpoint_id)

    first, second = product.receiver.accepted()
    assert verify(first, [old])["type"] == "webhook.test"  # a receiver not yet switched
    assert verify(first, [new])["type"] == "webhook.test"
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    assert len(second.headers["webhook-signature"].split(" ")) == 1
    verify(second, [new])
    try:
        verify(second, [old])
    except AssertionError:
        pass
    else:
        raise AssertionError("the old secret still verifies after 24 hours")


def test_the_secret_is_shown_once_and_signs_as_standard_webhooks_says(
    world: World, product: Product
) -> None:
    world.create_team()
    endpoint_id = subscribe(world.app, world.actor(), product)
    shown = world.app.get_webhook(world.actor(), endpoint_id)
    assert "whsec_" not in repr(shown)
    delivery = world.app.send_test_webhook(world.actor(), endpoint_id)
    assert delivery.status == "delivered"
    (got,) = product.receiver.accepted()
    body = json.loads(got.body)
    assert set(body) == {"id", "type", "created_at", "team_id", "data"}
    assert got.headers["webhook-id"] == body["id"]
    expected = signature_header(
        [Secret(product.secrets[0])],
        got.headers["webhook-id"],
        int(got.headers["webhook-timestamp"]),
        got.body,
    )
    assert got.headers["webhook-signature"] == expected


def test_a_replay_sends_the_same_messages_again(world: World, product: Product) -> None:
    world.create_team()
    endpoint_id = subscribe(world.app, world.actor(), product)
    world.connect_fully("us-seller")
    world.app.dispatch_webhooks()
    before = [m["id"] for m in product.verified()]
    assert before
    queued = world.app.replay_webhooks(
        world.actor(), endpoint_id, world.clock.now() - timedelta(minutes=1)
    )
    world.app.dispatch_webhooks()
    assert queued == len(before)
    assert [m["id"] for m in product.verified()] == before + before


def test_a_failed_marketplace_setup_reaches_the_product_with_the_fix(
    world: World, product: Product
) -> None:
    world.create_team(plan=Plan.PRO)
    world.connect_fully("failing-marketplace-seller")
    subscribe(world.app, world.actor(), product, ["marketplace.state_changed"])
    world.select_marketplace("DE")
    world.run_setup()
    world.app.dispatch_webhooks()

    changes = [m["data"] for m in product.verified()]
    assert [(c["from_state"], c["to_state"]) for c in changes] == [
        ("available", "setting_up"),
        ("setting_up", "failed"),
    ]
    failed = changes[-1]
    assert failed["country_code"] == "DE"
    assert failed["error"]["code"] == "SETUP_FAILED"
    assert failed["error"]["remediation"]
    assert failed["reason"]


def test_an_app_wide_event_reaches_every_team_that_asked(world: World, product: Product) -> None:
    first = world.create_team("Acme")
    second = world.create_team("Globex")
    subscribe(world.app, world.actor(team=first), product, ["app.credentials_rejected"])
    subscribe(world.app, world.actor(team=second), product, ["app.credentials_rejected"])
    with world.app.ports.uow() as uow:
        uow.events.append(
            AuditEvent(
                id="evt_app_1",
                at=world.clock.now(),
                team_id=APP_TEAM_ID,
                kind=EventKind.APP_CREDENTIALS_REJECTED,
                actor="amazon",
                summary="LWA refused every client secret (invalid_client)",
                data={"error_code": "INTERNAL_ERROR"},
            )
        )
        uow.commit()
    world.app.dispatch_webhooks()
    teams = sorted(m["team_id"] for m in product.verified())
    assert teams == sorted([first.id, second.id])
    assert {m["type"] for m in product.verified()} == {"app.credentials_rejected"}
