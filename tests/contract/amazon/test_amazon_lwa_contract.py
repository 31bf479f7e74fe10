"""LWA through the adapter against the sandbox: every success and every error path of the
issue's list maps to the catalogue (AMAZON.md "Login with Amazon (LWA) tokens")."""

from __future__ import annotations

import attrs
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.sandbox import SandboxClock
from domain.connection import Region
from domain.errors import (
    AmazonUnavailable,
    AppCredentialsRejected,
    RefreshTokenFailed,
    SessionExpired,
    TokenRevoked,
)
from domain.grant import Channel
from domain.secret import Secret
from tests.contract.amazon.sandbox_helpers import VERIFIER, Amazon, channel_code


def test_sp_api_code_exchange_returns_amazon_shaped_tokens(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    seller, code = amazon.sp_code("us-seller")
    grant = gateway.exchange_code(Channel.SP_API, Region.NA, code)
    assert seller == "A1SBXUSSELLER01"
    assert grant.refresh_token.reveal().startswith("Atzr|")
    assert grant.access_token.reveal().startswith("Atza|")
    assert grant.expires_in == 3600


def test_ads_code_exchange_with_pkce_returns_the_campaign_management_scope(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    code = amazon.ads_code("us-seller", challenge=create_s256_code_challenge(VERIFIER))
    grant = gateway.exchange_code(Channel.ADS, Region.EU, code, Secret(VERIFIER))
    assert grant.scopes == ("advertising::campaign_management",)


def test_ads_code_with_a_wrong_pkce_verifier_is_refused_as_expired_session(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    code = amazon.ads_code("us-seller", challenge=create_s256_code_challenge(VERIFIER))
    with pytest.raises(SessionExpired):
        gateway.exchange_code(Channel.ADS, Region.NA, code, Secret("x" * 43))


@pytest.mark.parametrize("channel", list(Channel))
def test_a_code_is_single_use(amazon: Amazon, gateway: AmazonHttpGateway, channel: Channel) -> None:
    code = channel_code(amazon, channel, "us-seller")
    gateway.exchange_code(channel, Region.NA, code)
    with pytest.raises(SessionExpired) as caught:
        gateway.exchange_code(channel, Region.NA, code)
    assert caught.value.context["amazon_error"] == "invalid_grant"


def test_a_code_older_than_five_minutes_is_refused(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    _, code = amazon.sp_code("us-seller")
    assert amazon.admin("clock", {"advance_seconds": 301}).status_code == 200
    with pytest.raises(SessionExpired):
        gateway.exchange_code(Channel.SP_API, Region.NA, code)


def test_a_code_just_under_five_minutes_old_is_accepted(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    _, code = amazon.sp_code("us-seller")
    amazon.admin("clock", {"advance_seconds": 299})
    assert gateway.exchange_code(Channel.SP_API, Region.NA, code).refresh_token


def test_a_code_of_one_app_cannot_be_exchanged_by_the_other(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    code = amazon.ads_code("us-seller")
    with pytest.raises(SessionExpired):
        gateway.exchange_code(Channel.SP_API, Region.NA, code)


@pytest.mark.parametrize("channel", list(Channel))
def test_refresh_returns_a_new_access_token(
    amazon: Amazon, gateway: AmazonHttpGateway, channel: Channel
) -> None:
    grant = gateway.exchange_code(channel, Region.NA, channel_code(amazon, channel, "eu-seller"))
    token = gateway.refresh_access_token(channel, Region.EU, grant.refresh_token)
    assert token.token.reveal().startswith("Atza|")
    assert token.token.reveal() != grant.access_token.reveal()
    assert token.expires_in == 3600


def test_refresh_after_revocation_reaches_the_domain_as_revoked(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    grant = gateway.exchange_code(Channel.SP_API, Region.NA, amazon.sp_code("us-seller")[1])
    response = amazon.admin("revoke", {"refresh_token": grant.refresh_token.reveal()})
    assert response.json() == {"revoked": 1}
    with pytest.raises(TokenRevoked) as caught:
        gateway.refresh_access_token(Channel.SP_API, Region.NA, grant.refresh_token)
    assert caught.value.context["amazon_error"] == "invalid_grant"


def test_revoking_a_selling_partner_revokes_both_channels(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    sp = gateway.exchange_code(Channel.SP_API, Region.NA, amazon.sp_code("us-seller")[1])
    ads = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    assert amazon.admin("revoke", {"selling_partner_id": "A1SBXUSSELLER01"}).json() == {
        "revoked": 2
    }
    for channel, grant in ((Channel.SP_API, sp), (Channel.ADS, ads)):
        with pytest.raises(TokenRevoked):
            gateway.refresh_access_token(channel, Region.NA, grant.refresh_token)


def test_sp_api_authorization_expires_after_365_days_but_ads_does_not(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    sp = gateway.exchange_code(Channel.SP_API, Region.NA, amazon.sp_code("us-seller")[1])
    ads = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    amazon.admin("clock", {"advance_seconds": 364 * 86400})
    gateway.refresh_access_token(Channel.SP_API, Region.NA, sp.refresh_token)
    amazon.admin("clock", {"advance_seconds": 86400})
    with pytest.raises(TokenRevoked):
        gateway.refresh_access_token(Channel.SP_API, Region.NA, sp.refresh_token)
    assert gateway.refresh_access_token(Channel.ADS, Region.NA, ads.refresh_token).token


def test_an_unknown_refresh_token_is_revoked(gateway: AmazonHttpGateway, amazon: Amazon) -> None:
    with pytest.raises(TokenRevoked):
        gateway.refresh_access_token(Channel.ADS, Region.NA, Secret("Atzr|never-issued"))


def test_a_wrong_client_secret_is_the_apps_credentials_rejected(
    amazon: Amazon, settings: AmazonSettings, clock: SandboxClock
) -> None:
    """`invalid_client` on every configured secret is the app's alarm, not a seller's
    refresh failure."""
    wrong = attrs.evolve(settings, sp_api_client_secret=Secret("not-the-secret"))
    gateway = AmazonHttpGateway(wrong, clock=clock.now, sleep=clock.sleep)
    try:
        with pytest.raises(AppCredentialsRejected) as caught:
            gateway.exchange_code(Channel.SP_API, Region.NA, amazon.sp_code("us-seller")[1])
        assert caught.value.context["secrets_tried"] == 1
        with pytest.raises(AppCredentialsRejected):
            gateway.refresh_access_token(Channel.SP_API, Region.NA, Secret("Atzr|x"))
    finally:
        gateway.close()


def test_during_a_rotation_an_older_secret_still_works(
    amazon: Amazon, settings: AmazonSettings, clock: SandboxClock
) -> None:
    """Newest first; `invalid_client` moves on to the next secret (README: rotation)."""
    rotating = attrs.evolve(
        settings,
        sp_api_client_secret=Secret("the-new-secret-not-yet-at-amazon"),
        sp_api_previous_client_secrets=(settings.sp_api_client_secret,),
    )
    gateway = AmazonHttpGateway(rotating, clock=clock.now, sleep=clock.sleep)
    try:
        grant = gateway.exchange_code(Channel.SP_API, Region.NA, amazon.sp_code("us-seller")[1])
        assert gateway.refresh_access_token(Channel.SP_API, Region.NA, grant.refresh_token)
    finally:
        gateway.close()


@pytest.mark.parametrize(
    "error", ["unauthorized_client", "invalid_request", "unsupported_grant_type", "weird_new"]
)
@pytest.mark.parametrize("operation", ["exchange", "refresh"])
def test_other_lwa_refusals_are_refresh_token_failures(
    amazon: Amazon, gateway: AmazonHttpGateway, error: str, operation: str
) -> None:
    grant = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    code = amazon.ads_code("us-seller")
    amazon.faults({"kind": "lwa_error", "target": "lwa", "error": error, "count": 1})
    with pytest.raises(RefreshTokenFailed) as caught:
        _call(gateway, operation, code, grant.refresh_token)
    assert caught.value.context["amazon_error"] == error


@pytest.mark.parametrize(
    ("status", "error"), [(500, "server_error"), (503, "temporarily_unavailable")]
)
def test_transient_lwa_errors_are_retried_until_they_pass(
    amazon: Amazon, gateway: AmazonHttpGateway, status: int, error: str
) -> None:
    grant = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    amazon.faults(
        {"kind": "lwa_error", "target": "lwa", "status": status, "error": error, "count": 2}
    )
    assert gateway.refresh_access_token(Channel.ADS, Region.NA, grant.refresh_token).token
    statuses = [r["status"] for r in amazon.admin("requests").json()["items"][-3:]]
    assert statuses == [status, status, 200]


@pytest.mark.parametrize("error", ["server_error", "temporarily_unavailable"])
def test_transient_lwa_errors_that_persist_are_amazon_unavailable(
    amazon: Amazon, gateway: AmazonHttpGateway, error: str
) -> None:
    code = amazon.sp_code("us-seller")[1]
    amazon.faults({"kind": "lwa_error", "target": "lwa", "status": 503, "error": error})
    with pytest.raises(AmazonUnavailable) as caught:
        gateway.exchange_code(Channel.SP_API, Region.NA, code)
    assert caught.value.context["attempts"] == 4


def test_a_transient_error_code_in_a_4xx_is_amazon_unavailable(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    code = amazon.sp_code("us-seller")[1]
    amazon.faults({"kind": "lwa_error", "target": "lwa", "status": 400, "error": "server_error"})
    with pytest.raises(AmazonUnavailable):
        gateway.exchange_code(Channel.SP_API, Region.NA, code)


@pytest.mark.parametrize("operation", ["exchange", "refresh"])
def test_a_4xx_without_an_error_key_is_a_refusal_not_a_success(
    amazon: Amazon, gateway: AmazonHttpGateway, operation: str
) -> None:
    grant = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    code = amazon.ads_code("us-seller")
    amazon.faults({"kind": "no_error_key", "target": "lwa", "status": 400, "count": 1})
    with pytest.raises(RefreshTokenFailed):
        _call(gateway, operation, code, grant.refresh_token)


@pytest.mark.parametrize("status", [200, 400, 502])
def test_a_non_json_body_is_amazon_unavailable(
    amazon: Amazon, gateway: AmazonHttpGateway, status: int
) -> None:
    grant = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    amazon.faults({"kind": "non_json", "target": "lwa", "status": status})
    with pytest.raises(AmazonUnavailable):
        gateway.refresh_access_token(Channel.ADS, Region.NA, grant.refresh_token)


def test_a_refresh_timeout_is_retried_then_amazon_unavailable(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    grant = gateway.exchange_code(Channel.ADS, Region.NA, amazon.ads_code("us-seller"))
    amazon.faults({"kind": "latency", "target": "lwa", "latency_seconds": 2.5, "count": 2})
    # Two slow answers time out (2 s), the third attempt passes.
    assert gateway.refresh_access_token(Channel.ADS, Region.NA, grant.refresh_token).token


def test_a_code_exchange_timeout_is_not_repeated(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    code = amazon.sp_code("us-seller")[1]
    amazon.faults({"kind": "latency", "target": "lwa", "latency_seconds": 2.5, "count": 1})
    with pytest.raises(AmazonUnavailable) as caught:
        gateway.exchange_code(Channel.SP_API, Region.NA, code)
    assert caught.value.context["attempts"] == 1


def _call(gateway: AmazonHttpGateway, operation: str, code: str, refresh_token: Secret) -> object:
    if operation == "exchange":
        return gateway.exchange_code(Channel.ADS, Region.NA, code)
    return gateway.refresh_access_token(Channel.ADS, Region.NA, refresh_token)
