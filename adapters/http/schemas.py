"""The web API's request and response bodies (API.md), as msgspec Structs so that /schema
is exact and Litestar validates input before any use case runs. Each `*Out.of()` maps one
application view; nothing here decides anything.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from msgspec import Meta, Struct, structs

from application.callback import CallbackResult
from application.connect import AuthorizationStarted, AuthorizationStatusView
from application.profiles import ChosenProfile
from application.views import (
    ConnectionView,
    GrantView,
    MarketplaceHistory,
    MarketplaceView,
    NextStep,
    ProfileList,
    ProfileView,
)
from domain.authorization import AuthorizationStatus
from domain.connection import AccountType, Health, Region
from domain.events import AuditEvent, EventKind
from domain.grant import Channel, TokenStatus
from domain.listing import ListingSettings
from domain.marketplace import MarketplaceState, Transition
from domain.profile import AdsAccountType, Profile
from domain.team import Membership, Plan, Role, Team, TeamKind

# No control characters in what may reach a database (PostgreSQL refuses NUL in text).
PRINTABLE = r"^[^\u0000-\u001f\u007f]+$"
SOME_TEXT = r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$"
Id = Annotated[str, Meta(min_length=1, max_length=200, pattern=PRINTABLE)]
MarketplaceIdIn = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$")]
# Mirrors domain.authorization.validate_return_to (the authority): empty, or a path on this
# site: no scheme or host, no `//` or backslash, no control characters.
ReturnTo = Annotated[
    str, Meta(max_length=2000, pattern=r"^(/(?![/\\])[^\\\u0000-\u001f\u007f]*)?$")
]
Amount = Annotated[str, Meta(pattern=r"^[0-9]{1,12}(\.[0-9]{1,4})?$")]
Currency = Annotated[str, Meta(pattern=r"^[A-Z]{3}$")]
# `gt=-1` rather than `ge=0`: Litestar drops a zero minimum from an optional field's schema.
Count = Annotated[int, Meta(gt=-1, le=1_000_000_000)]


class _Out(Struct, kw_only=True):
    pass


# --------------------------------------------------------------------------- problems


class FieldError(Struct, kw_only=True, omit_defaults=True):
    field: str
    message: str
    source: str | None = None


class TransitionOut(Struct, kw_only=True):
    at: datetime
    from_state: MarketplaceState | None
    to_state: MarketplaceState
    reason: str
    actor: str

    @classmethod
    def of(cls, t: Transition) -> TransitionOut:
        return cls(
            at=t.at, from_state=t.from_state, to_state=t.to_state, reason=t.reason, actor=t.actor
        )


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
    history: list[TransitionOut] | None = None
    max_connections: int | None = None
    connected: int | None = None


class ErrorExplanation(_Out):
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


class TeamOut(_Out):
    id: str
    name: str
    kind: TeamKind
    plan: Plan
    max_connections: int | None
    history_days: int
    created_at: datetime

    @classmethod
    def of(cls, team: Team) -> TeamOut:
        return cls(
            id=team.id,
            name=team.name,
            kind=team.kind,
            plan=team.plan,
            max_connections=team.max_connections,
            history_days=team.history_days,
            created_at=team.created_at,
        )


class MemberIn(Struct, kw_only=True):
    role: Role


class MemberOut(_Out):
    team_id: str
    user_id: str
    role: Role
    joined_at: datetime

    @classmethod
    def of(cls, m: Membership) -> MemberOut:
        return cls(team_id=m.team_id, user_id=m.user_id, role=m.role, joined_at=m.joined_at)


class MemberList(_Out):
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


class ScopeOut(_Out):
    name: str
    description: str


class AuthorizationOut(_Out):
    state: str
    authorization_url: str
    expires_at: datetime
    scopes: list[ScopeOut]
    channel: Channel
    connection_id: str | None

    @classmethod
    def of(cls, a: AuthorizationStarted) -> AuthorizationOut:
        return cls(
            state=a.state,
            authorization_url=a.authorization_url,
            expires_at=a.expires_at,
            scopes=[ScopeOut(name=s.name, description=s.description) for s in a.scopes],
            channel=a.channel,
            connection_id=a.connection_id,
        )


class AuthorizationStatusOut(_Out):
    state: str
    status: AuthorizationStatus
    channel: Channel
    expires_at: datetime
    error_code: str | None
    connection_id: str | None

    @classmethod
    def of(cls, v: AuthorizationStatusView) -> AuthorizationStatusOut:
        return cls(
            state=v.state,
            status=v.status,
            channel=v.channel,
            expires_at=v.expires_at,
            error_code=v.error_code,
            connection_id=v.connection_id,
        )


# --------------------------------------------------------------------------- connections


class GrantOut(_Out):
    channel: Channel
    status: TokenStatus
    status_text: str
    required: bool
    authorized_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def of(cls, g: GrantView) -> GrantOut:
        return cls(
            channel=g.channel,
            status=g.status,
            status_text=g.status_text,
            required=g.required,
            authorized_at=g.authorized_at,
            expires_at=g.expires_at,
        )


class ProfileOut(_Out):
    profile_id: str
    country_code: str
    currency_code: str
    marketplace_id: str
    account_name: str
    account_type: AdsAccountType
    account_id: str

    @classmethod
    def of(cls, p: Profile) -> ProfileOut:
        return cls(
            profile_id=p.profile_id,
            country_code=p.country_code,
            currency_code=p.currency_code,
            marketplace_id=p.marketplace_id,
            account_name=p.account_name,
            account_type=p.account_type,
            account_id=p.account_id,
        )


class MarketplacesSummary(_Out):
    ready: int
    syncing: int
    setting_up: int
    failed: int
    escalated: int


class ConnectionOut(_Out):
    id: str
    team_id: str
    account_type: AccountType
    region: Region
    selling_partner_id: str | None
    ads_account_id: str | None
    display_name: str
    health: Health
    created_at: datetime
    disconnected_at: datetime | None
    grants: list[GrantOut]
    profile: ProfileOut | None
    profile_auto_selected: bool
    marketplaces_summary: MarketplacesSummary
    version: int

    @classmethod
    def of(cls, v: ConnectionView) -> ConnectionOut:
        summary = v.marketplaces_summary
        return cls(
            id=v.id,
            team_id=v.team_id,
            account_type=v.account_type,
            region=v.region,
            selling_partner_id=v.selling_partner_id,
            ads_account_id=v.ads_account_id,
            display_name=v.display_name,
            health=v.health,
            created_at=v.created_at,
            disconnected_at=v.disconnected_at,
            grants=[GrantOut.of(g) for g in v.grants],
            profile=ProfileOut.of(v.profile) if v.profile else None,
            profile_auto_selected=v.profile_auto_selected,
            marketplaces_summary=MarketplacesSummary(
                ready=summary.get(MarketplaceState.READY, 0),
                syncing=summary.get(MarketplaceState.SYNCING, 0),
                setting_up=summary.get(MarketplaceState.SETTING_UP, 0),
                failed=summary.get(MarketplaceState.FAILED, 0),
                escalated=summary.get(MarketplaceState.ESCALATED, 0),
            ),
            version=v.version,
        )


class ChosenProfileOut(ConnectionOut):
    """`PUT /profile`: the connection (API.md), plus the warnings the choice raised (seed
    002's NO_ACTIVE_CAMPAIGNS); the list is empty when there are none."""

    warnings: list[str] = []

    @classmethod
    def chosen(cls, r: ChosenProfile) -> ChosenProfileOut:
        return cls(
            **structs.asdict(ConnectionOut.of(r.connection)),
            warnings=[str(w) for w in r.warnings],
        )


class ConnectionList(_Out):
    items: list[ConnectionOut]


class CallbackOut(_Out):
    """What the callback answers without a `return_to`: the connection and where the
    onboarding goes next (API.md)."""

    result: str
    connection: ConnectionOut
    next: NextStep
    created: bool
    reconnected: bool
    warnings: list[str]

    @classmethod
    def of(cls, r: CallbackResult) -> CallbackOut:
        return cls(
            result="connected",
            connection=ConnectionOut.of(r.connection),
            next=r.next,
            created=r.created,
            reconnected=r.reconnected,
            warnings=[str(w) for w in r.warnings],
        )


# --------------------------------------------------------------------------- profiles


class ProfileItem(_Out):
    profile_id: str
    country_code: str
    currency_code: str
    marketplace_id: str
    account_name: str
    account_type: AdsAccountType
    selectable: bool
    selected: bool
    reason: str | None

    @classmethod
    def of(cls, v: ProfileView) -> ProfileItem:
        p = v.profile
        return cls(
            profile_id=p.profile_id,
            country_code=p.country_code,
            currency_code=p.currency_code,
            marketplace_id=p.marketplace_id,
            account_name=p.account_name,
            account_type=p.account_type,
            selectable=v.selectable,
            selected=v.selected,
            reason=v.reason,
        )


class ProfileListOut(_Out):
    items: list[ProfileItem]
    selected_profile_id: str | None
    auto_selected: bool

    @classmethod
    def of(cls, v: ProfileList) -> ProfileListOut:
        return cls(
            items=[ProfileItem.of(p) for p in v.items],
            selected_profile_id=v.selected_profile_id,
            auto_selected=v.auto_selected,
        )


class ProfileChoice(Struct, kw_only=True):
    profile_id: Id


# --------------------------------------------------------------------------- marketplaces


class SyncErrorOut(_Out):
    code: str
    detail: str | None


class DatasetSyncOut(_Out):
    dataset: str
    covered_from: datetime | None
    covered_until: datetime | None
    history_from: datetime
    progress_percent: int
    last_success_at: datetime | None
    last_error: SyncErrorOut | None


class SyncOut(_Out):
    datasets: list[DatasetSyncOut]

    @classmethod
    def of(cls, views: tuple[Any, ...] | None) -> SyncOut | None:
        if views is None:
            return None
        return cls(
            datasets=[
                DatasetSyncOut(
                    dataset=str(v.dataset),
                    covered_from=v.covered_from,
                    covered_until=v.covered_until,
                    history_from=v.history_from,
                    progress_percent=v.progress_percent,
                    last_success_at=v.last_success_at,
                    last_error=SyncErrorOut(code=v.last_error_code, detail=v.last_error_detail)
                    if v.last_error_code
                    else None,
                )
                for v in views
            ]
        )


class MarketplaceOut(_Out):
    connection_id: str
    marketplace_id: str
    country_code: str
    name: str
    state: MarketplaceState
    label: str
    selectable: bool
    selected: bool
    active: bool
    retries_used: int
    retry_limit: int
    last_error: str | None
    reason: str | None
    # Each dataset's coverage once the marketplace syncs (API.md "Records").
    sync: SyncOut | None = None

    @classmethod
    def of(cls, v: MarketplaceView) -> MarketplaceOut:
        return cls(
            connection_id=v.connection_id,
            marketplace_id=v.marketplace_id,
            country_code=v.country_code,
            name=v.name,
            state=v.state,
            label=v.label,
            selectable=v.selectable,
            selected=v.selected,
            active=v.active,
            retries_used=v.retries_used,
            retry_limit=v.retry_limit,
            last_error=v.last_error,
            reason=v.reason,
            sync=SyncOut.of(v.sync),
        )


class MarketplaceList(_Out):
    items: list[MarketplaceOut]


class MarketplaceUpdate(Struct, kw_only=True):
    selected: bool | None = None
    active: bool | None = None


class HistoryOut(_Out):
    items: list[TransitionOut]
    retry_history: list[TransitionOut]
    marketplace: MarketplaceOut

    @classmethod
    def of(cls, h: MarketplaceHistory) -> HistoryOut:
        return cls(
            items=[TransitionOut.of(t) for t in h.transitions],
            retry_history=[TransitionOut.of(t) for t in h.retry_history],
            marketplace=MarketplaceOut.of(h.marketplace),
        )


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


class ListingSettingsOut(_Out):
    connection_id: str
    inventory_buffer: int
    inventory_ceiling: int | None
    minimum_price: MoneyIO | None
    pricing_enabled: bool
    batch_window_seconds: int

    @classmethod
    def of(cls, s: ListingSettings) -> ListingSettingsOut:
        minimum = (
            MoneyIO(amount=format(s.minimum_price.amount, "f"), currency=s.minimum_price.currency)
            if s.minimum_price
            else None
        )
        return cls(
            connection_id=s.connection_id,
            inventory_buffer=s.inventory_buffer,
            inventory_ceiling=s.inventory_ceiling,
            minimum_price=minimum,
            pricing_enabled=s.pricing_enabled,
            batch_window_seconds=int(s.batch_window.total_seconds()),
        )


# --------------------------------------------------------------------------- events


class EventOut(_Out):
    id: str
    at: datetime
    kind: EventKind
    actor: str
    detail: str
    data: dict[str, str]

    @classmethod
    def of(cls, e: AuditEvent) -> EventOut:
        return cls(
            id=e.id, at=e.at, kind=e.kind, actor=e.actor, detail=e.summary, data=dict(e.data)
        )


class EventList(_Out):
    items: list[EventOut]


# --------------------------------------------------------------------------- health


class Liveness(_Out):
    status: str


class ReadinessProblem(_Out):
    check: str
    code: str
    detail: str


class Readiness(_Out, omit_defaults=True):
    status: str
    checks: dict[str, str]
    # A failing check that names its catalogue code (e.g. APP_CREDENTIALS_REJECTED).
    problems: list[ReadinessProblem] | None = None
    # Still ready, but something needs doing soon (a client secret's rotate-by date).
    warnings: list[str] | None = None
