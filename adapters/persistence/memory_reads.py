"""The read side of the in-memory database (application/queries.py), answering from the
same state the repositories keep, with the same order, filters and access facts as SQL."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import evolve

from adapters.persistence.memory_state import State
from application.queries import (
    Access,
    ConnectionFacts,
    ConnectionRows,
    ConnectionRowsQuery,
)
from domain.connection import Connection
from domain.marketplace import Marketplace, MarketplaceState


class InMemoryReads:
    def __init__(self, state: State) -> None:
        self._s = state

    def connections(self, query: ConnectionRowsQuery) -> ConnectionRows:
        access = Access(None)
        if query.member is not None:
            access = Access(self._s.memberships.get(query.member))
            if access.membership is None:
                return ConnectionRows(access, ())
        found = []
        for c in self._s.connections.values():
            if query.connection_id is not None:
                if c.id != query.connection_id:
                    continue
            elif not self._matches(c, query):
                continue
            found.append(c)
        found.sort(key=lambda c: (c.created_at, c.id))
        if query.limit is not None:
            found = found[: query.limit]
        return ConnectionRows(access, tuple(self._facts(c) for c in found))

    def access(self, *, team_id: str, viewer: str, connection_id: str) -> Access:
        connection = self._s.connections.get(connection_id)
        return Access(
            self._s.memberships.get((team_id, viewer)),
            connection_team_id=connection.team_id if connection else None,
            connection_disconnected=bool(connection and connection.disconnected_at),
        )

    def team_stamp(self, *, team_id: str, viewer: str | None) -> tuple[Access, tuple[int, ...]]:
        access = Access(None)
        if viewer is not None:
            access = Access(self._s.memberships.get((team_id, viewer)))
            if access.membership is None:
                return access, ()
        ours = {c.id: c for c in self._s.connections.values() if c.team_id == team_id}
        marketplaces = [m for (c, _), m in self._s.marketplaces.items() if c in ours]
        return access, (
            len(ours),
            sum(c.version for c in ours.values()),
            len(marketplaces),
            sum(m.version for m in marketplaces),
        )

    def marketplaces(self, connection_id: str) -> list[Marketplace]:
        return [
            evolve(m, history=[])
            for (c, _), m in self._s.marketplaces.items()
            if c == connection_id
        ]

    def marketplaces_in_states(self, states: Iterable[MarketplaceState]) -> list[Marketplace]:
        wanted = set(states)
        return [
            evolve(m, history=[])
            for m in self._s.marketplaces.values()  # the order list_in_states gives
            if m.state in wanted
        ]

    def _matches(self, c: Connection, query: ConnectionRowsQuery) -> bool:
        where, after = query.where, query.after
        if query.team_id is not None and c.team_id != query.team_id:
            return False
        if c.disconnected_at is not None and not where.include_disconnected:
            return False
        if after is not None and (c.created_at, c.id) <= (after.created_at, after.id):
            return False
        if where.account_type is not None and c.account_type is not where.account_type:
            return False
        if where.region is not None and c.region is not where.region:
            return False
        if where.selling_partner_id is not None and (
            c.selling_partner_id != where.selling_partner_id
        ):
            return False
        if where.marketplace_state is not None:
            return any(
                m.state is where.marketplace_state
                for (cid, _), m in self._s.marketplaces.items()
                if cid == c.id
            )
        return True

    def _facts(self, c: Connection) -> ConnectionFacts:
        ours = [m for (cid, _), m in self._s.marketplaces.items() if cid == c.id]
        return ConnectionFacts.of(c, ours)
