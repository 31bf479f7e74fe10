"""kill -9 of a worker process in the middle of an LWA refresh, against the HTTP sandbox
over loopback: the sandbox holds the victim's refresh request open (an injected
latency fault), the victim is killed while it waits, and a fresh worker brings every token
back. The database is never left with a half-written grant, nothing is marked revoked, and
Amazon sees one refresh per token, plus at most the one the victim never received."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.sandbox import Fault, SandboxClock
from adapters.amazon.sandbox.serve import SandboxServer
from application.ports import ConsentRequest
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.grant import Channel
from harness.driver import SandboxAmazonPage
from harness.seeds import seed
from harness.stack import reaped, wait_for
from tests.integration.background.conftest import START

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.usefixtures("short_leases")]

CONNECTIONS = 4


@pytest.fixture
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(clock=SandboxClock(START, scale=0)) as server:
        yield server


def _mint(server: SandboxServer, count: int) -> list[str]:
    gateway = AmazonHttpGateway(
        AmazonSettings.for_sandbox(server.base_url), clock=server.sandbox.clock.now
    )
    page = SandboxAmazonPage(httpx.Client(timeout=10))
    tokens = []
    for i in range(count):
        url = gateway.consent_url(
            ConsentRequest(ConsentAsk(Channel.SP_API, Region.NA, AccountType.SELLER), f"kill-{i}")
        )
        query = page.consent(url, "us-seller")
        grant = gateway.exchange_code(Channel.SP_API, Region.NA, query["spapi_oauth_code"])
        tokens.append(grant.refresh_token.reveal())
    gateway.close()
    return tokens


def _refreshes(server: SandboxServer) -> int:
    return sum(
        1
        for e in server.sandbox.request_log
        if e.get("family") == "lwa"
        and e.get("form", {}).get("grant_type") == "refresh_token"
        and e.get("status") == 200
    )


def test_a_worker_killed_while_amazon_holds_its_refresh_open(
    database, child, work_dir, sandbox_server
):
    tokens = _mint(sandbox_server, CONNECTIONS)
    ids = seed(
        database,
        CONNECTIONS,
        START,
        channels=(Channel.SP_API,),
        refresh_tokens=tokens,
        access_token_expires_at=START - timedelta(minutes=1),
    )
    sandbox_server.sandbox.request_log.clear()
    held = Fault("latency", target="lwa", latency_seconds=20, count=1)
    sandbox_server.sandbox.set_faults([held])

    def worker():
        return child("worker", "--sandbox", sandbox_server.base_url)

    victim = worker()
    with reaped([victim]):
        wait_for(lambda: held.count == 0, 60, "the victim's refresh to reach the sandbox")
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    survivor = worker()
    with reaped([survivor]):

        def all_fresh() -> bool:
            with database.unit_of_work() as uow:
                return all(
                    uow.connections.get(cid).grants[Channel.SP_API].cached_access_token(START)
                    for cid in ids
                )

        wait_for(all_fresh, 60, "every token to be refreshed")
        (work_dir / "stop").touch()
        assert survivor.wait(60) == 0
    with database.unit_of_work() as uow:
        for cid in ids:
            connection = uow.connections.get(cid)
            assert connection.unusable_since is None
            assert connection.grants[Channel.SP_API].revoked_at is None
    assert CONNECTIONS <= _refreshes(sandbox_server) <= CONNECTIONS + 1
