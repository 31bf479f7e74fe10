"""The persistence ports, one repository per aggregate plus the append-only event log, as
typing.Protocols. The in-memory adapter and the SQL adapter implement the same protocols,
and one contract suite holds both to them; a use case reaches them through its unit of work
(unit_of_work.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from attrs import field, frozen

from domain.api_key import ApiKey
from domain.app_credentials import AppCredentialState
from domain.authorization import AuthorizationRequest
from domain.connect_session import ConnectSession
from domain.connection import Connection, Region
from domain.events import AuditEvent
from domain.grant import Channel
from domain.listing import ListingSettings
from domain.listing_batch import SkuListing
from domain.marketplace import Marketplace, MarketplaceState
from domain.records import Dataset, IncomingRecord, Record, RecordQuery, RecordScope, WriteCounts
from domain.sync import SyncCursor
from domain.team import Membership, Team
from domain.webhooks import Delivery, DeliveryStatus, WebhookEndpoint


class TeamRepository(Protocol):
    def add(self, team: Team) -> None: ...

    def get(self, team_id: str) -> Team | None: ...

    def list_all(self) -> list[Team]:
        """Every team, in one read: a reconciler pass needs each one's history window."""
        ...

    def update(self, team: Team) -> None:
        """Raises ConcurrentUpdate if the stored version is not `team.version`; on success
        the stored and the in-hand versions are both incremented."""
        ...


class MembershipRepository(Protocol):
    def get(self, team_id: str, user_id: str) -> Membership | None: ...

    def list_for_team(self, team_id: str) -> list[Membership]: ...

    def list_for_user(self, user_id: str) -> list[Membership]: ...

    def put(self, membership: Membership) -> None: ...

    def remove(self, team_id: str, user_id: str) -> None: ...


class ConnectionRepository(Protocol):
    def add(self, connection: Connection) -> None: ...

    def get(self, connection_id: str, *, for_update: bool = False) -> Connection | None:
        """`for_update` takes a row lock until the unit of work ends (SELECT ... FOR UPDATE
        on PostgreSQL, a write lock on SQLite): the single-flight refresh relies on it."""
        ...

    def update(self, connection: Connection) -> None:
        """Optimistic concurrency as in TeamRepository.update."""
        ...

    def list_for_team(
        self, team_id: str, *, include_disconnected: bool = False
    ) -> list[Connection]: ...

    def find_by_account(self, region: Region, account_ids: Iterable[str]) -> list[Connection]:
        """Connections in `region` (any team, disconnected included) whose selling partner
        id or Ads account id is one of `account_ids`."""
        ...

    def list_all(self, *, include_disconnected: bool = False) -> list[Connection]: ...

    def with_grants_expiring_before(self, before: datetime) -> list[Connection]:
        """Connected connections with a grant whose authorization ends before `before`."""
        ...

    def with_access_tokens_expiring_before(self, before: datetime) -> list[Connection]:
        """Connected connections with a live grant whose cached access token is missing or
        ends before `before`: the refresh sweep's query."""
        ...


class MarketplaceRepository(Protocol):
    def add(self, marketplace: Marketplace) -> None: ...

    def get(
        self, connection_id: str, marketplace_id: str, *, for_update: bool = False
    ) -> Marketplace | None: ...

    def update(self, marketplace: Marketplace) -> None:
        """Optimistic concurrency as in TeamRepository.update; history rows are appended."""
        ...

    def list_for_connection(self, connection_id: str) -> list[Marketplace]: ...

    def list_in_states(self, states: Iterable[MarketplaceState]) -> list[Marketplace]: ...


class AuthorizationRequestRepository(Protocol):
    def add(self, request: AuthorizationRequest) -> None: ...

    def get(self, state: str) -> AuthorizationRequest | None: ...

    def consume(self, state: str, at: datetime) -> bool:
        """Atomically mark the request consumed. True for exactly one caller, however many
        callbacks race with the same state; False if it was already consumed or unknown."""
        ...

    def update(self, request: AuthorizationRequest) -> None: ...

    def delete_expired(self, before: datetime) -> int: ...


class ConnectSessionRepository(Protocol):
    def add(self, session: ConnectSession) -> None: ...

    def get(self, session_id: str) -> ConnectSession | None: ...

    def find_by_token(self, token_digest: str) -> ConnectSession | None: ...

    def update(self, session: ConnectSession) -> None: ...


class ListingSettingsRepository(Protocol):
    def get(self, connection_id: str) -> ListingSettings | None: ...

    def put(self, settings: ListingSettings) -> None: ...


