"""The error catalogue: every failure sellerlink reports has a stable code, a message in the
help pages' words and the steps that fix it (DESIGN.md §4).

Adapters translate these into their own medium (problem+json, CLI exit codes, feature
assertions) by `code`; nothing outside this module invents an error message.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

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


def _spec(
    code: ErrorCode, title: str, message: str, *steps: str, warning: bool = False
) -> ErrorSpec:
    return ErrorSpec(code, title, message, tuple(steps), warning)


_SPECS = (
    _spec(
        ErrorCode.NO_TEAM,
        "No team context",
        "We could not tell which team you are working in.",
        "Confirm your team membership in Settings.",
        "Sign in again if your team context is stale.",
        "Retry connect.",
    ),
    _spec(
        ErrorCode.NOT_A_MEMBER,
        "Not a member of this team",
        "You are not a member of this team, or this belongs to another team.",
        "Switch to a team you belong to.",
        "Ask an owner or admin of the team to invite you.",
    ),
    _spec(
        ErrorCode.FORBIDDEN_ROLE,
        "Your role does not allow this",
        "Only a team owner, admin or manager can change Amazon connections and their settings.",
        "Ask a team owner or admin to do it, or to give you the manager role.",
    ),
    _spec(
        ErrorCode.SCOPE_MISSING,
        "The API key lacks a scope",
        "This API key was not given the scope this request needs.",
        "Create a key with the scope named in the detail (owner or admin: POST /api/v1/api-keys).",
        "Keys cannot gain scopes: replace the key, then delete the old one.",
    ),
    _spec(
        ErrorCode.UNAUTHENTICATED,
        "Sign in required",
        "Your session is missing or no longer valid.",
        "Sign in again, then retry.",
    ),
    _spec(
        ErrorCode.NOT_FOUND,
        "Not found",
        "There is no such item in this team.",
        "Check the identifier; refresh the page to see the current list.",
    ),
    _spec(
        ErrorCode.VALIDATION_FAILED,
        "The request is not valid",
        "Some of the values sent are not valid.",
        "Correct the fields listed and send the request again.",
    ),
    _spec(
        ErrorCode.CONCURRENT_UPDATE,
        "Changed by someone else",
        "This was changed by someone else while you were working on it.",
        "Refresh to see the latest state, then try again.",
    ),
    _spec(
        ErrorCode.INVALID_TRANSITION,
        "Not possible in the current state",
        "This action is not possible in the current state.",
        "Refresh to see the current state; the action list shows what is possible now.",
    ),
    _spec(
        ErrorCode.PLAN_REQUIRED,
        "Not covered by your plan",
        "Your plan does not cover this yet: it is shown as Coming Soon.",
        "Upgrade your plan to use it.",
        "Or choose a profile or marketplace your plan covers.",
    ),
    _spec(
        ErrorCode.PROFESSIONAL_SELLING_PLAN_REQUIRED,
        "Professional selling plan required",
        "This Amazon seller account is on the Individual selling plan; "
        "Amazon only allows apps on the Professional plan.",
        "Switch the Amazon account to the Professional selling plan in Seller Central.",
        "Then connect again.",
    ),
    _spec(
        ErrorCode.CONNECTION_LIMIT,
        "Connection limit reached",
        "Your team already has the Amazon accounts its plan allows.",
        "Disconnect the other Amazon account first, or upgrade your plan.",
    ),
    _spec(
        ErrorCode.OAUTH_STATE_INVALID,
        "This authorization link is not valid",
        "This authorization was not started here, was already used, or belongs to another team.",
        "Start again from the app: open Connect and click Connect.",
    ),
    _spec(
        ErrorCode.SESSION_EXPIRED,
        "Session has expired",
        "Session has expired. Please try again.",
        "Start the connection again and finish the Amazon step within a few minutes.",
        "Clear your browser's cache and cookies if it happens again.",
    ),
    _spec(
        ErrorCode.AUTHORIZATION_DENIED,
        "Authorization was declined on Amazon",
        "The authorization was declined on Amazon, so nothing was connected.",
        "Start again and click Approve (or Authorize) on the Amazon page.",
    ),
    _spec(
        ErrorCode.ACCOUNT_IN_USE,
        "This account is already in use",
        "This account is already in use. Please Try Again.",
        "Make sure you do not already have this Amazon account connected in another team.",
        "Disconnect it there first, or contact support to find the existing connection.",
        "Click Connect Different Account to sign in to another Amazon account.",
    ),
    _spec(
        ErrorCode.WRONG_ACCOUNT,
        "Wrong Amazon account",
        "You signed in to a different Amazon account than the one this connection belongs to.",
        "Click Connect Different Account and sign in with the original Amazon account.",
        "If you connected the wrong account: revoke access in Seller Central "
        "(Apps & Services > Manage Your Apps) and start again.",
    ),
    _spec(
        ErrorCode.REFRESH_TOKEN_FAILED,
        "Failed to retrieve refresh token",
        "Failed to retrieve refresh token. Please try again.",
        "Check that you chose the region of the Amazon account you signed in with.",
        "Confirm you are participating in the marketplace you selected.",
        "Try again in a private browser window.",
    ),
    _spec(
        ErrorCode.ADS_SP_MISMATCH,
        "Amazon Advertising does not match the Selling Partner account",
        "The advertising account does not match the Selling Partner API account.",
        "Click Refresh once the advertising account is put right: it reads Amazon's "
        "profiles again; then authorize the Selling Partner API again (the refused "
        "authorization was not kept, so it shows No token present until then).",
        "Never run Amazon Ads? Enable advertising in Seller Central.",
        "Enable advertising permissions (View and Edit) for your user: the user who connects "
        "Amazon Ads must have advertising permissions in Seller Central to also connect the "
        "Selling Partner API.",
        "Already have View and Edit? Ask the account owner to remove all the users and add "
        "them back again: this triggers a refresh (Amazon's API can fail to recognize a "
        "valid user).",
        "Click Connect Different Account and sign in to the account that has advertising.",
    ),
    _spec(
        ErrorCode.ADVERTISING_NOT_ENABLED,
        "Advertising is not enabled",
        "Amazon returned no advertising profile you can manage in this region.",
        "Enable Amazon Ads for this account.",
        "Or ask the account owner to give you Admin or View and Edit permission, then reconnect.",
        "Already have View and Edit? Ask the account owner to remove all the users and add "
        "them back again: this triggers a refresh (Amazon's API can fail to recognize a "
        "valid user).",
        "If the account sells in another region, start again and choose that region.",
    ),
    _spec(
        ErrorCode.NO_ACTIVE_CAMPAIGNS,
        "No active campaigns",
        "The chosen advertising profile has no active campaigns.",
        "Create a campaign on Amazon; data may take up to 24 hours to appear.",
        warning=True,
    ),
    _spec(
        ErrorCode.CALLBACK_ACCOUNT_MISSING,
        "Callback completed but account missing",
        "Amazon sent you back, but the connected account could not be found.",
        "Re-run the connection.",
        "Make sure the profile selection step is completed.",
    ),
    _spec(
        ErrorCode.PROFILE_NOT_SELECTABLE,
        "This profile cannot be selected",
        "This advertising profile cannot be selected.",
        "Pick another profile.",
        "Profiles marked Coming Soon need a plan that covers them.",
    ),
    _spec(
        ErrorCode.MARKETPLACE_NOT_SELECTABLE,
        "Marketplace not selectable",
        "This marketplace cannot be selected.",
        "Refresh the account context.",
        "Retry failed marketplaces if present.",
        "Select any marketplace already marked Ready, Syncing... or Setting up...",
        "Greyed out? Check your selling subscription covers this marketplace.",
    ),
    _spec(
        ErrorCode.RETRY_LIMIT_EXCEEDED,
        "Retry limit reached",
        "This marketplace failed setup too many times and was escalated to support.",
        "Support has the marketplace and its retry history; no action is needed from you.",
    ),
    _spec(
        ErrorCode.TOKEN_REVOKED,
        "Authorization revoked",
        "Amazon no longer accepts this authorization: it was revoked.",
        "Click Reconnect and complete the Amazon authorization again.",
        "Your settings and history are kept.",
    ),
    _spec(
        ErrorCode.TOKEN_EXPIRED,
        "Authorization expired",
        "The Amazon authorization expired; Amazon asks sellers to re-authorize every year.",
        "Click Reconnect and complete the Amazon authorization again.",
        "Your settings and history are kept.",
    ),
    _spec(
        ErrorCode.AMAZON_UNAVAILABLE,
        "Amazon is not answering",
        "Amazon is not answering right now.",
        "Wait a few minutes; sellerlink retries by itself.",
    ),
    _spec(
        ErrorCode.APP_CREDENTIALS_REJECTED,
        "Amazon rejects sellerlink's app credentials",
        "Login with Amazon rejects every client secret configured for this app, so no "
        "access token can be refreshed. No seller needs to do anything.",
        "Operator: create a new client secret for the app (Seller Central > Develop Apps, "
        "or the Amazon Ads app's security profile), put it first in "
        "SELLERLINK_SPAPI_CLIENT_SECRET or SELLERLINK_ADS_CLIENT_SECRET on every process, "
        "and restart; `sellerlink doctor` checks it against Amazon.",
        "Meanwhile sellerlink retries by itself in growing steps (1 minute up to 30).",
    ),
    _spec(
        ErrorCode.RATE_LIMITED,
        "Amazon rate limit reached",
        "Amazon's request quota for this account is used up for now.",
        "Nothing to do: sellerlink retries by itself after the quota resets.",
    ),
    _spec(
        ErrorCode.SETUP_FAILED,
        "Marketplace setup failed",
        "Failed to set up this marketplace. Please try again.",
        "Click Retry on the failed marketplace.",
        "If it keeps failing, it is escalated to support with its retry history.",
    ),
    _spec(
        ErrorCode.AUTHORIZATION_REQUIRED,
        "Waiting for an authorization",
        "Setup cannot continue until the Amazon authorization it needs is in place.",
        "Click Authorize (or Reconnect) for the channel named and approve it on Amazon.",
        "Setup then continues by itself; nothing else to do.",
    ),
    _spec(
        ErrorCode.APP_ROLE_MISSING,
        "The app lacks an Amazon role",
        "Amazon refused the call: sellerlink's app does not have the role this operation needs.",
        "Add the role to the app in Amazon's developer console (Solution Provider Portal).",
        "Then ask the seller to authorize again (Reconnect): a new role needs a new consent.",
    ),
    _spec(
        ErrorCode.RESTRICTED_DATA,
        "Restricted data",
        "Amazon refused the call: it returns restricted data (such as buyer details), which "
        "needs a Restricted Data Token.",
        "Call the operation without restricted data elements, or request a Restricted Data "
        "Token from the Tokens API for it.",
    ),
    _spec(
        ErrorCode.PERMISSION_MISSING,
        "The seller has not given this permission",
        "Amazon refused the call: the person who authorized lacks permission for it, or the "
        "seller's permissions changed.",
        "Ask the account owner to grant the permission (Ads: View and Edit on the profile; "
        "Seller Central: user permissions), then reconnect.",
    ),
    _spec(
        ErrorCode.PATH_NOT_ALLOWED,
        "Path not allowed",
        "The path does not name an Amazon API resource: it would leave Amazon's API host.",
        "Send the API path as Amazon documents it, relative, without '..', a host or encoded "
        "slashes, dots or backslashes.",
    ),
    _spec(
        ErrorCode.WEBHOOK_TARGET_FORBIDDEN,
        "This webhook address is not allowed",
        "Webhooks are only sent over https to public internet addresses; this address is "
        "private, local or otherwise not allowed by this installation.",
        "Use a public https:// URL for your receiver.",
        "For a receiver on your own network, ask the operator to allow it in the "
        "SELLERLINK_WEBHOOK_ALLOW setting.",
    ),
    _spec(
        ErrorCode.INTERNAL_ERROR,
        "Please try again",
        "Something went wrong on our side. Please try again.",
        "Try again.",
        "If it persists, contact support with the request id: the timeline records it with "
        "what was happening.",
    ),
)


CATALOGUE: Mapping[ErrorCode, ErrorSpec] = MappingProxyType({s.code: s for s in _SPECS})


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
