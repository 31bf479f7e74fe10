"""Marketplace setup, the worker's side (seeds 000, 001): Setting up -> Syncing once Amazon
serves the seller's data there, Syncing -> Ready once the first sync is done. Kept apart from
marketplaces.py (what a person does to a marketplace: choose, Retry, escalate) because it runs
unattended, under leases, and talks to Amazon."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define, frozen

from application.context import Ports, UsesLeases, connection_marketplace
from application.leases import setup_lease
from application.sync import RunSyncCycle
from application.sync_coverage import all_delivered, waiting_reason
from application.tokens import GetAccessToken
from domain.connection import Connection
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    NotFound,
    RateLimited,
    SetupFailed,
    TokenExpired,
    TokenRevoked,
)
from domain.grant import Channel
from domain.marketplace import IN_SETUP, MarketplaceState
from domain.refusals import DIAGNOSED, REFUSAL_BACKOFF, refusal_reason


@frozen
class SetupStep:
    connection_id: str
    marketplace_id: str
    before: MarketplaceState
    after: MarketplaceState
    # Why it did not move: Amazon unreachable or throttling (with the host), for the log.
    waiting: str | None = None


@define
class AdvanceMarketplaceSetup(UsesLeases):
    """One step of setup for one marketplace (the worker's job): Setting up -> Syncing once
    Amazon serves the seller's data there, Syncing -> Ready once the first sync is done.
    Idempotent: a marketplace no longer in setup is left alone. Amazon being unavailable
    leaves the step for the next pass; only a real setup failure moves it to Failed.

    Amazon is asked under the marketplace's setup lease with no transaction open (DESIGN
    §15): a slow Amazon holds up no other writer, and a second worker leaves it alone.

    DESIGN §9: a marketplace cannot pass setup without the grants its data comes through
    (Connection.setup_blocker: a seller's SP-API); until then, and after a refusal Amazon
    explains, it stays where it is and says why and what to do, never in silence."""

    get_token: GetAccessToken
    refusal_backoff: timedelta = REFUSAL_BACKOFF

    def __call__(self, connection_id: str, marketplace_id: str) -> SetupStep:
        connection, before = self._read(connection_id, marketplace_id)
        if before not in IN_SETUP or connection.disconnected_at is not None:
            return SetupStep(connection_id, marketplace_id, before, before)
        blocker = connection.setup_blocker(self.ports.clock.now())
        if blocker is not None:
            return self._blocked(connection_id, marketplace_id, blocker)
        with self.leases.held(setup_lease(connection_id, marketplace_id)) as mine:
            if not mine:
                return SetupStep(
                    connection_id, marketplace_id, before, before, "another worker holds it"
                )
            # Read again now that the lease is ours: a worker that held it just before may
            # have moved the marketplace on (its answer was stored before it let go).
            connection, before = self._read(connection_id, marketplace_id)
            if before not in IN_SETUP or connection.disconnected_at is not None:
                return SetupStep(connection_id, marketplace_id, before, before)
            failure: str | None = None
            try:
                if before is MarketplaceState.SETTING_UP:
                    failure = self._set_up(connection, marketplace_id)
            except (AmazonUnavailable, RateLimited) as error:
                return self._waiting(connection_id, marketplace_id, error)
            except (TokenRevoked, TokenExpired) as error:
                # The refresh was refused: the grant now reads Revoked (or Expired), recorded
                # and announced by the token's use case; the marketplace says what to do.
                connection, _ = self._read(connection_id, marketplace_id)
                reason = connection.setup_blocker(self.ports.clock.now()) or error
                return self._blocked(connection_id, marketplace_id, reason)
            except DIAGNOSED as error:
                retry_at = self.ports.clock.now() + self.refusal_backoff
                return self._blocked(connection_id, marketplace_id, error, retry_at=retry_at)
            return self._store(connection_id, marketplace_id, before, failure)

    def _blocked(
        self,
        connection_id: str,
        marketplace_id: str,
        error: DomainError,
        *,
        retry_at: datetime | None = None,
    ) -> SetupStep:
        """The marketplace cannot pass setup now: it says why, with the catalogue code and
        the next step, and (after a refusal a person must fix) when it asks Amazon again."""
        now = self.ports.clock.now()
        reason = refusal_reason(error, retry_at) if retry_at else error.detail
        with self.ports.uow() as uow:
            marketplace = uow.marketplaces.get(connection_id, marketplace_id, for_update=True)
            if marketplace is None:
                raise NotFound(f"There is no marketplace {marketplace_id} here.")
            if marketplace.wait(code=str(error.code), reason=reason, at=now, retry_at=retry_at):
                uow.marketplaces.update(marketplace)
                uow.commit()
        state = marketplace.state
        return SetupStep(connection_id, marketplace_id, state, state, reason)

    def _read(self, connection_id: str, marketplace_id: str) -> tuple[Connection, MarketplaceState]:
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id)
            if connection is None:
                raise NotFound(f"There is no connection {connection_id}.")
            return connection, connection_marketplace(uow, connection, marketplace_id).state

    def _store(
        self, connection_id: str, marketplace_id: str, before: MarketplaceState, failure: str | None
    ) -> SetupStep:
        """Amazon's answer, in one short transaction, if the marketplace has not moved on
        meanwhile (deselected, retried by support)."""
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id, for_update=True)
            if connection is None:
                raise NotFound(f"There is no connection {connection_id}.")
            marketplace = connection_marketplace(uow, connection, marketplace_id, for_update=True)
            if marketplace.state is not before or connection.disconnected_at is not None:
                return SetupStep(
                    connection_id, marketplace_id, marketplace.state, marketplace.state
                )
            if before is MarketplaceState.SETTING_UP:
                if failure is None:
                    marketplace.setup_succeeded(at=now)
                else:
                    marketplace.fail(at=now, reason=failure)
            else:
                # Ready once the most recent window of every dataset the account has is
                # delivered (DESIGN §12); the sync jobs deliver them, history follows.
                if not all_delivered(self.ports, uow, connection, marketplace_id):
                    reason = waiting_reason(self.ports, uow, connection, marketplace_id)
                    if reason is not None and marketplace.waiting_for_amazon(reason):
                        uow.marketplaces.update(marketplace)
                        uow.commit()
                    return SetupStep(connection_id, marketplace_id, before, before, reason)
                marketplace.first_sync_completed(at=now)
            uow.marketplaces.update(marketplace)
            uow.commit()
            return SetupStep(connection_id, marketplace_id, before, marketplace.state)

    def _waiting(self, connection_id: str, marketplace_id: str, error: DomainError) -> SetupStep:
        """Amazon could not be reached (or throttled): no move, but the marketplace says
        so, with the host, instead of waiting in silence."""
        reason = f"{error.code}: {error.detail}"
        with self.ports.uow() as uow:
            marketplace = uow.marketplaces.get(connection_id, marketplace_id, for_update=True)
            if marketplace is None:
                raise NotFound(f"There is no marketplace {marketplace_id} here.")
            if marketplace.waiting_for_amazon(reason):
                uow.marketplaces.update(marketplace)
                uow.commit()
        state = marketplace.state
        return SetupStep(connection_id, marketplace_id, state, state, reason)

    def _set_up(self, connection: Connection, marketplace_id: str) -> str | None:
        """A seller: ask Amazon for the seller's data in that marketplace; the reason it
        failed, or None. A vendor has nothing to check there: the check is a Seller Central
        call (searchListingsItems), and a vendor's grant is never used for a seller-only call
        (Amazon refuses it, and each refusal would look like a revoked grant)."""
        if not connection.is_seller:
            return None
        partner = connection.selling_partner_id
        if partner is None:
            return "The seller id of this connection is unknown."
        try:
            self.get_token.calling(
                connection.id,
                Channel.SP_API,
                "searchListingsItems",
                lambda token: self.ports.amazon.set_up_marketplace(
                    connection.region, token, partner, marketplace_id
                ),
            )
        except SetupFailed as error:
            return error.detail
        return None


@define
class AdvanceAllSetups:
    """A pass over every marketplace in setup (level-triggered): a marketplace in Syncing
    first gets its sync job (the most recent windows), then its setup step."""

    ports: Ports
    step: AdvanceMarketplaceSetup
    first_sync: RunSyncCycle | None = None

    def __call__(self) -> list[SetupStep]:
        with self.ports.uow() as uow:
            pending = uow.marketplaces.list_in_states(IN_SETUP)
        steps = []
        for marketplace in pending:
            if self.first_sync is not None and marketplace.state is MarketplaceState.SYNCING:
                self.first_sync(marketplace.connection_id, marketplace.marketplace_id)
            steps.append(self.step(marketplace.connection_id, marketplace.marketplace_id))
        return steps
