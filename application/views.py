"""Read models: what the web API, the CLI and the features show, computed at one instant."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from enum import StrEnum
from typing import Any

from attrs import frozen

from domain.connection import AccountType, Connection, Health, Region
from domain.grant import Channel, Grant, TokenStatus
from domain.marketplace import Marketplace, MarketplaceState, Transition
from domain.profile import Profile
from domain.team import Team


class NextStep(StrEnum):
    """Where the onboarding goes after a callback (API.md)."""

    AUTHORIZE_ADS = "authorize_ads"
    AUTHORIZE_SP_API = "authorize_sp_api"
    CHOOSE_PROFILE = "choose_profile"
    CHOOSE_MARKETPLACES = "choose_marketplaces"
    DONE = "done"


@frozen
class GrantView:
    channel: Channel
    status: TokenStatus
    status_text: str
    required: bool
    authorized_at: datetime | None
    expires_at: datetime | None
    last_refresh_at: datetime | None
    last_refresh_error: str | None

    @classmethod
    def of(cls, grant: Grant, *, required: bool, now: datetime) -> GrantView:
        report = grant.status_at(now)
        return cls(
            channel=grant.channel,
            status=report.status,
            status_text=report.text,
            required=required,
            authorized_at=grant.authorized_at,
            expires_at=grant.expires_at,
            last_refresh_at=grant.last_refresh_at,
            last_refresh_error=grant.last_refresh_error,
        )


@frozen
class ConnectionView:
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
    grants: tuple[GrantView, ...]
    profile: Profile | None
    profile_auto_selected: bool
    marketplaces_summary: dict[str, int]
    version: int

    @classmethod
    def of(
        cls, connection: Connection, marketplaces: list[Marketplace], *, now: datetime
    ) -> ConnectionView:
        counts = Counter(m.state for m in marketplaces)
        summary = {
            str(state): counts.get(state, 0)
            for state in (
                MarketplaceState.READY,
                MarketplaceState.SYNCING,
                MarketplaceState.SETTING_UP,
                MarketplaceState.FAILED,
                MarketplaceState.ESCALATED,
            )
        }
        return cls(
            id=connection.id,
            team_id=connection.team_id,
            account_type=connection.account_type,
            region=connection.region,
            selling_partner_id=connection.selling_partner_id,
            ads_account_id=connection.ads_account_id,
            display_name=connection.display_name,
            health=connection.health_at(now),
            created_at=connection.created_at,
            disconnected_at=connection.disconnected_at,
            grants=tuple(
                GrantView.of(
                    connection.grants[c], required=c in connection.required_channels, now=now
                )
                for c in sorted(connection.grants)
            ),
            profile=connection.selected_profile,
            profile_auto_selected=connection.profile_auto_selected,
            marketplaces_summary=summary,
            version=connection.version,
        )

    def grant(self, channel: Channel) -> GrantView:
        return next(g for g in self.grants if g.channel is channel)


@frozen
class ProfileView:
    profile: Profile
    selectable: bool
    selected: bool
    reason: str | None


@frozen
class ProfileList:
    items: tuple[ProfileView, ...]
    selected_profile_id: str | None
    auto_selected: bool


@frozen
class MarketplaceView:
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
    # Each dataset's coverage (application/sync.py DatasetSyncView), when asked for.
    sync: tuple[Any, ...] | None = None

    @classmethod
    def of(cls, m: Marketplace, sync: tuple[Any, ...] | None = None) -> MarketplaceView:
        return cls(
            connection_id=m.connection_id,
            marketplace_id=m.marketplace_id,
            country_code=m.country_code,
            name=m.name,
            state=m.state,
            label=m.label,
            selectable=m.selectable,
            selected=m.selected,
            active=m.active,
            retries_used=m.retries_used,
            retry_limit=m.retry_limit,
            last_error=m.last_error,
            reason=m.unselectable_reason(),
            sync=sync,
        )


@frozen
class MarketplaceHistory:
    marketplace: MarketplaceView
    transitions: tuple[Transition, ...]
    retry_history: tuple[Transition, ...]


@frozen
class TeamView:
    team: Team
    role: str


def next_step(connection: Connection, marketplaces: list[Marketplace]) -> NextStep:
    """The first thing still missing, in the order the help pages walk through."""
    for channel in connection.missing_channels():
        return NextStep.AUTHORIZE_ADS if channel is Channel.ADS else NextStep.AUTHORIZE_SP_API
    if connection.profiles and connection.selected_profile_id is None:
        return NextStep.CHOOSE_PROFILE
    if marketplaces and not any(m.selected for m in marketplaces):
        return NextStep.CHOOSE_MARKETPLACES
    return NextStep.DONE
