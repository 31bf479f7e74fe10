"""Connect sessions and the browser binding over HTTP (API.md "Connect sessions"; RFC 9700
§4.7): the link, the cookie, the refusal of another browser."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from litestar import Litestar
from litestar.testing import TestClient

from harness.driver import Api

HTML = {"Accept": "text/html"}


def test_a_product_gets_a_link_valid_30_minutes(api: Api) -> None:
    team = api.create_team("Acme")
    body = api.ok(
        "POST",
        "/api/v1/connect-sessions",
        team["manager"],
        status=201,
        json={"end_user": {"id": "u-1", "email": "maria@example.com"}, "regions": ["NA"]},
    )
    assert set(body) == {"id", "token", "url", "expires_at"}
    assert urlsplit(body["url"]).path == f"/connect/{body['token']}"
    assert len(body["token"]) * 6 >= 256


def test_opening_the_link_binds_this_browser_and_drops_the_token_from_the_address(
    api: Api, web_app: Litestar
) -> None:
    team = api.create_team("Acme")
    link = api.ok("POST", "/api/v1/connect-sessions", team["owner"], status=201, json={})
    opened = api.client.get(link["url"], follow_redirects=False)
    assert opened.status_code == 303
    page_path = opened.headers["location"]
    assert link["token"] not in page_path
    cookie = opened.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    page = api.client.get(page_path, headers=HTML)
    assert page.status_code == 200
    assert "Connect your Amazon account" in page.text
    assert "Connect Amazon Ads" in page.text
    # Another browser with the same link gets nothing.
    with TestClient(web_app) as elsewhere:
        assert elsewhere.get(link["url"], headers=HTML).status_code == 400
        refused = elsewhere.get(page_path, headers=HTML)
        assert refused.status_code == 400
        assert "opened in another browser" in refused.text


def test_authorization_url_passes_through_sellerlink_before_amazon(api: Api) -> None:
    team = api.create_team("Acme")
    started = api.start(team["owner"], "ads").json()
    assert urlsplit(started["authorization_url"]).path == f"/connect/authorize/{started['state']}"
    consent = api.follow(started["authorization_url"])
    assert consent.startswith("https://")


def test_a_callback_from_another_browser_is_refused_as_started_elsewhere(
    api: Api, web_app: Litestar
) -> None:
    team = api.create_team("Acme")
    started = api.start(team["owner"], "ads").json()
    query = api.amazon.consent(api.follow(started["authorization_url"]), "us-seller")
    with TestClient(web_app) as victim:
        refused = victim.get("/oauth/amazon-ads/callback", params=query)
    assert refused.status_code == 400
    assert refused.json()["code"] == "OAUTH_STATE_INVALID"
    assert "started in another browser" in refused.json()["detail"]
    assert api.ok("GET", "/api/v1/connections", team["owner"])["items"] == []


def test_the_bounce_cookie_is_secure_behind_https(api: Api, web_app: Litestar) -> None:
    web_app.state["public_base_url"] = "https://sellerlink.example.com"
    team = api.create_team("Acme")
    started = api.start(team["owner"], "ads").json()
    assert started["authorization_url"].startswith("https://sellerlink.example.com/connect/")
    path = urlsplit(started["authorization_url"]).path
    bounce = api.client.get(path, follow_redirects=False)
    assert "secure" in bounce.headers["set-cookie"].lower()
    assert isinstance(bounce, httpx.Response)


def _through_amazon(api: Api, answer: httpx.Response, account: str, channel: str) -> str:
    """The form sent the browser to the bounce; Amazon approves; the callback sends it back
    to the flow. Returns the flow page's path."""
    assert answer.status_code == 303, answer.text
    consent = api.follow(answer.headers["location"])
    back = api.callback(channel, api.amazon.consent(consent, account))
    assert back.status_code == 303, back.text
    return str(back.headers["location"])


def test_the_hosted_pages_walk_a_seller_to_the_marketplaces_without_javascript(
    api: Api,
) -> None:
    team = api.create_team("Acme", plan="pro")
    link = api.ok(
        "POST",
        "/api/v1/connect-sessions",
        team["owner"],
        status=201,
        json={"return_to": "https://app.example.com/amazon"},
    )
    page = api.client.get(link["url"], headers=HTML)
    base = urlsplit(str(page.url)).path
    form = {"channel": "ads", "account_type": "seller", "region": "NA"}
    answer = api.client.post(f"{base}/authorize", data=form, follow_redirects=False)
    assert _through_amazon(api, answer, "us-seller", "ads").startswith(base + "?")
    page = api.client.get(base, headers=HTML)
    assert "Connect the Selling Partner API" in page.text
    answer = api.client.post(
        f"{base}/authorize", data={"channel": "sp_api"}, follow_redirects=False
    )
    _through_amazon(api, answer, "us-seller", "sp_api")
    page = api.client.get(base, headers=HTML)
    assert "Choose your marketplaces" in page.text
    assert "Set up selected marketplaces" in page.text


def test_a_denial_on_amazon_is_shown_in_the_flow_with_its_fix(api: Api) -> None:
    team = api.create_team("Acme")
    link = api.ok("POST", "/api/v1/connect-sessions", team["owner"], status=201, json={})
    base = urlsplit(str(api.client.get(link["url"], headers=HTML).url)).path
    form = {"channel": "ads", "account_type": "seller", "region": "NA"}
    answer = api.client.post(f"{base}/authorize", data=form, follow_redirects=False)
    consent = api.follow(answer.headers["location"])
    back = api.callback("ads", api.amazon.consent(consent, "us-seller", approve=False))
    assert back.headers["location"].startswith(base)
    page = api.client.get(base, headers=HTML)
    assert "Authorization was declined on Amazon" in page.text
    assert 'href="/errors/AUTHORIZATION_DENIED"' in page.text
    assert ">Try again</button>" in page.text
