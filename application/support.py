"""What a support agent asks (DESIGN §3.10): every connection, its tokens, its marketplaces,
their retry history and the timeline. Support works across teams, so these queries take an
operator name instead of a team member; the CLI is the operator's tool."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from attrs import define, frozen

from application.context import Ports
from application.marketplaces import history_of, retry_marketplace
from application.views import ConnectionView, MarketplaceHistory, MarketplaceView
from domain.connection import Connection, Health
from domain.errors import NotFound
from domain.events import AuditEvent
from domain.grant import Channel, TokenStatus


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


@define
class SupportQueries:
    ports: Ports

    def connections(
        self, *, team_id: str | None = None, health: Health | None = None
    ) -> list[ConnectionView]:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            found = (
                uow.connections.list_for_team(team_id, include_disconnected=True)
                if team_id
                else uow.connections.list_all(include_disconnected=True)
            )
            views = [
                ConnectionView.of(c, uow.marketplaces.list_for_connection(c.id), now=now)
                for c in found
            ]
        views.sort(key=lambda v: (v.team_id, v.created_at))
        return [v for v in views if health is None or v.health is health]

    def connection(self, connection_id: str) -> tuple[ConnectionView, list[MarketplaceView]]:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = self._connection(uow.connections.get(connection_id), connection_id)
            marketplaces = uow.marketplaces.list_for_connection(connection.id)
        return (
            ConnectionView.of(connection, marketplaces, now=now),
            [MarketplaceView.of(m) for m in sorted(marketplaces, key=lambda m: m.country_code)],
        )

    def marketplace_history(self, connection_id: str, marketplace_id: str) -> MarketplaceHistory:
        with self.ports.uow() as uow:
            self._connection(uow.connections.get(connection_id), connection_id)
            marketplace = uow.marketplaces.get(connection_id, marketplace_id)
            if marketplace is None:
                raise NotFound(f"Marketplace {marketplace_id} is not part of {connection_id}.")
        return history_of(marketplace)

    def retry_marketplace(
        self, connection_id: str, marketplace_id: str, *, operator: str
    ) -> MarketplaceView:
        with self.ports.uow() as uow:
            connection = self._connection(uow.connections.get(connection_id), connection_id)
            return retry_marketplace(
                self.ports, uow, connection, marketplace_id, f"support:{operator}"
            )

    def timeline(
        self,
        connection_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
    ) -> list[AuditEvent]:
        with self.ports.uow() as uow:
            connection = self._connection(uow.connections.get(connection_id), connection_id)
            return uow.events.list(
                team_id=connection.team_id,
                connection_id=connection.id,
                since=since,
                until=until,
                limit=limit,
            )

    def token_forecast(self, days: int = 30) -> dict[str, list[ForecastItem]]:
        """Grants that expire or need re-authorization within `days`, by team: whom support
        should warn (seed 002's yearly Developer Access Confirmation)."""
        now = self.ports.clock.now()
        horizon = now + timedelta(days=days)
        with self.ports.uow() as uow:
            connections = uow.connections.with_grants_expiring_before(horizon)
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
                    )
                )
        for items in grouped.values():
            items.sort(key=lambda i: (i.expires_at or now, i.connection_id))
        return dict(sorted(grouped.items()))

    @staticmethod
    def _connection(connection: Connection | None, connection_id: str) -> Connection:
        if connection is None:
            raise NotFound(f"There is no connection {connection_id}.")
        return connection
