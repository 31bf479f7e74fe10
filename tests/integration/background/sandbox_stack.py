"""sellerlink's background work against the HTTP sandbox over loopback:
the real AmazonHttpGateway, the sandbox's simulated clock (frozen, moved by the test), and
its fault injection. `Recording` wraps the gateway to count LWA refreshes and keep the sync
windows, which is what the tests check for duplicated or lost work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from attrs import define

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.sandbox import Sandbox, SandboxClock
from adapters.amazon.sandbox.serve import SandboxServer
from adapters.persistence.memory import InMemoryDatabase
from application.app import Application
from application.context import Ports
from application.ports import AccessToken, DatasetFetch, DatasetSource
from bootstrap.system import SequentialIds, TokenSecrets
from domain.connection import Region
from domain.grant import Channel
from domain.records import Dataset
from domain.secret import Secret
from harness.driver import SandboxAmazonPage
from tests.world import World

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class SandboxTime:
    """The sandbox's clock with the SettableClock moves the background tests use."""

    def __init__(self, clock: SandboxClock) -> None:
        self.clock = clock

    def now(self) -> datetime:
        return self.clock.now()

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta.total_seconds())

    def set(self, moment: datetime) -> None:
        self.clock.advance(max(0.0, (moment - self.clock.now()).total_seconds()))


class Recording:
    """The gateway, counting LWA refreshes and keeping every sync window it served."""

    def __init__(self, inner: AmazonHttpGateway) -> None:
        self.inner = inner
        self.refresh_calls = 0
        self.sync_windows: list[tuple[str, str, datetime, datetime]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def refresh_access_token(
        self, channel: Channel, region: Region, refresh_token: Secret
    ) -> AccessToken:
        self.refresh_calls += 1
        return self.inner.refresh_access_token(channel, region, refresh_token)

    def fetch_dataset(
        self, source: DatasetSource, access_token: Secret, pending: str | None = None
    ) -> DatasetFetch:
        fetched = self.inner.fetch_dataset(source, access_token, pending)
        if source.dataset is Dataset.ORDERS:
            self.sync_windows.append(("", source.marketplace_id, source.start, source.end))
        return fetched


@define
class SandboxWorld:
    world: World
    sandbox: Sandbox
    gateway: Recording


@contextmanager
def sandbox_world(
    *, metrics: Any = None, tracer: Any = None, **settings_overrides: Any
) -> Iterator[SandboxWorld]:
    """`metrics`, `tracer`: the operations ports (default: none); `settings_overrides`:
    AmazonSettings fields (e.g. several client secrets)."""
    clock = SandboxClock(START, scale=0)
    with SandboxServer(clock=clock) as server, httpx.Client(timeout=10) as browser:
        settings = AmazonSettings.for_sandbox(server.base_url, **settings_overrides)
        gateway = Recording(
            AmazonHttpGateway(
                settings, clock=clock.now, sleep=clock.sleep, metrics=metrics, tracer=tracer
            )
        )
        time = SandboxTime(clock)
        app = Application(
            Ports(
                uow=InMemoryDatabase().unit_of_work,
                clock=time,
                ids=SequentialIds(),
                secrets=TokenSecrets(),
                amazon=gateway,  # type: ignore[arg-type]
                **({"metrics": metrics} if metrics is not None else {}),
                **({"tracer": tracer} if tracer is not None else {}),
            )
        )
        world = World(app=app, clock=time, amazon=SandboxAmazonPage(browser))  # type: ignore[arg-type]
        try:
            yield SandboxWorld(world, server.sandbox, gateway)
        finally:
            gateway.inner.close()
