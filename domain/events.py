"""The audit trail: an append-only record of everything that changed, who did it and why.
Support's timeline reads it (DESIGN §2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from attrs import field, frozen


class EventKind(StrEnum):
    TEAM_CREATED = "team.created"
    TEAM_CHANGED = "team.changed"
    MEMBER_ROLE_SET = "member.role_set"
    MEMBER_REMOVED = "member.removed"
    AUTHORIZATION_STARTED = "authorization.started"
    AUTHORIZATION_FAILED = "authorization.failed"
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
    WARNING = "warning"


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
