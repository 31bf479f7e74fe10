"""The in-memory implementation of the persistence ports, for fast tests and the features.

It behaves like the SQL adapter where the use cases can tell: objects come out as copies (a
change is stored only by `add`/`update`/`put`), leaving a unit of work without `commit()`
loses its changes, a stale version is a ConcurrentUpdate, and a unit of work holds the
database's lock from start to end, which gives `for_update` its single-flight meaning.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Self

from attrs import evolve

from adapters.persistence.announcements import Announcements, EventIds, RandomEventIds
from adapters.persistence.memory_listings import MemoryListings, MemoryListingSettings
from adapters.persistence.memory_reads import InMemoryReads
from adapters.persistence.memory_records import MemoryRecords, MemorySyncCursors
from adapters.persistence.memory_state import (
    MemoryRepository,
    State,
    check_and_bump,
    containers,
    stored_copy,
)
from adapters.persistence.memory_webhooks import MemoryDeliveries, MemoryWebhookEndpoints
from application.repositories import EventLogQuery
from domain.api_key import ApiKey
from domain.app_credentials import AppCredentialState
from domain.authorization import AuthorizationRequest
from domain.connect_session import ConnectSession
from domain.connection import Connection, Region
from domain.errors import AccountInUse
from domain.events import APP_TEAM_ID, AuditEvent
from domain.grant import Channel
from domain.marketplace import Marketplace, MarketplaceState
from domain.rules import OneLiveConnectionPerAccount
from domain.team import Membership, Team


class InMemoryDatabase:
    def __init__(self, ids: EventIds | None = None) -> None:
        self.ids = ids or RandomEventIds()
        self._state = State()
        self._lock = threading.RLock()

    def unit_of_work(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self)

    # used by the unit of work only
    def _begin(self) -> State:
        self._lock.acquire()
        return self._snapshot()

    def _snapshot(self) -> State:
        return containers(self._state)

    def _commit(self, state: State) -> None:
        self._state = containers(state)

    def _end(self) -> None:
        self._lock.release()


class _Teams(MemoryRepository):
    def add(self, team: Team) -> None:
        self._s.teams[team.id] = self._in(team)

    def get(self, team_id: str) -> Team | None:
        return self._out(self._s.teams.get(team_id))

    def list_all(self) -> list[Team]:
        return [self._out(team) for _, team in sorted(self._s.teams.items())]

    def update(self, team: Team) -> None:
        self._announcements.watch(team)
        self._s.teams[team.id] = check_and_bump(self._s.teams.get(team.id), team, "team")


class _Memberships(MemoryRepository):
    def get(self, team_id: str, user_id: str) -> Membership | None:
        return self._s.memberships.get((team_id, user_id))

    def list_for_team(self, team_id: str) -> list[Membership]:
        return [m for (t, _), m in self._s.memberships.items() if t == team_id]

    def list_for_user(self, user_id: str) -> list[Membership]:
        return [m for (_, u), m in self._s.memberships.items() if u == user_id]

    def put(self, membership: Membership) -> None:
        self._s.memberships[(membership.team_id, membership.user_id)] = membership

    def remove(self, team_id: str, user_id: str) -> None:
        self._s.memberships.pop((team_id, user_id), None)


class _Connections(MemoryRepository):
    def _guard_live_account(self, connection: Connection) -> None:
        """The domain's rule, asked again when storing: what the SQL schema's unique index
        does for two writers racing."""
        if connection.disconnected_at is not None:
            return
        rule = OneLiveConnectionPerAccount.for_connection(connection)
        if rule.holder(self._s.connections.values()) is not None:
            raise AccountInUse("This Amazon account was connected by another team a moment ago.")

    def add(self, connection: Connection) -> None:
        self._guard_live_account(connection)
        self._s.connections[connection.id] = self._in(connection)

    def get(self, connection_id: str, *, for_update: bool = False) -> Connection | None:
        return self._out(self._s.connections.get(connection_id))

    def update(self, connection: Connection) -> None:
        self._guard_live_account(connection)
        self._announcements.watch(connection)
        stored = self._s.connections.get(connection.id)
        self._s.connections[connection.id] = check_and_bump(stored, connection, "connection")

    def list_for_team(
        self, team_id: str, *, include_disconnected: bool = False
    ) -> list[Connection]:
        return [
            self._out(c)
            for c in self._s.connections.values()
            if c.team_id == team_id and (include_disconnected or c.disconnected_at is None)
        ]

    def find_by_account(self, region: Region, account_ids: Iterable[str]) -> list[Connection]:
        wanted = set(account_ids)
        return [
            self._out(c)
            for c in self._s.connections.values()
            if c.region is region and c.account_ids & wanted
        ]

    def list_all(self, *, include_disconnected: bool = False) -> list[Connection]:
        return [
            self._out(c)
            for c in self._s.connections.values()
            if include_disconnected or c.disconnected_at is None
        ]

    def with_grants_expiring_before(self, before: datetime) -> list[Connection]:
        return [
            self._out(c)
            for c in self._s.connections.values()
            if c.disconnected_at is None
            and any(
                g.expires_at is not None and g.refresh_token is not None and g.expires_at < before
                for g in c.grants.values()
            )
        ]

    def with_access_tokens_expiring_before(self, before: datetime) -> list[Connection]:
        def due(c: Connection) -> bool:
            return any(
                g.refresh_token is not None
                and g.revoked_at is None
                and (g.access_token_expires_at is None or g.access_token_expires_at < before)
                for g in c.grants.values()
            )

        return [
            self._out(c)
            for c in self._s.connections.values()
            if c.disconnected_at is None and due(c)
        ]


class _Marketplaces(MemoryRepository):
    def add(self, marketplace: Marketplace) -> None:
        self._s.marketplaces[(marketplace.connection_id, marketplace.marketplace_id)] = self._in(
            marketplace
        )

    def get(
        self, connection_id: str, marketplace_id: str, *, for_update: bool = False
    ) -> Marketplace | None:
        return self._out(self._s.marketplaces.get((connection_id, marketplace_id)))

    def update(self, marketplace: Marketplace) -> None:
        self._announcements.watch(marketplace)
        key = (marketplace.connection_id, marketplace.marketplace_id)
        self._s.marketplaces[key] = check_and_bump(
            self._s.marketplaces.get(key), marketplace, "marketplace"
        )

    def list_for_connection(self, connection_id: str) -> list[Marketplace]:
        return [self._out(m) for (c, _), m in self._s.marketplaces.items() if c == connection_id]

    def list_in_states(self, states: Iterable[MarketplaceState]) -> list[Marketplace]:
        wanted = set(states)
        return [self._out(m) for m in self._s.marketplaces.values() if m.state in wanted]


class _Authorizations(MemoryRepository):
    def add(self, request: AuthorizationRequest) -> None:
        self._s.authorizations[request.state] = self._in(request)

    def get(self, state: str) -> AuthorizationRequest | None:
        return self._out(self._s.authorizations.get(state))

    def consume(self, state: str, at: datetime) -> bool:
        stored = self._s.authorizations.get(state)
        if stored is None or stored.consumed_at is not None:
            return False
        self._s.authorizations[state] = evolve(stored, consumed_at=at)
        return True

    def update(self, request: AuthorizationRequest) -> None:
        self._s.authorizations[request.state] = self._in(request)

    def delete_expired(self, before: datetime) -> int:
        old = [s for s, r in self._s.authorizations.items() if r.expires_at < before]
        for state in old:
            del self._s.authorizations[state]
        return len(old)


class _ConnectSessions(MemoryRepository):
    def add(self, session: ConnectSession) -> None:
        self._s.connect_sessions[session.id] = self._in(session)

    def get(self, session_id: str) -> ConnectSession | None:
        return self._out(self._s.connect_sessions.get(session_id))

    def find_by_token(self, token_digest: str) -> ConnectSession | None:
        found = (s for s in self._s.connect_sessions.values() if s.token_digest == token_digest)
        return self._out(next(found, None))

    def update(self, session: ConnectSession) -> None:
        if session.id in self._s.connect_sessions:
            self._s.connect_sessions[session.id] = self._in(session)


class MemoryEventLog(MemoryRepository):
    def append(self, event: AuditEvent) -> None:
        self._s.events.append(event)

    def lock_outbox(self) -> None:
        """A unit of work holds the database's lock from start to end already."""

    def unpublished(self, limit: int) -> list[AuditEvent]:
        return [e for e in self._s.events if e.id not in self._s.published][: max(0, limit)]

    def mark_published(self, event_ids: Sequence[str], at: datetime) -> None:
        for event_id in event_ids:
            self._s.published[event_id] = at

    def published_since(self, team_id: str, since: datetime, limit: int) -> list[AuditEvent]:
        return [
            e
            for e in self._s.events
            if e.team_id in (team_id, APP_TEAM_ID) and e.at >= since and e.id in self._s.published
        ][: max(0, limit)]

    def list(self, query: EventLogQuery) -> list[AuditEvent]:
        found = [e for e in reversed(self._s.events) if query.matches(e)]
        found.sort(key=lambda e: e.at, reverse=True)
        return found[: query.limit]


