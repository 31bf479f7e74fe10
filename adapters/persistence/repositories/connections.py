"""Connections: the aggregate of a connection row, its grants (one per channel, tokens
encrypted) and its Ads profiles. Optimistic concurrency on the connection's `version`;
`get(..., for_update=True)` holds a row lock for the single-flight token refresh
(DESIGN §8)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, delete, or_, select
from sqlalchemy.exc import IntegrityError

from adapters.persistence.connection_rows import ConnectionRow, GrantRow, ProfileRow
from adapters.persistence.mappers import (
    connection_child_rows,
    connection_from_rows,
    connection_to_row,
)
from adapters.persistence.repositories.base import SqlRepository, chunks
from domain.connection import Connection, Region
from domain.errors import AccountInUse


class SqlConnectionRepository(SqlRepository):
    def add(self, connection: Connection) -> None:
        grants, profiles = connection_child_rows(connection, self._keyring)
        with _account_guard():
            self._add(connection, connection_to_row(connection))
        self._insert(grants)
        self._insert(profiles)

    def get(self, connection_id: str, *, for_update: bool = False) -> Connection | None:
        statement = select(ConnectionRow).where(ConnectionRow.id == connection_id)
        found = self._load(self._locked(statement, for_update))
        return found[0] if found else None

    def update(self, connection: Connection) -> None:
        context = {"connection_id": connection.id, "version": connection.version}
        with _account_guard():
            self._write_back(
                connection, connection_to_row(connection), f"Connection {connection.id}", context
            )
        grants, profiles = connection_child_rows(connection, self._keyring)
        # The version check above serializes writers of this aggregate, so replacing its
        # child rows cannot interleave with another writer's.
        self._session.execute(delete(GrantRow).where(GrantRow.connection_id == connection.id))
        self._session.execute(delete(ProfileRow).where(ProfileRow.connection_id == connection.id))
        self._insert(grants)
        self._insert(profiles)

    def list_for_team(
        self, team_id: str, *, include_disconnected: bool = False
    ) -> list[Connection]:
        statement = select(ConnectionRow).where(ConnectionRow.team_id == team_id)
        if not include_disconnected:
            statement = statement.where(ConnectionRow.disconnected_at.is_(None))
        return self._load(statement)

    def find_by_account(self, region: Region, account_ids: Iterable[str]) -> list[Connection]:
        ids = sorted({i for i in account_ids if i})
        if not ids:
            return []
        statement = select(ConnectionRow).where(
            ConnectionRow.region == str(region),
            or_(
                ConnectionRow.selling_partner_id.in_(ids),
                ConnectionRow.ads_account_id.in_(ids),
            ),
        )
        return self._load(statement)

    def list_all(self, *, include_disconnected: bool = False) -> list[Connection]:
        statement = select(ConnectionRow)
        if not include_disconnected:
            statement = statement.where(ConnectionRow.disconnected_at.is_(None))
        return self._load(statement)

    def with_grants_expiring_before(self, before: datetime) -> list[Connection]:
        return self._load_due(grants_expiring_before(before))

    def with_access_tokens_expiring_before(self, before: datetime) -> list[Connection]:
        return self._load_due(access_tokens_due(before))

    # -- loading -----------------------------------------------------------------------

    def _load_due(self, due: Select[Any]) -> list[Connection]:
        ids = list(self._session.scalars(due))
        found: list[Connection] = []
        for chunk in chunks(sorted(set(ids))):
            found.extend(
                self._load(
                    select(ConnectionRow).where(
                        ConnectionRow.id.in_(chunk), ConnectionRow.disconnected_at.is_(None)
                    )
                )
            )
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def _load(self, statement: Select[Any]) -> list[Connection]:
        statement = statement.order_by(ConnectionRow.created_at, ConnectionRow.id)
        rows: Sequence[ConnectionRow] = self._current(statement).all()
        if not rows:
            return []
        grants: dict[str, list[GrantRow]] = defaultdict(list)
        profiles: dict[str, list[ProfileRow]] = defaultdict(list)
        for chunk in chunks([r.id for r in rows]):
            for grant in self._current(select(GrantRow).where(GrantRow.connection_id.in_(chunk))):
                grants[grant.connection_id].append(grant)
            for profile in self._current(
                select(ProfileRow).where(ProfileRow.connection_id.in_(chunk))
            ):
                profiles[profile.connection_id].append(profile)
        return [
            self._uow.watch(connection_from_rows(r, grants[r.id], profiles[r.id], self._keyring))
            for r in rows
        ]


def grants_expiring_before(before: datetime) -> Select[Any]:
    """Ids of connections with a grant that still holds a refresh token and whose
    authorization ends before `before` (through `ix_grants_expires_at`)."""
    return select(GrantRow.connection_id).where(
        GrantRow.expires_at < before, GrantRow.refresh_token_ciphertext.is_not(None)
    )


def access_tokens_due(before: datetime) -> Select[Any]:
    """Ids of connections with a refreshable grant whose cached access token is missing or
    ends before `before`. Both halves are answered from the partial index
    `ix_grants_access_token_due` (its WHERE clause is repeated here so the planner can use
    it); the due connections are then loaded by primary key, which also drops disconnected
    ones. No join here: a join let PostgreSQL's planner pick a scan of all connections."""
    refreshable = (
        GrantRow.refresh_token_ciphertext.is_not(None),
        GrantRow.revoked_at.is_(None),
    )
    expiring = select(GrantRow.connection_id).where(
        *refreshable, GrantRow.access_token_expires_at < before
    )
    missing = select(GrantRow.connection_id).where(
        *refreshable, GrantRow.access_token_expires_at.is_(None)
    )
    return expiring.union(missing)  # type: ignore[return-value]


def _live_account_guards() -> tuple[str, ...]:
    """How PostgreSQL (the index's name) and SQLite (its columns) name a violation of the
    live-account indexes in rows.py."""
    guards: list[str] = []
    table: Table = ConnectionRow.__table__  # type: ignore[assignment]
    for index in table.indexes:
        if index.unique and index.name:
            guards.append(str(index.name))
            guards.append(", ".join(f"connections.{c.name}" for c in index.columns))
    return tuple(guards)


_LIVE_ACCOUNT_GUARDS = _live_account_guards()


@contextmanager
def _account_guard() -> Iterator[None]:
    """The unique index on live accounts speaks as the catalogue's ACCOUNT_IN_USE."""
    try:
        yield
    except IntegrityError as error:
        if any(guard in str(error.orig) for guard in _LIVE_ACCOUNT_GUARDS):
            raise AccountInUse(
                "This Amazon account was connected by another team a moment ago."
            ) from None
        raise
