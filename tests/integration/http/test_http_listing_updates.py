"""The listing-update routes (adapters/http/listing_updates.py): per-row errors with the good
rows kept, the CSV upload, and a SKU's explanation, over the real web app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from application.app import Application
from bootstrap.container import Container
from harness.driver import Api

US = "ATVPDKIKX0DER"


def connected(api: Api) -> tuple[Any, str]:
    team = api.create_team("Shop")
    connection = api.connect(team["owner"], "us-seller")["connection"]
    return team, connection["id"]


def _upload_csv(api: Api, user: Any, cid: str, csv: bytes) -> httpx.Response:
    """A spreadsheet of listing changes for the connection's US marketplace, uploaded."""
    return api.call(
        "POST",
        f"/api/v1/connections/{cid}/marketplaces/{US}/listings.csv",
        user,
        content=csv,
        headers={"Content-Type": "text/csv"},
    )


def test_bad_rows_come_back_as_errors_and_good_rows_are_kept(api: Api) -> None:
    team, cid = connected(api)
    body = api.ok(
        "PUT",
        f"/api/v1/connections/{cid}/listings",
        team["admin"],
        json={
            "marketplace_id": US,
            "items": [
                {"sku": "GOOD-1", "quantity": 4, "price": "9.99", "currency": "USD"},
                {"sku": "NEG-1", "quantity": -1, "price": "9.99", "currency": "USD"},
                {"sku": "HALF-1", "quantity": 2.5, "price": 9.99, "currency": "USD"},
                {"sku": "EURO-1", "quantity": 3, "price": "9.99", "currency": "EUR"},
                {"sku": "X" * 41, "quantity": 3, "price": "9.99", "currency": "USD"},
            ],
        },
    )
    assert body["accepted"] == 1
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (2, "quantity"),
        (3, "quantity"),
        (4, "currency"),
        (5, "sku"),
    ]
    assert body["next_batch_at"] is not None


def test_a_csv_upload_is_checked_row_by_row(api: Api) -> None:
    team, cid = connected(api)
    csv = "sku,quantity,price,currency\nA-1,3,12.00,USD\nB-1,x,12.00,USD\n"
    response = _upload_csv(api, team["manager"], cid, csv.encode())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["accepted"] == 1
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "quantity")]


def test_a_csv_without_the_columns_is_refused(api: Api) -> None:
    team, cid = connected(api)
    response = _upload_csv(api, team["owner"], cid, b"sku,price\nA,1\n")
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


def test_a_sku_is_explained_after_it_was_sent(api: Api, container: Container) -> None:
    team, cid = connected(api)
    api.ok(
        "PUT",
        f"/api/v1/connections/{cid}/listing-settings",
        team["owner"],
        json={"inventory_buffer": 6, "inventory_ceiling": 4, "pricing_enabled": True},
    )
    api.ok(
        "PUT",
        f"/api/v1/connections/{cid}/listings",
        team["owner"],
        json={
            "marketplace_id": US,
            "items": [{"sku": "W-1", "quantity": 10, "price": "20.00", "currency": "USD"}],
        },
    )
    container.clock().advance(timedelta(minutes=15))
    app: Application = container.application()
    app.flush_listings()
    [item] = api.ok("GET", f"/api/v1/connections/{cid}/listings/W-1", team["member"])["items"]
    assert item["quantity"] == 4
    assert item["settings"]["inventory_buffer"] == 6
    assert item["decision"] == "send quantity 4, price 20.00 USD; capped at the ceiling of 4"
    assert item["status"] == "up_to_date"
    assert item["sent_quantity"] == 4
    assert item["amazon_accepted"] is True
    missing = api.call("GET", f"/api/v1/connections/{cid}/listings/NOPE", team["member"])
    assert missing.status_code == 404
