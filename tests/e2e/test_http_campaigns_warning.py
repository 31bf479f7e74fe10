"""Seed 002's NO_ACTIVE_CAMPAIGNS over real HTTP against the sandbox: the callback JSON and
`PUT /profile` carry `warnings`, the connection is made all the same, and support's timeline
shows the warning."""

from __future__ import annotations

import pytest

from harness.driver import Api

pytestmark = pytest.mark.e2e


def test_a_profile_without_campaigns_connects_with_the_warning(api: Api) -> None:
    team = api.create_team("Fresh")
    admin = team["admin"]
    ads = api.authorize(admin, "no-campaigns-seller", "ads")
    assert ads.status_code == 200, ads.text
    body = ads.json()
    assert body["warnings"] == ["NO_ACTIVE_CAMPAIGNS"]
    assert body["connection"]["profile"]["country_code"] == "US"
    assert body["next"] == "authorize_sp_api"
    connection_id = body["connection"]["id"]
    events = api.ok("GET", f"/api/v1/connections/{connection_id}/events", admin)["items"]
    assert [e["data"]["code"] for e in events if e["kind"] == "warning"] == ["NO_ACTIVE_CAMPAIGNS"]


def test_a_profile_with_campaigns_has_no_warning(api: Api) -> None:
    team = api.create_team("Acme")
    ads = api.authorize(team["admin"], "us-seller", "ads")
    assert ads.status_code == 200, ads.text
    assert ads.json()["warnings"] == []


def test_choosing_a_profile_answers_the_connection_with_its_warnings(api: Api) -> None:
    team = api.create_team("Northwind", plan="pro")
    admin = team["admin"]
    connection_id = api.connect(admin, "multi-profile-seller")["connection"]["id"]
    profiles = api.ok("GET", f"/api/v1/connections/{connection_id}/profiles", admin)
    mexico = next(p for p in profiles["items"] if p["country_code"] == "MX")
    chosen = api.choose_profile(admin, connection_id, mexico["profile_id"])
    assert chosen["profile"]["profile_id"] == mexico["profile_id"]
    assert chosen["id"] == connection_id
    assert chosen["warnings"] == []


def test_the_browser_page_after_the_callback_shows_the_warning(api: Api) -> None:
    team = api.create_team("Fresh")
    admin = team["admin"]
    started = api.start(admin, "ads")
    assert started.status_code == 201, started.text
    query = api.amazon.consent(
        api.follow(started.json()["authorization_url"]), "no-campaigns-seller"
    )
    page = api.callback("ads", query, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "No active campaigns" in page.text
    assert "up to 24 hours to appear" in page.text
    assert "/errors/NO_ACTIVE_CAMPAIGNS" in page.text
