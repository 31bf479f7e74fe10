"""Bad input gets a 4xx problem with a named code, never a 500, and
nothing half-written: JSON nested far past any parser's depth on every JSON route (read
from the OpenAPI schema, so a new route is covered the day it is added) and on the sandbox,
a CSV field longer than the reader's limit or a quote never closed, and a `return_to` with
characters a Location header cannot carry (refused when the authorization starts, so no
callback for it ever stores a connection)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from adapters.amazon.sandbox import create_sandbox_app
from adapters.http.json_depth import json_depth, too_deep
from harness.driver import Api

DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


def _json_operations(client: TestClient[Litestar]) -> list[tuple[str, str]]:
    schema = client.get("/schema/openapi.json").json()
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content") or {}
            if any("json" in media for media in content):
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "x1", path)))
    return found


def test_every_json_route_refuses_json_nested_too_deep_with_a_named_code(
    api: Api, client: TestClient[Litestar]
) -> None:
    team = api.create_team("Acme", plan="pro")
    operations = _json_operations(client)
    assert len(operations) >= 10
    for method, path in operations:
        for body in (DEEP_ARRAY, DEEP_OBJECT):
            answer = client.request(
                method,
                path,
                content=body,
                headers={**team["owner"].headers(team.id), "Content-Type": "application/json"},
            )
            assert answer.status_code == 400, (method, path, answer.status_code, answer.text)
            assert answer.json()["code"] == "VALIDATION_FAILED"


def test_the_depth_is_read_outside_strings_and_ordinary_bodies_pass() -> None:
    assert json_depth(b'{"a": [1, 2, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'["' + b"[" * 1000 + b'"]') == 1
    assert too_deep(DEEP_ARRAY.encode())
    listing = b"[" + b",".join(b'{"sku": "s%d", "quantity": 1}' % i for i in range(5000)) + b"]"
    assert json_depth(listing) == 2
    assert not too_deep(listing)


@pytest.mark.parametrize(
    "path",
    [
        "/sandbox/_admin/faults",
        "/sandbox/_admin/clock",
        "/sandbox/_admin/revoke",
        "/sandbox/_admin/client-secrets",
        "/sandbox/reports/2021-06-30/reports",
        "/sandbox/feeds/2021-06-30/feeds",
        "/sandbox/sp/campaigns/list",
        "/sandbox/reporting/reports",
    ],
)
def test_the_sandbox_never_answers_deep_json_with_a_500(path: str) -> None:
    with TestClient(create_sandbox_app()) as sandbox:
        for body in (DEEP_ARRAY, DEEP_OBJECT):
            answer = sandbox.post(path, content=body, headers={"Content-Type": "application/json"})
            assert answer.status_code < 500, (path, answer.status_code, answer.text)


@pytest.mark.parametrize(
    "csv",
    [
        "sku,quantity,price,currency\n" + "A" * 140_000 + ",1,,\n",
        'sku,quantity,price,currency\n"SKU-1,1,,\nSKU-2,2,,\n',
    ],
    ids=["field over 131072 characters", "unterminated quote"],
)
def test_a_listings_csv_the_reader_cannot_read_is_refused_and_nothing_is_sent(
    api: Api, client: TestClient[Litestar], csv: str
) -> None:
    team = api.create_team("Acme", plan="pro")
    owner = team["owner"]
    connection_id = api.connect(owner, "us-seller")["connection"]["id"]
    us = api.marketplaces(owner, connection_id)["US"]["marketplace_id"]
    base = f"/api/v1/connections/{connection_id}"
    answer = client.post(
        f"{base}/marketplaces/{us}/listings.csv",
        content=csv,
        headers={**owner.headers(team.id), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 422, answer.text
    problem: dict[str, Any] = answer.json()
    assert problem["code"] == "VALIDATION_FAILED"
    assert "at line" in problem["detail"]
    assert client.get(f"{base}/listings/SKU-2", headers=owner.headers(team.id)).status_code == 404


@pytest.mark.parametrize("return_to", ["/日本語", "/\u2215\u2215evil.example", "/a\u200bb", "/a b"])
def test_a_return_to_a_location_header_cannot_carry_is_refused_before_amazon(
    api: Api, return_to: str
) -> None:
    team = api.create_team("Acme")
    started = api.start(team["owner"], "ads", return_to=return_to)
    assert started.status_code in (400, 422), started.text
    assert started.json()["code"] == "VALIDATION_FAILED"
    assert started.json()["errors"][0]["field"] == "return_to"
