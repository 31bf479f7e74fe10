"""A connection: one Amazon account connected to a team, with one grant per channel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from attrs import define, field

from domain.errors import (
    AdsSpMismatch,
    PlanRequired,
    ProfileNotSelectable,
    WrongAccount,
)
from domain.grant import Channel, Grant, TokenReport, TokenStatus
from domain.profile import Profile, auto_selected_profile
from domain.secret import Secret


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

_RECONNECT_ORDER = (
    TokenStatus.REVOKED,
    TokenStatus.EXPIRED,
    TokenStatus.EXPIRING,
    TokenStatus.MISSING,
)

_HEALTH_ORDER = [
    Health.CONNECTED,
    Health.EXPIRING,
    Health.INCOMPLETE,
    Health.RECONNECT_REQUIRED,
]


def _grant_health(report: TokenReport, grant: Grant) -> Health:
    if report.status is TokenStatus.CURRENT:
        return Health.CONNECTED
    if report.status is TokenStatus.EXPIRING:
        return Health.EXPIRING
    if report.status is TokenStatus.MISSING and not grant.ever_authorized:
        return Health.INCOMPLETE
    return Health.RECONNECT_REQUIRED


@define
class Connection:
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
        if self.disconnected_at is not None:
            return Health.DISCONNECTED
        worst = Health.CONNECTED
        for channel in sorted(self.required_channels):
            grant = self.grants[channel]
            health = _grant_health(grant.status_at(now), grant)
            if _HEALTH_ORDER.index(health) > _HEALTH_ORDER.index(worst):
                worst = health
        return worst

    def usable_at(self, now: datetime, channel: Channel) -> bool:
        return self.disconnected_at is None and self.grants[channel].status_at(now).usable

    @property
    def account_ids(self) -> frozenset[str]:
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

    # -- authorizing -------------------------------------------------------------------

    def check_identity(self, channel: Channel, account_id: str | None) -> None:
        """The account Amazon just authorized must be this connection's account.

        Reauthorizing a channel with another account is WRONG_ACCOUNT (seed 003: "You
        connected the wrong Amazon account"). Adding the other channel with another account
        is ADS_SP_MISMATCH (seed 002), compared only when both ids are known (AMAZON.md)."""
        if account_id is None:
            return
        own = self.selling_partner_id if channel is Channel.SP_API else self.ads_account_id
        if own is not None:
            if own != account_id:
                raise WrongAccount(
                    "You signed in to a different Amazon account than this connection's.",
                    context={"channel": str(channel)},
                )
            return
        other = self.ads_account_id if channel is Channel.SP_API else self.selling_partner_id
        if other is not None and other != account_id and self.account_type is AccountType.SELLER:
            raise AdsSpMismatch(
                "The advertising account and the Selling Partner API account are different "
                "Amazon accounts.",
                context={"channel": str(channel)},
            )

    def authorize(
        self,
        channel: Channel,
        *,
        refresh_token: Secret,
        scopes: tuple[str, ...],
        account_id: str | None,
        at: datetime,
        access_token: Secret | None = None,
        access_token_expires_at: datetime | None = None,
    ) -> datetime | None:
        """Store a fresh consent. Returns when the connection had stopped being usable, if
        this consent brings it back (the start of the gap to backfill), else None."""
        self.check_identity(channel, account_id)
        self.mark_unusable_from_grant(channel, at)
        if channel is Channel.SP_API and account_id:
            self.selling_partner_id = account_id
        if channel is Channel.ADS and account_id:
            self.ads_account_id = account_id
        self.grants[channel].authorize(
            refresh_token=refresh_token,
            scopes=scopes,
            account_id=account_id,
            at=at,
            access_token=access_token,
            access_token_expires_at=access_token_expires_at,
        )
        self.disconnected_at = None
        gap_start = self.unusable_since
        if self.health_at(at) in (Health.CONNECTED, Health.EXPIRING):
            self.unusable_since = None
            return gap_start
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

    def disconnect(self, at: datetime) -> None:
        """DESIGN §3.8: tokens deleted, the record and its history kept."""
        for grant in self.grants.values():
            grant.forget()
        self.disconnected_at = at
        self.mark_unusable(at)

    # -- profiles ----------------------------------------------------------------------

    def offer_profiles(self, profiles: list[Profile], selectable: list[Profile]) -> bool:
        """Amazon returned these profiles. Keeps a still-offered selection; auto-selects
        only a single selectable profile. Returns whether a profile was auto-selected."""
        self.profiles = list(profiles)
        ids = {p.profile_id for p in profiles}
        if self.selected_profile_id not in ids:
            self.selected_profile_id = None
            self.profile_auto_selected = False
        if self.selected_profile_id is None:
            chosen = auto_selected_profile(profiles, selectable)
            if chosen is not None:
                self.selected_profile_id = chosen.profile_id
                self.profile_auto_selected = True
                return True
        return False

    def choose_profile(self, profile_id: str, selectable: list[Profile]) -> Profile:
        profile = next((p for p in self.profiles if p.profile_id == profile_id), None)
        if profile is None:
            raise ProfileNotSelectable(
                f"Profile {profile_id} is not one of this account's advertising profiles.",
                context={"profile_id": profile_id},
            )
        if profile not in selectable:
            raise PlanRequired(
                f"The {profile.country_code} profile is Coming Soon on your plan.",
                context={"profile_id": profile_id, "country_code": profile.country_code},
            )
        self.selected_profile_id = profile.profile_id
        self.profile_auto_selected = False
        return profile
