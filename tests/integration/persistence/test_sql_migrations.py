"""The migrations are the only way the schema is made: they go up and down, and they make
exactly the schema the row classes describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from adapters.persistence import Keyring, SqlDatabase
from adapters.persistence.rows import Row
from harness.postgres import create_database, drop_database

TABLES = {
    "teams",
    "memberships",
    "connections",
    "grants",
    "profiles",
    "marketplaces",
    "marketplace_transitions",
    "authorization_requests",
    "connect_sessions",
    "listing_settings",
    "audit_events",
    "sync_cursors",
    "listings",
    "app_credential_states",
    "api_keys",
    "rate_buckets",
    "records",
    "record_sequences",
    "webhook_endpoints",
    "webhook_deliveries",
    "leases",
    "team_stamps",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        db = SqlDatabase(f"sqlite:///{tmp_path / 'fresh.db'}", Keyring.generate())
        yield db
        db.dispose()
    else:
        server = request.getfixturevalue("postgres_url")
        url = create_database(server, "migrations")
        db = SqlDatabase(url, Keyring.generate())
        yield db
        db.dispose()
        drop_database(server, url)


def _tables(db: SqlDatabase) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_go_up_down_and_up_again(empty_db: SqlDatabase) -> None:
    assert empty_db.current_revision() is None
    empty_db.upgrade()
    assert empty_db.current_revision() == empty_db.head_revision()
    assert _tables(empty_db) == TABLES
    empty_db.downgrade("base")
    assert empty_db.current_revision() is None
    assert _tables(empty_db) == set()
    empty_db.upgrade()
    assert _tables(empty_db) == TABLES


def test_upgrading_an_up_to_date_database_changes_nothing(empty_db: SqlDatabase) -> None:
    empty_db.upgrade()
    empty_db.upgrade()
    assert empty_db.current_revision() == empty_db.head_revision()


def test_the_migrations_make_exactly_the_schema_of_the_row_classes(empty_db: SqlDatabase) -> None:
    empty_db.upgrade()
    with empty_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Row.metadata)
    assert differences == []


def test_the_migrations_ship_inside_the_package() -> None:
    import adapters.persistence

    versions = Path(adapters.persistence.__file__).parent / "migrations" / "versions"
    assert sorted(p.name for p in versions.glob("0*.py"))


def test_every_migration_steps_up_and_back_down_one_at_a_time(empty_db: SqlDatabase) -> None:
    from alembic.script import ScriptDirectory

    from adapters.persistence.database import _alembic_config

    script = ScriptDirectory.from_config(_alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert revisions[0] == "0001"
    for revision in revisions:
        empty_db.upgrade(revision)
        assert empty_db.current_revision() == revision
    for previous in [*reversed(revisions[:-1]), None]:
        empty_db.downgrade(previous or "base")
        assert empty_db.current_revision() == previous
    assert _tables(empty_db) == set()
