"""Consent URLs for the two Amazon authorizations, and the scopes shown before them.

SP-API (website workflow, AMAZON.md): `{Seller|Vendor Central}/apps/authorize/consent` with
application_id, state, redirect_uri, and version=beta while the app is a draft.
Ads (AMAZON.md): `{region}/ap/oa` with client_id, scope advertising::campaign_management,
response_type=code, redirect_uri, state and the PKCE S256 challenge.
"""

from __future__ import annotations

from authlib.common.urls import add_params_to_uri

from adapters.amazon.settings import AmazonSettings, HostFamily
from application.ports import ConsentRequest, ScopeDescription
from domain.connection import AccountType
from domain.grant import Channel

ADS_SCOPE = "advertising::campaign_management"
SP_API_CONSENT_PATH = "/apps/authorize/consent"
ADS_AUTHORIZATION_PATH = "/ap/oa"

_SCOPES: dict[tuple[Channel, AccountType], tuple[ScopeDescription, ...]] = {
    (Channel.ADS, AccountType.SELLER): (
        ScopeDescription(
            ADS_SCOPE,
            "Amazon Ads: read your advertising profiles and manage your campaigns.",
        ),
    ),
    (Channel.ADS, AccountType.VENDOR): (
        ScopeDescription(
            ADS_SCOPE,
            "Amazon Ads: read your advertising profiles and manage your campaigns.",
        ),
    ),
    (Channel.SP_API, AccountType.SELLER): (
        ScopeDescription(
            "Selling Partner Insights",
            "Selling Partner API: see which marketplaces you sell in (Sellers API).",
        ),
        ScopeDescription(
            "Product Listing",
            "Selling Partner API: update the quantity and price of your listings.",
        ),
    ),
    (Channel.SP_API, AccountType.VENDOR): (
        ScopeDescription(
            "Selling Partner Insights",
            "Selling Partner API: see your vendor account's marketplaces.",
        ),
    ),
}


def scopes(channel: Channel, account_type: AccountType) -> list[ScopeDescription]:
    return list(_SCOPES[(channel, account_type)])


def consent_url(settings: AmazonSettings, request: ConsentRequest) -> str:
    ask = request.ask
    if ask.channel is Channel.ADS:
        base = settings.base_url(HostFamily.ADS_AUTHORIZATION, ask.region)
        params: list[tuple[str, str]] = [
            ("client_id", settings.ads_client_id),
            ("scope", ADS_SCOPE),
            ("response_type", "code"),
            ("redirect_uri", settings.ads_redirect_uri),
            ("state", request.state),
        ]
        if request.code_challenge:
            params += [
                ("code_challenge", request.code_challenge),
                ("code_challenge_method", "S256"),
            ]
        return str(add_params_to_uri(base + ADS_AUTHORIZATION_PATH, params))
    base = settings.base_url(
        HostFamily.CONSENT,
        ask.region,
        account_type=ask.account_type,
        marketplace_id=ask.marketplace_id,
    )
    params = [
        ("application_id", settings.sp_api_application_id),
        ("state", request.state),
        ("redirect_uri", settings.sp_api_redirect_uri),
    ]
    if settings.sp_api_draft:
        params.append(("version", "beta"))
    return str(add_params_to_uri(base + SP_API_CONSENT_PATH, params))
