"""Contract: the seller's records (DESIGN §12) on every back end: a sequence only for what
changed, snapshot deletions, keyset pages with filters, retention."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from domain.records import Dataset, IncomingRecord, RecordQuery, RecordScope, WriteCounts
from tests.contract.persistence.builders import NOW, connection, team

ORDERS = RecordScope("team_1", "con_1", "A1PA6795UKMFR9", Dataset.ORDERS)
FR_ORDERS = RecordScope("team_1", "con_1", "A13V1IB3VIYZZH", Dataset.ORDERS)
INVENTORY = RecordScope("team_1", "con_1", "A1PA6795UKMFR9", Dataset.INVENTORY)
OTHER_TEAM = RecordScope("team_2", "con_9", "A1PA6795UKMFR9", Dataset.ORDERS)


@pytest.fixture
def stored(database: Any) -> Any:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.teams.add(team("team_2"))
        uow.connections.add(connection())
        uow.connections.add(connection("con_9", team_id="team_2"))
        uow.commit()
    return database


def order(order_id: str, status: str = "Shipped") -> IncomingRecord:
    payload = json.dumps({"AmazonOrderId": order_id, "OrderStatus": status})
    return IncomingRecord(order_id, payload, as_of=NOW)


def write(db: Any, scope: RecordScope, records: list[IncomingRecord], at: Any = NOW) -> Any:
    with db.unit_of_work() as uow:
        counts = uow.records.write(scope, records, at=at)
        uow.commit()
    return counts


def page(db: Any, **query: Any) -> list[Any]:
    with db.unit_of_work() as uow:
        return uow.records.page(RecordQuery(team_id=query.pop("team_id", "team_1"), **query))


def test_a_record_gets_a_new_sequence_only_when_amazon_changed_it(stored: Any) -> None:
    first = write(stored, ORDERS, [order("A-1"), order("A-2")])
    assert first == WriteCounts(created=2)
    again = write(stored, ORDERS, [order("A-1"), order("A-2")], at=NOW + timedelta(hours=1))
    assert again == WriteCounts(unchanged=2)
    before = {r.key: r for r in page(stored)}
    assert before["A-1"].updated_at == NOW  # re-fetching the same data changes nothing

    changed = write(stored, ORDERS, [order("A-1", "Canceled")], at=NOW + timedelta(hours=2))
    assert changed == WriteCounts(changed=1)
    after = page(stored)
    assert [r.key for r in after] == ["A-2", "A-1"]  # the change moved to the end
    assert after[1].sequence > before["A-2"].sequence
    assert json.loads(after[1].payload)["OrderStatus"] == "Canceled"
    assert after[1].updated_at == NOW + timedelta(hours=2)


def test_the_payload_is_kept_exactly_as_amazon_sent_it(stored: Any) -> None:
    text = '{"b": 1, "a": "\\u00e9t\\u00e9", "nested": {"z": [1, 2.50]}}'
    write(stored, ORDERS, [IncomingRecord("A-1", text)])
    assert page(stored)[0].payload == text


def test_the_last_of_a_key_in_one_batch_wins(stored: Any) -> None:
    counts = write(stored, ORDERS, [order("A-1"), order("A-1", "Canceled")])
    assert counts == WriteCounts(created=1)
    assert json.loads(page(stored)[0].payload)["OrderStatus"] == "Canceled"


def test_a_snapshot_marks_what_is_gone_deleted_and_revives_what_returns(stored: Any) -> None:
    skus = [IncomingRecord(s, json.dumps({"sellerSku": s})) for s in ("S1", "S2", "S3")]
    write(stored, INVENTORY, skus)
    write(stored, ORDERS, [order("A-1")])
    with stored.unit_of_work() as uow:
        counts = uow.records.delete_missing(INVENTORY, ["S1", "S3"], at=NOW)
        uow.commit()
    assert counts == WriteCounts(deleted=1)
    gone = page(stored)[-1]
    assert (gone.key, gone.deleted, gone.dataset) == ("S2", True, Dataset.INVENTORY)
    assert page(stored, dataset=Dataset.ORDERS)[0].deleted is False  # other datasets untouched

    with stored.unit_of_work() as uow:
        assert uow.records.delete_missing(INVENTORY, ["S1", "S3"], at=NOW) == WriteCounts()
    back = write(stored, INVENTORY, [skus[1]])
    assert back == WriteCounts(changed=1)
    assert page(stored)[-1].deleted is False


def test_pages_follow_the_sequence_with_filters_and_never_cross_teams(stored: Any) -> None:
    write(stored, ORDERS, [order(f"DE-{n}") for n in range(5)])
    write(stored, FR_ORDERS, [order(f"FR-{n}") for n in range(3)])
    write(stored, INVENTORY, [IncomingRecord("S1", "{}")])
    write(stored, OTHER_TEAM, [order("X-1")])

    everything = page(stored, limit=100)
    assert len(everything) == 9
    sequences = [r.sequence for r in everything]
    assert sequences == sorted(sequences)
    walked, after = [], 0
    while batch := page(stored, after=after, limit=4):
        walked += [r.key for r in batch]
        after = batch[-1].sequence
    assert walked == [r.key for r in everything]

    assert [r.key for r in page(stored, marketplace_id="A13V1IB3VIYZZH")] == [
        "FR-0",
        "FR-1",
        "FR-2",
    ]
    assert [r.key for r in page(stored, dataset=Dataset.INVENTORY)] == ["S1"]
    assert len(page(stored, connection_id="con_1", dataset=Dataset.ORDERS)) == 8
    assert [r.key for r in page(stored, team_id="team_2")] == ["X-1"]
    assert page(stored, connection_id="con_9") == []


def test_retention_drops_old_data_and_old_deletion_marks(stored: Any) -> None:
    old = IncomingRecord("OLD", "{}", as_of=NOW - timedelta(days=100))
    recent = IncomingRecord("NEW", "{}", as_of=NOW - timedelta(days=3))
    write(stored, ORDERS, [old, recent], at=NOW - timedelta(days=100))
    write(stored, INVENTORY, [IncomingRecord("S1", "{}"), IncomingRecord("S2", "{}")])
    with stored.unit_of_work() as uow:
        uow.records.delete_missing(INVENTORY, ["S2"], at=NOW - timedelta(days=95))
        uow.commit()
    write(stored, OTHER_TEAM, [IncomingRecord("OLD", "{}", as_of=NOW - timedelta(days=100))])
    with stored.unit_of_work() as uow:
        assert uow.records.purge("team_1", before=NOW - timedelta(days=90)) == 2
        uow.commit()
    assert sorted(r.key for r in page(stored)) == ["NEW", "S2"]
    assert [r.key for r in page(stored, team_id="team_2")] == ["OLD"]


def test_an_unfinished_write_leaves_nothing(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        uow.records.write(ORDERS, [order("A-1")], at=NOW)
    assert page(stored) == []
    write(stored, ORDERS, [order("A-2")])
    assert [r.sequence for r in page(stored)] == [1]
