"""The errors sellerlink reports: every failure has a stable code, a message in the help
pages' words and the steps that fix it (DESIGN.md §4). The codes are in `error_codes.py`,
the catalogue's entries in `error_catalogue.py`; this module is where every caller imports
them from, with the exception class of each code.

Adapters translate these into their own medium (problem+json, CLI exit codes, feature
assertions) by `code`; nothing outside the catalogue invents an error message.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.error_catalogue import CATALOGUE
from domain.error_codes import ErrorCode, ErrorSpec

__all__ = ["CATALOGUE", "DomainError", "ErrorCode", "ErrorSpec"]


class DomainError(Exception):
    """A failure with a catalogue code. `detail` says what happened in this case; the
    catalogue supplies the general message and remediation."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: ErrorCode | None = None,
        context: Mapping[str, object] | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.detail = detail or self.spec.message
        self.context: dict[str, object] = dict(context or {})
        super().__init__(f"{self.code}: {self.detail}")

    @property
    def spec(self) -> ErrorSpec:
        return CATALOGUE[self.code]

    @property
    def remediation(self) -> tuple[str, ...]:
        return self.spec.remediation


# One class per code, written out so a search for `TokenRevoked` finds its definition;
# callers `except TokenRevoked`. The docstring is the catalogue title.


class NoTeam(DomainError):
    """No team context."""

    code = ErrorCode.NO_TEAM


class NotAMember(DomainError):
    """Not a member of this team."""

    code = ErrorCode.NOT_A_MEMBER


class ForbiddenRole(DomainError):
    """Your role does not allow this."""

    code = ErrorCode.FORBIDDEN_ROLE


class ScopeMissing(DomainError):
    """The API key lacks a scope."""

    code = ErrorCode.SCOPE_MISSING


class Unauthenticated(DomainError):
    """Sign in required."""

    code = ErrorCode.UNAUTHENTICATED


class NotFound(DomainError):
    """Not found."""

    code = ErrorCode.NOT_FOUND


class ValidationFailed(DomainError):
    """The request is not valid."""

    code = ErrorCode.VALIDATION_FAILED


class ConcurrentUpdate(DomainError):
    """Changed by someone else."""

    code = ErrorCode.CONCURRENT_UPDATE


class InvalidTransition(DomainError):
    """Not possible in the current state."""

    code = ErrorCode.INVALID_TRANSITION


class PlanRequired(DomainError):
    """Not covered by your plan."""

    code = ErrorCode.PLAN_REQUIRED


class ProfessionalSellingPlanRequired(DomainError):
    """Professional selling plan required."""

    code = ErrorCode.PROFESSIONAL_SELLING_PLAN_REQUIRED


class ConnectionLimit(DomainError):
    """Connection limit reached."""

    code = ErrorCode.CONNECTION_LIMIT


class OAuthStateInvalid(DomainError):
    """This authorization link is not valid."""

    code = ErrorCode.OAUTH_STATE_INVALID


class SessionExpired(DomainError):
    """Session has expired."""

    code = ErrorCode.SESSION_EXPIRED


class AuthorizationDenied(DomainError):
    """Authorization was declined on Amazon."""

    code = ErrorCode.AUTHORIZATION_DENIED


class AccountInUse(DomainError):
    """This account is already in use."""

    code = ErrorCode.ACCOUNT_IN_USE


class WrongAccount(DomainError):
    """Wrong Amazon account."""

    code = ErrorCode.WRONG_ACCOUNT


class RefreshTokenFailed(DomainError):
    """Failed to retrieve refresh token."""

    code = ErrorCode.REFRESH_TOKEN_FAILED


class AdsSpMismatch(DomainError):
    """Amazon Advertising does not match the Selling Partner account."""

    code = ErrorCode.ADS_SP_MISMATCH


class AdvertisingNotEnabled(DomainError):
    """Advertising is not enabled."""

    code = ErrorCode.ADVERTISING_NOT_ENABLED


class CallbackAccountMissing(DomainError):
    """Callback completed but account missing."""

    code = ErrorCode.CALLBACK_ACCOUNT_MISSING


class ProfileNotSelectable(DomainError):
    """This profile cannot be selected."""

    code = ErrorCode.PROFILE_NOT_SELECTABLE


class MarketplaceNotSelectable(DomainError):
    """Marketplace not selectable."""

    code = ErrorCode.MARKETPLACE_NOT_SELECTABLE


class RetryLimitExceeded(DomainError):
    """Retry limit reached."""

    code = ErrorCode.RETRY_LIMIT_EXCEEDED


class TokenRevoked(DomainError):
    """Authorization revoked."""

    code = ErrorCode.TOKEN_REVOKED


class TokenExpired(DomainError):
    """Authorization expired."""

    code = ErrorCode.TOKEN_EXPIRED


class AmazonUnavailable(DomainError):
    """Amazon is not answering."""

    code = ErrorCode.AMAZON_UNAVAILABLE


class RateLimited(DomainError):
    """Amazon rate limit reached."""

    code = ErrorCode.RATE_LIMITED


class AppCredentialsRejected(DomainError):
    """Amazon rejects sellerlink's app credentials."""

    code = ErrorCode.APP_CREDENTIALS_REJECTED


class SetupFailed(DomainError):
    """Marketplace setup failed."""

    code = ErrorCode.SETUP_FAILED


class AuthorizationRequired(DomainError):
    """Waiting for an authorization"""

    code = ErrorCode.AUTHORIZATION_REQUIRED


class WebhookTargetForbidden(DomainError):
    """This webhook address is not allowed."""

    code = ErrorCode.WEBHOOK_TARGET_FORBIDDEN


class InternalError(DomainError):
    """Please try again."""

    code = ErrorCode.INTERNAL_ERROR


class AppRoleMissing(DomainError):
    """The app lacks an Amazon role."""

    code = ErrorCode.APP_ROLE_MISSING


class RestrictedData(DomainError):
    """Restricted data."""

    code = ErrorCode.RESTRICTED_DATA


class PermissionMissing(DomainError):
    """The seller has not given this permission."""

    code = ErrorCode.PERMISSION_MISSING


class PathNotAllowed(DomainError):
    """Path not allowed."""

    code = ErrorCode.PATH_NOT_ALLOWED
