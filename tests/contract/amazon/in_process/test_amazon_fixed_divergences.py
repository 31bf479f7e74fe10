"""Places where the sandbox once answered unlike Amazon, each pinned by a test that fails
if its fix is reverted: the Sponsored Products campaigns list as Amazon Ads serves it (6), Ads scope
errors 401 (7), Amazon's 404 body, the Host header ignored and the feed routes treated like
every other operation (9), an access token refused once its hour is over on the sandbox
clock, and a refreshed one accepted (10)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from adapters.amazon.consent import consent_url
from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox import SandboxClock
from adapters.amazon.sandbox.app import create_sandbox_app
from adapters.amazon.sandbox.faults import Fault
from adapters.amazon.sandbox.in_process import IN_PROCESS_BASE_URL, InProcessAmazon
from adapters.amazon.settings import AmazonSettings
from application.ports import ConsentRequest
from bootstrap.system import SettableClock
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.grant import Channel
from tests.contract.amazon.amazon_models import answer, problems
from tests.contract.amazon.sandbox_helpers import START

US = marketplace_id("US")
V3 = "application/vnd.spCampaign.v3+json"
PARTICIPATIONS = f"{IN_PROCESS_BASE_URL}/sellers/v1/marketplaceParticipations"


def _ads_token(amazon: InProcessAmazon, account: str = "us-seller") -> str:
    request = ConsentRequest(ConsentAsk(Channel.ADS, Region.NA, AccountType.SELLER), "s" * 43)
    code = amazon.consent(consent_url(amazon.settings, request), account)["code"]
    return amazon.exchange_code(Channel.ADS, Region.NA, code).access_token.reveal()


def _ads_headers(amazon: InProcessAmazon, token: str, scope: str | None) -> dict[str, str]:
    headers = {
        "Authorization": f"Bearer {token}",
        "Amazon-Advertising-API-ClientId": amazon.settings.ads_client_id,
    }
    if scope is not None:
        headers["Amazon-Advertising-API-Scope"] = scope
    return headers


def _profile(amazon: InProcessAmazon, token: str) -> str:
    profiles = amazon.http.get(
        f"{IN_PROCESS_BASE_URL}/v2/profiles", headers=_ads_headers(amazon, token, None)
    ).json()
    return str(profiles[0]["profileId"])


# ---------------------------------------------------------------- 6: campaigns list


def test_the_campaigns_list_needs_no_body_and_shows_budget_and_start_date(
    amazon: InProcessAmazon,
) -> None:
    token = _ads_token(amazon)
    headers = _ads_headers(amazon, token, _profile(amazon, token))
    answered = amazon.http.post(
        f"{IN_PROCESS_BASE_URL}/sp/campaigns/list",
        headers={**headers, "Content-Type": V3, "Accept": V3},
    )
    assert answered.status_code == 200, answered.text
    assert answered.headers["content-type"].startswith(V3)
    (campaign,) = answered.json()["campaigns"]
    assert campaign["budget"] == {"budget": 25.0, "budgetType": "DAILY"}
    assert len(campaign["startDate"]) == 10  # YYYY-MM-DD


def test_the_campaigns_list_honours_amazons_media_type(amazon: InProcessAmazon) -> None:
    token = _ads_token(amazon)
    headers = _ads_headers(amazon, token, _profile(amazon, token))
    url = f"{IN_PROCESS_BASE_URL}/sp/campaigns/list"
    body = json.dumps({"stateFilter": {"include": ["ENABLED"]}})
    typed = amazon.http.post(url, headers={**headers, "Content-Type": V3}, content=body)
    assert typed.status_code == 200
    wrong = amazon.http.post(url, headers={**headers, "Content-Type": "text/plain"}, content=body)
    assert wrong.status_code == 415


# ---------------------------------------------------------------- 7: Ads scope errors


@pytest.mark.parametrize("scope", [None, "999999999"])
def test_ads_scope_errors_are_401(amazon: InProcessAmazon, scope: str | None) -> None:
    token = _ads_token(amazon)
    answered = amazon.http.post(
        f"{IN_PROCESS_BASE_URL}/sp/campaigns/list",
        headers={**_ads_headers(amazon, token, scope), "Content-Type": V3},
    )
    assert answered.status_code == 401
    assert set(answered.json()) == {"code", "details"}


# ---------------------------------------------------------------- 9: 404, Host, feeds


def test_an_unknown_path_answers_amazons_404_body(amazon: InProcessAmazon) -> None:
    token = amazon.sp_api_token("us-seller")
    answered = amazon.http.get(
        f"{IN_PROCESS_BASE_URL}/sellers/v1/nothingHere", headers={"x-amz-access-token": token}
    )
    assert answered.status_code == 404
    assert problems(answer("feeds_2021-06-30.json", "ErrorList", 404), answered.json()) == []
    assert answered.headers["x-amzn-RequestId"]


@pytest.fixture
def prefixed() -> Iterator[tuple[httpx.Client, Any]]:
    """The sandbox mounted under a path prefix of its own, as a reverse proxy would."""
    from litestar.testing import TestClient

    settings = AmazonSettings.for_sandbox("http://127.0.0.1:9/amazon/sandbox")
    app = create_sandbox_app(SandboxClock(START, scale=0), settings, path="/amazon/sandbox")
    with TestClient(app, base_url="http://sellingpartnerapi-na.amazon.com") as client:
        yield client, app.state.sandbox


def test_the_sandbox_answers_the_same_whatever_the_host_header(
    prefixed: tuple[httpx.Client, Any],
) -> None:
    """python-amazon-sp-api sends a Host header sliced out of its endpoint; Amazon's own
    answer does not depend on it, and neither may the sandbox's."""
    client, sandbox = prefixed
    statuses = {
        host: client.get(
            "/amazon/sandbox/sellers/v1/marketplaceParticipations",
            headers={"Host": host, "x-amz-access-token": "Atza|not-a-token"},
        ).status_code
        for host in ("sellingpartnerapi-na.amazon.com", "27.0.0.1:8000/sandbox", "evil.example")
    }
    assert set(statuses.values()) == {403}  # the operation was found: only the token is wrong
    assert sandbox.request_log[-1]["operation"] == "getMarketplaceParticipations"


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("POST", "/feeds/2021-06-30/documents", "createFeedDocument"),
        ("POST", "/feeds/2021-06-30/feeds", "createFeed"),
        ("GET", "/feeds/2021-06-30/feeds/1", "getFeed"),
        ("GET", "/feeds/2021-06-30/documents/1", "getFeedDocument"),
    ],
)
def test_feed_routes_take_injected_faults_and_carry_amazons_headers(
    amazon: InProcessAmazon, method: str, path: str, operation: str
) -> None:
    token = amazon.sp_api_token("us-seller")
    url = f"{IN_PROCESS_BASE_URL}{path}"
    headers = {"x-amz-access-token": token}
    amazon.sandbox.set_faults([Fault("server_error", target="sp_api", operation=operation)])
    failed = amazon.http.request(method, url, headers=headers, json={})
    assert failed.status_code == 503
    assert problems(answer("feeds_2021-06-30.json", "ErrorList", 503), failed.json()) == []
    amazon.sandbox.set_faults([])
    answered = amazon.http.request(method, url, headers=headers, json={})
    assert answered.status_code in (200, 201, 400, 404)
    assert answered.headers["x-amzn-RequestId"]
    assert float(answered.headers["x-amzn-RateLimit-Limit"]) > 0


# ---------------------------------------------------------------- 10: an access token's hour


def test_an_sp_api_access_token_is_refused_after_its_hour_and_a_refreshed_one_works(
    amazon: InProcessAmazon, clock: SettableClock
) -> None:
    request = ConsentRequest(ConsentAsk(Channel.SP_API, Region.NA, AccountType.SELLER), "t" * 43)
    code = amazon.consent(consent_url(amazon.settings, request), "us-seller")["spapi_oauth_code"]
    grant = amazon.exchange_code(Channel.SP_API, Region.NA, code)
    headers = {"x-amz-access-token": grant.access_token.reveal()}
    assert amazon.http.get(PARTICIPATIONS, headers=headers).status_code == 200
    clock.advance(timedelta(seconds=3599))
    assert amazon.http.get(PARTICIPATIONS, headers=headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    expired = amazon.http.get(PARTICIPATIONS, headers=headers)
    assert expired.status_code == 403
    assert expired.json()["errors"][0]["code"] == "Unauthorized"
    fresh = amazon.refresh_access_token(Channel.SP_API, Region.NA, grant.refresh_token)
    renewed = {"x-amz-access-token": fresh.token.reveal()}
    assert amazon.http.get(PARTICIPATIONS, headers=renewed).status_code == 200
