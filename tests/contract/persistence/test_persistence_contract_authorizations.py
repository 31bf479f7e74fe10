"""Contract: authorization requests, consumed exactly once, on every back end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.authorization import AuthorizationStatus
from domain.secret import Secret
from tests.contract.persistence.builders import NOW, authorization, state


def _add(database: Any, *requests: Any) -> None:
    with database.unit_of_work() as uow:
        for request in requests:
            uow.authorizations.add(request)
        uow.commit()


def test_a_request_comes_back_with_its_pkce_verifier(database: Any) -> None:
    _add(database, authorization(1), authorization(2, verifier=None))
    with database.unit_of_work() as uow:
        first = uow.authorizations.get(state(1))
        second = uow.authorizations.get(state(2))
        assert uow.authorizations.get(state(3)) is None
    assert first == authorization(1)
    assert first.code_verifier == Secret("pkce-verifier-abcdefghijklmnopqrstuvwxyz0123456789")
    assert second.code_verifier is None


def test_a_state_is_consumed_once(database: Any) -> None:
    _add(database, authorization(1))
    with database.unit_of_work() as uow:
        assert uow.authorizations.consume(state(1), NOW) is True
        assert uow.authorizations.consume(state(1), NOW) is False
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.authorizations.consume(state(1), NOW) is False
        assert uow.authorizations.get(state(1)).consumed_at == NOW


def test_an_unknown_state_is_not_consumed(database: Any) -> None:
    with database.unit_of_work() as uow:
        assert uow.authorizations.consume(state(9), NOW) is False


def test_a_consumption_rolled_back_did_not_happen(database: Any) -> None:
    _add(database, authorization(1))
    with database.unit_of_work() as uow:
        assert uow.authorizations.consume(state(1), NOW) is True
    with database.unit_of_work() as uow:
        assert uow.authorizations.get(state(1)).consumed_at is None
        assert uow.authorizations.consume(state(1), NOW) is True


def test_the_outcome_of_a_request_is_stored(database: Any) -> None:
    _add(database, authorization(1, connection_id="con_1"))
    with database.unit_of_work() as uow:
        assert uow.authorizations.consume(state(1), NOW)
        request = uow.authorizations.get(state(1))
        request.fail("WRONG_ACCOUNT", detail="another Amazon account", at=NOW)
        uow.authorizations.update(request)
        uow.commit()
    with database.unit_of_work() as uow:
        stored = uow.authorizations.get(state(1))
    assert (stored.status, stored.error_code, stored.result_connection_id) == (
        AuthorizationStatus.FAILED,
        "WRONG_ACCOUNT",
        "con_1",
    )
    assert stored.consumed_at == NOW


def test_expired_requests_are_deleted(database: Any) -> None:
    _add(
        database,
        authorization(1, at=NOW - timedelta(hours=1)),
        authorization(2, at=NOW - timedelta(minutes=5)),
    )
    with database.unit_of_work() as uow:
        assert uow.authorizations.delete_expired(NOW) == 1
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.authorizations.get(state(1)) is None
        assert uow.authorizations.get(state(2)) is not None
        assert uow.authorizations.delete_expired(NOW) == 0
