"""The SQL unit of work: one session, one transaction, the repositories sharing it.

Leaving the `with` block without `commit()` rolls back (application/unit_of_work.py).

Locking, per back end:
- PostgreSQL runs READ COMMITTED; `get(..., for_update=True)` is `SELECT ... FOR UPDATE`,
  held until the unit of work ends.
- SQLite has one database-wide write lock. The first write of a unit of work (and any
  `for_update` read) takes it with `BEGIN IMMEDIATE`; if the unit of work had only read
  so far, that read-only transaction is ended first (nothing is lost: nothing was
  written). Reads made before the lock may be older than the lock, exactly as under
  PostgreSQL's READ COMMITTED; the version columns turn a decision made on a stale read
  into ConcurrentUpdate, never into a silent lost update."""

from __future__ import annotations

from typing import Self, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from adapters.persistence.announcements import Announcements, EventIds, RandomEventIds
from adapters.persistence.crypto import Keyring
from adapters.persistence.repositories.api_keys import SqlApiKeyRepository
from adapters.persistence.repositories.app_credentials import SqlAppCredentialStateRepository
from adapters.persistence.repositories.authorizations import SqlAuthorizationRequestRepository
from adapters.persistence.repositories.connect_sessions import SqlConnectSessionRepository
from adapters.persistence.repositories.connections import SqlConnectionRepository
from adapters.persistence.repositories.event_log import SqlEventLog
from adapters.persistence.repositories.leases import SqlLeaseRepository
from adapters.persistence.repositories.listings import (
    SqlListingRepository,
    SqlListingSettingsRepository,
)
from adapters.persistence.repositories.marketplaces import SqlMarketplaceRepository
from adapters.persistence.repositories.reads import SqlReadModels
from adapters.persistence.repositories.seller_records import SqlRecordRepository
from adapters.persistence.repositories.sync_cursors import SqlSyncCursorRepository
from adapters.persistence.repositories.teams import SqlMembershipRepository, SqlTeamRepository
from adapters.persistence.repositories.webhooks import (
    SqlDeliveryRepository,
    SqlWebhookEndpointRepository,
)

# Execution option read by the SQLite engine's "begin" hook (database.py).
SQLITE_BEGIN_OPTION = "sellerlink_sqlite_begin"

T = TypeVar("T")


class SqlUnitOfWork:
    def __init__(self, engine: Engine, keyring: Keyring, ids: EventIds | None = None) -> None:
        self._engine = engine
        self.keyring = keyring
        self._announcements = Announcements(ids or RandomEventIds())
        self._session: Session | None = None
        self._write_locked = False

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already in use; make a new one")
        self._session = Session(self._engine, autoflush=False, expire_on_commit=False)
        self._write_locked = False
        self.teams = SqlTeamRepository(self)
        self.memberships = SqlMembershipRepository(self)
        self.connections = SqlConnectionRepository(self)
        self.marketplaces = SqlMarketplaceRepository(self)
        self.authorizations = SqlAuthorizationRequestRepository(self)
        self.connect_sessions = SqlConnectSessionRepository(self)
        self.listing_settings = SqlListingSettingsRepository(self)
        self.listings = SqlListingRepository(self)
        self.events = SqlEventLog(self)
        self.sync_cursors = SqlSyncCursorRepository(self)
        self.app_credentials = SqlAppCredentialStateRepository(self)
        self.api_keys = SqlApiKeyRepository(self)
        self.reads = SqlReadModels(self)
        self.records = SqlRecordRepository(self)
        self.webhooks = SqlWebhookEndpointRepository(self)
        self.deliveries = SqlDeliveryRepository(self)
        self.leases = SqlLeaseRepository(self)
        return self

    def __exit__(self, *exc: object) -> None:
        session, self._session = self._session, None
        self._announcements.drop()
        if session is None:
            return
        try:
            session.rollback()
        finally:
            session.close()

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._session

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def commit(self) -> None:
        self._announcements.log(self.events.append, self._team_of)
        self.session.commit()
        self._write_locked = False

    def rollback(self) -> None:
        self._announcements.drop()
        self.session.rollback()
        self._write_locked = False

    def watch(self, value: T) -> T:
        return self._announcements.watch(value)

    def _team_of(self, connection_id: str) -> str | None:
        connection = self.connections.get(connection_id)
        return connection.team_id if connection is not None else None

    def prepare_write(self) -> None:
        """Called by every repository before it writes (see the module docstring)."""
        if self._write_locked or self.dialect != "sqlite":
            return
        session = self.session
        if session.in_transaction():
            session.rollback()
        session.connection(execution_options={SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})
        self._write_locked = True

    def lock_rows(self) -> bool:
        """Before a `for_update` read: True when the SELECT itself must say FOR UPDATE
        (PostgreSQL); on SQLite the database write lock is taken instead."""
        if self.dialect == "sqlite":
            self.prepare_write()
            return False
        return True