class _AppCredentials(MemoryRepository):
    def get(self, channel: Channel, *, for_update: bool = False) -> AppCredentialState | None:
        found = self._s.app_credentials.get(channel)
        return self._out(found) if found is not None else None

    def put(self, state: AppCredentialState) -> None:
        state.version += 1
        self._s.app_credentials[state.channel] = self._in(state)


class _ApiKeys(MemoryRepository):
    def add(self, key: ApiKey) -> None:
        self._s.api_keys[key.id] = self._in(key)

    def get(self, key_id: str) -> ApiKey | None:
        return self._out(self._s.api_keys.get(key_id))

    def list_for_team(self, team_id: str) -> list[ApiKey]:
        keys = [k for k in self._s.api_keys.values() if k.team_id == team_id]
        return stored_copy(sorted(keys, key=lambda k: (k.created_at, k.id)))

    def delete(self, team_id: str, key_id: str) -> bool:
        key = self._s.api_keys.get(key_id)
        if key is None or key.team_id != team_id:
            return False
        del self._s.api_keys[key_id]
        return True

    def mark_used(self, key_id: str, at: datetime, *, unless_since: datetime) -> None:
        key = self._s.api_keys.get(key_id)
        if key is not None and (key.last_used_at is None or key.last_used_at < unless_since):
            key.last_used_at = at


