"""One absurd value never fails a whole feed. Values Amazon would refuse
are refused per row when the product hands them in; each feed message is checked against
Amazon's JSON_LISTINGS_FEED schema before it is sent; only the SKUs Amazon names (by
messageId) are rejected, and when a feed is refused as a whole the valid rest goes again."""

from __future__ import annotations

from datetime import timedelta

from adapters.amazon.sandbox.state import Fault
from application.listing_updates import ListingRow, SubmitListingsCommand, SubmitListingsResult
from application.ports import ListingsBatch, ListingUpdate
from domain.connection import Region
from domain.secret import Secret
from tests.world import World

US = "ATVPDKIKX0DER"
WINDOW = timedelta(minutes=15)


def _submit(world: World, rows: list[ListingRow]) -> SubmitListingsResult:
    return world.app.submit_listings(
        SubmitListingsCommand(world.actor(), world.connection_id, US, rows)
    )


def _good(n: int) -> list[ListingRow]:
    return [ListingRow(f"SKU-{i:05d}", 5, "10.00", "USD") for i in range(n)]


ABSURD = [
    ListingRow("HUGE-PRICE", 1, "1e999999", "USD"),
    ListingRow("TINY-PRICE", 1, "1e-999999", "USD"),
    ListingRow("MINUS-ZERO", 1, "-0", "USD"),
    ListingRow("THIRD-CENT", 1, "19.999", "USD"),
    ListingRow("HUGE-QTY", 2**80, "10.00", "USD"),
    ListingRow("HUGER-QTY", 10**30, "10.00", "USD"),
]


def test_values_amazon_would_refuse_are_refused_per_row_and_the_feed_takes_the_rest(
    connected: World,
) -> None:
    result = _submit(connected, _good(60) + ABSURD)

    assert result.accepted == 60
    refused = {e.sku: e.field for e in result.errors}
    assert refused == {
        "HUGE-PRICE": "price",
        "TINY-PRICE": "price",
        "MINUS-ZERO": "price",
        "THIRD-CENT": "price",
        "HUGE-QTY": "quantity",
        "HUGER-QTY": "quantity",
    }
    connected.clock.advance(WINDOW)
    outcome = connected.app.flush_listings.connection(connected.connection_id)
    assert len(outcome.feeds) == 1
    assert (outcome.accepted, outcome.rejected) == (60, 0)


def test_a_message_amazons_schema_refuses_is_never_sent_and_only_its_sku_is_refused(
    connected: World,
) -> None:
    amazon = connected.amazon
    token = Secret(amazon.sp_api_token("us-seller"))
    seller = connected.view().selling_partner_id or ""
    empty = ListingUpdate("NOTHING-TO-SAY", US, None)  # no patch: the schema wants one
    updates = [ListingUpdate(f"SKU-{i}", US, 3) for i in range(3)] + [empty]

    feed_id = amazon.submit_listings_feed(ListingsBatch(Region.NA, token, seller, updates), US)
    report = amazon.listings_feed_report(Region.NA, token, feed_id)

    assert [u.sku for u in amazon.sent_listings] == ["SKU-0", "SKU-1", "SKU-2"]
    verdicts = {r.sku: r for r in report.results}
    assert not verdicts["NOTHING-TO-SAY"].accepted
    assert "schema" in verdicts["NOTHING-TO-SAY"].message
    assert all(verdicts[f"SKU-{i}"].accepted for i in range(3))


def test_a_feed_refused_as_a_whole_rejects_the_messages_named_and_sends_the_rest_again(
    connected: World,
) -> None:
    """Amazon refuses the first feed as a whole over one message (the sandbox's feed_fatal
    fault): that message's SKU is refused with Amazon's reason, the rest goes again."""
    connected.amazon.sandbox.set_faults(
        [Fault("feed_fatal", account="us-seller", count=1, error="messageId 1: invalid value")]
    )
    _submit(connected, _good(60))
    connected.clock.advance(WINDOW)
    first = connected.app.flush_listings.connection(connected.connection_id)
    assert (first.accepted, first.rejected) == (0, 1)
    assert connected.amazon.sent_listings == []  # Amazon applied nothing of that feed

    connected.clock.advance(WINDOW)
    again = connected.app.flush_listings.connection(connected.connection_id)
    assert (again.accepted, again.rejected) == (59, 0)
    assert len(connected.amazon.feeds) == 2
    sent = {u.sku for u in connected.amazon.sent_listings}
    assert sent == {f"SKU-{i:05d}" for i in range(1, 60)}
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "SKU-00000")
    assert "invalid value" in explained.status_text
