"""Contract: the app credentials' shared state (the rejected alarm, its backoff, the
rotate-by warnings given) comes back exactly on every back end, and a second put wins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.app_credentials import AppCredentialState
from domain.grant import Channel
from tests.contract.persistence.builders import NOW


def test_the_state_comes_back_exactly_and_updates(database: Any) -> None:
    with database.unit_of_work() as uow:
        assert uow.app_credentials.get(Channel.SP_API) is None
        state = AppCredentialState(Channel.SP_API)
        assert state.reject(NOW, "fp1")
        state.warned = "2027-01-10:30"
        uow.app_credentials.put(state)
        uow.commit()
    with database.unit_of_work() as uow:
        stored = uow.app_credentials.get(Channel.SP_API, for_update=True)
        assert stored is not None
        assert stored.rejected_since == NOW
        assert stored.next_attempt_at == NOW + timedelta(minutes=1)
        assert (stored.failures, stored.fingerprint, stored.warned) == (1, "fp1", "2027-01-10:30")
        assert not stored.reject(NOW + timedelta(minutes=2), "fp1"), "the same incident"
        uow.app_credentials.put(stored)
        uow.commit()
    with database.unit_of_work() as uow:
        again = uow.app_credentials.get(Channel.SP_API)
        assert again is not None
        assert again.failures == 2
        assert uow.app_credentials.get(Channel.ADS) is None
