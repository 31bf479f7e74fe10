"""The audit trail: an append-only record of everything that changed, who did it and why.
Support's timeline reads it (DESIGN §2) and webhooks are delivered from it, so it must hold
every change and nothing that was rolled back.

That is why an aggregate announces its own changes: a method that changes a connection, a
grant, a marketplace, a team or a SKU's listing appends a `DomainEvent` to the aggregate's
`events` as part of the same act, and the unit of work writes what its aggregates announced
to the log in the transaction that saves them (`collect_new_events`, after Percival and
Gregory's *Architecture Patterns with Python*). A use case never writes the log by hand."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from attrs import define, field, frozen

from domain.copies import copied

# Who acts when nobody asked: the worker, a sweep, an automatic choice.
SYSTEM_ACTOR = "sellerlink"


class EventKind(StrEnum):
    TEAM_CREATED = "team.created"
    TEAM_CHANGED = "team.changed"
    MEMBER_ROLE_SET = "member.role_set"
    MEMBER_REMOVED = "member.removed"
    AUTHORIZATION_STARTED = "authorization.started"
    AUTHORIZATION_FAILED = "authorization.failed"
    CONNECT_SESSION_CREATED = "connect_session.created"
    CONNECTION_CREATED = "connection.created"
    CHANNEL_AUTHORIZED = "connection.channel_authorized"
    CONNECTION_RECONNECTED = "connection.reconnected"
    CONNECTION_DISCONNECTED = "connection.disconnected"
    PROFILES_OFFERED = "profile.offered"
    PROFILE_SELECTED = "profile.selected"
    MARKETPLACE_CHANGED = "marketplace.changed"
    MARKETPLACE_ESCALATED = "marketplace.escalated"
    TOKEN_REFRESHED = "token.refreshed"
    TOKEN_REFRESH_FAILED = "token.refresh_failed"
    TOKEN_REVOKED = "token.revoked"
    TOKEN_EXPIRED = "token.expired"
    TOKEN_EXPIRING = "token.expiring"
    BACKFILL_SCHEDULED = "sync.backfill_scheduled"
    BACKFILL_COMPLETED = "sync.backfill_completed"
    LISTING_SETTINGS_CHANGED = "listing.settings_changed"
    LISTING_BATCH_SENT = "listing.batch_sent"
    LISTING_FEED_PROCESSED = "listing.feed_processed"
    API_KEY_CREATED = "api_key.created"
    API_KEY_DELETED = "api_key.deleted"
    ACCESS_TOKEN_ISSUED = "amazon.access_token_issued"
    WARNING = "warning"
    # The app's own credentials (DESIGN §15), recorded for each team with connections.
    APP_CREDENTIALS_REJECTED = "app.credentials_rejected"
    APP_CREDENTIALS_RESTORED = "app.credentials_restored"
    APP_CREDENTIALS_EXPIRING = "app.credentials_expiring"
    # Written where the change happens; webhooks map them (application/webhook_events.py).
    CONNECTION_HEALTH_CHANGED = "connection.health_changed"
    RECORDS_UPDATED = "records.updated"
    LISTING_REJECTED = "listing.rejected"
    WEBHOOK_ENDPOINT_CREATED = "webhook.endpoint_created"
    WEBHOOK_ENDPOINT_CHANGED = "webhook.endpoint_changed"
    WEBHOOK_ENDPOINT_DELETED = "webhook.endpoint_deleted"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"
    WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled"
    WEBHOOK_REPLAY_REQUESTED = "webhook.replay_requested"


# App-level events (the app's own Amazon credentials: app.credentials_*) belong to no team;
# they are recorded with this team id and delivered to every team's endpoints that ask.
APP_TEAM_ID = "*"


@frozen
class AuditEvent:
    id: str
    at: datetime
    team_id: str
    kind: EventKind
    actor: str
    summary: str
    connection_id: str | None = None
    data: Mapping[str, str] = field(factory=dict)


# Announcement order across aggregates: the log keeps the order in which things happened in
# one unit of work, whichever aggregate announced them.
_announced = itertools.count()


def _strings(data: Mapping[str, object] | None) -> Mapping[str, str]:
    return {k: str(v) for k, v in (data or {}).items() if v is not None}


@frozen
class DomainEvent:
    """A change as its aggregate announced it; it becomes an `AuditEvent` (with an id) when
    the unit of work that saw it commits."""

    kind: EventKind
    # None from an aggregate that does not know its team (a marketplace knows its
    # connection); the unit of work fills it in from the connection before logging.
    team_id: str | None
    actor: str
    summary: str
    at: datetime
    connection_id: str | None = None
    data: Mapping[str, str] = field(factory=dict, converter=_strings)
    order: int = field(factory=lambda: next(_announced), eq=False, repr=False)

    def logged_as(self, event_id: str, team_id: str) -> AuditEvent:
        return copied(AuditEvent, self, id=event_id, team_id=team_id)


@frozen
class EventScope:
    """Whom an aggregate's events concern: its team (None: the unit of work fills it in from
    the connection), its connection, and the ids every one of its events carries."""

    team_id: str | None
    connection_id: str | None = None
    data: Mapping[str, str] = field(factory=dict)


@define
class EventSource:
    """What an aggregate inherits to announce its changes. The events wait here until the
    unit of work takes them; they are never stored with the aggregate itself."""

    events: list[DomainEvent] = field(factory=list, init=False, eq=False, repr=False)

    def event_scope(self) -> EventScope:
        """Whom this aggregate's changes concern; an aggregate that announces its changes
        says so by overriding this."""
        raise NotImplementedError(f"{type(self).__name__} does not announce its changes")

    def announce_change(
        self,
        kind: EventKind,
        summary: str,
        *,
        at: datetime,
        actor: str,
        data: Mapping[str, object] | None = None,
    ) -> None:
        """A change of this aggregate, logged under its `event_scope`."""
        scope = self.event_scope()
        self.announce(
            kind,
            team_id=scope.team_id,
            actor=actor,
            summary=summary,
            at=at,
            connection_id=scope.connection_id,
            data={**scope.data, **(data or {})},
        )

    def announce(
        self,
        kind: EventKind,
        *,
        team_id: str | None,
        actor: str,
        summary: str,
        at: datetime,
        connection_id: str | None = None,
        data: Mapping[str, object] | None = None,
    ) -> None:
        self.events.append(
            DomainEvent(
                kind=kind,
                team_id=team_id,
                actor=actor,
                summary=summary,
                at=at,
                connection_id=connection_id,
                data=_strings(data),
            )
        )

    def take_events(self) -> list[DomainEvent]:
        taken, self.events = self.events, []
        return taken
