"""Sandbox 5xx storms and throttling do not corrupt state: the sandbox's fault
injection makes LWA answer 500s and the SP-API answer 429 QuotaExceeded for a while; no
grant is marked revoked, no cursor moves past data it did not get, and once Amazon answers
again the work catches up with every window fetched exactly once."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

import pytest

from adapters.amazon.sandbox import Fault
from domain.connection import Health
from domain.grant import Channel, TokenStatus
from tests.integration.background.sandbox_stack import SandboxWorld, sandbox_world
from tests.unit.background.support import ready_seller

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def stack() -> Iterator[SandboxWorld]:
    with sandbox_world() as stack:
        yield stack


def _grants(seller):
    with seller.app.ports.uow() as uow:
        return uow.connections.get(seller.connection_id).grants


def _cursor(seller):
    with seller.app.ports.uow() as uow:
        return uow.sync_cursors.get(seller.connection_id, seller.marketplace_id)


def _assert_contiguous(stack: SandboxWorld) -> None:
    windows = sorted((start, end) for *_, start, end in stack.gateway.sync_windows)
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start == end, f"gap or overlap at {end} / {start}"


def test_an_lwa_5xx_storm_never_revokes_and_passes_when_amazon_recovers(stack):
    seller = ready_seller(stack.world)
    stack.sandbox.set_faults([Fault("server_error", target="lwa")])
    seller.live(timedelta(hours=3), step=timedelta(minutes=30))
    grants = _grants(seller)
    now = seller.clock.now()
    for grant in grants.values():
        assert grant.status_at(now).status is TokenStatus.CURRENT
        assert grant.revoked_at is None
        assert grant.last_refresh_error == "AMAZON_UNAVAILABLE"
    assert seller.events("token.revoked") == []
    assert seller.health() is Health.CONNECTED
    stack.sandbox.set_faults([])
    seller.pass_()
    grants = _grants(seller)
    assert all(g.cached_access_token(seller.clock.now()) for g in grants.values())
    seller.live(timedelta(hours=2), step=timedelta(minutes=30))
    _assert_contiguous(stack)
    assert seller.clock.now() - _cursor(seller).synced_until < timedelta(hours=1)


def test_sp_api_throttling_leaves_the_cursor_and_the_sync_catches_up(stack):
    seller = ready_seller(stack.world)
    seller.live(timedelta(hours=2), step=timedelta(minutes=30))
    before = _cursor(seller).synced_until
    fetched = len(stack.gateway.sync_windows)
    stack.sandbox.set_faults([Fault("throttle", target="sp_api")])
    seller.live(timedelta(hours=4), step=timedelta(minutes=30))
    assert _cursor(seller).synced_until == before
    assert len(stack.gateway.sync_windows) == fetched
    assert seller.health() is Health.CONNECTED
    stack.sandbox.set_faults([])
    seller.live(timedelta(hours=1), step=timedelta(minutes=30))
    _assert_contiguous(stack)
    assert seller.clock.now() - _cursor(seller).synced_until < timedelta(hours=1)


def test_an_intermittent_5xx_storm_on_every_api_loses_and_duplicates_nothing(stack):
    seller = ready_seller(stack.world)
    stack.sandbox.set_faults([Fault("server_error", target="all", rate=0.5)])
    seller.live(timedelta(days=2), step=timedelta(minutes=30))
    stack.sandbox.set_faults([])
    seller.live(timedelta(hours=2), step=timedelta(minutes=30))
    assert seller.events("token.revoked") == []
    assert seller.health() is Health.CONNECTED
    _assert_contiguous(stack)
    assert seller.clock.now() - _cursor(seller).synced_until < timedelta(hours=1)
    assert _grants(seller)[Channel.SP_API].revoked_at is None
