"""The in-memory implementation of the persistence ports, for fast tests and the features.

It behaves like the SQL adapter where the use cases can tell: objects come out as copies (a
change is stored only by `add`/`update`/`put`), leaving a unit of work without `commit()`
loses its changes, a stale version is a ConcurrentUpdate, and a unit of work holds the
database's lock from start to end, which gives `for_update` its single-flight meaning.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar

from attrs import define, evolve, field, fields

from adapters.persistence.announcements import Announcements, EventIds, RandomEventIds
from adapters.persistence.memory_reads import InMemoryReads
from adapters.persistence.memory_webhooks import MemoryDeliveries, MemoryWebhookEndpoints
from domain.api_key import ApiKey
from domain.app_credentials import AppCredentialState
from domain.authorization import AuthorizationRequest
from domain.connect_session import ConnectSession
from domain.connection import Connection, Region
from domain.errors import AccountInUse, ConcurrentUpdate
from domain.events import APP_TEAM_ID, AuditEvent, EventSource
from domain.grant import Channel
from domain.listing import ListingSettings
from domain.listing_batch import SkuListing
from domain.marketplace import Marketplace, MarketplaceState
from domain.records import Dataset, IncomingRecord, Record, RecordQuery, RecordScope, WriteCounts
from domain.rules import OneLiveConnectionPerAccount
from domain.sync import SyncCursor
from domain.team import Membership, Team
from domain.webhooks import Delivery, WebhookEndpoint

T = TypeVar("T")


class _Versioned(Protocol):
    version: int


V = TypeVar("V", bound=_Versioned)


@define
class _State:
    teams: dict[str, Team] = field(factory=dict)
    memberships: dict[tuple[str, str], Membership] = field(factory=dict)
    connections: dict[str, Connection] = field(factory=dict)
    marketplaces: dict[tuple[str, str], Marketplace] = field(factory=dict)
    authorizations: dict[str, AuthorizationRequest] = field(factory=dict)
    connect_sessions: dict[str, ConnectSession] = field(factory=dict)
    listing_settings: dict[str, ListingSettings] = field(factory=dict)
    events: _AppendOnly = field(factory=lambda: _AppendOnly())
    sync_cursors: dict[tuple[str, str, str], SyncCursor] = field(factory=dict)
    listings: dict[tuple[str, str, str], SkuListing] = field(factory=dict)
    app_credentials: dict[Channel, AppCredentialState] = field(factory=dict)
    api_keys: dict[str, ApiKey] = field(factory=dict)
    records: _RecordStore = field(factory=lambda: _RecordStore())
    published: dict[str, datetime] = field(factory=dict)
    webhooks: dict[str, WebhookEndpoint] = field(factory=dict)
    deliveries: dict[str, Delivery] = field(factory=dict)
    delivery_seq: int = 0
    delivery_leases: dict[str, tuple[str, datetime]] = field(factory=dict)
    leases: dict[str, tuple[str, datetime]] = field(factory=dict)


class _AppendOnly(list[AuditEvent]):
    """The audit log: events are frozen and never changed once appended."""

    def __copy__(self) -> _AppendOnly:
        return _AppendOnly(self)


class _RecordStore:
    """Records are frozen and their payload is text: a snapshot copies the two dicts."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str, str], Record] = {}
        self.sequences: dict[str, int] = {}

    def __copy__(self) -> _RecordStore:
        copied = _RecordStore()
        copied.rows = dict(self.rows)
        copied.sequences = dict(self.sequences)
        return copied


_STATE_FIELDS = tuple(f.name for f in fields(_State))


def _containers(state: _State) -> _State:
    """A unit of work's own view of the state: new containers, the same stored values.
    Sharing the values is safe because every repository copies a value on the way in and on
    the way out and only ever replaces stored values, never changes one in place (so the
    cost of a unit of work does not grow with everything stored)."""
    return _State(**{name: copy.copy(getattr(state, name)) for name in _STATE_FIELDS})


