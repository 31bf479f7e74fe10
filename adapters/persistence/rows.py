"""SQLAlchemy row classes: the shape of sellerlink's tables, kept apart from the attrs domain
classes (DESIGN §7, STYLE "Persistence"). `mappers.py` converts both ways; nothing else
reads a row.

This module holds what every table shares (the declarative base, naming convention, id and
key columns, cascading foreign keys, partial indexes, a log's numbering); the tables live by
what they hold: team_rows.py (teams, members, API keys), connection_rows.py (connections,
grants, profiles, marketplaces and the connect flow), seller_data_rows.py (listings, sync
cursors, Amazon's records), event_rows.py (the audit log), webhook_rows.py, and
shared_state_rows.py (what every process coordinates through). Importing this module
registers all of them on `Row.metadata`.

The schema is made only by the Alembic migrations in `migrations/versions`; a test holds
these classes and the migrations to the same schema.

Foreign keys are DEFERRABLE INITIALLY DEFERRED, checked at commit, so a use case may add
the parts of an aggregate in any order within one unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, MetaData, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from adapters.persistence.types import UtcDateTime

# Deterministic constraint names on every back end, so migrations can drop what they made.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(128)
KEY_ID = String(32)


def owned_by(target: str) -> ForeignKey:
    """A part's key to the row it belongs to: deleted with it, checked at commit."""
    return ForeignKey(target, ondelete="CASCADE", deferrable=True, initially="DEFERRED")


def partial_index(name: str, *columns: str, unique: bool = False, where: str) -> Index:
    """An index of only the rows `where` holds, on PostgreSQL and SQLite alike."""
    return Index(
        name, *columns, unique=unique, postgresql_where=text(where), sqlite_where=text(where)
    )


# A log's order: numbered by the database, 64-bit where the back end has both sizes.
LOG_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class Row(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}


class LogEntryRow(Row):
    """An entry of an append-only log (the audit events, the webhook deliveries): `seq` is
    the order the database numbered it in, which readers page and claim by; `id` is the
    entry's stable name outside the database."""

    __abstract__ = True

    # First in the table, where the migrations put them (a subclass's columns follow).
    seq: Mapped[int] = mapped_column(
        LOG_SEQUENCE, primary_key=True, autoincrement=True, sort_order=-2
    )
    id: Mapped[str] = mapped_column(ID, unique=True, sort_order=-1)


def values_of(row: Row) -> dict[str, Any]:
    """A row's column values by column name, for Core INSERT and UPDATE statements (the
    repositories write with Core so the session's identity map never holds stale rows)."""
    table: Any = row.__table__
    values = {column.key: getattr(row, column.key) for column in table.columns}
    for column in table.primary_key.columns:
        if column.autoincrement is True and values[column.key] is None:
            del values[column.key]  # the database numbers it
    return values


# The tables live in their own modules (they import the base above); importing them here
# registers them all on Row.metadata.
from adapters.persistence import (  # noqa: E402
    connection_rows,  # noqa: F401
    event_rows,  # noqa: F401
    seller_data_rows,  # noqa: F401
    shared_state_rows,  # noqa: F401
    team_rows,  # noqa: F401
    webhook_rows,  # noqa: F401
)
