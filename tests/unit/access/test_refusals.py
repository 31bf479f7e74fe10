"""A refused Amazon call is classified once (DESIGN §9): a rejected access token is worth one
refresh, anything else with a valid token is diagnosed with its catalogue code."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode
from domain.grant import Channel
from domain.refusals import Refusal, classify_refusal, refusal_error

DENIED = "Access to requested resource is denied."
SP, ADS = Channel.SP_API, Channel.ADS

CASES = [
    (
        SP,
        403,
        "Unauthorized",
        f"{DENIED} The access token you provided has expired.",
        Refusal.ACCESS_TOKEN_REJECTED,
    ),
    (
        SP,
        403,
        "Unauthorized",
        f"{DENIED} The access token you provided is revoked, malformed or invalid.",
        Refusal.ACCESS_TOKEN_REJECTED,
    ),
    (SP, 403, "Unauthorized", DENIED, Refusal.APP_ROLE_MISSING),
    (
        SP,
        403,
        "Unauthorized",
        f"{DENIED} This operation requires a Restricted Data Token.",
        Refusal.RESTRICTED_DATA,
    ),
    (
        SP,
        403,
        "Unauthorized",
        f"{DENIED} The seller has not granted permission for this.",
        Refusal.PERMISSION_MISSING,
    ),
    (
        SP,
        403,
        "Unauthorized",
        f"{DENIED} The selling partner is on the Individual selling plan",
        Refusal.SELLING_PLAN,
    ),
    (ADS, 401, "UNAUTHORIZED", "Invalid access token", Refusal.ACCESS_TOKEN_REJECTED),
    (ADS, 403, "UNAUTHORIZED", "Not authorized to access this profile", Refusal.PERMISSION_MISSING),
    (SP, 404, "NotFound", "Resource not found", None),
    (SP, 400, "InvalidInput", "CreatedAfter is required", None),
    (SP, 429, "QuotaExceeded", "You exceeded your quota", None),
]


@pytest.mark.parametrize(("channel", "status", "code", "message", "expected"), CASES)
def test_each_refusal_is_named(
    channel: Channel, status: int, code: str, message: str, expected: Refusal | None
) -> None:
    assert classify_refusal(channel, status, code, message) is expected


@pytest.mark.parametrize(
    ("refusal", "code"),
    [
        (Refusal.APP_ROLE_MISSING, ErrorCode.APP_ROLE_MISSING),
        (Refusal.RESTRICTED_DATA, ErrorCode.RESTRICTED_DATA),
        (Refusal.PERMISSION_MISSING, ErrorCode.PERMISSION_MISSING),
        (Refusal.SELLING_PLAN, ErrorCode.PROFESSIONAL_SELLING_PLAN_REQUIRED),
    ],
)
def test_a_diagnosed_refusal_carries_its_catalogue_code_and_a_fix(
    refusal: Refusal, code: ErrorCode
) -> None:
    error = refusal_error(refusal, "GET orders/v0/orders", DENIED)
    assert error.code is code
    assert error.remediation
    assert "orders/v0/orders" in error.detail
