"""API keys: the hash of each secret, never the secret (DESIGN §10). The mappers live here
because nothing else reads this table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update

from adapters.persistence import by_name
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.team_rows import ApiKeyRow
from domain.api_key import ApiKey, Scope


def api_key_to_row(key: ApiKey) -> ApiKeyRow:
    return by_name.row(
        ApiKeyRow, key, scopes=" ".join(sorted(key.scopes)), secret_sha256=key.secret_hash
    )


def api_key_from_row(row: ApiKeyRow) -> ApiKey:
    return by_name.instance(
        ApiKey,
        row,
        scopes=frozenset(Scope(s) for s in row.scopes.split()),
        secret_hash=row.secret_sha256,
    )


class SqlApiKeyRepository(SqlRepository):
    def add(self, key: ApiKey) -> None:
        self._add(key, api_key_to_row(key))

    def get(self, key_id: str) -> ApiKey | None:
        return self._one(select(ApiKeyRow).where(ApiKeyRow.id == key_id), api_key_from_row)

    def list_for_team(self, team_id: str) -> list[ApiKey]:
        rows = self._current(
            select(ApiKeyRow)
            .where(ApiKeyRow.team_id == team_id)
            .order_by(ApiKeyRow.created_at, ApiKeyRow.id)
        )
        return [api_key_from_row(r) for r in rows]

    def delete(self, team_id: str, key_id: str) -> bool:
        self._uow.prepare_write()
        result = self._session.execute(
            delete(ApiKeyRow).where(ApiKeyRow.team_id == team_id, ApiKeyRow.id == key_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def mark_used(self, key_id: str, at: datetime, *, unless_since: datetime) -> None:
        self._uow.prepare_write()
        self._session.execute(
            update(ApiKeyRow)
            .where(
                ApiKeyRow.id == key_id,
                or_(ApiKeyRow.last_used_at.is_(None), ApiKeyRow.last_used_at < unless_since),
            )
            .values(last_used_at=at)
            .execution_options(synchronize_session=False)
        )
