"""Read models: what the web API, the CLI and the features show, computed at one instant.

One attrs class per view, named as API.md names the fields. The web API's JSON, its OpenAPI
schema (each field's `description` below becomes the property's description) and the CLI's
`--json` are all derived from these classes by the driving adapters (`adapters/formats`), so
a field is added here once and appears everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from attrs import field, fields, frozen

from application.queries import ConnectionFacts, GrantFacts
from domain.connection import AccountType, Connection, Health, Region, health_of
from domain.copies import copied
from domain.events import AuditEvent, EventKind
from domain.grant import Channel, Grant, TokenReport, TokenStatus, token_status_at
from domain.marketplace import Marketplace, MarketplaceState
from domain.profile import AdsAccountType, Profile


def about(description: str) -> dict[str, Any]:
    """A field's description, for the OpenAPI schema and the support guide."""
    return {"description": description}


class NextStep(StrEnum):
    """Where the onboarding goes after a callback (API.md)."""

    AUTHORIZE_ADS = "authorize_ads"
    AUTHORIZE_SP_API = "authorize_sp_api"
    CHOOSE_PROFILE = "choose_profile"
    CHOOSE_MARKETPLACES = "choose_marketplaces"
    DONE = "done"


@frozen
class GrantView:
    """One channel's authorization and its token, in the help pages' words."""

    channel: Channel = field(
        metadata=about("`ads` (Amazon Ads) or `sp_api` (Selling Partner API).")
    )
    status: TokenStatus = field(metadata=about("The refresh token's state at this instant."))
    status_text: str = field(
        metadata=about('What the person reads: "Current", "expires in 12 days", "Revoked"...')
    )
    required: bool = field(
        metadata=about("Whether the account type needs this channel (a vendor's SP-API is not).")
    )
    authorized_at: datetime | None = field(metadata=about("When the person last authorized it."))
    expires_at: datetime | None = field(
        metadata=about("When the authorization ends (SP-API: a year after authorizing).")
    )
    last_refresh_at: datetime | None = field(
        metadata=about("When sellerlink last asked Amazon for an access token.")
    )
    last_refresh_error: str | None = field(
        metadata=about("The catalogue code of the last failed refresh, if the last one failed.")
    )

    @classmethod
    def of(cls, grant: Grant | GrantFacts, report: TokenReport, *, required: bool) -> GrantView:
        """The grant (or what a read loaded of it) with its token report at this instant."""
        return copied(cls, grant, status=report.status, status_text=report.text, required=required)


@frozen
class _ProfileShown:
    """What every view of an advertising profile shows, as Amazon Ads describes it."""

    profile_id: str = field(metadata=about("Amazon Ads profile id."))
    country_code: str = field(metadata=about("The profile's country (ISO 3166, e.g. US)."))
    currency_code: str = field(metadata=about("The profile's currency (ISO 4217, e.g. USD)."))
    marketplace_id: str = field(metadata=about("The Amazon marketplace id of the profile."))
    account_name: str = field(metadata=about("The advertising account's name on Amazon."))
    account_type: AdsAccountType = field(metadata=about("seller, vendor or agency."))


@frozen
class SelectedProfile(_ProfileShown):
    """The Amazon Ads advertising profile the connection works with."""

    account_id: str = field(metadata=about("The advertising account's id on Amazon."))
    auto_selected: bool = field(
        metadata=about("Chosen by sellerlink because Amazon returned exactly one profile.")
    )

    @classmethod
    def of(cls, profile: Profile, *, auto_selected: bool) -> SelectedProfile:
        return copied(cls, profile, auto_selected=auto_selected)


SUMMARY_STATES = (
    MarketplaceState.READY,
    MarketplaceState.SYNCING,
    MarketplaceState.SETTING_UP,
    MarketplaceState.FAILED,
    MarketplaceState.ESCALATED,
)


@frozen
class MarketplacesSummary:
    """How many of the connection's marketplaces are in each state worth a glance."""

    ready: int = field(metadata=about('Marketplaces shown as "Ready".'))
    syncing: int = field(metadata=about('Marketplaces shown as "Syncing...".'))
    setting_up: int = field(metadata=about('Marketplaces shown as "Setting up...".'))
    failed: int = field(metadata=about("Marketplaces whose setup failed (Retry helps)."))
    escalated: int = field(metadata=about("Marketplaces escalated to support."))

    @classmethod
    def of(cls, counts: Mapping[MarketplaceState, int]) -> MarketplacesSummary:
        return cls(*(counts.get(state, 0) for state in SUMMARY_STATES))

    def items(self) -> list[tuple[str, int]]:
        return [(f.name, getattr(self, f.name)) for f in fields(MarketplacesSummary)]


