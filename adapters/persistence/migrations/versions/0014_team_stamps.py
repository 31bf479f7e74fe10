"""A version per team that moves whenever what its list of connections shows changes: a
connection, its grants and profiles, a marketplace's state. A kept page is served again
only while its team's version is the one read with it (adapters/http/read_cache.py), and
reading one indexed row costs far less than counting and summing every connection and
marketplace of the team on every request.

Triggers keep it, so no writer can forget it: whatever writes those tables (a use case, a
worker, another process, a repair by hand) moves the version in the same transaction.
- SQLite has one writer at a time: each changed row moves the version at once.
- PostgreSQL: deferred constraint triggers move it at COMMIT, once per transaction (the
  row remembers the transaction that last moved it), so two writers of one team wait on
  each other only while committing, never across their work.
A team without a row yet has never had a connection: its version reads as 0, and the first
write creates the row at 1. Rows are never deleted, so a version never goes back.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLE = "team_stamps"
# (table, how a changed row names its team, when an UPDATE moves the version)
_SOURCES = (
    ("connections", "team_id", None),
    ("grants", "connection_id", None),
    ("profiles", "connection_id", None),
    # The list shows a connection's marketplaces as counts by state, nothing else of them.
    ("marketplaces", "connection_id", "state"),
)
_EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("team_id", sa.String(length=128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        # PostgreSQL: the transaction that last moved the version (once per transaction).
        sa.Column("moved_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_stamps")),
    )
    op.execute(f"INSERT INTO {TABLE} (team_id, version) SELECT id, 1 FROM teams")  # noqa: S608
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _, _ in _SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{table} ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{table}_update ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_{table}()")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_move(varchar)")
    else:
        for table, _, _ in _SOURCES:
            for event in _EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{table}_{event.lower()}")
    op.drop_table(TABLE)


def _team_of(column: str, row: str) -> str:
    """SQL naming the team of the changed row `row` (NEW or OLD)."""
    if column == "team_id":
        return f"{row}.team_id"
    return f"(SELECT c.team_id FROM connections c WHERE c.id = {row}.connection_id)"  # noqa: S608


def _sqlite_triggers() -> None:
    for table, column, shown in _SOURCES:
        for event in _EVENTS:
            row = "OLD" if event == "DELETE" else "NEW"
            moves = [_sqlite_move(_team_of(column, row))]
            when = ""
            if event == "UPDATE":
                # A row moved to another team changes both lists.
                moved = f"OLD.{column} IS NOT NEW.{column}"
                moves.append(_sqlite_move(_team_of(column, "OLD"), also=moved))
                if shown is not None:
                    when = f"WHEN OLD.{shown} IS NOT NEW.{shown} OR {moved}"
            op.execute(
                f"CREATE TRIGGER {TABLE}_{table}_{event.lower()} AFTER {event} ON {table} "
                f"FOR EACH ROW {when} BEGIN {' '.join(moves)} END"
            )


def _sqlite_move(team: str, also: str = "1") -> str:
    # The WHERE also keeps SQLite's parser from reading ON CONFLICT as a join's ON.
    return (
        f"INSERT INTO {TABLE} (team_id, version) SELECT {team}, 1 "
        f"WHERE {team} IS NOT NULL AND {also} "
        "ON CONFLICT (team_id) DO UPDATE SET version = version + 1;"
    )


def _postgresql_triggers() -> None:
    op.execute(
        f"""
        CREATE FUNCTION {TABLE}_move(team varchar) RETURNS void LANGUAGE sql AS $$
            INSERT INTO {TABLE} AS s (team_id, version, moved_by)
            VALUES (team, 1, txid_current())
            ON CONFLICT (team_id) DO UPDATE SET version = s.version + 1,
                moved_by = EXCLUDED.moved_by
            WHERE s.moved_by IS DISTINCT FROM EXCLUDED.moved_by
        $$"""  # noqa: S608 (constants)
    )
    for table, column, shown in _SOURCES:
        op.execute(
            f"""
            CREATE FUNCTION {TABLE}_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                team varchar;
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    team := {_team_of(column, "OLD")};
                    IF team IS NOT NULL THEN
                        PERFORM {TABLE}_move(team);
                    END IF;
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    team := {_team_of(column, "NEW")};
                    IF team IS NOT NULL THEN
                        PERFORM {TABLE}_move(team);
                    END IF;
                END IF;
                RETURN NULL;
            END $$"""
        )
        events = "INSERT OR DELETE" if shown else "INSERT OR UPDATE OR DELETE"
        _pg_trigger(table, table, events, "")
        if shown is not None:
            when = (
                f"WHEN (OLD.{shown} IS DISTINCT FROM NEW.{shown} "
                f"OR OLD.{column} IS DISTINCT FROM NEW.{column})"
            )
            _pg_trigger(f"{table}_update", table, "UPDATE", when)


def _pg_trigger(name: str, table: str, events: str, when: str) -> None:
    op.execute(
        f"CREATE CONSTRAINT TRIGGER {TABLE}_{name} AFTER {events} ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW {when} EXECUTE FUNCTION {TABLE}_{table}()"
    )
