"""The same support session on PostgreSQL (SELLERLINK_DATABASE_URL in production): the CLI
reads what another process wrote, through the same use cases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.persistence import Keyring, SqlDatabase
from application.app import Application
from harness.postgres import create_database, drop_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(postgres_url: str, keyring: Keyring) -> Iterator[str]:
    """Overrides the SQLite file of conftest.py with a fresh, migrated PostgreSQL database."""
    url = create_database(postgres_url, "cli")
    db = SqlDatabase(url, keyring)
    db.upgrade()
    db.dispose()
    yield url
    drop_database(postgres_url, url)


def test_a_support_session_on_postgresql(run, run_json, app: Application, bumpy, quiet, snapshot):
    listed = run_json("connections", "list")
    assert {i["id"] for i in listed["items"]} == {bumpy.connection_id, quiet.connection_id}
    assert run_json("connections", "show", quiet.connection_id)["grants"][1]["status_text"] == (
        "Current"
    )

    for _ in range(3):
        assert (
            run("marketplaces", "retry", bumpy.connection_id, "IT", "--operator", "maria").exit_code
            == 0
        )
        app.advance_all_setups()
    escalated = run_json(
        "marketplaces", "retry", bumpy.connection_id, "IT", "--operator", "maria", exit_code=3
    )
    assert escalated["error"]["code"] == "RETRY_LIMIT_EXCEEDED"
    history = run_json("marketplaces", "history", bumpy.connection_id, "IT")
    assert history["marketplace"]["state"] == "escalated"
    assert run_json("timeline", bumpy.connection_id, "--limit", "1")["items"][0]["kind"] == (
        "marketplace.escalated"
    )

    before = snapshot()
    assert run("connections", "show", "con_404").exit_code == 1
    assert (
        run("marketplaces", "retry", bumpy.connection_id, "UK", "--operator", "maria").exit_code
        == 3
    )
    assert run("timeline", bumpy.connection_id, "--team", quiet.team_id).exit_code == 3
    assert snapshot() == before
