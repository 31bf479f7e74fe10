"""Connect sessions (hosted connect links): found by id, or by the digest of the link's
token when the link is first opened."""

from __future__ import annotations

from sqlalchemy import select, update

from adapters.persistence.connection_rows import ConnectSessionRow
from adapters.persistence.mappers import connect_session_from_row, connect_session_to_row
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.rows import values_of
from domain.connect_session import ConnectSession

S = ConnectSessionRow


class SqlConnectSessionRepository(SqlRepository):
    def add(self, session: ConnectSession) -> None:
        self._add(session, connect_session_to_row(session))

    def get(self, session_id: str) -> ConnectSession | None:
        return self._one(select(S).where(S.id == session_id), connect_session_from_row)

    def find_by_token(self, token_digest: str) -> ConnectSession | None:
        return self._one(select(S).where(S.token_digest == token_digest), connect_session_from_row)

    def update(self, session: ConnectSession) -> None:
        self._uow.watch(session)
        self._uow.prepare_write()
        values = values_of(connect_session_to_row(session))
        values.pop("id")
        self._session.execute(
            update(S)
            .where(S.id == session.id)
            .values(values)
            .execution_options(synchronize_session=False)
        )
