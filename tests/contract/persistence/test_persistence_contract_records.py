"""Contract: listing settings, the audit log and sync cursors, on every back end."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from application.repositories import EventLogQuery
from domain.events import AuditEvent, EventKind
from domain.listing import ListingSettings, Money
from domain.sync import SyncCursor
from tests.contract.persistence.builders import NOW


def test_listing_settings_come_back_exactly(stored: Any) -> None:
    settings = ListingSettings(
        connection_id="con_1",
        inventory_buffer=6,
        inventory_ceiling=4,
        minimum_price=Money(Decimal("12.345"), "USD"),
        pricing_enabled=False,
        batch_window=timedelta(minutes=20, microseconds=5),
    )
    with stored.unit_of_work() as uow:
        assert uow.listing_settings.get("con_1") is None
        uow.listing_settings.put(settings)
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.listing_settings.get("con_1") == settings


def test_putting_listing_settings_again_replaces_them(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        uow.listing_settings.put(ListingSettings("con_1", minimum_price=Money(Decimal("5"), "USD")))
        uow.commit()
    with stored.unit_of_work() as uow:
        uow.listing_settings.put(ListingSettings("con_1", inventory_buffer=2))
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.listing_settings.get("con_1") == ListingSettings("con_1", inventory_buffer=2)


def _event(n: int, **changes: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "id": f"evt_{n}",
        "at": NOW + timedelta(minutes=n),
        "team_id": "team_1",
        "kind": EventKind.TOKEN_REFRESHED,
        "actor": "sellerlink",
        "summary": f"event {n}",
        "connection_id": "con_1",
        "data": {"n": str(n)},
    }
    values.update(changes)
    return AuditEvent(**values)


def test_the_audit_log_lists_newest_first_with_filters(stored: Any) -> None:
    events = [
        _event(1, kind=EventKind.CONNECTION_CREATED),
        _event(2),
        _event(3, connection_id="con_2"),
        _event(4, team_id="team_2", connection_id=None),
        _event(5, kind=EventKind.TOKEN_REVOKED),
    ]
    with stored.unit_of_work() as uow:
        for event in events:
            uow.events.append(event)
        uow.commit()

    def ids(**filters: Any) -> list[str]:
        with stored.unit_of_work() as uow:
            return [e.id for e in uow.events.list(EventLogQuery(**filters))]

    with stored.unit_of_work() as uow:
        assert uow.events.list(EventLogQuery(team_id="team_1", limit=1)) == [events[4]]
    assert ids() == ["evt_5", "evt_4", "evt_3", "evt_2", "evt_1"]
    assert ids(team_id="team_1") == ["evt_5", "evt_3", "evt_2", "evt_1"]
    assert ids(connection_id="con_1") == ["evt_5", "evt_2", "evt_1"]
    assert ids(since=NOW + timedelta(minutes=2), until=NOW + timedelta(minutes=4)) == [
        "evt_3",
        "evt_2",
    ]
    assert ids(kinds=["token.revoked", "connection.created"]) == ["evt_5", "evt_1"]
    assert ids(team_id="team_1", limit=2) == ["evt_5", "evt_3"]


def test_sync_cursors_are_stored_replaced_and_found_by_backfill(stored: Any) -> None:
    plain = SyncCursor("con_1", "ATVPDKIKX0DER", synced_until=NOW)
    behind = SyncCursor("con_1", "A2EUQ1WTGCTBG2", synced_until=NOW - timedelta(days=3))
    behind.schedule_backfill(gap_start=NOW - timedelta(days=2), reconnected_at=NOW)
    other = SyncCursor("con_2", "ATVPDKIKX0DER")
    with stored.unit_of_work() as uow:
        for cursor in (plain, behind, other):
            uow.sync_cursors.put(cursor)
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.sync_cursors.get("con_1", "ATVPDKIKX0DER") == plain
        assert uow.sync_cursors.get("con_1", "A1PA6795UKMFR9") is None
        assert sorted(c.marketplace_id for c in uow.sync_cursors.list_for_connection("con_1")) == [
            "A2EUQ1WTGCTBG2",
            "ATVPDKIKX0DER",
        ]
        assert uow.sync_cursors.list_with_backfill() == [behind]
        assert uow.sync_cursors.list_all() == [behind, plain, other]
    behind.advance(NOW)
    behind.backfill_done()
    with stored.unit_of_work() as uow:
        uow.sync_cursors.put(behind)
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.sync_cursors.list_with_backfill() == []
        assert uow.sync_cursors.get("con_1", "A2EUQ1WTGCTBG2") == behind
