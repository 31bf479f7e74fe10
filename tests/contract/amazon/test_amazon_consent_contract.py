"""The sandbox's consent pages behave as Amazon's (AMAZON.md "website workflow", API.md
"Sandbox conventions"): a person can click them, they redirect back exactly as Amazon does,
and they validate the app, the client and the registered redirect URI."""

from __future__ import annotations

from urllib.parse import urlsplit

import attrs
import httpx
import pytest
from litestar.testing import TestClient

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.sandbox import SCENARIOS, Sandbox, SandboxClock, create_sandbox_app
from application.ports import ConsentRequest
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.grant import Channel
from tests.contract.amazon.sandbox_helpers import Amazon, redirect_query


def _page(amazon: Amazon, url: str, **headers: str) -> httpx.Response:
    return amazon.http.get(url, headers=headers)


@pytest.mark.parametrize("channel", list(Channel))
def test_the_adapters_consent_url_opens_a_page_listing_every_scenario(
    amazon: Amazon, gateway: AmazonHttpGateway, channel: Channel
) -> None:
    url = gateway.consent_url(
        ConsentRequest(
            ConsentAsk(channel, Region.NA, AccountType.SELLER), "s" * 43, code_challenge="c" * 43
        )
    )
    page = _page(amazon, url)
    assert page.status_code == 200
    for name in SCENARIOS:
        assert f"value='{name}'" in page.text
    assert "value='approve'" in page.text
    assert "value='deny'" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"


def test_sp_api_approval_redirects_with_state_seller_and_code(amazon: Amazon) -> None:
    response = amazon.sp_consent("eu-seller")
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == amazon.settings.sp_api_redirect_uri
    query = redirect_query(response)
    assert set(query) == {"state", "selling_partner_id", "spapi_oauth_code"}
    assert query["state"] == "state-123"
    assert query["selling_partner_id"] == "A1SBXEUSELLER01"


def test_ads_approval_redirects_with_code_scope_and_state(amazon: Amazon) -> None:
    query = redirect_query(amazon.ads_consent("us-seller"))
    assert set(query) == {"code", "scope", "state"}
    assert query["state"] == "state-ads"


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize(
    ("account", "decision"), [("us-seller", "deny"), ("denying-user", "approve")]
)
def test_declining_redirects_with_access_denied(
    amazon: Amazon, channel: Channel, account: str, decision: str
) -> None:
    response = (
        amazon.ads_consent(account, decision)
        if channel is Channel.ADS
        else amazon.sp_consent(account, decision)
    )
    query = redirect_query(response)
    assert query["error"] == "access_denied"
    assert query["state"] in ("state-123", "state-ads")
    assert "code" not in query
    assert "spapi_oauth_code" not in query


def test_an_unregistered_redirect_uri_is_md5101_and_no_redirect(amazon: Amazon) -> None:
    response = amazon.sp_consent("us-seller", redirect_uri="https://evil.example/callback")
    assert response.status_code == 400
    assert "MD5101" in response.text
    assert "location" not in response.headers


def test_a_redirect_uri_with_a_fragment_is_md5110(amazon: Amazon) -> None:
    response = amazon.sp_consent(
        "us-seller", redirect_uri=amazon.settings.sp_api_redirect_uri + "#x"
    )
    assert "MD5110" in response.text


def test_an_unknown_application_is_refused(amazon: Amazon) -> None:
    response = amazon.sp_consent("us-seller", application_id="amzn1.sp.solution.unknown")
    assert response.status_code == 400
    assert "MD1000" in response.text


def test_without_redirect_uri_amazon_uses_the_first_registered_one(amazon: Amazon) -> None:
    params = {"application_id": amazon.settings.sp_api_application_id, "state": "abc"}
    response = amazon.http.post(
        f"{amazon.base}/apps/authorize/consent",
        params=params,
        data={**params, "account": "us-seller", "decision": "approve"},
    )
    assert response.headers["location"].startswith(amazon.settings.sp_api_redirect_uri + "?")


