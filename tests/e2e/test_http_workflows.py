"""The help pages' workflows, walked over real HTTP (uvicorn on loopback): what a product UI
and a person's browser do, with the worker's passes driven in-process."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from application.app import Application
from bootstrap.system import SettableClock
from harness.driver import Api

pytestmark = pytest.mark.e2e


def run_setup_until_settled(app: Application, rounds: int = 5) -> None:
    """The worker's passes: each advances every marketplace in setup by one step."""
    for _ in range(rounds):
        if not app.advance_all_setups():
            return


def test_seller_with_one_profile_is_auto_selected_and_reaches_ready(
    api: Api, app: Application
) -> None:
    team = api.create_team("Acme")
    manager = team["manager"]

    ads = api.authorize(manager, "us-seller", "ads")
    assert ads.status_code == 200
    assert ads.headers["referrer-policy"] == "no-referrer"
    assert ads.headers["cache-control"] == "no-store"
    assert ads.json()["next"] == "authorize_sp_api"
    connection_id = ads.json()["connection"]["id"]

    sp = api.authorize(manager, "us-seller", "sp_api", connection_id=connection_id)
    body = sp.json()
    assert sp.status_code == 200
    assert body["connection"]["id"] == connection_id
    assert body["connection"]["profile"]["country_code"] == "US"
    assert body["connection"]["profile_auto_selected"] is True
    assert body["next"] == "choose_marketplaces"

    profiles = api.ok("GET", f"/api/v1/connections/{connection_id}/profiles", manager)
    assert profiles["auto_selected"] is True
    assert [p["selected"] for p in profiles["items"]] == [True]

    us = api.marketplaces(manager, connection_id)["US"]
    chosen = api.ok(
        "PUT",
        f"/api/v1/connections/{connection_id}/marketplaces/{us['marketplace_id']}",
        manager,
        json={"selected": True, "active": True},
    )
    assert chosen["state"] == "setting_up"
    run_setup_until_settled(app)
    assert api.marketplaces(manager, connection_id)["US"]["state"] == "ready"

    connection = api.ok("GET", f"/api/v1/connections/{connection_id}", team["member"])
    assert connection["health"] == "connected"
    assert {g["channel"]: g["status_text"] for g in connection["grants"]} == {
        "ads": "Current",
        "sp_api": "Current",
    }
    assert connection["marketplaces_summary"]["ready"] == 1


def test_seller_with_several_profiles_is_asked_to_choose_one(api: Api) -> None:
    team = api.create_team("Northwind", plan="pro")
    admin = team["admin"]
    body = api.connect(admin, "multi-profile-seller")
    connection_id = body["connection"]["id"]
    assert body["next"] == "choose_profile"
    assert body["connection"]["profile"] is None

    profiles = api.ok("GET", f"/api/v1/connections/{connection_id}/profiles", admin)
    assert profiles["auto_selected"] is False
    assert sorted(p["country_code"] for p in profiles["items"]) == ["CA", "MX", "US"]
    canada = next(p for p in profiles["items"] if p["country_code"] == "CA")

    chosen = api.choose_profile(admin, connection_id, canada["profile_id"])
    assert chosen["profile"]["profile_id"] == canada["profile_id"]
    assert chosen["profile_auto_selected"] is False


def test_vendor_connects_with_ads_only(api: Api) -> None:
    team = api.create_team("Brandworks")
    body = api.connect(team["owner"], "vendor")
    connection = body["connection"]
    assert connection["account_type"] == "vendor"
    assert connection["health"] == "connected"
    grants = {g["channel"]: g for g in connection["grants"]}
    assert grants["ads"]["status"] == "current"
    assert grants["sp_api"]["required"] is False
    assert body["next"] in {"choose_marketplaces", "done"}


def test_eu_seller_sets_up_european_marketplaces(api: Api, app: Application) -> None:
    team = api.create_team("Kontor", plan="pro")
    owner = team["owner"]
    connection_id = api.connect(owner, "eu-seller")["connection"]["id"]
    marketplaces = api.marketplaces(owner, connection_id)
    assert set(marketplaces) == {"UK", "DE", "FR", "IT", "ES", "NL"}
    assert {c: m["state"] for c, m in marketplaces.items() if m["state"] != "available"} == {
        "NL": "not_participating"  # greyed out (seed 001): listed, not registered there
    }

    for country in ("DE", "FR"):
        mid = marketplaces[country]["marketplace_id"]
        api.select_marketplace(owner, connection_id, mid)
    run_setup_until_settled(app)
    states = {c: m["state"] for c, m in api.marketplaces(owner, connection_id).items()}
    assert states == {
        "DE": "ready",
        "FR": "ready",
        "UK": "available",
        "IT": "available",
        "ES": "available",
        "NL": "not_participating",
    }


