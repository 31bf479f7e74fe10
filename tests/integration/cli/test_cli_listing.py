"""`sellerlink listing CONNECTION SKU`: support sees the same explanation of a SKU as the web
API, read from the SQLite file another process wrote."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from application.listing_updates import ListingRow, SubmitListingsCommand
from bootstrap.system import SettableClock
from domain.team import Role
from tests.world import World

US = "ATVPDKIKX0DER"


def prepared(world: World, clock: SettableClock) -> str:
    world.create_team()
    world.connect_fully("us-seller")
    world.set_listing_settings(minimum_price=Decimal("5.00"), pricing_enabled=False)
    world.app.submit_listings(
        SubmitListingsCommand(
            world.actor(Role.ADMIN),
            world.connection_id,
            US,
            [ListingRow("CHEAP-1", 10, "3.50", "USD"), ListingRow("MAIN-1", 8, "25.00", "USD")],
        )
    )
    clock.advance(timedelta(minutes=15))
    world.app.flush_listings()
    return world.connection_id


def test_listing_explains_a_sku_under_the_minimum_price(run_json, world, clock) -> None:
    connection_id = prepared(world, clock)
    found = run_json("listing", connection_id, "CHEAP-1")
    [item] = found["items"]
    assert item["decision"] == "not sent: price 3.50 is under the minimum 5.00"
    assert item["settings"]["minimum_price"] == {"amount": "5.00", "currency": "USD"}
    assert item["sent_at"] is None


def test_listing_shows_what_amazon_accepted(run, world, clock) -> None:
    connection_id = prepared(world, clock)
    result = run("listing", connection_id, "MAIN-1")
    assert result.exit_code == 0, result.output
    assert "send quantity 8; pricing disabled: price not sent" in result.output
    assert "accepted" in result.output


def test_listing_of_an_unknown_sku_is_not_found(run, world, clock) -> None:
    connection_id = prepared(world, clock)
    result = run("listing", connection_id, "NOPE")
    assert result.exit_code == 1
