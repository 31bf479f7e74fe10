"""The sandbox is honest, not shaped to our adapter: authlib's own OAuth 2 client, used the
plain way one would use it against Amazon's LWA, completes an authorization-code exchange
(with PKCE) and a refresh against it."""

from __future__ import annotations

import warnings

import pytest
from authlib.common.security import generate_token

from tests.contract.amazon.sandbox_helpers import Amazon

with warnings.catch_warnings():
    # authlib 1.9 announces a move of its httpx integration; the client itself works.
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import OAuth2Client


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_authlib_completes_the_ads_authorization_code_flow_and_a_refresh(
    amazon: Amazon, auth_method: str
) -> None:
    settings = amazon.settings
    token_url = f"{amazon.base}/auth/o2/token"
    verifier = generate_token(48)
    with OAuth2Client(
        client_id=settings.ads_client_id,
        client_secret=settings.ads_client_secret.reveal(),
        redirect_uri=settings.ads_redirect_uri,
        scope="advertising::campaign_management",
        code_challenge_method="S256",
        token_endpoint_auth_method=auth_method,
    ) as client:
        url, state = client.create_authorization_url(f"{amazon.base}/ap/oa", code_verifier=verifier)
        # The person's browser: the consent page, then Allow.
        page = amazon.http.get(url)
        assert page.status_code == 200
        approval = amazon.http.post(url, data={"account": "eu-seller", "decision": "approve"})
        callback = approval.headers["location"]
        token = client.fetch_token(
            token_url, authorization_response=callback, state=state, code_verifier=verifier
        )
        assert token["token_type"].lower() == "bearer"
        assert token["refresh_token"].startswith("Atzr|")
        refreshed = client.refresh_token(token_url, refresh_token=token["refresh_token"])
    assert refreshed["access_token"].startswith("Atza|")
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["expires_in"] == 3600


def test_authlib_exchanges_an_sp_api_code_and_refreshes(amazon: Amazon) -> None:
    settings = amazon.settings
    token_url = f"{amazon.base}/auth/o2/token"
    _, code = amazon.sp_code("us-seller")
    with OAuth2Client(
        client_id=settings.sp_api_client_id,
        client_secret=settings.sp_api_client_secret.reveal(),
        redirect_uri=settings.sp_api_redirect_uri,
        token_endpoint_auth_method="client_secret_post",
    ) as client:
        token = client.fetch_token(token_url, code=code, grant_type="authorization_code")
        refreshed = client.refresh_token(token_url, refresh_token=token["refresh_token"])
    assert refreshed["access_token"].startswith("Atza|")


def test_authlib_reports_lwa_errors_as_oauth_errors(amazon: Amazon) -> None:
    from authlib.integrations.base_client.errors import OAuthError

    settings = amazon.settings
    with (
        OAuth2Client(
            client_id=settings.sp_api_client_id,
            client_secret=settings.sp_api_client_secret.reveal(),
            redirect_uri=settings.sp_api_redirect_uri,
        ) as client,
        pytest.raises(OAuthError) as caught,
    ):
        client.fetch_token(
            f"{amazon.base}/auth/o2/token", code="RHnot-a-code", grant_type="authorization_code"
        )
    assert caught.value.error == "invalid_grant"