class ListingRepository(Protocol):
    """Per (connection, marketplace, SKU): the product's latest snapshot, the decision, what
    Amazon was last told and what waits to be sent (domain/listing_batch.py)."""

    def get(self, connection_id: str, marketplace_id: str, sku: str) -> SkuListing | None: ...

    def get_many(
        self, connection_id: str, marketplace_id: str, skus: Iterable[str]
    ) -> dict[str, SkuListing]: ...

    def put_many(self, listings: Iterable[SkuListing]) -> None:
        """Insert or replace each listing."""
        ...

    def list_for_connection(self, connection_id: str) -> list[SkuListing]: ...

    def list_for_sku(self, connection_id: str, sku: str) -> list[SkuListing]:
        """The SKU in every marketplace of the connection."""
        ...

    def list_pending(self, connection_id: str) -> list[SkuListing]:
        """Listings with a change waiting (`pending_since` set) or a submission in flight."""
        ...

    def connections_with_pending(self) -> list[str]:
        """Ids of the connections that have a pending listing: the worker's sweep."""
        ...

    def oldest_waiting(self, connection_id: str) -> datetime | None:
        """The `pending_since` of the connection's oldest change waiting for a batch (not
        in flight), read without loading the others: the batch window runs from it."""
        ...


def _kind_names(kinds: Iterable[str] | None) -> frozenset[str] | None:
    return None if kinds is None else frozenset(str(k) for k in kinds)


@frozen
class EventLogQuery:
    """Which events `EventLog.list` reads: each filter left None lets every event through;
    `since` is inclusive, `until` exclusive. `matches` is the rule the SQL log's WHERE
    clause mirrors."""

    team_id: str | None = None
    connection_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    kinds: frozenset[str] | None = field(default=None, converter=_kind_names)
    limit: int = 100

    def matches(self, event: AuditEvent) -> bool:
        return (
            (self.team_id is None or event.team_id == self.team_id)
            and (self.connection_id is None or event.connection_id == self.connection_id)
            and (self.since is None or event.at >= self.since)
            and (self.until is None or event.at < self.until)
            and (self.kinds is None or str(event.kind) in self.kinds)
        )


class EventLog(Protocol):
    """Append-only; also the webhooks' transactional outbox: an event is `unpublished` until
    the dispatcher has turned it into deliveries (application/webhook_outbox.py)."""

    def append(self, event: AuditEvent) -> None: ...

    def lock_outbox(self) -> None:
        """Serializes publishing until the unit of work ends (one publisher at a time keeps
        deliveries in the order events became visible)."""
        ...

    def unpublished(self, limit: int) -> list[AuditEvent]:
        """Committed events not yet published, oldest first (log order)."""
        ...

    def mark_published(self, event_ids: Sequence[str], at: datetime) -> None: ...

    def published_since(self, team_id: str, since: datetime, limit: int) -> list[AuditEvent]:
        """The team's (and app-wide) published events at or after `since`, oldest first."""
        ...

    def list(self, query: EventLogQuery) -> list[AuditEvent]:
        """The events `query` matches, newest first, at most `query.limit`."""
        ...


class SyncCursorRepository(Protocol):
    """One cursor per (connection, marketplace, dataset)."""

    def get(
        self, connection_id: str, marketplace_id: str, dataset: Dataset = ...
    ) -> SyncCursor | None: ...

    def put(self, cursor: SyncCursor) -> None: ...

    def list_for_connection(self, connection_id: str) -> list[SyncCursor]: ...

    def list_with_backfill(self) -> list[SyncCursor]: ...

    def list_all(self) -> list[SyncCursor]:
        """Every cursor, in one read: a reconciler pass looks at all of them."""
        ...


class AppCredentialStateRepository(Protocol):
    def get(self, channel: Channel, *, for_update: bool = False) -> AppCredentialState | None:
        """`for_update`: a row lock held until the unit of work ends (PostgreSQL)."""
        ...

    def put(self, state: AppCredentialState) -> None: ...


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey) -> None: ...

    def get(self, key_id: str) -> ApiKey | None: ...

    def list_for_team(self, team_id: str) -> list[ApiKey]:
        """Oldest first."""
        ...

    def delete(self, team_id: str, key_id: str) -> bool:
        """True when the team had that key."""
        ...

    def mark_used(self, key_id: str, at: datetime, *, unless_since: datetime) -> None:
        """Set last_used_at to `at` unless it is already at or after `unless_since`: one
        conditional statement, so concurrent requests write it at most once."""
        ...


