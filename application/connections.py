"""Listing, inspecting and disconnecting connections (DESIGN §3.8, §3.10)."""

from __future__ import annotations

from datetime import datetime

from attrs import define, frozen

from application.context import Actor, Ports, require_member, team_connection
from application.views import ConnectionView
from domain.connection import Health
from domain.events import AuditEvent
from domain.team import Permission


@define
class ListConnections:
    ports: Ports

    def __call__(self, actor: Actor, *, health: Health | None = None) -> list[ConnectionView]:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            membership = require_member(uow, actor, Permission.VIEW)
            views = [
                ConnectionView.of(c, uow.marketplaces.list_for_connection(c.id), now=now)
                for c in uow.connections.list_for_team(membership.team_id)
            ]
        views.sort(key=lambda v: v.created_at)
        return [v for v in views if health is None or v.health is health]


@define
class GetConnection:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> ConnectionView:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.VIEW)
            return ConnectionView.of(
                connection, uow.marketplaces.list_for_connection(connection.id), now=now
            )


@define
class Disconnect:
    """Tokens are deleted at once; the connection's record, settings and audit trail stay,
    so connecting the same account again later picks its history back up."""

    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> None:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, actor, connection_id, Permission.MANAGE_CONNECTIONS, for_update=True
            )
            connection.disconnect(now, actor=actor.label)
            uow.connections.update(connection)
            for marketplace in uow.marketplaces.list_for_connection(connection.id):
                if marketplace.active:
                    marketplace.set_active(False)
                    uow.marketplaces.update(marketplace)
            uow.commit()


@frozen
class EventQuery:
    actor: Actor
    connection_id: str
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


@define
class ListEvents:
    ports: Ports

    def __call__(self, query: EventQuery) -> list[AuditEvent]:
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, query.actor, query.connection_id, Permission.VIEW, include_disconnected=True
            )
            return uow.events.list(
                team_id=connection.team_id,
                connection_id=connection.id,
                since=query.since,
                until=query.until,
                limit=max(1, min(query.limit, 1000)),
            )
