"""Connection use cases the features do not walk through: listing by health, who can see
what, and what the timeline and the listing settings refuse (DESIGN §3.8-3.10, seed 003)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.connections import EventQuery
from application.listing_settings import UpdateListingSettingsCommand
from domain.connection import Health
from domain.errors import DomainError, ErrorCode
from domain.events import EventKind
from domain.grant import Channel
from domain.team import Role
from tests.world import World, refused


@pytest.fixture
def connected(acme: World) -> World:
    acme.connect_fully("us-seller", actor=acme.actor(Role.ADMIN))
    return acme


def test_connections_can_be_listed_by_health(connected: World) -> None:
    healthy = connected.connection_id
    connected.connect("vendor", Channel.ADS)
    connected.connection = connected.app.get_connection(connected.actor(), healthy)
    connected.seller_revokes("us-seller")
    actor = connected.actor()
    needing = connected.app.list_connections(actor, health=Health.RECONNECT_REQUIRED)
    assert [c.id for c in needing] == [healthy]
    assert len(connected.app.list_connections(actor)) == 2


def test_a_team_member_can_see_but_not_change(connected: World) -> None:
    member = connected.actor(Role.MEMBER)
    assert connected.app.get_connection(member, connected.connection_id).id
    assert connected.app.list_marketplaces(member, connected.connection_id)
    assert refused(connected.app.refresh_account, member, connected.connection_id) is (
        ErrorCode.FORBIDDEN_ROLE
    )
    assert refused(connected.reconnect, "us-seller", Channel.ADS, member) is (
        ErrorCode.FORBIDDEN_ROLE
    )


def test_a_disconnected_connection_is_gone_from_the_team_but_not_from_its_timeline(
    connected: World,
) -> None:
    connected.app.disconnect(connected.actor(), connected.connection_id)
    assert refused(connected.app.get_connection, connected.actor(), connected.connection_id) is (
        ErrorCode.NOT_FOUND
    )
    events = connected.app.list_events(EventQuery(connected.actor(), connected.connection_id))
    assert events[0].kind is EventKind.CONNECTION_DISCONNECTED
    assert [e.kind for e in events].count(EventKind.CONNECTION_CREATED) == 1


def test_the_timeline_is_newest_first_and_limited(connected: World) -> None:
    events = connected.app.list_events(
        EventQuery(connected.actor(), connected.connection_id, limit=3)
    )
    assert len(events) == 3
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)


def test_another_teams_timeline_is_out_of_reach(connected: World) -> None:
    rival = connected.create_team("Rival")
    query = EventQuery(connected.actor(Role.OWNER, rival), connected.connection_id)
    assert refused(connected.app.list_events, query) is ErrorCode.NOT_A_MEMBER


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inventory_buffer": -1}, "inventory_buffer"),
        ({"inventory_ceiling": -2}, "inventory_ceiling"),
        ({"minimum_price_amount": Decimal("5"), "minimum_price_currency": None}, "currency"),
        ({"minimum_price_amount": Decimal("-1"), "minimum_price_currency": "USD"}, "amount"),
    ],
)
def test_listing_settings_that_make_no_sense_are_refused(
    connected: World, changes: dict[str, object], field: str
) -> None:
    command = {
        "actor": connected.actor(),
        "connection_id": connected.connection_id,
        "inventory_buffer": 0,
        "inventory_ceiling": None,
        "minimum_price_amount": None,
        "minimum_price_currency": None,
        "pricing_enabled": True,
    } | changes
    with pytest.raises(DomainError) as error:
        connected.app.update_listing_settings(UpdateListingSettingsCommand(**command))  # type: ignore[arg-type]
    assert error.value.code is ErrorCode.VALIDATION_FAILED
    assert error.value.context["field"] == field
    assert connected.listing_settings().inventory_buffer == 0


def test_a_listing_settings_change_says_what_changed_and_who_changed_it(connected: World) -> None:
    connected.set_listing_settings(buffer=6, ceiling=4, actor=connected.actor(Role.MANAGER))
    change = next(e for e in connected.events() if e.kind is EventKind.LISTING_SETTINGS_CHANGED)
    assert change.actor == "user:manager@acme"
    assert change.summary == (
        "Listing settings: defaults -> buffer 6, ceiling 4, minimum none, pricing on"
    )