class _Leases(MemoryRepository):
    def claim(self, name: str, claimer: str, *, now: datetime, until: datetime) -> bool:
        held = self._s.leases.get(name)
        if held is not None and held[0] != claimer and held[1] > now:
            return False
        self._s.leases[name] = (claimer, until)
        return True

    def release(self, name: str, claimer: str) -> None:
        held = self._s.leases.get(name)
        if held is not None and held[0] == claimer:
            del self._s.leases[name]

    def holder(self, name: str) -> tuple[str, datetime] | None:
        return self._s.leases.get(name)


class InMemoryUnitOfWork:
    def __init__(self, database: InMemoryDatabase) -> None:
        self._db = database
        self._state: State | None = None
        self._announcements = Announcements(database.ids)

    def __enter__(self) -> Self:
        self._state = self._db._begin()
        self._bind(self._state)
        return self

    def _bind(self, state: State) -> None:
        seen = self._announcements
        self.teams = _Teams(state, seen)
        self.memberships = _Memberships(state, seen)
        self.connections = _Connections(state, seen)
        self.marketplaces = _Marketplaces(state, seen)
        self.authorizations = _Authorizations(state, seen)
        self.connect_sessions = _ConnectSessions(state, seen)
        self.listing_settings = MemoryListingSettings(state, seen)
        self.events = MemoryEventLog(state, seen)
        self.sync_cursors = MemorySyncCursors(state, seen)
        self.listings = MemoryListings(state, seen)
        self.app_credentials = _AppCredentials(state, seen)
        self.api_keys = _ApiKeys(state, seen)
        self.reads = InMemoryReads(state)
        self.records = MemoryRecords(state, seen)
        self.webhooks = MemoryWebhookEndpoints(state, seen)
        self.deliveries = MemoryDeliveries(state)
        self.leases = _Leases(state, seen)

    def __exit__(self, *exc: object) -> None:
        self._state = None
        self._announcements.drop()
        self._db._end()

    def commit(self) -> None:
        if self._state is None:
            raise RuntimeError("commit() outside a unit of work")
        state = self._state
        self._announcements.log(state.events.append, self._team_of)
        self._db._commit(state)

    def rollback(self) -> None:
        if self._state is None:
            raise RuntimeError("rollback() outside a unit of work")
        self._announcements.drop()
        self._state = self._db._snapshot()
        self._bind(self._state)

    def _team_of(self, connection_id: str) -> str | None:
        assert self._state is not None
        connection = self._state.connections.get(connection_id)
        return connection.team_id if connection is not None else None
