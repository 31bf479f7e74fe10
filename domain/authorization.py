"""An authorization request: the server-side half of one trip to Amazon's consent page.

Amazon recommends a short-lived, unguessable `state` verified on return (AMAZON.md); the
state alone identifies the request, so everything the callback needs is bound to it here."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from attrs import define, field, frozen

from domain.connection import AccountType, Region
from domain.errors import OAuthStateInvalid, SessionExpired, ValidationFailed
from domain.events import EventKind, EventScope, EventSource
from domain.grant import Channel
from domain.secret import Secret

LIFETIME = timedelta(minutes=10)
MIN_STATE_BITS = 256
_STATE_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")


class AuthorizationStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"


def check_state_format(state: str) -> None:
    """A state must be URL-safe and carry at least 256 bits (43 base64url characters)."""
    if len(state) * 6 < MIN_STATE_BITS or not _STATE_CHARS.match(state):
        raise ValueError("an OAuth state needs at least 256 bits in URL-safe characters")


def browser_digest(secret: str) -> str:
    """What is stored of a browser binding secret (the cookie's value): its SHA-256, so the
    database never holds anything a browser could present."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def bound_browser(binding: str | None, secret: str, *, refused: str) -> str:
    """RFC 9700 §4.7: the first browser to go on owns what it opened (its digest is the new
    `binding`); the same browser may go again, another is refused with `refused`."""
    digest = browser_digest(secret)
    if binding is not None and not hmac.compare_digest(binding, digest):
        raise OAuthStateInvalid(refused)
    return digest


def check_bound_browser(binding: str | None, secret: str | None, *, refused: str) -> None:
    """Only the bound browser may go on: without its secret (another browser, or a link that
    never went through sellerlink) it is refused with `refused`."""
    if (
        secret is None
        or binding is None
        or not hmac.compare_digest(binding, browser_digest(secret))
    ):
        raise OAuthStateInvalid(refused)


STARTED_ELSEWHERE = (
    "This authorization was started in another browser: start again from the app, in the "
    "browser you will approve it in."
)


def validate_return_to(return_to: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative `//`, no backslash
    (browsers read `/\\evil.com` as a host), and printable ASCII only: anything else must be
    percent-encoded, as in any URL. A raw `/日本語` cannot go into a Location header (the
    callback once answered 500 after the connection was stored), and look-alikes (a
    path of division slashes U+2215 reading as `//evil.example`, a zero-width space) are
    how open redirects hide. Prevents open redirects."""
    if return_to is None or return_to == "":
        return None
    bad = (
        not return_to.startswith("/")
        or return_to.startswith("//")
        or "\\" in return_to
        or any(not 0x21 <= ord(ch) <= 0x7E for ch in return_to)
        or len(return_to) > 2000
    )
    if bad:
        raise ValidationFailed(
            "return_to must be a relative path on this site, such as /settings/amazon.",
            context={"field": "return_to"},
        )
    return return_to


@frozen
class ConsentAsk:
    """What one trip to Amazon's consent page asks for, as the person chose it when they
    started: the channel, the account's region and type, the marketplace they must sell in
    (if one was named), the path on this site to return to, and the connection it
    reconnects or adds a channel to. The request keeps it for the callback, and Amazon's
    consent URL is built from it."""

    channel: Channel
    region: Region
    account_type: AccountType
    marketplace_id: str | None = None
    return_to: str | None = field(default=None, converter=validate_return_to)
    connection_id: str | None = None


@define
class AuthorizationRequest(EventSource):
    state: str
    team_id: str
    user_id: str
    ask: ConsentAsk
    created_at: datetime
    expires_at: datetime
    code_verifier: Secret | None = None
    consumed_at: datetime | None = None
    status: AuthorizationStatus = AuthorizationStatus.PENDING
    error_code: str | None = None
    result_connection_id: str | None = None
    # RFC 9700 §4.7: the SHA-256 of the secret the person's browser got as a cookie on its
    # way to Amazon (/connect/authorize/{state}); the callback must present the same secret.
    browser_binding: str | None = None

    def __attrs_post_init__(self) -> None:
        check_state_format(self.state)

    @classmethod
    def start(
        cls,
        *,
        state: str,
        team_id: str,
        user_id: str,
        ask: ConsentAsk,
        at: datetime,
        code_verifier: Secret | None = None,
    ) -> AuthorizationRequest:
        request = cls(
            state=state,
            team_id=team_id,
            user_id=user_id,
            ask=ask,
            created_at=at,
            expires_at=at + LIFETIME,
            code_verifier=code_verifier,
        )
        request._announce(
            EventKind.AUTHORIZATION_STARTED,
            f"Authorization of {ask.channel} ({ask.region}, {ask.account_type}) started",
            at=at,
            data={"channel": ask.channel, "region": ask.region},
        )
        return request

    def status_at(self, now: datetime) -> AuthorizationStatus:
        if self.status is AuthorizationStatus.PENDING and now >= self.expires_at:
            return AuthorizationStatus.EXPIRED
        return self.status

    def bind_browser(self, secret: str, *, at: datetime) -> None:
        """The first browser that goes to Amazon through sellerlink owns the request; the
        same browser may go again (a reload), another one may not (consent phishing: an
        attacker's link opened by a victim after the attacker bound it)."""
        if self.consumed_at is not None:
            raise OAuthStateInvalid("This authorization was already used.")
        self._check_in_time(at)
        self.browser_binding = bound_browser(
            self.browser_binding, secret, refused=STARTED_ELSEWHERE
        )

    def check_browser(self, secret: str | None) -> None:
        """A callback is accepted only from the browser the request was bound to: without
        the cookie (another browser, or a link that never went through sellerlink) it is
        refused, so a code can be neither phished into another team nor injected."""
        check_bound_browser(self.browser_binding, secret, refused=STARTED_ELSEWHERE)

    def check_usable(
        self,
        *,
        channel: Channel,
        at: datetime,
        team_id: str | None = None,
        user_id: str | None = None,
        browser: str | None = None,
    ) -> None:
        """Refuse a replayed, mis-routed, foreign, stale or other-browser callback. The
        caller must still consume the request atomically (the repository's job) before
        acting on it."""
        if self.consumed_at is not None:
            raise OAuthStateInvalid("This authorization was already used.")
        self.check_browser(browser)
        if channel is not self.ask.channel:
            raise OAuthStateInvalid("This authorization was started for another Amazon service.")
        if (team_id is not None and team_id != self.team_id) or (
            user_id is not None and user_id != self.user_id
        ):
            raise OAuthStateInvalid("This authorization was started by someone else.")
        self._check_in_time(at)

    def _check_in_time(self, at: datetime) -> None:
        if at >= self.expires_at:
            raise SessionExpired(
                "Session has expired: the Amazon step took longer than "
                f"{int(LIFETIME.total_seconds() // 60)} minutes."
            )

    def consume(self, at: datetime) -> None:
        self.consumed_at = at

    def complete(self, connection_id: str) -> None:
        self.status = AuthorizationStatus.COMPLETED
        self.result_connection_id = connection_id

    def fail(self, error_code: str, *, detail: str, at: datetime) -> None:
        """The callback failed with a catalogue code: a polling UI learns it here and support
        in the timeline."""
        self.status = AuthorizationStatus.FAILED
        self.error_code = error_code
        self.result_connection_id = self.ask.connection_id
        self._announce(
            EventKind.AUTHORIZATION_FAILED,
            f"Authorization of {self.ask.channel} failed: {error_code}",
            at=at,
            data={"code": error_code, "detail": detail},
        )

    def _announce(
        self, kind: EventKind, summary: str, *, at: datetime, data: Mapping[str, object]
    ) -> None:
        """What happens to an authorization is told as done by the person who started it."""
        self.announce_change(kind, summary, at=at, actor=f"user:{self.user_id}", data=data)

    def event_scope(self) -> EventScope:
        return EventScope(self.team_id, self.ask.connection_id)