def _copy(value: T) -> T:
    """Stored objects never carry announcements: those belong to the caller's copy until
    its unit of work commits."""
    copied = copy.deepcopy(value)
    if isinstance(copied, EventSource):
        copied.events = []
    return copied


def _check_and_bump(stored: _Versioned | None, incoming: V, what: str) -> V:
    if stored is None:
        raise ConcurrentUpdate(f"The {what} no longer exists.")
    if stored.version != incoming.version:
        raise ConcurrentUpdate(
            f"The {what} was changed by someone else (version {incoming.version}, "
            f"now {stored.version})."
        )
    incoming.version += 1
    return _copy(incoming)


class InMemoryDatabase:
    def __init__(self, ids: EventIds | None = None) -> None:
        self.ids = ids or RandomEventIds()
        self._state = _State()
        self._lock = threading.RLock()

    def unit_of_work(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self)

    # used by the unit of work only
    def _begin(self) -> _State:
        self._lock.acquire()
        return self._snapshot()

    def _snapshot(self) -> _State:
        return _containers(self._state)

    def _commit(self, state: _State) -> None:
        self._state = _containers(state)

    def _end(self) -> None:
        self._lock.release()


class _Repo:
    def __init__(self, state: _State, announcements: Announcements) -> None:
        self._s = state
        self._announcements = announcements

    def _out(self, value: T) -> T:
        """A copy for the caller, watched for what it will announce."""
        return self._announcements.watch(_copy(value))

    def _in(self, value: T) -> T:
        """The copy to store of what the caller hands in (watched: it may have announced)."""
        return _copy(self._announcements.watch(value))


class _Teams(_Repo):
    def add(self, team: Team) -> None:
        self._s.teams[team.id] = self._in(team)

    def get(self, team_id: str) -> Team | None:
        return self._out(self._s.teams.get(team_id))

    def update(self, team: Team) -> None:
        self._announcements.watch(team)
        self._s.teams[team.id] = _check_and_bump(self._s.teams.get(team.id), team, "team")


class _Memberships(_Repo):
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


class _Connections(_Repo):
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
        self._s.connections[connection.id] = _check_and_bump(stored, connection, "connection")

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


class _Marketplaces(_Repo):
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
        self._s.marketplaces[key] = _check_and_bump(
            self._s.marketplaces.get(key), marketplace, "marketplace"
        )

    def list_for_connection(self, connection_id: str) -> list[Marketplace]:
        return [self._out(m) for (c, _), m in self._s.marketplaces.items() if c == connection_id]

    def list_in_states(self, states: Iterable[MarketplaceState]) -> list[Marketplace]:
        wanted = set(states)
        return [self._out(m) for m in self._s.marketplaces.values() if m.state in wanted]


class _Authorizations(_Repo):
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


class _ConnectSessions(_Repo):
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


class _ListingSettings(_Repo):
    def get(self, connection_id: str) -> ListingSettings | None:
        return _copy(self._s.listing_settings.get(connection_id))

    def put(self, settings: ListingSettings) -> None:
        self._s.listing_settings[settings.connection_id] = _copy(settings)


