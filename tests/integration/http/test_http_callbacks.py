"""The OAuth callbacks as a browser meets them: redirects to `return_to`, the small HTML page,
the headers that keep the code out of referrers and caches (API.md "Authorizing")."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from harness.driver import Api

NO_LEAK = {"referrer-policy": "no-referrer", "cache-control": "no-store"}


def leak_headers(response: object) -> dict[str, str]:
    headers = response.headers  # type: ignore[attr-defined]
    return {k: headers.get(k) for k in NO_LEAK}


def test_success_with_return_to_is_303_with_the_connection_id(api: Api) -> None:
    team = api.create_team("Acme")
    back = api.authorize(team["admin"], "us-seller", "ads", return_to="/onboarding?step=2#top")
    assert back.status_code == 303
    assert leak_headers(back) == NO_LEAK
    location = urlsplit(back.headers["location"])
    assert (location.scheme, location.netloc, location.path) == ("", "", "/onboarding")
    query = parse_qs(location.query)
    assert query["step"] == ["2"]
    assert query["result"] == ["connected"]
    connection_id = query["connection_id"][0]
    assert location.fragment == "top"
    assert api.get(f"/api/v1/connections/{connection_id}", team["admin"]).status_code == 200


def test_browser_without_return_to_gets_a_small_page(api: Api) -> None:
    team = api.create_team("Acme")
    started = api.start(team["owner"], "ads").json()
    query = api.amazon.consent(api.follow(started["authorization_url"]), "us-seller")
    page = api.callback("ads", query, headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert leak_headers(page) == NO_LEAK
    assert "Amazon account connected" in page.text
    assert "authorize the Selling Partner API" in page.text
    assert query["code"] not in page.text


def test_browser_gets_an_html_error_page_without_return_to(api: Api) -> None:
    page = api.callback("ads", {"state": "s" * 43, "code": "c"}, headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert leak_headers(page) == NO_LEAK
    assert "This authorization link is not valid" in page.text
    assert "/errors/OAUTH_STATE_INVALID" in page.text


def test_api_client_gets_json_with_the_connection_and_next_step(api: Api) -> None:
    team = api.create_team("Acme")
    back = api.authorize(team["owner"], "us-seller", "ads")
    body = back.json()
    assert back.headers["content-type"].startswith("application/json")
    assert leak_headers(back) == NO_LEAK
    assert body["result"] == "connected"
    assert body["next"] == "authorize_sp_api"
    assert body["created"] is True
    assert body["connection"]["grants"][0]["status_text"] == "Current"


def test_callback_without_state_is_refused(api: Api) -> None:
    response = api.callback("sp_api", {"spapi_oauth_code": "c", "selling_partner_id": "A1"})
    assert response.status_code == 400
    assert response.json()["code"] == "OAUTH_STATE_INVALID"
    assert leak_headers(response) == NO_LEAK


@pytest.mark.parametrize(
    "return_to", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_return_to_must_be_a_relative_path(api: Api, return_to: str) -> None:
    team = api.create_team("Acme")
    response = api.start(team["owner"], "ads", return_to=return_to)
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


def test_polling_status_moves_from_pending_to_completed(api: Api) -> None:
    team = api.create_team("Acme")
    started = api.start(team["owner"], "ads").json()
    path = f"/api/v1/connections/authorizations/{started['state']}"
    assert api.ok("GET", path, team["member"])["status"] == "pending"
    query = api.amazon.consent(api.follow(started["authorization_url"]), "us-seller")
    connection_id = api.callback("ads", query).json()["connection"]["id"]
    status = api.ok("GET", path, team["member"])
    assert (status["status"], status["connection_id"]) == ("completed", connection_id)
    other = api.create_team("Rival")
    assert api.get(path, other["owner"]).status_code == 404


def test_reconnect_defaults_to_the_channel_that_needs_the_person(api: Api) -> None:
    team = api.create_team("Acme")
    ads = api.authorize(team["owner"], "us-seller", "ads").json()
    connection_id = ads["connection"]["id"]
    started = api.ok("POST", f"/api/v1/connections/{connection_id}/reconnect", team["owner"], 201)
    assert started["channel"] == "sp_api"  # never authorized yet
    assert started["connection_id"] == connection_id
    assert started["scopes"]
    assert started["expires_at"]


def _told(back: Any) -> dict[str, list[str]]:
    assert back.status_code == 303, back.text
    return parse_qs(urlsplit(back.headers["location"]).query)


def test_the_redirect_back_carries_the_next_step_warnings_and_reconnected(api: Api) -> None:
    """A product UI learns from the redirect alone what comes next."""
    team = api.create_team("Acme")
    admin = team["admin"]
    ads = _told(api.authorize(admin, "no-campaigns-seller", "ads", return_to="/back"))
    assert ads["next"] == ["authorize_sp_api"]
    assert ads["reconnected"] == ["false"]
    assert ads["warnings"] == ["NO_ACTIVE_CAMPAIGNS"]
    connection_id = ads["connection_id"][0]

    sp = _told(
        api.authorize(
            admin, "no-campaigns-seller", "sp_api", connection_id=connection_id, return_to="/back"
        )
    )
    assert sp["next"] == ["choose_marketplaces"]
    assert sp["reconnected"] == ["false"]
    assert "warnings" not in sp

    again = _told(
        api.authorize(
            admin, "no-campaigns-seller", "sp_api", connection_id=connection_id, return_to="/back"
        )
    )
    assert again["reconnected"] == ["true"]
    assert again["connection_id"] == [connection_id]
