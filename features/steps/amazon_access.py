"""Steps for a product calling Amazon through sellerlink (DESIGN §10-§11). The first
scenarios drive the use cases with the in-process Amazon; the burst runs the embedded product
over loopback HTTP against the sandbox, whose simulated clock runs 120 times faster so
Amazon's getOrders quota (0.0167 requests a second, burst 20) is felt in seconds. Waits,
X-Sellerlink-Max-Wait included, count in that clock's seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_bdd import given, then, when

from application.amazon_access import AccessTokenView, PassThroughCommand
from application.api_keys import CreateApiKeyCommand
from application.context import Actor
from bootstrap.container import Container
from domain.grant import Channel
from features.steps.common import succeeded
from harness.driver import Api, SandboxAmazonPage, User
from harness.own_sync import read_an_hour_of_orders
from harness.server import embedded_product
from tests.world import World

US = "ATVPDKIKX0DER"
ORDERS_QUERY = (
    f"MarketplaceIds={US}&LastUpdatedAfter=2025-01-01T00:00:00Z"
    "&LastUpdatedBefore=2025-01-01T03:00:00Z"
)
JWT_SECRET = "features-access-secret-0123456789-abcd"
BURST_SECONDS = 4.0
PRODUCT_THREADS = 12


def _key(world: World, scopes: list[str]) -> Actor:
    issued = world.app.create_api_key(CreateApiKeyCommand(world.actor(), "product", scopes))
    world.notes["key_id"] = issued.key.id
    return world.app.authenticate_key(issued.plaintext.reveal())


@given("the product's back end has an API key with the amazon:access scope")
def _key_with_access(world: World) -> None:
    world.notes["key"] = _key(world, ["amazon:access"])


@given("the product's back end has an API key with only the connections:read scope")
def _key_without_access(world: World) -> None:
    world.notes["key"] = _key(world, ["connections:read"])


@when("the product's back end reads the seller's orders through sellerlink")
def _read_orders(world: World) -> None:
    key = world.note("key", Actor)
    assert key.key is not None
    if "amazon:access" not in key.key.scopes:
        # The web API checks the route's scope before any use case runs.
        world.attempt(key.key.require, "amazon:access")
        return
    command = PassThroughCommand(
        actor=key,
        connection_id=world.connection_id,
        channel=Channel.SP_API,
        method="GET",
        path="orders/v0/orders",
        query=ORDERS_QUERY,
        headers={"accept": "application/json"},
        body=b"",
    )
    world.notes["answer"] = world.attempt(world.app.pass_through, command)


@then("Amazon's answer comes back as Amazon sent it")
def _as_sent(world: World) -> None:
    succeeded(world)
    answer = world.notes["answer"]
    assert answer is not None
    assert answer.status == 200  # type: ignore[attr-defined]
    assert b"".join(answer.chunks()).startswith(b'{"payload"')  # type: ignore[attr-defined]
    # Header names are case-insensitive; the sandbox sends them lowercased, as HTTP/2 does.
    assert "x-amzn-requestid" in {k.lower() for k in answer.headers}  # type: ignore[attr-defined]


@when("the product's back end asks for a Selling Partner API token")
def _ask_token(world: World) -> None:
    key = world.notes["key"]
    world.notes["token"] = world.attempt(
        world.app.issue_access_token, key, world.connection_id, Channel.SP_API
    )


@then("it gets the token with the header Amazon expects")
def _token_headers(world: World) -> None:
    succeeded(world)
    view = world.note("token", AccessTokenView)
    assert dict(view.headers) == {"x-amz-access-token": view.access_token.reveal()}
    assert view.expires_at is not None
    assert view.expires_at > world.clock.now()


@then("the timeline names the API key that took it, never the token")
def _timeline(world: World) -> None:
    events = world.events()
    assert any(e.actor == f"key:{world.notes['key_id']}" for e in events), "no event names it"
    view = world.note("token", AccessTokenView)
    token = view.access_token.reveal()
    assert all(token not in f"{e.summary} {dict(e.data)}" for e in events)


# --------------------------------------------------------------------------- the burst


@pytest.fixture
def burst_product(tmp_path: Path) -> Iterator[tuple[str, Container]]:
    with embedded_product(tmp_path, JWT_SECRET, clock_scale=120.0) as running:
        yield running


@given("the seller's order quota is shared by the product and sellerlink's sync")
def _shared_quota(
    world: World, burst_product: tuple[str, Container], request: pytest.FixtureRequest
) -> None:
    base_url, container = burst_product
    client = httpx.Client(base_url=base_url, timeout=60)
    request.addfinalizer(client.close)
    api = Api(client, SandboxAmazonPage(client), JWT_SECRET)
    team = api.create_team("Burst", plan="pro")
    connection = api.connect(team["owner"], "us-seller")["connection"]
    world.notes |= {
        "api": api,
        "container": container,
        "burst_connection": connection,
        "burst_key": api.api_key(team["owner"], ["amazon:access"]),
    }


@when("the product asks for the seller's orders much faster than Amazon allows")
def _burst(world: World) -> None:
    api, key = world.notes["api"], world.notes["burst_key"]
    assert isinstance(api, Api)
    assert isinstance(key, User)
    url = (
        f"/api/v1/connections/{world.notes['burst_connection']['id']}"  # type: ignore[index]
        f"/amazon/sp-api/orders/v0/orders?{ORDERS_QUERY}"
    )
    answers: list[httpx.Response] = []
    stop = time.monotonic() + BURST_SECONDS

    def product() -> None:
        with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
            while time.monotonic() < stop:
                answers.append(
                    client.get(url, headers={**key.headers(), "X-Sellerlink-Max-Wait": "300"})
                )

    threads = [threading.Thread(target=product) for _ in range(PRODUCT_THREADS)]
    for thread in threads:
        thread.start()
    world.notes |= {"product_threads": threads, "product_answers": answers}


@when("sellerlink's own sync reads the seller's orders meanwhile")
def _sync(world: World) -> None:
    container: Any = world.notes["container"]
    connection = world.note("burst_connection", dict)
    app, amazon = container.application(), container.amazon()
    outcomes: list[str] = []
    for _ in range(3):
        time.sleep(BURST_SECONDS / 4)
        outcomes.append(read_an_hour_of_orders(app, amazon, connection))
    threads = world.note("product_threads", list)
    for thread in threads:
        thread.join(timeout=120)
    world.notes["sync_outcomes"] = outcomes


@then("sellerlink's sync gets its turn every time")
def _sync_not_failed(world: World) -> None:
    assert world.notes["sync_outcomes"] == ["ok", "ok", "ok"]


@then("the product is asked to wait, never refused by Amazon")
def _product_waited(world: World) -> None:
    answers: Any = world.notes["product_answers"]
    assert len(answers) > 20, "the product kept asking"
    served = [a for a in answers if a.status_code == 200]
    assert served, "the product got the seller's orders"
    assert max(int(a.headers["x-sellerlink-wait-ms"]) for a in served) > 0, "it waited"
    for answer in answers:
        if answer.status_code != 200:  # sellerlink's answer, past the wait the product allows
            assert answer.status_code == 429, answer.text
            assert answer.json()["code"] == "RATE_LIMITED"
            assert int(answer.headers["retry-after"]) > 0
