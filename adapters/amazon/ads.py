"""Amazon Ads API: `GET /v2/profiles` (AMAZON.md "Amazon Ads API") and the active-campaign
check behind the NO_ACTIVE_CAMPAIGNS warning (seed 002).

The port returns the list as Amazon gave it, even empty; the use case decides that an empty
list is ADVERTISING_NOT_ENABLED for the region, a rule the callback and Refresh share.

`POST /sp/campaigns/list` (Sponsored Products v3): the path, the `stateFilter` /
`maxResults` body, the `application/vnd.spCampaign.v3+json` media type and the
`{"campaigns": [...], "nextToken": ...}` answer agree across several independent public Ads
API clients; Amazon's own reference could not be consulted offline, so the shape is
UNCONFIRMED against it. It looks at Sponsored Products only: a profile whose only active
campaigns are Sponsored Brands or Display ones is reported as having none (a warning only).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx

from adapters.amazon import regions
from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.transport import Call, Transport
from domain.connection import Region
from domain.errors import AmazonUnavailable, InternalError, TokenRevoked
from domain.profile import AdsAccountType, Profile
from domain.secret import Secret

PROFILES_PATH = "/v2/profiles"
SP_CAMPAIGNS_LIST_PATH = "/sp/campaigns/list"
SP_CAMPAIGN_MEDIA_TYPE = "application/vnd.spCampaign.v3+json"
_ACCOUNT_TYPES = {t.value: t for t in AdsAccountType}
T = TypeVar("T")


def ads_headers(
    settings: AmazonSettings, access_token: Secret, profile_id: str | None = None
) -> dict[str, str]:
    """What every Ads API call carries: the token, the app's client id and, for a call about
    one profile, that profile as its scope."""
    headers = {
        "Authorization": f"Bearer {access_token.reveal()}",
        "Amazon-Advertising-API-ClientId": settings.ads_client_id,
        "Accept": "application/json",
    }
    if profile_id is not None:
        headers["Amazon-Advertising-API-Scope"] = profile_id
    return headers


def ads_answer(response: httpx.Response, label: str, shape: type[T]) -> T:
    """Amazon Ads' JSON answer, its refusals read alike for every Ads call: 401/403 is a
    refused access token (TokenRevoked, as the port says: refresh it and try once more),
    another failure Amazon's refusal with its code, and a body that is not JSON of the
    expected `shape` AmazonUnavailable."""
    context: dict[str, object] = {"amazon_status": response.status_code}
    if response.status_code in (401, 403):
        raise TokenRevoked(
            f"{label}: Amazon Ads refused the access token; refresh it and try once more.",
            context={**context, "access_token_rejected": True},
        )
    if not response.is_success:
        raise InternalError(
            f"{label}: Amazon Ads refused the request (HTTP {response.status_code}).",
            context={**context, "amazon_code": _ads_code(response)},
        )
    try:
        body = response.json()
    except ValueError:
        raise AmazonUnavailable(
            f"{label}: Amazon Ads answered without JSON.", context=context
        ) from None
    if not isinstance(body, shape):
        raise AmazonUnavailable(
            f"{label}: Amazon Ads answered an unexpected body.", context=context
        )
    return body


class AdsClient:
    def __init__(self, settings: AmazonSettings, transport: Transport) -> None:
        self._settings = settings
        self._transport = transport

    def list_profiles(self, region: Region, access_token: Secret) -> list[Profile]:
        label = "Amazon Ads profiles"
        response = self._send(
            "GET", region, PROFILES_PATH, label, ads_headers(self._settings, access_token)
        )
        body = ads_answer(response, label, list)
        in_region = regions.marketplace_ids(region)
        profiles = [p for p in (_profile(item) for item in body) if p is not None]
        return [p for p in profiles if p.marketplace_id in in_region]

    def has_active_campaigns(self, region: Region, access_token: Secret, profile_id: str) -> bool:
        """One page of at most one ENABLED Sponsored Products campaign of the profile. Errors
        are mapped as for the profiles call; the gateway turns them into "cannot say"."""
        label = "Amazon Ads campaigns"
        response = self._send(
            "POST",
            region,
            SP_CAMPAIGNS_LIST_PATH,
            label,
            {
                **ads_headers(self._settings, access_token, profile_id),
                "Content-Type": SP_CAMPAIGN_MEDIA_TYPE,
                "Accept": SP_CAMPAIGN_MEDIA_TYPE,
            },
            content=json.dumps({"stateFilter": {"include": ["ENABLED"]}, "maxResults": 1}),
        )
        campaigns = ads_answer(response, label, dict).get("campaigns")
        if not isinstance(campaigns, list):
            raise AmazonUnavailable(
                f"{label}: Amazon Ads answered an unexpected body.",
                context={"amazon_status": response.status_code},
            )
        return len(campaigns) > 0

    def _send(
        self,
        method: str,
        region: Region,
        path: str,
        label: str,
        headers: dict[str, str],
        content: str | None = None,
    ) -> httpx.Response:
        """One call to the region's Ads API host."""
        base = self._settings.base_url(HostFamily.ADS_API, region)
        return self._transport.send(
            Call(method, base + path, headers=headers, content=content, label=label)
        )


def _profile(item: Any) -> Profile | None:
    """One profile; an entry that does not have Amazon's documented shape is skipped."""
    try:
        account = item["accountInfo"]
        account_type = _ACCOUNT_TYPES[account["type"]]
        return Profile(
            profile_id=str(item["profileId"]),
            country_code=str(item["countryCode"]),
            currency_code=str(item["currencyCode"]),
            marketplace_id=str(account["marketplaceStringId"]),
            account_type=account_type,
            account_name=str(account.get("name", "")),
            account_id=str(account.get("id", "")),
            timezone=str(item.get("timezone", "")),
        )
    except (KeyError, TypeError):
        return None


def _ads_code(response: Any) -> str | None:
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return None
    return str(code)[:64] if code is not None else None