@frozen
class ConnectionView:
    """One Amazon account connected to a team (API.md "Connections")."""

    id: str = field(metadata=about("The connection's id; it survives reconnects."))
    team_id: str = field(metadata=about("The team that connected the account."))
    account_type: AccountType = field(metadata=about("seller or vendor."))
    region: Region = field(metadata=about("Amazon region: NA, EU or FE."))
    selling_partner_id: str | None = field(
        metadata=about("The seller id (merchant token), once the SP-API is authorized.")
    )
    ads_account_id: str | None = field(metadata=about("The Amazon Ads account id, once known."))
    display_name: str = field(metadata=about("The account's name as Amazon gives it."))
    health: Health = field(
        metadata=about("The worst state of the required grants, or incomplete/disconnected.")
    )
    created_at: datetime = field(metadata=about("When the account was first connected."))
    disconnected_at: datetime | None = field(
        metadata=about("When the team disconnected it (tokens deleted, history kept).")
    )
    grants: tuple[GrantView, ...] = field(metadata=about("One entry per channel."))
    profile: SelectedProfile | None = field(
        metadata=about("The selected advertising profile; null until one is chosen.")
    )
    profile_auto_selected: bool = field(
        metadata=about("The profile was chosen automatically (Amazon returned only one).")
    )
    marketplaces_summary: MarketplacesSummary = field(
        metadata=about("Marketplace counts by state.")
    )
    version: int = field(metadata=about("Changes whenever the connection changes."))

    @classmethod
    def of(
        cls, connection: Connection, marketplaces: Iterable[Marketplace], *, now: datetime
    ) -> ConnectionView:
        """The aggregate shown as the read side shows it: from the same facts, so the two
        never disagree."""
        return cls.of_facts(ConnectionFacts.of(connection, marketplaces), now=now)

    @classmethod
    def of_facts(cls, facts: ConnectionFacts, *, now: datetime) -> ConnectionView:
        """The view from what the read side loads (no aggregate, no history)."""
        by_channel = {g.channel: g for g in facts.grants}
        for channel in Channel:  # as Connection holds one per channel
            by_channel.setdefault(channel, GrantFacts.never_authorized(channel))
        reports = {
            c: token_status_at(
                now,
                revoked_at=g.revoked_at,
                has_refresh_token=g.has_refresh_token,
                expires_at=g.expires_at,
            )
            for c, g in by_channel.items()
        }
        required = facts.required_channels
        return copied(
            cls,
            facts,
            health=health_of(
                disconnected=facts.disconnected_at is not None,
                required_grants=(
                    (reports[c], by_channel[c].authorized_at is not None) for c in sorted(required)
                ),
            ),
            grants=tuple(
                GrantView.of(g, reports[c], required=c in required)
                for c, g in sorted(by_channel.items())
            ),
            profile=None
            if facts.profile is None
            else SelectedProfile.of(facts.profile, auto_selected=facts.profile_auto_selected),
            marketplaces_summary=MarketplacesSummary.of(facts.marketplace_states),
        )

    def grant(self, channel: Channel) -> GrantView:
        return next(g for g in self.grants if g.channel is channel)


@frozen
class ConnectionWithWarnings(ConnectionView):
    """The connection after a choice, with the warnings the choice raised (seed 002's
    NO_ACTIVE_CAMPAIGNS); the list is empty when there are none."""

    warnings: tuple[str, ...] = field(
        default=(), metadata=about("Catalogue codes of warnings; see GET /errors/{code}.")
    )

    @classmethod
    def with_warnings(cls, view: ConnectionView, warnings: Iterable[str]) -> ConnectionWithWarnings:
        return copied(cls, view, warnings=tuple(str(w) for w in warnings))


@frozen
class ConnectionPage:
    """A page of the team's connections in a stable order (oldest first, then by id)."""

    items: tuple[ConnectionView, ...] = field(metadata=about("The connections on this page."))
    next_cursor: str | None = field(
        metadata=about("Pass as `after` for the next page; null on the last page.")
    )
    has_more: bool = field(metadata=about("Whether another page follows."))


@frozen
class ProfileView(_ProfileShown):
    """An advertising profile Amazon returned, and whether it may be chosen."""

    selectable: bool = field(metadata=about("Whether the team's plan lets it be chosen."))
    selected: bool = field(metadata=about("Whether it is the connection's profile."))
    reason: str | None = field(metadata=about("Why it cannot be chosen, when it cannot."))

    @classmethod
    def of(
        cls, profile: Profile, *, selectable: bool, selected: bool, reason: str | None
    ) -> ProfileView:
        return copied(cls, profile, selectable=selectable, selected=selected, reason=reason)


@frozen
class ProfileList:
    """The profiles to choose from (seed 000: auto-selected only when there is one)."""

    items: tuple[ProfileView, ...] = field(metadata=about("Every profile Amazon returned."))
    selected_profile_id: str | None = field(metadata=about("The chosen profile, if any."))
    auto_selected: bool = field(metadata=about("The choice was made automatically."))


@frozen
class EventView:
    """One entry of the audit trail: who changed what, when and why."""

    id: str = field(metadata=about("The event's id."))
    at: datetime = field(metadata=about("When it happened."))
    kind: EventKind = field(metadata=about("What kind of change it records."))
    actor: str = field(metadata=about('Who: a user, "system" or "support:NAME".'))
    detail: str = field(metadata=about("What happened, in plain words."))
    team_id: str = field(metadata=about("The team it belongs to."))
    connection_id: str | None = field(metadata=about("The connection, when it concerns one."))
    data: dict[str, str] = field(metadata=about("Facts for programs (ids, counts, codes)."))

    @classmethod
    def of(cls, e: AuditEvent) -> EventView:
        return copied(cls, e, detail=e.summary, data={str(k): str(v) for k, v in e.data.items()})


@frozen
class EventList:
    """A page of a connection's timeline."""

    items: tuple[EventView, ...] = field(metadata=about("The events, in time order."))


def next_step(connection: Connection, marketplaces: list[Marketplace]) -> NextStep:
    """The first thing still missing, in the order the help pages walk through."""
    for channel in connection.missing_channels():
        return NextStep.AUTHORIZE_ADS if channel is Channel.ADS else NextStep.AUTHORIZE_SP_API
    if connection.profiles and connection.selected_profile_id is None:
        return NextStep.CHOOSE_PROFILE
    if marketplaces and not any(m.selected for m in marketplaces):
        return NextStep.CHOOSE_MARKETPLACES
    return NextStep.DONE
