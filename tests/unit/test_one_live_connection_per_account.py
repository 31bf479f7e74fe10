"""The rule "one live connection per Amazon account and region" (domain/connection.py), as
the use cases and the in-memory repository ask it (seed 002's ACCOUNT_IN_USE)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.connection import AccountType, Connection, Region
from domain.errors import AccountInUse
from domain.rules import OneLiveConnectionPerAccount

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


def live(connection_id: str, team_id: str, *, region: Region = Region.NA) -> Connection:
    made = Connection(connection_id, team_id, AccountType.SELLER, region, NOW)
    made.selling_partner_id = "A1SELLER"
    return made


def test_another_teams_live_connection_holds_the_account() -> None:
    rule = OneLiveConnectionPerAccount(Region.NA, frozenset({"A1SELLER"}))

    with pytest.raises(AccountInUse, match="already connected to another team"):
        rule.check([live("con_1", "team_1")], team_id="team_2")
    with pytest.raises(AccountInUse, match=r"already connected\.$"):
        rule.check([live("con_1", "team_1")], team_id="team_1")


def test_a_disconnected_connection_another_region_or_the_connection_itself_hold_nothing() -> None:
    gone = live("con_1", "team_1")
    gone.disconnect(NOW)
    others = [gone, live("con_2", "team_1", region=Region.EU), live("con_3", "team_1")]

    rule = OneLiveConnectionPerAccount.for_connection(live("con_3", "team_9"))

    assert rule.holder(others) is None
    rule.check(others, team_id="team_9")
    assert OneLiveConnectionPerAccount(Region.NA, frozenset({"OTHER"})).holder(others) is None
