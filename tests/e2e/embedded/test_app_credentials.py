"""The app's own credentials refused, over the embedded product:
the sandbox's LWA rejects every client secret; within one worker tick `/ready` answers 503
naming APP_CREDENTIALS_REJECTED, the event log has one `app.credentials_rejected` per app,
and `/metrics` shows it; LWA then sees at most one try per app per backoff step, however
many passes run; a secret accepted again ends it (`/ready` 200, `app.credentials_restored`).
No job ends in a traceback, and the seller is never told to reconnect."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.worker import InProcessWorker
from application.repositories import EventLogQuery
from bootstrap.container import Container
from harness.driver import Api, Team

pytestmark = pytest.mark.e2e


def _lwa_tries(client: httpx.Client) -> int:
    log = client.get("/sandbox/_admin/requests").json()
    entries = log if isinstance(log, list) else log.get("items") or log.get("requests") or []
    return sum(1 for e in entries if str(e.get("path", "")).endswith("/auth/o2/token"))


def _events(container: Container, kind: str) -> list[Any]:
    with container.application().ports.uow() as uow:
        return [e for e in uow.events.list(EventLogQuery()) if str(e.kind) == kind]


def _rejected_gauge(client: httpx.Client) -> str:
    return next(
        line
        for line in client.get("/metrics").text.splitlines()
        if line.startswith('sellerlink_app_credentials_rejected{channel="sp_api"}')
    )


def test_rejected_app_secrets_raise_one_alarm_and_back_off(
    api: Api, container: Container, team: Team
) -> None:
    client = api.client
    owner = team["owner"]
    connection = api.connect(owner, "us-seller")["connection"]
    worker = InProcessWorker(container.application(), interval=1)
    assert client.get("/ready").status_code == 200

    rejected = client.post("/sandbox/_admin/client-secrets", json={"reject": "all"})
    assert rejected.status_code == 200
    client.post("/sandbox/_admin/clock", json={"advance_seconds": 3700})  # tokens lapse
    before = _lwa_tries(client)
    report = worker.run_pass()  # one tick
    assert report.errors == 0, "no job ends in a traceback"
    first_step = _lwa_tries(client) - before
    assert 1 <= first_step <= 2, "one try per app (SP-API, Ads)"

    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["app_credentials"] == "failing"
    assert [p["code"] for p in ready.json()["problems"]] == ["APP_CREDENTIALS_REJECTED"]
    alarms = _events(container, "app.credentials_rejected")
    assert len(alarms) == first_step, "one alarm per app, not one per job"
    assert all(a.team_id == team.id for a in alarms)
    assert _rejected_gauge(client).endswith(" 1.0")

    # Within the backoff step, more passes reach LWA no more.
    for _ in range(4):
        assert worker.run_pass().errors == 0
    assert _lwa_tries(client) - before == first_step
    # The next step allows one more try per app, and no second alarm.
    client.post("/sandbox/_admin/clock", json={"advance_seconds": 61})
    for _ in range(3):
        worker.run_pass()
    assert _lwa_tries(client) - before <= 2 * first_step
    assert len(_events(container, "app.credentials_rejected")) == len(alarms)
    shown = api.ok("GET", f"/api/v1/connections/{connection['id']}", owner)
    assert shown["health"] != "reconnect_required", "no seller is asked to reconnect"

    # The operator fixes the secret: the next step's try succeeds.
    client.post("/sandbox/_admin/client-secrets", json={"reject": []})
    client.post("/sandbox/_admin/clock", json={"advance_seconds": 300})
    worker.run_pass()
    assert client.get("/ready").status_code == 200
    assert _events(container, "app.credentials_restored")
    assert _rejected_gauge(client).endswith(" 0.0")
