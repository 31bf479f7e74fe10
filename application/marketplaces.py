"""Marketplaces: choosing them, Retry and escalation (seeds 000, 001, 002). Their setup, run by
the worker, is marketplace_setup.py."""

from __future__ import annotations

from enum import StrEnum

from attrs import define, frozen

from application.context import (
    Actor,
    Ports,
    connection_marketplace,
    require_team,
    team_connection,
)
from application.marketplace_views import MarketplaceHistory, MarketplaceSyncView, MarketplaceView
from application.queries import check_access
from application.sync_coverage import coverage, sync_views
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.errors import (
    NotFound,
    RetryLimitExceeded,
)
from domain.marketplace import Marketplace, MarketplaceState, RetryOutcome
from domain.records import DEFAULT_HISTORY_DAYS
from domain.team import Permission


@define
class ListMarketplaces:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> list[MarketplaceView]:
        """Two statements: who asks with the connection's team, then the marketplaces
        without their history (shown only by GetMarketplaceHistory); once one syncs, its
        coverage too (the connection, its cursors and the team's history_days)."""
        team_id = require_team(actor)
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            access = uow.reads.access(
                team_id=team_id, viewer=actor.user_id, connection_id=connection_id
            )
            check_access(access, team_id, Permission.VIEW, connection_id, key=actor.key)
            marketplaces = sorted(uow.reads.marketplaces(connection_id), key=_order)
            syncing = (MarketplaceState.SYNCING, MarketplaceState.READY)
            if not any(m.state in syncing for m in marketplaces):
                return [MarketplaceView.of(m) for m in marketplaces]
            connection = uow.connections.get(connection_id)
            cursors = uow.sync_cursors.list_for_connection(connection_id)
            team = uow.teams.get(team_id)
        if connection is None:
            raise NotFound(f"Connection {connection_id} not found.")
        days = team.history_days if team is not None else DEFAULT_HISTORY_DAYS
        return [
            MarketplaceView.of(
                m, coverage(self.ports, connection, m, cursors, history_days=days, now=now)
            )
            for m in marketplaces
        ]


@define
class GetMarketplaceSync:
    """A marketplace's sync coverage per dataset (the support CLI, the product's progress)."""

    ports: Ports

    def __call__(
        self, actor: Actor, connection_id: str, marketplace_id: str
    ) -> MarketplaceSyncView:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, actor, connection_id, Permission.VIEW, include_disconnected=True
            )
            connection_marketplace(uow, connection, marketplace_id)
            cursors = uow.sync_cursors.list_for_connection(connection.id)
            team = uow.teams.get(connection.team_id)
        days = team.history_days if team is not None else DEFAULT_HISTORY_DAYS
        views = sync_views(
            self.ports, connection, marketplace_id, cursors, history_days=days, now=now
        )
        return MarketplaceSyncView(
            datasets=views, connection_id=connection.id, marketplace_id=marketplace_id
        )


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


class EscalationAnswer(StrEnum):
    """Support's two answers to an escalated marketplace (the value is the verb its
    messages use)."""

    # Once the cause is fixed: back into setup with a fresh retry budget.
    REOPEN = "reopened"
    # The case is closed without another setup (the seller no longer sells there): the
    # marketplace is deselected, its history kept.
    RESOLVE = "resolved"


def answer_escalation(
    ports: Ports,
    uow: UnitOfWork,
    connection: Connection,
    marketplace_id: str,
    actor: str,
    reason: str,
    answer: EscalationAnswer,
) -> MarketplaceView:
    now = ports.clock.now()
    marketplace = connection_marketplace(uow, connection, marketplace_id, for_update=True)
    act = marketplace.reopen if answer is EscalationAnswer.REOPEN else marketplace.resolve
    act(at=now, actor=actor, reason=reason)
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
