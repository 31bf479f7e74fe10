"""SQL-only persistence tests run on SQLite (a file) and PostgreSQL (the session server)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from dependency_injector import providers

from adapters.persistence import Keyring, SqlDatabase
from bootstrap.container import in_memory_container
from bootstrap.system import SettableClock
from harness import databases
from harness.databases import copied_sqlite, empty_database, migrated_postgres
from tests.world import World

KEYRING = Keyring.generate("k1")


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.migrated_sqlite_file(tmp_path_factory.mktemp("sqlite") / "t.db", KEYRING)


@pytest.fixture(scope="session")
def postgres_sql_db(postgres_url: str) -> Iterator[SqlDatabase]:
    """One migrated database for the session; each test empties it first (faster than a
    database per module)."""
    with migrated_postgres(postgres_url, "integration", KEYRING) as db:
        yield db


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlDatabase]:
    """An empty, migrated SQL database with keyring KEYRING."""
    if request.param == "sqlite":
        template = request.getfixturevalue("migrated_sqlite_file")
        with copied_sqlite(template, tmp_path, KEYRING) as db:
            yield db
    else:
        db = request.getfixturevalue("postgres_sql_db")
        empty_database(db)
        yield db


def same_database(db: SqlDatabase, **options: object) -> SqlDatabase:
    """Another handle on the same database (another process, as far as locks go)."""
    return SqlDatabase(
        db.url.render_as_string(hide_password=False),
        options.pop("keyring", db.keyring),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


@contextmanager
def world_on(
    database: object, *, clock: SettableClock | None = None, **parts: object
) -> Iterator[World]:
    """The use cases as production wires them, on `database` (an SqlDatabase, or one that
    wraps it), with `parts` of the container (amazon, secrets) put in place of its own."""
    container = in_memory_container(clock=clock)
    container.database.override(providers.Object(database))
    for name, part in parts.items():
        getattr(container, name).override(providers.Object(part))
    yield World(app=container.application(), clock=container.clock(), amazon=container.amazon())
    container.shutdown_resources()
    container.reset_singletons()


@pytest.fixture
def world(sql_db: SqlDatabase) -> Iterator[World]:
    """Overrides tests.fixtures' in-memory world: here a person's moves run on `sql_db`."""
    with world_on(sql_db) as world:
        yield world
