"""A connection as it stands: one Amazon account of a team, its grants (one per channel) and
advertising profiles, and what they mean at an instant: its health (the worst of the
required grants, DESIGN §2), the channel to reconnect, the channels its data comes through
and why a marketplace's setup would wait. `Connection` (domain/connection.py) is this plus
what happens to it; `domain/connection.py` re-exports the names below, where most code
imports them from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from attrs import define, field

from domain.errors import AuthorizationRequired, DomainError, TokenExpired, TokenRevoked
from domain.events import SYSTEM_ACTOR, EventKind, EventScope, EventSource
from domain.grant import CHANNEL_NAMES, Channel, Grant, TokenReport, TokenStatus
from domain.profile import Profile


class AccountType(StrEnum):
    SELLER = "seller"
    VENDOR = "vendor"


class Region(StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"


class Health(StrEnum):
    """DESIGN §2's three health words, plus two a demanding UI needs: `incomplete` (a
    required channel was never authorized: the person is mid-onboarding, nothing expired)
    and `disconnected` (the team removed it; its history is kept)."""

    CONNECTED = "connected"
    EXPIRING = "expiring"
    RECONNECT_REQUIRED = "reconnect_required"
    INCOMPLETE = "incomplete"
    DISCONNECTED = "disconnected"


# Seed 002: a seller needs Ads (AAA) and SP-API; for a vendor SP-API "is not necessary".
DEFAULT_REQUIRED_CHANNELS: Mapping[AccountType, frozenset[Channel]] = MappingProxyType(
    {
        AccountType.SELLER: frozenset({Channel.ADS, Channel.SP_API}),
        AccountType.VENDOR: frozenset({Channel.ADS}),
    }
)

_HEALTH_ORDER = [
    Health.CONNECTED,
    Health.EXPIRING,
    Health.INCOMPLETE,
    Health.RECONNECT_REQUIRED,
]


def _grant_health(report: TokenReport, ever_authorized: bool) -> Health:
    if report.status is TokenStatus.CURRENT:
        return Health.CONNECTED
    if report.status is TokenStatus.EXPIRING:
        return Health.EXPIRING
    if report.status is TokenStatus.MISSING and not ever_authorized:
        return Health.INCOMPLETE
    return Health.RECONNECT_REQUIRED


def health_of(*, disconnected: bool, required_grants: Iterable[tuple[TokenReport, bool]]) -> Health:
    """Worst of the required grants (DESIGN §2), each given as its token report and whether
    it was ever authorized: the rule `Connection.health_at` applies, usable by a read model
    that has the facts but not the aggregate."""
    if disconnected:
        return Health.DISCONNECTED
    worst = Health.CONNECTED
    for report, ever_authorized in required_grants:
        health = _grant_health(report, ever_authorized)
        if _HEALTH_ORDER.index(health) > _HEALTH_ORDER.index(worst):
            worst = health
    return worst


_RECONNECT_ORDER = (
    TokenStatus.REVOKED,
    TokenStatus.EXPIRED,
    TokenStatus.EXPIRING,
    TokenStatus.MISSING,
)


@define
class ConnectionState(EventSource):
    """The connection's data and what it means at an instant; `Connection` adds the
    changes."""

    id: str
    team_id: str
    account_type: AccountType
    region: Region
    created_at: datetime
    display_name: str = ""
    selling_partner_id: str | None = None
    ads_account_id: str | None = None
    grants: dict[Channel, Grant] = field(factory=dict)
    required_channels: frozenset[Channel] = field()
    profiles: list[Profile] = field(factory=list)
    selected_profile_id: str | None = None
    profile_auto_selected: bool = False
    disconnected_at: datetime | None = None
    # When the connection last stopped being usable; the gap a reconnect must backfill
    # starts here (seed 004).
    unusable_since: datetime | None = None
    version: int = 0

    @required_channels.default
    def _default_required_channels(self) -> frozenset[Channel]:
        return DEFAULT_REQUIRED_CHANNELS[self.account_type]

    def __attrs_post_init__(self) -> None:
        for channel in Channel:
            self.grants.setdefault(channel, Grant(channel))

    # -- reading -----------------------------------------------------------------------

    def grant(self, channel: Channel) -> Grant:
        return self.grants[channel]

    def health_at(self, now: datetime) -> Health:
        """Worst of the required grants (DESIGN §2)."""
        return health_of(
            disconnected=self.disconnected_at is not None,
            required_grants=(
                (self.grants[c].status_at(now), self.grants[c].ever_authorized)
                for c in sorted(self.required_channels)
            ),
        )

    def usable_at(self, now: datetime, channel: Channel) -> bool:
        return self.disconnected_at is None and self.grants[channel].status_at(now).usable

    @property
    def account_ids(self) -> frozenset[str]:
        """The ids that make this connection's Amazon account, for "one live connection per
        account" (domain/rules.py). A vendor's selling partner id is not one of them: it
        comes back through the person's browser and Amazon has no call that confirms it
        for a vendor (the Sellers API is Seller Central's), so counting it would let one
        vendor claim another's id and lock that vendor out. A vendor is its Ads account."""
        if self.account_type is AccountType.VENDOR:
            return frozenset(i for i in (self.ads_account_id,) if i)
        return frozenset(i for i in (self.selling_partner_id, self.ads_account_id) if i)

    @property
    def selected_profile(self) -> Profile | None:
        return next((p for p in self.profiles if p.profile_id == self.selected_profile_id), None)

    def channel_to_reconnect(self, now: datetime) -> Channel:
        """Seed 004: the grant that stopped working is the one to authorize again; an
        expiring one comes next, then one never authorized (a seller who only did Ads)."""
        required = [self.grants[c] for c in sorted(self.required_channels)]
        for status in _RECONNECT_ORDER:
            for grant in required:
                if grant.status_at(now).status is status:
                    return grant.channel
        return Channel.ADS

    def missing_channels(self) -> list[Channel]:
        return [c for c in sorted(self.required_channels) if not self.grants[c].ever_authorized]

    @property
    def is_seller(self) -> bool:
        return self.account_type is AccountType.SELLER

    def data_channels(self) -> tuple[Channel, ...]:
        """The channels a marketplace's setup and sync read through (DESIGN §9): a seller's
        data comes through the Selling Partner API, whatever Ads says; a vendor's through
        Amazon Ads, plus the Selling Partner API while a Vendor Central consent is held
        (seed 002: "not necessary", "highly recommended" for Sales & Traffic)."""
        if self.account_type is AccountType.SELLER:
            return (Channel.SP_API,)
        if self.grants[Channel.SP_API].refresh_token is not None:
            return (Channel.ADS, Channel.SP_API)
        return (Channel.ADS,)

    def setup_blocker(self, now: datetime) -> DomainError | None:
        """Why a marketplace of this connection cannot pass setup now, as the catalogue
        error whose fix is the next step; None when it can. Nothing may wait in Setting up
        without a reason (a seller's marketplace once reached Ready on Ads alone)."""
        for channel in self.data_channels():
            grant = self.grants[channel]
            name = CHANNEL_NAMES[channel]
            status = grant.status_at(now).status
            if self.disconnected_at is None and status in (
                TokenStatus.CURRENT,
                TokenStatus.EXPIRING,
            ):
                continue
            context = {"channel": str(channel)}
            if status is TokenStatus.REVOKED:
                return TokenRevoked(
                    f"Amazon revoked the {name} authorization: Reconnect the {name}; setup "
                    "continues by itself.",
                    context=context,
                )
            if status is TokenStatus.EXPIRED:
                return TokenExpired(
                    f"The {name} authorization expired: Reconnect the {name}; setup "
                    "continues by itself.",
                    context=context,
                )
            verb = "Reconnect" if grant.ever_authorized else "Authorize"
            whose = "a seller's" if self.account_type is AccountType.SELLER else "this"
            return AuthorizationRequired(
                f"Waiting for the {name}: {whose} marketplaces are set up through it. "
                f"{verb} the {name}; setup continues by itself.",
                context=context,
            )
        return None

    def mark_unusable_from_grant(self, channel: Channel, now: datetime) -> None:
        """A grant that lapsed unnoticed (no sweep ran) still dates the gap: from its
        revocation or the end of its authorization."""
        grant = self.grants[channel]
        report = grant.status_at(now)
        if report.status is TokenStatus.REVOKED and grant.revoked_at is not None:
            self.mark_unusable(grant.revoked_at)
        elif report.status is TokenStatus.EXPIRED and grant.expires_at is not None:
            self.mark_unusable(grant.expires_at)

    def mark_unusable(self, at: datetime) -> None:
        if self.unusable_since is None or at < self.unusable_since:
            self.unusable_since = at

    def facts_at(self, at: datetime) -> dict[str, object]:
        """Which account this is and how it stands, for whoever hears of a change (a
        webhook's `data`, DESIGN §13) without calling back."""
        return {
            "account_type": self.account_type,
            "region": self.region,
            "selling_partner_id": self.selling_partner_id,
            "display_name": self.display_name or None,
            "health": self.health_at(at),
        }

    def _health_changed(
        self,
        before: Health,
        *,
        at: datetime,
        reason: str,
        actor: str = SYSTEM_ACTOR,
        error_code: str | None = None,
    ) -> None:
        after = self.health_at(at)
        if after is before:
            return
        self.announce_change(
            EventKind.CONNECTION_HEALTH_CHANGED,
            actor=actor,
            summary=f"Health {before} -> {after}: {reason}",
            at=at,
            data={
                **self.facts_at(at),
                "health_before": before,
                "health_after": after,
                "reason": reason,
                "error_code": error_code,
            },
        )

    def event_scope(self) -> EventScope:
        return EventScope(self.team_id, self.id)