class _Listings(_Repo):
    def get(self, connection_id: str, marketplace_id: str, sku: str) -> SkuListing | None:
        return _copy(self._s.listings.get((connection_id, marketplace_id, sku)))

    def get_many(
        self, connection_id: str, marketplace_id: str, skus: Iterable[str]
    ) -> dict[str, SkuListing]:
        found = {}
        for sku in skus:
            listing = self._s.listings.get((connection_id, marketplace_id, sku))
            if listing is not None:
                found[sku] = _copy(listing)
        return found

    def put_many(self, listings: Iterable[SkuListing]) -> None:
        for listing in listings:
            key = (listing.connection_id, listing.marketplace_id, listing.sku)
            self._s.listings[key] = _copy(listing)

    def list_for_connection(self, connection_id: str) -> list[SkuListing]:
        return [_copy(v) for (c, _, _), v in sorted(self._s.listings.items()) if c == connection_id]

    def list_for_sku(self, connection_id: str, sku: str) -> list[SkuListing]:
        return [
            _copy(v)
            for (c, _, s), v in sorted(self._s.listings.items())
            if c == connection_id and s == sku
        ]

    def list_pending(self, connection_id: str) -> list[SkuListing]:
        return [
            _copy(v)
            for (c, _, _), v in sorted(self._s.listings.items())
            if c == connection_id and (v.pending_since is not None or v.in_flight is not None)
        ]

    def oldest_waiting(self, connection_id: str) -> datetime | None:
        waiting = [
            v.pending_since
            for (c, _, _), v in self._s.listings.items()
            if c == connection_id and v.waiting and v.pending_since is not None
        ]
        return min(waiting) if waiting else None

    def connections_with_pending(self) -> list[str]:
        return sorted(
            {
                c
                for (c, _, _), v in self._s.listings.items()
                if v.pending_since is not None or v.in_flight is not None
            }
        )


class _Events(_Repo):
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

    def list(
        self,
        *,
        team_id: str | None = None,
        connection_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 100,
    ) -> list[AuditEvent]:
        wanted = set(kinds) if kinds is not None else None
        found = [
            e
            for e in reversed(self._s.events)
            if (team_id is None or e.team_id == team_id)
            and (connection_id is None or e.connection_id == connection_id)
            and (since is None or e.at >= since)
            and (until is None or e.at < until)
            and (wanted is None or str(e.kind) in wanted)
        ]
        found.sort(key=lambda e: e.at, reverse=True)
        return found[:limit]


class _SyncCursors(_Repo):
    def get(
        self, connection_id: str, marketplace_id: str, dataset: Dataset = Dataset.ORDERS
    ) -> SyncCursor | None:
        return _copy(self._s.sync_cursors.get((connection_id, marketplace_id, str(dataset))))

    def put(self, cursor: SyncCursor) -> None:
        key = (cursor.connection_id, cursor.marketplace_id, str(cursor.dataset))
        self._s.sync_cursors[key] = _copy(cursor)

    def list_for_connection(self, connection_id: str) -> list[SyncCursor]:
        return [_copy(c) for k, c in sorted(self._s.sync_cursors.items()) if k[0] == connection_id]

    def list_with_backfill(self) -> list[SyncCursor]:
        return [
            _copy(c) for _, c in sorted(self._s.sync_cursors.items()) if c.backfill_from is not None
        ]


class _AppCredentials(_Repo):
    def get(self, channel: Channel, *, for_update: bool = False) -> AppCredentialState | None:
        found = self._s.app_credentials.get(channel)
        return self._out(found) if found is not None else None

    def put(self, state: AppCredentialState) -> None:
        state.version += 1
        self._s.app_credentials[state.channel] = self._in(state)


class _ApiKeys(_Repo):
    def add(self, key: ApiKey) -> None:
        self._s.api_keys[key.id] = self._in(key)

    def get(self, key_id: str) -> ApiKey | None:
        return self._out(self._s.api_keys.get(key_id))

    def list_for_team(self, team_id: str) -> list[ApiKey]:
        keys = [k for k in self._s.api_keys.values() if k.team_id == team_id]
        return _copy(sorted(keys, key=lambda k: (k.created_at, k.id)))

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


