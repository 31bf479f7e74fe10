"""Grants: one Amazon authorization per channel, and what its token status means to a person
(seed 001's "No token present" / "Current" / "expires in N days|hours"; DESIGN §2)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import StrEnum

from attrs import define, frozen

from domain.secret import Secret


class Channel(StrEnum):
    ADS = "ads"
    SP_API = "sp_api"


class TokenStatus(StrEnum):
    MISSING = "missing"
    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"


# Public SP-API apps: the seller re-authorizes 365 days after consent (AMAZON.md). Ads
# refresh tokens do not expire.
AUTHORIZATION_LIFETIME: dict[Channel, timedelta | None] = {
    Channel.SP_API: timedelta(days=365),
    Channel.ADS: None,
}
EXPIRY_WARNING = timedelta(days=30)
# The channels in the words a seller reads in the timeline and the warnings.
CHANNEL_NAMES = {Channel.SP_API: "Selling Partner API", Channel.ADS: "Amazon Ads"}
LAST_DAY = timedelta(days=1)
LAST_WEEK = timedelta(days=7)
# Access tokens are reused until this long before they expire.
ACCESS_TOKEN_MARGIN = timedelta(seconds=60)


def expiry_warning_stage(remaining: timedelta) -> str | None:
    """Which expiry warning is due with `remaining` left of an authorization: one per
    threshold (DESIGN §13: 30, 7 and 1 days; daily stages once wrote "25 days" and
    "24 days" seconds apart when a pass fell either side of a day's boundary): `"30d"` once
    30 days remain, `"7d"` once 7 remain, `"last_day"` in the last 24 hours, whose text
    counts the hours (seed 001: "on the last day ... expires in X hours"). None outside the
    window. Each stage covers a span, so a warning is given once however the passes fall."""
    if remaining <= timedelta(0) or remaining > EXPIRY_WARNING:
        return None
    if remaining <= LAST_DAY:
        return "last_day"
    if remaining <= LAST_WEEK:
        return "7d"
    return "30d"


# The thresholds a product is notified at (DESIGN §13: "30, 7, 1 days, then hours"): the
# last one is the final day, whose text counts hours ("expires in 5 hours").
NOTICE_THRESHOLDS = ("30d", "7d", "1d")


def expiry_notice_threshold(stage: str) -> str:
    """The notice threshold a warning stage falls under: stages 30d-8d under `30d`, 7d-2d
    under `7d`, the last day under `1d`. A product hears once per threshold, at its first
    stage (or the first the worker saw, if it was down when the threshold passed)."""
    if stage == "last_day":
        return "1d"
    days = int(stage.rstrip("d"))
    return "30d" if days > 7 else "7d"


@frozen
class TokenReport:
    """A grant's status at one instant, with the words the help pages use for it."""

    status: TokenStatus
    text: str
    remaining: timedelta | None = None

    @property
    def usable(self) -> bool:
        return self.status in (TokenStatus.CURRENT, TokenStatus.EXPIRING)


def describe_remaining(remaining: timedelta) -> str:
    """Seed 001: under 30 days "expires in X days"; on the last day "expires in X hours".
    Days are floored (12 days 20 hours is "12 days") and hours are rounded up (4 h 10 min is
    "5 hours"), so a person is never told they have more time than they do."""
    if remaining >= LAST_DAY:
        days = remaining.days
        return f"expires in {days} day{'s' if days != 1 else ''}"
    hours = max(1, math.ceil(remaining.total_seconds() / 3600))
    return f"expires in {hours} hour{'s' if hours != 1 else ''}"


def token_status_at(
    now: datetime,
    *,
    revoked_at: datetime | None,
    has_refresh_token: bool,
    expires_at: datetime | None,
) -> TokenReport:
    """The token's state from the facts alone, so a read model can tell it without loading
    (or decrypting) the token itself."""
    if revoked_at is not None:
        return TokenReport(TokenStatus.REVOKED, "Revoked")
    if not has_refresh_token:
        return TokenReport(TokenStatus.MISSING, "No token present")
    if expires_at is None:
        return TokenReport(TokenStatus.CURRENT, "Current")
    remaining = expires_at - now
    if remaining <= timedelta(0):
        return TokenReport(TokenStatus.EXPIRED, "Expired", timedelta(0))
    if remaining < EXPIRY_WARNING:
        return TokenReport(TokenStatus.EXPIRING, describe_remaining(remaining), remaining)
    return TokenReport(TokenStatus.CURRENT, "Current", remaining)


def token_status_fresh_until(
    now: datetime,
    *,
    revoked_at: datetime | None,
    has_refresh_token: bool,
    expires_at: datetime | None,
) -> datetime | None:
    """Until when (exclusive) `token_status_at` keeps answering what it answers at `now`,
    with the same facts: a read made at `now` may be shown again before then, never after.
    None: time alone never changes it (revoked, missing, no expiry, expired)."""
    if revoked_at is not None or not has_refresh_token or expires_at is None:
        return None
    remaining = expires_at - now
    if remaining <= timedelta(0):
        return None
    if remaining >= EXPIRY_WARNING:
        return expires_at - EXPIRY_WARNING
    if remaining >= LAST_DAY:
        return expires_at - timedelta(days=remaining.days)  # the next day is counted off
    hours = max(1, math.ceil(remaining.total_seconds() / 3600))
    return expires_at - timedelta(hours=hours - 1)  # the next hour is counted off


@frozen
class Consent:
    """What Amazon hands over when a seller approves one channel: the refresh token and its
    scopes, the account it belongs to (the selling partner id for SP-API, the advertiser
    account for Ads; None when Amazon did not say), and the access token the code was
    exchanged for, if it was. The connection checks the account; the grant keeps the rest."""

    refresh_token: Secret
    scopes: tuple[str, ...]
    account_id: str | None
    access_token: Secret | None = None
    access_token_expires_at: datetime | None = None


@define
class Grant:
    channel: Channel
    refresh_token: Secret | None = None
    scopes: tuple[str, ...] = ()
    authorized_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    # The account Amazon says this grant belongs to: the selling partner id for SP-API, the
    # advertiser account id for Ads.
    account_id: str | None = None
    access_token: Secret | None = None
    access_token_expires_at: datetime | None = None
    last_refresh_at: datetime | None = None
    last_refresh_error: str | None = None

    def status_at(self, now: datetime) -> TokenReport:
        return token_status_at(
            now,
            revoked_at=self.revoked_at,
            has_refresh_token=self.refresh_token is not None,
            expires_at=self.expires_at,
        )

    @property
    def ever_authorized(self) -> bool:
        return self.authorized_at is not None

    def authorize(self, consent: Consent, *, at: datetime) -> None:
        """A fresh consent: starts a new authorization year and clears any revocation."""
        lifetime = AUTHORIZATION_LIFETIME[self.channel]
        self.refresh_token = consent.refresh_token
        self.scopes = consent.scopes
        self.account_id = consent.account_id or self.account_id
        self.authorized_at = at
        self.expires_at = at + lifetime if lifetime is not None else None
        self.revoked_at = None
        self.access_token = consent.access_token
        self.access_token_expires_at = consent.access_token_expires_at
        self.last_refresh_at = at if consent.access_token is not None else None
        self.last_refresh_error = None

    def cached_access_token(self, now: datetime) -> Secret | None:
        if self.access_token is None or self.access_token_expires_at is None:
            return None
        if self.access_token_expires_at - ACCESS_TOKEN_MARGIN <= now:
            return None
        return self.access_token

    def record_refresh(self, *, access_token: Secret, expires_at: datetime, at: datetime) -> None:
        self.access_token = access_token
        self.access_token_expires_at = expires_at
        self.last_refresh_at = at
        self.last_refresh_error = None

    def record_refresh_failure(self, *, error_code: str, at: datetime) -> None:
        """A transient failure (Amazon down, throttled): the grant stays as it was."""
        self.last_refresh_error = error_code
        self.last_refresh_at = at

    def forget_access_token(self) -> None:
        """Amazon refused the cached access token on a data call: the next use refreshes it
        (and learns then whether the refresh token itself still works)."""
        self.access_token = None
        self.access_token_expires_at = None

    def revoke(self, *, at: datetime) -> None:
        """Amazon answered `invalid_grant` on refresh: the seller revoked us, or the
        authorization ran out. Either way only a new consent helps. Past the authorization's
        end the grant simply reads Expired, which is the truer word for it."""
        if self.expires_at is None or at < self.expires_at:
            self.revoked_at = at
        self.access_token = None
        self.access_token_expires_at = None

    def forget(self) -> None:
        """Disconnect: the tokens are deleted; when and for whom it was authorized stays.
        With no token left the status reads "No token present" (seed 001), whether or not
        Amazon had revoked it before (the timeline keeps the revocation)."""
        self.refresh_token = None
        self.access_token = None
        self.access_token_expires_at = None
        self.revoked_at = None
