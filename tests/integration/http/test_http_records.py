"""GET /api/v1/records and /api/v1/datasets (API.md "Records"): the product pages through the
team's data by an opaque cursor and reads each dataset's schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema

from application.app import Application
from bootstrap.container import Container
from domain.datasets import DATASETS
from domain.records import Dataset, IncomingRecord, RecordScope
from harness.driver import Api

AT = datetime(2026, 12, 1, tzinfo=UTC)


def store(app: Application, scope: RecordScope, *payloads: dict[str, Any]) -> None:
    with app.ports.uow() as uow:
        uow.records.write(
            scope,
            [IncomingRecord(str(p["AmazonOrderId"]), json.dumps(p)) for p in payloads],
            at=AT,
        )
        uow.commit()


def an_order(n: int, marketplace_id: str, status: str = "Shipped") -> dict[str, Any]:
    return {
        "AmazonOrderId": f"902-0000000-{n:07d}",
        "PurchaseDate": "2026-11-30T10:00:00Z",
        "LastUpdateDate": "2026-11-30T11:00:00Z",
        "OrderStatus": status,
        "MarketplaceId": marketplace_id,
    }


def test_a_member_pages_through_the_team_records_with_a_resumable_cursor(
    api: Api, container: Container
) -> None:
    team = api.create_team("Acme", plan="pro")
    connection = api.connect(team["owner"], "eu-seller")["connection"]
    de, fr = "A1PA6795UKMFR9", "A13V1IB3VIYZZH"
    app = container.application()
    store(
        app,
        RecordScope(team.id, connection["id"], de, Dataset.ORDERS),
        *[an_order(n, de) for n in range(5)],
    )
    store(app, RecordScope(team.id, connection["id"], fr, Dataset.ORDERS), an_order(9, fr))

    member = team["member"]
    first = api.ok("GET", "/api/v1/records?limit=2", member)
    assert first["has_more"] is True
    assert [i["key"] for i in first["items"]] == ["902-0000000-0000000", "902-0000000-0000001"]
    item = first["items"][0]
    assert item["dataset"] == "orders"
    assert item["connection_id"] == connection["id"]
    assert item["marketplace_id"] == de
    assert item["data"] == an_order(0, de)
    assert item["deleted"] is False
    assert first["next_cursor"] == first["items"][-1]["cursor"]

    rest = api.ok("GET", f"/api/v1/records?after={first['next_cursor']}&limit=10", member)
    assert len(rest["items"]) == 4
    assert rest["has_more"] is False
    # The last cursor stays valid: a change made later shows up after it, once.
    store(
        app, RecordScope(team.id, connection["id"], de, Dataset.ORDERS), an_order(1, de, "Canceled")
    )
    later = api.ok("GET", f"/api/v1/records?after={rest['next_cursor']}", member)
    assert [i["data"]["OrderStatus"] for i in later["items"]] == ["Canceled"]
    empty = api.ok("GET", f"/api/v1/records?after={later['next_cursor']}", member)
    assert empty == {"items": [], "next_cursor": later["next_cursor"], "has_more": False}

    only_fr = api.ok("GET", f"/api/v1/records?marketplace_id={fr}&dataset=orders", member)
    assert [i["key"] for i in only_fr["items"]] == ["902-0000000-0000009"]
    none = api.ok("GET", "/api/v1/records?dataset=inventory", member)
    assert none["items"] == []


def test_bad_paging_input_is_a_named_4xx(api: Api) -> None:
    team = api.create_team("Acme")
    for query in ("after=not-a-cursor", "limit=1001", "limit=0", "dataset=invoices"):
        response = api.get(f"/api/v1/records?{query}", team["member"])
        assert response.status_code in (400, 422), query
        assert response.json()["code"] == "VALIDATION_FAILED"


def test_another_teams_connection_cannot_be_read(api: Api) -> None:
    acme = api.create_team("Acme", plan="pro")
    rival = api.create_team("Rival")
    connection = api.connect(acme["owner"], "us-seller")["connection"]
    response = api.get(f"/api/v1/records?connection_id={connection['id']}", rival["owner"])
    assert response.status_code == 403
    assert response.json()["code"] == "NOT_A_MEMBER"


def test_datasets_publish_their_keys_and_schemas(api: Api) -> None:
    team = api.create_team("Acme")
    body = api.ok("GET", "/api/v1/datasets", team["member"])
    names = [d["name"] for d in body["items"]]
    assert names == ["orders", "sales_traffic", "inventory", "ads_campaigns"]
    orders = body["items"][0]
    assert orders["key_fields"] == ["AmazonOrderId"]
    jsonschema.Draft7Validator.check_schema(orders["schema"])
    jsonschema.validate(an_order(1, "ATVPDKIKX0DER"), orders["schema"])
    for dataset in body["items"]:
        jsonschema.Draft7Validator.check_schema(dataset["schema"])
        assert dataset["source"] == DATASETS[Dataset(dataset["name"])].source


def test_the_owner_sets_how_many_days_of_history_to_keep(api: Api) -> None:
    team = api.create_team("Acme")
    assert api.ok("GET", f"/api/v1/teams/{team.id}", team["member"])["history_days"] == 90
    changed = api.ok("PATCH", f"/api/v1/teams/{team.id}", team["owner"], json={"history_days": 30})
    assert changed["history_days"] == 30
    refused = api.call("PATCH", f"/api/v1/teams/{team.id}", team["owner"], json={"history_days": 0})
    assert refused.status_code in (400, 422)
    assert refused.json()["code"] == "VALIDATION_FAILED"


def test_the_marketplace_shows_each_datasets_sync_progress(api: Api, container: Container) -> None:
    from adapters.worker import run_pass

    team = api.create_team("Acme", plan="pro")
    connection = api.connect(team["owner"], "us-seller")["connection"]
    us = "ATVPDKIKX0DER"
    api.select_marketplace(team["owner"], connection["id"], us)
    for _ in range(3):
        run_pass(container.application())
    marketplace = api.marketplaces(team["member"], connection["id"])["US"]
    assert marketplace["state"] == "ready"
    datasets = {d["dataset"]: d for d in marketplace["sync"]["datasets"]}
    assert "orders" in datasets
    orders = datasets["orders"]
    assert orders["covered_until"] is not None
    assert orders["history_from"] < orders["covered_until"]
    assert 0 <= orders["progress_percent"] <= 100
    assert orders["last_error"] is None
    records = api.ok("GET", f"/api/v1/records?connection_id={connection['id']}", team["member"])
    assert records["items"]
