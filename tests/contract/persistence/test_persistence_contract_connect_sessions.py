"""Contract: connect sessions and browser bindings, on every back end."""

from __future__ import annotations

from typing import Any

from domain.authorization import browser_digest
from domain.connect_session import ConnectOffer, ConnectSession
from domain.connection import AccountType, Region
from tests.contract.persistence.builders import NOW, authorization, state, team


def _session(n: int = 1) -> ConnectSession:
    return ConnectSession.create(
        session_id=f"cs_{n}",
        token=f"token-{n}".ljust(43, "t"),
        team_id="team_1",
        created_by="owner@acme",
        at=NOW,
        offer=ConnectOffer(
            account_types=["seller"],
            regions=["NA", "EU"],
            end_user_id="user-42",
            end_user_email="maria@example.com",
            return_to="https://app.example.com/amazon?tab=1",
        ),
    )


def test_a_session_comes_back_whole_by_id_and_by_token_digest(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.connect_sessions.add(_session(1))
        uow.connect_sessions.add(_session(2))
        uow.commit()
    with database.unit_of_work() as uow:
        by_id = uow.connect_sessions.get("cs_1")
        by_token = uow.connect_sessions.find_by_token(browser_digest("token-2".ljust(43, "t")))
        assert uow.connect_sessions.get("cs_9") is None
        assert uow.connect_sessions.find_by_token(browser_digest("token-2")) is None
    assert by_id == _session(1)
    assert by_id.account_types == (AccountType.SELLER,)
    assert by_id.regions == (Region.NA, Region.EU)
    assert by_token is not None
    assert by_token.id == "cs_2"


def test_a_session_remembers_its_browser_and_progress(database: Any) -> None:
    session = _session()
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.connect_sessions.add(session)
        uow.commit()
    session.claim("browser-secret", at=NOW)
    session.pending_state = state(1)
    session.last_error = "WRONG_ACCOUNT"
    session.vendor_central_skipped = True
    session.finished_at = NOW
    with database.unit_of_work() as uow:
        uow.connect_sessions.update(session)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.connect_sessions.get(session.id) == session
    assert session.browser_binding == browser_digest("browser-secret")


def test_an_authorization_keeps_only_the_digest_of_its_browser(database: Any) -> None:
    request = authorization(1)
    with database.unit_of_work() as uow:
        uow.authorizations.add(request)
        uow.commit()
    request.bind_browser("browser-secret", at=NOW)
    with database.unit_of_work() as uow:
        uow.authorizations.update(request)
        uow.commit()
    with database.unit_of_work() as uow:
        stored = uow.authorizations.get(state(1))
    assert stored is not None
    assert stored.browser_binding == browser_digest("browser-secret")
    assert "browser-secret" not in repr(stored)
