"""What a refused Amazon call means (DESIGN §9): one classification for every caller that
talks to Amazon (the proxy and the access-token path today; background work next).

An expired or invalid access token is worth one refresh and one retry; any other 403 with a
valid token is diagnosed, never retried in a loop. Amazon's wording is the only signal, so
the words are data: a wrong guess is a one-line fix. AMAZON.md: "A 403 from SP-API is not
always a stale token: 'Access to requested resource is denied' with a valid token usually
means the app lacks the role for that operation, or the data is restricted."
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import (
    AppRoleMissing,
    DomainError,
    PermissionMissing,
    ProfessionalSellingPlanRequired,
    RestrictedData,
    TokenRevoked,
)
from domain.grant import Channel


class AccessTokenRejected(TokenRevoked):
    """Amazon refused the access token of a data call, not the authorization behind it:
    worth one refresh and one retry. A TokenRevoked so that a caller that cannot refresh
    still stops; a refresh then tells a stale access token from a revoked grant
    (`invalid_grant`, final). Kept out of domain/errors.py: it is a signal between the
    Amazon adapter and the use cases, never a code shown to a person."""


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
    # Another seller's data asked for with this seller's token.
    "does not match the selling partner",
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


# What a diagnosed refusal raises: a person must change something (the app's roles, the
# seller's permissions, the selling plan), so background work backs off instead of retrying.
DIAGNOSED: tuple[type[DomainError], ...] = (
    AppRoleMissing,
    RestrictedData,
    PermissionMissing,
    ProfessionalSellingPlanRequired,
)


def refused_call(
    channel: Channel,
    status: int,
    code: str,
    message: str,
    operation: str,
    context: dict[str, object] | None = None,
) -> DomainError | None:
    """The error for a refused data call (401/403), classified once; None when the answer
    is not a refusal of access. A 401/403 the words do not explain is treated as a refused
    access token: one refresh and one retry, after which the caller diagnoses it."""
    refusal = classify_refusal(channel, status, code, message)
    if refusal is None and status not in (401, 403):
        return None
    if refusal is None or refusal is Refusal.ACCESS_TOKEN_REJECTED:
        return AccessTokenRejected(
            f"{operation}: Amazon refused the access token; refresh it and try once more.",
            context={**(context or {}), "access_token_rejected": True},
        )
    error = refusal_error(refusal, operation, message)
    error.context.update(context or {})
    return error


def refused_again(error: DomainError, operation: str) -> DomainError:
    """Amazon refused a freshly refreshed access token too: not a stale token, so it is
    diagnosed (seed 004's "permission changes") instead of refreshed again in a loop."""
    return PermissionMissing(
        f"Amazon refused {operation} again with a freshly refreshed access token.",
        context={**error.context, "operation": operation},
    )


# How long background work leaves Amazon alone after a refusal a person must fix (an app
# role, restricted data, a seller's permission): asking again sooner only repeats it.
REFUSAL_BACKOFF = timedelta(minutes=30)


def refusal_reason(error: DomainError, retry_at: datetime) -> str:
    """What a marketplace held back by a diagnosed refusal shows: what Amazon refused, the
    fix, and when sellerlink asks again."""
    fix = " ".join(error.remediation)
    when = retry_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"{error.detail} To fix: {fix} sellerlink asks Amazon again after {when}."