class RecordRepository(Protocol):
    """The seller's data (domain/records.py). Writes keep the team's sequence in commit
    order: a product paging by sequence never misses a record committed behind it."""

    def write(
        self, scope: RecordScope, records: Sequence[IncomingRecord], *, at: datetime
    ) -> WriteCounts:
        """New keys are created, changed payloads replaced (each with a new sequence),
        payloads Amazon sent again unchanged left alone; a deleted key that comes back is
        live again. Within `records` the last one of a key wins."""
        ...

    def delete_missing(
        self, scope: RecordScope, present: Iterable[str], *, at: datetime
    ) -> WriteCounts:
        """A snapshot dataset: every live record of `scope` whose key is not in `present`
        is marked deleted (with a new sequence)."""
        ...

    def page(self, query: RecordQuery) -> list[Record]:
        """The team's records with a sequence above `query.after`, in sequence order, at
        most `query.limit`, with the query's filters."""
        ...

    def purge(self, team_id: str, *, before: datetime) -> int:
        """Retention: drop the team's records whose data is from before `before`, and
        deletion marks older than that. Returns how many went."""


class WebhookEndpointRepository(Protocol):
    def add(self, endpoint: WebhookEndpoint) -> None: ...

    def get(self, endpoint_id: str, *, for_update: bool = False) -> WebhookEndpoint | None: ...

    def update(self, endpoint: WebhookEndpoint) -> None:
        """Optimistic concurrency as in TeamRepository.update."""
        ...

    def delete(self, endpoint: WebhookEndpoint) -> None:
        """The endpoint and its deliveries (what it announced is still logged)."""
        ...

    def list_for_team(self, team_id: str) -> list[WebhookEndpoint]: ...

    def list_enabled(self, team_ids: Iterable[str] | None = None) -> list[WebhookEndpoint]:
        """Enabled endpoints of these teams (None: of every team)."""
        ...


class DeliveryRepository(Protocol):
    """Deliveries in log order (`seq`, assigned on add). A dispatcher claims the deliveries
    it is about to send with a lease it commits before sending, so several dispatchers never
    send the same attempt at once and nobody holds a transaction open across the request."""

    def add_many(self, deliveries: Sequence[Delivery]) -> None: ...

    def get(self, delivery_id: str) -> Delivery | None: ...

    def update(self, delivery: Delivery) -> None: ...

    def list_for_endpoint(
        self, endpoint_id: str, *, status: DeliveryStatus | None = None, limit: int = 100
    ) -> list[Delivery]:
        """Newest first."""
        ...

    def claim(
        self, *, now: datetime, until: datetime, claimer: str, limit: int, endpoint_id: str
    ) -> list[Delivery]:
        """Due pending deliveries of an enabled endpoint that head their ordering group (no
        earlier pending delivery with the same key) and are not leased; leased to `claimer`
        until `until`."""
        ...

    def claim_one(
        self, delivery_id: str, *, now: datetime, until: datetime, claimer: str
    ) -> Delivery | None:
        """Lease this pending delivery whatever its schedule (a test message sent now);
        None when it is not pending or someone holds it."""
        ...

    def finish(self, delivery: Delivery, claimer: str) -> bool:
        """Store an attempt's outcome and drop the lease, only if `claimer` still holds it
        (False: the lease ran out and someone else took the delivery over)."""
        ...

    def endpoints_with_due(self, now: datetime) -> list[str]:
        """Enabled endpoints that have a due, unleased pending delivery."""
        ...

    def next_attempt_at(self) -> datetime | None:
        """When the earliest pending delivery heading its queue (of an enabled endpoint)
        falls due, leases aside; None when nothing is pending."""
        ...


class LeaseRepository(Protocol):
    """Named leases (DESIGN §15): a job about to wait on Amazon for something claims it
    with a lease it commits, instead of holding a row or database lock across the call.
    A lease that runs out (its holder was killed) can be claimed by anyone."""

    def claim(self, name: str, claimer: str, *, now: datetime, until: datetime) -> bool:
        """Lease `name` to `claimer` until `until`, if it is free, ran out by `now`, or is
        `claimer`'s already. True when `claimer` holds it (once this unit of work commits)."""
        ...

    def release(self, name: str, claimer: str) -> None:
        """Drop the lease if `claimer` still holds it."""
        ...

    def holder(self, name: str) -> tuple[str, datetime] | None:
        """Who holds the lease and until when (a lease that ran out may still be shown)."""
        ...