def test_a_draft_app_needs_version_beta(clock: SandboxClock) -> None:
    settings = AmazonSettings.for_sandbox("http://testserver.local/sandbox", sp_api_draft=True)
    app = create_sandbox_app(clock, settings)
    query = {
        "application_id": settings.sp_api_application_id,
        "state": "abc",
        "redirect_uri": settings.sp_api_redirect_uri,
    }
    with TestClient(app) as client:
        refused = client.get("/sandbox/apps/authorize/consent", params=query)
        accepted = client.get(
            "/sandbox/apps/authorize/consent", params={**query, "version": "beta"}
        )
    assert refused.status_code == 400
    assert "MD1000" in refused.text
    assert accepted.status_code == 200


def test_ads_consent_with_an_unknown_client_is_an_error_page(amazon: Amazon) -> None:
    response = amazon.ads_consent("us-seller", client_id="amzn1.application-oa2-client.other")
    assert response.status_code == 400
    assert "location" not in response.headers


def test_ads_consent_with_an_unregistered_redirect_uri_is_an_error_page(amazon: Amazon) -> None:
    response = amazon.ads_consent("us-seller", redirect_uri="https://evil.example/cb")
    assert response.status_code == 400
    assert "location" not in response.headers


def test_ads_consent_with_an_unknown_scope_redirects_invalid_scope(amazon: Amazon) -> None:
    query = redirect_query(amazon.ads_consent("us-seller", scope="advertising::everything"))
    assert query["error"] == "invalid_scope"


def test_the_sandbox_does_not_depend_on_the_host_header(amazon: Amazon) -> None:
    plain = amazon.sp_consent("us-seller")
    params = {
        "application_id": amazon.settings.sp_api_application_id,
        "state": "state-123",
        "redirect_uri": amazon.settings.sp_api_redirect_uri,
    }
    odd = amazon.http.post(
        f"{amazon.base}/apps/authorize/consent",
        params=params,
        data={**params, "account": "us-seller", "decision": "approve"},
        headers={"Host": "attacker.example:1234"},
    )
    strip = lambda r: r.headers["location"].split("spapi_oauth_code=")[0]  # noqa: E731
    assert strip(odd) == strip(plain)
    page = amazon.http.get(f"{amazon.base}/", headers={"Host": "attacker.example"})
    assert page.status_code == 200
    assert "attacker.example" not in page.text


def test_the_landing_page_documents_every_scenario(amazon: Amazon) -> None:
    page = amazon.http.get(f"{amazon.base}/")
    for scenario in SCENARIOS.values():
        assert scenario.name in page.text
        assert scenario.selling_partner_id in page.text


def test_the_sandbox_mounts_under_sandbox_in_a_bigger_litestar_app(clock: SandboxClock) -> None:
    from litestar import Litestar, get

    from adapters.amazon.sandbox import create_sandbox_router

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    settings = AmazonSettings.for_sandbox("http://testserver.local/sandbox")
    sandbox = Sandbox(clock, settings)
    app = Litestar(route_handlers=[health, create_sandbox_router(sandbox)])
    with TestClient(app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        gateway = AmazonHttpGateway(
            attrs.evolve(settings, sandbox_base_url="http://testserver.local/sandbox"),
            client,
            clock.now,
            sleep=clock.sleep,
        )
        params = {
            "application_id": settings.sp_api_application_id,
            "state": "st",
            "redirect_uri": settings.sp_api_redirect_uri,
        }
        response = client.post(
            "/sandbox/apps/authorize/consent",
            data={**params, "account": "us-seller", "decision": "approve"},
            follow_redirects=False,
        )
        code = redirect_query(response)["spapi_oauth_code"]
        grant = gateway.exchange_code(Channel.SP_API, Region.NA, code)
        found = gateway.marketplace_participations(Region.NA, grant.access_token)
    assert [p.country_code for p in found] == ["US"]
    paths = app.openapi_schema.paths or {}
    assert not [p for p in paths if p.startswith("/sandbox")]
