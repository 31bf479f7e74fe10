"""Contract: marketplaces with their append-only history and optimistic concurrency, on
every back end (application/unit_of_work.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.errors import ConcurrentUpdate
from domain.marketplace import MarketplaceState
from tests.contract.persistence.builders import NOW, marketplace


def test_a_marketplace_comes_back_with_its_history(stored: Any) -> None:
    original = marketplace()
    original.select(at=NOW, actor="user:ann")
    with stored.unit_of_work() as uow:
        uow.marketplaces.add(original)
        uow.commit()
    with stored.unit_of_work() as uow:
        loaded = uow.marketplaces.get("con_1", "ATVPDKIKX0DER")
        assert uow.marketplaces.get("con_1", "A1PA6795UKMFR9") is None
    assert loaded == original
    assert [t.to_state for t in loaded.history] == [
        MarketplaceState.AVAILABLE,
        MarketplaceState.SETTING_UP,
    ]


def test_an_update_appends_the_new_transitions_and_bumps_the_version(
    stored: Any,
) -> None:
    with stored.unit_of_work() as uow:
        uow.marketplaces.add(marketplace())
        uow.commit()
    for step in range(3):
        with stored.unit_of_work() as uow:
            loaded = uow.marketplaces.get("con_1", "ATVPDKIKX0DER", for_update=True)
            at = NOW + timedelta(minutes=step)
            if step == 0:
                loaded.select(at=at, actor="user:ann")
            elif step == 1:
                loaded.fail(at=at, reason="Failed to create geocompany")
            else:
                loaded.retry(at=at, actor="user:ann")
            uow.marketplaces.update(loaded)
            uow.commit()
    with stored.unit_of_work() as uow:
        stored = uow.marketplaces.get("con_1", "ATVPDKIKX0DER")
    assert stored == loaded
    assert stored.version == 3
    assert stored.retries_used == 1
    assert [(t.reason, t.actor) for t in stored.retry_history] == [
        ("Failed to create geocompany", "worker"),
        ("retry", "user:ann"),
    ]


def test_a_lost_update_to_a_marketplace_is_an_error(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        uow.marketplaces.add(marketplace())
        uow.commit()
    with stored.unit_of_work() as uow:
        stale = uow.marketplaces.get("con_1", "ATVPDKIKX0DER")
    with stored.unit_of_work() as uow:
        fresh = uow.marketplaces.get("con_1", "ATVPDKIKX0DER")
        fresh.select(at=NOW, actor="user:ann")
        uow.marketplaces.update(fresh)
        uow.commit()
    with stored.unit_of_work() as uow:
        stale.set_active(True)
        with pytest.raises(ConcurrentUpdate):
            uow.marketplaces.update(stale)
    with stored.unit_of_work() as uow:
        stored = uow.marketplaces.get("con_1", "ATVPDKIKX0DER")
    assert (stored.state, stored.active, len(stored.history)) == (
        MarketplaceState.SETTING_UP,
        False,
        2,
    )


def test_marketplaces_are_listed_by_connection_and_by_state(stored: Any) -> None:
    us, de, other = (
        marketplace("con_1", "ATVPDKIKX0DER"),
        marketplace("con_1", "A1PA6795UKMFR9"),
        marketplace("con_2", "ATVPDKIKX0DER"),
    )
    de.select(at=NOW, actor="user:ann")
    de.fail(at=NOW, reason="boom")
    other.select(at=NOW, actor="user:ann")
    with stored.unit_of_work() as uow:
        for m in (us, de, other):
            uow.marketplaces.add(m)
        uow.commit()
    with stored.unit_of_work() as uow:
        mine = uow.marketplaces.list_for_connection("con_1")
        assert sorted(m.marketplace_id for m in mine) == ["A1PA6795UKMFR9", "ATVPDKIKX0DER"]
        assert sorted(mine, key=lambda m: m.marketplace_id) == [de, us]
        busy = uow.marketplaces.list_in_states(
            [MarketplaceState.SETTING_UP, MarketplaceState.FAILED]
        )
        assert sorted((m.connection_id, m.state) for m in busy) == [
            ("con_1", MarketplaceState.FAILED),
            ("con_2", MarketplaceState.SETTING_UP),
        ]
        assert uow.marketplaces.list_in_states([MarketplaceState.READY]) == []
