"""The unit of work: one transaction over the repositories (repositories.py) and the read
side (queries.py), as a typing.Protocol. `commit()` also writes to the event log what the
aggregates of the unit of work announced (domain/events.py), in the same transaction.

The repositories are read-only properties: a use case uses the ones it is given, and an
adapter may give its own subtypes of them.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from application.queries import ReadModels
from application.repositories import (
    ApiKeyRepository,
    AppCredentialStateRepository,
    AuthorizationRequestRepository,
    ConnectionRepository,
    ConnectSessionRepository,
    DeliveryRepository,
    EventLog,
    LeaseRepository,
    ListingRepository,
    ListingSettingsRepository,
    MarketplaceRepository,
    MembershipRepository,
    RecordRepository,
    SyncCursorRepository,
    TeamRepository,
    WebhookEndpointRepository,
)


class UnitOfWork(Protocol):
    """One transaction. Leaving the `with` block without `commit()` rolls everything back,
    so a failed use case leaves nothing half-written."""

    @property
    def teams(self) -> TeamRepository: ...

    @property
    def memberships(self) -> MembershipRepository: ...

    @property
    def connections(self) -> ConnectionRepository: ...

    @property
    def marketplaces(self) -> MarketplaceRepository: ...

    @property
    def authorizations(self) -> AuthorizationRequestRepository: ...

    @property
    def connect_sessions(self) -> ConnectSessionRepository: ...

    @property
    def listing_settings(self) -> ListingSettingsRepository: ...

    @property
    def listings(self) -> ListingRepository: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def sync_cursors(self) -> SyncCursorRepository: ...

    @property
    def app_credentials(self) -> AppCredentialStateRepository: ...

    @property
    def api_keys(self) -> ApiKeyRepository: ...

    @property
    def reads(self) -> ReadModels:
        """The read side: set-based queries for what is shown."""
        ...

    @property
    def records(self) -> RecordRepository: ...

    @property
    def webhooks(self) -> WebhookEndpointRepository: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...

    @property
    def leases(self) -> LeaseRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
