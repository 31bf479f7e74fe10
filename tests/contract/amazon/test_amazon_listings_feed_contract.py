"""JSON_LISTINGS_FEED through the HTTP gateway against the sandbox over loopback (AMAZON.md):
createFeedDocument, upload, createFeed, getFeed, the processing report read back per SKU,
the feed quota of 5 submissions per 5 minutes per region, and listing state shared with the
Listings Items PATCH path."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from adapters.amazon import AmazonHttpGateway
from adapters.amazon.regions import MARKETPLACES_BY_CODE
from adapters.amazon.sandbox import SandboxClock
from application.ports import ListingsBatch, ListingUpdate
from domain.connection import Region
from domain.errors import RateLimited, TokenRevoked
from domain.grant import Channel
from domain.secret import Secret
from tests.contract.amazon.sandbox_helpers import Amazon

US = MARKETPLACES_BY_CODE["US"].id
SELLER = "A1SBXUSSELLER01"


def _sp_token(amazon: Amazon, gateway: AmazonHttpGateway) -> Secret:
    code = amazon.sp_code("us-seller")[1]
    return gateway.exchange_code(Channel.SP_API, Region.NA, code).access_token


def _state(amazon: Amazon) -> dict[str, dict[str, object]]:
    items = amazon.http.get(
        f"{amazon.base}/_admin/listings", params={"selling_partner_id": SELLER}
    ).json()["items"]
    return {item["sku"]: item for item in items if item["marketplace_id"] == US}


def test_a_feed_is_processed_and_its_report_read_back_per_sku(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp_token(amazon, gateway)
    updates = [
        ListingUpdate("FEED-1", US, 7, "19.99", "USD"),
        ListingUpdate("FEED 2/B", US, 0),
        ListingUpdate("FEED-3", US, None, "0", "USD"),  # Amazon refuses a zero price
    ]
    feed_id = gateway.submit_listings_feed(ListingsBatch(Region.NA, token, SELLER, updates), US)
    report = gateway.listings_feed_report(Region.NA, token, feed_id)
    assert report.status == "DONE"
    assert [(r.sku, r.accepted) for r in report.results] == [
        ("FEED-1", True),
        ("FEED 2/B", True),
        ("FEED-3", False),
    ]
    assert "our_price" in report.results[2].message
    state = _state(amazon)
    assert state["FEED-1"]["quantity"] == 7
    assert state["FEED-1"]["price"] == {"amount": "19.99", "currency": "USD"}
    assert state["FEED 2/B"]["quantity"] == 0
    assert "FEED-3" not in state


def test_a_feed_in_processing_reports_its_status_until_done(
    amazon: Amazon, gateway: AmazonHttpGateway, clock: SandboxClock
) -> None:
    amazon.sandbox.feeds.processing_time = timedelta(minutes=3)  # type: ignore[attr-defined]
    try:
        token = _sp_token(amazon, gateway)
        feed_id = gateway.submit_listings_feed(
            ListingsBatch(Region.NA, token, SELLER, [ListingUpdate("SLOW-1", US, 4)]), US
        )
        assert gateway.listings_feed_report(Region.NA, token, feed_id).status == "IN_QUEUE"
        assert "SLOW-1" not in _state(amazon)
        clock.advance(3 * 60)
        report = gateway.listings_feed_report(Region.NA, token, feed_id)
        assert report.status == "DONE"
        assert _state(amazon)["SLOW-1"]["quantity"] == 4
    finally:
        amazon.sandbox.feeds.processing_time = timedelta(0)  # type: ignore[attr-defined]


def test_a_sixth_feed_within_five_minutes_is_rate_limited(
    amazon: Amazon, gateway: AmazonHttpGateway, clock: SandboxClock
) -> None:
    clock.advance(6 * 60)  # the module's earlier feeds are out of the window
    token = _sp_token(amazon, gateway)
    for n in range(5):
        gateway.submit_listings_feed(
            ListingsBatch(Region.NA, token, SELLER, [ListingUpdate(f"Q{n}", US, 1)]), US
        )
    sixth = ListingsBatch(Region.NA, token, SELLER, [ListingUpdate("Q5", US, 1)])
    with pytest.raises(RateLimited):
        gateway.submit_listings_feed(sixth, US)
    clock.advance(5 * 60)
    gateway.submit_listings_feed(sixth, US)


def test_the_sandbox_itself_refuses_a_sixth_feed(
    amazon: Amazon, gateway: AmazonHttpGateway, clock: SandboxClock
) -> None:
    """Another process's submissions count too: the sandbox holds the quota, not the client."""
    clock.advance(6 * 60)
    token = _sp_token(amazon, gateway)
    headers = {"x-amz-access-token": token.reveal()}

    def create_feed(document_id: str) -> httpx.Response:
        return amazon.http.post(
            f"{amazon.base}/feeds/2021-06-30/feeds",
            json={
                "feedType": "JSON_LISTINGS_FEED",
                "marketplaceIds": [US],
                "inputFeedDocumentId": document_id,
            },
            headers=headers,
        )

    for _ in range(5):
        created = amazon.http.post(
            f"{amazon.base}/feeds/2021-06-30/documents",
            json={"contentType": "application/json; charset=UTF-8"},
            headers=headers,
        ).json()
        amazon.http.put(
            created["url"],
            content=b"{}",
            headers={"Content-Type": "application/json; charset=UTF-8"},
        )
        answer = create_feed(created["feedDocumentId"])
    assert answer.status_code == 202
    again = create_feed(created["feedDocumentId"])
    assert again.status_code == 429
    assert again.json()["errors"][0]["code"] == "QuotaExceeded"


def test_a_feed_and_a_patch_change_the_same_listing(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp_token(amazon, gateway)
    gateway.send_listing_updates(
        ListingsBatch(Region.NA, token, SELLER, [ListingUpdate("BOTH", US, 2)])
    )
    feed_id = gateway.submit_listings_feed(
        ListingsBatch(Region.NA, token, SELLER, [ListingUpdate("BOTH", US, None, "12.00", "USD")]),
        US,
    )
    gateway.listings_feed_report(Region.NA, token, feed_id)
    state = _state(amazon)["BOTH"]
    assert (state["quantity"], state["price"]) == (2, {"amount": "12.00", "currency": "USD"})


def test_a_feed_with_a_revoked_token_is_refused(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    token = _sp_token(amazon, gateway)
    amazon.admin("revoke", {"selling_partner_id": SELLER})
    with pytest.raises(TokenRevoked):
        gateway.submit_listings_feed(
            ListingsBatch(Region.NA, token, SELLER, [ListingUpdate("R", US, 1)]), US
        )
