"""Contract: webhook endpoints (secrets sealed), the outbox marks on the event log, and
deliveries claimed with a lease, on every back end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.events import APP_TEAM_ID, AuditEvent, EventKind
from domain.secret import Secret
from domain.webhooks import Delivery, DeliveryStatus, EndpointChange, WebhookEndpoint
from tests.contract.persistence.builders import NOW, team

SECRET = "whsec_" + "QUJD" * 8


def endpoint(endpoint_id: str = "whk_1", team_id: str = "team_1") -> WebhookEndpoint:
    return WebhookEndpoint(
        id=endpoint_id,
        team_id=team_id,
        url="https://example.com/hook",
        event_types=("*",),
        secret=Secret(SECRET),
        created_at=NOW,
    )


def delivery(delivery_id: str, key: str = "connection:con_1", at: Any = NOW) -> Delivery:
    return Delivery(
        id=delivery_id,
        endpoint_id="whk_1",
        team_id="team_1",
        message_id=f"evt_{delivery_id}",
        event_type="connection.connected",
        ordering_key=key,
        payload="{}",
        created_at=at,
        next_attempt_at=at,
    )


def event(n: int, team_id: str = "team_1") -> AuditEvent:
    return AuditEvent(
        id=f"evt_{n}",
        at=NOW + timedelta(seconds=n),
        team_id=team_id,
        kind=EventKind.CONNECTION_CREATED,
        actor="user:x",
        summary=f"event {n}",
    )


@pytest.fixture
def stored(database: Any) -> Any:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.webhooks.add(endpoint())
        uow.commit()
    return database


def test_an_endpoint_comes_back_with_its_secrets_and_rotation(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        found = uow.webhooks.get("whk_1", for_update=True)
        found.rotate(Secret("whsec_" + "WFla" * 8), at=NOW, actor="user:x")
        uow.webhooks.update(found)
        uow.commit()
    with stored.unit_of_work() as uow:
        again = uow.webhooks.get("whk_1")
        assert again.secret.reveal() == "whsec_" + "WFla" * 8
        assert again.previous_secret.reveal() == SECRET
        assert again.previous_secret_expires_at == NOW + timedelta(hours=24)
        assert [e.id for e in uow.webhooks.list_enabled(["team_1"])] == ["whk_1"]
        assert uow.webhooks.list_enabled(["team_2"]) == []


def test_events_are_unpublished_until_marked_and_replayable_after(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        for n in (1, 2, 3):
            uow.events.append(event(n))
        uow.events.append(event(4, APP_TEAM_ID))
        uow.commit()
    with stored.unit_of_work() as uow:
        uow.events.lock_outbox()
        assert [e.id for e in uow.events.unpublished(2)] == ["evt_1", "evt_2"]
        uow.events.mark_published(["evt_1", "evt_2"], NOW)
        uow.commit()
    with stored.unit_of_work() as uow:
        assert [e.id for e in uow.events.unpublished(10)] == ["evt_3", "evt_4"]
        uow.events.mark_published(["evt_3", "evt_4"], NOW)
        uow.commit()
    with stored.unit_of_work() as uow:
        since = NOW + timedelta(seconds=2)
        assert [e.id for e in uow.events.published_since("team_1", since, 10)] == [
            "evt_2",
            "evt_3",
            "evt_4",
        ]


def test_only_the_head_of_each_ordering_group_is_claimed(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        uow.deliveries.add_many(
            [delivery("d1"), delivery("d2"), delivery("d3", "connection:con_2")]
        )
        uow.commit()
    until = NOW + timedelta(minutes=1)
    with stored.unit_of_work() as uow:
        claimed = uow.deliveries.claim(
            now=NOW, until=until, claimer="A", limit=10, endpoint_id="whk_1"
        )
        uow.commit()
    assert [d.id for d in claimed] == ["d1", "d3"]
    with stored.unit_of_work() as uow:
        # Leased: another dispatcher gets nothing, not even d2 behind the leased d1.
        assert (
            uow.deliveries.claim(now=NOW, until=until, claimer="B", limit=10, endpoint_id="whk_1")
            == []
        )
        assert uow.deliveries.endpoints_with_due(NOW) == []
        uow.commit()
    first = claimed[0]
    first.succeeded(at=NOW, status_code=204, response="")
    with stored.unit_of_work() as uow:
        assert not uow.deliveries.finish(first, "B")  # not B's lease
        assert uow.deliveries.finish(first, "A")
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.deliveries.endpoints_with_due(NOW) == ["whk_1"]
        next_ = uow.deliveries.claim(
            now=NOW, until=until, claimer="B", limit=10, endpoint_id="whk_1"
        )
        uow.commit()
    assert [d.id for d in next_] == ["d2"]
    with stored.unit_of_work() as uow:
        assert uow.deliveries.get("d1").status is DeliveryStatus.DELIVERED
        listed = uow.deliveries.list_for_endpoint("whk_1", status=DeliveryStatus.PENDING)
        assert [d.id for d in listed] == ["d3", "d2"]


def test_a_lease_that_ran_out_can_be_taken_over(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        uow.deliveries.add_many([delivery("d1")])
        uow.commit()
    with stored.unit_of_work() as uow:
        uow.deliveries.claim(
            now=NOW, until=NOW + timedelta(seconds=60), claimer="A", limit=1, endpoint_id="whk_1"
        )
        uow.commit()
    later = NOW + timedelta(seconds=61)
    with stored.unit_of_work() as uow:
        taken = uow.deliveries.claim(
            now=later,
            until=later + timedelta(seconds=60),
            claimer="B",
            limit=1,
            endpoint_id="whk_1",
        )
        uow.commit()
    assert [d.id for d in taken] == ["d1"]
    taken[0].failed_attempt(at=later, status_code=500, error="boom", response="x" * 5000)
    with stored.unit_of_work() as uow:
        assert not uow.deliveries.finish(taken[0], "A")
        assert uow.deliveries.finish(taken[0], "B")
        uow.commit()
    with stored.unit_of_work() as uow:
        stored_delivery = uow.deliveries.get("d1")
        assert stored_delivery.attempts == 1
        assert len(stored_delivery.last_response) == 1024


def test_a_disabled_endpoint_has_nothing_to_claim_and_delete_removes_deliveries(
    stored: Any,
) -> None:
    with stored.unit_of_work() as uow:
        uow.deliveries.add_many([delivery("d1")])
        found = uow.webhooks.get("whk_1")
        found.change(EndpointChange(enabled=False), at=NOW, actor="user:x")
        uow.webhooks.update(found)
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.deliveries.endpoints_with_due(NOW) == []
        uow.webhooks.delete(uow.webhooks.get("whk_1"))
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.deliveries.get("d1") is None
        assert uow.webhooks.get("whk_1") is None


def test_the_next_attempt_is_the_earliest_head_of_a_queue_leases_aside(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        assert uow.deliveries.next_attempt_at() is None
        early, late = NOW + timedelta(minutes=1), NOW + timedelta(hours=1)
        uow.deliveries.add_many(
            [
                delivery("d1", at=late),
                delivery("d2", at=early),  # behind d1 in its queue: waits for it
                delivery("d3", "connection:con_2", at=late + timedelta(minutes=5)),
            ]
        )
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.deliveries.next_attempt_at() == late
        uow.deliveries.claim(
            now=late, until=late + timedelta(minutes=1), claimer="A", limit=10,
            endpoint_id="whk_1",
        )  # fmt: skip
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.deliveries.next_attempt_at() == late
        found = uow.webhooks.get("whk_1")
        found.change(EndpointChange(enabled=False), at=NOW, actor="user:x")
        uow.webhooks.update(found)
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.deliveries.next_attempt_at() is None
