"""Access tokens and the token lifecycle (DESIGN §3.6).

An access token is shared through the database, and refreshed under a committed lease
(application/leases.py), never under a lock held across the LWA call: however many
processes need one, Amazon sees one refresh. A caller that finds the lease held waits
for the holder's token (the holder stores it and drops the lease in one commit, and the
lease is re-checked after it is claimed); a killed holder's lease runs out and the next
caller refreshes. `invalid_grant` is final (the grant is revoked and the connection needs
a reconnect); Amazon being down or throttling is not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TypeVar

from attrs import define, frozen

from application.app_credentials import AppCredentialGate
from application.context import Ports, UsesLeases
from application.leases import new_claimer, refresh_lease
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.errors import (
    AmazonUnavailable,
    AppCredentialsRejected,
    ConcurrentUpdate,
    DomainError,
    NotFound,
    RateLimited,
    TokenExpired,
    TokenRevoked,
)
from domain.grant import Channel, TokenStatus
from domain.refusals import AccessTokenRejected, refused_again
from domain.secret import Secret

T = TypeVar("T")

# The sweep refreshes tokens this long before they lapse, so callers rarely wait on Amazon.
REFRESH_AHEAD = timedelta(minutes=5)
# How often a caller looks again while another process refreshes the token it needs.
WAIT_STEP = 0.02


@frozen
class UsableToken:
    token: Secret
    refreshed: bool
    expires_at: datetime | None = None


@frozen
class _Claimed:
    """This caller holds the refresh lease: the grant as read after claiming it."""

    connection: Connection
    refresh_token: Secret
    claimer: str


@define
class GetAccessToken(UsesLeases):
    """Call it with no unit of work open: a refresh waits on Amazon."""

    def __call__(
        self,
        connection_id: str,
        channel: Channel,
        *,
        ahead: timedelta = timedelta(0),
        rejected: Secret | None = None,
    ) -> UsableToken:
        """`ahead`: a cached token must still be good that much longer, else it is refreshed
        now (the background sweep passes REFRESH_AHEAD so callers rarely wait on Amazon).
        `rejected`: Amazon refused this token; refresh unless another caller already has."""
        while True:
            try:
                found = self._usable_or_claim(connection_id, channel, ahead, rejected)
            except ConcurrentUpdate:
                continue  # another process changed the connection as we noted its lapse
            if isinstance(found, UsableToken):
                return found
            if found is not None:
                return self._refresh(connection_id, channel, found)
            time.sleep(WAIT_STEP)  # another process is refreshing it: use its token

    def calling(
        self, connection_id: str, channel: Channel, operation: str, call: Callable[[Secret], T]
    ) -> T:
        """One Amazon call with the connection's access token, refusals classified once
        (DESIGN §9): a refused access token is refreshed once and the call retried once (the
        refresh itself tells a stale token from a revoked grant, which it records); refused
        again with a fresh token is diagnosed (PERMISSION_MISSING), never a refresh loop; a
        refusal Amazon explains (domain.refusals.DIAGNOSED) goes to the caller unretried.
        Like the token itself, call it with no unit of work open."""
        token = self(connection_id, channel)
        try:
            return call(token.token)
        except AccessTokenRejected as refused:
            if token.refreshed:
                raise refused_again(refused, operation) from None
        token = self(connection_id, channel, rejected=token.token)
        try:
            return call(token.token)
        except AccessTokenRejected as refused:
            raise refused_again(refused, operation) from None

    def _usable_or_claim(
        self,
        connection_id: str,
        channel: Channel,
        ahead: timedelta,
        rejected: Secret | None,
    ) -> UsableToken | _Claimed | None:
        """A usable token; or the refresh lease, claimed and committed; or None while
        someone else holds it. Reading a good cached token writes nothing."""
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = self._connection(uow, connection_id)
            usable = self._cached(uow, connection, channel, now, ahead, rejected)
            if usable is not None:
                return usable
            AppCredentialGate(self.ports).before_refresh(uow, channel, now)
            wall = self.leases.now()
            name = refresh_lease(connection_id, str(channel))
            claimer = new_claimer()
            if not uow.leases.claim(name, claimer, now=wall, until=wall + self.leases.lease_for):
                uow.commit()  # what before_refresh noted
                return None
            # Read again after the claim: a holder that just finished stored its token in
            # the commit that dropped its lease.
            connection = self._connection(uow, connection_id)
            usable = self._cached(uow, connection, channel, now, ahead, rejected)
            if usable is not None:
                uow.leases.release(name, claimer)
                uow.commit()
                return usable
            refresh_token = connection.grants[channel].refresh_token
            assert refresh_token is not None  # _cached raised otherwise
            uow.commit()
            return _Claimed(connection, refresh_token, claimer)

    def _connection(self, uow: UnitOfWork, connection_id: str) -> Connection:
        connection = uow.connections.get(connection_id)
        if connection is None:
            raise NotFound(f"There is no connection {connection_id}.")
        return connection

    def _cached(
        self,
        uow: UnitOfWork,
        connection: Connection,
        channel: Channel,
        now: datetime,
        ahead: timedelta,
        rejected: Secret | None,
    ) -> UsableToken | None:
        """The cached token if it will do; None when a refresh is needed; raises when no
        refresh can help (expiry noted and committed once)."""
        grant = connection.grants[channel]
        cached = grant.cached_access_token(now + ahead)
        if cached is not None and rejected is not None and cached.reveal() == rejected.reveal():
            cached = None
        if cached is not None and grant.status_at(now).usable:
            return UsableToken(cached, refreshed=False, expires_at=grant.access_token_expires_at)
        report = grant.status_at(now)
        if report.status is TokenStatus.EXPIRED:
            if connection.notice_expiry(channel, at=now, data={"channel": str(channel)}):
                uow.connections.update(connection)
                uow.commit()
            raise TokenExpired(f"The {channel} authorization expired; reconnect to continue.")
        if report.status is TokenStatus.REVOKED:
            raise TokenRevoked(f"The {channel} authorization was revoked; reconnect.")
        if grant.refresh_token is None:
            raise TokenRevoked(f"There is no {channel} authorization to use; connect it first.")
        return None

    def _refresh(self, connection_id: str, channel: Channel, claimed: _Claimed) -> UsableToken:
        """The LWA call, with no transaction open; its outcome stored and the lease dropped
        in one short transaction (under the connection's row lock, so nothing that changed
        the connection meanwhile is overwritten)."""
        metrics = self.ports.metrics
        now = self.ports.clock.now()
        name = refresh_lease(connection_id, str(channel))
        try:
            with self.leases.renewing(name, claimed.claimer):
                fresh = self.ports.amazon.refresh_access_token(
                    channel, claimed.connection.region, claimed.refresh_token
                )
        except AppCredentialsRejected as error:
            # The app's problem, not the seller's: one alarm, a backoff, the grant intact.
            metrics.lwa_refresh(str(channel), "app_credentials_rejected")
            with self._storing(connection_id, channel, claimed) as (uow, connection):
                AppCredentialGate(self.ports).rejected(uow, channel, now)
                if connection is not None:
                    connection.grants[channel].record_refresh_failure(
                        error_code=str(error.code), at=now
                    )
            raise
        except TokenRevoked:
            metrics.lwa_refresh(str(channel), "revoked")
            with self._storing(connection_id, channel, claimed) as (_, connection):
                if connection is not None:
                    connection.refresh_token_refused(channel, at=now)
            raise
        except (AmazonUnavailable, RateLimited) as error:
            metrics.lwa_refresh(
                str(channel), "rate_limited" if isinstance(error, RateLimited) else "unavailable"
            )
            with self._storing(connection_id, channel, claimed) as (_, connection):
                if connection is not None:
                    connection.refresh_failed(channel, error_code=str(error.code), at=now)
            raise
        except DomainError:
            metrics.lwa_refresh(str(channel), "failed")
            self.leases.release(name, claimed.claimer)
            raise
        except BaseException:
            self.leases.release(name, claimed.claimer)
            raise
        metrics.lwa_refresh(str(channel), "ok")
        expires_at = now + timedelta(seconds=fresh.expires_in)
        with self._storing(connection_id, channel, claimed) as (uow, connection):
            AppCredentialGate(self.ports).succeeded(uow, channel, now)
            if connection is not None:
                connection.grants[channel].record_refresh(
                    access_token=fresh.token, expires_at=expires_at, at=now
                )
        return UsableToken(fresh.token, refreshed=True, expires_at=expires_at)

    @contextmanager
    def _storing(
        self, connection_id: str, channel: Channel, claimed: _Claimed
    ) -> Iterator[tuple[UnitOfWork, Connection | None]]:
        """One short transaction that stores a refresh's outcome and drops the lease. The
        connection is None when the grant was replaced meanwhile (a reconnect brought a new
        refresh token): the outcome of the old one is not recorded on it."""
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id, for_update=True)
            refresh_token = None if connection is None else connection.grants[channel].refresh_token
            if refresh_token is None or refresh_token.reveal() != claimed.refresh_token.reveal():
                connection = None
            yield uow, connection
            if connection is not None:
                uow.connections.update(connection)
            uow.leases.release(refresh_lease(connection_id, str(channel)), claimed.claimer)
            uow.commit()


def due_token_refreshes(uow: UnitOfWork, now: datetime) -> list[tuple[str, Channel]]:
    """The grants to refresh ahead: usable, and without an access token that outlives
    REFRESH_AHEAD. One rule for the sweep below and the reconciler's refresh jobs."""
    return [
        (connection.id, channel)
        for connection in uow.connections.with_access_tokens_expiring_before(now + REFRESH_AHEAD)
        for channel, grant in sorted(connection.grants.items())
        if connection.usable_at(now, channel)
        and grant.cached_access_token(now + REFRESH_AHEAD) is None
    ]


@frozen
class RefreshSweepResult:
    refreshed: int
    revoked: int
    failed: int


@define
class RefreshDueTokens:
    """The level-triggered sweep: every live grant whose access token lapses within
    REFRESH_AHEAD is refreshed. Safe to run from many processes at once."""

    ports: Ports
    get_token: GetAccessToken

    def __call__(self) -> RefreshSweepResult:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            due = due_token_refreshes(uow, now)
        refreshed = revoked = failed = 0
        for connection_id, channel in due:
            try:
                if self.get_token(connection_id, channel, ahead=REFRESH_AHEAD).refreshed:
                    refreshed += 1
            except (TokenRevoked, TokenExpired):
                revoked += 1
            except (AmazonUnavailable, RateLimited):
                failed += 1
        return RefreshSweepResult(refreshed, revoked, failed)
