"""Completing Amazon's callback (DESIGN §3.2; seeds 000, 002, 003, 004).

It runs in three steps so that a slow or failing Amazon never holds a transaction open and
a replayed state can never act twice:
1. consume the state atomically (one transaction);
2. talk to Amazon (no transaction);
3. store the result (one transaction), or store the failure with its code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from attrs import define, evolve, frozen

from application.campaigns import warn_without_active_campaigns
from application.context import (
    Actor,
    Ports,
    team_of,
)
from application.discovery import discover_marketplaces, offer_profiles
from application.ports import Participation, TokenGrant
from application.unit_of_work import UnitOfWork
from application.views import ConnectionView, NextStep, next_step
from domain.authorization import AuthorizationRequest
from domain.connection import AccountType, Connection
from domain.datasets import DATASETS
from domain.errors import (
    AdvertisingNotEnabled,
    AuthorizationDenied,
    CallbackAccountMissing,
    DomainError,
    ErrorCode,
    InternalError,
    OAuthStateInvalid,
    RefreshTokenFailed,
    SessionExpired,
)
from domain.grant import Channel, Consent
from domain.marketplace import Marketplace
from domain.profile import Profile
from domain.rules import OneLiveConnectionPerAccount
from domain.team import Team


@frozen
class CallbackCommand:
    """What Amazon put on the redirect. `caller` is the signed-in person when the callback
    request carries a session; the state must then belong to them."""

    channel: Channel
    state: str
    code: str | None = None
    selling_partner_id: str | None = None
    error: str | None = None
    error_description: str | None = None
    caller: Actor | None = None
    # The browser binding secret the callback request carried (OpenConsent's cookie).
    browser: str | None = None


@frozen
class CallbackResult:
    connection: ConnectionView
    next: NextStep
    return_to: str | None
    reconnected: bool
    created: bool
    warnings: tuple[ErrorCode, ...] = ()

    def outcome(self) -> dict[str, str]:
        """What the product UI at `return_to` is told on the way back (the redirect once
        dropped all but the connection id): the connection, the result, the next step, whether
        it was a reconnect, and the warnings' codes (comma-separated, only when there are)."""
        told = {
            "connection_id": self.connection.id,
            "result": "connected",
            "next": str(self.next),
            "reconnected": "true" if self.reconnected else "false",
        }
        if self.warnings:
            told["warnings"] = ",".join(str(w) for w in self.warnings)
        return told


@frozen
class _AmazonAnswer:
    tokens: TokenGrant
    account_id: str | None
    profiles: tuple[Profile, ...] = ()
    participations: tuple[Participation, ...] = ()
    display_name: str = ""


