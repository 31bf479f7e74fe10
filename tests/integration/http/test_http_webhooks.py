"""Webhook endpoints over HTTP (API.md "Webhooks"): the answers carry the endpoint and
delivery views' fields, the signing secret appears in the creation answer only, and a
delivery names its endpoint as `webhook_id`."""

from __future__ import annotations

from adapters.webhooks.receiver import LoopbackReceiver
from harness.driver import Api


def test_an_endpoint_is_created_listed_and_tested_with_its_secret_shown_once(api: Api) -> None:
    acme = api.create_team("Acme")
    with LoopbackReceiver() as receiver:
        created = api.ok(
            "POST",
            "/api/v1/webhooks",
            acme["admin"],
            201,
            json={"url": receiver.url, "events": ["*"], "description": "Production"},
        )
        assert created["secret"].startswith("whsec_")
        assert created["events"] == ["*"]
        assert created["enabled"] is True
        assert created["created_at"].endswith("Z")
        listed = api.ok("GET", "/api/v1/webhooks", acme["owner"])["items"]
        assert [{k: v for k, v in created.items() if k != "secret"}] == listed
        assert "secret" not in api.ok("GET", f"/api/v1/webhooks/{created['id']}", acme["owner"])

        delivery = api.ok("POST", f"/api/v1/webhooks/{created['id']}/test", acme["admin"], 200)
        assert delivery["webhook_id"] == created["id"]
        assert delivery["event_type"] == "webhook.test"
        assert delivery["status"] == "delivered"
        assert delivery["last_status_code"] == 204
        deliveries = api.ok("GET", f"/api/v1/webhooks/{created['id']}/deliveries", acme["owner"])
        assert deliveries["items"] == [delivery]
