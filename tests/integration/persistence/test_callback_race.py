"""Two callbacks for one state racing through the whole use case (not
only the repository) exchange Amazon's code once. Both read the state before either consumes
it, so only the atomic consume (CompleteCallback._consume: `uow.authorizations.consume`)
stands between them and a second exchange; removing it makes this test fail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from adapters.persistence import SqlDatabase
from application.callback import CallbackCommand
from domain.errors import DomainError, ErrorCode
from domain.grant import Channel
from tests.integration.persistence.conftest import world_on
from tests.world import World

DEADLINE = 20.0


class _Authorizations:
    def __init__(self, inner: Any, meet: threading.Barrier) -> None:
        self._inner = inner
        self._meet = meet

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def get(self, state: str) -> Any:
        found = self._inner.get(state)
        self._meet.wait()  # both callbacks have read the state, unconsumed
        return found


class _UnitOfWork:
    def __init__(self, inner: Any, meet: threading.Barrier) -> None:
        self._inner = inner
        self._meet = meet

    def __enter__(self) -> _UnitOfWork:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        if name == "authorizations":
            return _Authorizations(self._inner.authorizations, self._meet)
        return getattr(self._inner, name)


class _RacingDatabase:
    """The SQL database, with units of work that hold each racer once it has read the
    authorization state, until the other has read it too."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db
        self.meet: threading.Barrier | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def unit_of_work(self) -> Any:
        inner = self._db.unit_of_work()
        return inner if self.meet is None else _UnitOfWork(inner, self.meet)


@pytest.fixture
def racing(sql_db: SqlDatabase) -> Iterator[tuple[World, _RacingDatabase]]:
    database = _RacingDatabase(sql_db)
    with world_on(database) as world:
        yield world, database


def test_two_callbacks_for_one_state_exchange_amazons_code_once(
    racing: tuple[World, _RacingDatabase],
) -> None:
    world, database = racing
    world.create_team()
    started = world.start(Channel.ADS)
    query = world.amazon.consent(world.open_consent(started), "us-seller")
    command = CallbackCommand(
        channel=Channel.ADS, state=query["state"], code=query["code"], browser=world.browser
    )
    database.meet = threading.Barrier(2, timeout=DEADLINE)

    def finish() -> str:
        try:
            return world.app.complete_callback(command).connection.id
        except DomainError as error:
            return str(error.code)

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = [f.result(timeout=DEADLINE) for f in [pool.submit(finish) for _ in range(2)]]

    database.meet = None
    assert world.amazon.exchange_calls == 1
    assert sorted(o == ErrorCode.OAUTH_STATE_INVALID for o in outcomes) == [False, True]
    assert len(world.app.list_connections(world.actor())) == 1
