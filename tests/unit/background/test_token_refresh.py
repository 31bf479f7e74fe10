"""Access tokens kept fresh by the reconciler; single-flight; revocation versus Amazon being
down (DESIGN §3.6)."""

from __future__ import annotations

import threading
from datetime import timedelta

from application.reconciler import Job, JobKind, JobStatus, RunJob
from application.tokens import REFRESH_AHEAD
from domain.connection import Health
from domain.errors import ConcurrentUpdate
from domain.grant import Channel, TokenStatus


def _grant(seller, channel=Channel.SP_API):
    with seller.app.ports.uow() as uow:
        connection = uow.connections.get(seller.connection_id)
    return connection.grants[channel]


def test_the_reconciler_refreshes_a_token_before_it_lapses(seller, amazon):
    expires = _grant(seller).access_token_expires_at
    seller.clock.set(expires - REFRESH_AHEAD + timedelta(seconds=1))
    jobs = seller.app.reconcile()
    assert Job(JobKind.REFRESH_TOKEN, seller.connection_id, "sp_api") in jobs
    before = amazon.refresh_calls
    seller.pass_()
    assert amazon.refresh_calls - before == 2  # Ads and SP-API, once each
    assert _grant(seller).access_token_expires_at > expires


def test_no_refresh_job_while_the_token_is_good(seller):
    seller.clock.advance(timedelta(minutes=10))
    assert [j for j in seller.app.reconcile() if j.kind is JobKind.REFRESH_TOKEN] == []


def test_an_hour_of_passes_costs_one_refresh_per_token(seller, amazon):
    before = amazon.refresh_calls
    seller.live(timedelta(hours=10), step=timedelta(seconds=30 * 20))
    assert amazon.refresh_calls - before == 2 * 10


def test_a_hundred_concurrent_callers_cause_one_refresh(seller, amazon):
    seller.clock.advance(timedelta(hours=2))  # every cached token has lapsed
    before = amazon.refresh_calls
    barrier = threading.Barrier(100)
    tokens: list[str] = []

    def caller() -> None:
        barrier.wait()
        tokens.append(
            seller.app.get_access_token(seller.connection_id, Channel.SP_API).token.reveal()
        )

    threads = [threading.Thread(target=caller) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(tokens) == 100
    assert len(set(tokens)) == 1
    assert amazon.refresh_calls - before == 1


def test_invalid_grant_revokes_and_asks_for_a_reconnect(seller, amazon):
    amazon.revoke("us-seller")
    seller.clock.advance(timedelta(hours=1))
    result = seller.app.run_job(Job(JobKind.REFRESH_TOKEN, seller.connection_id, "sp_api"))
    assert result.status is JobStatus.RECONNECT_REQUIRED
    assert _grant(seller).status_at(seller.clock.now()).status is TokenStatus.REVOKED
    assert seller.health() is Health.RECONNECT_REQUIRED
    assert len(seller.events("token.revoked")) >= 1
    calls = amazon.refresh_calls
    seller.pass_()
    seller.pass_()
    # A revoked grant is not tried again (Ads is revoked too by the same removal).
    assert amazon.refresh_calls - calls <= 1


def test_amazon_down_is_retried_and_never_revokes(seller, amazon):
    amazon.unavailable = True
    seller.clock.advance(timedelta(hours=1))
    result = seller.app.run_job(Job(JobKind.REFRESH_TOKEN, seller.connection_id, "sp_api"))
    assert result.status is JobStatus.RETRY_LATER
    for _ in range(5):
        seller.clock.advance(timedelta(minutes=1))
        seller.pass_()
    grant = _grant(seller)
    assert grant.status_at(seller.clock.now()).status is TokenStatus.CURRENT
    assert grant.last_refresh_error == "AMAZON_UNAVAILABLE"
    assert seller.events("token.revoked") == []
    amazon.unavailable = False
    seller.pass_()
    assert _grant(seller).cached_access_token(seller.clock.now()) is not None
    assert seller.health() is Health.CONNECTED


def test_a_job_that_lost_a_race_for_a_record_is_retried_later(seller):
    def conflict(*args, **kwargs):
        raise ConcurrentUpdate("The connection was changed by someone else.")

    app = seller.app
    run_job = RunJob(
        conflict, app.warn_before_expiry, app.advance_setup, app.run_sync_cycle, app.run_backfill
    )
    result = run_job(Job(JobKind.REFRESH_TOKEN, seller.connection_id, "sp_api"))
    assert result.status is JobStatus.RETRY_LATER
    assert result.detail == "CONCURRENT_UPDATE"
