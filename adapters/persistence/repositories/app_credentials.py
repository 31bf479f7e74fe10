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
        return self._one(
            select(R).where(R.channel == str(channel)),
            lambda row: by_name.instance(AppCredentialState, row),
            for_update=for_update,
        )

    def put(self, state: AppCredentialState) -> None:
        self._uow.watch(state)  # it may have announced (an alarm, a warning)
        state.version += 1
        self._upsert(by_name.row(R, state, warned=state.warned[:400]), key=("channel",))
