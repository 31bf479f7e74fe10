"""Vendors end to end over real HTTP: the embedded product (the production container, the real
Amazon adapter calling the sandbox over loopback) connects a vendor on Ads alone (`vendor`)
and one with the Selling Partner API through Vendor Central (`vendor-central`), sets its
marketplace up, and then looks after it for three simulated hours without one Seller Central
call and without one refused call, which the sandbox would answer as Amazon does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.worker import InProcessWorker
from bootstrap.container import Container
from harness.driver import Api
from harness.server import embedded_product
from tests.e2e.embedded import EMBEDDED_JWT_SECRET
from tests.world import SELLER_CENTRAL_ONLY

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Container]]:
    with embedded_product(tmp_path_factory.mktemp("vendor"), EMBEDDED_JWT_SECRET) as running:
        yield running


@pytest.mark.parametrize("account", ["vendor", "vendor-central"])
def test_a_vendor_connects_is_set_up_and_is_never_sent_to_seller_central(
    api: Api, container: Container, account: str
) -> None:
    worker = InProcessWorker(container.application(), interval=1)
    team = api.create_team(f"Brand {account}")
    owner = team["owner"]
    body = api.connect(owner, account)
    connection_id = body["connection"]["id"]
    if account == "vendor-central":
        sp = api.authorize(owner, account, "sp_api", connection_id=connection_id)
        assert sp.status_code == 200, sp.text  # not REFRESH_TOKEN_FAILED ("another region")
        body = sp.json()
    connection = body["connection"]
    assert connection["account_type"] == "vendor"
    assert connection["health"] == "connected"
    held = 2 if account == "vendor-central" else 1
    assert [g["status_text"] for g in connection["grants"]].count("Current") == held

    us = api.marketplaces(owner, connection_id)["US"]
    api.select_marketplace(owner, connection_id, us["marketplace_id"])
    for _ in range(4):
        worker.run_pass()
    assert api.marketplaces(owner, connection_id)["US"]["state"] == "ready"

    for _ in range(36):  # three hours, a pass every five simulated minutes
        advanced = api.client.post("/sandbox/_admin/clock", json={"advance_seconds": 300})
        assert advanced.status_code == 200, advanced.text
        worker.run_pass()
    entries = api.client.get("/sandbox/_admin/requests").json()["items"]
    assert any(e.get("family") == "lwa" for e in entries)  # the log is the real traffic
    assert not [e["operation"] for e in entries if e.get("operation") in SELLER_CENTRAL_ONLY]
    assert not [e for e in entries if e.get("family") != "lwa" and e.get("status") in (401, 403)]
    assert api.ok("GET", f"/api/v1/connections/{connection_id}", owner)["health"] == "connected"
