"""The active-campaign check (`POST /sp/campaigns/list`, seed 002's NO_ACTIVE_CAMPAIGNS warning)
through the adapter against the sandbox over loopback: the answer per scenario, Amazon's
headers and body on the wire, and every failure read as "cannot say" (None)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.amazon import AmazonHttpGateway
from domain.connection import Region
from domain.grant import Channel
from domain.secret import Secret
from tests.contract.amazon.sandbox_helpers import Amazon


def _ads(amazon: Amazon, gateway: AmazonHttpGateway, account: str) -> Secret:
    return gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code(account)).access_token


def _profile_id(gateway: AmazonHttpGateway, token: Secret) -> str:
    [profile] = gateway.list_profiles(Region.NA, token)
    return profile.profile_id


@pytest.fixture
def us_seller(amazon: Amazon, gateway: AmazonHttpGateway) -> tuple[Secret, str]:
    """us-seller's Ads access token and the id of its one profile."""
    token = _ads(amazon, gateway, "us-seller")
    return token, _profile_id(gateway, token)


@pytest.mark.parametrize(("account", "expected"), [("us-seller", True), ("vendor", True)])
def test_a_profile_with_an_enabled_campaign_has_active_campaigns(
    amazon: Amazon, gateway: AmazonHttpGateway, account: str, expected: bool
) -> None:
    token = _ads(amazon, gateway, account)
    assert gateway.has_active_campaigns(Region.NA, token, _profile_id(gateway, token)) is expected


def test_no_campaigns_seller_has_no_active_campaigns(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _ads(amazon, gateway, "no-campaigns-seller")
    assert gateway.has_active_campaigns(Region.NA, token, _profile_id(gateway, token)) is False


def test_campaigns_request_is_scoped_to_the_profile_with_the_v3_media_type(
    amazon: Amazon, gateway: AmazonHttpGateway, us_seller: tuple[Secret, str]
) -> None:
    token, profile_id = us_seller
    gateway.has_active_campaigns(Region.NA, token, profile_id)
    last = amazon.admin("requests").json()["items"][-1]
    assert (last["method"], last["path"].rsplit("/sandbox", 1)[-1]) == (
        "POST",
        "/sp/campaigns/list",
    )
    assert last["status"] == 200
    assert last["headers"]["amazon-advertising-api-scope"] == profile_id
    assert last["headers"]["content-type"] == "application/vnd.spCampaign.v3+json"
    assert last["headers"]["authorization"] == "[redacted]"
    assert last["headers"]["amazon-advertising-api-clientid"] == amazon.settings.ads_client_id


def test_the_sandbox_honours_the_state_filter(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    """The stand-in answers by state as Amazon does, so the adapter's filter is what makes a
    profile with only paused campaigns count as having none."""
    token = _ads(amazon, gateway, "us-seller")
    headers = {
        "Authorization": f"Bearer {token.reveal()}",
        "Amazon-Advertising-API-ClientId": amazon.settings.ads_client_id,
        "Amazon-Advertising-API-Scope": _profile_id(gateway, token),
        "Content-Type": "application/vnd.spCampaign.v3+json",
    }
    url = amazon.base + "/sp/campaigns/list"
    paused = amazon.http.post(url, headers=headers, json={"stateFilter": {"include": ["PAUSED"]}})
    assert paused.json()["campaigns"] == []
    enabled = amazon.http.post(
        url, headers=headers, json={"stateFilter": {"include": ["ENABLED"]}, "maxResults": 1}
    )
    [campaign] = enabled.json()["campaigns"]
    assert campaign["state"] == "ENABLED"


def test_a_profile_the_token_does_not_manage_cannot_say(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _ads(amazon, gateway, "us-seller")
    assert gateway.has_active_campaigns(Region.NA, token, "999") is None


# Trouble that lasts past the transport's retries: the check cannot say.
TROUBLE = {
    "a-refused-access-token": lambda amazon: amazon.admin("clock", {"advance_seconds": 3600}),
    "server-errors": lambda amazon: amazon.faults({"kind": "server_error", "target": "ads"}),
    "throttling": lambda amazon: amazon.faults({"kind": "throttle", "target": "ads"}),
}


@pytest.mark.parametrize("trouble", TROUBLE.values(), ids=TROUBLE.keys())
def test_lasting_trouble_cannot_say(
    amazon: Amazon,
    gateway: AmazonHttpGateway,
    us_seller: tuple[Secret, str],
    trouble: Callable[[Amazon], object],
) -> None:
    token, profile_id = us_seller
    trouble(amazon)
    assert gateway.has_active_campaigns(Region.NA, token, profile_id) is None


def test_server_errors_within_the_retries_still_answer(
    amazon: Amazon, gateway: AmazonHttpGateway, us_seller: tuple[Secret, str]
) -> None:
    token, profile_id = us_seller
    amazon.faults({"kind": "server_error", "target": "ads", "count": 2})
    assert gateway.has_active_campaigns(Region.NA, token, profile_id) is True


def test_the_landing_page_documents_the_campaigns_path_and_scenario(amazon: Amazon) -> None:
    page = amazon.http.get(amazon.base + "/").text
    assert "POST sp/campaigns/list" in page
    assert "no-campaigns-seller" in page
    assert "NO_ACTIVE_CAMPAIGNS" in page
