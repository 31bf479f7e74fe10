"""Storage rules that hold on every SQL back end: instants are stored in UTC and always come
back aware and in UTC (SQLite keeps no time zone), a naive datetime is refused rather than
guessed at, and an in-memory SQLite database works for quick experiments."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from adapters.persistence import Keyring, SqlDatabase
from domain.team import Team
from tests.contract.persistence.builders import NOW, team


def test_an_instant_given_in_another_zone_comes_back_in_utc(sql_db: SqlDatabase) -> None:
    pacific = NOW.astimezone(timezone(timedelta(hours=-7)))
    with sql_db.unit_of_work() as uow:
        uow.teams.add(_team_at(pacific))
        uow.commit()
    with sql_db.unit_of_work() as uow:
        created = uow.teams.get("team_1").created_at
    assert created == NOW
    assert created.tzinfo is not None
    assert created.utcoffset() == timedelta(0)


def _team_at(at: datetime) -> Team:
    made = team()
    made.created_at = at
    return made


def test_a_naive_datetime_is_refused(sql_db: SqlDatabase) -> None:
    with sql_db.unit_of_work() as uow, pytest.raises(StatementError, match="naive"):
        uow.teams.add(_team_at(NOW.replace(tzinfo=None)))


def test_an_in_memory_sqlite_database_works() -> None:
    db = SqlDatabase("sqlite://", Keyring.generate())
    try:
        db.upgrade()
        with db.unit_of_work() as uow:
            uow.teams.add(team())
            uow.commit()
        with db.unit_of_work() as uow:
            assert uow.teams.get("team_1") == team()
    finally:
        db.dispose()
