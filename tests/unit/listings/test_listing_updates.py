"""Listing updates end to end in memory (application/listing_updates.py): submitting with
per-row errors, the batch window, PATCH vs feed, the feed quota, pauses while the grant is
not usable, re-evaluation on a settings change, and the explanation of one SKU."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from adapters.amazon.sandbox.in_process import InProcessAmazon
from adapters.formats.listing_csv import parse_listing_csv
from application.listing_flush import FlushState
from application.listing_updates import (
    ListingRow,
    SubmitListingsCommand,
    SubmitListingsResult,
)
from domain.errors import ForbiddenRole, NotFound, ValidationFailed
from domain.grant import Channel
from domain.listing_batch import ListingStatus
from domain.team import Role
from tests.world import World

US = "ATVPDKIKX0DER"
WINDOW = timedelta(minutes=15)


def submit(world: World, rows: list[ListingRow], role: Role = Role.ADMIN) -> SubmitListingsResult:
    return world.app.submit_listings(
        SubmitListingsCommand(world.actor(role), world.connection_id, US, rows)
    )


def rows(n: int, quantity: int = 5, price: str = "10.00", prefix: str = "SKU") -> list[ListingRow]:
    return [ListingRow(f"{prefix}-{i:05d}", quantity, price, "USD") for i in range(n)]


def shown(amazon: InProcessAmazon, sku: str) -> tuple[int | None, str | None] | None:
    listing = amazon.listing("us-seller", "US", sku)
    return None if listing is None else (listing.quantity, listing.price_amount)


def flush(world: World) -> FlushState:
    outcome = world.app.flush_listings.connection(world.connection_id)
    return outcome.state


def test_good_rows_are_kept_and_each_bad_row_is_reported(connected: World) -> None:
    result = submit(
        connected,
        [
            ListingRow("GOOD-1", 4, "9.99", "USD"),
            ListingRow("", 4, "9.99", "USD"),
            ListingRow("X" * 41, 4, "9.99", "USD"),
            ListingRow("NEG", -1, "9.99", "USD"),
            ListingRow("FRACTION", "2.5", "9.99", "USD"),
            ListingRow("EURO", 3, "9.99", "EUR"),
            ListingRow("NAN", 3, "ten", "USD"),
            ListingRow("GOOD-2", "6", 12, "USD"),
        ],
    )
    assert result.accepted == 2
    assert result.waiting == 2
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "sku"),
        (3, "sku"),
        (4, "quantity"),
        (5, "quantity"),
        (6, "currency"),
        (7, "price"),
    ]
    assert "prices in USD" in result.errors[4].message
    assert result.next_batch_at == connected.clock.now() + WINDOW


def test_nothing_is_sent_before_the_batch_window(connected: World) -> None:
    submit(connected, rows(3))
    connected.clock.advance(WINDOW - timedelta(seconds=1))
    assert flush(connected) is FlushState.WAITING
    assert connected.amazon.sent_listings == []
    connected.clock.advance(timedelta(seconds=1))
    assert flush(connected) is FlushState.SENT
    assert shown(connected.amazon, "SKU-00002") == (5, "10.00")


def test_a_small_batch_goes_by_patch_and_a_large_one_as_a_feed(connected: World) -> None:
    submit(connected, rows(3, prefix="SMALL"))
    connected.clock.advance(WINDOW)
    outcome = connected.app.flush_listings.connection(connected.connection_id)
    assert (outcome.patch_requests, outcome.feeds) == (3, ())
    submit(connected, rows(120, prefix="LARGE"))
    connected.clock.advance(WINDOW)
    outcome = connected.app.flush_listings.connection(connected.connection_id)
    assert outcome.patch_requests == 0
    assert len(outcome.feeds) == 1
    assert outcome.accepted == 120
    assert shown(connected.amazon, "LARGE-00119") == (5, "10.00")


def test_the_latest_value_per_sku_is_sent_once(connected: World) -> None:
    submit(connected, rows(2, quantity=1))
    submit(connected, rows(2, quantity=2))
    submit(connected, [ListingRow("SKU-00000", 3, "10.00", "USD")] * 2)
    connected.clock.advance(WINDOW)
    flush(connected)
    assert [(u.sku, u.quantity) for u in connected.amazon.sent_listings] == [
        ("SKU-00000", 3),
        ("SKU-00001", 2),
    ]


def test_unchanged_values_are_not_sent_again(connected: World) -> None:
    submit(connected, rows(2))
    connected.clock.advance(WINDOW)
    flush(connected)
    result = submit(connected, [*rows(1), ListingRow("SKU-00001", 5, "11.00", "USD")])
    assert result.waiting == 1
    connected.clock.advance(WINDOW)
    flush(connected)
    sent = connected.amazon.sent_listings[2:]
    assert [(u.sku, u.quantity, u.price_amount) for u in sent] == [("SKU-00001", None, "11.00")]


def test_raising_the_buffer_resends_every_sku_it_takes_out_of_stock(connected: World) -> None:
    submit(connected, [ListingRow("A", 3, "9.00", "USD"), ListingRow("C", 12, "9.00", "USD")])
    connected.clock.advance(WINDOW)
    flush(connected)
    connected.set_listing_settings(buffer=6)
    connected.clock.advance(WINDOW)
    flush(connected)
    assert shown(connected.amazon, "A") == (0, "9.00")
    assert shown(connected.amazon, "C") == (12, "9.00")


def test_the_feed_quota_holds_the_rest_back_until_it_renews(connected: World) -> None:
    connected.app.flush_listings.feed_limit = 10
    connected.app.flush_listings.patch_limit = 0
    submit(connected, rows(70))
    connected.clock.advance(WINDOW)
    first = connected.app.flush_listings.connection(connected.connection_id)
    assert first.state is FlushState.RETRY
    assert len(first.feeds) == 5
    assert len(connected.amazon.sent_listings) == 50
    connected.clock.advance(timedelta(minutes=5))
    second = connected.app.flush_listings.connection(connected.connection_id)
    assert second.state is FlushState.SENT
    assert len(second.feeds) == 2
    assert Counter(u.sku for u in connected.amazon.sent_listings) == {
        f"SKU-{i:05d}": 1 for i in range(70)
    }


def test_a_feed_in_processing_is_read_back_on_a_later_run(connected: World) -> None:
    connected.amazon.feed_processing = timedelta(minutes=3)
    submit(connected, rows(60))
    connected.clock.advance(WINDOW)
    flush(connected)
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "SKU-00001")
    assert explained.status is ListingStatus.IN_FLIGHT
    assert "waiting for Amazon's processing report" in explained.status_text
    connected.clock.advance(timedelta(minutes=3))
    outcome = connected.app.flush_listings.connection(connected.connection_id)
    assert outcome.accepted == 60
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "SKU-00001")
    assert explained.status is ListingStatus.UP_TO_DATE
    assert explained.amazon_accepted is True


def test_a_sku_amazon_refuses_is_recorded_and_not_retried(connected: World) -> None:
    connected.amazon.refused_skus["SKU-00001"] = "The SKU is not in the catalogue"
    submit(connected, rows(60))
    connected.clock.advance(WINDOW)
    outcome = connected.app.flush_listings.connection(connected.connection_id)
    assert (outcome.accepted, outcome.rejected) == (59, 1)
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "SKU-00001")
    assert explained.status is ListingStatus.REJECTED
    assert explained.status_text == (
        "Amazon refused the last update: The SKU is not in the catalogue"
    )
    connected.clock.advance(WINDOW)
    assert flush(connected) is FlushState.IDLE


def test_a_revoked_grant_pauses_updates_and_a_reconnect_sends_the_latest(
    connected: World,
) -> None:
    submit(connected, rows(2, quantity=1))
    connected.clock.advance(WINDOW)
    flush(connected)
    connected.seller_revokes("us-seller")
    submit(connected, rows(2, quantity=2))
    submit(connected, rows(2, quantity=3))
    connected.clock.advance(WINDOW)
    assert flush(connected) is FlushState.PAUSED
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "SKU-00000")
    assert explained.status_text.startswith(
        "paused: The Selling Partner API authorization was revoked"
    )
    assert shown(connected.amazon, "SKU-00000") == (1, "10.00")
    connected.reconnect("us-seller", Channel.SP_API)
    assert flush(connected) is FlushState.SENT
    assert shown(connected.amazon, "SKU-00000") == (3, "10.00")
    quantities = [(u.sku, u.quantity) for u in connected.amazon.sent_listings]
    assert quantities == [("SKU-00000", 1), ("SKU-00001", 1), ("SKU-00000", 3), ("SKU-00001", 3)]


def test_an_access_token_amazon_refuses_pauses_without_losing_values(connected: World) -> None:
    submit(connected, rows(1))
    connected.amazon.revoke("us-seller")  # not noticed by a sweep yet
    connected.clock.advance(WINDOW)
    assert flush(connected) is FlushState.PAUSED
    assert flush(connected) is FlushState.PAUSED  # the refresh now finds the grant revoked
    assert connected.view().health == "reconnect_required"
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "SKU-00000")
    assert explained.status is ListingStatus.WAITING


def test_the_explanation_names_the_input_the_settings_and_the_decision(connected: World) -> None:
    connected.set_listing_settings(minimum_price=Decimal("5.00"), pricing_enabled=False)
    submit(connected, [ListingRow("CHEAP", 10, "3.50", "USD")])
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "CHEAP")
    assert (explained.available, str(explained.price)) == (10, "3.50 USD")
    assert str(explained.settings.minimum_price) == "5.00 USD"
    assert explained.settings.pricing_enabled is False
    assert explained.decision == "not sent: price 3.50 is under the minimum 5.00"
    assert explained.status_text == explained.decision
    assert explained.sent_at is None
    support = connected.app.explain_sku.for_support(connected.connection_id, "CHEAP")
    assert support == [explained]


def test_an_unknown_sku_is_not_found(connected: World) -> None:
    with pytest.raises(NotFound):
        connected.app.explain_sku(connected.actor(), connected.connection_id, "NOPE")


def test_a_team_member_cannot_submit_listings(connected: World) -> None:
    with pytest.raises(ForbiddenRole):
        submit(connected, rows(1), role=Role.MEMBER)


def test_an_unknown_marketplace_is_not_found(connected: World) -> None:
    with pytest.raises(NotFound):
        connected.app.submit_listings(
            SubmitListingsCommand(connected.actor(), connected.connection_id, "A1PA6795UKMFR9", [])
        )


def test_a_csv_upload_is_read_by_its_header() -> None:
    parsed = parse_listing_csv("Price,SKU,currency,quantity,note\n9.99,A-1,USD,4,x\n\n1,B,USD\n")
    assert parsed == [ListingRow("A-1", "4", "9.99", "USD"), ListingRow("B", "", "1", "USD")]


def test_a_csv_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="missing: price"):
        parse_listing_csv("sku,quantity,currency\nA,1,USD\n")


def test_an_upload_from_a_refused_caller_is_not_read(connected: World) -> None:
    """A member's malformed file answers FORBIDDEN_ROLE, never the file's errors."""
    read: list[str] = []

    def rows_of_the_file() -> list[ListingRow]:
        read.append("read")
        return parse_listing_csv("sku,quantity\nA,1\n")

    with pytest.raises(ForbiddenRole):
        connected.app.submit_listings(
            SubmitListingsCommand(
                connected.actor(Role.MEMBER), connected.connection_id, US, rows_of_the_file
            )
        )
    assert read == []


def test_an_empty_upload_submits_nothing(connected: World) -> None:
    result = connected.app.submit_listings(
        SubmitListingsCommand(
            connected.actor(), connected.connection_id, US, lambda: parse_listing_csv(" \n")
        )
    )
    assert (result.accepted, result.errors) == (0, ())
