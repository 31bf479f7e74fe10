"""The error catalogue's vocabulary: the stable codes and what a person is told about each
(DESIGN.md §4). The entries themselves are in `error_catalogue.py`, the exceptions that
carry a code in `errors.py`, the module everything imports them from."""

from __future__ import annotations

from enum import StrEnum

from attrs import frozen


class ErrorCode(StrEnum):
    NO_TEAM = "NO_TEAM"
    NOT_A_MEMBER = "NOT_A_MEMBER"
    FORBIDDEN_ROLE = "FORBIDDEN_ROLE"
    SCOPE_MISSING = "SCOPE_MISSING"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_FOUND = "NOT_FOUND"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    CONCURRENT_UPDATE = "CONCURRENT_UPDATE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    PLAN_REQUIRED = "PLAN_REQUIRED"
    PROFESSIONAL_SELLING_PLAN_REQUIRED = "PROFESSIONAL_SELLING_PLAN_REQUIRED"
    CONNECTION_LIMIT = "CONNECTION_LIMIT"
    OAUTH_STATE_INVALID = "OAUTH_STATE_INVALID"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    AUTHORIZATION_DENIED = "AUTHORIZATION_DENIED"
    ACCOUNT_IN_USE = "ACCOUNT_IN_USE"
    WRONG_ACCOUNT = "WRONG_ACCOUNT"
    REFRESH_TOKEN_FAILED = "REFRESH_TOKEN_FAILED"
    ADS_SP_MISMATCH = "ADS_SP_MISMATCH"
    ADVERTISING_NOT_ENABLED = "ADVERTISING_NOT_ENABLED"
    NO_ACTIVE_CAMPAIGNS = "NO_ACTIVE_CAMPAIGNS"
    CALLBACK_ACCOUNT_MISSING = "CALLBACK_ACCOUNT_MISSING"
    PROFILE_NOT_SELECTABLE = "PROFILE_NOT_SELECTABLE"
    MARKETPLACE_NOT_SELECTABLE = "MARKETPLACE_NOT_SELECTABLE"
    RETRY_LIMIT_EXCEEDED = "RETRY_LIMIT_EXCEEDED"
    TOKEN_REVOKED = "TOKEN_REVOKED"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    AMAZON_UNAVAILABLE = "AMAZON_UNAVAILABLE"
    APP_CREDENTIALS_REJECTED = "APP_CREDENTIALS_REJECTED"
    RATE_LIMITED = "RATE_LIMITED"
    SETUP_FAILED = "SETUP_FAILED"
    AUTHORIZATION_REQUIRED = "AUTHORIZATION_REQUIRED"
    APP_ROLE_MISSING = "APP_ROLE_MISSING"
    RESTRICTED_DATA = "RESTRICTED_DATA"
    PERMISSION_MISSING = "PERMISSION_MISSING"
    PATH_NOT_ALLOWED = "PATH_NOT_ALLOWED"
    WEBHOOK_TARGET_FORBIDDEN = "WEBHOOK_TARGET_FORBIDDEN"
    INTERNAL_ERROR = "INTERNAL_ERROR"


@frozen
class ErrorSpec:
    """What a person is told about one error code: a title, the message and how to fix it."""

    code: ErrorCode
    title: str
    message: str
    remediation: tuple[str, ...]
    # A warning is reported beside a successful result; it never stops a workflow.
    warning: bool = False


def spec(
    code: ErrorCode, title: str, message: str, *steps: str, warning: bool = False
) -> ErrorSpec:
    return ErrorSpec(code, title, message, tuple(steps), warning)
