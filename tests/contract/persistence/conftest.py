"""The persistence contract suite runs every test against three back ends: the in-memory
adapter, SQLite (a file) and PostgreSQL (the session server from tests/postgres.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from adapters.persistence import Keyring, SqlDatabase
from adapters.persistence.memory import InMemoryDatabase
from adapters.persistence.rows import Row

KEYRING = Keyring.generate("test")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    db = SqlDatabase(f"sqlite:///{path}", KEYRING)
    db.upgrade()
    db.dispose()
    return path


@pytest.fixture(scope="module")
def postgres_contract_db(postgres_module_url: str) -> Iterator[SqlDatabase]:
    db = SqlDatabase(postgres_module_url, KEYRING)
    db.upgrade()
    yield db
    db.dispose()


def _empty_postgres(db: SqlDatabase) -> None:
    tables = ", ".join(t.name for t in Row.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


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
