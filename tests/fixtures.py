"""Fixtures shared by the unit tests and the features: the application built by the same
container production uses, with memory, a settable clock and the Amazon sandbox driven
in-process behind the gateway; and what a test arranges on that sandbox (`amazon_refuses`)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from adapters.amazon.sandbox.faults import Fault
from adapters.amazon.sandbox.in_process import InProcessAmazon
from adapters.telemetry import configure_logging
from adapters.telemetry.logs import QUIET
from application.app import Application
from bootstrap.container import Container, in_memory_container
from bootstrap.system import SettableClock
from domain.team import Plan
from tests.world import World


@pytest.fixture
def container() -> Iterator[Container]:
    container = in_memory_container()
    yield container
    container.shutdown_resources()
    container.reset_singletons()


@pytest.fixture
def app(container: Container) -> Application:
    return container.application()


@pytest.fixture
def clock(container: Container) -> SettableClock:
    clock = container.clock()
    assert isinstance(clock, SettableClock)
    return clock


@pytest.fixture
def amazon(container: Container) -> InProcessAmazon:
    amazon = container.amazon()
    assert isinstance(amazon, InProcessAmazon)
    return amazon


@pytest.fixture
def world(app: Application, clock: SettableClock, amazon: InProcessAmazon) -> World:
    return World(app=app, clock=clock, amazon=amazon)


@pytest.fixture
def acme(world: World) -> World:
    """The world with a team, Acme, on the Pro plan: where most of a person's moves start."""
    world.create_team("Acme", plan=Plan.PRO)
    return world


@contextmanager
def json_logs(level: str) -> Iterator[io.StringIO]:
    """The process's logs as JSON lines in a string, configured as production configures
    them. Everything configure_logging touches is put back afterwards: the root logger and
    the loggers it quietens (left at WARNING, httpx's debug lines would never reach a later
    test that reads them)."""
    touched = [logging.getLogger(), *(logging.getLogger(name) for name in QUIET)]
    saved = [(logger, list(logger.handlers), logger.level, logger.propagate) for logger in touched]
    stream = io.StringIO()
    configure_logging(level=level, fmt="json", stream=stream)
    try:
        yield stream
    finally:
        for logger, handlers, level_number, propagate in saved:
            logger.handlers = handlers
            logger.setLevel(level_number)
            logger.propagate = propagate


def amazon_refuses(
    amazon: InProcessAmazon,
    error: str,
    *,
    account: str = "us-seller",
    operation: str = "getOrders",
    count: int | None = None,
) -> None:
    """Amazon answers `account`'s SP-API `operation` with 403 `error` (missing_role,
    restricted_data, permission_missing, access_token_expired...: the sandbox's
    FORBIDDEN_DETAILS), `count` times or until the faults are set again."""
    forbidden = Fault(
        "forbidden", target="sp_api", error=error, account=account, operation=operation, count=count
    )
    amazon.sandbox.set_faults([forbidden])