@define
class CompleteCallback:
    ports: Ports

    def __call__(self, cmd: CallbackCommand) -> CallbackResult:
        request = self._consume(cmd)
        try:
            answer = self._ask_amazon(request, cmd)
            result, auto_selected = self._store(request, answer)
        except DomainError as error:
            self._store_failure(request, error)
            _note_return_to(error, request)
            raise
        except Exception:
            # A bug or an unmapped transport error: the consumed request must still say it
            # failed (a polling UI would otherwise wait for it to expire) and support must
            # find it in the timeline. The exception itself goes on to the caller.
            self._store_failure(request, InternalError("The authorization could not be completed."))
            raise
        if auto_selected is None:
            return result
        # Step 4, after the connection is stored: a warning only (seed 002), never a failure.
        warnings = warn_without_active_campaigns(
            self.ports,
            team_id=request.team_id,
            connection_id=result.connection.id,
            region=request.ask.region,
            access_token=answer.tokens.access_token,
            profile_id=auto_selected,
        )
        return evolve(result, warnings=result.warnings + warnings)

    # step 1 ---------------------------------------------------------------------------

    def _consume(self, cmd: CallbackCommand) -> AuthorizationRequest:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            request = uow.authorizations.get(cmd.state)
            if request is None:
                raise OAuthStateInvalid("This authorization was not started here.")
            caller = cmd.caller
            try:
                request.check_usable(
                    channel=cmd.channel,
                    at=now,
                    team_id=caller.team_id if caller else None,
                    user_id=caller.user_id if caller else None,
                    browser=cmd.browser,
                )
            except SessionExpired as error:
                if request.consumed_at is None and uow.authorizations.consume(cmd.state, now):
                    request.consume(now)
                    self._fail(uow, request, error)
                    uow.commit()
                    _note_return_to(error, request)
                raise
            if not uow.authorizations.consume(cmd.state, now):
                raise OAuthStateInvalid("This authorization was already used.")
            request.consume(now)
            uow.commit()
        return request

    # step 2 ---------------------------------------------------------------------------

    def _ask_amazon(self, request: AuthorizationRequest, cmd: CallbackCommand) -> _AmazonAnswer:
        if cmd.error is not None:
            if cmd.error == "access_denied":
                raise AuthorizationDenied()
            raise RefreshTokenFailed(
                f"Amazon answered {cmd.error!r} instead of an authorization code.",
                context={"amazon_error": cmd.error},
            )
        if not cmd.code:
            raise RefreshTokenFailed("Amazon sent no authorization code.")
        if request.ask.channel is Channel.SP_API and not cmd.selling_partner_id:
            raise CallbackAccountMissing(
                "Amazon sent you back without saying which seller account was authorized."
            )
        amazon = self.ports.amazon
        tokens = amazon.exchange_code(
            request.ask.channel, request.ask.region, cmd.code, request.code_verifier
        )
        if request.ask.channel is Channel.ADS:
            profiles = amazon.list_profiles(request.ask.region, tokens.access_token)
            if not profiles:
                raise AdvertisingNotEnabled(
                    f"Amazon returned no advertising profile with View and Edit permission "
                    f"in the {request.ask.region} region.",
                    context={"region": str(request.ask.region)},
                )
            return _AmazonAnswer(
                tokens=tokens,
                account_id=_ads_account_id(profiles),
                profiles=tuple(profiles),
                display_name=profiles[0].account_name,
            )
        if request.ask.account_type is AccountType.VENDOR:
            # Vendor Central consent (seed 002: "highly recommended" for Sales & Traffic):
            # the Sellers and Listings APIs are Seller Central's, so a vendor's grant is
            # never sent there (vendors were refused with "a different region" when it was).
            # The vendor's marketplaces are its advertising profiles.
            return _AmazonAnswer(tokens=tokens, account_id=cmd.selling_partner_id)
        participations = amazon.marketplace_participations(
            request.ask.region, tokens.access_token, cmd.selling_partner_id
        )
        participating = [p for p in participations if p.participating]
        if not participating:
            raise RefreshTokenFailed(
                f"This Amazon account does not sell in any {request.ask.region} marketplace: "
                "a different region was probably selected than the one you signed in to.",
                context={"region": str(request.ask.region)},
            )
        if not amazon.confirm_selling_partner(
            request.ask.region,
            tokens.access_token,
            cmd.selling_partner_id or "",
            participating[0].marketplace_id,
        ):
            raise CallbackAccountMissing(
                "Amazon did not confirm the seller account named on the way back; start the "
                "connection again from the app.",
            )
        if request.ask.marketplace_id and request.ask.marketplace_id not in {
            p.marketplace_id for p in participating
        }:
            raise RefreshTokenFailed(
                f"You are not participating in marketplace {request.ask.marketplace_id}.",
                context={"marketplace_id": request.ask.marketplace_id},
            )
        return _AmazonAnswer(
            tokens=tokens,
            account_id=cmd.selling_partner_id,
            participations=tuple(participations),
            display_name=next((p.store_name for p in participating if p.store_name), ""),
        )

    # step 3 ---------------------------------------------------------------------------

    def _store(
        self, request: AuthorizationRequest, answer: _AmazonAnswer
    ) -> tuple[CallbackResult, str | None]:
        """The result, and the profile selected automatically by this callback (if any)."""
        now = self.ports.clock.now()
        actor = f"user:{request.user_id}"
        with self.ports.uow() as uow:
            team = team_of(uow.teams.get(request.team_id), request.team_id)
            connection, created = self._target(uow, request, team, answer, now)
            was_authorized = connection.grants[request.ask.channel].ever_authorized
            consent = Consent(
                refresh_token=answer.tokens.refresh_token,
                scopes=answer.tokens.scopes,
                account_id=answer.account_id,
                access_token=answer.tokens.access_token,
                access_token_expires_at=now + timedelta(seconds=answer.tokens.expires_in),
            )
            gap_start = connection.authorize(request.ask.channel, consent, at=now, actor=actor)
            if answer.display_name and not connection.display_name:
                connection.display_name = answer.display_name
            marketplaces = discover_marketplaces(
                uow, connection, team, answer.participations, answer.profiles, now
            )
            auto_selected = None
            if answer.profiles and offer_profiles(connection, team, answer.profiles, now):
                auto_selected = connection.selected_profile_id
            if created:
                uow.connections.add(connection)
            else:
                uow.connections.update(connection)
            reconnected = not created and (was_authorized or gap_start is not None)
            if gap_start is not None:
                self._schedule_backfill(uow, connection, marketplaces, gap_start, now)
            request.complete(connection.id)
            uow.authorizations.update(request)
            uow.commit()
            view = ConnectionView.of(connection, marketplaces, now=now)
            result = CallbackResult(
                connection=view,
                next=next_step(connection, marketplaces),
                return_to=request.ask.return_to,
                reconnected=reconnected,
                created=created,
            )
            return result, auto_selected

    def _target(
        self,
        uow: UnitOfWork,
        request: AuthorizationRequest,
        team: Team,
        answer: _AmazonAnswer,
        now: datetime,
    ) -> tuple[Connection, bool]:
        """The connection this consent belongs to: the one named at start, else the team's
        existing connection for the account (connecting again is a reconnect, never a
        duplicate), else a new one. Another team's live connection is ACCOUNT_IN_USE."""
        if request.ask.connection_id is not None:
            connection = uow.connections.get(request.ask.connection_id, for_update=True)
            if connection is None or connection.team_id != team.id:
                raise CallbackAccountMissing(
                    "The connection this authorization was for no longer exists."
                )
            connection.check_identity(request.ask.channel, answer.account_id)
            if answer.account_id is not None:
                self._refuse_account_in_use(uow, request, answer.account_id, connection.id)
            if connection.disconnected_at is not None:
                team.check_room_for_connection(len(uow.connections.list_for_team(team.id)))
            return connection, False
        if answer.account_id is None:
            raise CallbackAccountMissing("Amazon did not say which account was authorized.")
        existing = uow.connections.find_by_account(request.ask.region, [answer.account_id])
        # The team's own connection for the account is reused below, never a conflict.
        OneLiveConnectionPerAccount(request.ask.region, frozenset({answer.account_id})).check(
            [c for c in existing if c.team_id != team.id], team_id=team.id
        )
        ours = [c for c in existing if c.team_id == team.id]
        if ours:
            ours.sort(key=lambda c: (c.disconnected_at is not None, c.created_at))
            connection = ours[0]
            connection.check_identity(request.ask.channel, answer.account_id)
            if connection.disconnected_at is not None:
                team.check_room_for_connection(len(uow.connections.list_for_team(team.id)))
            return connection, False
        team.check_room_for_connection(len(uow.connections.list_for_team(team.id)))
        connection = Connection(
            id=self.ports.ids.new_id("con"),
            team_id=team.id,
            account_type=request.ask.account_type,
            region=request.ask.region,
            created_at=now,
        )
        return connection, True

    def _refuse_account_in_use(
        self, uow: UnitOfWork, request: AuthorizationRequest, account_id: str, target: str
    ) -> None:
        """Adding a channel to (or reconnecting) a named connection must not take an account
        that another live connection already holds, in any team: the account-matching path
        below is not taken when the connection is named."""
        rule = OneLiveConnectionPerAccount(request.ask.region, frozenset({account_id}), target)
        rule.check(
            uow.connections.find_by_account(request.ask.region, [account_id]),
            team_id=request.team_id,
        )

    def _schedule_backfill(
        self,
        uow: UnitOfWork,
        connection: Connection,
        marketplaces: list[Marketplace],
        gap_start: datetime,
        now: datetime,
    ) -> None:
        """Seed 004: "Any missed data will typically be retrieved through a backfill": every
        dataset that had data retrieves the gap (one that never synced starts afresh; a
        snapshot is fetched whole each cycle anyway)."""
        selected = {m.marketplace_id for m in marketplaces if m.selected}
        for cursor in uow.sync_cursors.list_for_connection(connection.id):
            snapshot = DATASETS[cursor.dataset].snapshot
            if cursor.synced_until is None or cursor.marketplace_id not in selected or snapshot:
                continue
            cursor.schedule_backfill(gap_start=gap_start, reconnected_at=now)
            uow.sync_cursors.put(cursor)
        connection.backfill_scheduled(gap_start=gap_start, at=now)

    # failures -------------------------------------------------------------------------

    def _store_failure(self, request: AuthorizationRequest, error: DomainError) -> None:
        with self.ports.uow() as uow:
            stored = uow.authorizations.get(request.state) or request
            self._fail(uow, stored, error)
            uow.commit()

    def _fail(self, uow: UnitOfWork, request: AuthorizationRequest, error: DomainError) -> None:
        request.fail(str(error.code), detail=error.detail, at=self.ports.clock.now())
        uow.authorizations.update(request)


def _note_return_to(error: DomainError, request: AuthorizationRequest) -> None:
    """A failure of a genuine request still sends the person back to where they started
    (API.md: `?result=error&code=...`); adapters read it from the error's context."""
    if request.ask.return_to:
        error.context.setdefault("return_to", request.ask.return_to)


def _ads_account_id(profiles: Sequence[Profile]) -> str | None:
    """The advertiser behind the profiles: their most common account id. An agency's
    profiles span many advertisers, so they name none."""
    ids = Counter(p.account_id for p in profiles if p.account_id and p.account_type != "agency")
    return ids.most_common(1)[0][0] if ids else None
