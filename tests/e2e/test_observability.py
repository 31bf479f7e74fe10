"""Operations over the embedded product: a full walk through the sandbox —
connect, marketplace setup, Refresh, an hour later a token refresh, one throttled call, the
team's webhooks delivered to a loopback receiver — then `/metrics` shows every series
moving, the log has one JSON line per request and per job with the fields support searches
by, and no secret of the walk is in any line."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import define, field
from prometheus_client.parser import text_string_to_metric_families

from adapters.http.demo_webhooks import RECEIVE_PATH, WebhookInbox
from adapters.worker import InProcessWorker
from bootstrap.container import Container
from domain.grant import Channel
from harness.driver import Api, SandboxAmazonPage
from harness.server import embedded_product
from tests.fixtures import json_logs

pytestmark = pytest.mark.e2e

JWT_SECRET = "observability-e2e-secret-0123456789-abcdef"


@define
class RecordingConsentPage:
    """The sandbox's consent page, remembering the codes and states it handed back."""

    page: SandboxAmazonPage
    seen: list[str] = field(factory=list)

    def consent(
        self, authorization_url: str, account: str, *, approve: bool = True
    ) -> dict[str, str]:
        query = self.page.consent(authorization_url, account, approve=approve)
        self.seen += [v for k, v in query.items() if k in ("code", "spapi_oauth_code", "state")]
        return query


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    with json_logs("DEBUG") as stream:
        yield stream


def scrape(client: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    values = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def total(values: dict[Any, float], name: str, **labels: str) -> float:
    return sum(
        v
        for (n, lbls), v in values.items()
        if n == name and all(dict(lbls).get(k) == want for k, want in labels.items())
    )


def test_a_full_walk_moves_every_series_and_leaves_no_secret_in_the_log(
    tmp_path: Path, log_lines: io.StringIO
) -> None:
    with (
        embedded_product(tmp_path, JWT_SECRET, inbox=WebhookInbox()) as (base_url, container),
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        consent = RecordingConsentPage(SandboxAmazonPage(client))
        api = Api(client, consent, JWT_SECRET)
        before = scrape(client)
        secrets = walk(api, container, client)
        after = scrape(client)
        secrets += consent.seen

    def moved(name: str, **labels: str) -> bool:
        return total(after, name, **labels) > total(before, name, **labels)

    routes = {
        dict(lbls).get("path") for (n, lbls) in after if n == "sellerlink_http_requests_total"
    }
    assert "/api/v1/connections/{connection_id}/refresh" in routes, routes
    assert not any("con_" in str(r) for r in routes), "by route template, never by id"
    assert moved(
        "sellerlink_http_requests_total", path="/api/v1/connections/{connection_id}/refresh"
    )
    assert moved("sellerlink_amazon_calls_total", api="lwa", status="200")
    assert moved("sellerlink_amazon_calls_total", api="ads", status="200")
    assert moved(
        "sellerlink_amazon_calls_total", api="sp_api", operation="getMarketplaceParticipations"
    )
    assert moved("sellerlink_lwa_refreshes_total", channel="sp_api", result="ok")
    assert moved("sellerlink_amazon_throttled_total", source="amazon")
    assert moved("sellerlink_jobs_total", kind="advance_setup", outcome="done")
    assert moved("sellerlink_job_lag_seconds_count", kind="advance_setup")
    assert moved("sellerlink_records_synced_total", dataset="orders")
    assert moved("sellerlink_webhook_deliveries_total", outcome="delivered")
    assert moved("sellerlink_webhook_delivery_lag_seconds_count")
    assert total(after, "sellerlink_connections", health="connected") >= 1
    assert total(after, "sellerlink_marketplaces", state="ready") >= 1
    assert ("sellerlink_jobs_due", ()) not in after  # by kind only, never unlabelled

    lines = [json.loads(line) for line in log_lines.getvalue().splitlines() if line.strip()]
    requests = [r for r in lines if r.get("message") == "request"]
    refresh = next(r for r in requests if r["route"].endswith("/refresh"))
    assert refresh["request_id"].startswith("req_")
    assert refresh["team"].startswith("team_")
    assert refresh["connection"].startswith("con_")
    assert refresh["outcome"] == "ok"
    assert refresh["status"] == 200
    jobs = [r for r in lines if r.get("message") == "job"]
    assert any(j["job"] == "advance_setup" and j["outcome"] == "done" for j in jobs)
    # Every connection's job names its team and connection (webhook dispatch works per
    # endpoint, across connections, so it names neither).
    per_connection = [j for j in jobs if j["job"] != "dispatch_webhooks"]
    assert all(j["team"].startswith("team_") and j["connection"] for j in per_connection)

    text = log_lines.getvalue()
    assert len(secrets) >= 8
    for secret in secrets:
        assert secret not in text, "a secret of the walk reached the log"


def walk(api: Api, container: Container, client: httpx.Client) -> list[str]:
    """Connect, set up a marketplace, Refresh, a token refresh an hour later, one 429."""
    team = api.create_team("Observed", plan="pro")
    owner = team["owner"]
    receiver = str(client.base_url).rstrip("/") + RECEIVE_PATH
    endpoint = api.ok("POST", "/api/v1/webhooks", owner, status=201,
                   json={"url": receiver, "events": ["*"]})  # fmt: skip
    connection = api.connect(owner, "us-seller")["connection"]
    cid = connection["id"]
    us = api.marketplaces(owner, cid)["US"]
    api.select_marketplace(owner, cid, us["marketplace_id"])
    worker = InProcessWorker(container.application(), interval=1)
    for _ in range(6):
        worker.run_pass()
    assert api.marketplaces(owner, cid)["US"]["state"] == "ready"
    api.ok("POST", f"/api/v1/connections/{cid}/refresh", owner)
    # A throttled answer: counted whether the transport's retries get through or not.
    faults = {"faults": [{"kind": "throttle", "target": "sp_api", "count": 1}]}
    assert client.post("/sandbox/_admin/faults", json=faults).status_code == 200
    throttled = api.call("POST", f"/api/v1/connections/{cid}/refresh", owner)
    assert throttled.status_code in (200, 429), throttled.text
    assert client.post("/sandbox/_admin/faults", json={"faults": []}).status_code == 200
    # An hour on (plus the two minutes a sync window stays behind now): the access tokens
    # lapse, the worker refreshes them and the next sync cycle is due.
    assert client.post("/sandbox/_admin/clock", json={"advance_seconds": 3820}).status_code == 200
    worker.run_pass()
    secrets = [owner.token, endpoint["secret"]]
    with container.application().ports.uow() as uow:
        stored = uow.connections.get(cid)
        assert stored is not None
        for channel in Channel:
            grant = stored.grants[channel]
            for secret in (grant.refresh_token, grant.access_token):
                if secret is not None:
                    secrets.append(secret.reveal())
    return secrets
