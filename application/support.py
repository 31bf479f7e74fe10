"""What a support agent asks (DESIGN §3.10): every connection, its tokens, its marketplaces,
their retry history and the timeline. Support works across teams, so these queries take an
operator name instead of a team member; the CLI is the operator's tool."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from attrs import define, frozen

from application.connections import page_of_connections
from application.context import Ports
from application.marketplace_views import MarketplaceHistory, MarketplaceSyncView, MarketplaceView
from application.marketplaces import (
    EscalationAnswer,
    answer_escalation,
    history_of,
    retry_marketplace,
)
from application.queries import ConnectionFilter, ConnectionRowsQuery
from application.repositories import EventLogQuery
from application.sync_coverage import sync_views
from application.unit_of_work import UnitOfWork
from application.views import ConnectionView
from domain.connection import Connection, Health
from domain.errors import InvalidTransition, NotAMember, NotFound
from domain.events import AuditEvent
from domain.grant import Channel, TokenStatus
from domain.records import DEFAULT_HISTORY_DAYS


@frozen
class ForecastItem:
    team_id: str
    connection_id: str
    display_name: str
    selling_partner_id: str | None
    channel: Channel
    status: TokenStatus
    status_text: str
    expires_at: datetime | None
    team_name: str = ""


@define
class SupportQueries:
    ports: Ports

    def connections(
        self,
        *,
        team_id: str | None = None,
        health: Health | None = None,
        selling_partner_id: str | None = None,
    ) -> list[ConnectionView]:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            if team_id:
                self._team(uow, team_id)
            where = ConnectionFilter(
                health=health, selling_partner_id=selling_partner_id, include_disconnected=True
            )
            views, _ = page_of_connections(
                uow.reads, ConnectionRowsQuery(team_id=team_id, where=where), now=now
            )
        views.sort(key=lambda v: (v.team_id, v.created_at))
        return views

    def connection(
        self, connection_id: str, *, team_id: str | None = None
    ) -> tuple[ConnectionView, list[MarketplaceView]]:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            if team_id:
                self._team(uow, team_id)
            found = uow.reads.connections(ConnectionRowsQuery.one(connection_id)).rows
            if not found:
                raise NotFound(
                    f"There is no connection {connection_id}.",
                    context={"connection_id": connection_id},
                )
            if team_id and found[0].team_id != team_id:
                raise NotAMember(
                    f"Connection {connection_id} belongs to another team, not {team_id}.",
                    context={"connection_id": connection_id, "team_id": team_id},
                )
            marketplaces = uow.reads.marketplaces(connection_id)
        return (
            ConnectionView.of_facts(found[0], now=now),
            [MarketplaceView.of(m) for m in sorted(marketplaces, key=lambda m: m.country_code)],
        )

    def marketplace_history(
        self, connection_id: str, marketplace_id: str, *, team_id: str | None = None
    ) -> MarketplaceHistory:
        with self.ports.uow() as uow:
            self._scoped(uow, connection_id, team_id)
            marketplace = uow.marketplaces.get(connection_id, marketplace_id)
            if marketplace is None:
                raise NotFound(f"Marketplace {marketplace_id} is not part of {connection_id}.")
        return history_of(marketplace)

    def marketplace_sync(
        self, connection_id: str, marketplace_id: str, *, team_id: str | None = None
    ) -> MarketplaceSyncView:
        """Each dataset's coverage and last error: what support reads when a customer asks
        where their data is (DESIGN §12)."""
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = self._scoped(uow, connection_id, team_id)
            if uow.marketplaces.get(connection_id, marketplace_id) is None:
                raise NotFound(f"Marketplace {marketplace_id} is not part of {connection_id}.")
            cursors = uow.sync_cursors.list_for_connection(connection_id)
            team = uow.teams.get(connection.team_id)
        days = team.history_days if team is not None else DEFAULT_HISTORY_DAYS
        views = sync_views(
            self.ports, connection, marketplace_id, cursors, history_days=days, now=now
        )
        return MarketplaceSyncView(
            datasets=views, connection_id=connection_id, marketplace_id=marketplace_id
        )

    def retry_marketplace(
        self,
        connection_id: str,
        marketplace_id: str,
        *,
        operator: str,
        team_id: str | None = None,
    ) -> MarketplaceView:
        with self.ports.uow() as uow:
            connection = self._live(uow, connection_id, team_id, "retried")
            return retry_marketplace(
                self.ports, uow, connection, marketplace_id, f"support:{operator}"
            )

    def answer_escalation(
        self,
        connection_id: str,
        marketplace_id: str,
        answer: EscalationAnswer,
        *,
        operator: str,
        reason: str,
        team_id: str | None = None,
    ) -> MarketplaceView:
        """Seed 000 escalates a marketplace "with the exact marketplace and retry history" so
        that support can act on it (EscalationAnswer says how). Only support can; the team's
        Retry stops at escalation."""
        with self.ports.uow() as uow:
            connection = self._live(uow, connection_id, team_id, answer)
            return answer_escalation(
                self.ports, uow, connection, marketplace_id, f"support:{operator}", reason, answer
            )

    def timeline(
        self,
        connection_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        team_id: str | None = None,
    ) -> list[AuditEvent]:
        with self.ports.uow() as uow:
            connection = self._scoped(uow, connection_id, team_id)
            return uow.events.list(
                EventLogQuery(
                    team_id=connection.team_id,
                    connection_id=connection.id,
                    since=since,
                    until=until,
                    limit=limit,
                )
            )

    def token_forecast(
        self, days: int = 30, *, team_id: str | None = None
    ) -> dict[str, list[ForecastItem]]:
        """Grants that expire or need re-authorization within `days`, by team: whom support
        should warn (seed 002's yearly Developer Access Confirmation)."""
        now = self.ports.clock.now()
        horizon = now + timedelta(days=days)
        with self.ports.uow() as uow:
            if team_id:
                self._team(uow, team_id)
            connections = [
                c
                for c in uow.connections.with_grants_expiring_before(horizon)
                if team_id is None or c.team_id == team_id
            ]
            team_names: dict[str, str] = {}
            for team_id_ in {c.team_id for c in connections}:
                team = uow.teams.get(team_id_)
                team_names[team_id_] = team.name if team else ""
        grouped: dict[str, list[ForecastItem]] = defaultdict(list)
        for connection in connections:
            for channel, grant in sorted(connection.grants.items()):
                if grant.expires_at is None or grant.expires_at >= horizon:
                    continue
                report = grant.status_at(now)
                if report.status in (TokenStatus.MISSING, TokenStatus.REVOKED):
                    continue
                grouped[connection.team_id].append(
                    ForecastItem(
                        team_id=connection.team_id,
                        connection_id=connection.id,
                        display_name=connection.display_name,
                        selling_partner_id=connection.selling_partner_id,
                        channel=channel,
                        status=report.status,
                        status_text=report.text,
                        expires_at=grant.expires_at,
                        team_name=team_names.get(connection.team_id, ""),
                    )
                )
        for items in grouped.values():
            items.sort(key=lambda i: (i.expires_at or now, i.connection_id))
        return dict(sorted(grouped.items()))

    def _scoped(self, uow: UnitOfWork, connection_id: str, team_id: str | None) -> Connection:
        """Support works across teams; naming a team (the CLI's `--team`) guards against
        acting on a connection of another customer than the one on the ticket."""
        if team_id:
            self._team(uow, team_id)
        connection = self._connection(uow.connections.get(connection_id), connection_id)
        if team_id and connection.team_id != team_id:
            raise NotAMember(
                f"Connection {connection_id} belongs to another team, not {team_id}.",
                context={"connection_id": connection_id, "team_id": team_id},
            )
        return connection

    def _live(
        self, uow: UnitOfWork, connection_id: str, team_id: str | None, action: str
    ) -> Connection:
        """The team's own buttons cannot reach a disconnected connection either (NOT_FOUND
        there); setup would not run without tokens anyway."""
        connection = self._scoped(uow, connection_id, team_id)
        if connection.disconnected_at is not None:
            raise InvalidTransition(
                f"Connection {connection_id} is disconnected: the team must connect the "
                f"account again before its marketplaces can be {action}.",
                context={"connection_id": connection_id},
            )
        return connection

    @staticmethod
    def _team(uow: UnitOfWork, team_id: str) -> None:
        if uow.teams.get(team_id) is None:
            raise NotFound(f"There is no team {team_id}.", context={"team_id": team_id})

    @staticmethod
    def _connection(connection: Connection | None, connection_id: str) -> Connection:
        if connection is None:
            raise NotFound(
                f"There is no connection {connection_id}.",
                context={"connection_id": connection_id},
            )
        return connection
