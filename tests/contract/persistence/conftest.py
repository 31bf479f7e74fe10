"""The persistence contract suite runs every test against three back ends: the in-memory
adapter, SQLite (a file) and PostgreSQL (the session server from harness/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.persistence import Keyring, SqlDatabase
from adapters.persistence.memory import InMemoryDatabase
from harness.databases import (
    copied_sqlite,
    empty_database,
    migrated_postgres,
    migrated_sqlite_file,
)
from tests.contract.persistence.builders import connection, team

KEYRING = Keyring.generate("test")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (faster than migrating each time)."""
    return migrated_sqlite_file(tmp_path_factory.mktemp("sqlite-template") / "t.db", KEYRING)


@pytest.fixture(scope="session")
def postgres_contract_db(postgres_url: str) -> Iterator[SqlDatabase]:
    """One migrated database for the session; each test empties it first (faster than a
    database per module)."""
    with migrated_postgres(postgres_url, "contract", KEYRING) as db:
        yield db


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Something with `unit_of_work() -> UnitOfWork`, empty."""
    if request.param == "memory":
        yield InMemoryDatabase()
    elif request.param == "sqlite":
        with copied_sqlite(request.getfixturevalue("sqlite_template"), tmp_path, KEYRING) as db:
            yield db
    else:
        db = request.getfixturevalue("postgres_contract_db")
        empty_database(db)
        yield db


@pytest.fixture
def stored(database: Any) -> Any:
    """The database with one team and its two connections (con_1, con_2) committed."""
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.connections.add(connection())
        uow.connections.add(connection("con_2", selling_partner_id="A2", ads_account_id="E2"))
        uow.commit()
    return database
