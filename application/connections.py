"""Listing, inspecting and disconnecting connections (DESIGN §3.8, §3.10)."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from attrs import define, evolve, field, frozen

from application.context import Actor, Ports, require_team, team_connection
from application.queries import (
    DEFAULT_PAGE,
    MAX_PAGE,
    ConnectionFilter,
    ConnectionRowsQuery,
    Position,
    QuickReads,
    ReadModels,
    check_access,
)
from application.repositories import EventLogQuery
from application.views import ConnectionPage, ConnectionView
from domain.api_key import ApiKey
from domain.connection import Health
from domain.events import AuditEvent
from domain.grant import TokenStatus, token_status_fresh_until
from domain.team import Permission


@frozen
class ConnectionQuery:
    actor: Actor
    where: ConnectionFilter = field(factory=ConnectionFilter)
    after: Position | None = None  # decoded from a `next_cursor` (Position.of_cursor)
    limit: int = DEFAULT_PAGE


V = TypeVar("V")


@frozen
class Stamp:
    """What a team's connections look like from outside, as numbers read in one statement
    (ReadModels.team_stamp, QuickReads.team_stamp; in SQL the team's version, which every
    committed write of a connection, grant, profile or marketplace state moves): equal
    stamps, same connections, grants, profiles and marketplace states. `at` is when it was
    read."""

    value: tuple[int, ...]
    at: datetime


@frozen
class Stamped(Generic[V]):
    """A page or a connection with what tells a later read whether it would be the same
    bytes: the stamp read before it (in the same unit of work) and until when its
    time-dependent words ("expires in 12 days", health) hold. A health filter's page is
    never reused: time alone can move a connection in or out of it."""

    view: V
    stamp: Stamp
    fresh_until: datetime | None  # None: nothing on it changes with time alone
    reusable: bool

    def same_as_now(self, now: Stamp) -> bool:
        return (
            self.reusable
            and now.value == self.stamp.value
            and self.stamp.at <= now.at
            and (self.fresh_until is None or now.at < self.fresh_until)
        )


@define
class ListConnections:
    """A page of the team's connections, oldest first: three statements per page (the
    connections with the caller's membership, their grants, their marketplace counts),
    whatever the history behind them."""

    ports: Ports

    def __call__(self, actor: Actor, *, health: Health | None = None) -> list[ConnectionView]:
        """Every connection of the team (for the features and tests; the API pages)."""
        team_id = require_team(actor)
        with self.ports.uow() as uow:
            where = ConnectionFilter(
                health=health, include_disconnected=health is Health.DISCONNECTED
            )
            views, _ = page_of_connections(
                uow.reads,
                ConnectionRowsQuery(team_id=team_id, viewer=_viewer(actor), where=where),
                now=self.ports.clock.now(),
                key=actor.key,
            )
        return views

    def page(self, query: ConnectionQuery) -> ConnectionPage:
        team_id = require_team(query.actor)
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            return self._page(uow.reads, query, team_id, now)

    @property
    def quick_stamp(self) -> bool:
        """`stamp` answers in microseconds, waiting on nothing (QuickReads.quick)."""
        return self.ports.quick_reads is not None and self.ports.quick_reads.quick

    def stamp(self, query: ConnectionQuery) -> Stamp:
        """The team's stamp now, after the same access check as a page (one statement)."""
        team_id = require_team(query.actor)
        now = self.ports.clock.now()
        if self.ports.quick_reads is not None:
            return Stamp(_checked_stamp(self.ports.quick_reads, query.actor, team_id), now)
        with self.ports.uow() as uow:
            value = _checked_stamp(uow.reads, query.actor, team_id)
        return Stamp(value, now)

    def stamped_page(self, query: ConnectionQuery) -> Stamped[ConnectionPage]:
        """A page and its stamp, read in one unit of work, stamp first: a change committed
        between the two makes the page newer than its stamp, never older."""
        team_id = require_team(query.actor)
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            value = _checked_stamp(uow.reads, query.actor, team_id)
            page = self._page(uow.reads, query, team_id, now)
        return Stamped(
            view=page,
            stamp=Stamp(value, now),
            fresh_until=min(
                (t for v in page.items if (t := fresh_until(v, now)) is not None), default=None
            ),
            reusable=query.where.health is None,
        )

    def _page(
        self, reads: ReadModels, query: ConnectionQuery, team_id: str, now: datetime
    ) -> ConnectionPage:
        where = query.where
        if where.health is Health.DISCONNECTED:
            where = evolve(where, include_disconnected=True)
        views, more = page_of_connections(
            reads,
            ConnectionRowsQuery(
                team_id=team_id,
                viewer=_viewer(query.actor),
                where=where,
                after=query.after,
                limit=max(1, min(query.limit, MAX_PAGE)),
            ),
            now=now,
            key=query.actor.key,
        )
        last = views[-1] if views and more else None
        return ConnectionPage(
            items=tuple(views),
            next_cursor=Position(last.created_at, last.id).cursor() if last else None,
            has_more=more,
        )


