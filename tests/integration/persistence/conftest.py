"""SQL-only persistence tests run on SQLite (a file) and PostgreSQL (the session server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.persistence import Keyring, SqlDatabase
from harness import databases
from harness.databases import copied_sqlite, empty_database, migrated_postgres

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