def test_free_plan_shows_coming_soon_until_upgrade(api: Api) -> None:
    team = api.create_team("Kontor")
    owner = team["owner"]
    body = api.connect(owner, "eu-seller")
    connection_id = body["connection"]["id"]

    profiles = api.ok("GET", f"/api/v1/connections/{connection_id}/profiles", owner)
    assert {p["selectable"] for p in profiles["items"]} == {False}
    assert {p["reason"] for p in profiles["items"]} == {"Coming Soon on your plan"}
    de = api.marketplaces(owner, connection_id)["DE"]
    assert de["state"] == "coming_soon"
    assert de["selectable"] is False

    refused = api.call(
        "PUT",
        f"/api/v1/connections/{connection_id}/marketplaces/{de['marketplace_id']}",
        owner,
        json={"selected": True},
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "PLAN_REQUIRED"
    assert refused.json()["type"] == "/errors/PLAN_REQUIRED"

    api.ok("PATCH", f"/api/v1/teams/{team.id}", owner, json={"plan": "pro"})
    api.ok("POST", f"/api/v1/connections/{connection_id}/refresh", owner)
    assert api.marketplaces(owner, connection_id)["DE"]["state"] == "available"


def test_failed_marketplace_recovers_after_retry(api: Api, app: Application) -> None:
    team = api.create_team("Bumpy", plan="pro")
    manager = team["manager"]
    connection_id = api.connect(manager, "failing-marketplace-seller")["connection"]["id"]
    de = api.marketplaces(manager, connection_id)["DE"]["marketplace_id"]
    path = f"/api/v1/connections/{connection_id}/marketplaces/{de}"

    api.ok("PUT", path, manager, json={"selected": True})
    run_setup_until_settled(app)
    failed = api.marketplaces(manager, connection_id)["DE"]
    assert failed["state"] == "failed"
    assert "geocompany" in failed["last_error"]

    for _ in range(2):  # DE fails its first two attempts, the third succeeds
        retried = api.ok("POST", path + "/retry", manager)
        assert retried["state"] == "setting_up"
        run_setup_until_settled(app)
    assert api.marketplaces(manager, connection_id)["DE"]["state"] == "ready"
    history = api.ok("GET", path + "/history", manager)
    assert [t["to_state"] for t in history["items"]][-2:] == ["syncing", "ready"]


def test_marketplace_past_its_retry_limit_is_escalated_with_history(
    api: Api, app: Application
) -> None:
    team = api.create_team("Bumpy", plan="pro")
    admin = team["admin"]
    connection_id = api.connect(admin, "failing-marketplace-seller")["connection"]["id"]
    it = api.marketplaces(admin, connection_id)["IT"]
    path = f"/api/v1/connections/{connection_id}/marketplaces/{it['marketplace_id']}"
    api.ok("PUT", path, admin, json={"selected": True})
    run_setup_until_settled(app)

    refused = None
    for _ in range(it["retry_limit"] + 1):
        response = api.call("POST", path + "/retry", admin)
        if response.status_code == 409:
            refused = response
            break
        assert response.status_code == 200, response.text
        run_setup_until_settled(app)

    assert refused is not None, "the retry limit was never reached"
    problem = refused.json()
    assert problem["code"] == "RETRY_LIMIT_EXCEEDED"
    assert problem["marketplace_id"] == it["marketplace_id"]
    assert problem["retries_used"] == it["retry_limit"]
    assert len(problem["history"]) >= it["retry_limit"]
    assert problem["request_id"] == refused.headers["x-request-id"]
    assert api.marketplaces(admin, connection_id)["IT"]["state"] == "escalated"


def test_revoked_token_requires_reconnect_which_keeps_id_settings_and_history(
    api: Api, app: Application, clock: SettableClock, container: object
) -> None:
    team = api.create_team("Acme")
    manager = team["manager"]
    connection_id = api.connect(manager, "us-seller")["connection"]["id"]
    settings = {
        "inventory_buffer": 3,
        "inventory_ceiling": 50,
        "minimum_price": {"amount": "9.99", "currency": "USD"},
        "pricing_enabled": False,
    }
    api.ok("PUT", f"/api/v1/connections/{connection_id}/listing-settings", manager, json=settings)
    events_before = api.ok("GET", f"/api/v1/connections/{connection_id}/events", manager)["items"]

    container.amazon().revoke("us-seller")  # type: ignore[attr-defined]
    clock.advance(timedelta(hours=2))  # past the cached access tokens
    app.refresh_due_tokens()
    connection = api.ok("GET", f"/api/v1/connections/{connection_id}", manager)
    assert connection["health"] == "reconnect_required"

    for _ in ("first", "second"):  # both grants were revoked; each reconnect takes one
        started = api.ok("POST", f"/api/v1/connections/{connection_id}/reconnect", manager, 201)
        assert started["connection_id"] == connection_id
        query = api.amazon.consent(api.follow(started["authorization_url"]), "us-seller")
        back = api.callback(started["channel"], query)
        assert back.status_code == 200, back.text
        assert back.json()["reconnected"] is True
        assert back.json()["connection"]["id"] == connection_id

    connection = api.ok("GET", f"/api/v1/connections/{connection_id}", manager)
    assert connection["health"] == "connected"
    kept = api.ok("GET", f"/api/v1/connections/{connection_id}/listing-settings", manager)
    assert kept["minimum_price"] == {"amount": "9.99", "currency": "USD"}
    assert kept["inventory_buffer"] == 3
    assert kept["pricing_enabled"] is False
    events = api.ok("GET", f"/api/v1/connections/{connection_id}/events", manager)["items"]
    assert {e["id"] for e in events_before} <= {e["id"] for e in events}
    assert "connection.reconnected" in {e["kind"] for e in events}


def test_reconnect_with_a_different_amazon_account_is_refused(api: Api) -> None:
    team = api.create_team("Acme", plan="pro")
    owner = team["owner"]
    connection_id = api.connect(owner, "us-seller")["connection"]["id"]
    started = api.ok(
        "POST",
        f"/api/v1/connections/{connection_id}/reconnect",
        owner,
        201,
        json={"channel": "ads", "return_to": "/settings/amazon?tab=accounts"},
    )
    query = api.amazon.consent(api.follow(started["authorization_url"]), "multi-profile-seller")
    back = api.callback("ads", query)
    assert back.status_code == 303
    location = urlsplit(back.headers["location"])
    assert location.path == "/settings/amazon"
    assert parse_qs(location.query) == {
        "tab": ["accounts"],
        "result": ["error"],
        "code": ["WRONG_ACCOUNT"],
    }
    assert back.headers["referrer-policy"] == "no-referrer"
    status = api.ok("GET", f"/api/v1/connections/authorizations/{started['state']}", owner)
    assert status["status"] == "failed"
    assert status["error_code"] == "WRONG_ACCOUNT"


def test_account_connected_in_another_team_is_refused(api: Api) -> None:
    first = api.create_team("Acme")
    api.connect(first["owner"], "us-seller")
    second = api.create_team("Rival")
    refused = api.authorize(second["owner"], "us-seller", "ads")
    assert refused.status_code == 409
    assert refused.json()["code"] == "ACCOUNT_IN_USE"
    assert refused.json()["remediation"]
    assert api.ok("GET", "/api/v1/connections", second["owner"])["items"] == []


def test_denied_consent_connects_nothing(api: Api) -> None:
    team = api.create_team("Acme")
    owner = team["owner"]
    started = api.start(owner, "ads")
    query = api.amazon.consent(
        api.follow(started.json()["authorization_url"]), "us-seller", approve=False
    )
    back = api.callback("ads", query)
    assert back.status_code == 403
    assert back.json()["code"] == "AUTHORIZATION_DENIED"
    assert api.ok("GET", "/api/v1/connections", owner)["items"] == []
    status = api.ok("GET", f"/api/v1/connections/authorizations/{started.json()['state']}", owner)
    assert (status["status"], status["error_code"]) == ("failed", "AUTHORIZATION_DENIED")


def test_callback_after_ten_minutes_is_an_expired_session(api: Api, clock: SettableClock) -> None:
    team = api.create_team("Acme")
    back = api.authorize(
        team["manager"],
        "us-seller",
        "ads",
        before_callback=lambda: clock.advance(timedelta(minutes=11)),
        return_to="/connect",
    )
    assert back.status_code == 303
    assert back.headers["location"] == "/connect?result=error&code=SESSION_EXPIRED"
    html = api.get(
        back.headers["location"].replace("/connect?", "/errors/SESSION_EXPIRED?"),
        headers={"Accept": "text/html"},
    )
    assert html.status_code == 200
    assert "Session has expired" in html.text


def test_forged_replayed_and_cross_team_states_are_refused(api: Api) -> None:
    acme = api.create_team("Acme")
    rival = api.create_team("Rival")

    forged = api.callback("ads", {"state": "x" * 43, "code": "code-1"})
    assert (forged.status_code, forged.json()["code"]) == (400, "OAUTH_STATE_INVALID")

    started = api.start(acme["owner"], "ads").json()
    query = api.amazon.consent(api.follow(started["authorization_url"]), "us-seller")
    cross = api.callback("ads", query, user=rival["owner"])
    assert (cross.status_code, cross.json()["code"]) == (400, "OAUTH_STATE_INVALID")

    wrong_path = api.callback("sp_api", query)
    assert wrong_path.status_code == 400

    first = api.callback("ads", query, user=acme["owner"])
    assert first.status_code == 200, first.text
    replay = api.callback("ads", query)
    assert (replay.status_code, replay.json()["code"]) == (400, "OAUTH_STATE_INVALID")
    assert len(api.ok("GET", "/api/v1/connections", acme["owner"])["items"]) == 1
