"""What a refused Amazon call means (DESIGN §9): one classification for every caller that
talks to Amazon (the proxy and the access-token path today; background work next).

An expired or invalid access token is worth one refresh and one retry; any other 403 with a
valid token is diagnosed, never retried in a loop. Amazon's wording is the only signal, so
the words are data: a wrong guess is a one-line fix. AMAZON.md: "A 403 from SP-API is not
always a stale token: 'Access to requested resource is denied' with a valid token usually
means the app lacks the role for that operation, or the data is restricted."
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import (
    AppRoleMissing,
    DomainError,
    PermissionMissing,
    ProfessionalSellingPlanRequired,
    RestrictedData,
)
from domain.grant import Channel


class Refusal(StrEnum):
    ACCESS_TOKEN_REJECTED = "access_token_rejected"  # refresh once, retry once
    APP_ROLE_MISSING = "app_role_missing"
    RESTRICTED_DATA = "restricted_data"
    PERMISSION_MISSING = "permission_missing"
    SELLING_PLAN = "selling_plan"


# Lower-case fragments of Amazon's message/details, checked in this order.
_TOKEN_WORDS = (
    "access token you provided has expired",
    "access token you provided is revoked, malformed or invalid",
    "access token is expired",
    "invalid access token",
)
_RESTRICTED_WORDS = ("restricted data token", "restricted data", " rdt")
_PLAN_WORDS = ("individual selling plan", "professional selling plan")
_PERMISSION_WORDS = (
    "not authorized to access this profile",
    "not authorized to access this advertiser",
    "permission",
)


def classify_refusal(channel: Channel, status: int, code: str, message: str) -> Refusal | None:
    """None: not a refusal of access (pass Amazon's answer on as it is)."""
    if status not in (401, 403):
        return None
    text = f"{code} {message}".lower()
    if any(w in text for w in _TOKEN_WORDS):
        return Refusal.ACCESS_TOKEN_REJECTED
    if channel is Channel.ADS:
        # Ads: 401 for an expired/invalid token (AMAZON.md), 403 for a profile the person
        # may not use.
        if status == 401 and "advertiser" not in text and "clientid" not in text:
            return Refusal.ACCESS_TOKEN_REJECTED
        return Refusal.PERMISSION_MISSING if status == 403 else None
    if any(w in text for w in _PLAN_WORDS):
        return Refusal.SELLING_PLAN
    if any(w in text for w in _RESTRICTED_WORDS):
        return Refusal.RESTRICTED_DATA
    if any(w in text for w in _PERMISSION_WORDS):
        return Refusal.PERMISSION_MISSING
    if status == 403 and "access to requested resource is denied" in text:
        return Refusal.APP_ROLE_MISSING
    return None


def refusal_error(refusal: Refusal, operation: str, amazon_message: str) -> DomainError:
    """The catalogue error for a diagnosed refusal (not for ACCESS_TOKEN_REJECTED, which the
    caller handles by refreshing)."""
    detail = f"Amazon refused {operation}: {amazon_message}".strip()[:500]
    classes: dict[Refusal, type[DomainError]] = {
        Refusal.APP_ROLE_MISSING: AppRoleMissing,
        Refusal.RESTRICTED_DATA: RestrictedData,
        Refusal.PERMISSION_MISSING: PermissionMissing,
        Refusal.SELLING_PLAN: ProfessionalSellingPlanRequired,
        Refusal.ACCESS_TOKEN_REJECTED: PermissionMissing,
    }
    return classes[refusal](detail, context={"operation": operation})
