"""Access tokens and the token lifecycle (DESIGN §3.6).

An access token is fetched under the connection's row lock and shared through the database,
so however many processes need one, Amazon sees one refresh: the second caller finds the
first one's token after the lock is released. `invalid_grant` is final (the grant is
revoked and the connection needs a reconnect); Amazon being down or throttling is not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from attrs import define, frozen

from application.app_credentials import AppCredentialGate
from application.context import Ports
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.errors import (
    AmazonUnavailable,
    AppCredentialsRejected,
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


@frozen
class UsableToken:
    token: Secret
    refreshed: bool
    expires_at: datetime | None = None


@define
class GetAccessToken:
    ports: Ports

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
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id, for_update=True)
            if connection is None:
                raise NotFound(f"There is no connection {connection_id}.")
            result = self.within(uow, connection, channel, ahead=ahead, rejected=rejected)
            uow.commit()
        return result

    def calling(
        self,
        uow: UnitOfWork,
        connection: Connection,
        channel: Channel,
        operation: str,
        call: Callable[[Secret], T],
    ) -> T:
        """One Amazon call with the connection's access token, refusals classified once
        (DESIGN §9): a refused access token is refreshed once and the call retried once (the
        refresh itself tells a stale token from a revoked grant, which it records); refused
        again with a fresh token is diagnosed (PERMISSION_MISSING), never a refresh loop; a
        refusal Amazon explains (domain.refusals.DIAGNOSED) goes to the caller unretried.
        Inside a unit of work holding the connection's lock, like `within`."""
        token = self.within(uow, connection, channel)
        try:
            return call(token.token)
        except AccessTokenRejected as refused:
            if token.refreshed:
                raise refused_again(refused, operation) from None
        token = self.within(uow, connection, channel, rejected=token.token)
        try:
            return call(token.token)
        except AccessTokenRejected as refused:
            raise refused_again(refused, operation) from None

    def within(
        self,
        uow: UnitOfWork,
        connection: Connection,
        channel: Channel,
        *,
        ahead: timedelta = timedelta(0),
        rejected: Secret | None = None,
    ) -> UsableToken:
        """Use inside a unit of work that already holds the connection's lock. Commits its
        own outcome only through the caller's commit; a revocation must be committed even
        though it raises, so the caller's `except` path commits too (see __call__)."""
        now = self.ports.clock.now()
        grant = connection.grants[channel]
        cached = grant.cached_access_token(now + ahead)
        if cached is not None and rejected is not None and cached.reveal() == rejected.reveal():
            cached = None
        if cached is not None and grant.status_at(now).usable:
            return UsableToken(cached, refreshed=False, expires_at=grant.access_token_expires_at)
        report = grant.status_at(now)
        if report.status is TokenStatus.EXPIRED:
            self._lapsed(uow, connection, channel, now, expired=True)
            raise TokenExpired(f"The {channel} authorization expired; reconnect to continue.")
        if report.status is TokenStatus.REVOKED:
            raise TokenRevoked(f"The {channel} authorization was revoked; reconnect.")
        if grant.refresh_token is None:
            raise TokenRevoked(f"There is no {channel} authorization to use; connect it first.")
        metrics = self.ports.metrics
        gate = AppCredentialGate(self.ports)
        gate.before_refresh(uow, channel, now)
        try:
            fresh = self.ports.amazon.refresh_access_token(
                channel, connection.region, grant.refresh_token
            )
        except AppCredentialsRejected as error:
            # The app's problem, not the seller's: one alarm, a backoff, the grant intact.
            metrics.lwa_refresh(str(channel), "app_credentials_rejected")
            gate.rejected(uow, channel, now)
            grant.record_refresh_failure(error_code=str(error.code), at=now)
            uow.connections.update(connection)
            uow.commit()
            raise
        except TokenRevoked:
            metrics.lwa_refresh(str(channel), "revoked")
            self._lapsed(uow, connection, channel, now, expired=False)
            raise
        except (AmazonUnavailable, RateLimited) as error:
            metrics.lwa_refresh(
                str(channel), "rate_limited" if isinstance(error, RateLimited) else "unavailable"
            )
            connection.refresh_failed(channel, error_code=str(error.code), at=now)
            uow.connections.update(connection)
            uow.commit()
            raise
        except DomainError:
            metrics.lwa_refresh(str(channel), "failed")
            raise
        metrics.lwa_refresh(str(channel), "ok")
        gate.succeeded(uow, channel, now)
        grant.record_refresh(
            access_token=fresh.token,
            expires_at=now + timedelta(seconds=fresh.expires_in),
            at=now,
        )
        uow.connections.update(connection)
        return UsableToken(fresh.token, refreshed=True, expires_at=grant.access_token_expires_at)

    def _lapsed(
        self,
        uow: UnitOfWork,
        connection: Connection,
        channel: Channel,
        now: datetime,
        *,
        expired: bool,
    ) -> None:
        if expired:
            if not connection.notice_expiry(channel, at=now, data={"channel": str(channel)}):
                return  # already noticed and announced
        else:
            connection.refresh_token_refused(channel, at=now)
        uow.connections.update(connection)
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
