"""Marketplaces: choosing them, their setup, Retry and escalation (seeds 000, 001, 002)."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define, frozen

from application.context import (
    Actor,
    Ports,
    connection_marketplace,
    require_team,
    team_connection,
)
from application.marketplace_views import MarketplaceHistory, MarketplaceView
from application.queries import check_access
from application.tokens import GetAccessToken
from application.unit_of_work import UnitOfWork
from domain.connection import AccountType, Connection
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    NotFound,
    RateLimited,
    RetryLimitExceeded,
    SetupFailed,
    TokenExpired,
    TokenRevoked,
)
from domain.grant import Channel
from domain.marketplace import IN_SETUP, Marketplace, MarketplaceState, RetryOutcome
from domain.refusals import DIAGNOSED, REFUSAL_BACKOFF, refusal_reason
from domain.sync import SyncCursor
from domain.team import Permission


@define
class ListMarketplaces:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> list[MarketplaceView]:
        """Two statements: who asks with the connection's team, then the marketplaces
        without their history (shown only by GetMarketplaceHistory)."""
        team_id = require_team(actor)
        with self.ports.uow() as uow:
            access = uow.reads.access(
                team_id=team_id, viewer=actor.user_id, connection_id=connection_id
            )
            check_access(access, team_id, Permission.VIEW, connection_id, key=actor.key)
            marketplaces = uow.reads.marketplaces(connection_id)
        return [MarketplaceView.of(m) for m in sorted(marketplaces, key=_order)]


def _order(m: Marketplace) -> tuple[bool, str]:
    return (not m.selectable, m.country_code)


@frozen
class UpdateMarketplaceCommand:
    actor: Actor
    connection_id: str
    marketplace_id: str
    selected: bool | None = None
    active: bool | None = None


@define
class UpdateMarketplace:
    """Select (which starts setup of an available marketplace), deselect, or set the venue
    Active checkbox of seed 001."""

    ports: Ports

    def __call__(self, cmd: UpdateMarketplaceCommand) -> MarketplaceView:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, cmd.actor, cmd.connection_id, Permission.MANAGE_CONNECTIONS
            )
            marketplace = connection_marketplace(
                uow, connection, cmd.marketplace_id, for_update=True
            )
            marketplace.choose(
                selected=cmd.selected, active=cmd.active, at=now, actor=cmd.actor.label
            )
            uow.marketplaces.update(marketplace)
            uow.commit()
            return MarketplaceView.of(marketplace)


@define
class RetryMarketplace:
    """Seed 000: Retry moves a failed marketplace back to Setting up; past the retry limit it
    is escalated to support with its retry history, and the caller is told so."""

    ports: Ports

    def __call__(self, actor: Actor, connection_id: str, marketplace_id: str) -> MarketplaceView:
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.MANAGE_CONNECTIONS)
            return retry_marketplace(self.ports, uow, connection, marketplace_id, actor.label)


def retry_marketplace(
    ports: Ports, uow: UnitOfWork, connection: Connection, marketplace_id: str, actor: str
) -> MarketplaceView:
    """Shared by the team's Retry button and support's CLI: the same rule and limit."""
    now = ports.clock.now()
    marketplace = connection_marketplace(uow, connection, marketplace_id, for_update=True)
    outcome = marketplace.retry(at=now, actor=actor)
    uow.marketplaces.update(marketplace)
    if outcome is RetryOutcome.ESCALATED:
        uow.commit()
        raise RetryLimitExceeded(
            f"{marketplace.name} failed setup {marketplace.retries_used + 1} times and was "
            "escalated to support.",
            context={
                "marketplace_id": marketplace.marketplace_id,
                "retries_used": marketplace.retries_used,
                "retry_limit": marketplace.retry_limit,
                "history": [
                    {
                        "at": t.at.isoformat(),
                        "from_state": str(t.from_state) if t.from_state else None,
                        "to_state": str(t.to_state),
                        "reason": t.reason,
                        "actor": t.actor,
                    }
                    for t in marketplace.retry_history
                ],
            },
        )
    uow.commit()
    return MarketplaceView.of(marketplace)


def reopen_marketplace(
    ports: Ports,
    uow: UnitOfWork,
    connection: Connection,
    marketplace_id: str,
    actor: str,
    reason: str,
) -> MarketplaceView:
    now = ports.clock.now()
    marketplace = connection_marketplace(uow, connection, marketplace_id, for_update=True)
    marketplace.reopen(at=now, actor=actor, reason=reason)
    uow.marketplaces.update(marketplace)
    uow.commit()
    return MarketplaceView.of(marketplace)


@define
class GetMarketplaceHistory:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str, marketplace_id: str) -> MarketplaceHistory:
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, actor, connection_id, Permission.VIEW, include_disconnected=True
            )
            marketplace = connection_marketplace(uow, connection, marketplace_id)
        return history_of(marketplace)


def history_of(marketplace: Marketplace) -> MarketplaceHistory:
    return MarketplaceHistory.of(marketplace)


@frozen
class SetupStep:
    connection_id: str
    marketplace_id: str
    before: MarketplaceState
    after: MarketplaceState
    # Why it did not move: Amazon unreachable or throttling (with the host), for the log.
    waiting: str | None = None


@define
class AdvanceMarketplaceSetup:
    """One step of setup for one marketplace (the worker's job): Setting up -> Syncing once
    Amazon serves the seller's data there, Syncing -> Ready once the first sync is done.
    Idempotent: a marketplace no longer in setup is left alone. Amazon being unavailable
    leaves the step for the next pass; only a real setup failure moves it to Failed.

    DESIGN §9: a marketplace cannot pass setup without the grants its data comes through
    (Connection.setup_blocker: a seller's SP-API); until then, and after a refusal Amazon
    explains, it stays where it is and says why and what to do, never in silence."""

    ports: Ports
    get_token: GetAccessToken
    refusal_backoff: timedelta = REFUSAL_BACKOFF

    def __call__(self, connection_id: str, marketplace_id: str) -> SetupStep:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id, for_update=True)
            if connection is None:
                raise NotFound(f"There is no connection {connection_id}.")
            marketplace = connection_marketplace(uow, connection, marketplace_id, for_update=True)
            before = marketplace.state
            if before not in IN_SETUP or connection.disconnected_at is not None:
                return SetupStep(connection_id, marketplace_id, before, before)
            blocker = connection.setup_blocker(now)
            if blocker is not None:
                return self._blocked(uow, marketplace, blocker, now)
            try:
                self._step(uow, connection, marketplace, now)
            except SetupFailed as error:
                marketplace.fail(at=now, reason=error.detail)
            except (AmazonUnavailable, RateLimited) as error:
                return self._waiting(uow, connection, marketplace, error)
            except (TokenRevoked, TokenExpired) as error:
                # The refresh was refused: the grant now reads Revoked (or Expired), recorded
                # and announced by the token's use case; the marketplace says what to do.
                return self._blocked(uow, marketplace, connection.setup_blocker(now) or error, now)
            except DIAGNOSED as error:
                retry_at = now + self.refusal_backoff
                return self._blocked(uow, marketplace, error, now, retry_at=retry_at)
            uow.marketplaces.update(marketplace)
            uow.commit()
            return SetupStep(connection_id, marketplace_id, before, marketplace.state)

    def _step(
        self, uow: UnitOfWork, connection: Connection, marketplace: Marketplace, now: datetime
    ) -> None:
        if marketplace.state is MarketplaceState.SETTING_UP:
            self._set_up(uow, connection, marketplace)
            marketplace.setup_succeeded(at=now)
            return
        # The first sync reads the account's data: without access to Amazon it has not
        # happened, so the marketplace waits in Syncing... for the reconnect.
        for channel in connection.data_channels():
            self.get_token.within(uow, connection, channel)
        cursor = uow.sync_cursors.get(connection.id, marketplace.marketplace_id) or SyncCursor(
            connection.id, marketplace.marketplace_id
        )
        cursor.advance(now)
        uow.sync_cursors.put(cursor)
        marketplace.first_sync_completed(at=now)

    def _blocked(
        self,
        uow: UnitOfWork,
        marketplace: Marketplace,
        error: DomainError,
        now: datetime,
        *,
        retry_at: datetime | None = None,
    ) -> SetupStep:
        reason = refusal_reason(error, retry_at) if retry_at else error.detail
        if marketplace.wait(code=str(error.code), reason=reason, at=now, retry_at=retry_at):
            uow.marketplaces.update(marketplace)
            uow.commit()
        state = marketplace.state
        return SetupStep(
            marketplace.connection_id, marketplace.marketplace_id, state, state, reason
        )

    def _waiting(
        self,
        uow: UnitOfWork,
        connection: Connection,
        marketplace: Marketplace,
        error: DomainError,
    ) -> SetupStep:
        """Amazon could not be reached (or throttled): no move, but the marketplace says
        so, with the host, instead of waiting in silence."""
        reason = f"{error.code}: {error.detail}"
        if marketplace.waiting_for_amazon(reason):
            uow.marketplaces.update(marketplace)
            uow.commit()
        state = marketplace.state
        return SetupStep(connection.id, marketplace.marketplace_id, state, state, reason)

    def _set_up(self, uow: UnitOfWork, connection: Connection, marketplace: Marketplace) -> None:
        """A seller: ask Amazon for the seller's data in that marketplace. A vendor has
        nothing to check there: the check is a Seller Central call (searchListingsItems),
        and a vendor's grant is never used for a seller-only call (issue 18)."""
        if connection.account_type is not AccountType.SELLER:
            return
        partner = connection.selling_partner_id
        if partner is None:
            raise SetupFailed("The seller id of this connection is unknown.")
        self.get_token.calling(
            uow,
            connection,
            Channel.SP_API,
            "searchListingsItems",
            lambda token: self.ports.amazon.set_up_marketplace(
                connection.region, token, partner, marketplace.marketplace_id
            ),
        )


@define
class AdvanceAllSetups:
    """The reconciler's pass over every marketplace in setup (level-triggered)."""

    ports: Ports
    step: AdvanceMarketplaceSetup

    def __call__(self) -> list[SetupStep]:
        with self.ports.uow() as uow:
            pending = uow.marketplaces.list_in_states(IN_SETUP)
        return [self.step(m.connection_id, m.marketplace_id) for m in pending]
