"""The dependency-injector containers: the one place where ports meet their adapters.

`Container` holds what every runtime shares. Tests and features build it with overrides
(an in-memory database, a settable clock, the fake Amazon) instead of monkeypatching."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.amazon.fake import FakeAmazon
from adapters.persistence.memory import InMemoryDatabase
from application.app import Application
from application.context import Ports
from bootstrap.settings import Settings
from bootstrap.system import SystemClock, TokenSecrets, UlidIds


class Container(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings.from_env)
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UlidIds)
    secrets = providers.Singleton(TokenSecrets)
    database = providers.Singleton(InMemoryDatabase)
    amazon = providers.Singleton(FakeAmazon, clock=clock.provided.now)
    ports = providers.Singleton(
        Ports,
        uow=database.provided.unit_of_work,
        clock=clock,
        ids=ids,
        secrets=secrets,
        amazon=amazon,
    )
    application = providers.Singleton(Application, ports=ports)


def in_memory_container(*, clock: object | None = None, ids: object | None = None) -> Container:
    """Everything in memory, Amazon faked: what unit tests and features run on."""
    from bootstrap.system import SequentialIds, SettableClock

    container = Container()
    container.clock.override(providers.Object(clock or SettableClock()))
    container.ids.override(providers.Object(ids or SequentialIds()))
    return container
