"""The web API's request bodies and its own responses (API.md), as msgspec Structs so that
/schema is exact and Litestar validates input before any use case runs. Read models are not
here: the application's views are served as they are (`views.py`). Nothing here decides
anything.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from msgspec import Meta, Struct

from application.connect import AuthorizationStarted
from application.marketplace_views import TransitionView
from domain.connection import AccountType, Region
from domain.grant import Channel
from domain.team import Plan, Role, TeamKind

# No control characters in what may reach a database (PostgreSQL refuses NUL in text).
PRINTABLE = r"^[^\u0000-\u001f\u007f]+$"
SOME_TEXT = r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$"
Id = Annotated[str, Meta(min_length=1, max_length=200, pattern=PRINTABLE)]
MarketplaceIdIn = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$")]
# Mirrors domain.authorization.validate_return_to (the authority): empty, or a path on this
# site: no scheme or host, no `//` or backslash, printable ASCII only (percent-encode the
# rest: a Location header carries nothing else).
RETURN_TO_PATH = r"/(?![/\\])[!-\[\]-~]*"
ReturnTo = Annotated[str, Meta(max_length=2000, pattern=rf"^({RETURN_TO_PATH})?$")]
Amount = Annotated[str, Meta(pattern=r"^[0-9]{1,12}(\.[0-9]{1,4})?$")]
Currency = Annotated[str, Meta(pattern=r"^[A-Z]{3}$")]
# `gt=-1` rather than `ge=0`: Litestar drops a zero minimum from an optional field's schema.
Count = Annotated[int, Meta(gt=-1, le=1_000_000_000)]


class Out(Struct, kw_only=True):
    """An answer of the web API's own (not a read model): what it shows of a domain or
    application object, whose fields of the same names it takes as they are (the rule
    `domain/copies.copied` keeps for attrs views, here for msgspec answers)."""

    @classmethod
    def shown(cls, source: object, /, **given: Any) -> Self:
        """`source`'s attributes named like this answer's fields; `given` supplies the ones
        shown differently (a revealed secret, a parsed payload, a link). A field that is
        neither raises AttributeError, so a new field cannot go out empty."""
        taken = {name: getattr(source, name) for name in cls.__struct_fields__ if name not in given}
        return cls(**taken, **given)


# --------------------------------------------------------------------------- problems


class FieldError(Struct, kw_only=True, omit_defaults=True):
    field: str
    message: str
    source: str | None = None


class Problem(Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details; the optional members are extensions some codes carry."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    remediation: list[str]
    request_id: str
    instance: str | None = None
    errors: list[FieldError] | None = None
    marketplace_id: str | None = None
    retries_used: int | None = None
    retry_limit: int | None = None
    history: list[TransitionView] | None = None
    max_connections: int | None = None
    connected: int | None = None


class ErrorExplanation(Out):
    code: str
    title: str
    status: int
    message: str
    remediation: list[str]
    warning: bool


# --------------------------------------------------------------------------- teams


class TeamIn(Struct, kw_only=True):
    name: Annotated[str, Meta(min_length=1, max_length=120, pattern=SOME_TEXT)]
    kind: TeamKind


class TeamPatch(Struct, kw_only=True):
    plan: Plan | None = None
    max_connections: Annotated[int, Meta(ge=1, le=1000)] | None = None
    history_days: Annotated[int, Meta(ge=1, le=3650)] | None = None


class TeamOut(Out):
    id: str
    name: str
    kind: TeamKind
    plan: Plan
    max_connections: int | None
    history_days: int
    created_at: datetime


# A person's role: `service` is an API key's, never a member's (domain/team.py refuses it), so
# the schema does not offer it either.
PersonRole = Literal["owner", "admin", "manager", "member"]


class MemberIn(Struct, kw_only=True):
    role: PersonRole


class MemberOut(Out):
    team_id: str
    user_id: str
    role: Role
    joined_at: datetime


class MemberList(Out):
    items: list[MemberOut]


# --------------------------------------------------------------------------- authorizing


class AuthorizationIn(Struct, kw_only=True):
    channel: Channel
    region: Region
    account_type: AccountType
    marketplace_id: MarketplaceIdIn | None = None
    connection_id: Id | None = None
    return_to: ReturnTo | None = None


class ReconnectIn(Struct, kw_only=True):
    """Both optional: the channel defaults to the one that needs the person (revoked,
    expired, expiring or never authorized), `return_to` as for a new authorization."""

    channel: Channel | None = None
    return_to: ReturnTo | None = None


class ScopeOut(Out):
    name: str
    description: str


class AuthorizationOut(Out):
    state: str
    authorization_url: str
    expires_at: datetime
    scopes: list[ScopeOut]
    channel: Channel
    connection_id: str | None

    @classmethod
    def of(cls, a: AuthorizationStarted, authorization_url: str) -> AuthorizationOut:
        """`authorization_url` is sellerlink's bounce for this state (binding.py), never
        Amazon's page directly."""
        scopes = [ScopeOut.shown(s) for s in a.scopes]
        return cls.shown(a, authorization_url=authorization_url, scopes=scopes)


# --------------------------------------------------------------------------- profiles


class ProfileChoice(Struct, kw_only=True):
    profile_id: Id


# --------------------------------------------------------------------------- marketplaces


class MarketplaceUpdate(Struct, kw_only=True):
    selected: bool | None = None
    active: bool | None = None


# --------------------------------------------------------------------------- listing settings


class MoneyIO(Struct, kw_only=True):
    amount: Amount
    currency: Currency


class ListingSettingsIn(Struct, kw_only=True):
    inventory_buffer: Count = 0
    inventory_ceiling: Count | None = None
    minimum_price: MoneyIO | None = None
    pricing_enabled: bool = True
    batch_window_seconds: Annotated[int, Meta(ge=1, le=1800)] = 900

    def minimum_amount(self) -> Decimal | None:
        return Decimal(self.minimum_price.amount) if self.minimum_price else None


# --------------------------------------------------------------------------- health


class Liveness(Out):
    status: str


class ReadinessProblem(Out):
    check: str
    code: str
    detail: str


class Readiness(Out, omit_defaults=True):
    status: str
    checks: dict[str, str]
    # A failing check that names its catalogue code (e.g. APP_CREDENTIALS_REJECTED).
    problems: list[ReadinessProblem] | None = None
    # Still ready, but something needs doing soon (a client secret's rotate-by date).
    warnings: list[str] | None = None
