"""Amazon access for the product, over real HTTP against the embedded product and its
sandbox: an API key with `amazon:access` gets a token and calls the
sandbox with the returned headers, and makes the same calls through the proxy; a key without
the scope, another team's key, a deleted key and a revoked seller are refused with their
codes; path escapes never reach Amazon; no token or key secret shows in logs, events, errors
or the database file."""

from __future__ import annotations

import http.client
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bootstrap.container import Container
from harness.driver import Api, User, driving
from harness.server import embedded_product

pytestmark = pytest.mark.e2e

JWT_SECRET = "access-e2e-secret-0123456789-abcdefgh"
US = "ATVPDKIKX0DER"
ORDERS = (
    f"orders/v0/orders?MarketplaceIds={US}"
    "&LastUpdatedAfter=2025-01-01T00:00:00Z&LastUpdatedBefore=2025-01-01T05:00:00Z"
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("access-e2e")


@pytest.fixture(scope="module")
def product(data_dir: Path) -> Iterator[tuple[str, Container]]:
    """One embedded product for the module (each test has its own team)."""
    with embedded_product(data_dir, JWT_SECRET) as running:
        yield running


@pytest.fixture
def api(product: tuple[str, Container]) -> Iterator[Api]:
    """Each test's seller is disconnected afterwards, so the next test may connect it."""
    base_url, _ = product
    with driving(base_url, JWT_SECRET) as driver:
        yield driver
        driver.client.post("/sandbox/_admin/faults", json={"faults": []})
        for owner, connection_id in CONNECTED:
            driver.client.delete(f"/api/v1/connections/{connection_id}", headers=owner.headers())
        CONNECTED.clear()


CONNECTED: list[tuple[User, str]] = []


def _seller(api: Api) -> tuple[Any, str, User]:
    team = api.create_team("Acme", plan="pro")
    connection = api.connect(team["owner"], "us-seller")["connection"]
    CONNECTED.append((team["owner"], connection["id"]))
    return team, connection["id"], api.api_key(team["owner"], ["amazon:access"])


def test_a_product_calls_amazon_with_a_token_and_through_the_proxy(api: Api) -> None:
    _, connection_id, key = _seller(api)
    base = f"/api/v1/connections/{connection_id}"

    sp = api.ok("POST", f"{base}/access-token", key, json={"channel": "sp_api"})
    assert api.last is not None
    assert api.last.headers["cache-control"] == "no-store"
    assert sp["headers"] == {"x-amz-access-token": sp["access_token"]}
    assert (sp["token_type"], sp["region"], sp["channel"]) == ("bearer", "NA", "sp_api")
    direct = httpx.get(f"{sp['endpoint']}/{ORDERS}", headers=sp["headers"], timeout=10)
    assert direct.status_code == 200, direct.text
    proxied = api.get(f"{base}/amazon/sp-api/{ORDERS}", key)
    assert proxied.status_code == 200, proxied.text
    assert proxied.json() == direct.json()
    assert "x-amzn-ratelimit-limit" in proxied.headers
    assert int(proxied.headers["x-sellerlink-wait-ms"]) >= 0

    ads = api.ok("POST", f"{base}/access-token", key, json={"channel": "ads"})
    assert set(ads["headers"]) == {
        "Authorization",
        "Amazon-Advertising-API-ClientId",
        "Amazon-Advertising-API-Scope",
    }
    assert ads["headers"]["Authorization"] == f"Bearer {ads['access_token']}"
    direct = httpx.get(f"{ads['endpoint']}/v2/profiles", headers=ads["headers"], timeout=10)
    assert direct.status_code == 200, direct.text
    assert str(direct.json()[0]["profileId"]) == ads["headers"]["Amazon-Advertising-API-Scope"]
    proxied = api.get(f"{base}/amazon/ads/v2/profiles", key)
    assert proxied.status_code == 200
    assert proxied.json() == direct.json()
    # Amazon's own refusal of a bad request comes back as it is.
    bad = api.get(f"{base}/amazon/sp-api/orders/v0/orders?MarketplaceIds=NOPE", key)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["code"] == "InvalidInput"


def test_keys_without_the_scope_from_another_team_or_deleted_are_refused(api: Api) -> None:
    team, connection_id, key = _seller(api)
    url = f"/api/v1/connections/{connection_id}/access-token"
    reader = api.api_key(team["owner"], ["connections:read"])
    refused = api.call("POST", url, reader, json={"channel": "sp_api"})
    assert (refused.status_code, refused.json()["code"]) == (403, "SCOPE_MISSING")
    rival = api.create_team("Rival")
    outsider = api.api_key(rival["owner"], ["amazon:access"])
    for call in (
        lambda: api.call("POST", url, outsider, json={"channel": "sp_api"}),
        lambda: api.get(f"/api/v1/connections/{connection_id}/amazon/sp-api/{ORDERS}", outsider),
    ):
        answer = call()
        assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")
    api.ok("DELETE", f"/api/v1/api-keys/{key.user_id}", team["owner"], 204)
    gone = api.call("POST", url, key, json={"channel": "sp_api"})
    assert (gone.status_code, gone.json()["code"]) == (401, "UNAUTHENTICATED")


def test_a_revoked_seller_answers_token_revoked(api: Api) -> None:
    team, connection_id, key = _seller(api)
    base = f"/api/v1/connections/{connection_id}"
    api.ok("POST", f"{base}/access-token", key, json={"channel": "sp_api"})
    seller = api.ok("GET", base, team["owner"])
    revoked = api.client.post(
        "/sandbox/_admin/revoke", json={"selling_partner_id": seller["selling_partner_id"]}
    )
    assert revoked.status_code < 300, revoked.text
    answer = api.get(f"{base}/amazon/sp-api/{ORDERS}", key)
    assert (answer.status_code, answer.json()["code"]) == (409, "TOKEN_REVOKED")
    again = api.call("POST", f"{base}/access-token", key, json={"channel": "sp_api"})
    assert again.json()["code"] == "TOKEN_REVOKED"


ESCAPES = [
    "../../../../sandbox/_admin/reset",
    "orders/../../x",
    "%2e%2e/%2e%2e/sandbox/_admin/reset",
    "..%2f..%2fsandbox",
    "%252e%252e/x",
    "https://evil.example/orders/v0/orders",
    "..\\..\\x",
]


def test_paths_that_would_leave_amazons_host_are_refused_before_sending(
    api: Api, product: tuple[str, Container]
) -> None:
    _, connection_id, key = _seller(api)
    before = len(api.client.get("/sandbox/_admin/requests").json()["items"])
    base = urlsplit(product[0])
    for escape in ESCAPES:
        # A raw request line: an HTTP client library would tidy the path before sending it.
        connection = http.client.HTTPConnection(base.hostname or "", base.port, timeout=10)
        path = f"/api/v1/connections/{connection_id}/amazon/sp-api/{escape}"
        connection.putrequest("GET", path)
        connection.putheader("Authorization", f"Bearer {key.token}")
        connection.endheaders()
        answer = connection.getresponse()
        body = answer.read().decode()
        connection.close()
        # 404: the web server itself found no route (a backslash, or a climb out of /api).
        assert answer.status in (400, 404), (escape, body)
        assert '"PATH_NOT_ALLOWED"' in body or answer.status == 404, (escape, body)
    after = len(api.client.get("/sandbox/_admin/requests").json()["items"])
    assert after == before, "nothing was sent to Amazon"


def test_no_token_or_key_secret_reaches_logs_events_errors_or_the_database(
    api: Api, product: tuple[str, Container], caplog: pytest.LogCaptureFixture, data_dir: Path
) -> None:
    with caplog.at_level(logging.DEBUG):
        team, connection_id, key = _seller(api)
        base = f"/api/v1/connections/{connection_id}"
        tokens = [
            api.ok("POST", f"{base}/access-token", key, json={"channel": c})["access_token"]
            for c in ("sp_api", "ads")
        ]
        api.get(f"{base}/amazon/sp-api/{ORDERS}", key)
        errors = [
            api.get(f"{base}/amazon/sp-api/%2e%2e/x", key).text,
            api.get(f"{base}/amazon/sp-api/{ORDERS}", User("x", key.token[:-2] + "00")).text,
            api.call("POST", f"{base}/access-token", key, json={"channel": "nope"}).text,
        ]
        events = api.get(f"{base}/events?limit=1000", team["owner"]).text
    secret = key.token.rpartition("_")[2]
    canaries = [*tokens, secret, key.token]
    assert "amazon.access_token_issued" in events
    assert f"key:{key.user_id}" in events
    database = b"".join(p.read_bytes() for p in data_dir.rglob("*.db*") if p.is_file())
    assert database, "the product's SQLite file was found"
    for canary in canaries:
        assert canary not in caplog.text
        assert canary not in events
        assert all(canary not in e for e in errors)
        assert canary.encode() not in database


def test_amazons_429s_are_waited_out_and_past_the_max_wait_answer_rate_limited(api: Api) -> None:
    _, connection_id, key = _seller(api)
    # getListingsItem: 5 requests a second, so a drained bucket refills in a fifth of one.
    listing = f"listings/2021-08-01/items/A1SBXUSSELLER01/SKU-1?marketplaceIds={US}"
    url = f"/api/v1/connections/{connection_id}/amazon/sp-api/{listing}"
    # Amazon throttles twice, then answers: the product gets Amazon's answer, having waited.
    faults = api.client.post(
        "/sandbox/_admin/faults",
        json={"faults": [{"kind": "throttle", "target": "sp_api", "count": 2}]},
    )
    assert faults.status_code < 300, faults.text
    answer = api.get(url, key)
    assert answer.status_code in (200, 404), answer.text  # the SKU may not exist: Amazon says
    assert not answer.headers["content-type"].startswith("application/problem+json")
    assert int(answer.headers["x-sellerlink-wait-ms"]) > 0
    # Amazon keeps throttling and the product will not wait: sellerlink's own answer.
    api.client.post(
        "/sandbox/_admin/faults", json={"faults": [{"kind": "throttle", "target": "sp_api"}]}
    )
    refused = api.call("GET", url, key, headers={"X-Sellerlink-Max-Wait": "0.5"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) >= 1
