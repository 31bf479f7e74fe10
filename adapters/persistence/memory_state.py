"""What the in-memory database keeps and the rules every in-memory repository follows
(memory.py binds them into a unit of work): values are copied on the way in and on the way
out, never changed in place once stored, and a stale version is a ConcurrentUpdate, as the
SQL adapter behaves where the use cases can tell."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Protocol, TypeVar

from attrs import define, field, fields

from adapters.persistence.announcements import Announcements
from domain.api_key import ApiKey
from domain.app_credentials import AppCredentialState
from domain.authorization import AuthorizationRequest
from domain.connect_session import ConnectSession
from domain.connection import Connection
from domain.errors import ConcurrentUpdate
from domain.events import AuditEvent, EventSource
from domain.grant import Channel
from domain.listing import ListingSettings
from domain.listing_batch import SkuListing
from domain.marketplace import Marketplace
from domain.records import Record
from domain.sync import SyncCursor
from domain.team import Membership, Team
from domain.webhooks import Delivery, WebhookEndpoint

T = TypeVar("T")


class _Versioned(Protocol):
    version: int


V = TypeVar("V", bound=_Versioned)


@define
class State:
    """Everything the in-memory database stores: a dict per table, keyed as the table is."""

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


_STATE_FIELDS = tuple(f.name for f in fields(State))


def containers(state: State) -> State:
    """A unit of work's own view of the state: new containers, the same stored values.
    Sharing the values is safe because every repository copies a value on the way in and on
    the way out and only ever replaces stored values, never changes one in place (so the
    cost of a unit of work does not grow with everything stored)."""
    return State(**{name: copy.copy(getattr(state, name)) for name in _STATE_FIELDS})


def stored_copy(value: T) -> T:
    """Stored objects never carry announcements: those belong to the caller's copy until
    its unit of work commits."""
    copied = copy.deepcopy(value)
    if isinstance(copied, EventSource):
        copied.events = []
    return copied


def check_and_bump(stored: _Versioned | None, incoming: V, what: str) -> V:
    if stored is None:
        raise ConcurrentUpdate(f"The {what} no longer exists.")
    if stored.version != incoming.version:
        raise ConcurrentUpdate(
            f"The {what} was changed by someone else (version {incoming.version}, "
            f"now {stored.version})."
        )
    incoming.version += 1
    return stored_copy(incoming)


class MemoryRepository:
    def __init__(self, state: State, announcements: Announcements) -> None:
        self._s = state
        self._announcements = announcements

    def _out(self, value: T) -> T:
        """A copy for the caller, watched for what it will announce."""
        return self._announcements.watch(stored_copy(value))

    def _in(self, value: T) -> T:
        """The copy to store of what the caller hands in (watched: it may have announced)."""
        return stored_copy(self._announcements.watch(value))
