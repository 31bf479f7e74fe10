"""The team stamp is a database truth (migration 0014's triggers): any write to what a page
of connections shows moves it, whoever makes the write (a use case, another process, plain
SQL), once committed and not before; a write nothing on the page shows leaves it. Read
through SqlQuickReads, the reader the web API asks on every request of a kept page."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from adapters.persistence import SqlDatabase, SqlQuickReads
from domain.api_key import Scope, issue_key
from harness.databases import copied_sqlite
from tests.integration.persistence.conftest import KEYRING, same_database

NOW = datetime(2026, 12, 5, tzinfo=UTC)
TEAM, OTHER = "team_a", "team_b"


@pytest.fixture
def db(sql_db: SqlDatabase) -> SqlDatabase:
    return _with_two_teams(sql_db)


def _with_two_teams(sql_db: SqlDatabase) -> SqlDatabase:
    with sql_db.engine.begin() as sql:
        for team in (TEAM, OTHER):
            _insert(sql, "teams", id=team, name=team, kind="brand", plan="free",
                    max_connections=None, marketplace_retry_limit=3, history_days=90,
                    created_at=NOW, version=1)  # fmt: skip
            _insert(sql, "memberships", team_id=team, user_id=f"owner@{team}", role="owner",
                    joined_at=NOW)  # fmt: skip
    return sql_db


def _insert(sql: Connection, table: str, **values: object) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    sql.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def _connection(sql: Connection, connection_id: str, team: str = TEAM) -> None:
    _insert(sql, "connections", id=connection_id, team_id=team, account_type="seller",
            region="NA", created_at=NOW, display_name="Shop", selling_partner_id=None,
            ads_account_id=None, required_channels="ads", selected_profile_id=None,
            profile_auto_selected=False, disconnected_at=None, unusable_since=None,
            version=1)  # fmt: skip


def _grant(sql: Connection, connection_id: str) -> None:
    _insert(sql, "grants", connection_id=connection_id, channel="ads",
            refresh_token_ciphertext=None, refresh_token_key_id=None, scopes="[]",
            authorized_at=NOW, expires_at=None, revoked_at=None, account_id=None,
            access_token_ciphertext=None, access_token_key_id=None,
            access_token_expires_at=None, last_refresh_at=None,
            last_refresh_error=None)  # fmt: skip


def _profile(sql: Connection, connection_id: str) -> None:
    _insert(sql, "profiles", connection_id=connection_id, profile_id="p1", position=0,
            country_code="US", currency_code="USD", marketplace_id="ATVPDKIKX0DER",
            account_type="seller", account_name="Shop", account_id="A1",
            timezone="America/Los_Angeles")  # fmt: skip


def _marketplace(sql: Connection, connection_id: str) -> None:
    _insert(sql, "marketplaces", connection_id=connection_id, marketplace_id="ATVPDKIKX0DER",
            country_code="US", name="Amazon.com", state="available", retry_limit=3,
            selected=False, active=True, retries_used=0, last_error=None, version=1,
            waiting_code=None, retry_at=None)  # fmt: skip


def _version(db: SqlDatabase, team: str = TEAM) -> int:
    """What the web API reads (no membership asked: the team's version alone)."""
    _, value = SqlQuickReads(db.engine).team_stamp(team_id=team, viewer=None)
    return value[0]


def _sql(statement: str) -> Callable[[Connection], object]:
    return lambda sql: sql.execute(text(statement))


# (what changed, how: run in this order on one database)
WRITES: list[tuple[str, Callable[[Connection], object]]] = [
    ("a connection added", lambda sql: _connection(sql, "con_2")),
    ("a connection renamed", _sql("UPDATE connections SET display_name = 'R' WHERE id = 'con_1'")),
    ("a grant changed", _sql("UPDATE grants SET revoked_at = authorized_at")),
    ("a grant deleted", _sql("DELETE FROM grants WHERE connection_id = 'con_1'")),
    ("a grant added", lambda sql: _grant(sql, "con_1")),
    ("a profile changed", _sql("UPDATE profiles SET account_name = 'Other'")),
    ("a profile deleted", _sql("DELETE FROM profiles WHERE connection_id = 'con_1'")),
    ("a profile added", lambda sql: _profile(sql, "con_1")),
    ("a marketplace's state changed", _sql("UPDATE marketplaces SET state = 'setting_up'")),
    ("a marketplace deleted", _sql("DELETE FROM marketplaces WHERE connection_id = 'con_1'")),
    ("a marketplace added", lambda sql: _marketplace(sql, "con_2")),
]


def test_every_write_a_page_shows_moves_the_version_of_its_team_only(db: SqlDatabase) -> None:
    with db.engine.begin() as sql:
        _connection(sql, "con_1")
        _connection(sql, "con_9", team=OTHER)
        _grant(sql, "con_1")
        _profile(sql, "con_1")
        _marketplace(sql, "con_1")
    other = _version(db, OTHER)
    # Plain SQL through another handle on the database: no repository code is involved,
    # as for another process or a repair by hand.
    writer = same_database(db)
    try:
        for name, write in WRITES:
            before = _version(db)
            with writer.engine.begin() as sql:
                write(sql)
            assert _version(db) > before, name
    finally:
        writer.dispose()
    assert _version(db, OTHER) == other, "another team's page changed nothing"


def test_a_write_nothing_on_the_page_shows_leaves_the_version(db: SqlDatabase) -> None:
    with db.engine.begin() as sql:
        _connection(sql, "con_1")
        _marketplace(sql, "con_1")
    before = _version(db)
    with db.engine.begin() as sql:
        sql.execute(text("UPDATE marketplaces SET retries_used = 2, version = version + 1"))
        sql.execute(text("INSERT INTO leases VALUES ('setup:con_1', 'w1', :at)"), {"at": NOW})
    assert _version(db) == before


def test_the_version_moves_at_commit_once_per_transaction(db: SqlDatabase) -> None:
    with db.engine.begin() as sql:
        _connection(sql, "con_1")
    before = _version(db)
    reader = SqlQuickReads(db.engine)
    assert reader.team_stamp(team_id=TEAM, viewer=None)[1] == (before,)  # a reader at rest
    with db.engine.begin() as sql:
        for n in range(3):
            sql.execute(
                text("UPDATE connections SET display_name = :name WHERE id = 'con_1'"),
                {"name": f"Shop {n}"},
            )
        _marketplace(sql, "con_1")
        # Not yet committed: the same reader, on its next read, still sees the old one.
        assert reader.team_stamp(team_id=TEAM, viewer=None)[1] == (before,)
    after = reader.team_stamp(team_id=TEAM, viewer=None)[1][0]
    assert after > before, "the committed write shows on the reader's very next read"
    if db.dialect == "postgresql":
        # Moved once, at COMMIT: concurrent writers of one team wait on each other only
        # while committing.
        assert after == before + 1


def test_a_team_never_written_reads_zero_and_its_first_write_moves_it(db: SqlDatabase) -> None:
    with db.engine.begin() as sql:
        sql.execute(text("DELETE FROM team_stamps"))
    assert _version(db) == 0
    with db.engine.begin() as sql:
        _connection(sql, "con_1")
    assert _version(db) == 1


def test_the_reader_checks_membership_on_every_read(db: SqlDatabase) -> None:
    reader = SqlQuickReads(db.engine)
    access, value = reader.team_stamp(team_id=TEAM, viewer=f"owner@{TEAM}")
    assert access.membership is not None
    assert (access.membership.role.value, access.membership.joined_at) == ("owner", NOW)
    assert value == (_version(db),)
    outsider, nothing = reader.team_stamp(team_id=TEAM, viewer=f"owner@{OTHER}")
    assert (outsider.membership, nothing) == (None, ())
    with db.engine.begin() as sql:
        sql.execute(text("DELETE FROM memberships WHERE team_id = :t"), {"t": TEAM})
    removed, _ = reader.team_stamp(team_id=TEAM, viewer=f"owner@{TEAM}")
    assert removed.membership is None, "a removed member is refused on the next read"


def test_the_reader_is_quick_only_on_a_sqlite_file(db: SqlDatabase) -> None:
    assert SqlQuickReads(db.engine).quick is (db.dialect == "sqlite")
    memory = SqlDatabase("sqlite://", db.keyring)
    try:
        memory.upgrade()
        assert not SqlQuickReads(memory.engine).quick  # a second connection sees nothing
        assert SqlQuickReads(memory.engine).team_stamp(team_id=TEAM, viewer=None)[1] == (0,)
    finally:
        memory.dispose()


def test_the_reader_reads_an_api_key_as_a_unit_of_work_does(db: SqlDatabase) -> None:
    issued = issue_key(
        key_id="key_1",
        team_id=TEAM,
        name="back end",
        scopes=[Scope.CONNECTIONS_READ],
        secret="s3cret",
        created_at=NOW,
        created_by="owner",
    )
    with db.unit_of_work() as uow:
        uow.api_keys.add(issued.key)
        uow.commit()
    with db.unit_of_work() as uow:
        uow.api_keys.mark_used(issued.key.id, NOW, unless_since=NOW)
        uow.commit()
        stored = uow.api_keys.get(issued.key.id)
    read = SqlQuickReads(db.engine).api_key(issued.key.id)
    assert read == stored
    assert read is not None
    assert read.last_used_at == NOW
    assert SqlQuickReads(db.engine).api_key("key_unknown") is None


def test_a_quick_read_still_locked_after_its_short_wait_reads_on_the_engine(
    migrated_sqlite_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's rare short locks (WAL recovery, a checkpoint resetting the log) can outlast
    the quick read's 250 ms: the request then reads as every other one does, on the engine,
    instead of failing with an error only this read would give. (SQLite only: PostgreSQL
    always reads on the engine.)"""
    holder_file = tmp_path / "locked.db"
    holder = sqlite3.connect(holder_file, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # rollback journal: every reader is refused meanwhile
    locked = sqlite3.connect(holder_file, isolation_level=None, timeout=0.05)
    with copied_sqlite(migrated_sqlite_file, tmp_path, KEYRING) as sqlite_db:
        _with_two_teams(sqlite_db)
        reader = SqlQuickReads(sqlite_db.engine)
        monkeypatch.setattr(reader, "_connection", lambda: locked)
        try:
            access, version = reader.team_stamp(team_id=TEAM, viewer=f"owner@{TEAM}")
            assert access.membership is not None
            assert version == (_version(sqlite_db),)
            assert reader.api_key("key_unknown") is None
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            locked.close()
