"""The persistence contract suite runs every test against three back ends: the in-memory
adapter, SQLite (a file) and PostgreSQL (the session server from harness/postgres.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.persistence import Keyring, SqlDatabase
from adapters.persistence.memory import InMemoryDatabase
from adapters.persistence.rows import Row
from harness.postgres import create_database, drop_database
from tests.contract.persistence.builders import connection, team

KEYRING = Keyring.generate("test")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    db = SqlDatabase(f"sqlite:///{path}", KEYRING)
    db.upgrade()
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_contract_db(postgres_url: str) -> Iterator[SqlDatabase]:
    """One migrated database for the session; each test empties it first (faster than a
    database per module)."""
    url = create_database(postgres_url, "contract")
    db = SqlDatabase(url, KEYRING)
    db.upgrade()
    yield db
    db.dispose()
    drop_database(postgres_url, url)


def _empty_postgres(db: SqlDatabase) -> None:
    """DELETE beats TRUNCATE on tables this small (TRUNCATE has a fixed cost per table)."""
    with db.engine.begin() as connection:
        for table in reversed(Row.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Something with `unit_of_work() -> UnitOfWork`, empty."""
    if request.param == "memory":
        yield InMemoryDatabase()
    elif request.param == "sqlite":
        path = tmp_path / "sellerlink.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        db = SqlDatabase(f"sqlite:///{path}", KEYRING)
        yield db
        db.dispose()
    else:
        db = request.getfixturevalue("postgres_contract_db")
        _empty_postgres(db)
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
