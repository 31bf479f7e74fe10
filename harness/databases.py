"""Migrated databases for the SQL tests: one SQLite file migrated once per session that
tests copy, and one PostgreSQL database per session that tests empty (both faster than
migrating per test)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.persistence import Keyring, SqlDatabase
from adapters.persistence.rows import Row
from harness.postgres import create_database, drop_database


def migrated_sqlite_file(path: Path, keyring: Keyring) -> Path:
    db = SqlDatabase(f"sqlite:///{path}", keyring)
    db.upgrade()
    db.dispose()
    return path


@contextmanager
def copied_sqlite(template: Path, directory: Path, keyring: Keyring) -> Iterator[SqlDatabase]:
    """A database of its own for one test: a copy of the migrated `template` file."""
    path = directory / "sellerlink.db"
    shutil.copyfile(template, path)
    db = SqlDatabase(f"sqlite:///{path}", keyring)
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def migrated_postgres(postgres_url: str, name: str, keyring: Keyring) -> Iterator[SqlDatabase]:
    url = create_database(postgres_url, name)
    db = SqlDatabase(url, keyring)
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()
        drop_database(postgres_url, url)


def empty_database(db: SqlDatabase) -> None:
    """DELETE beats TRUNCATE on tables this small (TRUNCATE has a fixed cost per table)."""
    with db.engine.begin() as connection:
        for table in reversed(Row.metadata.sorted_tables):
            connection.execute(table.delete())
