"""Contract: connections with their grants and profiles, their optimistic concurrency and
the sweeps' queries, on every back end (application/unit_of_work.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.connection import AccountType, Region
from domain.errors import ConcurrentUpdate
from domain.grant import Channel
from domain.secret import Secret
from tests.contract.persistence.builders import NOW, connection, profile, store


def test_a_connection_comes_back_whole(database: Any) -> None:
    original = connection()
    store(database, original)
    with database.unit_of_work() as uow:
        loaded = uow.connections.get("con_1")
    assert loaded == original
    assert loaded.grant(Channel.SP_API).refresh_token == Secret("Atzr|refresh-sp")
    assert loaded.grant(Channel.ADS).access_token == Secret("Atza|access-ads")
    assert [p.profile_id for p in loaded.profiles] == ["111", "222"]
    assert loaded.selected_profile == profile("222", "CA")


def test_a_vendor_connection_keeps_its_required_channels_and_missing_grant(database: Any) -> None:
    original = connection(account_type=AccountType.VENDOR)
    original.grants[Channel.SP_API].forget()
    original.required_channels = frozenset({Channel.ADS})
    store(database, original)
    with database.unit_of_work() as uow:
        loaded = uow.connections.get("con_1")
    assert loaded == original
    assert loaded.grant(Channel.SP_API).refresh_token is None


def test_times_come_back_as_aware_utc(database: Any) -> None:
    """SQLite stores no time zone; the adapter must still hand back aware UTC values."""
    store(database, connection())
    with database.unit_of_work() as uow:
        loaded = uow.connections.get("con_1")
    assert loaded.created_at == NOW
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.grant(Channel.SP_API).expires_at == NOW + timedelta(days=365)
    assert loaded.grant(Channel.SP_API).expires_at.utcoffset() == timedelta(0)


def test_an_unknown_connection_is_none(database: Any) -> None:
    with database.unit_of_work() as uow:
        assert uow.connections.get("con_nope") is None
        assert uow.connections.get("con_nope", for_update=True) is None


def test_an_update_stores_new_tokens_and_profiles_and_bumps_the_version(database: Any) -> None:
    store(database, connection())
    with database.unit_of_work() as uow:
        loaded = uow.connections.get("con_1", for_update=True)
        loaded.grant(Channel.SP_API).record_refresh(
            access_token=Secret("Atza|fresh"), expires_at=NOW + timedelta(hours=2), at=NOW
        )
        loaded.offer_profiles([profile("333", "MX")], [profile("333", "MX")], at=NOW)
        loaded.display_name = "Renamed"
        uow.connections.update(loaded)
        uow.commit()
    assert loaded.version == 1
    with database.unit_of_work() as uow:
        stored = uow.connections.get("con_1")
    assert stored == loaded
    assert stored.grant(Channel.SP_API).access_token == Secret("Atza|fresh")
    assert [p.profile_id for p in stored.profiles] == ["333"]
    assert stored.selected_profile_id == "333"


def test_a_lost_update_to_a_connection_is_an_error(database: Any) -> None:
    store(database, connection())
    with database.unit_of_work() as uow:
        stale = uow.connections.get("con_1")
    with database.unit_of_work() as uow:
        fresh = uow.connections.get("con_1")
        fresh.disconnect(NOW)
        uow.connections.update(fresh)
        uow.commit()
    with database.unit_of_work() as uow:
        stale.display_name = "Would overwrite the disconnect"
        with pytest.raises(ConcurrentUpdate):
            uow.connections.update(stale)
    with database.unit_of_work() as uow:
        stored = uow.connections.get("con_1")
    assert stored.disconnected_at == NOW
    assert stored.display_name == "Acme US"


def test_a_team_lists_its_connected_accounts_and_on_request_the_disconnected(
    database: Any,
) -> None:
    gone = connection("con_gone", selling_partner_id="A2", ads_account_id="E2")
    gone.disconnect(NOW)
    store(
        database,
        connection("con_1"),
        gone,
        connection("con_other", "team_2", selling_partner_id="A3", ads_account_id="E3"),
        teams=("team_1", "team_2"),
    )
    with database.unit_of_work() as uow:
        assert [c.id for c in uow.connections.list_for_team("team_1")] == ["con_1"]
        both = uow.connections.list_for_team("team_1", include_disconnected=True)
        assert sorted(c.id for c in both) == ["con_1", "con_gone"]
        assert sorted(c.id for c in uow.connections.list_all()) == ["con_1", "con_other"]
        assert len(uow.connections.list_all(include_disconnected=True)) == 3


def test_an_account_is_found_by_either_id_in_its_region_across_teams(database: Any) -> None:
    gone = connection("con_gone", "team_2", selling_partner_id="A2", ads_account_id="E2")
    gone.disconnect(NOW)
    store(
        database,
        connection("con_1", selling_partner_id="A1", ads_account_id="E1"),
        gone,
        connection("con_eu", selling_partner_id="A1", ads_account_id="E1", region=Region.EU),
        teams=("team_1", "team_2"),
    )
    with database.unit_of_work() as uow:
        found = uow.connections.find_by_account(Region.NA, ["E1"])
        assert [c.id for c in found] == ["con_1"]
        found = uow.connections.find_by_account(Region.NA, ["A2", "nobody"])
        assert [c.id for c in found] == ["con_gone"]
        found = uow.connections.find_by_account(Region.NA, ["A1", "E2"])
        assert sorted(c.id for c in found) == ["con_1", "con_gone"]
        assert uow.connections.find_by_account(Region.FE, ["A1"]) == []
        assert uow.connections.find_by_account(Region.NA, []) == []


def test_the_expiry_sweep_finds_connections_whose_authorization_ends_soon(
    database: Any,
) -> None:
    old = connection("con_old", selling_partner_id="A1", at=NOW - timedelta(days=350))
    new = connection("con_new", selling_partner_id="A2", at=NOW)
    gone = connection("con_gone", selling_partner_id="A3", at=NOW - timedelta(days=350))
    gone.disconnect(NOW)
    store(database, old, new, gone)
    with database.unit_of_work() as uow:
        due = uow.connections.with_grants_expiring_before(NOW + timedelta(days=30))
        assert [c.id for c in due] == ["con_old"]
        later = uow.connections.with_grants_expiring_before(NOW + timedelta(days=366))
        assert sorted(c.id for c in later) == ["con_new", "con_old"]


def test_the_refresh_sweep_finds_missing_and_expiring_access_tokens_only(database: Any) -> None:
    soon = connection("con_soon", selling_partner_id="A1", access_expires_in=timedelta(minutes=3))
    later = connection("con_later", selling_partner_id="A2", access_expires_in=timedelta(hours=1))
    missing = connection("con_missing", selling_partner_id="A3", access_token=None)
    revoked = connection("con_revoked", selling_partner_id="A4", access_expires_in=timedelta(0))
    for grant in revoked.grants.values():
        grant.revoke(at=NOW)
    gone = connection("con_gone", selling_partner_id="A5", access_token=None)
    gone.disconnect(NOW)
    store(database, soon, later, missing, revoked, gone)
    with database.unit_of_work() as uow:
        due = uow.connections.with_access_tokens_expiring_before(NOW + timedelta(minutes=5))
    assert sorted(c.id for c in due) == ["con_missing", "con_soon"]


def test_reading_for_update_returns_the_same_connection(database: Any) -> None:
    store(database, connection())
    with database.unit_of_work() as uow:
        assert uow.connections.get("con_1", for_update=True) == connection()
