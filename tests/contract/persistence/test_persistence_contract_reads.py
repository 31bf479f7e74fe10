"""Contract: the read side (application/queries.py) on every back end: the same view as the
aggregates give, pages in a stable order that a cursor resumes, the filters, and the
caller's membership read with the first statement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from application.queries import ConnectionFilter, ConnectionRowsQuery, Position
from application.views import ConnectionView
from domain.connection import AccountType, Region
from domain.marketplace import MarketplaceState
from domain.team import Role
from tests.contract.persistence.builders import NOW, connection, marketplace, membership, team


def _stored(database: Any) -> None:
    """Five connections of team_1 (one disconnected, one EU vendor) and one of team_2."""
    made = [connection(f"con_{n}", at=NOW + timedelta(minutes=n % 3)) for n in range(1, 5)]
    made.append(connection("con_5", account_type=AccountType.VENDOR, region=Region.EU, at=NOW))
    made[1].disconnect(NOW + timedelta(days=1))
    ready = marketplace("con_3")
    ready.select(at=NOW, actor="user_1")
    with database.unit_of_work() as uow:
        uow.teams.add(team("team_1"))
        uow.teams.add(team("team_2"))
        uow.memberships.put(membership("team_1", "user_1", Role.MEMBER))
        for c in [*made, connection("con_9", "team_2")]:
            uow.connections.add(c)
        uow.marketplaces.add(ready)
        uow.marketplaces.add(marketplace("con_4"))
        uow.commit()


def _page(database: Any, **kwargs: Any) -> Any:
    options: dict[str, Any] = {"team_id": "team_1", "viewer": "user_1", **kwargs}
    with database.unit_of_work() as uow:
        return uow.reads.connections(ConnectionRowsQuery(**options))


def test_the_read_side_shows_what_the_aggregate_shows(database: Any) -> None:
    _stored(database)
    later = NOW + timedelta(days=340)
    with database.unit_of_work() as uow:
        whole = uow.connections.get("con_3")
        marketplaces = uow.marketplaces.list_for_connection("con_3")
        [facts] = uow.reads.connections(ConnectionRowsQuery(connection_id="con_3")).rows
    assert ConnectionView.of_facts(facts, now=later) == ConnectionView.of(
        whole, marketplaces, now=later
    )
    assert ConnectionView.of_facts(facts, now=later).marketplaces_summary.setting_up == 1


def test_pages_follow_creation_then_id_and_resume_after_a_cursor(database: Any) -> None:
    _stored(database)
    every = [f.id for f in _page(database).rows]
    assert every == ["con_3", "con_5", "con_1", "con_4"]  # con_2 is disconnected
    first = _page(database, limit=2).rows
    rest = _page(database, after=Position.of_cursor(first[-1].position.cursor())).rows
    assert [f.id for f in first + rest] == every


def test_filters_narrow_the_list(database: Any) -> None:
    _stored(database)

    def ids(**where: Any) -> list[str]:
        return [f.id for f in _page(database, where=ConnectionFilter(**where)).rows]

    assert ids(region=Region.EU) == ["con_5"]
    assert ids(account_type=AccountType.VENDOR) == ["con_5"]
    assert ids(selling_partner_id="A1-con_4") == ["con_4"]
    assert ids(marketplace_state=MarketplaceState.SETTING_UP) == ["con_3"]
    assert ids(include_disconnected=True) == ["con_3", "con_5", "con_1", "con_4", "con_2"]


def test_the_membership_comes_with_the_first_statement(database: Any) -> None:
    _stored(database)
    shown = _page(database)
    assert shown.access.membership.role is Role.MEMBER
    stranger = _page(database, viewer="user_2")
    assert (stranger.access.membership, stranger.rows) == (None, ())
    empty = _page(database, team_id="team_2", viewer="user_1")
    assert empty.access.membership is None
    with database.unit_of_work() as uow:
        theirs = uow.reads.access(team_id="team_1", viewer="user_1", connection_id="con_9")
        gone = uow.reads.access(team_id="team_1", viewer="user_1", connection_id="con_2")
        unknown = uow.reads.access(team_id="team_1", viewer="user_1", connection_id="nope")
    assert theirs.connection_team_id == "team_2"
    assert (gone.connection_team_id, gone.connection_disconnected) == ("team_1", True)
    assert unknown.connection_team_id is None


def test_marketplaces_are_read_without_their_history(database: Any) -> None:
    _stored(database)
    with database.unit_of_work() as uow:
        [shown] = uow.reads.marketplaces("con_3")
    assert (shown.state, shown.history) == (MarketplaceState.SETTING_UP, [])
