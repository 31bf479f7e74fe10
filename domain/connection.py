"""A connection: one Amazon account connected to a team, with one grant per channel.

It announces what happens to it and to its grants (domain/events.py): being connected,
reconnected or disconnected, its profiles, its tokens lapsing, and what its listings and
backfills did, since those are told to the team and support per connection. What it holds
and how that reads at an instant (health, the channel to reconnect, why setup waits) is in
`connection_state.py`; its names are importable from here too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from attrs import define

from domain.connection_state import (
    DEFAULT_REQUIRED_CHANNELS,
    AccountType,
    ConnectionState,
    Health,
    Region,
    health_of,
)
from domain.errors import (
    AdsSpMismatch,
    PlanRequired,
    ProfileNotSelectable,
    WrongAccount,
)
from domain.events import SYSTEM_ACTOR, EventKind
from domain.grant import CHANNEL_NAMES, Channel, Consent, describe_remaining
from domain.profile import Profile, auto_selected_profile

__all__ = [
    "DEFAULT_REQUIRED_CHANNELS",
    "AccountType",
    "Connection",
    "ConnectionState",
    "Health",
    "Region",
    "health_of",
]


@define
class Connection(ConnectionState):
    """An Amazon account connected to a team, and what happens to it: consents given and
    withdrawn, tokens lapsing, profiles offered and chosen, and what its jobs did, each
    announced on its timeline. What it is and how it reads at an instant is
    `ConnectionState` (connection_state.py)."""

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
        self, channel: Channel, consent: Consent, *, at: datetime, actor: str = SYSTEM_ACTOR
    ) -> datetime | None:
        """Store a fresh consent. Returns when the connection had stopped being usable, if
        this consent brings it back (the start of the gap to backfill), else None.

        A connection is stored only once a consent succeeded, so one with no grant ever
        authorized is being created by this consent; one whose channel was authorized before,
        or that had stopped being usable, is reconnected; else a channel is added."""
        account_id = consent.account_id
        self.check_identity(channel, account_id)
        created = not any(g.ever_authorized for g in self.grants.values())
        health_before = None if created else self.health_at(at)
        was_authorized = self.grants[channel].ever_authorized
        self.mark_unusable_from_grant(channel, at)
        if channel is Channel.SP_API and account_id:
            self.selling_partner_id = account_id
        if channel is Channel.ADS and account_id:
            self.ads_account_id = account_id
        self.grants[channel].authorize(consent, at=at)
        self.disconnected_at = None
        gap_start = self.unusable_since
        if self.health_at(at) in (Health.CONNECTED, Health.EXPIRING):
            self.unusable_since = None
        else:
            gap_start = None
        if created:
            kind, verb = EventKind.CONNECTION_CREATED, "connected"
        elif was_authorized or gap_start is not None:
            kind, verb = EventKind.CONNECTION_RECONNECTED, "reconnected"
        else:
            kind, verb = EventKind.CHANNEL_AUTHORIZED, "authorized"
        if health_before is not None:
            self._health_changed(health_before, at=at, reason=f"{channel} {verb}", actor=actor)
        self.announce_change(
            kind,
            actor=actor,
            summary=f"{channel} {verb} for account "
            f"{self.selling_partner_id or self.ads_account_id}",
            at=at,
            data={"channel": channel, "account_id": account_id, **self.facts_at(at)},
        )
        return gap_start

    def disconnect(self, at: datetime, actor: str = SYSTEM_ACTOR) -> None:
        """DESIGN §3.8: tokens deleted, the record and its history kept."""
        before = self.health_at(at)
        for grant in self.grants.values():
            grant.forget()
        self.disconnected_at = at
        self.mark_unusable(at)
        self._health_changed(before, at=at, reason="disconnected by the team", actor=actor)
        self.announce_change(
            EventKind.CONNECTION_DISCONNECTED,
            actor=actor,
            summary="Disconnected: tokens deleted, history kept",
            at=at,
            data={**self.facts_at(at), "health_before": before},
        )

    # -- tokens ------------------------------------------------------------------------

    def refresh_failed(self, channel: Channel, *, error_code: str, at: datetime) -> None:
        """Amazon was down or throttled: the grant stays as it was and the refresh is retried."""
        self.grants[channel].record_refresh_failure(error_code=error_code, at=at)
        self.announce_change(
            EventKind.TOKEN_REFRESH_FAILED,
            actor=SYSTEM_ACTOR,
            summary=f"{channel} token refresh failed ({error_code}); will retry",
            at=at,
        )

    def refresh_token_refused(self, channel: Channel, *, at: datetime) -> None:
        """Amazon answered `invalid_grant`: only a new consent helps."""
        before = self.health_at(at)
        self.grants[channel].revoke(at=at)
        self.mark_unusable(at)
        summary = f"Amazon refused the {channel} refresh token: reconnect required"
        # A second channel refused later changes nothing the product was not told.
        told = {"channel": channel, "health_before": before}
        self._lapsed(EventKind.TOKEN_REVOKED, "TOKEN_REVOKED", before, summary, at=at, data=told)

    def notice_expiry(self, channel: Channel, *, at: datetime, data: Mapping[str, str]) -> bool:
        """The authorization's year is over (AMAZON.md): noticed once, at its first lapse,
        whether by a refresh or by the expiry sweep. Returns whether this was the first."""
        if self.unusable_since is not None:
            return False
        grant = self.grants[channel]
        ended = grant.expires_at or at
        # Time made it expire: the health before is the one just before its end.
        before = self.health_at(ended - timedelta(seconds=1))
        self.mark_unusable(ended)
        summary = (
            f"The {CHANNEL_NAMES[channel]} authorization expired: reconnect required "
            "(Amazon asks sellers to re-authorize every 12 months)"
        )
        self._lapsed(EventKind.TOKEN_EXPIRED, "TOKEN_EXPIRED", before, summary, at=at, data=data)
        return True

    def _lapsed(
        self,
        kind: EventKind,
        code: str,
        before: Health,
        summary: str,
        *,
        at: datetime,
        data: Mapping[str, object],
    ) -> None:
        """A grant stopped working: what that did to the health, then the lapse itself, both
        with the catalogue code a product acts on."""
        self._health_changed(before, at=at, reason=summary, error_code=code)
        self.announce_change(
            kind,
            actor=SYSTEM_ACTOR,
            summary=summary,
            at=at,
            data={**data, **self.facts_at(at), "error_code": code},
        )

    def warn_expiry(
        self,
        channel: Channel,
        *,
        at: datetime,
        data: Mapping[str, str],
        health_before: Health | None = None,
    ) -> None:
        """One of the warnings before an authorization's year ends (grant.py's stages).
        Time moves the health here (connected -> expiring): `health_before` is what the
        previous warning found, so the change is announced once."""
        expires_at = self.grants[channel].expires_at
        remaining = describe_remaining(expires_at - at) if expires_at else "expires soon"
        if health_before is not None:
            self._health_changed(
                health_before,
                at=at,
                reason=f"the {CHANNEL_NAMES[channel]} authorization {remaining}",
            )
        days_left = (expires_at - at).days if expires_at else None
        self.announce_change(
            EventKind.TOKEN_EXPIRING,
            actor=SYSTEM_ACTOR,
            summary=f"The {CHANNEL_NAMES[channel]} authorization {remaining}: reconnect "
            "before then to keep data flowing",
            at=at,
            data={**data, **self.facts_at(at), "remaining": remaining, "days_left": days_left},
        )

    # -- what happened under this connection -------------------------------------------

    def backfill_scheduled(self, *, gap_start: datetime, at: datetime) -> None:
        """Seed 004: "Any missed data will typically be retrieved through a backfill"."""
        self.announce_change(
            EventKind.BACKFILL_SCHEDULED,
            actor=SYSTEM_ACTOR,
            summary=f"Missed data since {gap_start.isoformat()} will be retrieved",
            at=at,
            data={"from": gap_start.isoformat(), "until": at.isoformat()},
        )

    def warn(self, code: str, *, summary: str, at: datetime, data: Mapping[str, str]) -> None:
        """A warning beside a successful result (the catalogue's `warning` codes)."""
        self.announce_change(
            EventKind.WARNING, actor="amazon", summary=summary, at=at, data={"code": code, **data}
        )

    def hand_out_access_token(self, channel: Channel, *, to: str, at: datetime) -> None:
        """A product took a fresh access token (DESIGN §11): the timeline names who took it,
        never the token."""
        self.announce_change(
            EventKind.ACCESS_TOKEN_ISSUED,
            actor=to,
            summary=f"{channel} access token handed to {to}",
            at=at,
            data={"channel": str(channel)},
        )

    # -- profiles ----------------------------------------------------------------------

    def offer_profiles(
        self, profiles: list[Profile], selectable: list[Profile], *, at: datetime
    ) -> bool:
        """Amazon returned these profiles. Keeps a still-offered selection; auto-selects
        only a single selectable profile. Returns whether a profile was auto-selected."""
        countries = ", ".join(p.country_code for p in profiles)
        self.announce_change(
            EventKind.PROFILES_OFFERED,
            actor="amazon",
            summary=f"Amazon returned {len(profiles)} advertising profile(s): {countries}",
            at=at,
        )
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
                self.announce_change(
                    EventKind.PROFILE_SELECTED,
                    actor=SYSTEM_ACTOR,
                    summary=f"Profile {chosen.profile_id} selected automatically "
                    "(the only profile)",
                    at=at,
                )
                return True
        return False

    def choose_profile(
        self, profile_id: str, selectable: list[Profile], *, at: datetime, actor: str
    ) -> Profile:
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
        self.announce_change(
            EventKind.PROFILE_SELECTED,
            actor=actor,
            summary=f"Profile {profile.profile_id} ({profile.country_code}) selected",
            at=at,
        )
        return profile
