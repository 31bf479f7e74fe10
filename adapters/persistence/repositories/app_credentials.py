"""The app credentials' shared state: one row per channel, read with a row lock by the one
process that takes a rejected app's try for the current backoff step."""

from __future__ import annotations

from sqlalchemy import select

from adapters.persistence import by_name
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.shared_state_rows import AppCredentialStateRow as R
from domain.app_credentials import AppCredentialState
from domain.grant import Channel


class SqlAppCredentialStateRepository(SqlRepository):
    def get(self, channel: Channel, *, for_update: bool = False) -> AppCredentialState | None:
        statement = select(R).where(R.channel == str(channel))
        if for_update and self._uow.lock_rows():
            statement = statement.with_for_update()
        row = self._current(statement).one_or_none()
        if row is None:
            return None
        return self._uow.watch(by_name.instance(AppCredentialState, row))

    def put(self, state: AppCredentialState) -> None:
        self._uow.watch(state)  # it may have announced (an alarm, a warning)
        state.version += 1
        self._upsert(by_name.row(R, state, warned=state.warned[:400]), key=("channel",))