class _Records(_Repo):
    def write(
        self, scope: RecordScope, records: Sequence[IncomingRecord], *, at: datetime
    ) -> WriteCounts:
        store = self._s.records
        latest = {r.key: r for r in records}
        last = store.sequences.get(scope.team_id, 0)
        created = changed = unchanged = 0
        for key, incoming in latest.items():
            row_key = _record_key(scope, key)
            before = store.rows.get(row_key)
            if before is not None and before.payload_hash == incoming.hash and not before.deleted:
                unchanged += 1
                continue
            last += 1
            store.rows[row_key] = Record(
                team_id=scope.team_id,
                connection_id=scope.connection_id,
                marketplace_id=scope.marketplace_id,
                dataset=scope.dataset,
                key=key,
                payload=incoming.payload,
                payload_hash=incoming.hash,
                updated_at=at,
                deleted=False,
                sequence=last,
                as_of=incoming.as_of,
            )
            created += before is None
            changed += before is not None
        store.sequences[scope.team_id] = last
        return WriteCounts(created=created, changed=changed, unchanged=unchanged)

    def delete_missing(
        self, scope: RecordScope, present: Iterable[str], *, at: datetime
    ) -> WriteCounts:
        store = self._s.records
        keep = set(present)
        last = store.sequences.get(scope.team_id, 0)
        gone = sorted(
            record.key
            for row_key, record in store.rows.items()
            if row_key[:3] == _record_key(scope, "")[:3]
            and not record.deleted
            and record.key not in keep
        )
        for key in gone:
            last += 1
            row_key = _record_key(scope, key)
            store.rows[row_key] = evolve(
                store.rows[row_key], deleted=True, updated_at=at, sequence=last
            )
        store.sequences[scope.team_id] = last
        return WriteCounts(deleted=len(gone))

    def page(self, query: RecordQuery) -> list[Record]:
        found = [
            r
            for r in self._s.records.rows.values()
            if r.team_id == query.team_id
            and r.sequence > query.after
            and (query.dataset is None or r.dataset == query.dataset)
            and (query.connection_id is None or r.connection_id == query.connection_id)
            and (query.marketplace_id is None or r.marketplace_id == query.marketplace_id)
        ]
        return sorted(found, key=lambda r: r.sequence)[: query.limit]

    def purge(self, team_id: str, *, before: datetime) -> int:
        rows = self._s.records.rows
        gone = [
            k
            for k, r in rows.items()
            if r.team_id == team_id
            and (
                (r.as_of is not None and r.as_of < before) or (r.deleted and r.updated_at < before)
            )
        ]
        for k in gone:
            del rows[k]
        return len(gone)


def _record_key(scope: RecordScope, key: str) -> tuple[str, str, str, str]:
    return (scope.connection_id, scope.marketplace_id, str(scope.dataset), key)


class _Leases(_Repo):
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
    teams: _Teams
    memberships: _Memberships
    connections: _Connections
    marketplaces: _Marketplaces
    authorizations: _Authorizations
    connect_sessions: _ConnectSessions
    listing_settings: _ListingSettings
    events: _Events
    sync_cursors: _SyncCursors
    listings: _Listings
    app_credentials: _AppCredentials
    api_keys: _ApiKeys
    reads: InMemoryReads
    records: _Records
    webhooks: MemoryWebhookEndpoints
    deliveries: MemoryDeliveries
    leases: _Leases

    def __init__(self, database: InMemoryDatabase) -> None:
        self._db = database
        self._state: _State | None = None
        self._announcements = Announcements(database.ids)

    def __enter__(self) -> Self:
        self._state = self._db._begin()
        self._bind(self._state)
        return self

    def _bind(self, state: _State) -> None:
        seen = self._announcements
        self.teams = _Teams(state, seen)
        self.memberships = _Memberships(state, seen)
        self.connections = _Connections(state, seen)
        self.marketplaces = _Marketplaces(state, seen)
        self.authorizations = _Authorizations(state, seen)
        self.connect_sessions = _ConnectSessions(state, seen)
        self.listing_settings = _ListingSettings(state, seen)
        self.events = _Events(state, seen)
        self.sync_cursors = _SyncCursors(state, seen)
        self.listings = _Listings(state, seen)
        self.app_credentials = _AppCredentials(state, seen)
        self.api_keys = _ApiKeys(state, seen)
        self.reads = InMemoryReads(state)
        self.records = _Records(state, seen)
        self.webhooks = MemoryWebhookEndpoints(state, seen)
        self.deliveries = MemoryDeliveries(state)
        self.leases = _Leases(state, seen)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
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
