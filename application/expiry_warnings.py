"""Expiry warnings and noticing an authorization's end (DESIGN §3.6; seed 004).

An SP-API authorization ends 365 days after consent (AMAZON.md) and the seller must
re-authorize; seed 004's sellers only learn it when "the SP-API will automatically
disconnect". sellerlink warns first, once per threshold: 30 days, 7 days, then the last
day (counted in hours), each as a `token.expiring` event a product can show or send. At
the end the connection is marked Reconnect Required with a `token.expired` event, without
waiting for a refresh to fail.

Deduplication reads the event log itself: a warning carries its channel, its stage and the
authorization it belongs to (`authorized_at`), and a stage already recorded for that
authorization is not recorded again. The check and the write happen under the connection's
row lock, so two workers racing on the same connection write one warning. A reconnect starts
a new authorization and so a new set of warnings. A worker that was down for a week sends
the warning of the current stage only, never the missed ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define, frozen

from application.context import Ports
from application.repositories import EventLogQuery
from application.unit_of_work import UnitOfWork
from domain.connection import Connection, Health
from domain.events import AuditEvent, DomainEvent, EventKind
from domain.grant import EXPIRY_WARNING, Channel, expiry_notice_threshold, expiry_warning_stage

EXPIRED_STAGE = "expired"


@frozen
class DueWarning:
    connection_id: str
    channel: Channel
    stage: str
    authorized_at: datetime
    expires_at: datetime


def due_warnings(uow: UnitOfWork, connection: Connection, now: datetime) -> list[DueWarning]:
    """The warnings (and the expiry notice) this connection should get now and has not had
    for its current authorizations. Read-only: the reconciler asks it to decide whether a
    job is needed, the job asks again under the lock."""
    if connection.disconnected_at is not None:
        return []
    due: list[DueWarning] = []
    for channel, grant in sorted(connection.grants.items()):
        if (
            grant.expires_at is None
            or grant.authorized_at is None
            or grant.refresh_token is None
            or grant.revoked_at is not None
        ):
            continue
        remaining = grant.expires_at - now
        if remaining <= timedelta(0):
            # Noticed once: the connection's gap starts at the first lapse (tokens.py uses
            # the same test, so a refresh that noticed it first leaves nothing to do here).
            if connection.unusable_since is None:
                due.append(
                    DueWarning(
                        connection.id, channel, EXPIRED_STAGE, grant.authorized_at, grant.expires_at
                    )
                )
            continue
        stage = expiry_warning_stage(remaining)
        if stage is None:
            continue
        if stage not in _stages_warned(uow, connection.id, channel, grant.authorized_at):
            due.append(
                DueWarning(connection.id, channel, stage, grant.authorized_at, grant.expires_at)
            )
    return due


def _stages_warned(
    uow: UnitOfWork, connection_id: str, channel: Channel, authorized_at: datetime
) -> set[str]:
    return {e.data.get("stage", "") for e in _warnings(uow, connection_id, channel, authorized_at)}


def _warnings(
    uow: UnitOfWork, connection_id: str, channel: Channel, authorized_at: datetime
) -> list[AuditEvent]:
    """The warnings already given for this authorization of this channel."""
    events = uow.events.list(
        EventLogQuery(
            connection_id=connection_id,
            since=authorized_at,
            kinds=[str(EventKind.TOKEN_EXPIRING)],
            limit=1000,
        )
    )
    wanted = authorized_at.isoformat()
    return [
        e
        for e in events
        if e.data.get("channel") == str(channel) and e.data.get("authorization") == wanted
    ]


@define
class WarnBeforeExpiry:
    """The worker's job for one connection: announce the warnings that are due. Idempotent."""

    ports: Ports

    def __call__(self, connection_id: str) -> list[DomainEvent]:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id, for_update=True)
            if connection is None:
                return []
            for warning in due_warnings(uow, connection, now):
                data = {
                    "channel": str(warning.channel),
                    "stage": warning.stage,
                    "authorization": warning.authorized_at.isoformat(),
                    "expires_at": warning.expires_at.isoformat(),
                }
                if warning.stage == EXPIRED_STAGE:
                    connection.notice_expiry(warning.channel, at=now, data=data)
                    uow.connections.update(connection)
                    continue
                earlier = _warnings(uow, connection.id, warning.channel, warning.authorized_at)
                threshold = expiry_notice_threshold(warning.stage)
                if threshold not in {expiry_notice_threshold(e.data["stage"]) for e in earlier}:
                    # The first warning under a threshold is the one a product is told of.
                    data["notify"] = threshold
                last = max(earlier, key=lambda e: e.at, default=None)
                before = (
                    Health(last.data["health"])
                    if last is not None and "health" in last.data
                    else connection.health_at(warning.expires_at - EXPIRY_WARNING)
                )
                connection.warn_expiry(warning.channel, at=now, data=data, health_before=before)
            announced = list(connection.events)
            if announced:
                uow.commit()
        return announced
