"""A connect session: a product's back end hands one person a link to sellerlink's hosted
flow (DESIGN §14, API.md "Connect sessions").

The link's token is a bearer secret for 30 minutes, so only its SHA-256 is stored. The first
browser that opens it claims the session (a cookie whose digest is kept here): a link that
leaks after that opens nothing. The session remembers where the person is in the flow (the
authorization on its way to Amazon, the connection it produced, the last error) so the
hosted page can be rebuilt from the server at any moment (reload, back button, pop-up).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from attrs import define, frozen

from domain.authorization import (
    bound_browser,
    browser_digest,
    check_bound_browser,
    validate_return_to,
)
from domain.connection import AccountType, Region
from domain.errors import SessionExpired, ValidationFailed
from domain.events import EventKind, EventSource

LIFETIME = timedelta(minutes=30)
MAX_END_USER = 200
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}

CLAIMED_ELSEWHERE = (
    "This connect link was opened in another browser. Ask the app for a new link and open "
    "it in the browser you will use."
)


def validate_session_return_to(return_to: str | None) -> str | None:
    """Where the person goes when the flow ends. A product usually lives on its own site, so
    an absolute URL is allowed here (it is set by the product's authenticated back end, not
    by a browser, so it is no open redirect): https anywhere, http only on loopback for
    development. A relative path means this site."""
    if return_to is None or return_to == "":
        return None
    if return_to.startswith("/"):
        return validate_return_to(return_to)
    bad = len(return_to) > 2000 or any(not 0x21 <= ord(ch) <= 0x7E for ch in return_to)
    try:
        parts = urlsplit(return_to)
        host = parts.hostname
    except ValueError:
        bad, host, parts = True, None, None
    if (
        bad
        or parts is None
        or host is None
        or parts.username is not None
        or parts.password is not None
        or "\\" in return_to
        or not (parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK))
    ):
        raise ValidationFailed(
            "return_to must be an https URL of your app (http only on localhost), or a "
            "relative path on this site.",
            context={"field": "return_to"},
        )
    return return_to


def return_origin(return_to: str | None) -> str | None:
    """The origin a pop-up may post its result to (`postMessage`'s target origin): the
    return_to's scheme, host and port; None for a relative path (this site's own origin)."""
    if not return_to or return_to.startswith("/"):
        return None
    parts = urlsplit(return_to)
    return f"{parts.scheme}://{parts.netloc}"


def _choices(
    values: Iterable[str] | None, kind: type[AccountType] | type[Region]
) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(values or ()))
    allowed = [str(member) for member in kind]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise ValidationFailed(
            f"Unknown {kind.__name__.lower()}: {', '.join(unknown)[:80]}; choose from "
            + ", ".join(allowed)
            + ".",
            context={"field": "account_types" if kind is AccountType else "regions"},
        )
    return chosen or tuple(allowed)


@frozen
class ConnectOffer:
    """What a product's back end asks a connect link to offer, and to whom: the end user
    (the product's own id and email for them), the account types and regions they may
    connect (None: all), the connection to reconnect, and where the flow returns."""

    end_user_id: str | None = None
    end_user_email: str | None = None
    account_types: Iterable[str] | None = None
    regions: Iterable[str] | None = None
    connection_id: str | None = None
    return_to: str | None = None


@define
class ConnectSession(EventSource):
    id: str
    team_id: str
    created_by: str
    token_digest: str
    created_at: datetime
    expires_at: datetime
    account_types: tuple[AccountType, ...]
    regions: tuple[Region, ...]
    end_user_id: str | None = None
    end_user_email: str | None = None
    connection_id: str | None = None
    return_to: str | None = None
    browser_binding: str | None = None
    # Where the person is: the authorization on its way to Amazon, the connection it
    # produced, the last error to show inline, and whether a vendor declined Vendor Central.
    pending_state: str | None = None
    last_error: str | None = None
    vendor_central_skipped: bool = False
    finished_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        session_id: str,
        token: str,
        team_id: str,
        created_by: str,
        at: datetime,
        offer: ConnectOffer,
    ) -> ConnectSession:
        end_user_id = offer.end_user_id
        for name, value in (("end_user.id", end_user_id), ("end_user.email", offer.end_user_email)):
            if value is not None and not 1 <= len(value.strip()) <= MAX_END_USER:
                raise ValidationFailed(
                    f"{name} needs 1 to {MAX_END_USER} characters.", context={"field": name}
                )
        session = cls(
            id=session_id,
            team_id=team_id,
            created_by=created_by,
            token_digest=browser_digest(token),
            created_at=at,
            expires_at=at + LIFETIME,
            account_types=tuple(AccountType(v) for v in _choices(offer.account_types, AccountType)),
            regions=tuple(Region(v) for v in _choices(offer.regions, Region)),
            end_user_id=end_user_id,
            end_user_email=offer.end_user_email,
            connection_id=offer.connection_id,
            return_to=validate_session_return_to(offer.return_to),
        )
        session.announce(
            EventKind.CONNECT_SESSION_CREATED,
            team_id=team_id,
            actor=f"user:{created_by}",
            summary="Connect link created"
            + (f" for end user {end_user_id}" if end_user_id else ""),
            at=at,
            connection_id=offer.connection_id,
            data={"session_id": session_id, "end_user_id": end_user_id},
        )
        return session

    def check_live(self, at: datetime) -> None:
        if at >= self.expires_at:
            raise SessionExpired(
                "Session has expired: this connect link is valid for "
                f"{int(LIFETIME.total_seconds() // 60)} minutes. Ask the app for a new one."
            )

    def claim(self, secret: str, *, at: datetime) -> None:
        """The first browser to open the link owns the session; the same browser may open
        it again."""
        self.check_live(at)
        self.browser_binding = bound_browser(
            self.browser_binding, secret, refused=CLAIMED_ELSEWHERE
        )

    def check_browser(self, secret: str | None, *, at: datetime) -> None:
        check_bound_browser(self.browser_binding, secret, refused=CLAIMED_ELSEWHERE)
        self.check_live(at)

    def allows(self, account_type: AccountType, region: Region) -> None:
        if account_type not in self.account_types or region not in self.regions:
            raise ValidationFailed(
                f"This connect link is for {'/'.join(self.account_types)} accounts in "
                f"{'/'.join(self.regions)}.",
                context={
                    "field": "account_type" if account_type not in self.account_types else "region"
                },
            )

    @property
    def return_origin(self) -> str | None:
        return return_origin(self.return_to)
