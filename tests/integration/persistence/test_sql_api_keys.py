"""API keys on SQLite and PostgreSQL: the database holds only the secret's hash, and
authenticating writes last_used_at once a minute, not once a request (DESIGN §10)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from dependency_injector import providers

from adapters.persistence import SqlDatabase
from application.api_keys import CreateApiKeyCommand
from bootstrap.container import in_memory_container
from domain.api_key import hash_secret, parse_key
from tests.integration.persistence.test_sql_canary_scan import _dump, _forms
from tests.world import World


@pytest.fixture
def world(sql_db: SqlDatabase) -> Iterator[World]:
    container = in_memory_container()
    container.database.override(providers.Object(sql_db))
    yield World(app=container.application(), clock=container.clock(), amazon=container.amazon())
    container.shutdown_resources()
    container.reset_singletons()


def test_a_key_is_stored_as_a_hash_and_used_marks_are_one_write_a_minute(
    world: World,
    sql_db: SqlDatabase,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.create_team("Acme")
    issued = world.app.create_api_key(
        CreateApiKeyCommand(world.actor(), "back end", ["connections:read"])
    )
    key = issued.plaintext.reveal()
    parsed = parse_key(key)
    assert parsed is not None
    # The key is read without a unit of work (QuickReads: on a SQLite file not through the
    # engine at all), so its reads are counted where they are made.
    reads = world.app.ports.quick_reads
    assert reads is not None
    looked_up: list[str] = []
    read_key = reads.api_key
    monkeypatch.setattr(
        reads, "api_key", lambda key_id: looked_up.append(key_id) or read_key(key_id)
    )
    sql_db.engine.echo = True
    try:
        with caplog.at_level(logging.INFO, logger="sqlalchemy.engine"):
            for _ in range(20):
                assert world.app.authenticate_key(key).key is not None
                world.clock.advance(timedelta(seconds=2))
    finally:
        sql_db.engine.echo = False
    statements = [r.getMessage() for r in caplog.records]
    assert looked_up == [parsed[0]] * 20  # read each time
    assert sum(s.startswith("UPDATE api_keys") for s in statements) == 1
    dump = _dump(sql_db)
    assert hash_secret(parsed[1]).encode() in dump
    for form in _forms(key) + _forms(parsed[1]):
        assert form not in dump
