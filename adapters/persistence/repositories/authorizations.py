"""Authorization requests: the server side of a trip to Amazon's consent page. `consume`
is one conditional UPDATE, so of any number of racing callbacks with the same state exactly
one sees a row change (DESIGN §2: "consumed once")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from adapters.persistence.connection_rows import AuthorizationRequestRow
from adapters.persistence.mappers import authorization_from_row, authorization_to_row
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.rows import values_of
from domain.authorization import AuthorizationRequest

A = AuthorizationRequestRow


class SqlAuthorizationRequestRepository(SqlRepository):
    def add(self, request: AuthorizationRequest) -> None:
        self._add(request, authorization_to_row(request, self._keyring))

    def get(self, state: str) -> AuthorizationRequest | None:
        return self._one(
            select(A).where(A.state == state),
            lambda row: authorization_from_row(row, self._keyring),
        )

    def consume(self, state: str, at: datetime) -> bool:
        self._uow.prepare_write()
        result = self._session.execute(
            update(A)
            .where(A.state == state, A.consumed_at.is_(None))
            .values(consumed_at=at)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def update(self, request: AuthorizationRequest) -> None:
        """Stores the outcome. Never un-consumes: a stored `consumed_at` survives an update
        from an object that was read before it was consumed (no replay through update)."""
        self._uow.watch(request)
        self._uow.prepare_write()
        values = values_of(authorization_to_row(request, self._keyring))
        values.pop("state")
        values["consumed_at"] = func.coalesce(A.consumed_at, request.consumed_at)
        self._session.execute(
            update(A)
            .where(A.state == request.state)
            .values(values)
            .execution_options(synchronize_session=False)
        )

    def delete_expired(self, before: datetime) -> int:
        self._uow.prepare_write()
        result = self._session.execute(
            delete(A).where(A.expires_at < before).execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