def _viewer(actor: Actor) -> str | None:
    """Whose membership a read checks: a person's; an API key acts for its team itself."""
    return None if actor.key is not None else actor.user_id


def _checked_stamp(reads: ReadModels | QuickReads, actor: Actor, team_id: str) -> tuple[int, ...]:
    """The team's stamp, once the actor may view the team (one statement for both)."""
    access, value = reads.team_stamp(team_id=team_id, viewer=_viewer(actor))
    check_access(access, team_id, Permission.VIEW, key=actor.key)
    return value


def fresh_until(view: ConnectionView, now: datetime) -> datetime | None:
    """Until when the view's grants (and so its health) read as they do at `now`."""
    return min(
        (
            t
            for g in view.grants
            if (
                t := token_status_fresh_until(
                    now,
                    revoked_at=None,
                    has_refresh_token=g.status in (TokenStatus.CURRENT, TokenStatus.EXPIRING),
                    expires_at=g.expires_at,
                )
            )
            is not None
        ),
        default=None,
    )


def page_of_connections(
    reads: ReadModels, query: ConnectionRowsQuery, *, now: datetime, key: ApiKey | None = None
) -> tuple[list[ConnectionView], bool]:
    """Health is a matter of time (an expiry passes without a write), so it is decided here
    on each row; the other filters are the database's. With a health filter, pages are read
    until enough match. A key is no member: its query reads no membership (no viewer), and
    its team is checked here."""
    limit, health = query.limit, query.where.health
    # Whose access is checked: a person's (read with the rows) or a key's; support's is not.
    checked_team = query.team_id if query.viewer is not None or key is not None else None
    found: list[ConnectionView] = []
    while True:
        chunk = None if limit is None else limit + 1 - len(found)
        if health is not None and chunk is not None:
            chunk = max(chunk, 100)
        rows = reads.connections(evolve(query, limit=chunk))
        if checked_team is not None:
            check_access(rows.access, checked_team, Permission.VIEW, key=key)
        views = [ConnectionView.of_facts(f, now=now) for f in rows.rows]
        found += [v for v in views if health is None or v.health is health]
        exhausted = chunk is None or len(rows.rows) < chunk
        if exhausted or (limit is not None and len(found) > limit):
            break
        query = evolve(query, after=rows.rows[-1].position)
    if limit is None:
        return found, False
    return found[:limit], len(found) > limit


@define
class GetConnection:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> ConnectionView:
        return self.stamped(actor, connection_id).view

    def stamped(self, actor: Actor, connection_id: str) -> Stamped[ConnectionView]:
        """The connection with the team's stamp read before it (see ListConnections)."""
        team_id = require_team(actor)
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            _, value = uow.reads.team_stamp(team_id=team_id, viewer=_viewer(actor))
            rows = uow.reads.connections(
                ConnectionRowsQuery.one(connection_id, team_id=team_id, viewer=_viewer(actor))
            )
        found = rows.rows[0] if rows.rows else None
        access = evolve(
            rows.access,
            connection_team_id=found.team_id if found else None,
            connection_disconnected=bool(found and found.disconnected_at),
        )
        check_access(access, team_id, Permission.VIEW, connection_id, key=actor.key)
        assert found is not None
        view = ConnectionView.of_facts(found, now=now)
        return Stamped(view, Stamp(value, now), fresh_until(view, now), reusable=True)


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
        team_id = require_team(query.actor)
        with self.ports.uow() as uow:
            access = uow.reads.access(
                team_id=team_id, viewer=query.actor.user_id, connection_id=query.connection_id
            )
            check_access(
                access,
                team_id,
                Permission.VIEW,
                query.connection_id,
                include_disconnected=True,
                key=query.actor.key,
            )
            return uow.events.list(
                EventLogQuery(
                    team_id=team_id,
                    connection_id=query.connection_id,
                    since=query.since,
                    until=query.until,
                    limit=max(1, min(query.limit, 1000)),
                )
            )
