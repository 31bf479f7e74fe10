"""Contract: what aggregates announce reaches the audit log with the change that caused it,
in the same transaction, on every back end. Webhooks are delivered from this log, so an
event of a rolled-back change, or a change without its event, would reach a customer."""

from __future__ import annotations

from typing import Any

from application.repositories import EventLogQuery
from domain.events import EventKind
from domain.marketplace import MarketplaceState
from tests.contract.persistence.builders import NOW, connection, marketplace, team


def _kinds(database: Any) -> list[str]:
    with database.unit_of_work() as uow:
        return [str(e.kind) for e in reversed(uow.events.list(EventLogQuery(limit=1000)))]


def _store_connection(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.connections.add(connection())
        uow.marketplaces.add(marketplace())
        uow.commit()


def _disconnect(uow: Any) -> None:
    """The owner disconnects con_1 (one change, one announcement) in `uow`."""
    stored = uow.connections.get("con_1", for_update=True)
    stored.disconnect(NOW, actor="user:owner")
    uow.connections.update(stored)


def test_a_change_and_its_announcement_are_committed_together(database: Any) -> None:
    _store_connection(database)
    with database.unit_of_work() as uow:
        _disconnect(uow)
        uow.commit()

    with database.unit_of_work() as uow:
        assert uow.connections.get("con_1").disconnected_at == NOW
        [event] = uow.events.list(
            EventLogQuery(connection_id="con_1", kinds=["connection.disconnected"])
        )
    assert (event.kind, event.team_id, event.actor, event.at) == (
        EventKind.CONNECTION_DISCONNECTED,
        "team_1",
        "user:owner",
        NOW,
    )
    assert event.id.startswith("evt_")


def test_a_rolled_back_change_leaves_no_announcement(database: Any) -> None:
    _store_connection(database)
    with database.unit_of_work() as uow:
        _disconnect(uow)
        uow.rollback()
        uow.commit()
    with database.unit_of_work() as uow:
        _disconnect(uow)
        # leaving without commit: the use case failed

    assert _kinds(database) == []
    with database.unit_of_work() as uow:
        assert uow.connections.get("con_1").disconnected_at is None


def test_announcements_are_logged_once_in_the_order_they_were_made(database: Any) -> None:
    _store_connection(database)
    with database.unit_of_work() as uow:
        found = uow.marketplaces.get("con_1", "ATVPDKIKX0DER", for_update=True)
        found.choose(selected=True, active=None, at=NOW, actor="user:owner")
        uow.marketplaces.update(found)
        _disconnect(uow)
        uow.commit()
        uow.commit()  # nothing new to log

    assert _kinds(database) == [
        "marketplace.changed",
        "connection.health_changed",
        "connection.disconnected",
    ]
    with database.unit_of_work() as uow:
        [changed] = uow.events.list(EventLogQuery(kinds=["marketplace.changed"]))
        assert uow.marketplaces.get("con_1", "ATVPDKIKX0DER").state is MarketplaceState.SETTING_UP
    # A marketplace does not know its team; the log files it under its connection's team.
    assert (changed.team_id, changed.connection_id) == ("team_1", "con_1")
    assert changed.data["marketplace_id"] == "ATVPDKIKX0DER"
