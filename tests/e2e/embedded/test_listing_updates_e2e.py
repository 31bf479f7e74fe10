"""Listing updates end to end over loopback: the embedded product as
`make run` wires it (SQLite, the sandbox mounted at /sandbox, the real Amazon adapter calling
it over HTTP, sellerlink's clock following the sandbox clock). 1,000 SKUs go in through the
web API; after the batch window the sandbox holds exactly the expected quantities and
prices; a revocation in the sandbox pauses updates; after the reconnect the latest values
arrive, none lost and none sent twice."""

from __future__ import annotations

from typing import Any

import pytest

from application.listing_flush import FlushState
from bootstrap.container import Container
from harness.driver import Api, Team, User

pytestmark = pytest.mark.e2e

SKUS = 1000
BUFFER, CEILING = 2, 15
WINDOW_SECONDS = 15 * 60


def expected_quantity(available: int) -> int:
    """Seed 003, written out independently of the domain: the buffer is a gate, the ceiling
    a cap."""
    return 0 if available < BUFFER else min(available, CEILING)


def catalogue(offset: int) -> list[dict[str, Any]]:
    return [
        {
            "sku": f"SKU-{i:05d}",
            "quantity": (i + offset) % 25,
            "price": f"{5 + i % 40}.99",
            "currency": "USD",
        }
        for i in range(SKUS)
    ]


def amazon_shows(api: Api, seller: str) -> dict[str, dict[str, Any]]:
    items = api.client.get("/sandbox/_admin/listings", params={"selling_partner_id": seller})
    assert items.status_code == 200, items.text
    return {item["sku"]: item for item in items.json()["items"]}


def advance(api: Api, seconds: int) -> None:
    answer = api.client.post("/sandbox/_admin/clock", json={"advance_seconds": seconds})
    assert answer.status_code == 200, answer.text


def submit(api: Api, owner: User, connection_id: str, market: str, offset: int) -> None:
    body = api.ok(
        "PUT",
        f"/api/v1/connections/{connection_id}/listings",
        owner,
        json={"marketplace_id": market, "items": catalogue(offset)},
    )
    assert body["accepted"] == SKUS
    assert body["errors"] == []


def createfeed_calls(api: Api) -> int:
    log = api.client.get("/sandbox/_admin/requests").json()
    entries = log["items"] if isinstance(log, dict) else log
    return sum(
        1
        for e in entries
        if e["method"] == "POST" and e["path"].endswith("/feeds/2021-06-30/feeds")
    )


def test_a_thousand_skus_reach_the_sandbox_and_survive_a_revocation(
    api: Api, container: Container, team: Team
) -> None:
    app = container.application()
    owner = team["owner"]
    connection = api.connect(owner, "us-seller")["connection"]
    cid, seller = connection["id"], connection["selling_partner_id"]
    market = api.marketplaces(owner, cid)["US"]["marketplace_id"]
    api.ok(
        "PUT",
        f"/api/v1/connections/{cid}/listing-settings",
        owner,
        json={"inventory_buffer": BUFFER, "inventory_ceiling": CEILING, "pricing_enabled": True},
    )

    # 1,000 SKUs: nothing before the window, exactly the expected values after it.
    submit(api, owner, cid, market, offset=0)
    assert app.flush_listings.connection(cid).state is FlushState.WAITING
    assert amazon_shows(api, seller) == {}
    advance(api, WINDOW_SECONDS)
    sent = app.flush_listings.connection(cid)
    assert sent.state is FlushState.SENT
    assert (len(sent.feeds), sent.accepted, sent.rejected) == (1, SKUS, 0)
    shown = amazon_shows(api, seller)
    assert len(shown) == SKUS
    for row in catalogue(0):
        listing = shown[row["sku"]]
        assert listing["quantity"] == expected_quantity(row["quantity"]), row
        assert listing["price"] == {"amount": row["price"], "currency": "USD"}, row
    explained = api.ok("GET", f"/api/v1/connections/{cid}/listings/SKU-00007", owner)
    assert explained["items"][0]["status"] == "up_to_date"
    assert explained["items"][0]["amazon_accepted"] is True

    # The seller revokes sellerlink: updates pause, nothing is lost.
    revoked = api.client.post("/sandbox/_admin/revoke", json={"selling_partner_id": seller})
    assert revoked.status_code == 200, revoked.text
    submit(api, owner, cid, market, offset=3)
    submit(api, owner, cid, market, offset=7)  # the latest value wins
    advance(api, WINDOW_SECONDS)
    for _ in range(2):  # the refused token, then the refused refresh
        assert app.flush_listings.connection(cid).state is FlushState.PAUSED
    assert amazon_shows(api, seller) == shown
    connection = api.ok("GET", f"/api/v1/connections/{cid}", owner)
    assert connection["health"] == "reconnect_required"
    waiting = api.ok("GET", f"/api/v1/connections/{cid}/listings/SKU-00007", owner)["items"][0]
    assert waiting["status"] == "waiting"
    assert waiting["status_text"].startswith("paused: ")

    # Reconnect: the latest values go, once.
    feeds_before = createfeed_calls(api)
    back = api.authorize(owner, "us-seller", "sp_api", connection_id=cid)
    assert back.status_code == 200, back.text
    resumed = app.flush_listings.connection(cid)
    assert resumed.state is FlushState.SENT
    latest = amazon_shows(api, seller)
    changed = 0
    for first, last in zip(catalogue(0), catalogue(7), strict=True):
        listing = latest[last["sku"]]
        assert listing["quantity"] == expected_quantity(last["quantity"]), last
        assert listing["price"] == {"amount": last["price"], "currency": "USD"}
        moved = expected_quantity(first["quantity"]) != expected_quantity(last["quantity"])
        changed += moved
        # quantity + price patches at first; one quantity patch if (and only if) it moved.
        assert listing["patches_received"] == 2 + moved, last
    assert resumed.sent == changed
    assert createfeed_calls(api) - feeds_before == 1
    assert app.flush_listings.connection(cid).state is FlushState.IDLE
