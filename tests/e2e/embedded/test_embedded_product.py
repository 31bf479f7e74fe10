"""The embedded product exactly as `make run` wires it: the production container (SQLite
file, sandbox mounted at /sandbox, the real Amazon adapter calling it over loopback HTTP,
sellerlink's clock following the sandbox clock), `build_server_app`, the demo page, and
the worker's passes. Only the port and the data dir differ."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.worker import InProcessWorker
from bootstrap.container import Container
from harness.driver import Api, Team

pytestmark = pytest.mark.e2e


def _settle(
    container: Container, api: Api, user: Any, connection_id: str, passes: int = 6
) -> dict[str, Any]:
    worker = InProcessWorker(container.application(), interval=1)
    for _ in range(passes):
        worker.run_pass()
    return api.marketplaces(user, connection_id)


def test_a_seller_connects_through_the_sandbox_and_its_marketplace_becomes_ready(
    api: Api, container: Container, team: Team
) -> None:
    owner = team["owner"]
    body = api.connect(owner, "us-seller")
    connection = body["connection"]
    assert connection["health"] == "connected"
    assert connection["selling_partner_id"], "the seller id is shown after connecting"
    assert [g["status_text"] for g in connection["grants"]] == ["Current", "Current"]
    us = api.marketplaces(owner, connection["id"])["US"]
    api.select_marketplace(owner, connection["id"], us["marketplace_id"])
    assert _settle(container, api, owner, connection["id"])["US"]["state"] == "ready"
    # Amazon (the sandbox) saw the real wire calls, and its request log shows no token.
    log = str(api.client.get("/sandbox/_admin/requests").json())
    assert "/auth/o2/token" in log
    assert "/sellers/v1/marketplaceParticipations" in log
    assert "Atzr|" not in log


def test_a_failing_marketplace_recovers_by_retry_and_another_is_escalated(
    api: Api, container: Container, team: Team
) -> None:
    owner = team["owner"]
    connection = api.connect(owner, "failing-marketplace-seller")["connection"]
    markets = api.marketplaces(owner, connection["id"])
    for country in ("DE", "IT"):
        api.select_marketplace(owner, connection["id"], markets[country]["marketplace_id"])
    retry_path = f"/api/v1/connections/{connection['id']}/marketplaces/{{}}/retry"
    for _ in range(6):
        markets = _settle(container, api, owner, connection["id"], passes=2)
        for country in ("DE", "IT"):
            if markets[country]["state"] == "failed":
                api.call("POST", retry_path.format(markets[country]["marketplace_id"]), owner)
    markets = api.marketplaces(owner, connection["id"])
    assert markets["DE"]["state"] == "ready"
    assert markets["IT"]["state"] == "escalated"
    history = api.ok(
        "GET",
        f"/api/v1/connections/{connection['id']}/marketplaces/"
        f"{markets['IT']['marketplace_id']}/history",
        owner,
    )["items"]
    assert [h["to_state"] for h in history].count("failed") == markets["IT"]["retry_limit"] + 1


def test_the_demo_page_and_the_sandbox_landing_page_are_served(api: Api) -> None:
    demo = api.client.get("/demo")
    assert demo.status_code == 200
    assert "Connect an Amazon account" in demo.text
    assert demo.headers["referrer-policy"] == "no-referrer"
    landing = api.client.get("/sandbox/")
    assert landing.status_code == 200
    assert "us-seller" in landing.text


def test_ready_reports_the_in_process_worker(container: Container) -> None:
    """DESIGN §8: /ready answers for the database and the worker."""
    from litestar.testing import TestClient

    from adapters.worker import InProcessWorker
    from bootstrap.serve import build_server_app

    worker = InProcessWorker(container.application(), interval=60)
    with TestClient(build_server_app(container, worker=worker)) as client:
        stopped = client.get("/ready")
        worker.start()
        try:
            running = client.get("/ready")
        finally:
            worker.stop(timeout=10)
    assert stopped.status_code == 503
    assert stopped.json()["checks"] == {
        "database": "ok",
        "app_credentials": "ok",
        "worker": "failing",
    }
    assert running.status_code == 200
    assert running.json()["checks"] == {"database": "ok", "app_credentials": "ok", "worker": "ok"}
